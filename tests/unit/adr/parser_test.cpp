// The ADR parser on realistic records of both styles, and on broken ones.
#include "adr/parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "unit/adr/unlimited_budget.hpp"

namespace pm::adr {
namespace {

bool has_warning(const Adr& a, const std::string& needle, int line = -1) {
  return std::any_of(a.warnings.begin(), a.warnings.end(), [&](const ParseWarning& w) {
    return w.message.find(needle) != std::string::npos && (line < 0 || w.line == line);
  });
}

constexpr const char* kTemplate = R"(# ADR-012: Workflow token permissions

**Status:** Accepted
**Date:** 2026-01-28
**Decision Authority:** Platform team
**Tags:** security, ci

---

## Context

Our workflows run with the repository's default token, which can write to
the repository. See MD-101 and L0-002.

## Decision

Workflows **MUST** declare a `permissions:` block. Workflows MUST NOT use
`write-all`.

### Details

- Release jobs MAY request `contents: write`.

## Consequences

Nothing MUST change here (not a decision section).

## Compliance Checks

```phase-mirror
- id: workflow-ceiling
  severity: high
  max-permissions:
    contents: read
    default: read
```
)";

TEST(ParserTemplate, ReadsMetadataSectionsRulesAndChecks) {
  Adr a = parse_adr("docs/adr/ADR-012-workflow-token.md", kTemplate, "ADR-012");
  EXPECT_TRUE(a.parsed);
  EXPECT_EQ(a.format, "template");
  EXPECT_EQ(a.title, "ADR-012: Workflow token permissions");
  EXPECT_EQ(a.status, Status::kApproved);
  EXPECT_EQ(a.status_text, "Accepted");
  EXPECT_EQ(a.date, "2026-01-28");
  EXPECT_EQ(a.tags, (std::vector<std::string>{"security", "ci"}));
  EXPECT_EQ(a.related_rules, (std::vector<std::string>{"L0-002", "MD-101"}));
  EXPECT_TRUE(a.has_compliance_section);
  ASSERT_EQ(a.rules.size(), 3u);  // the Consequences sentence is not a decision
  EXPECT_EQ(a.rules[0].keyword, "MUST");
  EXPECT_EQ(a.rules[0].line, 17);
  EXPECT_EQ(a.rules[1].keyword, "MUST NOT");
  EXPECT_EQ(a.rules[1].text, "Workflows MUST NOT use `write-all`.");
  EXPECT_EQ(a.rules[1].line, 17);
  EXPECT_EQ(a.rules[2].keyword, "MAY");
  EXPECT_EQ(a.rules[2].line, 22);
  ASSERT_EQ(a.checks.size(), 1u);
  EXPECT_EQ(a.checks[0].id, "workflow-ceiling");
  EXPECT_EQ(a.checks[0].kind, CheckKind::kMaxPermissions);
  EXPECT_EQ(a.checks[0].severity, Severity::kHigh);
  EXPECT_EQ(a.checks[0].line, 31);
  EXPECT_TRUE(a.warnings.empty()) << a.warnings[0].message;
}

TEST(ParserTemplate, StatusInBoldColonOutsideAndHeadingStyles) {
  Adr b = parse_adr("ADR-029.md", "# ADR-029: CLI\n\n**Status**: Proposed\n\n## Decision\nX.\n", "ADR-029");
  EXPECT_EQ(b.status, Status::kProposed);
  Adr c = parse_adr("ADR-007.md",
                    "# ADR-007: Test tiers\n\n## Status\n\nAccepted\n\n## Date\n\n2026-02-01\n\n## Decision\nX.\n",
                    "ADR-007");
  EXPECT_EQ(c.status, Status::kApproved);
  EXPECT_EQ(c.date, "2026-02-01");
  EXPECT_TRUE(c.warnings.empty());
}

TEST(ParserTemplate, SupersededKeepsTheSuccessor) {
  Adr a = parse_adr("ADR-003.md",
                    "# ADR-003: Old\n\n**Status:** Superseded by [ADR-010](ADR-010-new.md)\n\n## Decision\nX.\n",
                    "ADR-003");
  EXPECT_EQ(a.status, Status::kSuperseded);
  EXPECT_EQ(a.superseded_by, "ADR-010");
  Adr b =
      parse_adr("0004-old.md",
                "---\nstatus: superseded by [the new one](0011-new-thing.md)\n---\n# Old\n\n## Decision Outcome\nX.\n",
                "ADR-004");
  EXPECT_EQ(b.superseded_by, "ADR-011");
  Adr c = parse_adr("ADR-005.md", "# T\n\n**Status:** Deprecated\n\n## Decision\nX.\n", "ADR-005");
  EXPECT_EQ(c.status, Status::kDeprecated);
}

TEST(ParserTemplate, UnknownOrMissingStatusIsAWarningAndNotApproved) {
  Adr a = parse_adr("ADR-001.md", "# ADR-001: T\n\n**Status:** Pondering\n\n## Decision\nX.\n", "ADR-001");
  EXPECT_EQ(a.status, Status::kUnknown);
  EXPECT_TRUE(has_warning(a, "Unrecognised status 'Pondering'", 3));
  Adr b = parse_adr("ADR-002.md", "# ADR-002: T\n\n## Decision\nX.\n", "ADR-002");
  EXPECT_EQ(b.status, Status::kUnknown);
  EXPECT_TRUE(has_warning(b, "No status found"));
}

constexpr const char* kMadr = R"(---
status: accepted
date: 2025-06-02
deciders:
  - Alice
  - Bob
consulted: the platform guild
---

# Use RE2 for user-supplied patterns

## Context and Problem Statement

Patterns come from users.

## Considered Options

* RE2 — it MUST be considered (not a decision)
* std library engine

## Decision Outcome

Chosen option: "RE2", because matching MUST stay linear in the input.

### Consequences

* Good, because no ReDoS.

### Confirmation

```phase-mirror
rules:
  - id: no-backtracking-engine
    forbid:
      pattern: 'std::regex'
      in: "src/**"
```
)";

TEST(ParserMadr, ReadsFrontMatterTitleDecisionOutcomeAndConfirmation) {
  Adr a = parse_adr("docs/decisions/0003-use-re2.md", kMadr, "ADR-003");
  EXPECT_EQ(a.format, "madr");
  EXPECT_EQ(a.title, "Use RE2 for user-supplied patterns");
  EXPECT_EQ(a.status, Status::kApproved);
  EXPECT_EQ(a.date, "2025-06-02");
  EXPECT_EQ(a.deciders, (std::vector<std::string>{"Alice", "Bob"}));
  ASSERT_EQ(a.rules.size(), 1u);
  EXPECT_EQ(a.rules[0].keyword, "MUST");
  EXPECT_EQ(a.rules[0].line, 23);
  EXPECT_TRUE(a.has_compliance_section);
  ASSERT_EQ(a.checks.size(), 1u);
  EXPECT_EQ(a.checks[0].id, "no-backtracking-engine");
  EXPECT_EQ(a.checks[0].severity, Severity::kMedium);  // the default
  EXPECT_EQ(a.checks[0].line, 33);
  EXPECT_TRUE(a.warnings.empty()) << a.warnings[0].message;
}

TEST(ParserMadr, ValidationSectionAndDecidersAsString) {
  Adr a = parse_adr("0001-x.md",
                    "---\nstatus: proposed\ndeciders: Alice, Bob\n---\n# X\n\n## Decision Outcome\nWe SHALL do it.\n\n"
                    "## Validation\n\nReviewed in PRs.\n",
                    "ADR-001");
  EXPECT_EQ(a.status, Status::kProposed);
  EXPECT_EQ(a.deciders, (std::vector<std::string>{"Alice", "Bob"}));
  EXPECT_TRUE(a.has_compliance_section);
  ASSERT_EQ(a.rules.size(), 1u);
  EXPECT_EQ(a.rules[0].keyword, "SHALL");
}

TEST(ParserIds, FromFileNamesNormalised) {
  EXPECT_EQ(adr_id_from_filename("0007-use-x.md"), "ADR-007");
  EXPECT_EQ(adr_id_from_filename("ADR-012-x.md"), "ADR-012");
  EXPECT_EQ(adr_id_from_filename("adr-012.md"), "ADR-012");
  EXPECT_EQ(adr_id_from_filename("ADR-0001-x.md"), "ADR-001");
  EXPECT_EQ(adr_id_from_filename("1234-big.md"), "ADR-1234");
  EXPECT_EQ(adr_id_from_filename("ADR-7.md"), "ADR-007");
  EXPECT_FALSE(adr_id_from_filename("README.md"));
  EXPECT_FALSE(adr_id_from_filename("adr-template.md"));
  EXPECT_FALSE(adr_id_from_filename("0007-x.txt"));
  EXPECT_FALSE(adr_id_from_filename("MIP_PROCESS.md"));
}

TEST(ParserIds, FromHeadingWhenTheFileNameHasNone) {
  Adr a = parse_adr("notes.md", "# ADR-42: Title\n\n**Status:** Accepted\n\n## Decision\nX.\n");
  EXPECT_EQ(a.id, "ADR-042");
  Adr b = parse_adr("notes.md", "# Title\n");
  EXPECT_FALSE(b.parsed);
  EXPECT_TRUE(has_warning(b, "No ADR id"));
}

TEST(ParserMalformed, NoTitle) {
  Adr a = parse_adr("ADR-001.md", "**Status:** Accepted\n\n## Decision\nX MUST y.\n", "ADR-001");
  EXPECT_EQ(a.title, "ADR-001");
  EXPECT_TRUE(has_warning(a, "No title"));
  EXPECT_EQ(a.status, Status::kApproved);
  EXPECT_EQ(a.rules.size(), 1u);
}

TEST(ParserMalformed, BinaryContent) {
  const std::string bin("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  Adr a = parse_adr("ADR-001.md", bin, "ADR-001");
  EXPECT_FALSE(a.parsed);
  EXPECT_TRUE(has_warning(a, "Binary content"));
}

TEST(ParserMalformed, BrokenFrontMatter) {
  Adr a = parse_adr("0002-x.md", "---\nstatus: [accepted\ndate: x\n---\n# X\n", "ADR-002");
  EXPECT_TRUE(has_warning(a, "Front matter is not valid YAML"));
  Adr b = parse_adr("0002-x.md", "---\nstatus: accepted\n# X\n", "ADR-002");
  EXPECT_TRUE(has_warning(b, "never closed", 1));
}

TEST(ParserMalformed, UnterminatedFences) {
  Adr a = parse_adr("ADR-001.md",
                    "# T\n\n**Status:** Accepted\n\n## Decision\nX MUST y.\n\n## Compliance Checks\n\n"
                    "```phase-mirror\n- id: a\n  forbid: {pattern: x}\n",
                    "ADR-001");
  EXPECT_TRUE(a.checks.empty());
  EXPECT_TRUE(has_warning(a, "Unterminated ```phase-mirror block opened at line 10", 10));
  Adr b = parse_adr("ADR-001.md", "# T\n\n**Status:** Accepted\n\n```\ncode\n\n## Decision\nX MUST y.\n", "ADR-001");
  EXPECT_TRUE(has_warning(b, "Unterminated code fence opened at line 5", 5));
  EXPECT_TRUE(has_warning(b, "No '## Decision'"));  // swallowed by the fence
}

TEST(ParserChecks, InvalidRegexAndUnknownKindNameTheAdrAndLine) {
  Adr a = parse_adr("ADR-004.md",
                    "# T\n\n**Status:** Accepted\n\n## Decision\nX.\n\n## Compliance Checks\n\n```phase-mirror\n"
                    "- id: bad-regex\n  forbid:\n    pattern: 'a(b'\n"
                    "- id: odd\n  forbid-regex: x\n"
                    "- id: good\n  require: {pattern: 'SPDX-License-Identifier', in: 'src/**'}\n```\n",
                    "ADR-004");
  ASSERT_EQ(a.checks.size(), 1u);
  EXPECT_EQ(a.checks[0].id, "good");
  EXPECT_EQ(a.checks[0].line, 16);
  EXPECT_TRUE(has_warning(a, "Invalid regex in rule 'bad-regex' of ADR-004 (line 11)", 13));
  EXPECT_TRUE(has_warning(a, "Unknown rule kind in rule 'odd' of ADR-004 (line 14): 'forbid-regex'", 14));
}

TEST(ParserChecks, InvalidYamlInBlockIsAWarning) {
  Adr a = parse_adr("ADR-004.md", "# T\n\n**Status:** Accepted\n\n## Decision\nX.\n\n```phase-mirror\n- id: [x\n```\n",
                    "ADR-004");
  EXPECT_TRUE(a.checks.empty());
  EXPECT_TRUE(has_warning(a, "Invalid YAML in the ```phase-mirror block of ADR-004"));
}

}  // namespace
}  // namespace pm::adr

namespace pm::adr {
namespace {

// Odd Markdown never crashes the parser: empty headings, stray fences,
// every prefix of the realistic ADRs above, and lone bytes.
TEST(ParserRobustness, TruncatedAndOddInputs) {
  Adr odd = parse_adr("ADR-001.md", "#\n##\n**Status:**\n## Decision\n##\n- \n1.\n> \n|\n```phase-mirror\n```\n~~~\n",
                      "ADR-001");
  EXPECT_EQ(odd.id, "ADR-001");
  for (const char* doc : {kTemplate, kMadr}) {
    const std::string text(doc);
    for (std::size_t n = 0; n <= text.size(); ++n) {
      Adr a = parse_adr("ADR-001.md", text.substr(0, n), "ADR-001");
      EXPECT_EQ(a.id, "ADR-001");
    }
  }
  for (int c = 1; c < 256; ++c) parse_adr("ADR-001.md", std::string(3, static_cast<char>(c)), "ADR-001");
}

}  // namespace
}  // namespace pm::adr
