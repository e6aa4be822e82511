// The real binary as `serve --http`: the Streamable HTTP transport's sessions, streams,
// resumption, checks and limits, and its OAuth resource server, as a client on loopback sees them.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "support/http_client.hpp"
#include "support/http_server_process.hpp"
#include "support/jwt_issuer.hpp"
#include "support/server_process.hpp"
#include "util/crypto.hpp"

namespace pm::test {
namespace {

using namespace std::chrono_literals;

// A server of the fixtures build with its own data directory and workspace.
struct WithTempDir {
  TempDir dir_;
};

class HttpServer : WithTempDir, public HttpServerProcess {
 public:
  explicit HttpServer(std::vector<std::string> extra_args = {}, std::vector<std::string> extra_env = {})
      : HttpServerProcess(std::move(extra_args), env(dir_, std::move(extra_env)), Binary::kFixtures) {}
  const TempDir& dir() const { return dir_; }
  HttpResponse post(const Json& msg, const std::string& session = {}, const Headers& extra = {}) const {
    return HttpServerProcess::post(msg, session, {}, extra);
  }

 private:
  static std::vector<std::string> env(const TempDir& dir, std::vector<std::string> extra) {
    std::vector<std::string> e = {"PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data",
                                  "PHASE_MIRROR_WORKSPACE=" + dir.path()};
    e.insert(e.end(), extra.begin(), extra.end());
    return e;
  }
};

Json ping(int id) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}};
}

Json slow_call(int id, int ms, bool progress) {
  Json params = {{"name", "slow_operation"}, {"arguments", {{"durationMs", ms}}}};
  if (progress) params["_meta"] = {{"progressToken", "p" + std::to_string(id)}};
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}};
}

TEST(Http, HealthReadinessAndTheEndpointOnly) {
  HttpServer s;
  HttpResponse r = http_request(s.port(), "GET", "/healthz", {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["status"], "ok");
  r = http_request(s.port(), "GET", "/readyz", {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["status"], "ready");
  r = http_request(s.port(), "GET", "/elsewhere", {});
  EXPECT_EQ(r.status, 404);
  r = http_request(s.port(), "PUT", "/mcp", {});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, POST, DELETE");
}

TEST(Http, SessionLifecycle) {
  HttpServer s;
  const std::string sid = s.open_session();
  EXPECT_TRUE(std::regex_match(sid, std::regex("[0-9a-f]{32}"))) << sid;

  HttpResponse r = s.post(ping(2), sid);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(Json::parse(r.body), Json::parse(R"({"jsonrpc":"2.0","id":2,"result":{}})"));

  r = s.post(ping(3));  // no session id
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(Json::parse(r.body)["error"]["message"].get<std::string>().find("Mcp-Session-Id"), std::string::npos);
  r = s.post(ping(4), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(r.status, 404);

  // A tool call through the same core as stdio.
  r = s.post({{"jsonrpc", "2.0"},
              {"id", 5},
              {"method", "tools/call"},
              {"params", {{"name", "get_server_info"}, {"arguments", Json::object()}}}},
             sid);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body)["result"]["structuredContent"]["name"], "Phase Mirror MCP Server");

  r = http_request(s.port(), "DELETE", "/mcp", {{"Mcp-Session-Id", sid}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(s.post(ping(6), sid).status, 404);
}

TEST(Http, PromptsResourcesAndCompletionsAsOverStdio) {
  HttpServer s;
  s.dir().write("docs/adr/ADR-009-http.md", "# ADR-009: One endpoint\n\n**Status:** Accepted\n");
  const std::string sid = s.open_session();
  auto answer = [&](const std::string& method, const Json& params) {
    const HttpResponse r = s.post({{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", params}}, sid);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body);
  };
  Json r = answer("resources/read", {{"uri", "phase-mirror://adr/ADR-009"}});
  EXPECT_EQ(r["result"]["contents"][0]["text"], "# ADR-009: One endpoint\n\n**Status:** Accepted\n");
  r = answer("resources/read", {{"uri", "phase-mirror://adr/ADR-010"}});
  EXPECT_EQ(r["error"]["code"], -32002);
  r = answer("completion/complete", {{"ref", {{"type", "ref/resource"}, {"uri", "phase-mirror://rules/{id}"}}},
                                     {"argument", {{"name", "id"}, {"value", "MD-10"}}}});
  EXPECT_EQ(r["result"]["completion"]["total"], 9) << "MD-101 .. MD-109";
  r = answer("prompts/get", {{"name", "explain_finding"}, {"arguments", {{"ruleId", "MD-104"}}}});
  EXPECT_EQ(r["result"]["messages"][1]["content"]["resource"]["uri"], "phase-mirror://rules/MD-104");
}

TEST(Http, HeaderChecks) {
  HttpServer s;
  const std::string sid = s.open_session();
  Headers h = {{"Content-Type", "application/json"},
               {"Accept", "application/json, text/event-stream"},
               {"Mcp-Session-Id", sid},
               {"MCP-Protocol-Version", "1999-01-01"}};
  HttpResponse r = http_request(s.port(), "POST", "/mcp", h, dump_line(ping(3)));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("Unsupported MCP-Protocol-Version '1999-01-01'"), std::string::npos);
  h.back().second = "2025-06-18";
  EXPECT_EQ(http_request(s.port(), "POST", "/mcp", h, dump_line(ping(4))).status, 200);

  // DNS rebinding: another site's Origin, or a Host that is not ours, is refused.
  r = s.post(ping(5), sid, {{"Origin", "http://evil.example"}});
  EXPECT_EQ(r.status, 403);
  r = s.post(ping(6), sid, {{"Origin", "http://localhost:6274"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("access-control-allow-origin"), "http://localhost:6274");
  r = s.post(ping(7), sid, {{"Host", "evil.example:8080"}});
  EXPECT_EQ(r.status, 403);
  r = s.post(ping(8), sid, {{"Host", "localhost:8080"}});
  EXPECT_EQ(r.status, 200);

  // One JSON-RPC message as JSON, and an Accept that allows both answers.
  r = http_request(s.port(), "POST", "/mcp", {{"Content-Type", "text/plain"}, {"Accept", "*/*"}}, "x");
  EXPECT_EQ(r.status, 415);
  r = http_request(s.port(), "POST", "/mcp",
                   {{"Content-Type", "application/json"}, {"Accept", "text/html"}, {"Mcp-Session-Id", sid}},
                   dump_line(ping(9)));
  EXPECT_EQ(r.status, 406);
  r = s.post(Json::array({ping(10), ping(11)}), sid);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["error"]["code"], -32600);
  r = http_request(s.port(), "POST", "/mcp", s.post_headers(sid), "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["error"]["code"], -32700);
}

TEST(Http, RequestSizeLimit) {
  HttpServer s({"--max-body-bytes", "2048"});
  const std::string sid = s.open_session();
  Json big = ping(2);
  big["params"] = {{"pad", std::string(4096, 'x')}};
  const HttpResponse r = s.post(big, sid);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Json::parse(r.body)["error"]["message"], "Request body exceeds the limit of 2048 bytes");
  EXPECT_EQ(s.post(ping(3), sid).status, 200);  // the server goes on
}

TEST(Http, ProgressTurnsTheAnswerIntoAnSseStreamThatResumesWithLastEventId) {
  HttpServer s;
  const std::string sid = s.open_session();

  // A call without progress is answered as JSON; with a progress token, as SSE.
  HttpResponse plain = s.post(slow_call(2, 20, false), sid);
  EXPECT_EQ(plain.header("content-type"), "application/json");

  HttpConnection c(s.port());
  c.send_request("POST", "/mcp", s.post_headers(sid), dump_line(slow_call(3, 600, true)));
  const HttpResponse head = c.read_head();
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-type"), "text/event-stream");
  EXPECT_EQ(head.header("mcp-session-id"), sid);
  auto priming = c.next_event();
  ASSERT_TRUE(priming);
  EXPECT_FALSE(priming->id.empty());
  EXPECT_TRUE(priming->data.empty());
  auto first = c.next_event();
  ASSERT_TRUE(first);
  EXPECT_EQ(Json::parse(first->data)["method"], "notifications/progress");
  const std::string last_seen = first->id;
  c.close();  // the connection breaks; the call goes on

  std::this_thread::sleep_for(100ms);
  HttpConnection resumed(s.port());
  resumed.send_request("GET", "/mcp",
                       {{"Accept", "text/event-stream"},
                        {"Mcp-Session-Id", sid},
                        {"MCP-Protocol-Version", "2025-11-25"},
                        {"Last-Event-ID", last_seen}});
  ASSERT_EQ(resumed.read_head().status, 200);
  std::vector<std::string> ids;
  Json answer;
  double last_progress = Json::parse(first->data)["params"]["progress"].get<double>();
  while (auto e = resumed.next_event(5s)) {
    ids.push_back(e->id);
    const Json m = Json::parse(e->data);
    if (m.contains("method")) {
      EXPECT_GT(m["params"]["progress"].get<double>(), last_progress) << "no event is replayed twice";
      last_progress = m["params"]["progress"].get<double>();
    } else {
      answer = m;
    }
  }
  EXPECT_FALSE(ids.empty());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), last_seen), ids.end());
  ASSERT_TRUE(answer.is_object()) << "the answer arrives on the resumed stream";
  EXPECT_EQ(answer["id"], 3);
  EXPECT_EQ(answer["result"]["structuredContent"]["data"]["sleptMs"], 600);

  // An id that names no stream of the session.
  const HttpResponse bad = http_request(
      s.port(), "GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}, {"Last-Event-ID", "99-1"}});
  EXPECT_EQ(bad.status, 400);
}

TEST(Http, GetStreamOnePerSession) {
  HttpServer s;
  const std::string sid = s.open_session();
  HttpConnection g(s.port());
  g.send_request("GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}});
  const HttpResponse head = g.read_head();
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-type"), "text/event-stream");
  ASSERT_TRUE(g.next_event());  // priming event
  const HttpResponse second =
      http_request(s.port(), "GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}});
  EXPECT_EQ(second.status, 409);
  // Ending the session ends its stream.
  EXPECT_EQ(http_request(s.port(), "DELETE", "/mcp", {{"Mcp-Session-Id", sid}}).status, 200);
  EXPECT_FALSE(g.next_event(2s));
}

TEST(Http, CancelledCallGetsNoAnswer) {
  HttpServer s;
  const std::string sid = s.open_session();
  HttpConnection c(s.port());
  c.send_request("POST", "/mcp", s.post_headers(sid), dump_line(slow_call(7, 30000, false)));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(
      s.post({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 7}}}}, sid).status,
      202);
  const HttpResponse r = c.read_head(3s);
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(c.read_body(), "");
}

TEST(Http, IdleSessionsExpire) {
  HttpServer s({"--session-idle-timeout", "0.3"});
  const std::string sid = s.open_session();
  EXPECT_EQ(s.post(ping(2), sid).status, 200);
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(s.post(ping(3), sid).status, 404);
}

TEST(Http, PerSessionRateLimit) {
  HttpServer s({"--session-rate-limit", "2"});  // bursts of 4
  const std::string a = s.open_session();
  int limited = 0;
  HttpResponse last;
  for (int i = 0; i < 8; ++i) {
    const HttpResponse r = s.post(ping(10 + i), a);
    if (r.status == 429) {
      ++limited;
      last = r;
    }
  }
  EXPECT_GE(limited, 3);
  EXPECT_EQ(last.header("retry-after"), "1");
  EXPECT_EQ(Json::parse(last.body)["error"]["data"]["retryAfterMs"].is_number_integer(), true);
  const std::string b = s.open_session();  // another client is not held back
  EXPECT_EQ(s.post(ping(30), b).status, 200);
}

TEST(Http, PerTokenRateLimitAcrossSessions) {
  const std::string alice = "alice-token-3b9f0c7e5d1a42f8b6e0c9d7a5f3e1b2";
  const std::string bob = "bob-token-8e2d4f6a0c1b3e5d7f9a2c4e6b8d0f1a";
  TempDir cfg;
  const std::string config = cfg.write(
      "auth.json",
      dump_pretty(Json{{"resource", "http://127.0.0.1/mcp"},
                       {"staticTokens",
                        {{{"name", "alice"}, {"tokenEnv", "PM_ALICE"}}, {{"name", "bob"}, {"tokenEnv", "PM_BOB"}}}}}));
  HttpServer s({"--auth-config", config, "--token-rate-limit", "1"},  // bursts of 2 per token
               {"PM_ALICE=" + alice, "PM_BOB=" + bob});
  const Json init = {{"jsonrpc", "2.0"},
                     {"id", 1},
                     {"method", "initialize"},
                     {"params", {{"protocolVersion", "2025-11-25"}, {"capabilities", Json::object()}}}};
  const Headers as_alice = {{"Authorization", "Bearer " + alice}};
  HttpResponse r = s.post(init, "", as_alice);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string first = r.header("mcp-session-id");
  r = s.post(init, "", as_alice);
  ASSERT_EQ(r.status, 200) << r.body;
  // The first session has used one request of its own 100: the token's budget is what ran out.
  r = s.post(ping(3), first, as_alice);
  ASSERT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.header("retry-after"), "1");
  const Json body = Json::parse(r.body);
  EXPECT_EQ(body["id"], 3);
  EXPECT_EQ(body["error"]["code"], -32000);
  EXPECT_EQ(body["error"]["message"], "Rate limit exceeded for this token");
  EXPECT_EQ(body["error"]["data"]["code"], "RATE_LIMITED");
  EXPECT_GT(body["error"]["data"]["retryAfterMs"].get<long long>(), 0);
  EXPECT_EQ(s.post(init, "", as_alice).status, 429) << "a new session does not reset the token's budget";

  // Another token is not held back; after the refill the first one is served again.
  EXPECT_EQ(s.post(init, "", {{"Authorization", "Bearer " + bob}}).status, 200);
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(s.post(ping(4), first, as_alice).status, 200);

  s.process().signal(SIGTERM);
  EXPECT_EQ(s.process().wait_exit(10s), 0);
  const std::string err = s.process().stderr_text();
  EXPECT_NE(err.find("rate_limited"), std::string::npos) << err;
  EXPECT_NE(err.find(sha256_hex("token:alice").substr(0, 16)), std::string::npos) << err;
  EXPECT_EQ(err.find(alice), std::string::npos) << "the token is in the log";
}

TEST(Http, SigtermDrainsRunningCallsThenExits) {
  HttpServer s;
  const std::string sid = s.open_session();
  HttpConnection c(s.port());
  c.send_request("POST", "/mcp", s.post_headers(sid), dump_line(slow_call(9, 500, false)));
  std::this_thread::sleep_for(100ms);
  s.process().signal(SIGTERM);
  const HttpResponse r = c.read_head(5s);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(c.read_body())["result"]["structuredContent"]["data"]["sleptMs"], 500);
  EXPECT_EQ(s.process().wait_exit(10s), 0);
  EXPECT_NE(s.process().stderr_text().find("draining"), std::string::npos);
}

TEST(Http, SigtermWhileManyClientsLeaveAtOnce) {
  // Streams whose clients go away while the drain writes their ends: a write that completes
  // after its connection was closed must find its buffer (this once freed it twice).
  HttpServer s;
  std::vector<std::unique_ptr<HttpConnection>> streams;
  for (int i = 0; i < 300; ++i) {
    const std::string sid = s.open_session();
    auto g = std::make_unique<HttpConnection>(s.port());
    g->send_request("GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}});
    ASSERT_EQ(g->read_head().status, 200);
    streams.push_back(std::move(g));
  }
  for (auto& g : streams) g->close();
  s.process().signal(SIGTERM);
  EXPECT_EQ(s.process().wait_exit(10s), 0) << s.process().stderr_text().substr(0, 400);
}

TEST(Http, OnlyLoopbackWithoutAuthentication) {
  TempDir dir;
  ServerProcess refused({"serve", "--http", "0.0.0.0:0"}, {"PHASE_MIRROR_DATA_DIR=" + dir.path()});
  EXPECT_EQ(refused.wait_exit(10s), 2);
  EXPECT_NE(refused.stderr_text().find("refusing to listen on 0.0.0.0:0 without authentication"), std::string::npos);

  ServerProcess allowed({"serve", "--http", "0.0.0.0:0", "--allow-unauthenticated"},
                        {"PHASE_MIRROR_DATA_DIR=" + dir.path()});
  EXPECT_NE(allowed.wait_stderr("/mcp\n").find("listening on http://0.0.0.0:"), std::string::npos);
  allowed.signal(SIGTERM);
  EXPECT_EQ(allowed.wait_exit(10s), 0);
}

// serve --http --auth-config: the binary as an OAuth resource server with static tokens
// (RFC 9728 metadata, 401 with WWW-Authenticate, 403 insufficient_scope, sessions bound to
// their principal), and no token in any log line.
// Tokens the test makes up; the configuration holds only their hashes.
const std::string kAnalyst = "pm-analyst-6c1f0e2b9d8a4e7f";
const std::string kAuditor = "pm-auditor-0b5d7e3a1c9f8e24";

std::string auth_config() {
  return dump_pretty(
      Json{{"resource", "https://mcp.example.test/mcp"},
           {"authorizationServers", {"https://login.example.test"}},
           {"staticTokens",
            {{{"name", "analyst"}, {"sha256", sha256_hex(kAnalyst)}, {"scopes", {"phase-mirror:analyze"}}},
             {{"name", "auditor"},
              {"sha256", sha256_hex(kAuditor)},
              {"scopes", {"phase-mirror:analyze", "phase-mirror:fp"}},
              {"org", "acme"}}}},
           {"toolScopes", {{"query_fp_store", "phase-mirror:fp"}}}});
}

// A server of the release build configured with auth_config().
struct WithAuthConfig {
  TempDir dir_;
  std::string config_ = dir_.write("auth.json", auth_config());
};

class AuthServer : WithAuthConfig, public HttpServerProcess {
 public:
  AuthServer()
      : HttpServerProcess({"--auth-config", config_},
                          {"PHASE_MIRROR_DATA_DIR=" + dir_.path() + "/data", "PHASE_MIRROR_WORKSPACE=" + dir_.path()}) {
  }
  HttpResponse post(const Json& msg, const std::string& token, const std::string& session = {}) const {
    return HttpServerProcess::post(msg, session, token);
  }
};

Json call(int id, const std::string& tool, Json args) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "tools/call"},
          {"params", {{"name", tool}, {"arguments", std::move(args)}}}};
}

const char* kMetadataUrl = "https://mcp.example.test/.well-known/oauth-protected-resource/mcp";

TEST(HttpAuth, ProtectedResourceMetadataIsPublic) {
  AuthServer s;
  for (const char* path : {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"}) {
    const HttpResponse r = http_request(s.port(), "GET", path, {});
    ASSERT_EQ(r.status, 200) << path;
    const Json m = Json::parse(r.body);
    EXPECT_EQ(m["resource"], "https://mcp.example.test/mcp");
    EXPECT_EQ(m["authorization_servers"], Json::array({"https://login.example.test"}));
    EXPECT_EQ(m["scopes_supported"], Json::array({"phase-mirror:analyze", "phase-mirror:fp"}));
    EXPECT_EQ(m["bearer_methods_supported"], Json::array({"header"}));
  }
}

TEST(HttpAuth, NoTokenOrABadOneIs401NamingTheMetadata) {
  AuthServer s;
  HttpResponse r = s.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}, "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"), std::string("Bearer resource_metadata=\"") + kMetadataUrl + "\"");
  EXPECT_EQ(Json::parse(r.body)["error"]["message"], "Unauthorized: Authorization required: send a Bearer token");

  r = s.post({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}}, "not-a-token-we-issued");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"),
            std::string("Bearer resource_metadata=\"") + kMetadataUrl +
                "\", error=\"invalid_token\", error_description=\"The access token is not valid for this server\"");

  r = http_request(s.port(), "GET", "/mcp", {{"Accept", "text/event-stream"}, {"Authorization", "Basic YTpi"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.header("www-authenticate").find("error=\"invalid_request\""), std::string::npos);
  // Health stays open to the load balancer.
  EXPECT_EQ(http_request(s.port(), "GET", "/healthz", {}).status, 200);
}

TEST(HttpAuth, ScopesPerToolAnd403InsufficientScope) {
  AuthServer s;
  const std::string sid = s.open_session(kAnalyst);
  HttpResponse r = s.post(call(2, "get_server_info", Json::object()), kAnalyst, sid);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body)["result"]["structuredContent"]["name"], "Phase Mirror MCP Server");

  r = s.post(call(3, "query_fp_store", {{"queryType", "fp_rate"}, {"orgId", "acme"}, {"ruleId", "MD-101"}}), kAnalyst,
             sid);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.header("www-authenticate"),
            std::string("Bearer resource_metadata=\"") + kMetadataUrl +
                "\", error=\"insufficient_scope\", error_description=\"this call needs the scope phase-mirror:fp\", "
                "scope=\"phase-mirror:fp\"");
  EXPECT_EQ(Json::parse(r.body)["id"], 3);

  // The auditor's token has the scope: the call reaches the tool (which asks for consent).
  const std::string audit = s.open_session(kAuditor);
  r = s.post(call(4, "query_fp_store", {{"queryType", "fp_rate"}, {"orgId", "acme"}, {"ruleId", "MD-101"}}), kAuditor,
             audit);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json::parse(r.body)["result"]["structuredContent"]["code"], "CONSENT_REQUIRED");
}

TEST(HttpAuth, ASessionServesOnlyThePrincipalThatStartedIt) {
  AuthServer s;
  const std::string sid = s.open_session(kAnalyst);
  EXPECT_EQ(s.post({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "ping"}}, kAnalyst, sid).status, 200);
  EXPECT_EQ(s.post({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "ping"}}, kAuditor, sid).status, 404);
  const HttpResponse del =
      http_request(s.port(), "DELETE", "/mcp", {{"Mcp-Session-Id", sid}, {"Authorization", "Bearer " + kAuditor}});
  EXPECT_EQ(del.status, 404);
  EXPECT_EQ(s.post({{"jsonrpc", "2.0"}, {"id", 4}, {"method", "ping"}}, kAnalyst, sid).status, 200);
}

TEST(HttpAuth, NoTokenInAnyLogLine) {
  AuthServer s;
  const std::string sid = s.open_session(kAuditor);
  (void)s.post({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "ping"}}, kAnalyst + "x", sid);
  (void)s.post(call(3, "get_server_info", Json::object()), kAuditor, sid);
  s.process().signal(SIGTERM);
  EXPECT_EQ(s.process().wait_exit(10s), 0);
  const std::string err = s.process().stderr_text();
  EXPECT_NE(err.find("request refused"), std::string::npos) << err;
  for (const std::string& secret : {kAnalyst, kAuditor, sha256_hex(kAuditor)}) {
    EXPECT_EQ(err.find(secret), std::string::npos) << "a token or its hash is in the log";
  }
}

TEST(HttpAuth, ANonLoopbackAddressNeedsNoOtherFlagOnceTokensAreConfigured) {
  TempDir dir;
  const std::string config = dir.write("auth.json", auth_config());
  ServerProcess p({"serve", "--http", "0.0.0.0:0", "--auth-config", config}, {"PHASE_MIRROR_DATA_DIR=" + dir.path()});
  EXPECT_NE(p.wait_stderr("/mcp\n").find("listening on http://0.0.0.0:"), std::string::npos);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(10s), 0);
}

TEST(HttpAuth, AnInvalidConfigurationStopsTheServerNamingTheField) {
  TempDir dir;
  const std::string config = dir.write(
      "auth.json",
      R"({"resource":"https://x.test/mcp","staticTokens":[{"name":"a","sha256":"ABC","scopes":["phase-mirror:analyze"]}]})");
  ServerProcess p({"serve", "--http", "127.0.0.1:0", "--auth-config", config}, {"PHASE_MIRROR_DATA_DIR=" + dir.path()});
  EXPECT_EQ(p.wait_exit(10s), 2);
  EXPECT_NE(p.stderr_text().find("staticTokens[0].sha256 must be the token's SHA-256 in lowercase hex"),
            std::string::npos)
      << p.stderr_text();
}

// The stdio server maps nothing of HTTP, TLS or JWT: neither the module nor libcrypto (which
// `serve --http` with JWT settings does map, so the check can tell).
std::string mapped_files(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Http, TheStdioServerMapsNeitherTheHttpModuleNorLibcrypto) {
  TempDir dir;
  ServerProcess stdio({}, {"PHASE_MIRROR_DATA_DIR=" + dir.path(), "PHASE_MIRROR_WORKSPACE=" + dir.path()});
  ASSERT_TRUE(stdio.initialize().contains("result"));
  ASSERT_TRUE(stdio.call("get_server_info", Json::object()).contains("result"));
  const std::string stdio_maps = mapped_files(stdio.pid());
  ASSERT_FALSE(stdio_maps.empty());
  EXPECT_EQ(stdio_maps.find("phase-mirror-mcp-http.so"), std::string::npos);
  EXPECT_EQ(stdio_maps.find("libcrypto"), std::string::npos);

  const JwtIssuer idp(JwtIssuer::Alg::kES256, "k1");
  const std::string jwks = dir.write("jwks.json", jwks_of({&idp}).dump());
  const std::string config =
      dir.write("auth.json", dump_line(Json{{"resource", "https://mcp.example.test/mcp"},
                                            {"jwt", {{"issuer", "https://idp.example.test"}, {"jwksFile", jwks}}}}));
  ServerProcess http({"serve", "--http", "127.0.0.1:0", "--auth-config", config},
                     {"PHASE_MIRROR_DATA_DIR=" + dir.path()});
  ASSERT_NE(http.wait_stderr("/mcp\n").find("listening on"), std::string::npos) << http.stderr_text();
  const std::string http_maps = mapped_files(http.pid());
  EXPECT_NE(http_maps.find("phase-mirror-mcp-http.so"), std::string::npos);
  EXPECT_NE(http_maps.find("libcrypto"), std::string::npos);
  http.signal(SIGTERM);
  EXPECT_EQ(http.wait_exit(10s), 0);
}

}  // namespace
}  // namespace pm::test
