// `serve --http --stateless` as a team runs it: two replicas of the real binary on loopback,
// one DynamoDB (dynalite) and one SSM (a loopback fake: no SSM emulator exists here) behind
// both, and a client that sends each request to the other replica. Session ids signed with
// another key, altered, or expired are refused as unknown sessions.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "auth/jwt.hpp"
#include "integration/dynamodb_server.hpp"
#include "support/fake_ssm.hpp"
#include "support/http_client.hpp"
#include "support/http_server_process.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

using namespace std::chrono_literals;

const std::string kReplicaKey = "replica-key-6c1e0b9d3f5a47c8e2b4d6f8a0c2e4b6";
const std::string kOtherKey = "other-key-0f2e4d6c8b0a19283746556473829101";

// A pull_request_target workflow that checks out the PR head: analyze_dissonance blocks it.
const char* kHeadCheckoutWorkflow = R"(name: pr
on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: make test
)";

// Each replica its own local data directory: what they share is in the remote stores only.
struct WithDataDir {
  TempDir data_;
};

class Replica : WithDataDir, public HttpServerProcess {
 public:
  Replica(std::vector<std::string> env, std::vector<std::string> extra_args = {})
      : HttpServerProcess(with_stateless(std::move(extra_args)), with_data_dir(std::move(env), data_)) {
    set_protocol_version("2025-06-18");
  }
  HttpResponse initialize() { return HttpServerProcess::initialize({}, {{"roots", {{"listChanged", true}}}}); }
  // The answer of a request on `session`: status 200 and its JSON-RPC message.
  Json answer(const Json& msg, const std::string& session) {
    const HttpResponse r = post(msg, session);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? Json::parse(r.body) : Json();
  }

 private:
  static std::vector<std::string> with_stateless(std::vector<std::string> extra) {
    extra.insert(extra.begin(), "--stateless");
    return extra;
  }
  static std::vector<std::string> with_data_dir(std::vector<std::string> env, const TempDir& data) {
    env.push_back("PHASE_MIRROR_DATA_DIR=" + data.path());
    return env;
  }
};

Json rpc(int id, const std::string& method, Json params = Json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

Json analyze_for(int id, const std::string& owner) {
  return rpc(
      id, "tools/call",
      {{"name", "analyze_dissonance"},
       {"arguments", {{"files", {".github/workflows/pr.yml"}}, {"repository", {{"owner", owner}, {"name", "api"}}}}}});
}

class StatelessReplicas : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& dynamo = Dynalite::shared();
    ASSERT_TRUE(dynamo.ok()) << dynamo.error();
    ssm_.put("/pm/team/nonce", std::string(64, 'c'));
    ssm_.put("/pm/team/nonce-org-salt", std::string(64, 'd'));
    work_.write(".github/workflows/pr.yml", kHeadCheckoutWorkflow);
    env_ = {"FP_TABLE_NAME=" + unique_table("team-fp"),
            "CONSENT_TABLE_NAME=" + unique_table("team-consent"),
            "BLOCK_COUNTER_TABLE_NAME=" + unique_table("team-blocks"),
            "NONCE_PARAMETER_NAME=/pm/team/nonce",
            "AWS_ENDPOINT_URL_DYNAMODB=" + dynamo.endpoint(),
            "AWS_ENDPOINT_URL_SSM=" + ssm_.url(),
            "AWS_ACCESS_KEY_ID=AKIDLOCALTEST",
            "AWS_SECRET_ACCESS_KEY=local-test-secret",
            "AWS_EC2_METADATA_DISABLED=true",
            "PHASE_MIRROR_AWS_BACKOFF_BASE_MS=1",
            "PHASE_MIRROR_WORKSPACE=" + work_.path(),
            "PHASE_MIRROR_MAX_BLOCKS_PER_HOUR=1"};
    std::string cmd = "env -i PATH=/usr/bin:/bin HOME=/nonexistent";
    for (const auto& e : env_) cmd += " '" + e + "'";
    cmd += " 'PHASE_MIRROR_DATA_DIR=" + work_.path() + "/admin' " + PM_SERVER_BINARY + " store init >/dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "store init failed";
  }
  std::vector<std::string> env_with_key(const std::string& key) const {
    auto e = env_;
    e.push_back("PHASE_MIRROR_SESSION_KEY=" + key);
    return e;
  }
  FakeSsm ssm_;
  TempDir work_;
  std::vector<std::string> env_;
};

TEST_F(StatelessReplicas, AnyReplicaAnswersAnyRequestOfTheSession) {
  Replica a(env_with_key(kReplicaKey));
  Replica b(env_with_key(kReplicaKey));
  const HttpResponse init = a.initialize();
  ASSERT_EQ(init.status, 200) << init.body;
  EXPECT_EQ(Json::parse(init.body)["result"]["protocolVersion"], "2025-06-18");
  const std::string sid = init.header("mcp-session-id");
  ASSERT_TRUE(std::regex_match(sid, std::regex(R"(s1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})"))) << sid;

  // A session started on A, continued on B, A, B...
  EXPECT_EQ(b.post({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, sid).status, 202);
  Json r = a.answer(rpc(2, "tools/list"), sid);
  EXPECT_GE(r["result"]["tools"].size(), 5u) << r.dump();
  r = b.answer(rpc(3, "ping"), sid);
  EXPECT_EQ(r, Json::parse(R"({"jsonrpc":"2.0","id":3,"result":{}})"));
  // initialize happened (on A): B knows it from the id, as A does.
  r = b.answer(rpc(4, "initialize", {{"protocolVersion", "2025-06-18"}, {"capabilities", Json::object()}}), sid);
  EXPECT_EQ(r["error"]["code"], -32600) << r.dump();

  // A call on A writes to the store (a block is counted for the repository); the same call on
  // B reads that count and trips the circuit breaker (one block per hour allowed). Counts are
  // per clock hour: a pair that straddles the top of the hour is repeated for another owner.
  const auto hour = [] {
    return std::chrono::duration_cast<std::chrono::hours>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto started = hour();
    const std::string owner = attempt == 0 ? "acme" : "acme-next-hour";
    const Json on_a = a.answer(analyze_for(10 + attempt, owner), sid)["result"]["structuredContent"];
    const Json on_b = b.answer(analyze_for(20 + attempt, owner), sid)["result"]["structuredContent"];
    if (hour() != started && attempt == 0) continue;
    ASSERT_EQ(on_a["success"], true) << on_a.dump(2);
    EXPECT_EQ(on_a["data"]["analysis"]["decision"]["outcome"], "block") << on_a.dump(2);
    EXPECT_EQ(on_b["data"]["analysis"]["decision"]["outcome"], "warn") << on_b.dump(2);
    EXPECT_NE(on_b.dump().find("circuit_breaker_triggered"), std::string::npos) << on_b.dump(2);
    break;
  }
  r = a.answer(rpc(30, "ping"), sid);
  EXPECT_EQ(r["id"], 30);

  // No server-side stream or session end: GET and DELETE are 405 on either replica.
  HttpResponse h = http_request(b.port(), "GET", "/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", sid}});
  EXPECT_EQ(h.status, 405);
  EXPECT_EQ(h.header("allow"), "POST");
  h = http_request(a.port(), "DELETE", "/mcp", {{"Mcp-Session-Id", sid}});
  EXPECT_EQ(h.status, 405);
  EXPECT_EQ(b.answer(rpc(31, "ping"), sid)["id"], 31);

  // The key is a secret: never in a log line.
  for (Replica* rep : {&a, &b}) {
    rep->process().signal(SIGTERM);
    EXPECT_EQ(rep->process().wait_exit(10s), 0);
    EXPECT_EQ(rep->process().stderr_text().find(kReplicaKey), std::string::npos);
  }
}

TEST_F(StatelessReplicas, IdsOfAnotherKeyAlteredOrExpiredAreRefused) {
  Replica a(env_with_key(kReplicaKey), {"--session-lifetime", "3"});
  Replica other(env_with_key(kOtherKey));
  // Rotation: a replica that signs with the new key and still accepts the old one.
  TempDir keys;
  const std::string key_file = keys.write("session.key", kOtherKey + "\n" + kReplicaKey + "\n");
  Replica rotated(env_, {"--session-key-file", key_file});

  const HttpResponse init = a.initialize();
  ASSERT_EQ(init.status, 200) << init.body;
  const std::string sid = init.header("mcp-session-id");
  EXPECT_EQ(a.post(rpc(2, "ping"), sid).status, 200);
  EXPECT_EQ(rotated.post(rpc(3, "ping"), sid).status, 200);

  auto refused = [](Replica& r, const std::string& id) {
    const HttpResponse h = r.post(rpc(9, "ping"), id);
    EXPECT_EQ(h.status, 404) << id << "\n" << h.body;
    EXPECT_NE(h.body.find("Session not found"), std::string::npos) << h.body;
  };
  refused(other, sid);  // signed with a key this replica does not have

  // The claims altered (a later expiry) under the original MAC.
  const auto dot1 = sid.find('.');
  const auto dot2 = sid.rfind('.');
  Json claims = Json::parse(*auth::base64url_decode(sid.substr(dot1 + 1, dot2 - dot1 - 1)));
  claims["exp"] = claims["exp"].get<long long>() + 86400;
  refused(a, sid.substr(0, dot1 + 1) + auth::base64url_encode(dump_line(claims)) + sid.substr(dot2));
  // A MAC of the right length that is not the one.
  std::string mac = sid.substr(dot2 + 1);
  mac[0] = mac[0] == 'A' ? 'B' : 'A';
  refused(a, sid.substr(0, dot2 + 1) + mac);
  refused(a, "0123456789abcdef0123456789abcdef");
  refused(a, std::string(5000, 'x'));
  // Without a session id at all: 400, as with sessions kept by the server.
  EXPECT_EQ(a.post(rpc(4, "ping")).status, 400);

  // Signed by a key this replica has, but expired.
  std::this_thread::sleep_for(3500ms);
  refused(a, sid);
}

TEST(StatelessStartup, NeedsALongEnoughSharedKey) {
  TempDir data;
  ServerProcess none({"serve", "--http", "127.0.0.1:0", "--stateless"}, {"PHASE_MIRROR_DATA_DIR=" + data.path()});
  EXPECT_EQ(none.wait_exit(10s), 2);
  EXPECT_NE(none.stderr_text().find("PHASE_MIRROR_SESSION_KEY"), std::string::npos) << none.stderr_text();
  ServerProcess short_key({"serve", "--http", "127.0.0.1:0", "--stateless"},
                          {"PHASE_MIRROR_DATA_DIR=" + data.path(), "PHASE_MIRROR_SESSION_KEY=short-key-1234"});
  EXPECT_EQ(short_key.wait_exit(10s), 2);
  const std::string err = short_key.stderr_text();
  EXPECT_NE(err.find("shorter than 32 characters"), std::string::npos) << err;
  EXPECT_EQ(err.find("short-key-1234"), std::string::npos) << "the key is in the message";
}

}  // namespace
}  // namespace pm::test
