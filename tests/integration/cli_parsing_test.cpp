// The command line through the real binary: every command's --help comes from
// the definitions that parse it, and unknown flags, missing values and bad
// values are refused with exit code 2 and a message naming the option, before
// anything reaches a store.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/cli_run.hpp"
#include "support/server_process.hpp"
#include "util/json.hpp"

namespace pm::test {
namespace {

class CliParsing : public ::testing::Test {
 protected:
  CliRun cli(const std::vector<std::string>& args) {
    return run_cli(args, {"PHASE_MIRROR_DATA_DIR=" + dir_.path() + "/data", "PHASE_MIRROR_WORKSPACE=" + dir_.path()});
  }
  // Nothing was recorded for the org: refused commands leave the store alone.
  void expect_no_events(const std::string& org) {
    auto list = cli({"fp", "list", "--org", org, "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(Json::parse(list.out)["count"], 0) << list.out;
  }
  TempDir dir_;
};

TEST_F(CliParsing, EveryCommandHasGeneratedHelp) {
  const std::vector<std::vector<std::string>> commands = {{"serve"},
                                                          {"call"},
                                                          {"scan"},
                                                          {"fp"},
                                                          {"fp", "record"},
                                                          {"fp", "review"},
                                                          {"fp", "list"},
                                                          {"consent"},
                                                          {"consent", "grant"},
                                                          {"consent", "revoke"},
                                                          {"consent", "show"},
                                                          {"store", "init"},
                                                          {"store", "migrate"},
                                                          {"store", "check"},
                                                          {"nonce", "rotate"},
                                                          {"nonce", "show"},
                                                          {"baseline", "create"},
                                                          {"rules"}};
  for (auto args : commands) {
    std::string path = "phase-mirror-mcp";
    for (const auto& a : args) path += " " + a;
    args.emplace_back("--help");
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << path;
    EXPECT_NE(r.out.find("Usage: " + path + " [OPTIONS]"), std::string::npos) << path << "\n" << r.out;
    EXPECT_NE(r.out.find("-h,--help"), std::string::npos) << path;
    EXPECT_TRUE(r.err.empty()) << path << ": " << r.err;
  }
  // Every command that prints a result documents --json.
  for (const auto& args : std::vector<std::vector<std::string>>{{"fp", "record"},
                                                                {"fp", "list"},
                                                                {"consent", "show"},
                                                                {"store", "init"},
                                                                {"nonce", "show"},
                                                                {"baseline", "create"},
                                                                {"rules"},
                                                                {"call"},
                                                                {"scan"},
                                                                {"serve"}}) {
    auto with_help = args;
    with_help.emplace_back("--help");
    EXPECT_NE(cli(with_help).out.find("--json"), std::string::npos) << args.front();
  }
}

TEST_F(CliParsing, ValuedOptionFollowedByAnOptionIsRefused) {
  auto r = cli({"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--note", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("phase-mirror-mcp fp record: --note: needs a value, got the option '--json'"), std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty());
  // No value of ours starts with "--", so the spelling with '=' is refused alike.
  EXPECT_EQ(cli({"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--note=--json"}).exit_code,
            2);
  expect_no_events("acme");
}

TEST_F(CliParsing, UnknownFlagsAndCommandsAreRefused) {
  auto flag = cli({"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--bogus"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("--bogus"), std::string::npos) << flag.err;
  EXPECT_NE(flag.err.find("(see phase-mirror-mcp fp record --help)"), std::string::npos) << flag.err;
  auto extra = cli({"store", "check", "now"});
  EXPECT_EQ(extra.exit_code, 2);
  EXPECT_NE(extra.err.find("now"), std::string::npos) << extra.err;
  EXPECT_EQ(cli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(cli({"fp"}).exit_code, 2);
  auto repeated = cli({"consent", "show", "--org", "a", "--org", "b"});
  EXPECT_EQ(repeated.exit_code, 2);
  EXPECT_NE(repeated.err.find("--org"), std::string::npos) << repeated.err;
  expect_no_events("acme");
}

TEST_F(CliParsing, HostileValuesAreRefusedWithTheReason) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"fp", "record", "--org", "acme", "--rule", "MD-1", "--finding", "f1"},
       "--rule: 'MD-1' is not a rule of the catalogue (known: MD-000, MD-001, "},
      {{"fp", "record", "--org", "acme", "--rule", "MD-999", "--finding", "f1"},
       "--rule: 'MD-999' is not a rule of the catalogue (known: "},
      {{"fp", "record", "--org", std::string(257, 'o'), "--rule", "MD-101", "--finding", "f1"},
       "--org: is 257 bytes long; at most 256 are accepted"},
      {{"consent", "show", "--org", std::string(1000, 'o')}, "--org: is 1000 bytes long; at most 256 are accepted"},
      {{"fp", "record", "--org", "", "--rule", "MD-101", "--finding", "f1"}, "--org: must not be empty"},
      {{"fp", "record", "--org", "  ", "--rule", "MD-101", "--finding", "f1"}, "--org: must not be empty"},
      {{"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--event-id", "1234"},
       "--event-id: '1234' is not a UUID (8-4-4-4-12 hex digits)"},
      {{"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--at", "9999-01-01T00:00:00Z"},
       "--at: '9999-01-01T00:00:00Z' is outside the accepted range 2000-01-01 to 2099-12-31 (and not in the "
       "future)"},
      {{"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--at", "1999-12-31T23:59:59Z"},
       "--at: '1999-12-31T23:59:59Z' is outside the accepted range 2000-01-01 to 2099-12-31"},
      {{"fp", "list", "--org", "acme", "--since", "0202-01-01"},
       "--since: '0202-01-01' is outside the accepted range 2000-01-01 to 2099-12-31"},
      {{"consent", "grant", "--org", "acme", "--resources", "fp_metrics", "--expires", "9999-12-31"},
       "--expires: '9999-12-31' is outside the accepted range 2000-01-01 to 2099-12-31"},
      {{"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--at", "yesterday"},
       "--at: 'yesterday' is not an ISO-8601 date or date-time"},
      {{"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--repo", "acme"},
       "--repo: 'acme' is not OWNER/NAME"},
      {{"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--outcome", "maybe"}, "--outcome"},
      {{"fp", "list", "--org", "acme", "--limit", "0"}, "--limit"},
      {{"fp", "list", "--org", "acme", "--limit", "ten"}, "--limit"},
      {{"fp", "list", "--org", "acme", "--rule", "md-101"}, "--rule: 'md-101' is not a rule of the catalogue"},
      {{"fp", "review", "--org", "acme", "--event", "x", "--outcome", "false_positive", "--reviewed-by", "bob"},
       "--event: 'x' is not a UUID"},
      {{"consent", "grant", "--org", "", "--resources", "fp_metrics"}, "--org: must not be empty"},
      {{"consent", "grant", "--org", "acme", "--resources", "fp_metrics", "--expires", "2001-01-01"},
       "--expires must be in the future"},
      {{"nonce", "rotate", "--kind", "pepper"}, "--kind"},
      {{"call", "analyze_dissonance", "--args", "{\"x\": " + std::string(600, '[') + std::string(600, ']') + "}"},
       "--args nests arrays/objects deeper than the limit of 512 levels"},
      {{"call", "analyze_dissonance", "--args", "[1]"}, "--args is not a JSON object"},
  };
  for (const auto& c : cases) {
    auto r = cli(c.args);
    std::string shown;
    for (const auto& a : c.args) shown += a + " ";
    EXPECT_EQ(r.exit_code, 2) << shown;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << shown << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << shown << "\n" << r.out;
  }
  expect_no_events("acme");
}

TEST_F(CliParsing, ValidValuesStillWork) {
  auto r = cli({"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", "f1", "--event-id",
                "0F8FAD5B-D9CB-469F-A165-70867728950E", "--at", "2026-01-02", "--repo", "acme/api", "--note",
                "flaky test", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json event = Json::parse(r.out)["event"];
  EXPECT_EQ(event["eventId"], "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(event["createdAt"], "2026-01-02T00:00:00.000Z");
  EXPECT_EQ(event["note"], "flaky test");
  // The longest org id accepted, MD-000 (the parse finding) and the edges of the date range.
  r = cli({"fp", "record", "--org", std::string(256, 'o'), "--rule", "MD-000", "--finding", "f2", "--at",
           "2000-01-01T00:00:00Z", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["event"]["ruleId"], "MD-000");
  r = cli({"fp", "list", "--org", std::string(256, 'o'), "--until", "2099-12-31T23:59:59Z", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["count"], 1);
}

// The refusal of an unknown rule lists exactly the rules `rules --json` prints, and MD-000.
TEST_F(CliParsing, UnknownRuleListsTheKnownOnes) {
  const auto rules = cli({"rules", "--json"});
  ASSERT_EQ(rules.exit_code, 0) << rules.err;
  std::string known = "MD-000";
  for (const auto& rule : Json::parse(rules.out)) known += ", " + rule["id"].get<std::string>();
  ASSERT_NE(known.find("MD-101"), std::string::npos);
  const auto r = cli({"fp", "list", "--org", "acme", "--rule", "MD-100"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--rule: 'MD-100' is not a rule of the catalogue (known: " + known + ")"), std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(CliParsing, CallExitCodeGatesOnTheVerdictNotTheAdvisoryDecision) {
  dir_.write(".github/workflows/prt.yml",
             "on: pull_request_target\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
             "    steps:\n      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab\n"
             "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: make\n");
  const std::string args = R"({"files":[".github/workflows/prt.yml"]})";
  auto plain = cli({"call", "analyze_dissonance", "--args", args});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const Json env = Json::parse(plain.out);
  EXPECT_EQ(env["decision"], "warn") << "local environment: advisory";
  EXPECT_EQ(env["data"]["analysis"]["decision"]["outcome"], "block");
  auto gated = cli({"call", "analyze_dissonance", "--args", args, "--exit-code"});
  EXPECT_EQ(gated.exit_code, 1) << gated.err;
  EXPECT_EQ(Json::parse(gated.out)["decision"], "warn") << "the output is the same envelope";

  dir_.write(".github/workflows/ok.yml",
             "on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
             "    steps:\n      - run: make\n");
  EXPECT_EQ(cli({"call", "analyze_dissonance", "--args", R"({"files":[".github/workflows/ok.yml"]})", "--exit-code"})
                .exit_code,
            0);
  auto failed = cli({"call", "analyze_dissonance", "--args", R"({"files":[]})", "--exit-code"});
  EXPECT_EQ(failed.exit_code, 2);
  EXPECT_EQ(Json::parse(failed.out)["code"], "INVALID_INPUT");
  EXPECT_EQ(cli({"call", "analyze_dissonance", "--args", R"({"files":[]})"}).exit_code, 1) << "without the flag: 1";
  EXPECT_EQ(cli({"call", "analyze_dissonance", "--args", "[1]"}).exit_code, 2);
}

}  // namespace
}  // namespace pm::test
