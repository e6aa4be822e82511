// The Dependabot configuration model: every value where it is written,
// shapes Dependabot would reject leave nothing to judge (and no finding),
// text that is not YAML is a parse error with its line.
#include "engine/dependabot.hpp"

#include <gtest/gtest.h>

#include "engine/rules/rules.hpp"

namespace pm::engine {
namespace {

std::vector<Finding> run_rules(const DependabotFile& d) {
  AnalysisInput in;
  in.persona = Persona::kAuditor;
  in.dependabot.push_back(d);
  std::vector<Finding> out;
  for (const auto& r : all_rules()) {
    const auto id = r->info().id;
    if (id == "MD-123" || id == "MD-124") r->evaluate(in, out);
  }
  return out;
}

TEST(Dependabot, PathsWhereGitHubReadsTheConfiguration) {
  EXPECT_TRUE(is_dependabot_path(".github/dependabot.yml"));
  EXPECT_TRUE(is_dependabot_path(".github/dependabot.yaml"));
  EXPECT_TRUE(is_dependabot_path("vendor/lib/.github/dependabot.yml"));
  EXPECT_FALSE(is_dependabot_path("dependabot.yml"));
  EXPECT_FALSE(is_dependabot_path(".github/workflows/dependabot.yml"));
  EXPECT_FALSE(is_dependabot_path("x.github/dependabot.yml"));
  EXPECT_FALSE(is_dependabot_path(".github/dependabot.yml.bak"));
}

TEST(Dependabot, ModelKeepsEveryValueWithItsPosition) {
  const auto d = parse_dependabot(".github/dependabot.yml",
                                  "version: 2\n"
                                  "registries:\n"
                                  "  npm-internal:\n"
                                  "    type: npm-registry\n"
                                  "    url: https://npm.example.com\n"
                                  "    token: ${{ secrets.NPM_TOKEN }}\n"
                                  "updates:\n"
                                  "  - package-ecosystem: \"npm\"\n"
                                  "    directories:\n"
                                  "      - /web\n"
                                  "      - '/api'\n"
                                  "    schedule: {interval: weekly}\n"
                                  "    registries:\n"
                                  "      - npm-internal\n"
                                  "    cooldown:\n"
                                  "      default-days: 7\n"
                                  "      semver-major-days: 30\n"
                                  "    insecure-external-code-execution: deny\n"
                                  "    open-pull-requests-limit: 5\n"
                                  "  - package-ecosystem: pip\n"
                                  "    directory: /\n"
                                  "    registries: \"*\"\n");
  ASSERT_FALSE(d.file.parse_error) << d.file.parse_error->message;
  EXPECT_EQ(d.file.path, ".github/dependabot.yml");
  ASSERT_TRUE(d.version);
  EXPECT_EQ(d.version->value, "2");
  EXPECT_EQ(d.version->at.line, 1);
  EXPECT_EQ(d.version->at.column, 10);
  ASSERT_EQ(d.registries.size(), 1u);
  EXPECT_EQ(d.registries[0].value, "npm-internal");
  EXPECT_EQ(d.registries[0].at.line, 3);
  EXPECT_EQ(d.registries[0].at.column, 3);
  ASSERT_EQ(d.updates.size(), 2u);

  const auto& npm = d.updates[0];
  EXPECT_EQ(npm.at.line, 8);
  EXPECT_EQ(npm.at.column, 5);
  ASSERT_TRUE(npm.package_ecosystem);
  EXPECT_EQ(npm.package_ecosystem->value, "npm");
  EXPECT_EQ(npm.package_ecosystem->at.column, 25) << "after the quote";
  EXPECT_FALSE(npm.directory);
  ASSERT_EQ(npm.directories.size(), 2u);
  EXPECT_EQ(npm.directories[1].value, "/api");
  EXPECT_EQ(npm.directories[1].at.line, 11);
  EXPECT_EQ(npm.directories[1].at.column, 10);
  ASSERT_TRUE(npm.schedule_interval);
  EXPECT_EQ(npm.schedule_interval->value, "weekly");
  EXPECT_EQ(npm.schedule_interval->at.line, 12);
  ASSERT_TRUE(npm.registries_at);
  EXPECT_EQ(npm.registries_at->line, 13);
  EXPECT_EQ(npm.registries_at->column, 5);
  ASSERT_EQ(npm.registries.size(), 1u);
  EXPECT_EQ(npm.registries[0].value, "npm-internal");
  ASSERT_TRUE(npm.cooldown);
  EXPECT_TRUE(npm.cooldown->well_formed);
  EXPECT_EQ(npm.cooldown->at.line, 15);
  EXPECT_EQ(npm.cooldown->at.column, 5);
  ASSERT_TRUE(npm.cooldown->default_days);
  EXPECT_EQ(npm.cooldown->default_days->value, "7");
  EXPECT_EQ(npm.cooldown->default_days->at.line, 16);
  EXPECT_EQ(npm.cooldown->default_days->at.column, 21);
  ASSERT_TRUE(npm.cooldown->semver_major_days);
  EXPECT_EQ(npm.cooldown->semver_major_days->value, "30");
  EXPECT_FALSE(npm.cooldown->semver_minor_days);
  ASSERT_TRUE(npm.insecure_external_code_execution);
  EXPECT_EQ(npm.insecure_external_code_execution->value, "deny");
  EXPECT_EQ(npm.insecure_external_code_execution->at.line, 18);
  ASSERT_TRUE(npm.open_pull_requests_limit);
  EXPECT_EQ(npm.open_pull_requests_limit->value, "5");

  const auto& pip = d.updates[1];
  ASSERT_TRUE(pip.directory);
  EXPECT_EQ(pip.directory->value, "/");
  EXPECT_FALSE(pip.cooldown);
  ASSERT_EQ(pip.registries.size(), 1u);
  EXPECT_EQ(pip.registries[0].value, "*");
  EXPECT_EQ(pip.registries[0].at.line, 22);
  EXPECT_EQ(pip.registries[0].at.column, 18);
}

TEST(Dependabot, ShapesDependabotRejectsLeaveNothingToJudge) {
  for (const char* text : {
           "",                                            // empty file
           "# comments only\n",                           //
           "- version: 2\n",                              // top level not a mapping
           "version: 2\nupdates: npm\n",                  // updates not a list
           "version: 2\nupdates:\n  npm: {}\n",           // updates a mapping
           "version: 2\nupdates:\n  - npm\n  - [pip]\n",  // items that are not mappings
           "version: 2\nupdates:\n",                      // updates null
       }) {
    const auto d = parse_dependabot(".github/dependabot.yml", text);
    EXPECT_FALSE(d.file.parse_error) << text;
    EXPECT_TRUE(d.updates.empty()) << text;
    EXPECT_TRUE(run_rules(d).empty()) << text;
  }
}

TEST(Dependabot, EntriesDependabotRejectsGiveNoFinding) {
  // No package-ecosystem; a cooldown that is not a mapping; days that are not
  // a number; keys of the wrong type.
  const auto d = parse_dependabot(".github/dependabot.yml",
                                  "version: 2\n"
                                  "updates:\n"
                                  "  - directory: /\n"
                                  "    insecure-external-code-execution: allow\n"
                                  "  - package-ecosystem: npm\n"
                                  "    cooldown: 7\n"
                                  "  - package-ecosystem: pip\n"
                                  "    cooldown:\n"
                                  "      default-days: a week\n"
                                  "    schedule: weekly\n"
                                  "    directories: {a: b}\n"
                                  "    registries: {a: b}\n"
                                  "    insecure-external-code-execution: [allow]\n");
  ASSERT_FALSE(d.file.parse_error);
  ASSERT_EQ(d.updates.size(), 3u);
  EXPECT_FALSE(d.updates[0].package_ecosystem);
  ASSERT_TRUE(d.updates[1].cooldown);
  EXPECT_FALSE(d.updates[1].cooldown->well_formed);
  EXPECT_FALSE(d.updates[2].schedule_interval);
  EXPECT_TRUE(d.updates[2].directories.empty());
  EXPECT_TRUE(d.updates[2].registries.empty());
  EXPECT_FALSE(d.updates[2].insecure_external_code_execution);
  const auto found = run_rules(d);
  for (const auto& f : found) ADD_FAILURE() << f.rule_id << " " << f.line << ": " << f.message;
}

TEST(Dependabot, TextThatIsNotYamlIsAParseErrorWithItsLine) {
  const auto bad = parse_dependabot(".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: [npm\n");
  ASSERT_TRUE(bad.file.parse_error);
  EXPECT_GE(bad.file.parse_error->line, 3);
  EXPECT_TRUE(bad.updates.empty());
  EXPECT_TRUE(run_rules(bad).empty()) << "the analyzer reports MD-000 for it, the rules nothing";

  const auto binary = parse_dependabot(".github/dependabot.yml", std::string("version: 2\nupdates: []\n\xff\n"));
  ASSERT_TRUE(binary.file.parse_error);
  EXPECT_EQ(binary.file.parse_error->line, 3);
  EXPECT_NE(binary.file.parse_error->message.find("a Dependabot configuration must be UTF-8 text"), std::string::npos)
      << binary.file.parse_error->message;
}

TEST(Dependabot, CooldownRuleJudgesEachEntry) {
  const auto d = parse_dependabot(".github/dependabot.yml",
                                  "version: 2\n"
                                  "updates:\n"
                                  "  - package-ecosystem: github-actions\n"
                                  "    directory: /\n"
                                  "  - package-ecosystem: npm\n"
                                  "    directory: /\n"
                                  "    cooldown:\n"
                                  "      default-days: 6\n"
                                  "  - package-ecosystem: pip\n"
                                  "    directory: /\n"
                                  "    cooldown:\n"
                                  "      default-days: 7\n");
  const auto found = run_rules(d);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].rule_id, "MD-123");
  EXPECT_EQ(found[0].line, 3);
  EXPECT_EQ(found[0].severity, Severity::kMedium);
  EXPECT_EQ(found[0].persona, Persona::kRegular);
  EXPECT_NE(found[0].message.find("github-actions"), std::string::npos);
  EXPECT_EQ(found[1].line, 8);
  EXPECT_EQ(found[1].severity, Severity::kLow);
  EXPECT_EQ(found[1].persona, Persona::kPedantic);
  EXPECT_NE(found[1].message.find("6 days"), std::string::npos) << found[1].message;
}

TEST(Dependabot, CodeExecutionIsHigherWithRegistries) {
  const auto d = parse_dependabot(".github/dependabot.yml",
                                  "version: 2\n"
                                  "updates:\n"
                                  "  - package-ecosystem: pip\n"
                                  "    registries: \"*\"\n"  // "*" without registries defined: no credentials
                                  "    insecure-external-code-execution: allow\n"
                                  "    cooldown: {default-days: 7}\n"
                                  "  - package-ecosystem: mix\n"
                                  "    registries: [hex-org]\n"
                                  "    insecure-external-code-execution: allow\n"
                                  "    cooldown: {default-days: 7}\n"
                                  "  - package-ecosystem: bundler\n"
                                  "    insecure-external-code-execution: deny\n"
                                  "    cooldown: {default-days: 7}\n");
  const auto found = run_rules(d);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].rule_id, "MD-124");
  EXPECT_EQ(found[0].line, 5);
  EXPECT_EQ(found[0].severity, Severity::kMedium);
  EXPECT_EQ(found[1].line, 9);
  EXPECT_EQ(found[1].severity, Severity::kHigh);
  ASSERT_EQ(found[1].related.size(), 1u);
  EXPECT_EQ(found[1].related[0].line, 8);
}

}  // namespace
}  // namespace pm::engine
