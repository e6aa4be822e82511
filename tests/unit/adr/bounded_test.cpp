// Hostile ADRs and files: the caps on globs and patterns, matching long lines
// in windows, the budget stopping every loop, and ADR sets that check nothing.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>

#include "adr/checks.hpp"
#include "adr/parser.hpp"
#include "adr/validator.hpp"
#include "support/server_process.hpp"
#include "unit/adr/unlimited_budget.hpp"

namespace pm::adr {
namespace {

using pm::test::TempDir;

std::string times(std::string_view s, std::size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) r.append(s);
  return r;
}

std::string adr_text(const std::string& block) {
  return "# ADR-020: X\n\n**Status:** Accepted\n\n## Decision\n\nX.\n\n## Compliance Checks\n\n```phase-mirror\n" +
         block + "```\n";
}

bool warned_with(const Adr& a, const std::string& needle) {
  for (const auto& w : a.warnings) {
    if (w.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::vector<Violation> run_rules(const Adr& a, const std::string& path, std::string_view content, Budget& b) {
  std::vector<Violation> out;
  SourceFile f{path, path, content};
  for (const auto& r : a.checks) {
    if (rule_applies(r, path, b)) evaluate_check(a, r, f, out, b);
  }
  return out;
}

TEST(BoundedAdr, RegexProgramSizeIsCapped) {
  // (\w+\s?){1,1000}x cost 220 us per byte of input: refused, with the reason.
  Adr big = parse_adr("docs/adr/ADR-020-x.md",
                      adr_text("- id: slow\n  forbid: {pattern: '(\\w+\\s?){1,1000}x'}\n- id: ok\n  forbid: 'x'\n"),
                      "ADR-020");
  ASSERT_EQ(big.checks.size(), 1u);
  EXPECT_EQ(big.checks[0].id, "ok");
  ASSERT_EQ(big.warnings.size(), 1u);
  EXPECT_NE(big.warnings[0].message.find("Regex in rule 'slow' of ADR-020 (line 12) is too complex"), std::string::npos)
      << big.warnings[0].message;
  // Under the cap: accepted, with a window that keeps one run small.
  Adr fine =
      parse_adr("docs/adr/ADR-020-x.md", adr_text("- id: r\n  forbid: {pattern: '(\\w+\\s?){1,80}x'}\n"), "ADR-020");
  ASSERT_EQ(fine.checks.size(), 1u);
  EXPECT_LE(fine.checks[0].pattern->ProgramSize(), kMaxRegexProgramSize);
  EXPECT_LT(fine.checks[0].match_window, kMaxMatchWindow);
  EXPECT_GE(fine.checks[0].match_window, kMinMatchWindow);
}

TEST(BoundedAdr, ProgramSizeLimitMessageForThe1000Repetitions) {
  Adr a = parse_adr("docs/adr/ADR-020-x.md", adr_text("- id: big\n  forbid: {pattern: '[ab]{1000}c'}\n"), "ADR-020");
  EXPECT_TRUE(a.checks.empty());
  EXPECT_TRUE(warned_with(a, "instructions (limit 1000")) << (a.warnings.empty() ? "" : a.warnings[0].message);
}

TEST(BoundedAdr, GlobOverItsCapsDropsTheRuleWithAShortWarning) {
  const std::string glob = times("**/", 120000) + "x";
  Adr a = parse_adr("docs/adr/ADR-020-x.md", adr_text("- id: deep\n  forbid: {pattern: 'x', in: '" + glob + "'}\n"),
                    "ADR-020");
  EXPECT_TRUE(a.checks.empty());
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_NE(a.warnings[0].message.find("was refused: it is 360001 bytes long (limit 1024)"), std::string::npos);
  EXPECT_LT(a.warnings[0].message.size(), 300u);  // the glob itself is not echoed
  Adr nested = parse_adr(
      "docs/adr/ADR-020-x.md",
      adr_text("- id: braces\n  forbid-import: {from: '**', to: '" + times("{", 40000) + times("}", 40000) + "'}\n"),
      "ADR-020");
  EXPECT_TRUE(nested.checks.empty());
  EXPECT_TRUE(warned_with(nested, "Glob '{{{{"));
}

TEST(BoundedAdr, ScalarPatternRuleLooksAtEveryFile) {
  Adr a = parse_adr("docs/adr/ADR-020-x.md", adr_text("- id: r\n  forbid: 'BAD'\n"), "ADR-020");
  ASSERT_EQ(a.checks.size(), 1u);
  Budget b;
  EXPECT_EQ(run_rules(a, "any/where.txt", "ok\nBAD\n", b).size(), 1u);
}

TEST(BoundedAdr, LongLinesAreMatchedInOverlappingWindows) {
  Adr a = parse_adr("docs/adr/ADR-020-x.md",
                    adr_text("- id: end\n  forbid: {pattern: 'BAD$'}\n- id: start\n  forbid: {pattern: '^OK'}\n"
                             "- id: mid\n  forbid: {pattern: '\\bMID\\b'}\n"),
                    "ADR-020");
  ASSERT_EQ(a.checks.size(), 3u);
  ASSERT_EQ(a.checks[0].match_window, kMaxMatchWindow);
  // A 1 MiB line: BAD at its very end, MID in the middle across a window edge.
  std::string line(1 << 20, 'a');
  line.replace(line.size() - 3, 3, "BAD");
  line.replace(kMaxMatchWindow - 2, 5, " MID ");
  Budget b;
  auto v = run_rules(a, "f.txt", "first\n" + line + "\n", b);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].rule_id, "end");
  EXPECT_EQ(v[0].line, 2);
  EXPECT_EQ(v[0].evidence.size(), 200u);
  EXPECT_EQ(v[1].rule_id, "mid");
  // ^ and $ keep meaning the line's ends inside a window.
  std::string inner = "x" + std::string(200000, 'a') + "OK" + std::string(200000, 'a');
  EXPECT_TRUE(run_rules(a, "f.txt", inner, b).empty());
  EXPECT_EQ(run_rules(a, "f.txt", "OK" + std::string(200000, 'b'), b).size(), 1u);
}

TEST(BoundedAdr, RunsOfLinesNeverHideALineMatch) {
  // Patterns whose meaning changes on a run of lines are matched line by line.
  Adr a = parse_adr("docs/adr/ADR-020-x.md",
                    adr_text("- id: a\n  forbid: {pattern: '\\Afoo'}\n- id: b\n  forbid: {pattern: '(?-m)^bar'}\n"
                             "- id: c\n  forbid: {pattern: 'baz\\z'}\n"),
                    "ADR-020");
  ASSERT_EQ(a.checks.size(), 3u);
  for (const auto& c : a.checks) EXPECT_FALSE(c.runs_on_many_lines) << c.id;
  Budget b;
  auto v = run_rules(a, "f.txt", "x\nfoo\ny\nbar\nbaz\nz\n", b);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].line, 2);
  EXPECT_EQ(v[1].line, 4);
  EXPECT_EQ(v[2].line, 5);
}

TEST(BoundedAdr, ManySmallRunsFindEveryLine) {
  Adr a = parse_adr("docs/adr/ADR-020-x.md", adr_text("- id: r\n  forbid: {pattern: 'HIT'}\n"), "ADR-020");
  std::string text;
  for (int i = 1; i <= 20000; ++i) text += (i % 997 == 0 ? "a HIT here\n" : "nothing on this line\n");
  Budget b;
  auto v = run_rules(a, "f.txt", text, b);
  ASSERT_EQ(v.size(), 20u);
  EXPECT_EQ(v[0].line, 997);
  EXPECT_EQ(v[19].line, 19940);
}

TEST(BoundedAdr, EvaluationStopsWithTheBudget) {
  Adr a = parse_adr("docs/adr/ADR-020-x.md",
                    adr_text("- id: r\n  forbid: {pattern: 'x'}\n- id: q\n  require: {pattern: 'never'}\n"), "ADR-020");
  std::string text = times("x\n", 100000);
  Budget b(Budget::Limits{std::nullopt, 10000, Budget::kUnlimited});
  auto v = run_rules(a, "f.txt", text, b);
  EXPECT_TRUE(b.stopped());
  EXPECT_LT(v.size(), 10000u);
  // The require rule never reported "not found" for a search it did not finish.
  for (const auto& x : v) EXPECT_EQ(x.rule_id, "r");
}

TEST(BoundedAdr, ParsingStopsWithTheBudget) {
  const std::string text = adr_text("- id: r\n  forbid: 'x'\n") + times("- The service MUST do x.\n", 50000);
  Budget b(Budget::Limits{std::nullopt, 1000, Budget::kUnlimited});
  parse_adr("docs/adr/ADR-020-x.md", text, "ADR-020", b);
  EXPECT_EQ(b.reason(), BudgetStop::kSteps);
  Budget memory(Budget::Limits{std::nullopt, Budget::kUnlimited, 1000});
  parse_adr("docs/adr/ADR-020-x.md", text, "ADR-020", memory);
  EXPECT_EQ(memory.reason(), BudgetStop::kMemory);
}

TEST(BoundedAdr, ManyRulesInOneParagraphAndManyHeadings) {
  // Each sentence's line used to be found by a scan over every line of its
  // paragraph, and each line's heading by a scan over every heading.
  std::string decision;
  for (int i = 0; i < 30000; ++i) decision += "It MUST do " + std::to_string(i) + ".\n";
  const std::string text =
      "# ADR-021: X\n\n**Status:** Accepted\n\n## Decision\n\n" + decision + times("### h\n", 30000);
  const Adr a = parse_adr("docs/adr/ADR-021-x.md", text, "ADR-021");
  ASSERT_EQ(a.rules.size(), 30000u);
  EXPECT_EQ(a.rules[0].line, 7);
  EXPECT_EQ(a.rules[29999].line, 30006);
}

TEST(BoundedAdr, PythonImportsOnALongLineAreFound) {
  const std::string line = "import os.path, secrets  # " + std::string(1 << 20, 'c');
  auto imports = extract_imports("svc/a.py", "x = 1\n" + line + "\nfrom . import (util, db)  # note\n");
  ASSERT_EQ(imports.size(), 4u);
  EXPECT_EQ(imports[0].spec, "os.path");
  EXPECT_EQ(imports[0].line, 2);
  EXPECT_LE(imports[0].line_text.size(), 200u);
  EXPECT_EQ(imports[1].spec, "secrets");
  EXPECT_EQ(imports[2].spec, "util");
  EXPECT_EQ(imports[3].spec, "db");
  EXPECT_EQ(imports[3].line, 3);
}

TEST(BoundedAdr, ImportExtractionStopsWithTheBudget) {
  Budget b(Budget::Limits{std::nullopt, 1000, Budget::kUnlimited});
  auto imports = extract_imports("a.py", times("import os\n", 100000), b);
  EXPECT_TRUE(b.stopped());
  EXPECT_LT(imports.size(), 1000u);
}

TEST(BoundedAdr, SetOfUnusableAdrsChecksNothingAndIsNeverCompliant) {
  TempDir t;
  t.write("docs/adr/ADR-001-a.md", std::string("\0binary", 7));
  t.write("docs/adr/ADR-002-b.md", "# ADR-002: no status\n\n## Decision\n\nIt MUST NOT use `eval`.\n");
  t.write("src/a.py", "eval(x)\n");
  engine::Workspace ws({t.path()}, 1 << 20);
  auto r = check_compliance(ws, CheckRequest{{"src/a.py"}, {}, "docs/adr", false});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->checked.empty());
  EXPECT_FALSE(r->compliant());
  EXPECT_EQ(r->decision(), "warn");
  EXPECT_NE(r->nothing_checked.find("None of the 2 ADRs in docs/adr"), std::string::npos) << r->nothing_checked;
  // One usable ADR is enough to check something; the unparseable one is
  // still an ignored ADR, which keeps the answer from being compliant.
  t.write("docs/adr/ADR-003-c.md", "# ADR-003: ok\n\n**Status:** Accepted\n\n## Decision\n\nX MAY be.\n");
  auto ok = check_compliance(ws, CheckRequest{{"src/a.py"}, {}, "docs/adr", false});
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->nothing_checked.empty());
  ASSERT_EQ(ok->checked.size(), 1u);
  ASSERT_EQ(ok->ignored.size(), 1u);
  EXPECT_EQ(ok->ignored[0].adr_id, "ADR-001");
  EXPECT_FALSE(ok->compliant());
  // Deprecated ADRs are a decision, not a failure: nothing to enforce passes.
  TempDir d;
  d.write("docs/adr/ADR-001-a.md", "# ADR-001: old\n\n**Status:** Deprecated\n\n## Decision\n\nX.\n");
  d.write("src/a.py", "x\n");
  engine::Workspace ws2({d.path()}, 1 << 20);
  auto dep = check_compliance(ws2, CheckRequest{{"src/a.py"}, {}, "docs/adr", false});
  ASSERT_TRUE(dep.ok());
  EXPECT_EQ(dep->decision(), "pass");
}

TEST(BoundedAdr, FileWhoseMatchingRunsPastItsLimitIsReportedNotPassed) {
  TempDir t;
  // a[ab]{900}c is small enough to be accepted but makes RE2 give up its DFA
  // on random a/b text: about 25 us per byte, minutes for these 4 MiB.
  t.write("docs/adr/ADR-001-a.md", adr_text("- id: slow\n  severity: high\n  forbid: {pattern: 'a[ab]{900}c'}\n"));
  std::string text(4 << 20, 'a');
  std::mt19937 rng(7);
  for (auto& c : text) c = (rng() & 1) != 0U ? 'a' : 'b';
  t.write("big.txt", text);
  t.write("small.txt", "a" + std::string(900, 'b') + "c\n");
  engine::Workspace ws({t.path()}, 8 << 20);
  Budget b(Budget::limits_for(60000));
  auto r = check_compliance(ws, CheckRequest{{"big.txt", "small.txt"}, {}, "docs/adr", false}, b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->file_errors.size(), 1u);
  EXPECT_EQ(r->file_errors[0].path, "big.txt");
  EXPECT_EQ(r->file_errors[0].code, "TIMEOUT");
  EXPECT_NE(r->file_errors[0].message.find("2000 ms"), std::string::npos);
  // The other file was still checked.
  ASSERT_EQ(r->violations.size(), 1u);
  EXPECT_EQ(r->violations[0].file, "small.txt");
  EXPECT_FALSE(r->compliant());
  EXPECT_FALSE(b.stopped());
}

TEST(BoundedAdr, CallDeadlineIsATimeoutError) {
  TempDir t;
  t.write("docs/adr/ADR-001-a.md", adr_text("- id: r\n  forbid: 'x'\n"));
  t.write("a.txt", times("x\n", 10000));  // enough work for the clock to be looked at
  engine::Workspace ws({t.path()}, 1 << 20);
  Budget b(Budget::Limits{std::chrono::nanoseconds(0), Budget::kUnlimited, Budget::kUnlimited});
  auto r = check_compliance(ws, CheckRequest{{"a.txt"}, {}, "docs/adr", false}, b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code::kTimeout);
  EXPECT_EQ(r.error().details["budget"], "deadline");
}

}  // namespace
}  // namespace pm::adr
