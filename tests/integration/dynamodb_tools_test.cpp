// MCP tools over the real binary with every store on DynamoDB (dynalite) and
// the nonce/org salt in SSM (loopback fake): data written by the admin commands
// is what query_fp_store reads, and an unreachable consent store fails closed.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>

#include "integration/dynamodb_server.hpp"
#include "support/fake_ssm.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

int cli_exit_code(const std::vector<std::string>& env, const std::string& args) {
  std::string cmd = "env -i PATH=/usr/bin:/bin HOME=/nonexistent AWS_EC2_METADATA_DISABLED=true";
  for (const auto& e : env) cmd += " '" + e + "'";
  cmd += std::string(" ") + PM_SERVER_BINARY + " " + args + " >/dev/null 2>&1";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class DynamoTools : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = Dynalite::shared();
    ASSERT_TRUE(server.ok()) << server.error();
    ssm_.put("/pm/tools/nonce", std::string(64, 'a'));
    ssm_.put("/pm/tools/nonce-org-salt", std::string(64, 'b'));
    env_ = {"FP_TABLE_NAME=" + unique_table("tools-fp"),
            "CONSENT_TABLE_NAME=" + unique_table("tools-consent"),
            "BLOCK_COUNTER_TABLE_NAME=" + unique_table("tools-blocks"),
            "NONCE_PARAMETER_NAME=/pm/tools/nonce",
            "AWS_ENDPOINT_URL_DYNAMODB=" + server.endpoint(),
            "AWS_ENDPOINT_URL_SSM=" + ssm_.url(),
            "AWS_ACCESS_KEY_ID=AKIDLOCALTEST",
            "AWS_SECRET_ACCESS_KEY=local-test-secret",
            "AWS_EC2_METADATA_DISABLED=true",
            "PHASE_MIRROR_AWS_BACKOFF_BASE_MS=1",
            "PHASE_MIRROR_DATA_DIR=" + data_.path()};
    ASSERT_EQ(cli_exit_code(env_, "store init"), 0);
  }
  FakeSsm ssm_;
  TempDir data_;
  std::vector<std::string> env_;
};

TEST_F(DynamoTools, QueryFpStoreReadsWhatTheAdminCommandsWrote) {
  ASSERT_EQ(cli_exit_code(env_, "consent grant --org acme --resources fp_metrics"), 0);
  ASSERT_EQ(
      cli_exit_code(env_, "fp record --org acme --rule MD-101 --finding f1 --outcome false_positive --reviewed-by a"),
      0);
  ASSERT_EQ(
      cli_exit_code(env_, "fp record --org acme --rule MD-101 --finding f2 --outcome true_positive --reviewed-by a"),
      0);
  ASSERT_EQ(
      cli_exit_code(env_, "fp record --org other --rule MD-101 --finding f3 --outcome false_positive --reviewed-by a"),
      0);

  ServerProcess server({}, env_);
  server.initialize();
  Json r = server.call("query_fp_store", Json{{"queryType", "fp_rate"}, {"orgId", "acme"}, {"ruleId", "MD-101"}});
  Json env = r["result"]["structuredContent"];
  ASSERT_EQ(env["success"], true) << dump_line(r);
  // Only acme's two reviewed events count; the other org's event does not.
  EXPECT_EQ(env["data"]["result"]["totalEvents"], 2) << dump_line(env);
  EXPECT_EQ(env["data"]["result"]["falsePositives"], 1) << dump_line(env);
  EXPECT_EQ(env["data"]["result"]["fpr"], 0.5) << dump_line(env);
}

TEST_F(DynamoTools, QueryFpStoreWithoutConsentIsRefused) {
  ServerProcess server({}, env_);
  server.initialize();
  Json r = server.call("query_fp_store", Json{{"queryType", "fp_rate"}, {"orgId", "acme"}, {"ruleId", "MD-101"}});
  Json env = r["result"]["structuredContent"];
  EXPECT_EQ(env["success"], false) << dump_line(r);
  EXPECT_EQ(env["code"], "CONSENT_REQUIRED") << dump_line(r);
}

TEST_F(DynamoTools, UnreachableConsentStoreFailsClosed) {
  int port;
  {
    FakeHttpServer gone([](const FakeRequest&) { return FakeResponse{}; });
    port = gone.port();
  }
  auto env = env_;
  env[4] = "AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:" + std::to_string(port);
  ServerProcess server({}, env);
  server.initialize();
  Json r = server.call("query_fp_store", Json{{"queryType", "fp_rate"}, {"orgId", "acme"}, {"ruleId", "MD-101"}});
  Json envelope = r["result"]["structuredContent"];
  EXPECT_EQ(envelope["success"], false) << dump_line(r);
  EXPECT_EQ(envelope["code"], "STORE_UNAVAILABLE") << dump_line(r);
  EXPECT_EQ(r["result"]["isError"], true);
  EXPECT_EQ(dump_line(r).find("local-test-secret"), std::string::npos);
}

}  // namespace
}  // namespace pm::test
