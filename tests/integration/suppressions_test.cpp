// Suppressions through the real binary (docs/suppressions.md): the repository
// config disables rules, ignores paths and lines, overrides severities, sets
// persona and min-confidence and MD-105's pin policies; inline ignore
// comments, ours and zizmor's, on the line or above it; every suppressed
// finding is listed with its suppression and never counts; an invalid config
// fails the call with each problem and its line; `scan` gives the same
// findings and suppressions, in SARIF too.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "support/cli_run.hpp"
#include "support/server_process.hpp"
#include "util/json.hpp"

namespace pm::test {
namespace {

constexpr const char* kConfigPath = ".github/phase-mirror.yml";
constexpr const char* kCiPath = ".github/workflows/ci.yml";

// Three third-party actions pinned to tags (MD-105, medium, regular) and
// nothing else a rule reports in the regular persona.
constexpr const char* kTagged =
    "on: push\n"                              // 1
    "permissions:\n"                          // 2
    "  contents: read\n"                      // 3
    "jobs:\n"                                 // 4
    "  build:\n"                              // 5
    "    runs-on: ubuntu-latest\n"            // 6
    "    steps:\n"                            // 7
    "      - uses: octo-org/setup-tool@v1\n"  // 8
    "      - uses: octo-org/lint@v2\n"        // 9
    "      - uses: other-org/deploy@main\n";  // 10

// A pull_request_target workflow that checks out the pull request's head: its
// only finding is MD-103 (critical) at 10:16, which blocks.
constexpr const char* kBlocking =
    "on: pull_request_target\n"
    "permissions:\n"
    "  contents: read\n"
    "jobs:\n"
    "  build:\n"
    "    runs-on: ubuntu-latest\n"
    "    steps:\n"
    "      - uses: actions/checkout@v4\n"
    "        with:\n"
    "          ref: ${{ github.event.pull_request.head.sha }}";

class Suppress : public ::testing::Test {
 protected:
  std::vector<std::string> env() const {
    return {"PHASE_MIRROR_WORKSPACE=" + repo_.path(), "PHASE_MIRROR_DATA_DIR=" + data_.path(), "LOG_LEVEL=error"};
  }
  // The envelope of one analyze_dissonance call.
  Json call(Json args) {
    if (!args.contains("files")) args["files"] = Json::array({kCiPath});
    if (!server_) {
      server_ = std::make_unique<ServerProcess>(std::vector<std::string>{}, env());
      server_->initialize();
    }
    return envelope(server_->call("analyze_dissonance", std::move(args), Json(++id_)));
  }
  // The analysis of a call that must succeed.
  Json analysis(Json args) {
    const Json env = call(std::move(args));
    EXPECT_EQ(env["success"], true) << env.dump(2).substr(0, 4000);
    return env["success"] == true ? env["data"]["analysis"] : Json();
  }
  CliRun scan(std::vector<std::string> args) {
    args.insert(args.begin(), "scan");
    std::vector<std::string> e = {"PHASE_MIRROR_WORKSPACE=",
                                  "GITHUB_REPOSITORY=",
                                  "NO_COLOR=",
                                  "LOG_LEVEL=",
                                  "TERM=",
                                  "PHASE_MIRROR_DATA_DIR=" + data_.path()};
    return run_cli(args, e, repo_.path());
  }

  TempDir repo_;
  TempDir data_;
  std::unique_ptr<ServerProcess> server_;
  int id_ = 0;
};

// "MD-105@8" for each finding (or suppressed finding) of a list.
std::vector<std::string> rule_lines(const Json& list) {
  std::vector<std::string> out;
  for (const auto& f : list) out.push_back(f["ruleId"].get<std::string>() + "@" + std::to_string(f["line"].get<int>()));
  return out;
}

TEST_F(Suppress, ADisabledRuleDoesNotRunAndUseConfigFalseIgnoresTheConfig) {
  repo_.write(kCiPath,
              "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions: write-all\n    steps:\n"
              "      - uses: octo-org/setup-tool@v1\n");
  repo_.write(kConfigPath,
              "rules:\n  MD-101:\n    disable: true\n    reason: the org ruleset caps token permissions\n");
  const Json with = analysis(Json::object());
  EXPECT_EQ(rule_lines(with["findings"]), (std::vector<std::string>{"MD-105@7"}));
  EXPECT_TRUE(with["suppressed"].empty()) << "a disabled rule has nothing to suppress";
  const Json& ran = with["decision"]["metadata"]["rulesEvaluated"];
  EXPECT_EQ(std::find(ran.begin(), ran.end(), Json("MD-101")), ran.end()) << ran.dump();
  EXPECT_EQ(
      with["repositoryConfig"],
      Json::parse(R"({"file": ".github/phase-mirror.yml", "disabledRules": ["MD-101"], "severityOverrides": {}})"));

  const Json without = analysis(Json{{"useConfig", false}});
  EXPECT_EQ(rule_lines(without["findings"]), (std::vector<std::string>{"MD-101@5", "MD-105@7"}));
  EXPECT_TRUE(without["repositoryConfig"].is_null());
}

TEST_F(Suppress, IgnorePathsAndFileLineEntriesSuppressWithReasonAndOwner) {
  repo_.write(kCiPath, kTagged);
  repo_.write(".github/workflows/vendored.yml", kTagged);
  repo_.write(kConfigPath,
              "ignore-paths:\n"                                     // 1
              "  - path: .github/workflows/vendored.yml\n"          // 2
              "    reason: copied from upstream, reviewed there\n"  // 3
              "    by: \"@org/qa\"\n"                               // 4
              "rules:\n"                                            // 5
              "  MD-105:\n"                                         // 6
              "    by: \"@org/platform\"\n"                         // 7
              "    reason: our own actions\n"                       // 8
              "    ignore:\n"                                       // 9
              "      - ci.yml:8\n"                                  // 10
              "      - path: .github/workflows/ci.yml:9:15\n"       // 11
              "        reason: lint runs read-only\n");             // 12
  const Json a = analysis(Json{{"files", {kCiPath, ".github/workflows/vendored.yml"}}});
  EXPECT_EQ(rule_lines(a["findings"]), (std::vector<std::string>{"MD-105@10"}));
  ASSERT_EQ(a["suppressed"].size(), 5u) << a["suppressed"].dump(2);
  EXPECT_EQ(a["suppressed"][0]["suppression"], Json::parse(R"({"kind": "config", "reason": "our own actions",
      "by": "@org/platform", "location": ".github/phase-mirror.yml:10", "reasonMissing": false})"));
  EXPECT_EQ(a["suppressed"][1]["suppression"], Json::parse(R"({"kind": "config", "reason": "lint runs read-only",
      "by": "@org/platform", "location": ".github/phase-mirror.yml:11", "reasonMissing": false})"));
  for (int i = 2; i < 5; ++i) {
    EXPECT_EQ(a["suppressed"][i]["file"], ".github/workflows/vendored.yml");
    EXPECT_EQ(a["suppressed"][i]["suppression"],
              Json::parse(R"({"kind": "config", "reason": "copied from upstream, reviewed there",
                  "by": "@org/qa", "location": ".github/phase-mirror.yml:2", "reasonMissing": false})"));
  }
  EXPECT_EQ(a["suppressedCounts"], Json::parse(R"({"inline": 0, "config": 5, "fp-store": 0})"));
  EXPECT_EQ(a["report"]["violationsFound"], 1) << "suppressed findings are not counted";
  EXPECT_NE(
      a["summary"].get<std::string>().find("\nSuppressed: 5 (config 5), listed under suppressed and not counted\n"),
      std::string::npos)
      << a["summary"];
}

TEST_F(Suppress, SeverityOverrideAppliesBeforeTheDecisionAndShowsWhatTheRuleSaid) {
  repo_.write(kCiPath, kTagged);
  repo_.write(kConfigPath, "rules:\n  MD-105:\n    severity: critical\n");
  const Json a = analysis(Json::object());
  ASSERT_EQ(a["findings"].size(), 3u);
  for (const auto& f : a["findings"]) {
    EXPECT_EQ(f["severity"], "critical");
    EXPECT_EQ(f["context"]["severityOverride"],
              Json::parse(R"({"from": "medium", "location": ".github/phase-mirror.yml:2"})"));
  }
  EXPECT_EQ(a["decision"]["outcome"], "block");
  EXPECT_EQ(a["repositoryConfig"]["severityOverrides"], Json::parse(R"({"MD-105": "critical"})"));
  EXPECT_EQ(analysis(Json{{"useConfig", false}})["decision"]["outcome"], "allow");
}

TEST_F(Suppress, InlineIgnoresOnTheLineAboveItAndZizmorsAreHonoured) {
  repo_.write(kCiPath,
              "on: push\n"                                                                                 // 1
              "permissions:\n"                                                                             // 2
              "  contents: read\n"                                                                         // 3
              "jobs:\n"                                                                                    // 4
              "  build:\n"                                                                                 // 5
              "    runs-on: ubuntu-latest\n"                                                               // 6
              "    steps:\n"                                                                               // 7
              "      - uses: octo-org/setup-tool@v1  # phase-mirror: ignore[MD-105] vendored, reviewed\n"  // 8
              "      # phase-mirror: ignore[MD-105] lint is read-only\n"                                   // 9
              "      - uses: octo-org/lint@v2\n"                                                           // 10
              "      # zizmor: ignore[unpinned-uses]\n"                                                    // 11
              "      - uses: other-org/deploy@main\n"                                                      // 12
              "      - uses: other-org/notify@v1 # phase-mirror: ignore[md-105] typo\n"                    // 13
              "      - run: |\n"                                                                           // 14
              "          # phase-mirror: ignore[MD-104] shell, not YAML\n"                                 // 15
              "          echo hi\n");                                                                      // 16
  const Json a = analysis(Json::object());
  EXPECT_EQ(rule_lines(a["findings"]), (std::vector<std::string>{"MD-105@13"})) << "an unknown id ignores nothing";
  ASSERT_EQ(rule_lines(a["suppressed"]), (std::vector<std::string>{"MD-105@8", "MD-105@10", "MD-105@12"}));
  EXPECT_EQ(a["suppressed"][0]["suppression"], Json::parse(R"({"kind": "inline", "reason": "vendored, reviewed",
      "by": ".github/workflows/ci.yml", "location": ".github/workflows/ci.yml:8", "reasonMissing": false})"));
  EXPECT_EQ(a["suppressed"][1]["suppression"], Json::parse(R"({"kind": "inline", "reason": "lint is read-only",
      "by": ".github/workflows/ci.yml", "location": ".github/workflows/ci.yml:9", "reasonMissing": false})"));
  EXPECT_EQ(a["suppressed"][2]["suppression"], Json::parse(R"({"kind": "inline", "reason": "",
      "by": ".github/workflows/ci.yml", "location": ".github/workflows/ci.yml:11", "reasonMissing": true,
      "via": "zizmor:unpinned-uses"})"))
      << "an ignore without a reason works and is flagged";
  EXPECT_EQ(a["ignoreProblems"], Json::parse(R"json([
      {"file": ".github/workflows/ci.yml", "line": 13, "column": 35,
       "message": "'md-105' is not a rule id (did you mean MD-105?)"},
      {"file": ".github/workflows/ci.yml", "line": 15, "column": 11,
       "message": "'phase-mirror: ignore' inside a YAML string (such as a run: script) is not a YAML comment and ignores nothing: put it on the line where the string starts, or above that line"}])json"));
  EXPECT_NE(
      a["summary"].get<std::string>().find("\nIgnore comments that suppress nothing: 2 (listed under ignoreProblems)"),
      std::string::npos);
}

TEST_F(Suppress, AnInvalidConfigFailsTheCallWithEachProblemAndItsLine) {
  repo_.write(kCiPath, kTagged);
  repo_.write(kConfigPath, "persona: expert\nrules:\n  MD-105:\n    ignore:\n      - \"[x\"\n  MD-999: {}\n");
  const Json env = call(Json::object());
  EXPECT_EQ(env["success"], false);
  EXPECT_EQ(env["code"], "INVALID_INPUT");
  EXPECT_EQ(
      env["message"],
      "Invalid repository config .github/phase-mirror.yml (3 errors): /persona (line 1): 'expert' is not a "
      "persona (regular, pedantic or auditor); /rules/MD-105/ignore/0 (line 5): invalid glob '[x': has a '[' "
      "that is not closed within its path segment; /rules/MD-999 (line 6): unknown rule id 'MD-999' (rules: MD-001, "
      "MD-002, MD-003, MD-004, MD-005, MD-101, MD-102, MD-103, MD-104, MD-105, MD-106, MD-107, MD-108, MD-109, "
      "MD-110, MD-111, MD-112, MD-113, MD-114, MD-115, MD-116, MD-117, MD-118, MD-119, MD-120, MD-121, MD-122, MD-123, "
      "MD-124)");
  const Json& details = env["data"]["details"];
  EXPECT_EQ(details["file"], kConfigPath);
  EXPECT_EQ(details["validationErrors"], Json::parse(R"json([
      {"path": "/persona", "message": "'expert' is not a persona (regular, pedantic or auditor)", "keyword": "enum",
       "line": 1, "column": 10},
      {"path": "/rules/MD-105/ignore/0", "message": "invalid glob '[x': has a '[' that is not closed within its path segment",
       "keyword": "pattern", "line": 5, "column": 9},
      {"path": "/rules/MD-999", "message": "unknown rule id 'MD-999' (rules: MD-001, MD-002, MD-003, MD-004, MD-005, MD-101, MD-102, MD-103, MD-104, MD-105, MD-106, MD-107, MD-108, MD-109, MD-110, MD-111, MD-112, MD-113, MD-114, MD-115, MD-116, MD-117, MD-118, MD-119, MD-120, MD-121, MD-122, MD-123, MD-124)",
       "keyword": "propertyNames", "line": 6, "column": 3}])json"));
  EXPECT_EQ(analysis(Json{{"useConfig", false}})["findings"].size(), 3u) << "useConfig false does not read it";

  const Json missing = call(Json{{"configFile", "conf/team.yml"}});
  EXPECT_EQ(missing["code"], "INVALID_INPUT");
  EXPECT_EQ(missing["data"]["details"]["validationErrors"],
            Json::parse(R"([{"path": "/configFile", "message": "no such file in the workspace: conf/team.yml",
                             "keyword": "exists"}])"));
  const Json bad_argument = call(Json{{"minConfidence", "certain"}});
  EXPECT_EQ(bad_argument["code"], "INVALID_INPUT");
  EXPECT_EQ(bad_argument["data"]["details"]["validationErrors"][0]["path"], "/minConfidence");
}

// A string input of a reusable workflow expanded in a script: MD-104 with
// confidence low; a tag-pinned first-party action: MD-105, pedantic; its
// checkout keeps the token on disk: MD-107, pedantic with confidence low.
constexpr const char* kReusable =
    "on:\n"
    "  workflow_call:\n"
    "    inputs:\n"
    "      name:\n"
    "        type: string\n"
    "permissions:\n"
    "  contents: read\n"
    "jobs:\n"
    "  a:\n"
    "    runs-on: ubuntu-latest\n"
    "    steps:\n"
    "      - uses: actions/checkout@v4\n"
    "      - run: echo \"${{ inputs.name }}\"\n";

TEST_F(Suppress, MinConfidenceAndPersonaFromInputElseConfigElseDefault) {
  repo_.write(kCiPath, kReusable);
  const Json regular = analysis(Json::object());
  EXPECT_TRUE(regular["findings"].empty());
  EXPECT_EQ(regular["levels"], Json::parse(R"({"persona": "regular", "minConfidence": "medium",
      "personaFrom": "default", "minConfidenceFrom": "default", "notReported": 3})"));
  EXPECT_NE(regular["summary"].get<std::string>().find(
                "\nNot reported: 3 outside persona regular or below minConfidence medium"),
            std::string::npos);
  EXPECT_EQ(regular["decision"]["outcome"], "allow");

  EXPECT_EQ(rule_lines(analysis(Json{{"minConfidence", "low"}})["findings"]), (std::vector<std::string>{"MD-104@13"}));
  EXPECT_EQ(rule_lines(analysis(Json{{"persona", "pedantic"}})["findings"]), (std::vector<std::string>{"MD-105@12"}));
  const Json auditor = analysis(Json{{"persona", "auditor"}});
  EXPECT_EQ(rule_lines(auditor["findings"]), (std::vector<std::string>{"MD-105@12", "MD-107@12", "MD-104@13"}))
      << "auditor reports everything: every persona and low confidence";
  EXPECT_EQ(auditor["levels"]["notReported"], 0);

  repo_.write(kConfigPath, "persona: pedantic\nmin-confidence: low\n");
  const Json from_config = analysis(Json::object());
  EXPECT_EQ(rule_lines(from_config["findings"]), (std::vector<std::string>{"MD-105@12", "MD-107@12", "MD-104@13"}));
  EXPECT_EQ(from_config["levels"], Json::parse(R"({"persona": "pedantic", "minConfidence": "low",
      "personaFrom": "config", "minConfidenceFrom": "config", "notReported": 0})"));
  const Json input_first = analysis(Json{{"persona", "regular"}, {"minConfidence", "high"}});
  EXPECT_TRUE(input_first["findings"].empty());
  EXPECT_EQ(input_first["levels"]["personaFrom"], "input");
  EXPECT_EQ(input_first["levels"]["minConfidenceFrom"], "input");
}

TEST_F(Suppress, ASuppressedBlockingFindingPassesAndStaysVisible) {
  repo_.write(kCiPath, kBlocking);
  const Json before = analysis(Json::object());
  ASSERT_EQ(rule_lines(before["findings"]), (std::vector<std::string>{"MD-103@10"}));
  EXPECT_EQ(before["decision"]["outcome"], "block");

  repo_.write(kCiPath, std::string(kBlocking) + "  # phase-mirror: ignore[MD-103] checks out only to label\n");
  const Json env = call(Json::object());
  EXPECT_EQ(env["decision"], "pass");
  const Json& a = env["data"]["analysis"];
  EXPECT_TRUE(a["findings"].empty());
  EXPECT_EQ(a["decision"]["outcome"], "allow");
  EXPECT_EQ(a["decision"]["reasons"], Json::array({"No violations detected"}));
  EXPECT_EQ(a["report"]["violationsFound"], 0);
  ASSERT_EQ(rule_lines(a["suppressed"]), (std::vector<std::string>{"MD-103@10"}));
  EXPECT_EQ(a["suppressed"][0]["severity"], "critical");
  EXPECT_EQ(a["suppressed"][0]["suppression"]["reason"], "checks out only to label");
  EXPECT_EQ(a["suppressedCounts"]["inline"], 1);
}

TEST_F(Suppress, Md105ReadsItsPinPoliciesFromTheConfig) {
  repo_.write(kCiPath,
              "on: push\n"                              // 1
              "permissions:\n"                          // 2
              "  contents: read\n"                      // 3
              "jobs:\n"                                 // 4
              "  build:\n"                              // 5
              "    runs-on: ubuntu-latest\n"            // 6
              "    steps:\n"                            // 7
              "      - uses: octo-org/setup-tool@v1\n"  // 8
              "      - uses: actions/checkout@v4\n"     // 9
              "      - uses: other-org/deploy@main\n"   // 10
              "      - uses: actions/cache@v4\n"        // 11
              "      - uses: octo-org/nothing\n");      // 12
  EXPECT_EQ(rule_lines(analysis(Json::object())["findings"]),
            (std::vector<std::string>{"MD-105@8", "MD-105@10", "MD-105@12"}))
      << "without policies: first-party tags are pedantic";

  repo_.write(kConfigPath,
              "rules:\n"
              "  MD-105:\n"
              "    config:\n"
              "      policies:\n"
              "        \"octo-org/*\": ref-pin\n"     // 5
              "        actions/checkout: hash-pin\n"  // 6
              "        \"other-org/deploy@main\": any\n");
  const Json a = analysis(Json::object());
  EXPECT_EQ(rule_lines(a["findings"]), (std::vector<std::string>{"MD-105@9", "MD-105@12"}))
      << "ref-pin and any accept a ref; hash-pin asks a SHA of first-party actions too; a missing ref is reported "
         "whatever the policy; a reference no policy matches keeps the rule's defaults";
  const Json& checkout = a["findings"][0];
  EXPECT_EQ(checkout["severity"], "medium");
  EXPECT_FALSE(checkout.contains("persona")) << "regular";
  EXPECT_EQ(checkout["message"],
            "action `actions/checkout` is pinned to `v4`, not to a commit SHA, which the pin policy "
            "`actions/checkout: hash-pin` of .github/phase-mirror.yml asks for");
  EXPECT_EQ(checkout["context"]["policy"], Json::parse(R"({"pattern": "actions/checkout", "policy": "hash-pin",
      "location": ".github/phase-mirror.yml:6"})"));
  EXPECT_EQ(a["findings"][1]["context"]["policy"]["policy"], "ref-pin");
}

TEST_F(Suppress, ScanAppliesTheSameConfigAndShowsSuppressionsInSarif) {
  repo_.write(kCiPath,
              "on: push\n"
              "permissions:\n"
              "  contents: read\n"
              "jobs:\n"
              "  build:\n"
              "    runs-on: ubuntu-latest\n"
              "    steps:\n"
              "      - uses: octo-org/setup-tool@v1  # phase-mirror: ignore[MD-105] vendored, reviewed\n"
              "      - uses: octo-org/lint@v2\n"
              "      - uses: other-org/deploy@main\n");
  repo_.write("conf/team.yml", "rules:\n  MD-105:\n    by: \"@org/platform\"\n    ignore:\n      - ci.yml:9\n");

  // The tool and scan with the same config: the same findings and suppressions.
  const Json tool = analysis(Json{{"configFile", "conf/team.yml"}, {"maxFindings", 0}});
  auto json = scan({"--json", "--config", "conf/team.yml"});
  ASSERT_EQ(json.exit_code, 1) << json.err;
  const Json doc = Json::parse(json.out);
  EXPECT_EQ(rule_lines(doc["findings"]), rule_lines(tool["findings"]));
  EXPECT_EQ(rule_lines(doc["suppressed"]), rule_lines(tool["suppressed"]));
  ASSERT_EQ(rule_lines(doc["suppressed"]), (std::vector<std::string>{"MD-105@8", "MD-105@9"}));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(doc["suppressed"][i]["suppression"], tool["suppressed"][i]["suppression"]);
  }

  auto plain = scan({"--config", "conf/team.yml"});
  EXPECT_NE(plain.out.find("suppressed: .github/workflows/ci.yml:8:15 MD-105 (inline .github/workflows/ci.yml:8: "
                           "vendored, reviewed)"),
            std::string::npos)
      << plain.out;
  EXPECT_NE(plain.out.find("suppressed: .github/workflows/ci.yml:9:15 MD-105 (config conf/team.yml:5 by "
                           "@org/platform, no reason given)"),
            std::string::npos)
      << plain.out;

  auto sarif = scan({"--format", "sarif", "--config", "conf/team.yml"});
  const Json results = Json::parse(sarif.out)["runs"][0]["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_FALSE(results[0].contains("suppressions")) << results[0].dump(2);
  EXPECT_EQ(results[1]["suppressions"], Json::parse(R"([{"kind": "inSource", "status": "accepted",
      "justification": "vendored, reviewed", "properties": {"kind": "inline", "by": ".github/workflows/ci.yml",
      "location": ".github/workflows/ci.yml:8"}}])"));
  EXPECT_EQ(results[2]["suppressions"], Json::parse(R"([{"kind": "external", "status": "accepted",
      "properties": {"kind": "config", "by": "@org/platform", "location": "conf/team.yml:5",
      "reasonMissing": true}}])"));

  // --no-config: the default config is not read; inline ignores still apply.
  repo_.write(kConfigPath, "rules:\n  MD-105:\n    disable: true\n");
  EXPECT_EQ(scan({}).exit_code, 0) << "the default config disables MD-105";
  auto no_config = scan({"--json", "--no-config"});
  EXPECT_EQ(no_config.exit_code, 1);
  const Json nc = Json::parse(no_config.out);
  EXPECT_EQ(rule_lines(nc["findings"]), (std::vector<std::string>{"MD-105@9", "MD-105@10"}));
  EXPECT_EQ(rule_lines(nc["suppressed"]), (std::vector<std::string>{"MD-105@8"}));

  repo_.write(kConfigPath, "persona: expert\n");
  auto invalid = scan({});
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("INVALID_INPUT: Invalid repository config .github/phase-mirror.yml (1 error): /persona "
                             "(line 1): 'expert' is not a persona (regular, pedantic or auditor)"),
            std::string::npos)
      << invalid.err;
}

}  // namespace
}  // namespace pm::test
