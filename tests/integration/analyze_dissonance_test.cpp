// analyze_dissonance through the real binary over stdio, on a temporary
// workspace: findings with file:line, decisions local and cloud, per-file
// errors, hostile inputs (escapes, huge, binary, YAML bomb) and progress.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/hostile_inputs.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

const char* kRiskyWorkflow = R"(name: triage
on: [push, pull_request_target]
permissions: write-all
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Say hello
        run: |
          echo "Thanks for the PR"
          echo "${{ github.event.pull_request.title }}"
)";

const char* kCleanWorkflow = R"(name: ci
on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: make test
)";

std::vector<std::string> env_for(const TempDir& dir) {
  return {"PHASE_MIRROR_WORKSPACE=" + dir.path(), "PHASE_MIRROR_DATA_DIR=" + dir.path() + "/.data"};
}

const Json* find_rule(const Json& findings, const std::string& rule) {
  for (const auto& f : findings) {
    if (f["ruleId"] == rule) return &f;
  }
  return nullptr;
}

TEST(AnalyzeDissonance, RealisticWorkflowGivesFindingsWithFileAndLine) {
  TempDir dir;
  dir.write(".github/workflows/triage.yml", kRiskyWorkflow);
  ServerProcess p({}, env_for(dir));
  p.initialize();
  const Json env = envelope(p.call("analyze_dissonance", {{"files", {".github/workflows/triage.yml"}}}));
  ASSERT_EQ(env["success"], true) << env.dump(2);
  const Json& a = env["data"]["analysis"];
  EXPECT_EQ(a["mode"], "issue");
  EXPECT_EQ(a["filesAnalyzed"], 1);
  EXPECT_EQ(a["files"][0]["type"], "workflow");
  EXPECT_EQ(a["files"][0]["hash"].get<std::string>().size(), 64u);
  const Json* inj = find_rule(a["findings"], "MD-104");
  ASSERT_NE(inj, nullptr) << a.dump(2);
  EXPECT_EQ((*inj)["file"], ".github/workflows/triage.yml");
  EXPECT_EQ((*inj)["line"], 12);
  EXPECT_EQ((*inj)["findingId"].get<std::string>().size(), 32u);
  const Json* perms = find_rule(a["findings"], "MD-101");
  ASSERT_NE(perms, nullptr);
  EXPECT_EQ((*perms)["line"], 3);
  // The engine blocks; on a local machine the envelope is advisory (warn + degraded).
  EXPECT_EQ(a["decision"]["outcome"], "block");
  EXPECT_EQ(a["decision"]["metadata"]["mode"], "pull_request");
  EXPECT_EQ(env["decision"], "warn");
  EXPECT_EQ(env["degradedMode"], true);
  EXPECT_NE(a["summary"].get<std::string>().find("Decision: BLOCK"), std::string::npos);
  EXPECT_EQ(a["report"]["violationsFound"], a["findings"].size());
  EXPECT_TRUE(a["fileErrors"].empty());
  EXPECT_TRUE(a["suppressed"].is_array());
}

TEST(AnalyzeDissonance, MaxFindingsListsTheMostSevereAndCountsEveryFinding) {
  // 60 jobs with an expression injection (high) and an unpinned third-party
  // action (medium) each, and write-all on an outsider trigger (critical).
  std::string wf = "on: issue_comment\npermissions: write-all\njobs:\n";
  for (int i = 0; i < 60; ++i) {
    wf += "  j" + std::to_string(i) +
          ":\n    runs-on: x\n    steps:\n      - uses: someorg/action@v1\n"
          "      - run: echo \"${{ github.event.pull_request.title }}\"\n";
  }
  TempDir dir;
  dir.write(".github/workflows/many.yml", wf);
  ServerProcess p({}, env_for(dir));
  p.initialize();
  const Json files = {".github/workflows/many.yml"};

  const Json all =
      envelope(p.call("analyze_dissonance", {{"files", files}, {"maxFindings", 0}}, 2))["data"]["analysis"];
  const std::size_t total = all["findings"].size();
  ASSERT_EQ(total, 121u) << all["report"].dump();  // 1 critical, 60 high, 60 medium
  EXPECT_EQ(all["findingsTotal"], total);
  EXPECT_EQ(all["findingsTruncated"], false);

  const Json a = envelope(p.call("analyze_dissonance", {{"files", files}}, 3))["data"]["analysis"];
  // The default the schema announces is the one applied.
  const Json tools = p.request("tools/list", Json::object(), 6)["result"]["tools"];
  Json announced;
  for (const auto& t : tools) {
    if (t["name"] == "analyze_dissonance") announced = t["inputSchema"]["properties"]["maxFindings"]["default"];
  }
  ASSERT_EQ(announced, 50);
  ASSERT_EQ(a["findings"].size(), 50u);
  EXPECT_EQ(a["findingsTotal"], total);
  EXPECT_EQ(a["findingsTruncated"], true);
  // The verdict and the counters are those of every finding.
  EXPECT_EQ(a["decision"]["outcome"], all["decision"]["outcome"]);
  EXPECT_EQ(a["decision"]["reasons"], all["decision"]["reasons"]);
  EXPECT_EQ(a["report"], all["report"]);
  EXPECT_EQ(a["report"]["violationsFound"], total);
  // The most severe are listed, in file and line order: the critical one, then highs.
  EXPECT_EQ(a["findings"][0]["severity"], "critical");
  int last_line = 0;
  for (const auto& f : a["findings"]) {
    EXPECT_NE(f["severity"], "medium") << f.dump();
    EXPECT_GE(f["line"].get<int>(), last_line);
    last_line = f["line"].get<int>();
  }
  const std::string summary = a["summary"].get<std::string>();
  EXPECT_NE(summary.find("... and " + std::to_string(total - 50) + " more findings not listed (maxFindings"),
            std::string::npos)
      << summary;
  EXPECT_EQ(all["summary"].get<std::string>().find("not listed"), std::string::npos);

  const Json three = envelope(p.call("analyze_dissonance", {{"files", files}, {"maxFindings", 3}}, 4));
  EXPECT_EQ(three["data"]["analysis"]["findings"].size(), 3u);

  const Json bad = p.call("analyze_dissonance", {{"files", files}, {"maxFindings", -1}}, 5);
  EXPECT_TRUE(bad["result"].value("isError", false)) << bad.dump(2);
}

TEST(AnalyzeDissonance, CleanWorkflowPasses) {
  TempDir dir;
  dir.write(".github/workflows/ci.yml", kCleanWorkflow);
  ServerProcess p({}, env_for(dir));
  p.initialize();
  const Json env = envelope(p.call("analyze_dissonance", {{"files", {".github/workflows/ci.yml"}}}));
  const Json& a = env["data"]["analysis"];
  EXPECT_TRUE(a["findings"].empty()) << a.dump(2);
  EXPECT_EQ(a["decision"]["outcome"], "allow");
  EXPECT_EQ(a["decision"]["reasons"], Json{"No violations detected"});
  EXPECT_EQ(env["decision"], "pass");
}

TEST(AnalyzeDissonance, CloudEnvironmentBlocks) {
  TempDir dir;
  dir.write(".github/workflows/triage.yml", kRiskyWorkflow);
  auto env = env_for(dir);
  // Cloud mode; the tables are unreachable (closed loopback port), which may
  // only degrade the store's part of the answer, never the block itself.
  env.insert(env.end(), {"FP_TABLE_NAME=fp", "CONSENT_TABLE_NAME=consent", "AWS_ENDPOINT_URL=http://127.0.0.1:9",
                         "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_REGION=us-east-1"});
  ServerProcess p({}, env);
  p.initialize();
  const Json e = envelope(p.call("analyze_dissonance", {{"files", {".github/workflows/triage.yml"}},
                                                        {"mode", "pull_request"},
                                                        {"strict", true},
                                                        {"author", "octocat"},
                                                        {"commitSha", "0123abc"}}));
  EXPECT_EQ(e["environment"], "cloud");
  EXPECT_EQ(e["data"]["analysis"]["decision"]["outcome"], "block") << e.dump(2);
  EXPECT_EQ(e["decision"], "block");
  // The findings could not be checked against reviewed false positives: the answer says so.
  EXPECT_EQ(e["degradedMode"], true);
  EXPECT_EQ(e["data"]["analysis"]["degradedMode"], true);
  const std::string why = e["data"]["analysis"].value("degradedReason", "");
  EXPECT_NE(why.find("_unavailable: "), std::string::npos) << why;
  EXPECT_EQ(why.find("127.0.0.1"), std::string::npos) << why;  // a reason, not a connection detail
}

TEST(AnalyzeDissonance, PerFileErrorsHostileFilesAndBinary) {
  TempDir dir;
  dir.write(".github/workflows/ci.yml", kCleanWorkflow);
  dir.write("logo.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  {
    const std::string big = dir.write("big.log", "x");
    ASSERT_EQ(::truncate(big.c_str(), 50LL * 1024 * 1024), 0);  // sparse 50 MB
  }
  ServerProcess p({}, env_for(dir));
  p.initialize();
  const Json env = envelope(
      p.call("analyze_dissonance",
             {{"files", {".github/workflows/ci.yml", "../../etc/passwd", "big.log", "logo.png", "gone.txt"}}}));
  ASSERT_EQ(env["success"], true) << env.dump(2);
  const Json& a = env["data"]["analysis"];
  ASSERT_EQ(a["fileErrors"].size(), 3u) << a.dump(2);
  EXPECT_EQ(a["fileErrors"][0], (Json{{"path", "../../etc/passwd"},
                                      {"code", "PATH_OUTSIDE_WORKSPACE"},
                                      {"message", a["fileErrors"][0]["message"]}}));
  EXPECT_EQ(a["fileErrors"][1]["code"], "FILE_TOO_LARGE");
  EXPECT_EQ(a["fileErrors"][2]["code"], "FILE_NOT_FOUND");
  EXPECT_EQ(a["binaryFiles"], Json{"logo.png"});
  EXPECT_EQ(a["filesAnalyzed"], 2);
  EXPECT_EQ(a["decision"]["outcome"], "warn");  // never a pass with unread files
  EXPECT_EQ(env["decision"], "warn");

  const Json none = envelope(p.call("analyze_dissonance", {{"files", {"../../etc/passwd"}}}));
  EXPECT_EQ(none["success"], false);
  EXPECT_EQ(none["code"], "PATH_OUTSIDE_WORKSPACE");
  const Json missing = envelope(p.call("analyze_dissonance", {{"files", {"a.txt", "b.txt"}}}));
  EXPECT_EQ(missing["code"], "FILE_NOT_FOUND");
  const Json empty = p.call("analyze_dissonance", {{"files", Json::array()}});
  EXPECT_EQ(empty["result"]["isError"], true);
  EXPECT_EQ(envelope(empty)["code"], "INVALID_INPUT");
}

TEST(AnalyzeDissonance, YamlBombIsAFindingNotAHang) {
  TempDir dir;
  const std::string bomb = hostile::yaml_alias_bomb();
  dir.write(".github/workflows/bomb.yml", bomb);
  ServerProcess p({}, env_for(dir));
  p.initialize();
  const Json r = p.call("analyze_dissonance", {{"files", {".github/workflows/bomb.yml"}}});
  const Json a = envelope(r)["data"]["analysis"];
  const Json* f = find_rule(a["findings"], "MD-000");
  ASSERT_NE(f, nullptr) << a.dump(2);
  EXPECT_EQ((*f)["severity"], "high");
  EXPECT_EQ((*f)["file"], ".github/workflows/bomb.yml");
  EXPECT_GE((*f)["line"].get<int>(), 1);
}

TEST(AnalyzeDissonance, ProgressNotificationPerFile) {
  TempDir dir;
  Json files = Json::array();
  for (int i = 0; i < 20; ++i) {
    const std::string rel = "src/f" + std::to_string(i) + ".txt";
    dir.write(rel, "content " + std::to_string(i) + "\n");
    files.push_back(rel);
  }
  ServerProcess p({}, env_for(dir));
  p.initialize();
  const Json r = p.request(
      "tools/call",
      {{"name", "analyze_dissonance"}, {"arguments", {{"files", files}}}, {"_meta", {{"progressToken", "tok-1"}}}}, 77);
  EXPECT_EQ(envelope(r)["data"]["analysis"]["filesAnalyzed"], 20);
  std::vector<double> seen;
  for (const auto& line : p.stdout_lines()) {
    const Json m = Json::parse(line);
    if (m.value("method", "") == "notifications/progress" && m["params"]["progressToken"] == "tok-1") {
      seen.push_back(m["params"]["progress"].get<double>());
      EXPECT_EQ(m["params"]["total"], 20);
    }
  }
  ASSERT_EQ(seen.size(), 20u);
  EXPECT_EQ(seen.front(), 1);
  EXPECT_EQ(seen.back(), 20);
}

TEST(AnalyzeDissonance, MergeGroupWithPolicyAndProtectionSnapshot) {
  TempDir dir;
  dir.write(".github/workflows/ci.yml", kCleanWorkflow);
  dir.write(".github/.phase-mirror/policy.json",
            R"({"schemaVersion":"1.0.0","mergeQueue":{"requireLinearHistory":true}})");
  dir.write("protection.json", R"({"url":"https://api.github.com/x","enforce_admins":{"enabled":false},
    "required_status_checks":{"strict":false,"contexts":["test","security-scan"]}})");
  ServerProcess p({}, env_for(dir));
  p.initialize();
  const Json e = envelope(p.call(
      "analyze_dissonance",
      {{"files", {".github/workflows/ci.yml"}}, {"mode", "merge_group"}, {"branchProtectionFile", "protection.json"}}));
  const Json& a = e["data"]["analysis"];
  std::vector<std::string> got;
  for (const auto& f : a["findings"]) {
    const Json ctx = f.value("context", Json::object());
    got.push_back(f["ruleId"].get<std::string>() + ":" + ctx.value("check", f["evidence"].get<std::string>()));
  }
  EXPECT_EQ(got,
            (std::vector<std::string>{"MD-001:required_status_checks.strict: false", "MD-102:admin-bypass",
                                      "MD-102:direct-push", "MD-102:linear-history", "MD-102:orphaned-status-checks"}))
      << a.dump(2);
  const Json bad = envelope(
      p.call("analyze_dissonance", {{"files", {".github/workflows/ci.yml"}}, {"policyFile", "protection.json"}}));
  EXPECT_EQ(bad["code"], "INVALID_INPUT");
  EXPECT_NE(bad["message"].get<std::string>().find("schemaVersion"), std::string::npos);
}

TEST(AnalyzeDissonance, BaselineCommandAndDriftMode) {
  TempDir dir;
  dir.write(".github/workflows/ci.yml", kCleanWorkflow);
  const std::string cmd = "cd '" + dir.path() + "' && PHASE_MIRROR_WORKSPACE='" + dir.path() + "' '" +
                          PM_SERVER_BINARY +
                          "' baseline create --out baseline.json .github/workflows/ci.yml >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  dir.write(".github/workflows/ci.yml", std::string(kCleanWorkflow) + "# changed\n");
  ServerProcess p({}, env_for(dir));
  p.initialize();
  const Json a = envelope(p.call("analyze_dissonance", {{"files", {".github/workflows/ci.yml"}},
                                                        {"mode", "drift"},
                                                        {"baselineFile", "baseline.json"}}))["data"]["analysis"];
  const Json* f = find_rule(a["findings"], "MD-005");
  ASSERT_NE(f, nullptr) << a.dump(2);
  EXPECT_EQ((*f)["severity"], "medium");
  EXPECT_EQ((*f)["context"]["change"], "modified");
}

// A JSON file nested past the parser's limit is refused as such, not as "not valid JSON";
// one within the limit gets to the checks of its content.
TEST(AnalyzeDissonance, JsonFilesNestedPastTheLimitSaySo) {
  TempDir dir;
  dir.write(".github/workflows/ci.yml", kCleanWorkflow);
  const auto nested = [](std::size_t depth) {
    return "{\"x\": " + std::string(depth, '[') + std::string(depth, ']') + "}";
  };
  dir.write("deep.json", nested(600));
  dir.write("within.json", nested(500));
  dir.write("latin1.json", "{\"x\": \"caf\xe9\"}");
  ServerProcess p({}, env_for(dir));
  p.initialize();
  const std::string limit = ": nests arrays/objects deeper than the limit of 512 levels";
  const std::vector<std::pair<Json, std::string>> cases = {
      {{{"policyFile", "deep.json"}}, "Invalid policy file deep.json" + limit},
      {{{"mode", "merge_group"}, {"branchProtectionFile", "deep.json"}},
       "Invalid branch protection snapshot deep.json" + limit},
      {{{"mode", "drift"}, {"baselineFile", "deep.json"}}, "Invalid baseline file deep.json" + limit},
      {{{"policyFile", "latin1.json"}}, "Invalid policy file latin1.json: is not UTF-8 text"},
  };
  for (const auto& [extra, message] : cases) {
    Json args = extra;
    args["files"] = {".github/workflows/ci.yml"};
    const Json e = envelope(p.call("analyze_dissonance", args));
    EXPECT_EQ(e["code"], "INVALID_INPUT") << dump_line(e);
    EXPECT_EQ(e["message"], message) << dump_line(e);
  }
  const Json within =
      envelope(p.call("analyze_dissonance", {{"files", {".github/workflows/ci.yml"}}, {"policyFile", "within.json"}}));
  EXPECT_EQ(within["code"], "INVALID_INPUT");
  EXPECT_EQ(within["message"].get<std::string>().find("nests"), std::string::npos) << dump_line(within);
  EXPECT_EQ(within["message"].get<std::string>().find("not valid JSON"), std::string::npos) << dump_line(within);
  // The server goes on answering.
  EXPECT_EQ(p.request("ping", nullptr, "after")["result"], Json::object());
}

}  // namespace
}  // namespace pm::test
