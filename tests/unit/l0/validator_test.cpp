// Loading (real files in a temporary workspace, the real workflow parser),
// evaluation and the rendered payload.
#include "l0/validator.hpp"

#include <gtest/gtest.h>

#include "support/server_process.hpp"
#include "util/crypto.hpp"

namespace pm::l0 {
namespace {

constexpr std::int64_t kNow = 1795594633344;  // 2026-11-25T08:17:13.344Z

class L0Validator : public ::testing::Test {
 protected:
  test::TempDir dir;
  engine::Policy policy;
  WitnessCountProvider provider;

  Result<Inputs> load_args(const Json& args) {
    auto req = parse_request(args);
    if (!req) return req.take_error();
    engine::Workspace ws({dir.path()}, 1 << 20);
    return load(*req, LoadEnv{ws, policy, provider, kNow});
  }

  // Loads, evaluates and renders; fails the test on a load error.
  Json run(const Json& args, std::string* decision_out = nullptr) {
    auto in = load_args(args);
    EXPECT_TRUE(in.ok()) << (in.ok() ? "" : in.error().code + ": " + in.error().message);
    if (!in.ok()) return Json::object();
    const Evaluation ev = evaluate(*in);
    if (decision_out) *decision_out = decision(*in, ev);
    return render(*in, ev);
  }
};

const char* kWriteWorkflow =
    "name: ci\n"
    "on: push\n"
    "permissions:\n"
    "  contents: write\n"
    "  pull-requests: read\n"
    "jobs:\n"
    "  build:\n"
    "    runs-on: ubuntu-latest\n"
    "    permissions:\n"
    "      issues: write\n"
    "    steps:\n"
    "      - run: echo hi\n";

TEST_F(L0Validator, SchemaHashPassesWithRealDigest) {
  const std::string content = R"({"version":"1.0","type":"test"})";
  dir.write("schema.json", content);
  const Json p = run(Json{{"schemaFile", "schema.json"}, {"expectedSchemaHash", sha256_hex(content).substr(0, 8)}});
  const Json& r = p["validation"]["results"][0];
  EXPECT_EQ(r["invariantId"], "L0-001");
  EXPECT_EQ(r["passed"], true);
  EXPECT_EQ(r["evidence"]["actual"], sha256_hex(content));
  EXPECT_EQ(r["evidence"]["schemaLength"], content.size());
  EXPECT_FALSE(r.contains("severity"));
}

TEST_F(L0Validator, SchemaHashMismatchShowsExpectedAndActual) {
  const std::string content = "{}";
  dir.write("schema.json", content);
  const Json p = run(Json{{"schemaFile", "schema.json"}, {"expectedSchemaHash", "DEADBEEF"}});
  const Json& r = p["validation"]["results"][0];
  EXPECT_EQ(r["passed"], false);
  EXPECT_EQ(r["severity"], "critical");
  const std::string msg = r["message"];
  EXPECT_NE(msg.find("expected DEADBEEF"), std::string::npos) << msg;
  EXPECT_NE(msg.find("actual " + sha256_hex(content).substr(0, 8)), std::string::npos) << msg;
}

TEST_F(L0Validator, MissingSchemaFileIsFileNotFoundNamingThePath) {
  auto in = load_args(Json{{"schemaFile", "nope/schema.json"}, {"expectedSchemaHash", "deadbeef"}});
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().code, code::kFileNotFound);
  EXPECT_NE(in.error().message.find("nope/schema.json"), std::string::npos);
}

TEST_F(L0Validator, WorkflowOutsideWorkspaceIsRefused) {
  auto in = load_args(Json{{"workflowFiles", {"../../etc/passwd"}}});
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().code, code::kPathOutsideWorkspace);
}

TEST_F(L0Validator, EveryWriteScopeIsReportedWithFileAndLine) {
  dir.write(".github/workflows/ci.yml", kWriteWorkflow);
  std::string d;
  const Json p = run(Json{{"workflowFiles", {".github/workflows/ci.yml"}}}, &d);
  EXPECT_EQ(d, "block");
  const Json& r = p["validation"]["results"][0];
  EXPECT_EQ(r["invariantId"], "L0-002");
  EXPECT_EQ(r["passed"], false);
  EXPECT_EQ(r["evidence"]["violations"], Json::parse(R"(["contents: write","issues: write"])"));
  const Json& locs = r["evidence"]["locations"];
  ASSERT_EQ(locs.size(), 2u);
  EXPECT_EQ(locs[0]["location"], ".github/workflows/ci.yml:4");
  EXPECT_EQ(locs[0]["level"], "workflow");
  EXPECT_EQ(locs[1]["location"], ".github/workflows/ci.yml:10");
  EXPECT_EQ(locs[1]["job"], "build");
  const std::string msg = r["message"];
  EXPECT_NE(msg.find("contents: write at .github/workflows/ci.yml:4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("issues: write at .github/workflows/ci.yml:10 (job build)"), std::string::npos) << msg;
}

TEST_F(L0Validator, PolicyCeilingAllowsAWriteScope) {
  dir.write("wf.yml", kWriteWorkflow);
  policy.loaded = true;
  policy.path = ".github/.phase-mirror/policy.json";
  policy.workflow_permissions = {{"contents", "write"}};
  const Json p = run(Json{{"workflowFiles", {"wf.yml"}}});
  const Json& r = p["validation"]["results"][0];
  EXPECT_EQ(r["evidence"]["violations"], Json::parse(R"(["issues: write"])"));
  EXPECT_EQ(r["evidence"]["policy"], ".github/.phase-mirror/policy.json");
}

TEST_F(L0Validator, WriteAllAtJobLevelOnly) {
  dir.write("wf.yml",
            "on: push\npermissions: read-all\njobs:\n  a:\n    runs-on: x\n    steps: []\n  b:\n    runs-on: x\n"
            "    permissions: write-all\n    steps: []\n");
  const Json r = run(Json{{"workflowFiles", {"wf.yml"}}})["validation"]["results"][0];
  EXPECT_EQ(r["passed"], false);
  EXPECT_EQ(r["evidence"]["violations"], Json::parse(R"(["permissions: write-all"])"));
  EXPECT_EQ(r["evidence"]["locations"][0]["location"], "wf.yml:9");
  EXPECT_EQ(r["evidence"]["locations"][0]["job"], "b");
}

TEST_F(L0Validator, EmptyPermissionsAndReadAllPass) {
  dir.write("a.yml", "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps: []\n");
  dir.write("b.yml", "on: push\npermissions: read-all\njobs:\n  a:\n    runs-on: x\n    steps: []\n");
  std::string d;
  const Json v = run(Json{{"workflowFiles", {"a.yml", "b.yml"}}}, &d)["validation"];
  EXPECT_EQ(v["checksRun"], 2);
  EXPECT_EQ(v["allPassed"], true);
  EXPECT_EQ(v["results"][0]["message"], "Workflow a.yml follows least privilege");
  EXPECT_EQ(d, "pass");
}

TEST_F(L0Validator, UnparseableWorkflowFailsWithParserLine) {
  dir.write("bad.yml", "on: push\njobs:\n  a:\n    steps: [unclosed\n");
  const Json r = run(Json{{"workflowFiles", {"bad.yml"}}})["validation"]["results"][0];
  EXPECT_EQ(r["passed"], false);
  ASSERT_TRUE(r["evidence"].contains("parseError"));
  EXPECT_GT(r["evidence"]["parseError"]["line"].get<int>(), 0);
  const std::string msg = r["message"];
  EXPECT_NE(msg.find("is not valid YAML (bad.yml:"), std::string::npos) << msg;
}

TEST_F(L0Validator, FilesFormChecksOnlyWorkflowsAndListsUnreadableFiles) {
  dir.write(".github/workflows/ci.yml", kWriteWorkflow);
  dir.write("src/main.cpp", "int main() {}\n");
  std::string d;
  const Json p =
      run(Json{{"files", {".github/workflows/ci.yml", "src/main.cpp", "missing.txt"}}, {"context", "o/r"}}, &d);
  EXPECT_EQ(p["validation"]["checksRun"], 1);
  EXPECT_EQ(p["validation"]["results"][0]["invariantId"], "L0-002");
  EXPECT_EQ(p["fileErrors"], Json::parse(R"([{"path":"missing.txt","code":"FILE_NOT_FOUND"}])"));
  EXPECT_EQ(d, "block");
}

TEST_F(L0Validator, FilesFormWithoutWorkflowsRunsNothingAndSaysWhatIsNeeded) {
  dir.write("README.md", "# hi\n");
  std::string d;
  const Json v = run(Json{{"files", {"README.md"}}, {"context", "x"}}, &d)["validation"];
  EXPECT_EQ(v["checksRun"], 0);
  EXPECT_EQ(v["allPassed"], true);
  const std::string rec = v["recommendations"][0];
  EXPECT_NE(rec.find("L0-001 schema_hash needs schemaFile and expectedSchemaHash"), std::string::npos) << rec;
  EXPECT_NE(rec.find("L0-004 nonce_freshness needs nonceValidation"), std::string::npos) << rec;
  EXPECT_EQ(d, "pass");
}

TEST_F(L0Validator, FilesThatAllFailToReadIsFileNotFound) {
  auto in = load_args(Json{{"files", {"gone.yml"}}});
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().code, code::kFileNotFound);
  EXPECT_NE(in.error().message.find("gone.yml"), std::string::npos);
}

TEST_F(L0Validator, FileErrorsAloneMakeAWarn) {
  std::string d;
  const Json p = run(Json{{"files", {"gone.txt"}}, {"driftCheck", {{"currentValue", 1}, {"baselineValue", 1}}}}, &d);
  EXPECT_EQ(p["validation"]["allPassed"], true);
  EXPECT_EQ(d, "warn");
}

TEST_F(L0Validator, DriftMessagesAndEvidenceFollowTheReference) {
  const Json r = run(Json::parse(
      R"({"driftCheck":{"currentMetric":{"name":"v","value":200},"baselineMetric":{"name":"v","value":100},"threshold":0.5}})"))
      ["validation"]["results"][0];
  EXPECT_EQ(r["message"], "Drift 100.0% exceeds threshold 50.0%");
  EXPECT_EQ(r["severity"], "high");
  EXPECT_EQ(r["evidence"]["drift"], 1.0);
  EXPECT_EQ(r["evidence"]["current"], Json::parse(R"({"name":"v","value":200})"));
}

TEST_F(L0Validator, DriftFromZeroBaselineSaysSo) {
  const Json r = run(Json::parse(R"({"driftCheck":{"currentValue":3,"baselineValue":0}})"))["validation"]["results"][0];
  EXPECT_EQ(r["passed"], false);
  EXPECT_TRUE(r["evidence"]["drift"].is_null());
  const std::string msg = r["message"];
  EXPECT_NE(msg.find("baseline is 0 and current is 3 ("), std::string::npos) << msg;
}

TEST_F(L0Validator, NonceExpiredAndFutureMessages) {
  const Json expired = run(Json::parse(
      R"({"nonceValidation":{"nonce":"n1","timestamp":"2026-11-25T06:17:13.344Z"}})"))["validation"]["results"][0];
  EXPECT_EQ(expired["message"], "Nonce expired (age: 7200.0s, max: 3600s)");
  EXPECT_EQ(expired["evidence"]["nonce"], "n1");
  const Json future = run(Json::parse(
      R"({"nonceValidation":{"nonce":"n1","timestamp":"2026-11-25T08:17:14.344Z"}})"))["validation"]["results"][0];
  EXPECT_EQ(future["passed"], false);
  EXPECT_EQ(future["message"].get<std::string>().rfind("Nonce timestamp is in the future", 0), 0u);
}

TEST_F(L0Validator, MalformedNonceTimestampFailsInsteadOfThrowing) {
  const Json r =
      run(Json::parse(R"({"nonceValidation":{"nonce":"n1","timestamp":"yesterday"}})"))["validation"]["results"][0];
  EXPECT_EQ(r["passed"], false);
  EXPECT_EQ(r["message"], "Nonce timestamp is not a valid date-time: yesterday");
}

TEST_F(L0Validator, ContractionUsesProviderCountWhenOrgAndRuleGiven) {
  std::string seen;
  provider = [&seen](const std::string& org, const std::string& rule) -> Result<long long> {
    seen = org + "/" + rule;
    return 12LL;
  };
  const Json r = run(Json::parse(
      R"({"orgId":"acme","ruleId":"MD-101","contractionCheck":{"previousFPR":0.15,"currentFPR":0.10,"witnessEventCount":1}})"))
      ["validation"]["results"][0];
  EXPECT_EQ(seen, "acme/MD-101");
  EXPECT_EQ(r["passed"], true);
  EXPECT_EQ(r["message"], "FPR decrease validated with 12 reviewed events");
  EXPECT_EQ(r["evidence"]["eventSource"], "fpStore");
}

TEST_F(L0Validator, ContractionFallsBackAndDegradesWhenStoreFails) {
  provider = [](const std::string&, const std::string&) -> Result<long long> {
    return Error::store_unavailable("database is locked");
  };
  auto in = load_args(Json::parse(
      R"({"orgId":"acme","ruleId":"MD-101","contractionCheck":{"previousFPR":0.15,"currentFPR":0.10,"witnessEventCount":5}})"));
  ASSERT_TRUE(in.ok());
  ASSERT_TRUE(in->degraded_reason);
  const Evaluation ev = evaluate(*in);
  const Json p = render(*in, ev);
  const Json& r = p["validation"]["results"][0];
  EXPECT_EQ(r["message"], "Insufficient evidence: 5 events (minimum: 10)");
  EXPECT_EQ(r["remediation"], "Provide at least 10 reviewed FP events to justify FPR decrease");
  EXPECT_EQ(r["evidence"]["eventSource"], "witnessEventCount");
  EXPECT_NE(p["degradedReason"].get<std::string>().find("database is locked"), std::string::npos);
}

TEST_F(L0Validator, ContractionWithoutProviderOrCountIsMissingParameter) {
  auto in = load_args(
      Json::parse(R"({"orgId":"acme","ruleId":"MD-101","contractionCheck":{"previousFPR":0.15,"currentFPR":0.10}})"));
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().code, code::kMissingParameter);
}

TEST_F(L0Validator, ChecksFilterSkipsLoadingOtherInputs) {
  // The schema file does not exist, but schema_hash was not requested.
  const Json v = run(Json::parse(
      R"({"checks":["drift_magnitude"],"schemaFile":"none.json","expectedSchemaHash":"deadbeef","driftCheck":{"currentValue":10,"baselineValue":9}})"))
      ["validation"];
  EXPECT_EQ(v["checksRun"], 1);
  EXPECT_EQ(v["results"][0]["invariantId"], "L0-003");
}

TEST_F(L0Validator, SummaryCountsTimingAndReport) {
  const Json v = run(Json::parse(
      R"({"driftCheck":{"currentValue":10,"baselineValue":9},"nonceValidation":{"nonce":"n","timestamp":"2026-11-25T08:17:13Z"},
          "contractionCheck":{"previousFPR":0.2,"currentFPR":0.1,"witnessEventCount":3,"minRequiredEvents":4}})"))
      ["validation"];
  EXPECT_EQ(v["checksRun"], 3);
  EXPECT_EQ(v["passed"], 2);
  EXPECT_EQ(v["failed"], 1);
  EXPECT_EQ(v["allPassed"], false);
  long long sum = 0;
  for (const auto& r : v["results"]) {
    EXPECT_GT(r["performanceNs"].get<long long>(), 0);
    sum += r["performanceNs"].get<long long>();
  }
  EXPECT_EQ(v["performanceNs"], sum);
  EXPECT_TRUE(v["withinPerformanceTarget"].is_boolean());
  EXPECT_EQ(v["recommendations"][0], "⚠️  1 L0 check(s) failed. Review violations before proceeding.");
  const std::string report = v["report"];
  EXPECT_EQ(report.rfind("L0 Invariants Validation Report\n========================================\nTotal checks: 3\n"
                         "Passed: 2\nFailed: 1\n",
                         0),
            0u)
      << report;
  EXPECT_NE(report.find("Status: FAIL"), std::string::npos);
}

TEST(Fixed1, RoundsLikeToFixed) {
  EXPECT_EQ(fixed1(100), "100.0");
  EXPECT_EQ(fixed1(0.25), "0.3");
  EXPECT_EQ(fixed1(7200.0), "7200.0");
}

TEST(Fixed1, LargeValuesLikeToFixed) {
  EXPECT_EQ(fixed1(1e20), "100000000000000000000.0");
  // From 1e21 on toFixed prints String(v); every digit of 1e300 overflowed the buffer.
  EXPECT_EQ(fixed1(1e21), "1e+21");
  EXPECT_EQ(fixed1(-2.5e21), "-2.5e+21");
  EXPECT_EQ(fixed1(1e300), "1e+300");
}

}  // namespace
}  // namespace pm::l0
