// serve --http --auth-config with JWT access tokens, through the real binary: an
// authorization server of the test (keys made by OpenSSL, its JWKS served on loopback),
// tokens it signs, and what a client sees (401/403 and their challenges, readiness, key
// rotation), with nothing of a token or its claims in the server's log.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <mutex>
#include <regex>
#include <string>
#include <thread>

#include "support/fake_http_server.hpp"
#include "support/http_client.hpp"
#include "support/http_server_process.hpp"
#include "support/jwt_issuer.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

using namespace std::chrono_literals;

// Claim values no log line may carry, chosen so that nothing else could contain them.
const std::string kJwtIss = "https://idp.example.test/realm-4c7d";
const std::string kJwtResource = "https://mcp.example.test/mcp";
const std::string kSub = "subject-9e1f6b0a";
const std::string kOrg = "tenant-2d8c53";
const std::string kTeamToken = "team-static-5f0e9a7c1b3d48e6a2c4f8b0d6e1a3c5";

// The test's authorization server: its keys and the JWKS it serves (replaceable: rotation).
class Idp {
 public:
  Idp()
      : rsa_(JwtIssuer::Alg::kRS256, "rsa-2024"), server_([this](const FakeRequest& r) {
          std::lock_guard lock(mu_);
          if (r.target != "/jwks" || !up_) return FakeResponse{503, {}, "unavailable"};
          return FakeResponse{200, {{"Content-Type", "application/json"}}, jwks_};
        }) {
    publish({&rsa_});
  }
  void publish(std::initializer_list<const JwtIssuer*> keys) {
    std::lock_guard lock(mu_);
    jwks_ = jwks_of(keys).dump();
  }
  void set_up(bool up) {
    std::lock_guard lock(mu_);
    up_ = up;
  }
  const JwtIssuer& rsa() const { return rsa_; }
  std::string jwks_uri() const { return server_.url() + "/jwks"; }
  std::size_t fetches() const { return server_.request_count(); }

  static Json claims(const std::string& scope = "phase-mirror:analyze phase-mirror:fp") {
    const long long now = unix_now();
    return {{"iss", kJwtIss}, {"aud", kJwtResource}, {"sub", kSub}, {"exp", now + 600},
            {"iat", now},     {"scope", scope},      {"org", kOrg}};
  }

 private:
  JwtIssuer rsa_;
  std::mutex mu_;
  std::string jwks_;
  bool up_ = true;
  FakeHttpServer server_;
};

// The server's configuration: JWTs of `idp` and one static team token.
struct WithJwtConfig {
  explicit WithJwtConfig(const Idp& idp)
      : config_(dir_.write(
            "auth.json",
            dump_pretty(Json{
                {"resource", kJwtResource},
                {"jwt",
                 {{"issuer", kJwtIss}, {"jwksUri", idp.jwks_uri()}, {"jwksMinRefreshSeconds", 1}, {"orgClaim", "org"}}},
                {"staticTokens",
                 {{{"name", "team"}, {"tokenEnv", "PM_TEAM_TOKEN"}, {"scopes", {"phase-mirror:analyze"}}}}},
                {"toolScopes", {{"query_fp_store", "phase-mirror:fp"}}},
            }))) {}
  TempDir dir_;
  std::string config_;
};

class JwtServer : WithJwtConfig, public HttpServerProcess {
 public:
  explicit JwtServer(const Idp& idp)
      : WithJwtConfig(idp),
        HttpServerProcess({"--auth-config", config_},
                          {"PHASE_MIRROR_DATA_DIR=" + dir_.path() + "/data", "PHASE_MIRROR_WORKSPACE=" + dir_.path(),
                           "PM_TEAM_TOKEN=" + kTeamToken}) {}
  HttpResponse post(const Json& msg, const std::string& token, const std::string& session = {}) const {
    return HttpServerProcess::post(msg, session, token);
  }
};

Json tool_call(int id, const std::string& tool, Json args) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "tools/call"},
          {"params", {{"name", tool}, {"arguments", std::move(args)}}}};
}

const std::string kChallengeStart =
    "Bearer resource_metadata=\"https://mcp.example.test/.well-known/oauth-protected-resource/mcp\"";

TEST(HttpJwt, ATokenOfTheAuthorizationServerCallsToolsWithinItsScopesAndOrganisation) {
  Idp idp;
  JwtServer s(idp);
  const std::string token = idp.rsa().sign(Idp::claims());
  const std::string sid = s.open_session(token);
  HttpResponse r = s.post(tool_call(2, "get_server_info", Json::object()), token, sid);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body)["result"]["structuredContent"]["name"], "Phase Mirror MCP Server");

  // Its own organisation: the call reaches the tool (which asks for consent).
  r = s.post(tool_call(3, "query_fp_store", {{"queryType", "fp_rate"}, {"orgId", kOrg}, {"ruleId", "MD-101"}}), token,
             sid);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body)["result"]["structuredContent"]["code"], "CONSENT_REQUIRED");

  // Another organisation: refused before the tool.
  r = s.post(tool_call(4, "query_fp_store", {{"queryType", "fp_rate"}, {"orgId", "globex"}, {"ruleId", "MD-101"}}),
             token, sid);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.header("www-authenticate"),
            kChallengeStart +
                ", error=\"insufficient_scope\", error_description=\"this token acts for one organisation, and orgId "
                "names another\"");
  EXPECT_EQ(Json::parse(r.body)["id"], 4);

  // A token without the FP scope.
  const std::string narrow = idp.rsa().sign(Idp::claims("phase-mirror:analyze"));
  const std::string narrow_sid = s.open_session(narrow);
  r = s.post(tool_call(5, "query_fp_store", {{"queryType", "fp_rate"}, {"orgId", kOrg}, {"ruleId", "MD-101"}}), narrow,
             narrow_sid);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.header("www-authenticate").find("scope=\"phase-mirror:fp\""), std::string::npos);

  // The static token of the same file still works, in sessions of its own.
  EXPECT_EQ(s.post({{"jsonrpc", "2.0"}, {"id", 6}, {"method", "ping"}}, kTeamToken, sid).status, 404);
  const std::string team_sid = s.open_session(kTeamToken);
  EXPECT_EQ(s.post({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "ping"}}, kTeamToken, team_sid).status, 200);
}

TEST(HttpJwt, TokensThatDoNotHoldAre401InvalidToken) {
  Idp idp;
  JwtServer s(idp);
  const JwtIssuer stranger(JwtIssuer::Alg::kES256, "rsa-2024");
  auto with = [](const char* key, Json value) {
    Json c = Idp::claims();
    c[key] = std::move(value);
    return c;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {idp.rsa().sign(with("exp", unix_now() - 3600)), "The access token has expired"},
      {idp.rsa().sign(with("aud", "https://other.example.test/mcp")),
       "The access token is not meant for this server (aud)"},
      {idp.rsa().sign(with("iss", "https://idp.example.test/other")),
       "The access token was not issued by the trusted authorization server"},
      {stranger.sign_with_header({{"alg", "RS256"}, {"kid", "rsa-2024"}}, Idp::claims()),
       "The access token's signature does not verify"},
      {idp.rsa().sign_with_header({{"alg", "none"}}, Idp::claims()),
       "The access token's algorithm is not accepted (RS256 and ES256 are)"},
  };
  for (const auto& [token, why] : cases) {
    const HttpResponse r = s.initialize(token);
    EXPECT_EQ(r.status, 401) << why;
    EXPECT_EQ(r.header("www-authenticate"),
              kChallengeStart + ", error=\"invalid_token\", error_description=\"" + why + "\"");
  }
}

TEST(HttpJwt, NotReadyUntilTheKeysAreLoadedAndRotatedKeysAreFetched) {
  Idp idp;
  idp.set_up(false);
  JwtServer s(idp);
  EXPECT_FALSE(s.ready());
  EXPECT_EQ(s.initialize(idp.rsa().sign(Idp::claims())).status, 401);
  idp.set_up(true);
  for (int i = 0; i < 50 && !s.ready(); ++i) std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(s.ready()) << s.process().stderr_text();
  EXPECT_EQ(s.initialize(idp.rsa().sign(Idp::claims())).status, 200);

  // Known keys come from the cache.
  const std::size_t fetched = idp.fetches();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(s.initialize(idp.rsa().sign(Idp::claims())).status, 200);
  EXPECT_EQ(idp.fetches(), fetched);

  // The authorization server rotates to a new key: the first token naming it is refused and
  // makes the server fetch the keys again, soon after which such tokens are accepted.
  const JwtIssuer next(JwtIssuer::Alg::kES256, "ec-2025");
  idp.publish({&idp.rsa(), &next});
  const std::string rotated = next.sign(Idp::claims());
  EXPECT_EQ(s.initialize(rotated).status, 401);
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    std::this_thread::sleep_for(100ms);
    status = s.initialize(rotated).status;
  }
  EXPECT_EQ(status, 200);
}

TEST(HttpJwt, NoTokenOrClaimValueInAnyLogLine) {
  Idp idp;
  JwtServer s(idp);
  const std::string token = idp.rsa().sign(Idp::claims());
  const std::string sid = s.open_session(token);
  (void)s.post(tool_call(2, "get_server_info", Json::object()), token, sid);
  (void)s.post(tool_call(3, "query_fp_store", {{"queryType", "fp_rate"}, {"orgId", "globex"}}), token, sid);
  Json expired = Idp::claims();
  expired["exp"] = 1;
  (void)s.initialize(idp.rsa().sign(expired));
  (void)s.initialize(token + "x");
  (void)s.initialize(kTeamToken.substr(2));
  (void)s.open_session(kTeamToken);
  s.process().signal(SIGTERM);
  EXPECT_EQ(s.process().wait_exit(10s), 0);
  const std::string err = s.process().stderr_text();
  EXPECT_NE(err.find("request refused"), std::string::npos) << err;
  EXPECT_NE(err.find("JWKS loaded"), std::string::npos) << err;
  const std::string payload = token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1);
  for (const std::string& secret :
       {token, payload, token.substr(token.rfind('.') + 1), kTeamToken, kTeamToken.substr(2), kSub, kOrg}) {
    EXPECT_EQ(err.find(secret), std::string::npos) << "a token or claim value is in the log: " << secret;
  }
}

}  // namespace
}  // namespace pm::test
