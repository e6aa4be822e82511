// validate_l0_invariants through the real binary over stdio.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "support/server_process.hpp"
#include "util/crypto.hpp"

namespace pm::test {
namespace {

const char* kWorkflow =
    "name: ci\n"
    "on: pull_request\n"
    "permissions:\n"
    "  contents: write\n"
    "jobs:\n"
    "  build:\n"
    "    runs-on: ubuntu-latest\n"
    "    steps:\n"
    "      - run: make\n";

class ValidateL0 : public ::testing::Test {
 protected:
  TempDir ws;
  TempDir data;

  std::vector<std::string> env(bool cloud = false) const {
    std::vector<std::string> e = {"PHASE_MIRROR_WORKSPACE=" + ws.path(), "PHASE_MIRROR_DATA_DIR=" + data.path()};
    if (cloud) {
      e.push_back("FP_TABLE_NAME=pm-fp");
      e.push_back("CONSENT_TABLE_NAME=pm-consent");
    }
    return e;
  }

  // structuredContent of a tools/call, plus the MCP-level isError.
  Json call(const Json& args, bool cloud = false, bool* is_error = nullptr) {
    ServerProcess server({}, env(cloud));
    server.initialize();
    const Json resp = server.call("validate_l0_invariants", args);
    EXPECT_TRUE(resp.contains("result")) << dump_line(resp);
    const Json& result = resp["result"];
    if (is_error) *is_error = result.value("isError", false);
    return result.value("structuredContent", Json::object());
  }
};

TEST_F(ValidateL0, AllPassedIsPass) {
  const Json env = call(Json::parse(R"({"driftCheck":{"currentMetric":{"name":"v","value":10},
                                                      "baselineMetric":{"name":"v","value":9},"threshold":0.5}})"));
  EXPECT_EQ(env["success"], true);
  EXPECT_EQ(env["decision"], "pass");
  EXPECT_EQ(env["tier"], "authoritative");
  EXPECT_EQ(env["data"]["validation"]["checksRun"], 1);
  EXPECT_EQ(env["data"]["validation"]["results"][0]["invariantId"], "L0-003");
}

TEST_F(ValidateL0, FailureIsWarnAndDegradedInLocalMode) {
  bool is_error = true;
  const Json env =
      call(Json::parse(R"({"driftCheck":{"currentValue":200,"baselineValue":100,"threshold":0.5}})"), false, &is_error);
  EXPECT_EQ(env["success"], true);
  EXPECT_FALSE(is_error);
  EXPECT_EQ(env["environment"], "local");
  EXPECT_EQ(env["decision"], "warn");
  EXPECT_EQ(env["degradedMode"], true);
  EXPECT_EQ(env["data"]["validation"]["allPassed"], false);
  EXPECT_EQ(env["data"]["validation"]["results"][0]["message"], "Drift 100.0% exceeds threshold 50.0%");
}

TEST_F(ValidateL0, InfiniteDriftHasAClearMessage) {
  // 1e308 against 1e-308 overflows the double range: no "Drift null%".
  const Json env = call(Json::parse(R"({"driftCheck":{"currentValue":1e308,"baselineValue":1e-308,"threshold":0.5}})"));
  ASSERT_EQ(env["success"], true) << env.dump(2);
  const Json& result = env["data"]["validation"]["results"][0];
  EXPECT_EQ(result["passed"], false);
  const std::string message = result["message"];
  EXPECT_EQ(message.find("null"), std::string::npos) << message;
  EXPECT_EQ(message,
            "Drift unbounded: |current - baseline| / |baseline| is too large to represent (current 1e+308, baseline "
            "1e-308); it exceeds threshold 50.0%");
  EXPECT_EQ(env["decision"], "warn");
  const Json negative =
      call(Json::parse(R"({"driftCheck":{"currentValue":-1.7e308,"baselineValue":1.7e308,"threshold":1}})"));
  EXPECT_NE(negative["data"]["validation"]["results"][0]["message"].get<std::string>().find("too large to represent"),
            std::string::npos);
}

TEST_F(ValidateL0, FailureIsBlockInCloudMode) {
  ws.write(".github/workflows/ci.yml", kWorkflow);
  const Json env = call(Json{{"workflowFiles", {".github/workflows/ci.yml"}}}, true);
  EXPECT_EQ(env["environment"], "cloud");
  EXPECT_EQ(env["decision"], "block");
  EXPECT_EQ(env["decisionBadge"], "🛑 Block");
  EXPECT_FALSE(env.contains("degradedMode"));
  const Json& r = env["data"]["validation"]["results"][0];
  EXPECT_EQ(r["evidence"]["locations"][0]["location"], ".github/workflows/ci.yml:4");
}

TEST_F(ValidateL0, EmptyArgumentsAreMissingParameter) {
  bool is_error = false;
  const Json env = call(Json::object(), false, &is_error);
  EXPECT_TRUE(is_error);
  EXPECT_EQ(env["success"], false);
  EXPECT_EQ(env["code"], "MISSING_PARAMETER");
  EXPECT_NE(env["message"].get<std::string>().find("L0-002 permission_bits needs workflowFiles"), std::string::npos)
      << env["message"];
}

TEST_F(ValidateL0, HalfAPairIsMissingParameterNamingTheField) {
  ws.write("schema.json", "{}");
  const Json env = call(Json{{"schemaFile", "schema.json"}});
  EXPECT_EQ(env["code"], "MISSING_PARAMETER");
  EXPECT_NE(env["message"].get<std::string>().find("without expectedSchemaHash"), std::string::npos);
}

TEST_F(ValidateL0, SeedSmokeCallWithFilesAndContext) {
  ws.write(".github/workflows/ci.yml", kWorkflow);
  ws.write("src/app.ts", "export const x = 1;\n");
  const Json env = call(Json{{"files", {".github/workflows/ci.yml", "src/app.ts"}}, {"context", "acme/widgets"}});
  EXPECT_EQ(env["success"], true);
  const Json& v = env["data"]["validation"];
  EXPECT_EQ(v["checksRun"], 1);
  EXPECT_EQ(v["results"][0]["invariantId"], "L0-002");
  EXPECT_EQ(v["results"][0]["evidence"]["violations"], Json::parse(R"(["contents: write"])"));
  EXPECT_EQ(env["decision"], "warn");
}

TEST_F(ValidateL0, SeedSmokeCallWithoutWorkflowsSucceedsWithNothingToCheck) {
  ws.write("src/app.ts", "export const x = 1;\n");
  const Json env = call(Json{{"files", {"src/app.ts"}}, {"context", "smoke test"}});
  EXPECT_EQ(env["success"], true);
  EXPECT_EQ(env["decision"], "pass");
  EXPECT_EQ(env["data"]["validation"]["checksRun"], 0);
  EXPECT_NE(env["data"]["validation"]["recommendations"][0].get<std::string>().find("needs"), std::string::npos);
}

TEST_F(ValidateL0, MissingSchemaFileIsFileNotFound) {
  bool is_error = false;
  const Json env =
      call(Json{{"schemaFile", "schemas/missing.json"}, {"expectedSchemaHash", "deadbeef"}}, false, &is_error);
  EXPECT_TRUE(is_error);
  EXPECT_EQ(env["code"], "FILE_NOT_FOUND");
  EXPECT_NE(env["message"].get<std::string>().find("schemas/missing.json"), std::string::npos);
}

TEST_F(ValidateL0, SchemaHashAgainstTheRealDigest) {
  const std::string content = R"({"version":"1.0","type":"test"})";
  ws.write("schema.json", content);
  std::string prefix = sha256_hex(content).substr(0, 8);
  for (auto& c : prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Json env = call(Json{{"schemaFile", "schema.json"}, {"expectedSchemaHash", prefix}});
  EXPECT_EQ(env["decision"], "pass") << dump_pretty(env);
  const Json full = call(Json{{"schemaFile", "schema.json"}, {"expectedSchemaHash", sha256_hex(content)}});
  EXPECT_EQ(full["data"]["validation"]["results"][0]["passed"], true);
}

TEST_F(ValidateL0, OutOfRangeNumbersAreInvalidInputWithPointers) {
  bool is_error = false;
  const Json env = call(Json::parse(R"({"driftCheck":{"currentValue":1,"baselineValue":1,"threshold":1.5},
                                        "contractionCheck":{"previousFPR":-0.1,"currentFPR":0.1,"witnessEventCount":2.5},
                                        "nonceValidation":{"nonce":"n","timestamp":"not a date","maxAgeSeconds":0}})"),
                        false, &is_error);
  EXPECT_TRUE(is_error);
  EXPECT_EQ(env["code"], "INVALID_INPUT");
  std::set<std::string> paths;
  for (const auto& e : env["data"]["details"]["validationErrors"]) paths.insert(e["path"].get<std::string>());
  for (const char* p : {"/driftCheck/threshold", "/contractionCheck/previousFPR", "/contractionCheck/witnessEventCount",
                        "/nonceValidation/timestamp", "/nonceValidation/maxAgeSeconds"}) {
    EXPECT_TRUE(paths.count(p)) << p << " missing from " << dump_line(env["data"]["details"]);
  }
}

TEST_F(ValidateL0, UnknownCheckNameIsInvalidInput) {
  const Json env =
      call(Json{{"checks", {"invalid_check_name"}}, {"driftCheck", {{"currentValue", 1}, {"baselineValue", 1}}}});
  EXPECT_EQ(env["code"], "INVALID_INPUT");
}

TEST_F(ValidateL0, WitnessCountComesFromTheFpStore) {
  // Three reviewed false positives and one pending event, recorded with the admin command.
  const std::vector<std::vector<std::string>> records = {
      {"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--outcome", "false_positive",
       "--reviewed-by", "alice"},
      {"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f2", "--outcome", "false_positive",
       "--reviewed-by", "alice"},
      {"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f3", "--outcome", "false_positive",
       "--reviewed-by", "bob"},
      {"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f4"}};
  for (const auto& args : records) {
    ServerProcess cli(args, env());
    ASSERT_EQ(cli.wait_exit(), 0) << cli.stderr_text();
  }
  const Json enough = call(Json::parse(
      R"({"orgId":"acme","ruleId":"MD-101","contractionCheck":{"previousFPR":0.3,"currentFPR":0.1,"minRequiredEvents":3}})"));
  const Json& r = enough["data"]["validation"]["results"][0];
  EXPECT_EQ(r["passed"], true) << dump_line(r);
  EXPECT_EQ(r["evidence"]["eventSource"], "fpStore");
  EXPECT_EQ(r["evidence"]["reviewedCount"], 3);
  EXPECT_EQ(enough["decision"], "pass");

  // The store's count wins over witnessEventCount.
  const Json short_by_one = call(Json::parse(
      R"({"orgId":"acme","ruleId":"MD-101","contractionCheck":{"previousFPR":0.3,"currentFPR":0.1,"witnessEventCount":50,"minRequiredEvents":4}})"));
  EXPECT_EQ(short_by_one["data"]["validation"]["results"][0]["message"],
            "Insufficient evidence: 3 events (minimum: 4)");
  EXPECT_EQ(short_by_one["decision"], "warn");
}

// Every property documented, and only keywords the dispatcher's validator
// enforces (src/mcp/schema.hpp), so the advertised schema is the enforced one.
void check_schema_node(const Json& node, const std::string& path) {
  static const std::set<std::string> kKeywords = {"type",
                                                  "properties",
                                                  "required",
                                                  "additionalProperties",
                                                  "items",
                                                  "enum",
                                                  "const",
                                                  "minimum",
                                                  "maximum",
                                                  "exclusiveMinimum",
                                                  "exclusiveMaximum",
                                                  "minLength",
                                                  "maxLength",
                                                  "pattern",
                                                  "minItems",
                                                  "maxItems",
                                                  "uniqueItems",
                                                  "format",
                                                  "description",
                                                  "title",
                                                  "default",
                                                  "examples"};
  for (auto it = node.begin(); it != node.end(); ++it) {
    EXPECT_TRUE(kKeywords.count(it.key())) << path << "/" << it.key();
  }
  if (auto props = node.find("properties"); props != node.end()) {
    for (auto it = props->begin(); it != props->end(); ++it) {
      EXPECT_TRUE(it.value().contains("description")) << path << "/properties/" << it.key() << " has no description";
      check_schema_node(it.value(), path + "/properties/" + it.key());
    }
  }
  if (auto items = node.find("items"); items != node.end()) check_schema_node(*items, path + "/items");
}

TEST_F(ValidateL0, AdvertisedSchemaIsDocumentedAndEnforceable) {
  ServerProcess server({}, env());
  server.initialize();
  const Json list = server.request("tools/list", Json::object(), 7);
  const Json* schema = nullptr;
  for (const auto& t : list["result"]["tools"]) {
    if (t["name"] == "validate_l0_invariants") schema = &t["inputSchema"];
  }
  ASSERT_NE(schema, nullptr);
  check_schema_node(*schema, "");
  for (const char* p : {"checks", "schemaFile", "expectedSchemaHash", "workflowFiles", "driftCheck", "nonceValidation",
                        "contractionCheck", "orgId", "ruleId", "files", "context", "policyFile"}) {
    EXPECT_TRUE((*schema)["properties"].contains(p)) << p;
  }
}

}  // namespace
}  // namespace pm::test
