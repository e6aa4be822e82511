// RFC 2119 / RFC 8174 requirement extraction.
#include <gtest/gtest.h>

#include "adr/parser.hpp"
#include "unit/adr/unlimited_budget.hpp"

namespace pm::adr {
namespace {

std::vector<DecisionRule> rules(const char* md) {
  return extract_rules(md, "ADR-009", 1);
}

TEST(Rfc2119, MustNotIsNotAlsoAMust) {
  auto r = rules("All code MUST NOT use deprecated APIs.\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].keyword, "MUST NOT");
  EXPECT_EQ(r[0].id, "ADR-009-R1");
  EXPECT_EQ(r[0].text, "All code MUST NOT use deprecated APIs.");
  EXPECT_EQ(r[0].line, 1);
}

TEST(Rfc2119, EveryKeywordIsRecognised) {
  auto r = rules(
      "A MUST b. C MUST NOT d. E SHALL f. G SHALL NOT h. I SHOULD j. K SHOULD NOT l. M MAY n. "
      "O is REQUIRED. P is RECOMMENDED.\n");
  std::vector<std::string> kw;
  for (auto& x : r) kw.push_back(x.keyword);
  EXPECT_EQ(kw, (std::vector<std::string>{"MUST", "MUST NOT", "SHALL", "SHALL NOT", "SHOULD", "SHOULD NOT", "MAY",
                                          "REQUIRED", "RECOMMENDED"}));
}

TEST(Rfc2119, BoldKeywordsCountAndTextIsClean) {
  auto r = rules("Handlers **MUST** return errors as values.\n\nWe __SHOULD NOT__ retry.\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].keyword, "MUST");
  EXPECT_EQ(r[0].text, "Handlers MUST return errors as values.");
  EXPECT_EQ(r[1].keyword, "SHOULD NOT");
  EXPECT_EQ(r[1].line, 3);
}

TEST(Rfc2119, LowercaseAndWordPartsDoNotCount) {
  EXPECT_TRUE(rules("We may do things; dismay ensues. You must not worry.\n").empty());
  EXPECT_TRUE(rules("MAYBE later. The MUSTARD is SHALLOW.\n").empty());
}

TEST(Rfc2119, KeywordsInsideCodeSpansAndFencesDoNotCount) {
  EXPECT_TRUE(rules("The constant `MUST` is a name.\n").empty());
  auto r = rules("Intro.\n\n```\nCode MUST NOT be read here.\n```\nAfter the fence it MAY count.\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].keyword, "MAY");
  EXPECT_EQ(r[0].line, 6);
}

TEST(Rfc2119, WrappedSentencesAreJoinedAndReportTheirFirstLine) {
  auto r = rules(
      "Some context first. Workflows in this repository\n"
      "MUST NOT request `write-all`\n"
      "permissions. Another sentence.\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "Workflows in this repository MUST NOT request `write-all` permissions.");
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[0].literals, std::vector<std::string>{"write-all"});
}

TEST(Rfc2119, ListItemsAreSeparateRules) {
  auto r = rules(
      "Rules:\n"
      "- Jobs MUST pin actions to a SHA\n"
      "  even for first-party actions\n"
      "- Jobs SHOULD set a timeout\n"
      "1. Nobody MAY skip review\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].text, "Jobs MUST pin actions to a SHA even for first-party actions");
  EXPECT_EQ(r[0].line, 2);
  EXPECT_EQ(r[1].keyword, "SHOULD");
  EXPECT_EQ(r[1].line, 4);
  EXPECT_EQ(r[2].keyword, "MAY");
  EXPECT_EQ(r[2].line, 5);
}

TEST(Rfc2119, AbbreviationsDoNotEndASentence) {
  auto r = rules("Tools MUST use RE2, e.g. for user patterns.\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "Tools MUST use RE2, e.g. for user patterns.");
}

TEST(Rfc2119, QuotedLiteralsAreCollected) {
  auto r = rules("Code MUST NOT call \"system(\" nor 'popen' here.\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].literals, (std::vector<std::string>{"system(", "popen"}));
  EXPECT_TRUE(rules("It's fine, isn't it? Don't.\n").empty());
}

TEST(Rfc2119, FirstLineOffsetIsApplied) {
  auto r = extract_rules("x.\n\nIt MUST work.\n", "ADR-001", 10);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].line, 12);
  // A paragraph is one unit: the sentence starts on the line of "Intro".
  auto p = extract_rules("Intro\nIt MUST work.\n", "ADR-001", 10);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].line, 10);
}

}  // namespace
}  // namespace pm::adr
