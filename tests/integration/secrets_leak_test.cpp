// No credential, file content or crash trace may appear in any log line or
// response: a session with planted secrets, failing AWS calls and bad input is
// grepped end to end.
#include <gtest/gtest.h>

#include "support/server_process.hpp"

namespace pm::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAccessKey = "AKIAPLANTED7Q2XJ4WK";
constexpr const char* kSecretKey = "planted/Secret+Key9f8e7d6c5b4a3210zyxwvuts";
constexpr const char* kSessionToken = "PlantedSessionTokenQm9ndXNUb2tlbg";
constexpr const char* kFileContent = "PLANTED-FILE-CONTENT-d41d8cd98f00";

TEST(SecretsLeak, NoCredentialOrFileContentInLogsOrResponses) {
  TempDir dir;
  dir.write("src/app.ts", std::string("// ") + kFileContent + "\nexport const x = 1;\n");
  dir.write(".github/workflows/broken.yml", std::string("on: [push\n# ") + kFileContent + "\n");
  dir.write("schema.json", std::string("{\"k\": \"") + kFileContent + "\"}\n");
  ServerProcess p(
      {}, {"PHASE_MIRROR_WORKSPACE=" + dir.path(), "PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data", "LOG_LEVEL=debug",
           "LOG_FORMAT=json", "METRICS_FORMAT=emf", "FP_TABLE_NAME=pm-fp", "CONSENT_TABLE_NAME=pm-consent",
           "BLOCK_COUNTER_TABLE_NAME=pm-blocks", "AWS_ENDPOINT_URL=http://127.0.0.1:9",
           "AWS_EC2_METADATA_DISABLED=true", std::string("AWS_ACCESS_KEY_ID=") + kAccessKey,
           std::string("AWS_SECRET_ACCESS_KEY=") + kSecretKey, std::string("AWS_SESSION_TOKEN=") + kSessionToken});
  p.initialize();
  std::vector<Json> responses;
  responses.push_back(p.call("get_server_info", Json::object()));
  responses.push_back(
      p.call("analyze_dissonance", {{"files", {"src/app.ts", ".github/workflows/broken.yml", "nope.ts"}},
                                    {"context", std::string("PR text ") + kFileContent}}));
  responses.push_back(
      p.call("validate_l0_invariants", {{"schemaFile", "schema.json"}, {"expectedSchemaHash", "0123456789abcdef"}}));
  responses.push_back(p.call("check_adr_compliance", {{"files", {"src/app.ts"}}, {"adrPath", "docs/adr"}}));
  responses.push_back(p.call("query_fp_store", {{"queryType", "fp_rate"}, {"orgId", "acme"}, {"ruleId", "MD-101"}}));
  responses.push_back(p.call("check_consent_requirements", {{"orgId", "acme"}, {"checkType", "summary"}}));
  responses.push_back(p.call("analyze_dissonance", {{"files", Json::array({5})}}));
  p.close_stdin();
  ASSERT_EQ(p.wait_exit(30s), 0);

  std::string all = p.stderr_text();
  for (const auto& r : responses) all += dump_line(r);
  for (const char* planted : {kAccessKey, kSecretKey, kSessionToken, kFileContent}) {
    EXPECT_EQ(all.find(planted), std::string::npos) << "leaked: " << planted;
  }
  for (const char* crash : {"terminate called", "Segmentation fault", "AddressSanitizer", "what():"}) {
    EXPECT_EQ(all.find(crash), std::string::npos) << crash;
  }
  // The calls that needed AWS failed in a typed way rather than hanging or crashing.
  EXPECT_NE(dump_line(responses[4]).find("STORE_UNAVAILABLE"), std::string::npos) << dump_line(responses[4]);
}

}  // namespace
}  // namespace pm::test
