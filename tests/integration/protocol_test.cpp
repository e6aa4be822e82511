// The real binary over stdio: lifecycle, framing, purity of stdout, exit paths.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <thread>

#include "support/server_process.hpp"
#include "version.hpp"

namespace pm::test {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> fixture_env(const TempDir& dir) {
  return {"PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data", "PHASE_MIRROR_WORKSPACE=" + dir.path()};
}

TEST(Protocol, BannerOnStderrAndInitializeAnswer) {
  TempDir dir;
  ServerProcess p({}, fixture_env(dir), "", Binary::kFixtures);
  Json r = p.initialize("2025-06-18");
  EXPECT_EQ(r["result"]["protocolVersion"], "2025-06-18");
  EXPECT_EQ(r["result"]["serverInfo"]["name"], "phase-mirror-mcp");
  EXPECT_EQ(r["result"]["serverInfo"]["version"], kVersion);
  EXPECT_NE(p.stderr_text().find("Phase Mirror MCP Server running on stdio"), std::string::npos);
  p.close_stdin();
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(Protocol, EveryStdoutLineOfALongMixedSessionIsJsonRpc) {
  TempDir dir;
  ServerProcess p({}, fixture_env(dir), "", Binary::kFixtures);
  p.send_raw("garbage line\n");
  p.send_raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n");  // before initialize
  p.initialize();
  p.send_raw("[{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]\n");
  p.send_raw("\n\n   \n");
  p.send_raw("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope\"}\r\n");
  for (int i = 0; i < 30; ++i) {
    p.send({{"jsonrpc", "2.0"},
            {"id", 100 + i},
            {"method", "tools/call"},
            {"params",
             {{"name", i % 3 == 0 ? "get_server_info" : (i % 3 == 1 ? "dummy_experimental" : "slow_operation")},
              {"arguments", i % 3 == 2 ? Json{{"durationMs", 20}} : Json::object()},
              {"_meta", {{"progressToken", i}}}}}});
    p.send({{"jsonrpc", "2.0"}, {"id", "ping-" + std::to_string(i)}, {"method", "ping"}});
  }
  p.send({{"jsonrpc", "2.0"}, {"id", 200}, {"method", "tools/call"}, {"params", {{"name", "unknown_tool"}}}});
  p.send({{"jsonrpc", "2.0"}, {"id", 201}, {"method", "logging/setLevel"}, {"params", {{"level", "debug"}}}});
  p.send({{"jsonrpc", "2.0"},
          {"id", 202},
          {"method", "tools/call"},
          {"params", {{"name", "slow_operation"}, {"arguments", {{"durationMs", "x"}}}}}});
  p.close_stdin();
  int responses = 0;
  while (auto m = p.next_message(10s)) {  // next_message throws on any non-JSON line
    EXPECT_EQ((*m)["jsonrpc"], "2.0");
    EXPECT_TRUE(m->contains("result") || m->contains("error") || m->contains("method")) << dump_line(*m);
    if (m->contains("id") && !m->contains("method")) ++responses;
  }
  EXPECT_EQ(p.wait_exit(), 0);
  // garbage, early tools/list, batch, nope, 30 calls, 30 pings, unknown tool, setLevel, bad args
  // (the initialize answer was consumed by initialize()).
  EXPECT_EQ(responses, 1 + 1 + 1 + 1 + 30 + 30 + 3);
  EXPECT_GT(p.stdout_lines().size(), 60u);
}

TEST(Protocol, EofLetsInFlightWorkFinish) {
  TempDir dir;
  ServerProcess p({}, fixture_env(dir), "", Binary::kFixtures);
  p.initialize();
  p.send({{"jsonrpc", "2.0"},
          {"id", 1},
          {"method", "tools/call"},
          {"params", {{"name", "slow_operation"}, {"arguments", {{"durationMs", 300}}}}}});
  p.close_stdin();
  auto r = p.wait_for([](const Json& m) { return m.contains("id") && m["id"] == 1; }, 10s);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["result"]["structuredContent"]["data"]["sleptMs"], 300);
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(Protocol, SigtermCancelsInFlightWorkAndExitsCleanly) {
  for (int sig : {SIGTERM, SIGINT}) {
    TempDir dir;
    ServerProcess p({}, fixture_env(dir), "", Binary::kFixtures);
    p.initialize();
    p.send({{"jsonrpc", "2.0"},
            {"id", 1},
            {"method", "tools/call"},
            {"params", {{"name", "slow_operation"}, {"arguments", {{"durationMs", 30000}}}}}});
    std::this_thread::sleep_for(100ms);
    const auto start = std::chrono::steady_clock::now();
    p.signal(sig);
    EXPECT_EQ(p.wait_exit(5s), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  }
}

TEST(Protocol, CancelledCallGetsNoResponseAndServerLivesOn) {
  TempDir dir;
  ServerProcess p({}, fixture_env(dir), "", Binary::kFixtures);
  p.initialize();
  p.send({{"jsonrpc", "2.0"},
          {"id", "c1"},
          {"method", "tools/call"},
          {"params", {{"name", "slow_operation"}, {"arguments", {{"durationMs", 5000}}}}}});
  std::this_thread::sleep_for(50ms);
  p.send({{"jsonrpc", "2.0"},
          {"method", "notifications/cancelled"},
          {"params", {{"requestId", "c1"}, {"reason", "user"}}}});
  Json pong = p.request("ping", nullptr, "after");
  EXPECT_EQ(pong["result"], Json::object());
  auto late = p.wait_for([](const Json& m) { return m.contains("id") && m["id"] == "c1"; }, 700ms);
  EXPECT_FALSE(late.has_value());
  Json info = p.call("get_server_info", Json::object());
  EXPECT_EQ(info["result"]["structuredContent"]["name"], "Phase Mirror MCP Server");
}

TEST(Protocol, OversizedLineIsRejectedAndServerLivesOn) {
  TempDir dir;
  ServerProcess p({}, fixture_env(dir), "", Binary::kFixtures);
  p.initialize();
  std::string big = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\",\"params\":{\"x\":\"";
  big += std::string(65u * 1024 * 1024, 'a');
  big += "\"}}\n";
  p.send_raw(big);
  auto err = p.wait_for([](const Json& m) { return m.contains("error") && m["error"]["code"] == -32600; }, 20s);
  ASSERT_TRUE(err);
  EXPECT_TRUE((*err)["id"].is_null());
  EXPECT_EQ(p.request("ping", nullptr, "alive")["result"], Json::object());
}

TEST(Protocol, LinesThatAreNotUtf8GetASpecificParseError) {
  TempDir dir;
  dir.write("src\xff.txt", "x");  // a workspace file whose name is not UTF-8
  ServerProcess p({}, fixture_env(dir), "", Binary::kFixtures);
  p.initialize();
  // The raw byte in a path (Latin-1 ÿ), then an escaped lone surrogate: neither is valid JSON text.
  p.send_raw(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"analyze_dissonance",)"
             "\"arguments\":{\"files\":[\"src\xff.txt\"]}}}\n");
  auto err = p.wait_for([](const Json& m) { return m.contains("error"); }, 10s);
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["error"]["code"], -32700);
  EXPECT_EQ((*err)["error"]["message"],
            "Parse error: the message is not valid UTF-8 (JSON-RPC messages must be UTF-8)");
  EXPECT_TRUE((*err)["id"].is_null());
  p.send_raw(R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"analyze_dissonance",)"
             R"("arguments":{"files":["src\udcff.txt"]}}})"
             "\n");
  err = p.wait_for([](const Json& m) { return m.contains("error"); }, 10s);
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["error"]["code"], -32700);
  EXPECT_EQ((*err)["error"]["message"], "Parse error: the message is not valid JSON");
  // The server lives on, and a path it cannot find is a per-file error, not a crash.
  const Json r = p.call("analyze_dissonance", {{"files", {"src\u00ff.txt"}}});
  EXPECT_EQ(r["result"]["structuredContent"]["code"], "FILE_NOT_FOUND") << dump_pretty(r);
}

TEST(Protocol, TheReleaseBinaryHasNoTestFixtures) {
  // Not by the old switch either: the fixtures are linked into the test build only.
  TempDir dir;
  ServerProcess p({}, {"PHASE_MIRROR_TEST_FIXTURES=1", "PHASE_MIRROR_DATA_DIR=" + dir.path()});
  p.initialize();
  const Json r = p.request("tools/list", Json::object(), nullptr);
  ASSERT_TRUE(r["result"]["tools"].is_array());
  EXPECT_EQ(r["result"]["tools"].size(), 6u);
  std::ifstream bin(PM_SERVER_BINARY, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 1000u);
  for (const char* name : {"slow_operation", "dummy_experimental", "test_simple_text", "test://static-text"}) {
    EXPECT_EQ(bytes.find(name), std::string::npos) << name << " is in the release binary";
  }
}

TEST(Protocol, InvalidLogLevelExitsWithTheValidChoices) {
  ServerProcess p({}, {"LOG_LEVEL=verbose"});
  EXPECT_EQ(p.wait_exit(), 2);
  EXPECT_NE(p.stderr_text().find("error, warn, info, debug"), std::string::npos);
  EXPECT_TRUE(p.stdout_lines().empty());
}

TEST(Protocol, JsonLogsAreOneObjectPerLine) {
  TempDir dir;
  auto env = fixture_env(dir);
  env.push_back("LOG_FORMAT=json");
  ServerProcess p({}, env, "", Binary::kFixtures);
  p.initialize();
  p.call("get_server_info", Json::object());
  p.call("slow_operation", {{"durationMs", "bad"}});
  p.close_stdin();
  ASSERT_EQ(p.wait_exit(), 0);
  std::istringstream in(p.stderr_text());
  std::string line;
  int call_lines = 0;
  while (std::getline(in, line)) {
    if (line == "Phase Mirror MCP Server running on stdio") continue;
    Json j = parse_or_discard(line);
    ASSERT_FALSE(j.is_discarded()) << line;
    if (j.value("msg", "") == "tool call") {
      ++call_lines;
      EXPECT_TRUE(j.contains("requestId"));
      EXPECT_TRUE(j.contains("tool"));
      EXPECT_TRUE(j.contains("args"));
      EXPECT_TRUE(j.contains("durationMs"));
      EXPECT_TRUE(j.contains("outcome"));
      if (j["tool"] == "slow_operation") {
        EXPECT_EQ(j["errorCode"], "INVALID_INPUT");
      }
    }
  }
  EXPECT_EQ(call_lines, 2);
}

TEST(Protocol, EmfMetricsRecordsOnStderr) {
  TempDir dir;
  auto env = fixture_env(dir);
  env.push_back("METRICS_FORMAT=emf");
  ServerProcess p({}, env, "", Binary::kFixtures);
  p.initialize();
  p.call("get_server_info", Json::object());
  p.close_stdin();
  ASSERT_EQ(p.wait_exit(), 0);
  const std::string err = p.stderr_text();
  auto pos = err.find("{\"_aws\"");
  ASSERT_NE(pos, std::string::npos);
  Json emf = parse_or_discard(err.substr(pos, err.find('\n', pos) - pos));
  EXPECT_EQ(emf["_aws"]["CloudWatchMetrics"][0]["Namespace"], "MCP/Server");
  EXPECT_EQ(emf["ToolName"], "get_server_info");
  EXPECT_TRUE(emf.contains("Duration"));
  EXPECT_EQ(emf["ErrorCount"], 0);
}

std::string run_capture(const std::string& args, int* status) {
  std::string cmd = std::string(PM_SERVER_BINARY) + " " + args + " 2>/dev/null";
  FILE* f = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  *status = WEXITSTATUS(pclose(f));
  return out;
}

TEST(Cli, VersionHelpAndCall) {
  int st = 0;
  EXPECT_EQ(run_capture("--version", &st), std::string("phase-mirror-mcp ") + kVersion + "\n");
  EXPECT_EQ(st, 0);
  EXPECT_NE(run_capture("--help", &st).find("Usage: phase-mirror-mcp"), std::string::npos);
  EXPECT_EQ(st, 0);
  Json info = parse_or_discard(run_capture("call get_server_info", &st));
  EXPECT_EQ(st, 0);
  EXPECT_EQ(info["name"], "Phase Mirror MCP Server");
  run_capture("call no_such_tool", &st);
  EXPECT_EQ(st, 2);
  run_capture("call get_server_info --args '{bad'", &st);
  EXPECT_EQ(st, 2);
  run_capture("frobnicate", &st);
  EXPECT_EQ(st, 2);
}

}  // namespace
}  // namespace pm::test
