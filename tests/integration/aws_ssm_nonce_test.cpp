// The SSM nonce source against the loopback SSM fake (JSON protocol, every
// version kept): decryption requested, one-hour cache, rotation writing a new
// version, the previous version kept for look-ups, and fail-closed errors.
#include <gtest/gtest.h>

#include "store/dynamodb/backends.hpp"
#include "support/fake_http_server.hpp"
#include "support/fake_ssm.hpp"

namespace pm::store::dynamodb {
namespace {

const std::string kNonce = "/phase-mirror/prod/nonce";
const std::string kSalt = "/phase-mirror/prod/nonce-org-salt";
const std::string kV1 = std::string(32, 'a') + std::string(32, '1');
const std::string kV2 = std::string(32, 'b') + std::string(32, '2');

std::shared_ptr<aws::Ssm> ssm_at(const std::string& endpoint) {
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
  o.timeout = std::chrono::milliseconds(1000);
  o.backoff_base = std::chrono::milliseconds(2);
  return std::make_shared<aws::Ssm>(std::make_shared<aws::JsonClient>(
      aws::ssm_service(), o, std::make_shared<aws::CredentialsChain>(std::move(providers), co)));
}

TEST(SsmNonce, ReadsWithDecryptionAndKeepsThePreviousVersion) {
  test::FakeSsm ssm;
  ssm.put(kNonce, kV1);
  ssm.put(kNonce, kV2);
  auto source = make_ssm_nonce_source(ssm_at(ssm.url()), kNonce, kSalt);
  auto v = source->versions(SecretKind::kNonce);
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].version, 2);
  EXPECT_EQ((*v)[0].value, kV2);
  EXPECT_EQ((*v)[1].version, 1);
  EXPECT_EQ((*v)[1].value, kV1);
  auto reqs = ssm.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].header("x-amz-target"), "AmazonSSM.GetParameter");
  EXPECT_EQ(reqs[0].header("content-type"), "application/x-amz-json-1.1");
  EXPECT_NE(reqs[0].header("authorization").find("/us-east-1/ssm/aws4_request"), std::string::npos);
  auto body = Json::parse(reqs[0].body);
  EXPECT_EQ(body["Name"], kNonce);
  EXPECT_EQ(body["WithDecryption"], true);
  EXPECT_EQ(Json::parse(reqs[1].body)["Name"], kNonce + ":1");
}

TEST(SsmNonce, CachedForTheTtl) {
  test::FakeSsm ssm;
  ssm.put(kNonce, kV1);
  auto source = make_ssm_nonce_source(ssm_at(ssm.url()), kNonce, kSalt);
  ASSERT_TRUE(source->versions(SecretKind::kNonce).ok());
  ASSERT_TRUE(source->versions(SecretKind::kNonce).ok());
  EXPECT_EQ(ssm.get_calls(), 1u);

  auto uncached = make_ssm_nonce_source(ssm_at(ssm.url()), kNonce, kSalt, std::chrono::milliseconds(0));
  ASSERT_TRUE(uncached->versions(SecretKind::kNonce).ok());
  ASSERT_TRUE(uncached->versions(SecretKind::kNonce).ok());
  EXPECT_EQ(ssm.get_calls(), 3u);
}

TEST(SsmNonce, RotateWritesANewSecureStringVersionAndInvalidatesTheCache) {
  test::FakeSsm ssm;
  ssm.put(kSalt, kV1);
  auto source = make_ssm_nonce_source(ssm_at(ssm.url()), kNonce, kSalt);
  ASSERT_TRUE(source->versions(SecretKind::kOrgSalt).ok());
  auto rotated = source->rotate(SecretKind::kOrgSalt);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_EQ(rotated->version, 2);
  EXPECT_EQ(rotated->value.size(), 64u);
  EXPECT_NE(rotated->value, kV1);
  ASSERT_EQ(ssm.versions(kSalt).size(), 2u);
  EXPECT_EQ(ssm.versions(kSalt)[1], rotated->value);
  auto put = ssm.requests();
  auto put_body = Json::parse(put.back().body);
  EXPECT_EQ(put.back().header("x-amz-target"), "AmazonSSM.PutParameter");
  EXPECT_EQ(put_body["Type"], "SecureString");
  EXPECT_EQ(put_body["Overwrite"], true);

  auto after = source->versions(SecretKind::kOrgSalt);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].value, rotated->value);
  EXPECT_EQ((*after)[1].value, kV1);
  EXPECT_TRUE(ssm.versions(kNonce).empty()) << "the nonce and the org salt are separate parameters";
}

TEST(SsmNonce, EveryOrgSaltVersionStaysButOnlyThePreviousNonce) {
  test::FakeSsm ssm;
  ssm.put(kSalt, kV1);
  ssm.put(kNonce, kV1);
  auto source = make_ssm_nonce_source(ssm_at(ssm.url()), kNonce, kSalt);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(source->rotate(SecretKind::kOrgSalt).ok());
    ASSERT_TRUE(source->rotate(SecretKind::kNonce).ok());
  }
  auto salts = source->versions(SecretKind::kOrgSalt);
  ASSERT_TRUE(salts.ok()) << salts.error().message;
  ASSERT_EQ(salts->size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ((*salts)[i].version, static_cast<int>(6 - i));
  EXPECT_EQ(salts->back().value, kV1);
  auto nonces = source->versions(SecretKind::kNonce);
  ASSERT_TRUE(nonces.ok());
  ASSERT_EQ(nonces->size(), 2u);
  EXPECT_EQ((*nonces)[1].version, 5);
}

TEST(SsmNonce, OrgSaltRotationThatWouldDropAVersionIsRefused) {
  test::FakeSsm ssm;
  for (int i = 0; i < 100; ++i) ssm.put(kSalt, kV1);
  auto source = make_ssm_nonce_source(ssm_at(ssm.url()), kNonce, kSalt);
  auto rotated = source->rotate(SecretKind::kOrgSalt);
  ASSERT_FALSE(rotated.ok());
  EXPECT_EQ(rotated.error().code, "STORE_UNAVAILABLE");
  EXPECT_NE(rotated.error().message.find("already has 100 versions"), std::string::npos) << rotated.error().message;
  EXPECT_EQ(ssm.versions(kSalt).size(), 100u) << "nothing was written";
  EXPECT_EQ(ssm.put_calls(), 0u);
}

TEST(SsmNonce, MissingParameterFailsClosedWithTheFix) {
  test::FakeSsm ssm;
  auto source = make_ssm_nonce_source(ssm_at(ssm.url()), kNonce, kSalt);
  auto v = source->versions(SecretKind::kNonce);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "STORE_UNAVAILABLE");
  EXPECT_FALSE(v.error().retryable);
  EXPECT_NE(v.error().message.find(kNonce), std::string::npos);
  ASSERT_FALSE(v.error().suggestions.empty());
  EXPECT_NE(v.error().suggestions[0].find("nonce rotate"), std::string::npos);
}

TEST(SsmNonce, MalformedValueFailsClosedWithoutShowingIt) {
  test::FakeSsm ssm;
  ssm.put(kNonce, "not-hex-secret-value");
  auto v = make_ssm_nonce_source(ssm_at(ssm.url()), kNonce, kSalt)->versions(SecretKind::kNonce);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "STORE_UNAVAILABLE");
  EXPECT_EQ(v.error().message.find("not-hex-secret-value"), std::string::npos);
}

TEST(SsmNonce, ThrottlingIsRetried) {
  test::FakeSsm ssm;
  ssm.put(kNonce, kV1);
  ssm.throttle_next(2);
  auto v = make_ssm_nonce_source(ssm_at(ssm.url()), kNonce, kSalt)->versions(SecretKind::kNonce);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->front().value, kV1);
}

TEST(SsmNonce, UnreachableSsmFailsClosedAndRetryable) {
  int port;
  {
    test::FakeHttpServer gone([](const test::FakeRequest&) { return test::FakeResponse{}; });
    port = gone.port();
  }
  auto v = make_ssm_nonce_source(ssm_at("http://127.0.0.1:" + std::to_string(port)), kNonce, kSalt)
               ->versions(SecretKind::kOrgSalt);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "STORE_UNAVAILABLE");
  EXPECT_TRUE(v.error().retryable);
}

TEST(SsmNonce, OrgSaltParameterDefaultsBesideTheNonce) {
  Config c;
  c.nonce_parameter_name = "/guardian/prod/redaction_nonce";
  if (!env_var("ORG_SALT_PARAMETER_NAME")) {
    EXPECT_EQ(org_salt_parameter_name(c), "/guardian/prod/redaction_nonce-org-salt");
  }
}

}  // namespace
}  // namespace pm::store::dynamodb
