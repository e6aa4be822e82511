// The credential chain through the standard variables, against loopback fakes
// of STS, the ECS container endpoint and EC2 instance metadata (IMDSv2).
#include "aws/credentials.hpp"

#include <gtest/gtest.h>

#include <map>

#include "support/fake_http_server.hpp"
#include "support/server_process.hpp"
#include "util/time.hpp"

namespace pm::aws {
namespace {

using test::FakeHttpServer;
using test::FakeRequest;
using test::FakeResponse;

ChainOptions options_with(std::map<std::string, std::string> vars) {
  vars.emplace("HOME", "/nonexistent-home");
  if (!vars.count("AWS_EC2_METADATA_SERVICE_ENDPOINT")) vars.emplace("AWS_EC2_METADATA_DISABLED", "true");
  ChainOptions o;
  o.env = [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  o.metadata_timeout = std::chrono::milliseconds(500);
  return o;
}

std::string in_minutes(int m) {
  return iso8601_ms(std::chrono::system_clock::now() + std::chrono::minutes(m));
}

FakeResponse json_creds(const std::string& id, int expires_in_minutes) {
  FakeResponse r;
  r.body = dump_line(Json{{"Code", "Success"},
                          {"AccessKeyId", id},
                          {"SecretAccessKey", "secret-" + id},
                          {"Token", "token-" + id},
                          {"Expiration", in_minutes(expires_in_minutes)}});
  return r;
}

// IMDSv2: PUT token, GET role name, GET role credentials.
struct FakeImds {
  explicit FakeImds(int expires_in_minutes = 60)
      : server([this, expires_in_minutes](const FakeRequest& r) -> FakeResponse {
          if (r.method == "PUT" && r.target == "/latest/api/token") {
            if (r.header("x-aws-ec2-metadata-token-ttl-seconds").empty()) return FakeResponse{400, {}, "", {}, false};
            return FakeResponse{200, {}, "imds-session-token", {}, false};
          }
          if (r.header("x-aws-ec2-metadata-token") != "imds-session-token") return FakeResponse{401, {}, "", {}, false};
          if (r.target == "/latest/meta-data/iam/security-credentials/")
            return FakeResponse{200, {}, "app-role\n", {}, false};
          if (r.target == "/latest/meta-data/iam/security-credentials/app-role") {
            return json_creds("ASIAIMDS" + std::to_string(++issued), expires_in_minutes);
          }
          return FakeResponse{404, {}, "", {}, false};
        }) {}
  int issued = 0;
  FakeHttpServer server;
};

TEST(Credentials, EnvironmentVariablesComeFirst) {
  FakeImds imds;
  CredentialsChain chain(options_with({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                       {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                                       {"AWS_SESSION_TOKEN", "env-token"},
                                       {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url()}}));
  auto c = chain.get();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->session_token, "env-token");
  EXPECT_EQ(c->source, "environment");
  EXPECT_EQ(imds.server.request_count(), 0u);
}

TEST(Credentials, HalfAnEnvironmentKeyPairIsAnErrorThatLeaksNothing) {
  CredentialsChain chain(options_with({{"AWS_SECRET_ACCESS_KEY", "very-secret-value"}}));
  auto c = chain.get();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "STORE_UNAVAILABLE");
  EXPECT_FALSE(c.error().retryable);
  EXPECT_EQ(c.error().message.find("very-secret-value"), std::string::npos);
}

TEST(Credentials, SharedFilesHonourAwsProfileAndConfigProfiles) {
  test::TempDir dir;
  std::string creds = dir.write("credentials",
                                "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s0\n\n"
                                "[dev]\naws_access_key_id=AKIDDEV\naws_secret_access_key=s1\naws_session_token=t1\n");
  std::string config = dir.write("config",
                                 "[default]\nregion = eu-west-1\n[profile   ci]\n# comment\n"
                                 "aws_access_key_id = AKIDCI\naws_secret_access_key = s2\n");
  auto with_profile = [&](const std::string& profile) {
    std::map<std::string, std::string> vars{{"AWS_SHARED_CREDENTIALS_FILE", creds}, {"AWS_CONFIG_FILE", config}};
    if (!profile.empty()) vars["AWS_PROFILE"] = profile;
    CredentialsChain chain(options_with(vars));
    return chain.get();
  };
  auto d = with_profile("");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->access_key_id, "AKIDDEFAULT");
  auto dev = with_profile("dev");
  ASSERT_TRUE(dev.ok());
  EXPECT_EQ(dev->access_key_id, "AKIDDEV");
  EXPECT_EQ(dev->session_token, "t1");
  auto ci = with_profile("ci");
  ASSERT_TRUE(ci.ok());
  EXPECT_EQ(ci->access_key_id, "AKIDCI");
  EXPECT_EQ(ci->source, "shared-files");
  auto missing = with_profile("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().details["reason"], "credentials");
}

TEST(Credentials, WebIdentityCallsStsAssumeRoleWithWebIdentity) {
  test::TempDir dir;
  std::string token_file = dir.write("token", "eyJ.web.identity\n");
  FakeHttpServer sts([](const FakeRequest& r) {
    if (r.method != "POST" || r.body.find("Action=AssumeRoleWithWebIdentity") == std::string::npos) {
      return FakeResponse{
          400, {}, "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>", {}, false};
    }
    FakeResponse ok;
    ok.headers = {{"Content-Type", "text/xml"}};
    ok.body =
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<AssumeRoleWithWebIdentityResult><Credentials>"
        "<SessionToken>sts-token&amp;more</SessionToken><SecretAccessKey>sts-secret</SecretAccessKey>"
        "<Expiration>" +
        in_minutes(60) +
        "</Expiration><AccessKeyId>ASIASTS</AccessKeyId></Credentials>"
        "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
    return ok;
  });
  CredentialsChain chain(options_with({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                                       {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci"},
                                       {"AWS_ROLE_SESSION_NAME", "test-session"},
                                       {"AWS_ENDPOINT_URL_STS", sts.url()}}));
  auto c = chain.get();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIASTS");
  EXPECT_EQ(c->session_token, "sts-token&more");
  EXPECT_TRUE(c->expiration.has_value());
  auto reqs = sts.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_NE(reqs[0].body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci"), std::string::npos);
  EXPECT_NE(reqs[0].body.find("RoleSessionName=test-session"), std::string::npos);
  // The token file's trailing newline is not part of the token.
  const std::string tail = "&WebIdentityToken=eyJ.web.identity";
  EXPECT_EQ(reqs[0].body.substr(reqs[0].body.size() - tail.size()), tail) << reqs[0].body;
  EXPECT_EQ(reqs[0].header("authorization"), "");  // the call is unsigned
}

TEST(Credentials, WebIdentityRejectionIsReportedWithTheStsCode) {
  test::TempDir dir;
  std::string token_file = dir.write("token", "bad");
  FakeHttpServer sts([](const FakeRequest&) {
    return FakeResponse{
        400, {}, "<ErrorResponse><Error><Code>InvalidIdentityToken</Code></Error></ErrorResponse>", {}, false};
  });
  CredentialsChain chain(options_with({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                                       {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci"},
                                       {"AWS_ENDPOINT_URL", sts.url()}}));
  auto c = chain.get();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("InvalidIdentityToken"), std::string::npos);
  EXPECT_EQ(c.error().message.find("123456789012"), std::string::npos);
  EXPECT_FALSE(c.error().retryable);
}

TEST(Credentials, ContainerFullUriWithAuthorizationTokenFile) {
  test::TempDir dir;
  std::string token_file = dir.write("ecs-token", "ecs-auth-token\n");
  FakeHttpServer ecs([](const FakeRequest& r) {
    if (r.target != "/v2/credentials/abc" || r.header("authorization") != "ecs-auth-token") {
      return FakeResponse{401, {}, "", {}, false};
    }
    return json_creds("ASIAECS", 60);
  });
  CredentialsChain chain(options_with({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/v2/credentials/abc"},
                                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file},
                                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-file-set"}}));
  auto c = chain.get();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAECS");
  EXPECT_EQ(c->session_token, "token-ASIAECS");
  EXPECT_EQ(c->source, "container");
}

TEST(Credentials, ContainerFullUriMustBeLoopbackWhenPlainHttp) {
  CredentialsChain chain(options_with({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://203.0.113.9/creds"}}));
  auto c = chain.get();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("loopback"), std::string::npos);
}

TEST(Credentials, ImdsV2TokenThenRoleThenCredentials) {
  FakeImds imds;
  CredentialsChain chain(options_with({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url()}}));
  auto c = chain.get();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAIMDS1");
  EXPECT_EQ(c->source, "instance-metadata");
  auto reqs = imds.server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[1].target, "/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(reqs[2].target, "/latest/meta-data/iam/security-credentials/app-role");
}

TEST(Credentials, ImdsCanBeDisabled) {
  FakeImds imds;
  auto o = options_with({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url()}});
  auto env = o.env;
  o.env = [env](const char* n) -> std::optional<std::string> {
    if (std::string(n) == "AWS_EC2_METADATA_DISABLED") return std::string("TRUE");
    return env(n);
  };
  CredentialsChain chain(o);
  auto c = chain.get();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("no credentials found"), std::string::npos);
  EXPECT_EQ(imds.server.request_count(), 0u);
}

TEST(Credentials, TemporaryCredentialsAreCachedUntilNearExpiry) {
  FakeImds long_lived(60);
  CredentialsChain chain(options_with({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", long_lived.server.url()}}));
  ASSERT_TRUE(chain.get().ok());
  auto again = chain.get();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->access_key_id, "ASIAIMDS1");
  EXPECT_EQ(long_lived.server.request_count(), 3u);

  FakeImds short_lived(2);  // inside the five-minute refresh margin
  CredentialsChain chain2(options_with({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", short_lived.server.url()}}));
  ASSERT_TRUE(chain2.get().ok());
  auto refreshed = chain2.get();
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ(refreshed->access_key_id, "ASIAIMDS2");
}

TEST(Credentials, UnreachableImdsEndsTheChainWithNoCredentials) {
  int port;
  {
    FakeHttpServer gone([](const FakeRequest&) { return FakeResponse{}; });
    port = gone.port();
  }
  CredentialsChain chain(
      options_with({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:" + std::to_string(port)}}));
  auto c = chain.get();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "STORE_UNAVAILABLE");
  EXPECT_FALSE(c.error().retryable);
}

}  // namespace
}  // namespace pm::aws

namespace pm::aws {
namespace {

TEST(Credentials, AnImdsThatDoesNotAnswerIsNotProbedOnEveryCall) {
  FakeHttpServer silent([](const FakeRequest&) {
    FakeResponse r;
    r.delay = std::chrono::milliseconds(1500);
    return r;
  });
  auto o = options_with({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", silent.url()}});
  o.metadata_timeout = std::chrono::milliseconds(100);
  CredentialsChain chain(o);
  EXPECT_FALSE(chain.get().ok());
  EXPECT_FALSE(chain.get().ok());
  EXPECT_EQ(silent.request_count(), 1u);
}

}  // namespace
}  // namespace pm::aws

namespace pm::aws {
namespace {

TEST(Credentials, ContainerAuthorizationTokenFromTheVariable) {
  FakeHttpServer ecs([](const FakeRequest& r) {
    if (r.header("authorization") != "plain-token") return FakeResponse{401, {}, "", {}, false};
    return json_creds("ASIAECSPLAIN", 60);
  });
  CredentialsChain chain(options_with({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds"},
                                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "plain-token"}}));
  auto c = chain.get();
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAECSPLAIN");
}

TEST(Credentials, ContainerEndpointRejectionIsAnError) {
  FakeHttpServer ecs([](const FakeRequest&) { return FakeResponse{403, {}, "denied", {}, false}; });
  CredentialsChain chain(options_with({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/creds"}}));
  auto c = chain.get();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("HTTP 403"), std::string::npos);
  EXPECT_FALSE(c.error().retryable);
}

}  // namespace
}  // namespace pm::aws
