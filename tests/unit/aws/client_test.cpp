// The JSON-protocol client against a loopback fake: signing headers, standard
// retry (what is retried and what is not), typed errors, sanitised messages.
#include "aws/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "support/fake_http_server.hpp"

namespace pm::aws {
namespace {

using test::FakeHttpServer;
using test::FakeRequest;
using test::FakeResponse;

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::shared_ptr<CredentialsChain> static_chain(const std::string& id = "AKIDTEST",
                                               const std::string& secret = "secret-key-value") {
  ChainOptions o;
  o.env = env_of({{"AWS_ACCESS_KEY_ID", id}, {"AWS_SECRET_ACCESS_KEY", secret}});
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(environment_provider(o));
  return std::make_shared<CredentialsChain>(std::move(providers), o);
}

struct Harness {
  explicit Harness(FakeHttpServer::Handler h, std::chrono::milliseconds timeout = std::chrono::milliseconds(2000))
      : server(std::move(h)) {
    ClientOptions o;
    o.endpoint = server.url();
    o.timeout = timeout;
    o.backoff_base = std::chrono::milliseconds(1);
    o.sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
    client = std::make_unique<JsonClient>(dynamodb_service(), o, static_chain());
  }
  FakeHttpServer server;
  std::vector<std::chrono::milliseconds> sleeps;
  std::unique_ptr<JsonClient> client;
};

FakeResponse ok_json(const std::string& body) {
  FakeResponse r;
  r.headers = {{"Content-Type", "application/x-amz-json-1.0"}};
  r.body = body;
  return r;
}

TEST(JsonClient, SendsASignedJsonProtocolRequest) {
  Harness h([](const FakeRequest&) { return ok_json(R"({"Item":{"pk":{"S":"a"}}})"); });
  auto r = h.client->call("GetItem", Json{{"TableName", "t"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["Item"]["pk"]["S"], "a");
  auto reqs = h.server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/");
  EXPECT_EQ(reqs[0].header("x-amz-target"), "DynamoDB_20120810.GetItem");
  EXPECT_EQ(reqs[0].header("content-type"), "application/x-amz-json-1.0");
  EXPECT_EQ(reqs[0].header("host"), "127.0.0.1:" + std::to_string(h.server.port()));
  EXPECT_EQ(reqs[0].header("authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDTEST/", 0), 0u);
  EXPECT_NE(reqs[0].header("authorization").find("/us-east-1/dynamodb/aws4_request"), std::string::npos);
  EXPECT_EQ(Json::parse(reqs[0].body), Json({{"TableName", "t"}}));
}

TEST(JsonClient, RetriesThrottlingWithBackoffThenSucceeds) {
  std::atomic<int> n{0};
  Harness h([&](const FakeRequest&) {
    if (n++ < 2) return test::aws_json_error(400, "ProvisionedThroughputExceededException", "slow down");
    return ok_json("{}");
  });
  auto r = h.client->call("PutItem", Json::object());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(h.server.request_count(), 3u);
  EXPECT_EQ(h.sleeps.size(), 2u);
}

TEST(JsonClient, ThrottledOnEveryAttemptIsRateLimitedWithRetryAfter) {
  Harness h([](const FakeRequest&) { return test::aws_json_error(400, "ThrottlingException", "Rate exceeded"); });
  auto r = h.client->call("Query", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "RATE_LIMITED");
  EXPECT_TRUE(r.error().retryable);
  ASSERT_TRUE(r.error().retry_after_ms.has_value());
  EXPECT_GT(*r.error().retry_after_ms, 0);
  EXPECT_EQ(r.error().details["attempts"], 3);
  EXPECT_EQ(r.error().details["reason"], "throttled");
  EXPECT_EQ(h.server.request_count(), 3u);
}

TEST(JsonClient, ServerErrorsAreRetriedThenUnavailable) {
  Harness h([](const FakeRequest&) {
    FakeResponse r;
    r.status = 500;
    r.body = "<html>oops</html>";
    return r;
  });
  auto r = h.client->call("GetItem", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_TRUE(r.error().retryable);
  EXPECT_EQ(r.error().details["httpStatus"], 500);
  EXPECT_EQ(h.server.request_count(), 3u);
}

TEST(JsonClient, ValidationErrorsAreNotRetried) {
  Harness h([](const FakeRequest&) {
    return test::aws_json_error(400, "ValidationException", "One or more parameter values were invalid");
  });
  auto r = h.client->call("PutItem", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_FALSE(r.error().retryable);
  EXPECT_EQ(failure_reason(r.error()), "validation");
  EXPECT_EQ(aws_error_type(r.error()), "ValidationException");
  EXPECT_EQ(h.server.request_count(), 1u);
}

TEST(JsonClient, AccessDeniedIsNotRetriedAndHidesAccountAndArns) {
  Harness h([](const FakeRequest&) {
    return test::aws_json_error(400, "AccessDeniedException",
                                "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform "
                                "dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/fp "
                                "with key AKIAIOSFODNN7EXAMPLE");
  });
  auto r = h.client->call("GetItem", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.error().retryable);
  EXPECT_EQ(failure_reason(r.error()), "access_denied");
  const std::string text = r.error().message + dump_line(r.error().details);
  EXPECT_EQ(text.find("123456789012"), std::string::npos) << text;
  EXPECT_EQ(text.find("arn:aws"), std::string::npos) << text;
  EXPECT_EQ(text.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << text;
  EXPECT_EQ(text.find("secret-key-value"), std::string::npos) << text;
  EXPECT_EQ(h.server.request_count(), 1u);
}

TEST(JsonClient, CredentialValuesReflectedByTheEndpointAreRedacted) {
  // A misbehaving endpoint echoes the secret key and session token of the
  // request (raw, URL-encoded, and as the error type) in its error body.
  constexpr const char* kSecret = "Reflected/Secret+Key9f8e7d6c5b4a3210zyx";
  constexpr const char* kToken = "ReflectedSessionTokenQm9ndXNUb2tlbg";
  FakeHttpServer server([&](const FakeRequest&) {
    return test::aws_json_error(400, kToken,
                                std::string("bad signature for ") + kSecret +
                                    " / Reflected%2FSecret%2BKey9f8e7d6c5b4a3210zyx"
                                    " with token " +
                                    kToken);
  });
  ChainOptions o;
  o.env =
      env_of({{"AWS_ACCESS_KEY_ID", "AKIDREFLECT"}, {"AWS_SECRET_ACCESS_KEY", kSecret}, {"AWS_SESSION_TOKEN", kToken}});
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(environment_provider(o));
  ClientOptions co;
  co.endpoint = server.url();
  co.sleep = [](std::chrono::milliseconds) {};
  JsonClient client(dynamodb_service(), co, std::make_shared<CredentialsChain>(std::move(providers), o));
  auto r = client.call("GetItem", Json::object());
  ASSERT_FALSE(r.ok());
  const std::string text = r.error().message + dump_line(r.error().details);
  EXPECT_EQ(text.find("Reflected"), std::string::npos) << text;
  EXPECT_NE(text.find("<redacted>"), std::string::npos) << text;
  // A document in the error-type field is not repeated as a type.
  FakeHttpServer odd([](const FakeRequest&) { return test::aws_json_error(400, "not a {type}", "x"); });
  co.endpoint = odd.url();
  JsonClient plain(dynamodb_service(), co, static_chain());
  auto e = plain.call("GetItem", Json::object());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().details["awsErrorType"], "UnreadableErrorType");
}

TEST(JsonClient, GarbageOnSuccessIsABadResponse) {
  Harness h([](const FakeRequest&) { return ok_json("{not json"); });
  auto r = h.client->call("GetItem", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_EQ(failure_reason(r.error()), "bad_response");
}

TEST(JsonClient, ConditionFailuresAreTypedAndNotRetried) {
  Harness h([](const FakeRequest&) {
    return test::aws_json_error(400, "ConditionalCheckFailedException", "The conditional request failed");
  });
  auto r = h.client->call("PutItem", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(failure_reason(r.error()), "condition_failed");
  EXPECT_EQ(h.server.request_count(), 1u);
}

TEST(JsonClient, SlowServerTimesOutAndIsRetried) {
  Harness h(
      [](const FakeRequest&) {
        FakeResponse r = ok_json("{}");
        r.delay = std::chrono::milliseconds(600);
        return r;
      },
      std::chrono::milliseconds(100));
  auto r = h.client->call("GetItem", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_TRUE(r.error().retryable);
  EXPECT_EQ(failure_reason(r.error()), "timeout");
  EXPECT_EQ(r.error().details["attempts"], 3);
}

TEST(JsonClient, ConnectionRefusedIsUnavailableAndRetried) {
  int port;
  {
    FakeHttpServer closed([](const FakeRequest&) { return FakeResponse{}; });
    port = closed.port();
  }
  ClientOptions o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(port);
  int sleeps = 0;
  o.sleep = [&](std::chrono::milliseconds) { ++sleeps; };
  JsonClient client(dynamodb_service(), o, static_chain());
  auto r = client.call("GetItem", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_TRUE(r.error().retryable);
  EXPECT_EQ(failure_reason(r.error()), "unavailable");
  EXPECT_EQ(sleeps, 2);
}

TEST(JsonClient, MissingCredentialsFailWithoutCallingTheService) {
  Harness h([](const FakeRequest&) { return ok_json("{}"); });
  ChainOptions co;
  co.env = env_of({{"AWS_EC2_METADATA_DISABLED", "true"}, {"HOME", "/nonexistent"}});
  ClientOptions o;
  o.endpoint = h.server.url();
  JsonClient client(dynamodb_service(), o, std::make_shared<CredentialsChain>(co));
  auto r = client.call("GetItem", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_FALSE(r.error().retryable);
  EXPECT_EQ(failure_reason(r.error()), "credentials");
  EXPECT_EQ(h.server.request_count(), 0u);
}

TEST(Endpoint, ServiceVariableBeatsGlobalBeatsRegionalDefault) {
  EXPECT_EQ(resolve_endpoint(dynamodb_service(), "eu-west-1", env_of({})), "https://dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(resolve_endpoint(ssm_service(), "eu-west-1", env_of({{"AWS_ENDPOINT_URL", "http://localhost:4566"}})),
            "http://localhost:4566");
  EXPECT_EQ(resolve_endpoint(ssm_service(), "eu-west-1",
                             env_of({{"AWS_ENDPOINT_URL", "http://a"}, {"AWS_ENDPOINT_URL_SSM", "http://b"}})),
            "http://b");
  EXPECT_EQ(resolve_endpoint(dynamodb_service(), "eu-west-1",
                             env_of({{"AWS_ENDPOINT_URL", "http://a"}, {"AWS_ENDPOINT_URL_SSM", "http://b"}})),
            "http://a");
}

TEST(Retry, BackoffIsFullJitterUnderTheExponentialCeilingAndTheCap) {
  using std::chrono::milliseconds;
  for (int attempt = 0; attempt < 12; ++attempt) {
    long long ceiling = std::min<long long>(20000, 100LL << attempt);
    for (int i = 0; i < 50; ++i) {
      auto d = backoff_delay(attempt, milliseconds(100), milliseconds(20000));
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d.count(), ceiling);
    }
  }
}

TEST(Retry, ClassifiesThrottlingAndTransientErrors) {
  EXPECT_TRUE(is_throttling_error("ProvisionedThroughputExceededException", 400));
  EXPECT_TRUE(is_throttling_error("RequestLimitExceeded", 400));
  EXPECT_TRUE(is_throttling_error("TooManyRequestsException", 400));
  EXPECT_TRUE(is_throttling_error("", 429));
  EXPECT_FALSE(is_throttling_error("ValidationException", 400));
  EXPECT_TRUE(is_transient_error("", 503));
  EXPECT_TRUE(is_transient_error("InternalServerError", 500));
  EXPECT_FALSE(is_transient_error("AccessDeniedException", 400));
}

TEST(Sanitize, RemovesArnsAccountIdsAndAccessKeys) {
  EXPECT_EQ(sanitize_aws_message("on arn:aws:dynamodb:us-east-1:123456789012:table/x, account 123456789012"),
            "on <arn>, account <account>");
  EXPECT_EQ(sanitize_aws_message("key ASIAIOSFODNN7EXAMPLE used"), "key <access-key> used");
  EXPECT_EQ(sanitize_aws_message("limit 1234 items"), "limit 1234 items");
}

TEST(Url, ParsesAuthorityAndDefaultPorts) {
  auto u = parse_url("http://127.0.0.1:8000/path?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->authority(), "127.0.0.1:8000");
  EXPECT_EQ(u->path, "/path");
  EXPECT_EQ(u->query, "x=1");
  EXPECT_EQ(parse_url("https://dynamodb.us-east-1.amazonaws.com:443")->authority(), "dynamodb.us-east-1.amazonaws.com");
  EXPECT_FALSE(parse_url("ftp://x"));
  EXPECT_FALSE(parse_url("http://user:pw@host/"));
}

}  // namespace
}  // namespace pm::aws

namespace pm::aws {
namespace {

class CountingProvider final : public CredentialsProvider {
 public:
  explicit CountingProvider(int* loads) : loads_(loads) {}
  const char* name() const override { return "counting"; }
  Result<std::optional<Credentials>> load() override {
    ++*loads_;
    Credentials c{"ASIACOUNT" + std::to_string(*loads_), "s", "t",
                  std::chrono::system_clock::now() + std::chrono::hours(1), name()};
    return std::optional<Credentials>{c};
  }

 private:
  int* loads_;
};

TEST(JsonClient, ExpiredTokenRefreshesTheCredentialsAndRetriesOnce) {
  std::atomic<int> n{0};
  FakeHttpServer server([&](const FakeRequest&) {
    if (n++ == 0) return test::aws_json_error(400, "ExpiredTokenException", "The security token included has expired");
    return FakeResponse{200, {}, "{}", {}, false};
  });
  int loads = 0;
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<CountingProvider>(&loads));
  ClientOptions o;
  o.endpoint = server.url();
  o.sleep = [](std::chrono::milliseconds) {};
  JsonClient client(dynamodb_service(), o, std::make_shared<CredentialsChain>(std::move(providers), ChainOptions{}));
  auto r = client.call("GetItem", Json::object());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(loads, 2);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_NE(reqs[1].header("authorization").find("ASIACOUNT2/"), std::string::npos);
}

TEST(JsonClient, InvalidEndpointIsAConfigurationError) {
  ClientOptions o;
  o.endpoint = "not a url";
  JsonClient client(dynamodb_service(), o, static_chain());
  auto r = client.call("GetItem", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "STORE_UNAVAILABLE");
  EXPECT_FALSE(r.error().retryable);
  EXPECT_NE(r.error().message.find("endpoint"), std::string::npos);
}

}  // namespace
}  // namespace pm::aws
