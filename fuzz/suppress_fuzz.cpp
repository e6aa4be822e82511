// Suppressions: the input is read as the repository config
// (.github/phase-mirror.yml) and as a workflow carrying inline ignore
// comments; each of its lines is also compiled as a path glob and a uses:
// pattern and matched against sample paths and references.
//
// Checked beyond the sanitizers: every config problem has a message and a
// keyword, a line inside the text and a pointer that is "" or starts with
// '/'; a config without problems serialises its summary; every inline ignore
// and problem cites a line inside the text, an ignore names at least one rule,
// and the ignore found for a line is on that line or above it; glob and
// pattern errors have messages.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/inline_ignores.hpp"
#include "engine/path_glob.hpp"
#include "engine/repo_config.hpp"
#include "engine/suppressions.hpp"
#include "engine/yaml.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "suppress_fuzz: %s: %s\n", what.c_str(), detail.substr(0, 2000).c_str());
  std::abort();
}

std::size_t count_lines(std::string_view text) {
  std::size_t lines = 1;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t b = pm::engine::yaml::line_break_length(text, i);
    if (b > 0) ++lines;
    i += b > 0 ? b : 1;
  }
  return lines;
}

void check_config(const std::string& text, std::size_t lines) {
  const auto check = pm::engine::check_repo_config(text, ".github/phase-mirror.yml");
  if (check.issues.size() > pm::engine::kMaxConfigErrors || check.issues.size() > check.issue_count) {
    fail("config issues miscounted", std::to_string(check.issue_count));
  }
  for (const auto& i : check.issues) {
    if (i.message.empty() || i.keyword.empty()) fail("config issue without message or keyword", i.path);
    if (!i.path.empty() && i.path.front() != '/') fail("config issue path is not a pointer", i.path);
    if (i.line < 0 || static_cast<std::size_t>(i.line) > lines + 1) fail("config issue outside the text", i.message);
  }
  if (check.ok()) {
    pm::dump_line(check.config.summary_json());
    pm::engine::Suppressions s(check.config);
    for (const char* path : {".github/workflows/ci.yml", "vendor/a/action.yml", "x"}) {
      for (const auto& id : pm::engine::catalogue_rule_ids()) {
        if (auto hit = s.match({id, path, 12, 9})) pm::dump_line(hit->to_json());
      }
    }
    if (const auto* pins = check.config.settings<pm::engine::PinningSettings>("MD-105")) {
      (void)pins->policy_for("actions/checkout@v4");
      (void)pins->policy_for("org/repo/.github/workflows/x.yml@main");
    }
  } else {
    auto r = pm::engine::parse_repo_config(text, ".github/phase-mirror.yml");
    if (r.ok() || !r.error().details.contains("validationErrors")) fail("invalid config without errors", text);
  }
}

void check_inline(const std::string& text, std::size_t lines) {
  const auto ig = pm::engine::parse_inline_ignores(".github/workflows/fuzz.yml", text);
  for (const auto& i : ig.ignores()) {
    if (i.line < 1 || static_cast<std::size_t>(i.line) > lines) fail("ignore outside the text", std::to_string(i.line));
    if (i.rule_ids.empty()) fail("ignore that names no rule", std::to_string(i.line));
  }
  for (const auto& p : ig.problems()) {
    if (p.message.empty() || p.line < 0 || static_cast<std::size_t>(p.line) > lines + 1) {
      fail("problem outside the text or without a message", std::to_string(p.line));
    }
  }
  for (int line = 1; line <= static_cast<int>(lines) && line <= 2000; ++line) {
    for (const char* rule : {"MD-101", "MD-104", "MD-105", "MD-106"}) {
      const pm::engine::InlineIgnore* found = ig.find(rule, line);
      if (found != nullptr && found->line > line) fail("ignore below the line it covers", std::to_string(line));
    }
  }
}

void check_patterns(std::string_view text) {
  std::size_t start = 0;
  int n = 0;
  while (start < text.size() && n++ < 64) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (auto g = pm::engine::PathGlob::compile(line)) {
      for (const char* p : {".github/workflows/ci.yml", "a/b/c/d/e/f/g/h", "", "vendor/x.yml"}) (void)g->matches(p);
      (void)g->matches(line);
    } else if (g.error().message.empty()) {
      fail("glob error without a message", std::string(line));
    }
    if (auto u = pm::engine::UsesPattern::parse(line)) {
      (void)u->matches("actions/checkout@v4");
      (void)u->matches(line);
    } else if (u.error().message.empty()) {
      fail("pattern error without a message", std::string(line));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pm::log::configure(pm::log::Level::kEmergency, pm::log::Format::kText);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t lines = count_lines(text);
  check_config(text, lines);
  check_inline(text, lines);
  check_patterns(text);
  return 0;
}
