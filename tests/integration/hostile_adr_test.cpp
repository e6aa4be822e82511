// Hostile ADRs and files through the real binary: each input is built here or
// in support/hostile_inputs.hpp (shared with the stdio soak),
// and each test asserts what the client sees (a clear warning, a file error,
// a TIMEOUT) and that the server is still answering afterwards. Durations are
// never asserted: the slow cases would take minutes unbounded, and the ctest
// timeout is what bounds them.
#include <gtest/gtest.h>
#include <signal.h>

#include "support/hostile_inputs.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

using namespace std::chrono_literals;

using hostile::repeated;
using hostile::slow_text;
constexpr auto hostile_adr = hostile::adr_with_block;

std::vector<std::string> hostile_env(const TempDir& dir, std::vector<std::string> more = {}) {
  more.push_back("PHASE_MIRROR_WORKSPACE=" + dir.path());
  more.push_back("PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data");
  return more;
}

bool warned(const Json& env, const std::string& needle) {
  for (const auto& w : env["data"]["compliance"]["parseWarnings"]) {
    if (w["message"].get<std::string>().find(needle) != std::string::npos) return true;
  }
  return false;
}

void still_answers(ServerProcess& p) {
  Json info = p.call("get_server_info", Json::object());
  EXPECT_EQ(info["result"]["structuredContent"]["name"], "Phase Mirror MCP Server") << dump_line(info);
}

// 4 MiB that a[ab]{900}c would take minutes to match without the limits.
constexpr const char* kSlowRule = hostile::kSlowRuleBlock;

TEST(HostileAdr, GlobWith120000DoubleStarSegmentsIsRefusedNotACrash) {
  TempDir dir;
  dir.write("docs/adr/ADR-001-x.md", hostile_adr(hostile::glob_bomb_block(120000)));
  dir.write("src/a.txt", "BAD\n");
  ServerProcess p({}, hostile_env(dir));
  p.initialize();
  Json r = p.call("check_adr_compliance", {{"files", {"src/a.txt"}}});
  const Json env = envelope(r);
  ASSERT_TRUE(env["success"].get<bool>()) << dump_line(env).substr(0, 2000);
  EXPECT_TRUE(warned(env, "was refused: it is 360001 bytes long (limit 1024)"));
  // The other rule of the ADR still works.
  ASSERT_EQ(env["data"]["compliance"]["violations"].size(), 1u);
  EXPECT_EQ(env["data"]["compliance"]["violations"][0]["ruleId"], "ok");
  still_answers(p);
}

TEST(HostileAdr, FortyThousandNestedBracesAreRefused) {
  TempDir dir;
  dir.write("docs/adr/ADR-001-x.md",
            hostile_adr("- id: braces\n  forbid: {pattern: 'x', in: '" + repeated("{a,", 40000) + "b" +
                        repeated("}", 40000) + "'}\n- id: nine\n  forbid: {pattern: 'x', in: '" + repeated("{a,", 9) +
                        "b" + repeated("}", 9) + "'}\n"));
  dir.write("src/a.txt", "x\n");
  ServerProcess p({}, hostile_env(dir));
  p.initialize();
  const Json env = envelope(p.call("check_adr_compliance", {{"files", {"src/a.txt"}}}));
  ASSERT_TRUE(env["success"].get<bool>()) << dump_line(env).substr(0, 2000);
  EXPECT_TRUE(warned(env, "in 'in' of rule 'braces' of ADR-001 (line 12) was refused: it is 160001 bytes long"));
  EXPECT_TRUE(warned(env, "of rule 'nine' of ADR-001 (line 14) was refused: its braces nest deeper than 8 levels"))
      << dump_line(env["data"]["compliance"]["parseWarnings"]).substr(0, 1000);
  still_answers(p);
}

TEST(HostileAdr, HugeRegexProgramOnAMegabyteFileIsRefusedWithAWarning) {
  TempDir dir;
  dir.write("docs/adr/ADR-001-x.md", hostile_adr(hostile::kHugeRegexBlock));
  dir.write("src/big.txt", repeated("aaaaaa ", (1 << 20) / 7));
  ServerProcess p({}, hostile_env(dir));
  p.initialize();
  const Json env = envelope(p.call("check_adr_compliance", {{"files", {"src/big.txt"}}}));
  ASSERT_TRUE(env["success"].get<bool>()) << dump_line(env).substr(0, 2000);
  EXPECT_TRUE(warned(env, "Regex in rule 'slow' of ADR-001 (line 12) is too complex"));
  still_answers(p);
}

TEST(HostileAdr, FileWhoseMatchingRunsPastItsLimitIsAFileErrorAndNeverAPass) {
  TempDir dir;
  dir.write("docs/adr/ADR-001-x.md", hostile_adr(kSlowRule));
  dir.write("big.txt", slow_text());
  dir.write("ok.txt", "fine\n");
  ServerProcess p({}, hostile_env(dir));
  p.initialize();
  const Json env = envelope(p.call("check_adr_compliance", {{"files", {"big.txt", "ok.txt"}}}));
  ASSERT_TRUE(env["success"].get<bool>()) << dump_line(env).substr(0, 2000);
  EXPECT_EQ(env["decision"], "warn");
  EXPECT_FALSE(env["data"]["compliance"]["compliant"].get<bool>());
  const Json& errors = env["data"]["fileErrors"];
  ASSERT_EQ(errors.size(), 1u) << dump_line(errors);
  EXPECT_EQ(errors[0]["path"], "big.txt");
  EXPECT_EQ(errors[0]["code"], "TIMEOUT");
  EXPECT_NE(errors[0]["message"].get<std::string>().find("not fully checked"), std::string::npos);
  still_answers(p);
}

TEST(HostileAdr, AdrsThatAreAllUnparseableDoNotPass) {
  TempDir dir;
  dir.write("docs/adr/ADR-001-a.md", std::string("# ADR-001\0\0binary", 17));
  dir.write("docs/adr/ADR-002-b.md", "just some text without a status\n");
  dir.write("src/a.txt", "anything\n");
  ServerProcess p({}, hostile_env(dir));
  p.initialize();
  const Json env = envelope(p.call("check_adr_compliance", {{"files", {"src/a.txt"}}}));
  ASSERT_TRUE(env["success"].get<bool>()) << dump_line(env);
  EXPECT_EQ(env["decision"], "warn");
  EXPECT_FALSE(env["data"]["compliance"]["compliant"].get<bool>());
  EXPECT_EQ(env["data"]["compliance"]["adrsChecked"], 0);
  EXPECT_TRUE(warned(env, "None of the 2 ADRs in ./docs/adr could be read as an enforceable ADR"));
}

// A call that needs 20 x 2 s: each spelling of the path is a file of its own.
Json long_call_args() {
  Json files = Json::array();
  for (int i = 0; i < 20; ++i) files.push_back(repeated("./", static_cast<std::size_t>(i)) + "big.txt");
  return Json{{"files", files}};
}

Json call_request(int id, const Json& args) {
  return Json{{"jsonrpc", "2.0"},
              {"id", id},
              {"method", "tools/call"},
              {"params", {{"name", "check_adr_compliance"}, {"arguments", args}}}};
}

TEST(HostileAdr, CancelledCallStopsAndFreesTheOnlyWorker) {
  TempDir dir;
  dir.write("docs/adr/ADR-001-x.md", hostile_adr(kSlowRule));
  dir.write("big.txt", slow_text());
  ServerProcess p({}, hostile_env(dir, {"PHASE_MIRROR_WORKERS=1"}));
  p.initialize();
  p.send(call_request(7, long_call_args()));
  std::this_thread::sleep_for(500ms);
  p.send(Json{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 7}}}});
  // Queued behind the cancelled call on the one worker: it answers only once
  // that work has stopped (it would take 40 s to finish).
  Json info = p.request("tools/call", {{"name", "get_server_info"}, {"arguments", Json::object()}}, 8, 15s);
  EXPECT_EQ(info["result"]["structuredContent"]["name"], "Phase Mirror MCP Server") << dump_line(info);
  for (const auto& line : p.stdout_lines()) {
    const Json m = parse_or_discard(line);
    EXPECT_FALSE(m.contains("id") && m["id"] == 7) << "a cancelled call was answered: " << line.substr(0, 300);
  }
}

TEST(HostileAdr, TimedOutCallStopsAndFreesTheOnlyWorker) {
  TempDir dir;
  dir.write("docs/adr/ADR-001-x.md", hostile_adr(kSlowRule));
  dir.write("big.txt", slow_text());
  ServerProcess p({}, hostile_env(dir, {"PHASE_MIRROR_WORKERS=1", "PHASE_MIRROR_CALL_TIMEOUT_MS=1500"}));
  p.initialize();
  Json r = p.request("tools/call", {{"name", "check_adr_compliance"}, {"arguments", long_call_args()}}, 7, 15s);
  EXPECT_EQ(r["result"]["structuredContent"]["code"], "TIMEOUT") << dump_line(r).substr(0, 1000);
  Json info = p.request("tools/call", {{"name", "get_server_info"}, {"arguments", Json::object()}}, 8, 15s);
  EXPECT_EQ(info["result"]["structuredContent"]["name"], "Phase Mirror MCP Server") << dump_line(info);
}

TEST(HostileAdr, SigtermDuringALongCallExitsPromptly) {
  TempDir dir;
  dir.write("docs/adr/ADR-001-x.md", hostile_adr(kSlowRule));
  dir.write("big.txt", slow_text());
  // A grace longer than the wait below: the process exits in time only if the
  // work itself stops, not because the grace ran out.
  ServerProcess p({}, hostile_env(dir, {"PHASE_MIRROR_WORKERS=1", "PHASE_MIRROR_SHUTDOWN_GRACE_MS=120000"}));
  p.initialize();
  p.send(call_request(7, long_call_args()));
  std::this_thread::sleep_for(500ms);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(15s), 0);
}

}  // namespace
}  // namespace pm::test
