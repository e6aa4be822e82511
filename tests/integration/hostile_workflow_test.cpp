// Hostile workflows through the real binary: TIMEOUT, a client's cancel and
// SIGTERM stop the analysis itself, not only its answer, so that every worker
// is free again at once. The inputs (support/hostile_inputs.hpp) are a run block of 9.5 MB with
// 200 000 `${{ }}` (the 2.8 MB, 60 000-expression case at the file size
// limit: MD-104's expression scanning and the findings it makes keep one step
// busy for about 8 s unstopped) and a 50 MB flow-style YAML document
// (libyaml's path: about 5 s of parsing in one file). The bounds on how soon
// the server is free again are generous (2 s, against a stop within 100 ms),
// and far below what the same work takes when only looked at between files
// and steps.
#include <gtest/gtest.h>
#include <signal.h>

#include "support/cli_run.hpp"
#include "support/hostile_inputs.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kPromptly = std::chrono::seconds(2);

// 200 000 expressions in one run block, half of them attacker-controlled.
std::string huge_script_workflow() {
  return hostile::huge_script_workflow(200000);
}
using hostile::flow_yaml_workflow;

std::vector<std::string> workflow_env(const TempDir& dir, std::vector<std::string> more = {}) {
  more.push_back("PHASE_MIRROR_WORKSPACE=" + dir.path());
  more.push_back("PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data");
  return more;
}

Json huge_workflows_args(const TempDir& dir) {
  dir.write(".github/workflows/huge.yml", huge_script_workflow());
  return Json{{"files", {".github/workflows/huge.yml"}}};
}

Json tools_call(const Json& id, const std::string& tool, const Json& args, const Json& progress_token = nullptr) {
  Json params = {{"name", tool}, {"arguments", args}};
  if (!progress_token.is_null()) params["_meta"] = {{"progressToken", progress_token}};
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}};
}

// Every one of `workers` workers takes a call at once: each of these
// long-running fixture calls reports progress only once a worker runs it.
void every_worker_is_free(ServerProcess& p, int workers) {
  for (int i = 0; i < workers; ++i) {
    p.send(tools_call("free-" + std::to_string(i), "slow_operation", {{"durationMs", 60000}},
                      "token-" + std::to_string(i)));
  }
  for (int i = 0; i < workers; ++i) {
    const std::string token = "token-" + std::to_string(i);
    const auto progress = p.wait_for(
        [&](const Json& m) {
          return m.value("method", "") == "notifications/progress" && m["params"]["progressToken"] == token;
        },
        kPromptly);
    EXPECT_TRUE(progress) << "worker for " << token << " still busy";
  }
  for (int i = 0; i < workers; ++i) {
    p.send(Json{{"jsonrpc", "2.0"},
                {"method", "notifications/cancelled"},
                {"params", {{"requestId", "free-" + std::to_string(i)}}}});
  }
  const Json info = p.request("tools/call", {{"name", "get_server_info"}, {"arguments", Json::object()}}, "info", 5s);
  EXPECT_EQ(info["result"]["structuredContent"]["name"], "Phase Mirror MCP Server") << dump_line(info);
}

TEST(HostileWorkflow, TimedOutAnalysesStopAndFreeEveryWorker) {
  TempDir dir;
  const Json args = huge_workflows_args(dir);
  ServerProcess p({}, workflow_env(dir, {"PHASE_MIRROR_WORKERS=2", "PHASE_MIRROR_CALL_TIMEOUT_MS=1000"}), "",
                  Binary::kFixtures);
  p.initialize();
  p.send(tools_call(1, "analyze_dissonance", args));
  p.send(tools_call(2, "analyze_dissonance", args));
  for (int id : {1, 2}) {
    const auto r = p.wait_for([id](const Json& m) { return m.contains("id") && m["id"] == id; }, 15s);
    ASSERT_TRUE(r) << "no answer to call " << id;
    EXPECT_EQ((*r)["result"]["structuredContent"]["code"], "TIMEOUT") << dump_line(*r).substr(0, 500);
  }
  every_worker_is_free(p, 2);
}

TEST(HostileWorkflow, CancelledYamlParseStopsAndFreesTheWorker) {
  TempDir dir;
  dir.write(".github/workflows/flow.yml", flow_yaml_workflow(50u << 20));
  ServerProcess p({},
                  workflow_env(dir, {"PHASE_MIRROR_WORKERS=1", "PHASE_MIRROR_MAX_FILE_BYTES=67108864",
                                     "PHASE_MIRROR_CALL_TIMEOUT_MS=0"}),
                  "", Binary::kFixtures);
  p.initialize();
  p.send(tools_call(7, "analyze_dissonance", {{"files", {".github/workflows/flow.yml"}}}));
  std::this_thread::sleep_for(500ms);
  p.send(Json{{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 7}}}});
  every_worker_is_free(p, 1);
  for (const auto& line : p.stdout_lines()) {
    const Json m = parse_or_discard(line);
    EXPECT_FALSE(m.contains("id") && m["id"] == 7) << "a cancelled call was answered: " << line.substr(0, 300);
  }
}

TEST(HostileWorkflow, SigtermDuringAHostileAnalysisExitsPromptly) {
  TempDir dir;
  dir.write(".github/workflows/flow.yml", flow_yaml_workflow(50u << 20));
  const Json args = huge_workflows_args(dir);
  // A grace far longer than the bound below: the process exits in time only
  // if the work itself stops.
  ServerProcess p({}, workflow_env(dir, {"PHASE_MIRROR_WORKERS=2", "PHASE_MIRROR_MAX_FILE_BYTES=67108864",
                                         "PHASE_MIRROR_CALL_TIMEOUT_MS=0", "PHASE_MIRROR_SHUTDOWN_GRACE_MS=120000"}));
  p.initialize();
  p.send(tools_call(1, "analyze_dissonance", args));
  p.send(tools_call(2, "analyze_dissonance", {{"files", {".github/workflows/flow.yml"}}}));
  std::this_thread::sleep_for(500ms);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(kPromptly), 0);
}

// An in-process call (`call`, `scan`) has the same time limit: the analysis
// stops at the configured timeout and answers TIMEOUT, not a partial result.
TEST(HostileWorkflow, InProcessCallStopsAtTheCallTimeout) {
  TempDir dir;
  const Json args = huge_workflows_args(dir);
  const CliRun r = run_cli({"call", "analyze_dissonance", "--args", dump_line(args)},
                           {"PHASE_MIRROR_WORKSPACE=" + dir.path(), "PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data",
                            "PHASE_MIRROR_CALL_TIMEOUT_MS=500"},
                           "", 20);
  const Json answer = Json::parse(r.out);
  EXPECT_EQ(answer["code"], "TIMEOUT") << r.out.substr(0, 500);
  EXPECT_EQ(answer["data"]["details"]["budget"], "deadline");
  EXPECT_FALSE(answer["data"].contains("analysis"));
}

}  // namespace
}  // namespace pm::test
