// ADR parser: the input is one ADR Markdown file (either style: the reference
// template or MADR with front matter). It is parsed as check_adr_compliance
// parses it (metadata, RFC 2119 rules, ```phase-mirror check blocks with their
// globs and RE2 patterns), then every checkable rule and every prose rule is
// evaluated on a few sample files (a workflow, C++, TypeScript and Python
// sources, and the ADR text itself as a source file).
//
// Checked beyond the sanitizers: rules, warnings and violations cite lines
// inside their files; ids have the documented shape.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "adr/adr.hpp"
#include "adr/checks.hpp"
#include "adr/glob.hpp"
#include "adr/imports.hpp"
#include "adr/parser.hpp"
#include "util/budget.hpp"
#include "util/log.hpp"

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "adr_fuzz: %s: %s\n", what.c_str(), detail.substr(0, 2000).c_str());
  std::abort();
}

// Lines of a text counted at every line break the parsers know (LF, CRLF, a
// lone CR; NEL, LS and PS as YAML counts them): an upper bound for any line
// the ADR model or a check may cite.
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

constexpr std::string_view kWorkflow =
    "name: ci\non: [push, pull_request_target]\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n"
    "    permissions:\n      contents: write\n    steps:\n      - run: curl http://x | sh\n";
constexpr std::string_view kCpp = "#include \"db/client.hpp\"\n#include <vector>\nint main() { system(\"ls\"); }\n";
constexpr std::string_view kTs =
    "import { q } from '../db/query';\nconst x = require(\"lodash\");\nexport * from './api';\neval(x);\n";
constexpr std::string_view kPy = "import os.path\nfrom ..db import client\nfrom . import util\nexec('1')\n";

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pm::log::configure(pm::log::Level::kEmergency, pm::log::Format::kText);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string_view first_line = text.substr(0, text.find('\n'));
  if (auto id = pm::adr::adr_id_from_filename(first_line); id && id->rfind("ADR-", 0) != 0) {
    fail("id from file name without ADR- prefix", *id);
  }
  pm::adr::map_status(first_line);
  pm::adr::normalize_path(first_line);

  const std::string file = "docs/adr/ADR-007-fuzz.md";
  pm::Budget budget;  // unlimited: a slow input shows up as a libFuzzer timeout
  const pm::adr::Adr adr = pm::adr::parse_adr(file, text, "ADR-007", budget);
  const int adr_lines = count_lines(text);
  for (const auto& r : adr.rules) {
    if (r.line < 1 || r.line > adr_lines) fail("decision rule outside the ADR", r.id + " " + std::to_string(r.line));
    if (r.id.rfind("ADR-007-R", 0) != 0) fail("decision rule id", r.id);
    if (r.keyword.empty()) fail("decision rule without keyword", r.text);
  }
  for (const auto& w : adr.warnings) {
    if (w.line < 0 || w.line > adr_lines) fail("warning outside the ADR", w.message);
  }
  for (const auto& c : adr.checks) {
    if (c.line < 1 || c.line > adr_lines) fail("check rule outside the ADR", c.id + " " + std::to_string(c.line));
  }
  // The same text parsed with its id taken from a `# ADR-###` heading.
  pm::adr::parse_adr("docs/adr/fuzz.md", text, "", budget);

  const std::vector<pm::adr::SourceFile> files = {
      {".github/workflows/ci.yml", ".github/workflows/ci.yml", kWorkflow},
      {"src/main.cpp", "src/main.cpp", kCpp},
      {"web/src/app.ts", "web/src/app.ts", kTs},
      {"svc/pkg/mod.py", "svc/pkg/mod.py", kPy},
      {"./src/fuzz.cpp", "src/fuzz.cpp", text},
  };
  std::vector<pm::adr::Violation> violations;
  for (const auto& f : files) {
    for (const auto& c : adr.checks) {
      if (pm::adr::rule_applies(c, f.relative, budget)) pm::adr::evaluate_check(adr, c, f, violations, budget);
    }
    for (const auto& r : adr.rules) {
      if (pm::adr::prose_rule_is_checkable(r)) pm::adr::evaluate_prose(adr, r, f, violations, budget);
    }
  }
  for (const auto& v : violations) {
    const pm::adr::SourceFile* src = nullptr;
    for (const auto& f : files) {
      if (f.given == v.file) src = &f;
    }
    if (src == nullptr) fail("violation names an unknown file", v.file);
    if (v.line < 0 || v.line > count_lines(src->content)) fail("violation outside its file", v.rule_id);
    if (v.evidence.size() > 200) fail("evidence longer than 200 bytes", v.evidence);
  }
  pm::adr::extract_imports("src/fuzz.ts", text, budget);
  pm::adr::extract_imports("src/fuzz.py", text, budget);
  if (budget.stopped()) fail("an unlimited budget stopped", to_string(budget.reason()));
  return 0;
}
