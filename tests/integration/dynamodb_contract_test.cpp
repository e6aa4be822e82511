// The store contract (the same suite the SQLite backend passes) on the
// DynamoDB backends, against a real DynamoDB-protocol server (dynalite) and,
// for the nonce source, the loopback SSM fake (no SSM emulator exists).
#include <gtest/gtest.h>

#include "integration/dynamodb_server.hpp"
#include "store/dynamodb/backends.hpp"
#include "support/fake_ssm.hpp"
#include "unit/store/store_contract.hpp"

namespace pm::store::contract {
namespace {

std::shared_ptr<aws::Ssm> ssm_client(const std::string& endpoint) {
  aws::ChainOptions co;
  co.env = [](const char* name) -> std::optional<std::string> {
    std::string n = name;
    if (n == "AWS_ACCESS_KEY_ID") return std::string("AKIDLOCALTEST");
    if (n == "AWS_SECRET_ACCESS_KEY") return std::string("local-test-secret");
    return std::nullopt;
  };
  std::vector<std::unique_ptr<aws::CredentialsProvider>> providers;
  providers.push_back(aws::environment_provider(co));
  aws::ClientOptions o;
  o.endpoint = endpoint;
  o.backoff_base = std::chrono::milliseconds(2);
  return std::make_shared<aws::Ssm>(std::make_shared<aws::JsonClient>(
      aws::ssm_service(), o, std::make_shared<aws::CredentialsChain>(std::move(providers), co)));
}

class DynamoBackend final : public Backend {
 public:
  DynamoBackend() {
    auto& server = test::Dynalite::shared();
    auto db = test::dynamodb_client(server.endpoint());
    std::string fp = test::unique_table("fp"), consent = test::unique_table("consent"),
                blocks = test::unique_table("blocks");
    for (auto [kind, name] : {std::pair{dynamodb::Table::kFpEvents, fp}, std::pair{dynamodb::Table::kConsent, consent},
                              std::pair{dynamodb::Table::kBlockCounter, blocks}}) {
      auto created = db->create_table(dynamodb::table_definition(kind, name));
      EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
      EXPECT_TRUE(db->wait_active(name, std::chrono::seconds(10)).ok());
    }
    ssm_.put("/phase-mirror/test/nonce", std::string(64, 'a'));
    ssm_.put("/phase-mirror/test/nonce-org-salt", std::string(64, 'b'));
    fp_ = dynamodb::make_fp_store(db, fp);
    consent_ = dynamodb::make_consent_store(db, consent);
    blocks_ = dynamodb::make_block_counter(db, blocks);
    nonce_ = dynamodb::make_ssm_nonce_source(ssm_client(ssm_.url()), "/phase-mirror/test/nonce",
                                             "/phase-mirror/test/nonce-org-salt");
  }
  FpStore& fp() override { return *fp_; }
  ConsentStore& consent() override { return *consent_; }
  BlockCounter& blocks() override { return *blocks_; }
  NonceSource& nonce() override { return *nonce_; }

 private:
  test::FakeSsm ssm_;
  std::unique_ptr<FpStore> fp_;
  std::unique_ptr<ConsentStore> consent_;
  std::unique_ptr<BlockCounter> blocks_;
  std::unique_ptr<NonceSource> nonce_;
};

std::unique_ptr<Backend> make_dynamodb() {
  auto& server = test::Dynalite::shared();
  if (!server.ok()) {
    ADD_FAILURE() << server.error();
    return nullptr;
  }
  return std::make_unique<DynamoBackend>();
}

INSTANTIATE_TEST_SUITE_P(DynamoDb, StoreContract, ::testing::Values(&make_dynamodb));

}  // namespace
}  // namespace pm::store::contract
