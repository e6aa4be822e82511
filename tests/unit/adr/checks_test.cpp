// Every checkable rule kind, positive and negative, and import extraction.
#include "adr/checks.hpp"

#include <gtest/gtest.h>

#include "adr/imports.hpp"
#include "adr/parser.hpp"
#include "unit/adr/unlimited_budget.hpp"

namespace pm::adr {
namespace {

// An accepted ADR whose ```phase-mirror block holds `block`.
Adr adr_with(const std::string& block) {
  Adr a = parse_adr(
      "docs/adr/ADR-010-x.md",
      "# ADR-010: X\n\n**Status:** Accepted\n\n## Decision\n\nX.\n\n## Compliance Checks\n\n```phase-mirror\n" + block +
          "```\n",
      "ADR-010");
  EXPECT_TRUE(a.warnings.empty()) << a.warnings.front().message;
  return a;
}

std::vector<Violation> run(const Adr& a, const std::string& path, const std::string& content) {
  std::vector<Violation> out;
  SourceFile f{path, path, content};
  for (const auto& r : a.checks) {
    if (rule_applies(r, path)) evaluate_check(a, r, f, out);
  }
  return out;
}

TEST(CheckForbid, ReportsEachMatchingLineWithEvidence) {
  Adr a = adr_with(
      "- id: no-cout\n  severity: high\n  message: no stdout\n  remediation: use pm::log\n"
      "  forbid:\n    pattern: 'std::cout'\n    in: 'src/**/*.cpp'\n    exclude: src/cli/**\n");
  auto v = run(a, "src/engine/a.cpp", "int x;\n   std::cout << 1;   \nok\nstd::cout;\n");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].adr_id, "ADR-010");
  EXPECT_EQ(v[0].rule_id, "no-cout");
  EXPECT_EQ(v[0].file, "src/engine/a.cpp");
  EXPECT_EQ(v[0].line, 2);
  EXPECT_EQ(v[0].severity, Severity::kHigh);
  EXPECT_EQ(v[0].evidence, "std::cout << 1;");
  EXPECT_EQ(v[0].remediation, "use pm::log");
  EXPECT_NE(v[0].message.find("no stdout"), std::string::npos);
  EXPECT_EQ(v[1].line, 4);
  EXPECT_TRUE(run(a, "src/engine/a.cpp", "pm::log::info(\"x\");\n").empty());
  EXPECT_TRUE(run(a, "src/cli/cli.cpp", "std::cout << 1;\n").empty());   // excluded
  EXPECT_TRUE(run(a, "src/engine/a.hpp", "std::cout << 1;\n").empty());  // not in `in`
}

TEST(CheckForbid, EvidenceIsClippedTo200BytesOnACharacterBoundary) {
  Adr a = adr_with("- id: x\n  forbid: {pattern: 'BAD'}\n");
  std::string line = "BAD " + std::string(196, 'a') + "\xC3\xA9" + std::string(50, 'b');
  auto v = run(a, "f.txt", line);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].evidence.size(), 200u);
  EXPECT_EQ(evidence_of(std::string(199, 'a') + "\xC3\xA9").size(), 199u);
}

TEST(CheckRequire, FileWithoutThePatternViolatesAtLine1) {
  Adr a = adr_with(
      "- id: spdx\n  severity: low\n  require:\n    pattern: 'SPDX-License-Identifier: \\S+'\n    in: "
      "['src/**/*.cpp']\n");
  auto v = run(a, "src/a.cpp", "int main() {}\n");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rule_id, "spdx");
  EXPECT_EQ(v[0].line, 1);
  EXPECT_EQ(v[0].severity, Severity::kLow);
  EXPECT_NE(v[0].message.find("not found"), std::string::npos);
  EXPECT_TRUE(run(a, "src/a.cpp", "// x\n// SPDX-License-Identifier: MIT\n").empty());
  EXPECT_TRUE(run(a, "README.md", "nothing").empty());
}

TEST(CheckForbidImport, CppIncludesAngleAndQuotedResolvedAgainstTheFile) {
  Adr a = adr_with(
      "- id: layering\n  forbid-import:\n    from: 'src/engine/**'\n    to: ['src/tools/**', 'yaml-cpp/**']\n");
  auto v = run(a, "src/engine/x.cpp",
               "#include <yaml-cpp/yaml.h>\n#include \"../tools/registry.hpp\"\n  #  include \"engine/ok.hpp\"\n"
               "#include \"tools/registry.hpp\"\n");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].line, 1);
  EXPECT_EQ(v[0].evidence, "#include <yaml-cpp/yaml.h>");
  EXPECT_EQ(v[1].line, 2);                                                       // ../tools resolved to src/tools
  EXPECT_TRUE(run(a, "src/cli/x.cpp", "#include <yaml-cpp/yaml.h>\n").empty());  // not `from`
}

TEST(CheckForbidImport, JavaScriptAndTypeScript) {
  Adr a = adr_with("- id: no-db-from-ui\n  forbid-import:\n    from: 'web/**'\n    to: ['server/db/**', 'pg']\n");
  auto v = run(a, "web/app/page.ts",
               "import { q } from '../../server/db/client';\n"
               "import type { X } from \"./local\";\n"
               "const pg = require('pg');\n"
               "const m = await import('../../server/db/pool.js');\n"
               "import '../../server/db/side-effect';\n"
               "// import x from 'pg';\n");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].line, 1);
  EXPECT_EQ(v[1].line, 3);
  EXPECT_EQ(v[2].line, 4);
  EXPECT_EQ(v[3].line, 5);
}

TEST(CheckForbidImport, PythonModulesAndRelativeImports) {
  Adr a = adr_with("- id: no-internal\n  forbid-import:\n    from: 'app/**/*.py'\n    to: 'app/internal/**'\n");
  auto v = run(a, "app/api/views.py",
               "import os, app.internal.secrets as s\n"
               "from app.internal import keys\n"
               "from ..internal.db import conn\n"
               "from . import helpers\n"
               "import app.public\n");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].line, 1);
  EXPECT_EQ(v[1].line, 2);
  EXPECT_EQ(v[2].line, 3);
}

TEST(Imports, CandidatesCarryResolvedPaths) {
  auto imps = extract_imports("src/a/b.py", "from .c import d\n");
  ASSERT_EQ(imps.size(), 1u);
  EXPECT_EQ(imps[0].spec, "c");
  EXPECT_EQ(imps[0].candidates.front(), "src/a/c");
  EXPECT_TRUE(extract_imports("notes.txt", "#include <x.h>\n").empty());
}

constexpr const char* kWorkflow =
    "name: ci\n"
    "on: pull_request\n"
    "permissions:\n"
    "  contents: write\n"
    "  issues: read\n"
    "jobs:\n"
    "  build:\n"
    "    runs-on: ubuntu-latest\n"
    "    permissions: write-all\n"
    "    steps:\n"
    "      - run: make\n";

TEST(CheckMaxPermissions, ScopesAboveTheCeilingWithLines) {
  Adr a = adr_with("- id: ceiling\n  severity: critical\n  max-permissions:\n    contents: read\n    default: read\n");
  auto v = run(a, ".github/workflows/ci.yml", kWorkflow);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].line, 4);
  EXPECT_EQ(v[0].evidence, "contents: write");
  EXPECT_EQ(v[0].severity, Severity::kCritical);
  EXPECT_EQ(v[1].line, 9);
  EXPECT_NE(v[1].message.find("write-all"), std::string::npos);
  EXPECT_TRUE(run(a, "src/ci.yml", kWorkflow).empty());  // only workflows by default
}

TEST(CheckMaxPermissions, WithinTheCeilingAndMissingBlocks) {
  Adr a = adr_with("- id: ceiling\n  max-permissions:\n    contents: write\n    pull-requests: read\n");
  EXPECT_TRUE(run(a, ".github/workflows/ok.yml",
                  "on: push\npermissions:\n  contents: write\n  pull-requests: read\njobs:\n  a:\n    runs-on: x\n")
                  .empty());
  auto v = run(a, ".github/workflows/none.yaml", "on: push\njobs:\n  a:\n    runs-on: x\n");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 3);
  EXPECT_NE(v[0].message.find("no permissions block"), std::string::npos);
}

TEST(ProseRules, MustNotWithALiteralViolatesAtTheFirstLine) {
  Adr a = parse_adr(
      "ADR-001-x.md",
      "# ADR-001: X\n\n**Status:** Accepted\n\n## Decision\n\nWorkflows MUST NOT use permissions: write-all.\n"
      "Code MUST NOT call `system(`.\nCode MUST use `pm::log`.\n",
      "ADR-001");
  ASSERT_EQ(a.rules.size(), 3u);
  EXPECT_TRUE(prose_rule_is_checkable(a.rules[0]));  // the reference's write-all case, no quotes
  EXPECT_TRUE(prose_rule_is_checkable(a.rules[1]));
  EXPECT_FALSE(prose_rule_is_checkable(a.rules[2]));  // MUST rules name what to do, not what to avoid
  std::vector<Violation> out;
  SourceFile f{"bad.yml", "bad.yml", "on: push\njobs:\n  permissions: write-all\n"};
  for (const auto& r : a.rules) evaluate_prose(a, r, f, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule_id, "ADR-001-R1");
  EXPECT_EQ(out[0].line, 3);
  EXPECT_EQ(out[0].severity, Severity::kHigh);
  EXPECT_EQ(out[0].message, "Violation of ADR-001: Workflows MUST NOT use permissions: write-all.");
  EXPECT_EQ(out[0].remediation, "Remove prohibited pattern as specified in ADR");
  out.clear();
  SourceFile g{"x.c", "x.c", "int main() {\n  system(\"ls\");\n}\n"};
  for (const auto& r : a.rules) evaluate_prose(a, r, g, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule_id, "ADR-001-R2");
  EXPECT_EQ(out[0].line, 2);
}

TEST(CheckBlock, MappingWithRulesAndSingleRuleForms) {
  std::vector<ParseWarning> w;
  auto r = parse_check_block("ADR-001", "f.md", "rules:\n  - id: a\n    forbid: x\n", 5, w);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].line, 6);
  EXPECT_EQ(r[0].pattern_text, "x");
  auto s = parse_check_block("ADR-001", "f.md", "id: b\nrequire: {pattern: y}\n", 1, w);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].kind, CheckKind::kRequire);
  EXPECT_TRUE(w.empty());
  auto t = parse_check_block("ADR-001", "f.md", "- forbid: x\n- id: c\n  severity: urgent\n  forbid: x\n", 1, w);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].id, "ADR-001-C1") << "a rule without an id is named after its place";
  EXPECT_EQ(t[1].id, "c");
  EXPECT_EQ(t[1].severity, Severity::kMedium);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].message.find("Invalid severity"), std::string::npos);
  EXPECT_FALSE(w[0].rule_ignored) << "the rule is still checked, with the default severity";
}

TEST(CheckBlock, GeneratedIdsCountEveryRuleOfTheAdrInDocumentOrder) {
  Adr a =
      parse_adr("docs/adr/0007-x.md",
                "# ADR-007: X\n\n**Status:** Accepted\n\n## Decision\n\nX.\n\n## Compliance Checks\n\n```phase-mirror\n"
                "- forbid: 'a'\n- id: named\n  forbid: 'b'\n- id: ''\n  forbid: 'c'\n```\n\n"
                "```phase-mirror\n- require: 'd'\n- id: [not, a, string]\n  forbid: 'e'\n- forbid: 'f'\n```\n",
                "ADR-007");
  std::vector<std::string> ids;
  for (const auto& c : a.checks) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"ADR-007-C1", "named", "ADR-007-C3", "ADR-007-C4", "ADR-007-C6"}));
  ASSERT_EQ(a.warnings.size(), 1u) << a.warnings.back().message;
  EXPECT_EQ(a.warnings[0].line, 21);
  EXPECT_TRUE(a.warnings[0].rule_ignored);
  EXPECT_NE(a.warnings[0].message.find("'id' that is not a string"), std::string::npos) << a.warnings[0].message;
}

TEST(CheckBlock, EveryWayOfDroppingARuleIsMarked) {
  std::vector<ParseWarning> w;
  parse_check_block("ADR-001", "f.md", "- id: a\n  forbid: {pattern: 'a(b'}\n", 1, w);
  parse_check_block("ADR-001", "f.md", "- id: b\n  frobnicate: x\n", 1, w);
  parse_check_block("ADR-001", "f.md", "- id: c\n  unknown-key: 1\n  forbid-import: {from: 'a/**'}\n", 1, w);
  parse_check_block("ADR-001", "f.md", "just a string\n", 1, w);
  parse_check_block("ADR-001", "f.md", "- [unclosed\n", 1, w);
  std::vector<std::string> ignored;
  for (const auto& x : w) {
    if (x.rule_ignored) ignored.push_back(x.message.substr(0, 20));
  }
  EXPECT_EQ(ignored.size(), 5u) << testing::PrintToString(ignored);
  ASSERT_EQ(w.size(), 6u);
  EXPECT_NE(w[2].message.find("Unknown key 'unknown-key'"), std::string::npos) << w[2].message;
  EXPECT_FALSE(w[2].rule_ignored) << "only the warning that dropped the rule is marked";
}

}  // namespace
}  // namespace pm::adr

namespace pm::adr {
namespace {

TEST(CheckForbid, LineAnchorsWorkOnLfAndCrlfFiles) {
  Adr a = adr_with("- id: trailing\n  forbid: {pattern: 'TODO$'}\n- id: first\n  forbid: {pattern: '^#pragma once'}\n");
  auto lf = run(a, "a.hpp", "int x;\n#pragma once\n// TODO\n");
  ASSERT_EQ(lf.size(), 2u);
  EXPECT_EQ(lf[0].line, 3);
  EXPECT_EQ(lf[1].line, 2);
  auto crlf = run(a, "a.hpp", "int x;\r\n#pragma once\r\n// TODO\r\n");
  ASSERT_EQ(crlf.size(), 2u);
  EXPECT_EQ(crlf[0].line, 3);
  EXPECT_TRUE(run(a, "a.hpp", "  #pragma once // TODO later\n").empty());
}

}  // namespace
}  // namespace pm::adr
