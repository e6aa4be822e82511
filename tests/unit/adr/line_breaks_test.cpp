#include <gtest/gtest.h>

#include <string>

#include "adr/parser.hpp"
#include "unit/adr/unlimited_budget.hpp"

namespace pm::adr {
namespace {

// The YAML parser of check blocks and front matter starts a line at a lone CR
// (also NEL, LS, PS) while the ADR was split at LF only: a warning found by the
// ADR fuzzer cited line 132 of a 20-line ADR. The ADR is now split at the same
// breaks (a lone CR is a line ending in CommonMark too).
TEST(AdrLineBreaks, CheckBlockLinesMatchTheAdrAfterLoneCarriageReturns) {
  const std::string text =
      "# ADR-007: Lines\n\n**Status:** Accepted\n\n## Decision\n\nCode MUST NOT shell out.\r\r\r\n\n"
      "## Compliance Checks\n\n```phase-mirror\n- id: no-system\n  forbid: {pattern: 'system\\(', in: 'src/**'}\n"
      "- id: broken\n  forbid: {pattern: '(unclosed', in: 'src/**'}\n```\n";
  const Adr adr = parse_adr("docs/adr/ADR-007-lines.md", text, "ADR-007");
  ASSERT_EQ(adr.checks.size(), 1u);
  EXPECT_EQ(adr.checks[0].id, "no-system");
  // Line 7 ends at the first CR; the next CR and the CRLF end two empty lines.
  EXPECT_EQ(adr.checks[0].line, 14);
  ASSERT_EQ(adr.warnings.size(), 1u);
  EXPECT_EQ(adr.warnings[0].line, 17);
  ASSERT_EQ(adr.rules.size(), 1u);
  EXPECT_EQ(adr.rules[0].line, 7);
}

TEST(AdrLineBreaks, InvalidYamlWarningStaysInsideTheAdr) {
  const std::string text =
      "# ADR-007: Lines\n\n**Status:** Accepted\n\n## Decision\n\n## Compliance Checks\n\n```phase-mirror\n"
      "rules:\n  - id: a\n    forbid: {pattern: 'x', in: ['a']}\n  \r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r"
      "\n  - id: b\n    forbid: {pattern: [unclosed\n```\n";
  const Adr adr = parse_adr("docs/adr/ADR-007-lines.md", text, "ADR-007");
  // 13 lines, 20 lone CRs (the first ends line 13), then "- id: b" on line 34.
  const int lines = 37;
  ASSERT_FALSE(adr.warnings.empty());
  for (const auto& w : adr.warnings) {
    EXPECT_GE(w.line, 1) << w.message;
    EXPECT_LE(w.line, lines) << w.message;
  }
}

TEST(AdrLineBreaks, FrontMatterWithLoneCarriageReturns) {
  const std::string text = "---\nstatus: accepted\r\r\rdate: [unclosed\n---\n# ADR-007: Title\n";
  const Adr adr = parse_adr("docs/adr/0007-x.md", text, "ADR-007");
  ASSERT_FALSE(adr.warnings.empty());
  // The unclosed sequence is reported where the YAML ends: the closing ---.
  EXPECT_EQ(adr.warnings[0].line, 6) << adr.warnings[0].message;
}

}  // namespace
}  // namespace pm::adr
