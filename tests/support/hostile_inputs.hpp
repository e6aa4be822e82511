#pragma once
// Builders of hostile repository content, shared by the integration tests that
// assert what a client sees for each input and by the stdio soak
// (bench/e2e), which sends them between ordinary calls for an hour.
// Header-only: the benchmark links no test library.
#include <random>
#include <string>
#include <string_view>

namespace pm::hostile {

inline std::string repeated(std::string_view s, std::size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) r.append(s);
  return r;
}

// An accepted ADR whose compliance block is `block` (YAML rules).
inline std::string adr_with_block(const std::string& block) {
  return "# ADR-001: Hostile\n\n**Status:** Accepted\n\n## Decision\n\nX.\n\n## Compliance "
         "Checks\n\n```phase-mirror\n" +
         block + "```\n";
}

// A rule whose `in` glob is `segments` times `**/` (360 001 bytes at 120 000).
inline std::string glob_bomb_block(std::size_t segments) {
  return "- id: deep\n  forbid: {pattern: 'x', in: '" + repeated("**/", segments) + "x'}\n- id: ok\n  forbid: 'BAD'\n";
}

// A regex whose compiled program is too large to run over a big file.
inline constexpr const char* kHugeRegexBlock = "- id: slow\n  forbid: {pattern: '(\\w+\\s?){1,1000}x'}\n";

// Random a/b text: a[ab]{900}c makes RE2 give up its DFA on it (about 25 us
// per byte), so matching 4 MiB of it would take minutes without the limits.
inline std::string slow_text(std::size_t bytes = 4u << 20) {
  std::string text(bytes, 'a');
  std::mt19937 rng(11);
  for (auto& c : text) c = (rng() & 1) != 0U ? 'a' : 'b';
  return text;
}
inline constexpr const char* kSlowRuleBlock = "- id: slow\n  severity: high\n  forbid: {pattern: 'a[ab]{900}c'}\n";

// "Billion laughs": nine levels of aliases, each nine times the one before.
inline std::string yaml_alias_bomb() {
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  const char* names = "bcdefghi";
  for (int i = 0; i < 8; ++i) {
    const std::string prev(1, i == 0 ? 'a' : names[i - 1]);
    const std::string cur(1, names[i]);
    bomb += cur + ": &" + cur + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev +
            ",*" + prev + ",*" + prev + ",*" + prev + "]\n";
  }
  return bomb;
}

// A workflow whose `jobs` value is `depth` nested flow sequences.
inline std::string deeply_nested_workflow(std::size_t depth) {
  return "on: push\njobs: " + std::string(depth, '[') + std::string(depth, ']') + "\n";
}

// One run block of `expressions` lines, each with a `${{ }}`, half of them
// attacker-controlled (MD-104): 60 000 make 2.8 MB, 200 000 make 9.5 MB.
inline std::string huge_script_workflow(std::size_t expressions) {
  std::string w = "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n";
  w.reserve(w.size() + expressions * 48);
  for (std::size_t i = 0; i < expressions; ++i) {
    w += i % 2 == 0 ? "          echo \"${{ github.event.issue.title }}\"\n"
                    : "          echo \"${{ github.sha }}\"                    \n";
  }
  return w;
}

// A workflow in flow style (so libyaml parses it) of at least `bytes`.
inline std::string flow_yaml_workflow(std::size_t bytes) {
  std::string w = "on: push\njobs: {\n";
  w.reserve(bytes + 100);
  for (int i = 0; w.size() < bytes; ++i) {
    w += "  j" + std::to_string(i) + ": {runs-on: x, steps: [{run: echo}, {uses: actions/checkout@v4}]},\n";
  }
  return w + "}\n";
}

}  // namespace pm::hostile
