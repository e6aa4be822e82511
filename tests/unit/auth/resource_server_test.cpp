#include "auth/resource_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "support/fake_http_server.hpp"
#include "support/jwt_issuer.hpp"
#include "support/server_process.hpp"
#include "util/crypto.hpp"

extern "C" const pm::auth::SignatureChecker* pm_http_signature_checker();

namespace pm::auth {
namespace {

AuthConfig config(const std::string& resource = "https://mcp.example.test/team/mcp") {
  AuthConfig c;
  c.resource = resource;
  c.static_tokens = {{"ci", sha256_hex("s3cret"), {"phase-mirror:analyze"}, "acme"}};
  c.tool_scopes = {{"query_fp_store", "phase-mirror:fp"}};
  return c;
}

TEST(ResourceServer, BearerSchemeIsCaseInsensitiveAndTheTokenExact) {
  const ResourceServer rs(config());
  for (const std::string h : {"Bearer s3cret", "bearer s3cret", "BEARER s3cret"}) {
    auto v = rs.authenticate(&h);
    ASSERT_TRUE(std::holds_alternative<Principal>(v)) << h;
    EXPECT_EQ(std::get<Principal>(v).name, "ci");
    EXPECT_EQ(std::get<Principal>(v).org, "acme");
  }
  for (const std::string h : {"Bearer s3cret ", "Bearer S3cret", "Bearer ", "Token s3cret", "Bearers3cret"}) {
    auto v = rs.authenticate(&h);
    ASSERT_TRUE(std::holds_alternative<Denial>(v)) << h;
    EXPECT_EQ(std::get<Denial>(v).status, 401);
  }
  EXPECT_EQ(std::get<Denial>(rs.authenticate(nullptr)).error, "");
}

TEST(ResourceServer, ScopesByMethodAndTool) {
  const ResourceServer rs(config());
  EXPECT_EQ(rs.required_scope("tools/call", Json{{"name", "query_fp_store"}}), "phase-mirror:fp");
  EXPECT_EQ(rs.required_scope("tools/call", Json{{"name", "analyze_dissonance"}}), kDefaultScope);
  EXPECT_EQ(rs.required_scope("resources/read", Json::object()), kDefaultScope);
  EXPECT_EQ(rs.required_scope("prompts/get", Json::object()), kDefaultScope);
  EXPECT_EQ(rs.required_scope("completion/complete", Json::object()), kDefaultScope);
  for (const char* open : {"initialize", "ping", "tools/list", "logging/setLevel"}) {
    EXPECT_EQ(rs.required_scope(open, Json::object()), "") << open;
  }
}

TEST(ResourceServer, MetadataLivesUnderTheResourcesPath) {
  const ResourceServer rs(config());
  EXPECT_EQ(rs.metadata_path(), "/.well-known/oauth-protected-resource/team/mcp");
  EXPECT_EQ(rs.metadata_url(), "https://mcp.example.test/.well-known/oauth-protected-resource/team/mcp");
  const ResourceServer root(config("https://mcp.example.test"));
  EXPECT_EQ(root.metadata_path(), "/.well-known/oauth-protected-resource");
  EXPECT_EQ(rs.challenge(Denial{403, "insufficient_scope", "needs \"x\"", "phase-mirror:fp"}),
            "Bearer resource_metadata=\"https://mcp.example.test/.well-known/oauth-protected-resource/team/mcp\", "
            "error=\"insufficient_scope\", error_description=\"needs \\\"x\\\"\", scope=\"phase-mirror:fp\"");
}

TEST(AuthConfigFile, EveryMistakeNamesItsField) {
  const std::string hash = sha256_hex("t");
  auto err = [](const std::string& text) {
    auto r = parse_auth_config(text, "auth.json");
    return r ? std::string("accepted") : r.error().message;
  };
  const std::string token = R"({"name":"a","sha256":")" + hash + R"("})";
  EXPECT_EQ(err("[]"), "auth.json: not a JSON object");
  EXPECT_EQ(err(R"({"resource":)" + std::string(2'000'000, '[') + std::string(2'000'000, ']') + "}"),
            "auth.json nests arrays/objects deeper than the limit of 512 levels");
  EXPECT_EQ(err("{"), "auth.json is not valid JSON");
  EXPECT_EQ(err(R"({"staticTokens":[)" + token + "]}"),
            "auth.json: resource is required: this server's URI, e.g. https://mcp.example.com/mcp");
  EXPECT_EQ(err(R"({"resource":"ftp://x","staticTokens":[)" + token + "]}"),
            "auth.json: resource must be an http(s) URI");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","staticTokens":[]})"),
            "auth.json: staticTokens is empty and there is no jwt section: no token could ever be accepted");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","staticToken":[]})"),
            "auth.json: staticToken is not a setting (misspelt?)");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","staticTokens":[)" + token + "," + token + "]}"),
            "auth.json: staticTokens[1].name repeats another token's name");
  EXPECT_EQ(
      err(R"({"resource":"https://x/mcp","staticTokens":[{"name":"a","sha256":")" + hash + R"(","scope":["x"]}]})"),
      "auth.json: staticTokens[0].scope is not a setting of a token");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","toolScopes":{"query_fp_store":""},"staticTokens":[)" + token + "]}"),
            "auth.json: toolScopes.query_fp_store must be a scope (a non-empty string)");
  EXPECT_EQ(err(R"({"resource":"https://x/mcp","staticTokens":[)" + token + "]}"), "accepted");
}

// JWT and static tokens side by side, as the configuration file sets them up.
const std::string kJwtIssuer = "https://login.example.test";
const std::string kCiToken = "ci-token-3b9e51c07a6d42f8b1e0c5d9a7f3e216";
// Shaped like a JWT (two dots): static tokens are matched before any JWT check.
const std::string kBotToken = "bot.token.8f41d2a6c9e05b37d1f2a8c4e6b90d13";

const test::JwtIssuer& team_issuer() {
  static const test::JwtIssuer i(test::JwtIssuer::Alg::kES256, "team-1");
  return i;
}

std::string team_token(const std::string& org = "acme", const std::string& scope = "phase-mirror:analyze") {
  const long long now = test::unix_now();
  return team_issuer().sign({{"iss", kJwtIssuer},
                             {"aud", "https://mcp.example.test/mcp"},
                             {"sub", "alice"},
                             {"exp", now + 600},
                             {"scope", scope},
                             {"tenant", org}});
}

Result<AuthConfig> team_config(const test::TempDir& dir, Json jwt) {
  dir.write("tokens/bot", kBotToken + "\n");
  const Json j = {{"resource", "https://mcp.example.test/mcp"},
                  {"jwt", std::move(jwt)},
                  {"staticTokens",
                   {{{"name", "ci"}, {"tokenEnv", "PM_TEST_CI_TOKEN"}, {"scopes", {"phase-mirror:analyze"}}},
                    {{"name", "bot"}, {"tokenFile", "tokens/bot"}, {"scopes", {"phase-mirror:analyze"}}}}}};
  return parse_auth_config(j.dump(), dir.path() + "/auth.json");
}

class TeamAuth : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("PM_TEST_CI_TOKEN", kCiToken.c_str(), 1); }
  void TearDown() override { ::unsetenv("PM_TEST_CI_TOKEN"); }
  test::TempDir dir;
};

TEST_F(TeamAuth, JwtFromAJwksFileAndStaticTokensFromEnvAndFile) {
  const std::string jwks = dir.write("jwks.json", test::jwks_of({&team_issuer()}).dump());
  auto c = team_config(dir, {{"issuer", kJwtIssuer}, {"jwksFile", jwks}, {"orgClaim", "tenant"}});
  ASSERT_TRUE(c) << c.error().message;
  ResourceServer rs(std::move(*c), pm_http_signature_checker());
  ASSERT_TRUE(rs.start());
  EXPECT_EQ(rs.not_ready(), std::nullopt);
  EXPECT_EQ(rs.metadata()["authorization_servers"], Json::array({kJwtIssuer}));

  const std::string jwt = "Bearer " + team_token();
  auto v = rs.authenticate(&jwt);
  ASSERT_TRUE(std::holds_alternative<Principal>(v));
  EXPECT_EQ(std::get<Principal>(v).subject, "jwt:alice");
  EXPECT_EQ(std::get<Principal>(v).org, "acme");
  for (const auto& [token, subject] : {std::pair{kCiToken, "token:ci"}, std::pair{kBotToken, "token:bot"}}) {
    const std::string h = "Bearer " + token;
    auto s = rs.authenticate(&h);
    ASSERT_TRUE(std::holds_alternative<Principal>(s)) << subject;
    EXPECT_EQ(std::get<Principal>(s).subject, subject);
  }
  const std::string wrong = "Bearer " + kCiToken.substr(1);
  EXPECT_EQ(std::get<Denial>(rs.authenticate(&wrong)).error, "invalid_token");
}

TEST_F(TeamAuth, AnOrganisationTokenCallsForItsOrganisationOnly) {
  const std::string jwks = dir.write("jwks.json", test::jwks_of({&team_issuer()}).dump());
  auto c = team_config(dir, {{"issuer", kJwtIssuer}, {"jwksFile", jwks}, {"orgClaim", "tenant"}});
  ASSERT_TRUE(c) << c.error().message;
  const ResourceServer rs(std::move(*c), pm_http_signature_checker());
  const Principal acme{"alice", "jwt:alice", {"phase-mirror:analyze", "phase-mirror:fp"}, "acme"};
  auto call = [](Json args) { return Json{{"name", "query_fp_store"}, {"arguments", std::move(args)}}; };
  EXPECT_EQ(rs.authorize(acme, "tools/call", call({{"orgId", "acme"}, {"queryType", "fp_rate"}})), std::nullopt);
  EXPECT_EQ(rs.authorize(acme, "tools/call", call({{"queryType", "fp_rate"}})), std::nullopt);
  for (const Json& other : {Json("globex"), Json(7)}) {
    auto d = rs.authorize(acme, "tools/call", call({{"orgId", other}}));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, 403);
    EXPECT_EQ(d->error, "insufficient_scope");
    EXPECT_EQ(d->description, "this token acts for one organisation, and orgId names another");
  }
  const Principal any{"ci", "token:ci", {"phase-mirror:analyze", "phase-mirror:fp"}, ""};
  EXPECT_EQ(rs.authorize(any, "tools/call", call({{"orgId", "globex"}})), std::nullopt);
  // The scope is checked first; query_fp_store has no toolScopes entry here: the default scope.
  const Principal narrow{"alice", "jwt:alice", {"phase-mirror:fp"}, "acme"};
  auto d = rs.authorize(narrow, "tools/call", call({{"orgId", "globex"}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->scope, "phase-mirror:analyze");
  EXPECT_EQ(rs.authorize(narrow, "tools/list", Json::object()), std::nullopt);
}

TEST_F(TeamAuth, TheJwtAndTokenSettingsNameTheirMistakes) {
  auto err = [&](Json jwt) {
    auto r = team_config(dir, std::move(jwt));
    return r ? std::string("accepted") : r.error().message.substr(r.error().message.find(": ") + 2);
  };
  EXPECT_EQ(err({{"jwksFile", "j"}}), "jwt.issuer is required: the authorization server's issuer, as its tokens' iss");
  EXPECT_EQ(err({{"issuer", kJwtIssuer}}), "jwt needs one of jwksUri and jwksFile");
  EXPECT_EQ(err({{"issuer", kJwtIssuer}, {"jwksFile", "j"}, {"jwksUri", "https://x/j"}}),
            "jwt needs one of jwksUri and jwksFile");
  EXPECT_EQ(err({{"issuer", kJwtIssuer}, {"jwksUri", "http://login.example.test/jwks"}}),
            "jwt.jwksUri must be an https:// URL (http:// only on loopback)");
  EXPECT_EQ(err({{"issuer", kJwtIssuer}, {"jwksUri", "http://127.0.0.1:9/jwks"}}), "accepted");
  EXPECT_EQ(err({{"issuer", kJwtIssuer}, {"jwksFile", "j"}, {"clockSkewSeconds", 301}}),
            "jwt.clockSkewSeconds must be a whole number of seconds from 0 to 300");
  EXPECT_EQ(err({{"issuer", kJwtIssuer}, {"jwksFile", "j"}, {"audience", "x"}}),
            "jwt.audience is not a setting (misspelt?)");
  ::unsetenv("PM_TEST_CI_TOKEN");
  EXPECT_EQ(err({{"issuer", kJwtIssuer}, {"jwksFile", "j"}}),
            "staticTokens[0].tokenEnv names PM_TEST_CI_TOKEN, which is not set");
  ::setenv("PM_TEST_CI_TOKEN", "short", 1);
  EXPECT_EQ(err({{"issuer", kJwtIssuer}, {"jwksFile", "j"}}),
            "staticTokens[0] holds a token shorter than 32 characters or with spaces (use e.g. openssl rand -hex 32)");
  EXPECT_EQ(parse_auth_config(R"({"resource":"https://x/mcp","staticTokens":[{"name":"a","tokenEnv":"A","sha256":")" +
                                  sha256_hex("t") + R"("}]})",
                              "auth.json")
                .error()
                .message,
            "auth.json: staticTokens[0] needs exactly one of sha256, tokenFile and tokenEnv");
}

TEST_F(TeamAuth, AnUnreadableJwksFileStopsTheStart) {
  auto c = team_config(dir, {{"issuer", kJwtIssuer}, {"jwksFile", dir.path() + "/missing.json"}});
  ASSERT_TRUE(c) << c.error().message;
  ResourceServer rs(std::move(*c), pm_http_signature_checker());
  auto started = rs.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message, "cannot read the JWKS file " + dir.path() + "/missing.json (or it is over 1 MiB)");
}

// The JWKS URL through the libcurl client: not ready until it answers, then cached.
TEST_F(TeamAuth, AJwksUrlIsRetriedUntilItAnswersThenCached) {
  std::atomic<bool> up{false};
  test::FakeHttpServer idp([&](const test::FakeRequest&) {
    if (!up) return test::FakeResponse{503, {}, "down"};
    return test::FakeResponse{200, {{"Content-Type", "application/json"}}, test::jwks_of({&team_issuer()}).dump()};
  });
  auto c = team_config(dir, {{"issuer", kJwtIssuer},
                             {"jwksUri", idp.url() + "/jwks"},
                             {"jwksCacheSeconds", 3600},
                             {"jwksMinRefreshSeconds", 1}});
  ASSERT_TRUE(c) << c.error().message;
  ResourceServer rs(std::move(*c), pm_http_signature_checker());
  ASSERT_TRUE(rs.start());
  EXPECT_EQ(rs.not_ready(), "the authorization server's keys (JWKS) are not loaded");
  const std::string jwt = "Bearer " + team_token();
  EXPECT_EQ(std::get<Denial>(rs.authenticate(&jwt)).description,
            "The authorization server's keys are not loaded yet; retry");
  up = true;
  for (int i = 0; i < 50 && rs.not_ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(rs.not_ready(), std::nullopt);
  const std::size_t fetched = idp.request_count();
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(std::holds_alternative<Principal>(rs.authenticate(&jwt)));
  EXPECT_EQ(idp.request_count(), fetched) << "a known key is served from the cache";
}

// Keys rotate: a token with an unknown kid asks for an early refresh, at most once per
// jwksMinRefreshSeconds however many such tokens come; a failed refresh keeps the keys.
TEST(KeyCacheTest, UnknownKeysRefreshAtMostOncePerIntervalAndAFailureKeepsTheKeys) {
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
  KeyCache cache(
      [&]() -> Result<std::string> {
        ++calls;
        if (fail) return Error::execution_failed("the test's JWKS source is down");
        return test::jwks_of({&team_issuer()}).dump();
      },
      *pm_http_signature_checker(), "test", std::chrono::seconds(3600), std::chrono::seconds(1));
  ASSERT_TRUE(cache.load_now());
  cache.start();
  EXPECT_EQ(cache.fetches(), 1U);
  for (int i = 0; i < 100; ++i) cache.request_refresh();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(cache.fetches(), 2U);
  fail = true;
  cache.request_refresh();
  for (int i = 0; i < 30 && cache.fetches() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(cache.fetches(), 3U);
  ASSERT_NE(cache.keys(), nullptr);
  EXPECT_EQ(cache.keys()->keys.at(0).kid, "team-1");
}

}  // namespace
}  // namespace pm::auth
