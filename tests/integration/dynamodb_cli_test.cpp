// The real binary against dynalite and the SSM fake: `store init` creates our
// table layouts, `fp record`/`fp list` go through DynamoDB with the org hashed
// under the org salt read from SSM, `nonce rotate` writes a new SSM version.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <set>

#include "integration/dynamodb_server.hpp"
#include "support/fake_ssm.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

struct DynamoCliResult {
  int exit_code = -1;
  std::string out;
};

// Runs the binary with `env` added to a minimal environment; stdout captured.
DynamoCliResult dynamo_cli(const std::vector<std::string>& env, const std::string& args) {
  std::string cmd = "env -i PATH=/usr/bin:/bin HOME=/nonexistent AWS_EC2_METADATA_DISABLED=true";
  for (const auto& e : env) cmd += " '" + e + "'";
  cmd += std::string(" ") + PM_SERVER_BINARY + " " + args + " 2>/dev/null";
  DynamoCliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class DynamoCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = Dynalite::shared();
    ASSERT_TRUE(server.ok()) << server.error();
    fp_ = unique_table("cli-fp");
    consent_ = unique_table("cli-consent");
    blocks_ = unique_table("cli-blocks");
    env_ = {"FP_TABLE_NAME=" + fp_,
            "CONSENT_TABLE_NAME=" + consent_,
            "BLOCK_COUNTER_TABLE_NAME=" + blocks_,
            "NONCE_PARAMETER_NAME=/pm/test/nonce",
            "AWS_ENDPOINT_URL_DYNAMODB=" + server.endpoint(),
            "AWS_ENDPOINT_URL_SSM=" + ssm_.url(),
            "AWS_ACCESS_KEY_ID=AKIDLOCALTEST",
            "AWS_SECRET_ACCESS_KEY=local-test-secret",
            "PHASE_MIRROR_DATA_DIR=" + data_.path()};
  }
  FakeSsm ssm_;
  TempDir data_;
  std::string fp_, consent_, blocks_;
  std::vector<std::string> env_;
};

TEST_F(DynamoCli, StoreInitCreatesOurTablesOnceThenFindsThem) {
  auto first = dynamo_cli(env_, "store init --json");
  ASSERT_EQ(first.exit_code, 0) << first.out;
  Json j = Json::parse(first.out);
  ASSERT_EQ(j["dynamodb"].size(), 3u) << first.out;
  EXPECT_EQ(j["dynamodb"][0].get<std::string>().rfind("DynamoDB table " + fp_ + ": created", 0), 0u);

  auto db = dynamodb_client(Dynalite::shared().endpoint());
  auto described = db->describe_table(fp_);
  ASSERT_TRUE(described.ok()) << described.error().message;
  std::set<std::string> indexes;
  for (const auto& gsi : (*described)["Table"]["GlobalSecondaryIndexes"]) indexes.insert(gsi["IndexName"]);
  EXPECT_EQ(indexes, (std::set<std::string>{"OrgTimeIndex", "OrgRuleTimeIndex", "OrgFindingIndex", "RuleTimeIndex"}));
  auto consent = db->describe_table(consent_);
  ASSERT_TRUE(consent.ok());
  EXPECT_EQ((*consent)["Table"]["KeySchema"].size(), 2u);

  auto second = dynamo_cli(env_, "store init --json");
  ASSERT_EQ(second.exit_code, 0) << second.out;
  EXPECT_EQ(Json::parse(second.out)["dynamodb"][0], "DynamoDB table " + fp_ + ": exists");
}

TEST_F(DynamoCli, FpRecordAndListGoThroughDynamoDbWithAHashedOrg) {
  ASSERT_EQ(dynamo_cli(env_, "store init").exit_code, 0);
  ssm_.put("/pm/test/nonce", std::string(64, 'a'));
  ssm_.put("/pm/test/nonce-org-salt", std::string(64, 'b'));
  auto rec = dynamo_cli(env_, "fp record --org acme --rule MD-101 --finding f-123 --repo acme/api --json");
  ASSERT_EQ(rec.exit_code, 0) << rec.out;

  auto db = dynamodb_client(Dynalite::shared().endpoint());
  auto items = db->query(fp_, Json{{"IndexName", "RuleTimeIndex"},
                                   {"KeyConditionExpression", "gsi4pk = :r"},
                                   {"ExpressionAttributeValues", {{":r", {{"S", "rule#MD-101"}}}}}});
  ASSERT_TRUE(items.ok()) << items.error().message;
  ASSERT_EQ(items->items.size(), 1u);
  const Json& item = items->items[0];
  EXPECT_EQ(item["findingId"]["S"], "f-123");
  EXPECT_EQ(item["orgHash"]["S"].get<std::string>().size(), 64u);
  EXPECT_EQ(dump_line(item).find("\"acme\""), std::string::npos) << "the org id is stored only as an HMAC";

  auto list = dynamo_cli(env_, "fp list --org acme --json");
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_NE(list.out.find("f-123"), std::string::npos) << list.out;
}

TEST_F(DynamoCli, NonceRotateWritesANewSsmVersion) {
  ssm_.put("/pm/test/nonce", std::string(64, 'a'));
  auto r = dynamo_cli(env_, "nonce rotate --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto versions = ssm_.versions("/pm/test/nonce");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1].size(), 64u);
  EXPECT_EQ(r.out.find(versions[1]), std::string::npos) << "the new value is never printed";
}

TEST_F(DynamoCli, UnreachableDynamoDbFailsTheCommandWithATypedError) {
  int port;
  {
    FakeHttpServer gone([](const FakeRequest&) { return FakeResponse{}; });
    port = gone.port();
  }
  auto env = env_;
  env[4] = "AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:" + std::to_string(port);
  env.push_back("PHASE_MIRROR_AWS_BACKOFF_BASE_MS=1");
  ssm_.put("/pm/test/nonce-org-salt", std::string(64, 'b'));
  auto r = dynamo_cli(env, "fp record --org acme --rule MD-101 --finding f-1 --json");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("STORE_UNAVAILABLE"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace pm::test
