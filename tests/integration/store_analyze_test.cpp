// analyze_dissonance with the store behind it: a finding reviewed as a false
// positive for the org is suppressed with its note, and too many blocks per
// repository per hour trip the circuit breaker.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "support/server_process.hpp"

namespace pm::test {
namespace {

const char* kRiskyPrWorkflow = R"(name: pr
on: pull_request_target
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - uses: octo-org/build-action@v2
      - run: make test
)";

std::string quote_for_shell(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

int cli_status(const std::string& data_dir, const std::vector<std::string>& args) {
  std::string cmd = "PHASE_MIRROR_DATA_DIR=" + quote_for_shell(data_dir) + " " + quote_for_shell(PM_SERVER_BINARY);
  for (const auto& a : args) cmd += " " + quote_for_shell(a);
  cmd += " >/dev/null 2>&1";
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Json analysis(ServerProcess& p, const std::string& owner) {
  Json args{{"files", {".github/workflows/pr.yml"}}, {"repository", {{"owner", owner}, {"name", "api"}}}};
  return p.call("analyze_dissonance", args)["result"]["structuredContent"]["data"]["analysis"];
}

const Json* finding_for_rule(const Json& list, const std::string& rule) {
  for (const auto& f : list) {
    if (f.contains("finding") ? f["finding"]["ruleId"] == rule : f["ruleId"] == rule) return &f;
  }
  return nullptr;
}

TEST(StoreAnalyze, FindingReviewedAsFalsePositiveIsSuppressedForThatOrgOnly) {
  TempDir dir;
  dir.write(".github/workflows/pr.yml", kRiskyPrWorkflow);
  const std::string data = dir.path() + "/data";
  ServerProcess p({}, {"PHASE_MIRROR_DATA_DIR=" + data, "PHASE_MIRROR_WORKSPACE=" + dir.path()});
  p.initialize();
  Json first = analysis(p, "acme");
  const Json* pin = finding_for_rule(first["findings"], "MD-105");
  ASSERT_NE(pin, nullptr) << first.dump(2);
  const std::string finding_id = (*pin)["findingId"];

  ASSERT_EQ(
      cli_status(data, {"fp", "record", "--org", "acme", "--rule", "MD-105", "--finding", finding_id, "--outcome",
                        "false_positive", "--reviewed-by", "alice", "--note", "internal action, pinned by policy"}),
      0);

  Json second = analysis(p, "acme");
  EXPECT_EQ(finding_for_rule(second["findings"], "MD-105"), nullptr) << second.dump(2);
  ASSERT_EQ(second["suppressed"].size(), 1u) << second.dump(2);
  EXPECT_NE(second["suppressed"].dump().find("internal action, pinned by policy"), std::string::npos)
      << second["suppressed"].dump(2);
  EXPECT_NE(finding_for_rule(second["findings"], "MD-103"), nullptr) << "other findings still count";

  Json other = analysis(p, "globex");
  EXPECT_NE(finding_for_rule(other["findings"], "MD-105"), nullptr) << "another org's review does not apply";
  EXPECT_TRUE(other["suppressed"].empty());
  p.close_stdin();
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(StoreAnalyze, TooManyBlocksInAnHourTripTheCircuitBreaker) {
  // Blocks are counted per clock hour: calls that straddle the top of an hour
  // start a new count, so such a run is repeated once, in the next hour.
  const auto hour_now = [] {
    return std::chrono::duration_cast<std::chrono::hours>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  for (int attempt = 0;; ++attempt) {
    const auto hour = hour_now();
    TempDir dir;
    dir.write(".github/workflows/pr.yml", kRiskyPrWorkflow);
    ServerProcess p({}, {"PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data", "PHASE_MIRROR_WORKSPACE=" + dir.path(),
                         "PHASE_MIRROR_MAX_BLOCKS_PER_HOUR=2"});
    p.initialize();
    std::vector<Json> blocked;
    for (int i = 0; i < 2; ++i) blocked.push_back(analysis(p, "acme"));
    Json tripped = analysis(p, "acme");
    // Another repository of another org is unaffected.
    Json other = analysis(p, "globex");
    p.close_stdin();
    EXPECT_EQ(p.wait_exit(), 0);
    if (hour_now() != hour && attempt == 0) continue;

    for (const auto& a : blocked) EXPECT_EQ(a["decision"]["outcome"], "block") << a["decision"].dump(2);
    EXPECT_EQ(tripped["decision"]["outcome"], "warn") << tripped["decision"].dump(2);
    EXPECT_NE(tripped.dump().find("circuit_breaker_triggered"), std::string::npos) << tripped.dump(2);
    EXPECT_EQ(other["decision"]["outcome"], "block");
    break;
  }
}

}  // namespace
}  // namespace pm::test
