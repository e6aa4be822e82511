// The real binary over stdio: roots that a client never answers, what a TIMEOUT logs,
// the nesting limit's message, and SIGTERM against a call that ignores its cancellation.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "support/server_process.hpp"

namespace pm::test {
namespace {

using namespace std::chrono_literals;

std::size_t count_roots_requests(const ServerProcess& p) {
  std::size_t n = 0;
  for (const auto& line : p.stdout_lines()) {
    const Json m = parse_or_discard(line);
    if (m.is_object() && m.value("method", "") == "roots/list") ++n;
  }
  return n;
}

const char* kSessionWorkflow = "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n";

TEST(Session, RootsAreAskedOnceWhenTheClientNeverAnswers) {
  TempDir configured;
  TempDir announced;
  configured.write(".github/workflows/only-in-configured.yml", kSessionWorkflow);
  announced.write(".github/workflows/only-in-announced.yml", kSessionWorkflow);
  ServerProcess p({},
                  {"PHASE_MIRROR_WORKSPACE=" + configured.path(), "PHASE_MIRROR_DATA_DIR=" + configured.path() + "/d"});
  p.initialize("2025-11-25", {{"roots", {{"listChanged", true}}}});
  // Every call falls back to the configured workspace; the question is asked once.
  for (int i = 0; i < 4; ++i) {
    const Json r = p.call("analyze_dissonance", {{"files", {".github/workflows/only-in-configured.yml"}}});
    EXPECT_EQ(r["result"]["structuredContent"]["success"], true) << dump_pretty(r);
  }
  EXPECT_EQ(count_roots_requests(p), 1u);

  // A late answer still counts: the next call resolves against the client's root.
  std::string asked_id;
  for (const auto& line : p.stdout_lines()) {
    const Json m = parse_or_discard(line);
    if (m.is_object() && m.value("method", "") == "roots/list") asked_id = m["id"].get<std::string>();
  }
  ASSERT_FALSE(asked_id.empty());
  p.send({{"jsonrpc", "2.0"},
          {"id", asked_id},
          {"result", {{"roots", {{{"uri", "file://" + announced.path()}, {"name", "announced"}}}}}}});
  Json r = p.call("analyze_dissonance", {{"files", {".github/workflows/only-in-announced.yml"}}});
  EXPECT_EQ(r["result"]["structuredContent"]["success"], true) << dump_pretty(r);
  r = p.call("analyze_dissonance", {{"files", {".github/workflows/only-in-configured.yml"}}});
  EXPECT_EQ(r["result"]["structuredContent"]["code"], "FILE_NOT_FOUND");
  EXPECT_EQ(count_roots_requests(p), 1u);

  // After list_changed the server asks again (and, unanswered, falls back again).
  p.send({{"jsonrpc", "2.0"}, {"method", "notifications/roots/list_changed"}});
  r = p.call("analyze_dissonance", {{"files", {".github/workflows/only-in-configured.yml"}}});
  EXPECT_EQ(r["result"]["structuredContent"]["success"], true) << dump_pretty(r);
  EXPECT_EQ(count_roots_requests(p), 2u);
  EXPECT_NE(p.stderr_text().find("did not answer roots/list"), std::string::npos);
}

std::vector<std::string> session_fixture_env(const TempDir& dir) {
  return {"PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data", "PHASE_MIRROR_WORKSPACE=" + dir.path(), "LOG_FORMAT=json"};
}

TEST(Session, TimeoutLogLineCarriesTheSanitisedArguments) {
  TempDir dir;
  auto env = session_fixture_env(dir);
  env.push_back("PHASE_MIRROR_CALL_TIMEOUT_MS=100");
  ServerProcess p({}, env, "", Binary::kFixtures);
  p.initialize();
  const std::string long_text(300, 'x');
  const Json r = p.call("slow_operation", {{"durationMs", 5000}, {"context", long_text}, {"note", long_text}});
  EXPECT_EQ(r["result"]["structuredContent"]["code"], "TIMEOUT");
  p.close_stdin();
  ASSERT_EQ(p.wait_exit(), 0);
  std::istringstream in(p.stderr_text());
  std::string line;
  int timeouts = 0;
  while (std::getline(in, line)) {
    const Json j = parse_or_discard(line);
    if (!j.is_object() || j.value("msg", "") != "tool call" || j.value("outcome", "") != "timeout") continue;
    ++timeouts;
    EXPECT_EQ(j["tool"], "slow_operation");
    EXPECT_EQ(j["args"]["durationMs"], 5000);
    EXPECT_EQ(j["args"]["context"], "<300 chars>");
    EXPECT_EQ(j["args"]["note"], "<300 chars>");
    EXPECT_EQ(j["errorCode"], "TIMEOUT");
    EXPECT_EQ(j["requestId"], r["result"]["structuredContent"]["requestId"]);
  }
  EXPECT_EQ(timeouts, 1);
}

TEST(Session, NestingPastTheLimitIsNamedInTheParseError) {
  TempDir dir;
  ServerProcess p({}, session_fixture_env(dir), "", Binary::kFixtures);
  p.initialize();
  p.send_raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":" + std::string(600, '[') +
             std::string(600, ']') + "}}\n");
  auto err = p.wait_for([](const Json& m) { return m.contains("error"); }, 10s);
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["error"]["code"], -32700);
  EXPECT_EQ((*err)["error"]["message"],
            "Parse error: the message nests arrays/objects deeper than the limit of 512 levels");
  EXPECT_TRUE((*err)["id"].is_null());
  // 500 levels are within the limit.
  p.send_raw("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{\"x\":" + std::string(500, '[') +
             std::string(500, ']') + "}}\n");
  auto pong = p.wait_for([](const Json& m) { return m.contains("id") && m["id"] == 2; }, 10s);
  ASSERT_TRUE(pong);
  EXPECT_EQ((*pong)["result"], Json::object());
}

TEST(Session, SigtermDoesNotWaitForACallThatIgnoresItsCancellation) {
  TempDir dir;
  auto env = session_fixture_env(dir);
  env.push_back("PHASE_MIRROR_SHUTDOWN_GRACE_MS=200");
  ServerProcess p({}, env, "", Binary::kFixtures);
  p.initialize();
  p.send({{"jsonrpc", "2.0"},
          {"id", 1},
          {"method", "tools/call"},
          {"params", {{"name", "slow_operation"}, {"arguments", {{"durationMs", 60000}, {"ignoreCancel", true}}}}}});
  // ping is answered while the call runs on a worker.
  EXPECT_EQ(p.request("ping", nullptr, "p")["result"], Json::object());
  std::this_thread::sleep_for(100ms);
  p.signal(SIGTERM);
  // Without the grace the process would live for the call's 60 s.
  EXPECT_EQ(p.wait_exit(10s), 0);
  EXPECT_NE(p.stderr_text().find("did not stop within the shutdown grace"), std::string::npos);
  EXPECT_FALSE(p.wait_for([](const Json& m) { return m.contains("id") && m["id"] == 1; }, 100ms));
}

}  // namespace
}  // namespace pm::test
