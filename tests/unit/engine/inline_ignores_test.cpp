// Inline ignore comments: placements that count (same line, the line above,
// a stack of comment lines, a script's first line) and those that must not
// (a '#' inside a block scalar, a quoted string or a plain scalar), zizmor's
// audit names, several ids, a missing reason, and the problems reported.
#include "engine/inline_ignores.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pm::engine {
namespace {

constexpr const char* kWorkflow = ".github/workflows/ci.yml";

InlineIgnores ignores_of(const std::string& text) {
  return parse_inline_ignores(kWorkflow, text);
}

// The line of the comment that covers `rule` at `line`, 0 when none does.
int covered_by(const InlineIgnores& ig, const char* rule, int line) {
  const InlineIgnore* i = ig.find(rule, line);
  return i == nullptr ? 0 : i->line;
}

TEST(InlineIgnores, SameLineAndLineAbove) {
  const InlineIgnores ig = ignores_of(R"(on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: some/action@v3  # phase-mirror: ignore[MD-105] vendored copy, reviewed
      # phase-mirror: ignore[MD-105] pinned by the platform team
      - uses: other/action@v1
      - uses: third/action@v2
)");
  EXPECT_EQ(ig.path(), kWorkflow);
  ASSERT_EQ(ig.ignores().size(), 2u);
  const InlineIgnore& same = ig.ignores()[0];
  EXPECT_EQ(same.line, 6);
  EXPECT_EQ(same.column, 31);
  EXPECT_FALSE(same.own_line);
  EXPECT_EQ(same.syntax, IgnoreSyntax::kPhaseMirror);
  EXPECT_EQ(same.rule_ids, std::vector<std::string>{"MD-105"});
  EXPECT_EQ(same.reason, "vendored copy, reviewed");
  EXPECT_TRUE(ig.ignores()[1].own_line);
  EXPECT_EQ(ig.ignores()[1].reason, "pinned by the platform team");

  EXPECT_EQ(covered_by(ig, "MD-105", 6), 6);
  EXPECT_EQ(covered_by(ig, "MD-105", 8), 7);
  EXPECT_EQ(covered_by(ig, "MD-105", 9), 0) << "a trailing comment covers only its own line";
  EXPECT_EQ(covered_by(ig, "MD-101", 6), 0) << "other rules are not covered";
  EXPECT_EQ(covered_by(ig, "MD-105", 0), 0) << "a finding without a line";
  EXPECT_TRUE(ig.problems().empty());
}

TEST(InlineIgnores, StackedCommentLinesAndBlankLines) {
  const InlineIgnores ig = ignores_of(R"(jobs:
  a:
    # phase-mirror: ignore[MD-101] publishes packages
    # phase-mirror: ignore[MD-106] the called workflow needs every secret
    # (reviewed 2026-11)
    permissions: write-all
  b:
    # phase-mirror: ignore[MD-101] not for the line after the blank line

    permissions: write-all
)");
  EXPECT_EQ(covered_by(ig, "MD-101", 6), 3);
  EXPECT_EQ(covered_by(ig, "MD-106", 6), 4);
  EXPECT_EQ(covered_by(ig, "MD-101", 10), 0) << "a blank line ends the stack";
  EXPECT_EQ(covered_by(ig, "MD-101", 4), 3) << "a comment line is covered by the ones above it as well";
}

TEST(InlineIgnores, SeveralIdsAndMissingReason) {
  const InlineIgnores ig = ignores_of("permissions: write-all # phase-mirror: ignore[ MD-101 , MD-106,MD-101 ]\n");
  ASSERT_EQ(ig.ignores().size(), 1u);
  EXPECT_EQ(ig.ignores()[0].names, (std::vector<std::string>{"MD-101", "MD-106", "MD-101"}));
  EXPECT_EQ(ig.ignores()[0].rule_ids, (std::vector<std::string>{"MD-101", "MD-106"}));
  EXPECT_EQ(ig.ignores()[0].reason, "") << "no reason: still an ignore, reported as such";
  EXPECT_EQ(covered_by(ig, "MD-101", 1), 1);
  EXPECT_EQ(covered_by(ig, "MD-106", 1), 1);
  EXPECT_TRUE(ig.problems().empty());
}

TEST(InlineIgnores, BlockScalarLinesAreScriptNotComments) {
  const InlineIgnores ig = ignores_of(R"(jobs:
  a:
    steps:
      - run: |
          # phase-mirror: ignore[MD-104] this is shell, not YAML
          echo "${{ github.event.issue.title }}"
      - name: with a header comment
        run: | # phase-mirror: ignore[MD-104] titles are sanitised by the script
          echo "${{ github.event.issue.title }}"
          echo "${{ github.head_ref }}"
      # phase-mirror: ignore[MD-104] the comment line above a script covers it
      - run: >-
          echo ${{ github.event.comment.body }}
        # phase-mirror: ignore[MD-105] less indented than the script: a YAML comment again
        uses: x/y@v1
)");
  ASSERT_EQ(ig.ignores().size(), 3u);
  EXPECT_EQ(ig.ignores()[0].line, 8);
  EXPECT_EQ(ig.ignores()[1].line, 11);
  EXPECT_EQ(ig.ignores()[2].line, 14);
  EXPECT_EQ(covered_by(ig, "MD-104", 6), 0) << "the '#' on line 5 is part of the script";
  EXPECT_EQ(covered_by(ig, "MD-104", 9), 8) << "a script line is covered from the line the script starts on";
  EXPECT_EQ(covered_by(ig, "MD-104", 10), 8);
  EXPECT_EQ(covered_by(ig, "MD-104", 13), 11);
  EXPECT_EQ(covered_by(ig, "MD-105", 15), 14);
  ASSERT_EQ(ig.problems().size(), 1u);
  EXPECT_EQ(ig.problems()[0].line, 5);
  EXPECT_EQ(ig.problems()[0].column, 11);
  EXPECT_EQ(ig.problems()[0].message,
            "'phase-mirror: ignore' inside a YAML string (such as a run: script) is not a YAML comment and ignores "
            "nothing: put it on the line where the string starts, or above that line");
}

TEST(InlineIgnores, HashInsideStringsAndPlainScalars) {
  const InlineIgnores ig = ignores_of(R"(a: "quoted # phase-mirror: ignore[MD-105] not a comment"
b: 'single # phase-mirror: ignore[MD-105] not one either'
c: plain#phase-mirror:ignore[MD-105]
d: [x, "y # phase-mirror: ignore[MD-101] z"] # phase-mirror: ignore[MD-106] flow, then a comment
e: "multi
  line # phase-mirror: ignore[MD-105] still quoted"
)");
  ASSERT_EQ(ig.ignores().size(), 1u);
  EXPECT_EQ(ig.ignores()[0].line, 4);
  EXPECT_EQ(ig.ignores()[0].rule_ids, std::vector<std::string>{"MD-106"});
  EXPECT_EQ(covered_by(ig, "MD-105", 1), 0);
  EXPECT_EQ(covered_by(ig, "MD-105", 2), 0);
  EXPECT_EQ(covered_by(ig, "MD-105", 3), 0);
  EXPECT_EQ(covered_by(ig, "MD-101", 4), 0);
  EXPECT_EQ(covered_by(ig, "MD-105", 6), 0);
  // The quoted '#'s preceded by a space are reported as misplaced ignores.
  EXPECT_EQ(ig.problems().size(), 4u);
}

TEST(InlineIgnores, ZizmorNamesMapToOurRules) {
  const InlineIgnores ig = ignores_of(R"(jobs:
  a:
    permissions: write-all # zizmor: ignore[excessive-permissions]
    steps:
      - uses: x/y@v1 # zizmor: ignore[unpinned-uses] tag protected upstream
      - uses: docker://alpine # zizmor: ignore[unpinned-images,concurrency-limits]
      # zizmor: ignore[template-injection]
      - run: echo "${{ github.head_ref }}"
      - uses: a/b@v2 # zizmor: ignore[concurrency-limits] no counterpart: covers nothing
      - uses: c/d@v3 # zizmor: ignore[some-future-audit]
    secrets: inherit # zizmor: ignore[secrets-inherit]
)");
  EXPECT_EQ(covered_by(ig, "MD-101", 3), 3);
  EXPECT_EQ(covered_by(ig, "MD-105", 5), 5);
  EXPECT_EQ(covered_by(ig, "MD-105", 6), 6);
  EXPECT_EQ(covered_by(ig, "MD-104", 8), 7);
  EXPECT_EQ(covered_by(ig, "MD-105", 9), 0);
  EXPECT_EQ(covered_by(ig, "MD-105", 10), 0);
  EXPECT_EQ(covered_by(ig, "MD-106", 11), 11);
  const InlineIgnore* z = ig.find("MD-105", 5);
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->syntax, IgnoreSyntax::kZizmor);
  EXPECT_EQ(z->names, std::vector<std::string>{"unpinned-uses"});
  EXPECT_EQ(z->reason, "tag protected upstream");
  EXPECT_TRUE(ig.problems().empty()) << "zizmor names we do not map are zizmor's business";
}

TEST(InlineIgnores, OneCommentWithBothSyntaxes) {
  const InlineIgnores ig = ignores_of(
      "- uses: x/y@v1 # v1.2.3 # zizmor: ignore[unpinned-uses] # phase-mirror: ignore[MD-105] see issue #12\n");
  ASSERT_EQ(ig.ignores().size(), 2u);
  EXPECT_EQ(ig.ignores()[0].syntax, IgnoreSyntax::kZizmor);
  EXPECT_EQ(ig.ignores()[0].reason, "");
  EXPECT_EQ(ig.ignores()[1].syntax, IgnoreSyntax::kPhaseMirror);
  EXPECT_EQ(ig.ignores()[1].reason, "see issue #12") << "a '#' that starts no marker stays in the reason";
  EXPECT_EQ(ig.ignores()[1].column, 57);
  EXPECT_EQ(covered_by(ig, "MD-105", 1), 1);
}

TEST(InlineIgnores, ProblemsAreReportedNotApplied) {
  const InlineIgnores ig = ignores_of(R"(a: 1 # phase-mirror: ignore[MD-999] typo
b: 2 # phase-mirror: ignore[md-105] lower case
c: 3 # phase-mirror: ignore[unpinned-uses] their name in our syntax
d: 4 # phase-mirror: ignore[MD-105 no bracket
e: 5 # phase-mirror: ignore[] empty
f: 6 # phase-mirror: ignore(MD-105) wrong brackets
g: 7 # phase-mirror: ignore[MD-105,MD-998] half known
)");
  ASSERT_EQ(ig.ignores().size(), 1u);
  EXPECT_EQ(ig.ignores()[0].line, 7);
  EXPECT_EQ(ig.ignores()[0].rule_ids, std::vector<std::string>{"MD-105"});
  std::vector<std::string> messages;
  for (const auto& p : ig.problems()) messages.push_back(std::to_string(p.line) + ": " + p.message);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "1: 'MD-999' is not a rule id",
                          "2: 'md-105' is not a rule id (did you mean MD-105?)",
                          "3: 'unpinned-uses' is not a rule id (zizmor's unpinned-uses is MD-105 here)",
                          "4: ignore comment without a closing ']'",
                          "5: ignore comment names no rule",
                          "6: not an ignore comment: expected 'phase-mirror: ignore[RULE-ID,...] reason'",
                          "7: 'MD-998' is not a rule id",
                      }));
  EXPECT_EQ(ig.problems()[0].column, 6);
}

TEST(InlineIgnores, InvalidYamlYieldsOneProblem) {
  const InlineIgnores ig = ignores_of("a: [1, 2\n# phase-mirror: ignore[MD-105] x\nb: {\n");
  EXPECT_TRUE(ig.ignores().empty());
  ASSERT_EQ(ig.problems().size(), 1u);
  EXPECT_EQ(ig.problems()[0].message.rfind("not valid YAML, so its ignore comments are not read: ", 0), 0u)
      << ig.problems()[0].message;
  EXPECT_GT(ig.problems()[0].line, 0);
}

TEST(InlineIgnores, LineBreaksAndWideCharactersCountLikeTheParser) {
  const InlineIgnores crlf = ignores_of("a: 1\r\n# phase-mirror: ignore[MD-105] r\r\nb: 2\r\n");
  EXPECT_EQ(covered_by(crlf, "MD-105", 3), 2);
  EXPECT_EQ(crlf.ignores()[0].reason, "r");
  const InlineIgnores cr = ignores_of("a: 1\r# phase-mirror: ignore[MD-105] r\rb: 2\r");
  EXPECT_EQ(covered_by(cr, "MD-105", 3), 2);
  // Columns count characters: "é" is one, as in the YAML model.
  const InlineIgnores wide = ignores_of("\xEF\xBB\xBFname: \"é#x é\" # phase-mirror: ignore[MD-105]\n");
  ASSERT_EQ(wide.ignores().size(), 1u);
  EXPECT_EQ(wide.ignores()[0].column, 15);
  EXPECT_TRUE(wide.problems().empty());
}

TEST(InlineIgnores, FilesWithoutMarkersCostNothingAndYieldNothing) {
  const InlineIgnores ig = ignores_of("on: push\n# just a comment\njobs: {}\n");
  EXPECT_TRUE(ig.ignores().empty());
  EXPECT_TRUE(ig.problems().empty());
  EXPECT_EQ(ig.find("MD-105", 3), nullptr);
  // Not even parsed: invalid YAML without a marker reports nothing.
  EXPECT_TRUE(ignores_of("a: [\n").problems().empty());
}

TEST(InlineIgnores, LongReasonsAreClipped) {
  const InlineIgnores ig = ignores_of("a: 1 # phase-mirror: ignore[MD-105] " + std::string(1500, 'x') + "\n");
  ASSERT_EQ(ig.ignores().size(), 1u);
  EXPECT_EQ(ig.ignores()[0].reason, std::string(1000, 'x') + "...");
}

TEST(ZizmorTable, EveryMappedRuleIsInTheCatalogue) {
  const auto& ids = catalogue_rule_ids();
  std::size_t mapped = 0;
  for (const auto& a : zizmor_audits()) {
    EXPECT_EQ(find_zizmor_audit(a.audit), &a);
    for (const std::string_view r : a.rules) {
      if (r.empty()) continue;
      ++mapped;
      EXPECT_NE(std::find(ids.begin(), ids.end(), r), ids.end()) << a.audit << " -> " << r;
    }
  }
  EXPECT_EQ(mapped, 23u);
  EXPECT_EQ(find_zizmor_audit("not-an-audit"), nullptr);
  EXPECT_EQ(rule_id_hint("template-injection", ids), "zizmor's template-injection is MD-104 here");
  EXPECT_EQ(rule_id_hint("MD-777", ids), "");
}

}  // namespace
}  // namespace pm::engine
