// ADR checkable blocks: the input is the body of a ```phase-mirror block (the
// YAML list of rules). It is read as parse_adr reads it, with a budget, and
// every rule is evaluated on sample files: a workflow, C++/TypeScript/Python
// sources, the input itself, and a file with a line longer than any match
// window.
//
// Checked beyond the sanitizers: kept rules respect the caps (regex program
// size, match window, glob caps); warnings cite lines inside the block;
// violations cite lines inside their files with evidence of at most 200
// bytes; an unlimited budget never stops; and pattern rules find exactly the
// lines a plain line-by-line RE2 search finds (on files whose lines fit the
// window), so the chunked search never hides or invents a hit.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adr/adr.hpp"
#include "adr/checks.hpp"
#include "util/budget.hpp"
#include "util/log.hpp"

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "adr_checks_fuzz: %s: %s\n", what.c_str(), detail.substr(0, 2000).c_str());
  std::abort();
}

int count_lines(std::string_view s) {
  int n = 1;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && s.compare(i, 2, "\r\n") != 0) || s.compare(i, 2, "\xC2\x85") == 0 ||
        s.compare(i, 3, "\xE2\x80\xA8") == 0 || s.compare(i, 3, "\xE2\x80\xA9") == 0) {
      ++n;
    }
  }
  return n;
}

// Lines on which `re` matches, one RE2 search per line (the line without its
// '\n' and a CRLF's '\r'), as the documented semantics say.
std::set<int> plain_hits(const re2::RE2& re, std::string_view text) {
  std::set<int> hits;
  int n = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++n;
    if (RE2::PartialMatch(line, re)) hits.insert(n);
    if (nl == text.size()) break;
    pos = nl + 1;
  }
  return hits;
}

std::size_t longest_line(std::string_view text) {
  std::size_t best = 0, pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    best = std::max(best, nl - pos);
    if (nl == text.size()) break;
    pos = nl + 1;
  }
  return best;
}

constexpr std::string_view kWorkflow =
    "name: ci\non: [push, pull_request_target]\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n"
    "    permissions:\n      contents: write\n    steps:\n      - run: curl http://x | sh\n  b:\n    runs-on: y\n";
constexpr std::string_view kCpp =
    "#include \"db/client.hpp\"\n#include <vector>\r\nint main() { system(\"ls\"); }\n// TODO x\n\nend";
constexpr std::string_view kTs =
    "import { q } from '../db/query';\nconst x = require(\"lodash\");\nexport * from './api';\neval(x);\n";
constexpr std::string_view kPy = "import os.path, sys  # c\nfrom ..db import client\nfrom . import (util, x)\n";

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pm::log::configure(pm::log::Level::kEmergency, pm::log::Format::kText);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view block(reinterpret_cast<const char*>(data), size);
  constexpr int kFirstLine = 12;
  pm::adr::Adr adr;
  adr.id = "ADR-009";
  adr.file = "docs/adr/ADR-009-fuzz.md";
  adr.status = pm::adr::Status::kApproved;
  pm::Budget budget;
  adr.checks = pm::adr::parse_check_block(adr.id, adr.file, block, kFirstLine, adr.warnings, budget);
  if (budget.stopped()) fail("an unlimited budget stopped while parsing", std::string(block));
  const int last_line = kFirstLine + count_lines(block) - 1;
  for (const auto& w : adr.warnings) {
    // An error at the end of the block is cited at the line after it, the closing fence.
    if (w.line != 0 && (w.line < kFirstLine || w.line > last_line + 1)) fail("warning outside the block", w.message);
    if (w.message.size() > 4096) fail("warning echoes too much", w.message.substr(0, 200));
  }
  for (const auto& c : adr.checks) {
    if (c.line < kFirstLine || c.line > last_line) fail("rule outside the block", c.id);
    for (const auto* globs : {&c.in, &c.exclude, &c.to}) {
      for (const auto& g : *globs) {
        if (g.pattern().size() > pm::adr::kMaxGlobLength || g.alternatives() > pm::adr::kMaxBraceAlternatives) {
          fail("glob over its caps kept", g.pattern());
        }
      }
    }
    if (c.kind == pm::adr::CheckKind::kForbid || c.kind == pm::adr::CheckKind::kRequire) {
      if (!c.pattern) fail("pattern rule without a pattern", c.id);
      if (c.pattern->ProgramSize() > pm::adr::kMaxRegexProgramSize) fail("regex over the program cap", c.pattern_text);
      if (c.match_window < pm::adr::kMinMatchWindow || c.match_window > pm::adr::kMaxMatchWindow) {
        fail("match window out of bounds", std::to_string(c.match_window));
      }
      if (c.in.empty()) fail("pattern rule looking at no file", c.id);
    }
  }

  std::string long_line = "x = '" + std::string(pm::adr::kMaxMatchWindow + 100, 'a') + "' # TODO\nnext line\n";
  const std::vector<pm::adr::SourceFile> files = {
      {".github/workflows/ci.yml", ".github/workflows/ci.yml", kWorkflow},
      {"src/main.cpp", "src/main.cpp", kCpp},
      {"web/src/app.ts", "web/src/app.ts", kTs},
      {"svc/pkg/mod.py", "svc/pkg/mod.py", kPy},
      {"src/fuzz.txt", "src/fuzz.txt", block},
      {"src/long.py", "src/long.py", long_line},
  };
  for (const auto& f : files) {
    for (const auto& c : adr.checks) {
      if (!pm::adr::rule_applies(c, f.relative, budget)) continue;
      std::vector<pm::adr::Violation> out;
      pm::adr::evaluate_check(adr, c, f, out, budget);
      if (budget.stopped()) fail("an unlimited budget stopped while matching", c.id);
      const int lines = count_lines(f.content);
      for (const auto& v : out) {
        if (v.line < 1 || v.line > lines) fail("violation outside its file", v.rule_id + " " + std::to_string(v.line));
        if (v.evidence.size() > 200) fail("evidence longer than 200 bytes", v.evidence.substr(0, 300));
      }
      if (c.kind == pm::adr::CheckKind::kForbid && longest_line(f.content) <= c.match_window) {
        std::set<int> got;
        for (const auto& v : out) got.insert(v.line);
        if (got != plain_hits(*c.pattern, f.content)) {
          fail("chunked search differs from the line-by-line search", c.pattern_text + " on " + f.given);
        }
      }
    }
  }
  return 0;
}
