// Suppression matching: which source wins (inline, then the config's most
// specific rule entry, then ignore-paths), what the payload shows for each
// (kind, reason, by, location, reasonMissing, via), disabled rules, severity
// overrides, and how persona and minConfidence are resolved.
#include "engine/suppressions.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pm::engine {
namespace {

constexpr const char* kCi = ".github/workflows/ci.yml";

RepoConfig config_of(const std::string& text) {
  auto r = parse_repo_config(text, ".github/phase-mirror.yml");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : RepoConfig{};
}

const char* kConfig = R"(ignore-paths:
  - vendor/
  - path: "**/testdata/**"
    reason: fixtures are vulnerable on purpose
rules:
  MD-105:
    reason: reviewed by the platform team
    by: "@org/platform"
    ignore:
      - ci.yml
      - path: ci.yml:12
        reason: digest pinned upstream
        by: alice
      - path: ci.yml:12:9
        reason: exactly this one
  MD-104:
    ignore:
      - .github/workflows/ci.yml:30
  MD-101:
    disable: true
  MD-106:
    severity: critical
)";

const char* kWorkflowText = R"(on: push
jobs:
  build:
    steps:
      - uses: x/y@v1 # phase-mirror: ignore[MD-105] inline wins
      - uses: docker://alpine # zizmor: ignore[unpinned-images]
      - run: echo hi # phase-mirror: ignore[MD-104]
)";

TEST(Suppressions, InlineThenMostSpecificConfigEntryThenIgnorePaths) {
  Suppressions s(config_of(kConfig));
  s.add_file(kCi, kWorkflowText);

  auto inline_hit = s.match({"MD-105", kCi, 5, 9});
  ASSERT_TRUE(inline_hit);
  EXPECT_EQ(inline_hit->to_json(), Json::parse(R"({"kind": "inline", "reason": "inline wins",
      "by": ".github/workflows/ci.yml", "location": ".github/workflows/ci.yml:5", "reasonMissing": false})"));

  auto zizmor = s.match({"MD-105", kCi, 6, 9});
  ASSERT_TRUE(zizmor);
  EXPECT_EQ(zizmor->to_json(), Json::parse(R"({"kind": "inline", "reason": "", "by": ".github/workflows/ci.yml",
      "location": ".github/workflows/ci.yml:6", "reasonMissing": true, "via": "zizmor:unpinned-images"})"));

  auto exact = s.match({"MD-105", kCi, 12, 9});
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->to_json(), Json::parse(R"({"kind": "config", "reason": "exactly this one",
      "by": "@org/platform", "location": ".github/phase-mirror.yml:14", "reasonMissing": false})"));

  auto line = s.match({"MD-105", kCi, 12, 3});
  ASSERT_TRUE(line);
  EXPECT_EQ(line->reason, "digest pinned upstream");
  EXPECT_EQ(line->by, "alice");
  EXPECT_EQ(line->location, ".github/phase-mirror.yml:11");

  auto file = s.match({"MD-105", kCi, 40, 0});
  ASSERT_TRUE(file);
  EXPECT_EQ(file->reason, "reviewed by the platform team") << "the rule's reason when the entry has none";
  EXPECT_EQ(file->by, "@org/platform");
  EXPECT_EQ(file->location, ".github/phase-mirror.yml:10");

  auto vendor = s.match({"MD-103", "vendor/actions/x/action.yml", 3, 0});
  ASSERT_TRUE(vendor);
  EXPECT_EQ(vendor->to_json(), Json::parse(R"({"kind": "config", "reason": "",
      "by": ".github/phase-mirror.yml", "location": ".github/phase-mirror.yml:2", "reasonMissing": true})"));

  auto fixtures = s.match({"MD-104", "src/testdata/bad.yml", 1, 0});
  ASSERT_TRUE(fixtures);
  EXPECT_EQ(fixtures->reason, "fixtures are vulnerable on purpose");
  EXPECT_EQ(fixtures->location, ".github/phase-mirror.yml:3");

  EXPECT_FALSE(s.match({"MD-104", kCi, 31, 0})) << "MD-104 is ignored on line 30 only";
  EXPECT_TRUE(s.match({"MD-104", kCi, 30, 0}));
  EXPECT_FALSE(s.match({"MD-103", kCi, 5, 0})) << "no source names MD-103 in ci.yml";
  EXPECT_FALSE(s.match({"MD-004", "", 0, 0})) << "a finding tied to no file";
  EXPECT_FALSE(s.match({"MD-105", "other/ci.yml.bak", 12, 9}));
}

TEST(Suppressions, InlineIgnoreOnTheLineWinsOverTheConfig) {
  Suppressions s(config_of(kConfig));
  s.add_file(kCi, kWorkflowText);
  auto hit = s.match({"MD-104", kCi, 7, 0});
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->kind, SuppressionKind::kInline);
  EXPECT_TRUE(hit->reason_missing());
}

TEST(Suppressions, WithoutConfigOnlyInlineIgnores) {
  Suppressions s;
  EXPECT_EQ(s.config(), nullptr);
  s.add_file(kCi, kWorkflowText);
  EXPECT_TRUE(s.match({"MD-105", kCi, 5, 0}));
  EXPECT_FALSE(s.match({"MD-105", kCi, 12, 9}));
  EXPECT_FALSE(s.rule_disabled("MD-101"));
  EXPECT_EQ(s.severity_override("MD-106"), std::nullopt);
  EXPECT_FALSE(find_suppression({"MD-105", kCi, 5, 0}, nullptr, nullptr));
}

TEST(Suppressions, DisabledRulesAndSeverityOverrides) {
  const Suppressions s(config_of(kConfig));
  EXPECT_TRUE(s.rule_disabled("MD-101"));
  EXPECT_FALSE(s.rule_disabled("MD-105"));
  EXPECT_EQ(s.severity_override("MD-106"), Severity::kCritical);
  EXPECT_EQ(s.severity_override("MD-105"), std::nullopt);
}

TEST(Suppressions, OnlyYamlFilesHaveInlineIgnores) {
  Suppressions s;
  s.add_file("scripts/build.sh", "# phase-mirror: ignore[MD-105] not YAML\nuses x/y@v1\n");
  s.add_file("action.yaml", "runs: {} # phase-mirror: ignore[MD-106] composite\n");
  EXPECT_EQ(s.inline_ignores("scripts/build.sh"), nullptr);
  EXPECT_FALSE(s.match({"MD-105", "scripts/build.sh", 2, 0}));
  ASSERT_NE(s.inline_ignores("action.yaml"), nullptr);
  EXPECT_TRUE(s.match({"MD-106", "action.yaml", 1, 0}));
}

TEST(Suppressions, ProblemsOfEveryFileForThePayload) {
  Suppressions s;
  s.add_file("b.yml", "a: 1 # phase-mirror: ignore[MD-999] x\n");
  s.add_file("a.yml", "run: |\n  # phase-mirror: ignore[MD-104] inside\n");
  EXPECT_EQ(s.problems_json(), Json::parse(R"([
      {"file": "a.yml", "line": 2, "column": 3, "message": "'phase-mirror: ignore' inside a YAML string (such as a run: script) is not a YAML comment and ignores nothing: put it on the line where the string starts, or above that line"},
      {"file": "b.yml", "line": 1, "column": 6, "message": "'MD-999' is not a rule id"}])"));
}

TEST(Suppressions, FpStoreEntryKeepsItsReviewNote) {
  const Suppression fp = fp_store_suppression("0123abcd", "benign: test fixture", "bob");
  Json finding = {{"ruleId", "MD-105"}, {"file", kCi}, {"line", 5}};
  attach_suppression(finding, fp);
  EXPECT_EQ(finding, Json::parse(R"({"ruleId": "MD-105", "file": ".github/workflows/ci.yml", "line": 5,
      "suppression": {"kind": "fp-store", "reason": "benign: test fixture", "by": "bob",
                      "location": "fp-store:0123abcd", "reasonMissing": false},
      "reviewNote": "benign: test fixture"})"));
  Json other = Json::object();
  attach_suppression(other, Suppression{SuppressionKind::kConfig, "r", "b", "c:1", ""});
  EXPECT_FALSE(other.contains("reviewNote"));
  EXPECT_EQ(to_string(SuppressionKind::kInline), std::string("inline"));
}

TEST(AnalysisLevels, InputThenConfigThenDefaultEachOnItsOwn) {
  const AnalysisLevels none = resolve_levels(std::nullopt, std::nullopt, nullptr);
  EXPECT_EQ(none.to_json(), Json::parse(R"({"persona": "regular", "minConfidence": "medium",
      "personaFrom": "default", "minConfidenceFrom": "default"})"));

  const AnalysisLevels auditor = resolve_levels(Persona::kAuditor, std::nullopt, nullptr);
  EXPECT_EQ(auditor.min_confidence, Confidence::kLow) << "auditor reports low confidence by default";

  const RepoConfig c = config_of("persona: pedantic\nmin-confidence: high\n");
  const AnalysisLevels from_config = resolve_levels(std::nullopt, std::nullopt, &c);
  EXPECT_EQ(from_config.to_json(), Json::parse(R"({"persona": "pedantic", "minConfidence": "high",
      "personaFrom": "config", "minConfidenceFrom": "config"})"));

  const AnalysisLevels mixed = resolve_levels(Persona::kAuditor, std::nullopt, &c);
  EXPECT_EQ(mixed.to_json(), Json::parse(R"({"persona": "auditor", "minConfidence": "high",
      "personaFrom": "input", "minConfidenceFrom": "config"})"));

  const RepoConfig only_persona = config_of("persona: auditor\n");
  const AnalysisLevels derived = resolve_levels(std::nullopt, std::nullopt, &only_persona);
  EXPECT_EQ(derived.min_confidence, Confidence::kLow);
  EXPECT_STREQ(derived.min_confidence_from, "default");

  const AnalysisLevels input = resolve_levels(Persona::kRegular, Confidence::kLow, &c);
  EXPECT_EQ(input.persona, Persona::kRegular);
  EXPECT_EQ(input.min_confidence, Confidence::kLow);
}

TEST(AnalysisLevels, ReportsThePersonasUpToItsOwnAtOrAboveMinConfidence) {
  const auto levels = [](Persona p, Confidence c) {
    AnalysisLevels l;
    l.persona = p;
    l.min_confidence = c;
    return l;
  };
  EXPECT_TRUE(levels(Persona::kRegular, Confidence::kMedium).reports(Persona::kRegular, Confidence::kHigh));
  EXPECT_FALSE(levels(Persona::kRegular, Confidence::kMedium).reports(Persona::kRegular, Confidence::kLow));
  EXPECT_FALSE(levels(Persona::kRegular, Confidence::kLow).reports(Persona::kPedantic, Confidence::kHigh));
  EXPECT_TRUE(levels(Persona::kPedantic, Confidence::kMedium).reports(Persona::kPedantic, Confidence::kMedium));
  EXPECT_TRUE(levels(Persona::kAuditor, Confidence::kLow).reports(Persona::kAuditor, Confidence::kLow));
  EXPECT_FALSE(levels(Persona::kPedantic, Confidence::kLow).reports(Persona::kAuditor, Confidence::kHigh));
  EXPECT_EQ(default_min_confidence(Persona::kPedantic), Confidence::kMedium);
  EXPECT_EQ(default_min_confidence(Persona::kAuditor), Confidence::kLow);
}

}  // namespace
}  // namespace pm::engine
