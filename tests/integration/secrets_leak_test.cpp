// No credential, file content or crash trace may appear in any log line or
// response: a session with planted secrets, failing AWS calls and bad input is
// grepped end to end.
#include <gtest/gtest.h>

#include "support/fake_http_server.hpp"
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

TEST(SecretsLeak, CredentialsReflectedByTheEndpointAndTheNonceNeverReachAnswersOrLogs) {
  // The DynamoDB endpoint answers every call with an error that echoes the
  // request's secret key and session token, raw and URL-encoded.
  FakeHttpServer endpoint([](const FakeRequest&) {
    return aws_json_error(400, "ValidationException",
                          std::string("signature mismatch for secret ") + kSecretKey +
                              " (planted%2FSecret%2BKey9f8e7d6c5b4a3210zyxwvuts), token " + kSessionToken);
  });
  constexpr const char* kNonce = "PLANTED-NONCE-VALUE-7f3a9c";
  TempDir dir;
  ServerProcess p(
      {},
      {"PHASE_MIRROR_WORKSPACE=" + dir.path(), "PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data", "LOG_LEVEL=debug",
       "LOG_FORMAT=json", "FP_TABLE_NAME=pm-fp", "CONSENT_TABLE_NAME=pm-consent", "AWS_ENDPOINT_URL=" + endpoint.url(),
       "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", std::string("AWS_ACCESS_KEY_ID=") + kAccessKey,
       std::string("AWS_SECRET_ACCESS_KEY=") + kSecretKey, std::string("AWS_SESSION_TOKEN=") + kSessionToken});
  p.initialize("2025-11-25", Json::object());
  p.request("logging/setLevel", {{"level", "debug"}}, 2);
  std::vector<Json> responses;
  responses.push_back(p.call("check_consent_requirements", {{"orgId", "acme"}, {"checkType", "summary"}}));
  responses.push_back(p.call("query_fp_store", {{"queryType", "fp_rate"}, {"orgId", "acme"}, {"ruleId", "MD-101"}}));
  responses.push_back(p.call("validate_l0_invariants",
                             {{"nonceValidation", {{"nonce", kNonce}, {"timestamp", "2020-01-01T00:00:00Z"}}}}));
  p.close_stdin();
  ASSERT_EQ(p.wait_exit(30s), 0);
  ASSERT_GT(endpoint.request_count(), 0u) << "the calls reached the reflecting endpoint";
  const std::string log = p.stderr_text();
  std::string answers;
  for (const auto& r : responses) answers += dump_line(r);
  std::string notifications;
  for (const auto& line : p.stdout_lines()) notifications += line;
  for (const char* planted : {kSecretKey, kSessionToken, "planted%2FSecret"}) {
    EXPECT_EQ(answers.find(planted), std::string::npos) << "answer leaked: " << planted;
    EXPECT_EQ(log.find(planted), std::string::npos) << "log leaked: " << planted;
    EXPECT_EQ(notifications.find(planted), std::string::npos) << "stdout leaked: " << planted;
  }
  EXPECT_EQ(log.find(kNonce), std::string::npos) << "the nonce was logged";
  // The typed failure is still there, with the reflected values replaced.
  EXPECT_NE(dump_line(responses[0]).find("STORE_UNAVAILABLE"), std::string::npos) << dump_line(responses[0]);
  EXPECT_NE(answers.find("<redacted>"), std::string::npos);
}

}  // namespace
}  // namespace pm::test
