// `phase-mirror-mcp scan` through the real binary: what each format prints,
// the exit codes that gate a CI job, thresholds, suppressions from the FP
// store, errors, and that its findings are the MCP tool's findings.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_run.hpp"
#include "support/server_process.hpp"
#include "util/json.hpp"

namespace pm::test {
namespace {

constexpr const char* kRisky =
    "on: pull_request_target\n"
    "permissions:\n"
    "  contents: read\n"
    "jobs:\n"
    "  build:\n"
    "    runs-on: ubuntu-latest\n"
    "    steps:\n"
    "      - uses: actions/checkout@v4\n"
    "        with:\n"
    "          ref: ${{ github.event.pull_request.head.sha }}\n"
    "      - run: echo \"${{ github.event.pull_request.title }}\"\n";

constexpr const char* kClean =
    "on: push\n"
    "permissions:\n"
    "  contents: read\n"
    "jobs:\n"
    "  build:\n"
    "    runs-on: ubuntu-latest\n"
    "    steps:\n"
    "      - run: make\n";

constexpr const char* kAdr =
    "# ADR-001: No printf\n\n**Status:** Accepted\n\n## Decision\n\nCode MUST NOT print to stdout.\n\n"
    "## Compliance Checks\n\n```phase-mirror\n"
    "- severity: high\n  message: no printf\n  remediation: use the logger\n"
    "  forbid: {pattern: 'printf\\(', in: 'src/**'}\n```\n";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Scan : public ::testing::Test {
 protected:
  // The scan of the temporary repository, from its root, with nothing of the
  // test's own environment leaking in.
  CliRun scan(std::vector<std::string> args, std::vector<std::string> env = {}, std::string cwd = "") {
    args.insert(args.begin(), "scan");
    return cli(args, std::move(env), cwd.empty() ? repo_.path() : cwd);
  }
  CliRun cli(const std::vector<std::string>& args, std::vector<std::string> env = {}, const std::string& cwd = "") {
    for (const char* v : {"PHASE_MIRROR_WORKSPACE=", "GITHUB_REPOSITORY=", "NO_COLOR=", "LOG_LEVEL=", "TERM="}) {
      env.emplace_back(v);
    }
    env.push_back("PHASE_MIRROR_DATA_DIR=" + data_.path());
    return run_cli(args, env, cwd.empty() ? repo_.path() : cwd);
  }
  TempDir repo_;
  TempDir data_;
};

TEST_F(Scan, PlainReportShowsEachFindingWithItsSourceLineAndGatesWithOne) {
  repo_.write(".github/workflows/ci.yml", kRisky);
  auto r = scan({});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_EQ(r.out.find('\033'), std::string::npos) << "no colour when stdout is not a terminal";
  EXPECT_NE(r.out.find(".github/workflows/ci.yml:10:16: critical MD-103 [high confidence] Job 'build' of a "
                       "`pull_request_target` workflow checks out pull-request-controlled code"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(" 10 |           ref: ${{ github.event.pull_request.head.sha }}\n"
                       "    |                ^\n"
                       "   related: .github/workflows/ci.yml:1:5 the `pull_request_target` trigger\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(".github/workflows/ci.yml:11:20: high MD-104 [high confidence]"), std::string::npos);
  EXPECT_NE(r.out.find("   = fix: Use the `pull_request` trigger"), std::string::npos);
  EXPECT_NE(r.out.find("note: scanned 1 workflow, 0 composite actions, 0 dependabot files\n"), std::string::npos);
  EXPECT_EQ(r.out.find("MD-105"), std::string::npos) << "a tag-pinned first-party action is pedantic";
  std::string summary = "\n2 findings (1 critical, 1 high) in 1 file\n";
  EXPECT_EQ(r.out.substr(r.out.size() - std::min(r.out.size(), summary.size())), summary) << "the summary ends it";

  auto pedantic = scan({"--persona", "pedantic"});
  EXPECT_EQ(pedantic.exit_code, 1);
  EXPECT_NE(pedantic.out.find(".github/workflows/ci.yml:8:15: low MD-105 [high confidence]"), std::string::npos)
      << pedantic.out;
  summary = "\n3 findings (1 critical, 1 high, 1 low) in 1 file\n";
  EXPECT_EQ(pedantic.out.substr(pedantic.out.size() - std::min(pedantic.out.size(), summary.size())), summary);
  EXPECT_LT(pedantic.out.find("ci.yml:8:15"), pedantic.out.find("ci.yml:10:16")) << "file and line order";
}

TEST_F(Scan, CleanRepositoryExitsZero) {
  repo_.write(".github/workflows/ci.yml", kClean);
  repo_.write(".github/dependabot.yml", "version: 2\nupdates: []\n");
  repo_.write("actions/build/action.yml", "runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n");
  auto r = scan({});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("note: scanned 1 workflow, 1 composite action, 1 dependabot file\nNo findings\n"),
            std::string::npos)
      << r.out;
}

TEST_F(Scan, DependabotConfigurationIsCheckedWithFileAndLine) {
  repo_.write(".github/workflows/ci.yml", kClean);
  repo_.write(".github/dependabot.yml",
              "version: 2\n"
              "registries:\n"
              "  internal-pypi:\n"
              "    type: python-index\n"
              "    url: https://pypi.example.com/simple\n"
              "    token: ${{ secrets.PYPI_TOKEN }}\n"
              "updates:\n"
              "  - package-ecosystem: pip\n"
              "    directory: /\n"
              "    registries: \"*\"\n"
              "    insecure-external-code-execution: allow\n"
              "    schedule:\n"
              "      interval: weekly\n");
  auto plain = scan({});
  EXPECT_EQ(plain.exit_code, 1) << plain.err;
  EXPECT_NE(plain.out.find(".github/dependabot.yml:8:5: medium MD-123 [high confidence] Dependabot updates of pip "
                           "have no cooldown"),
            std::string::npos)
      << plain.out;
  EXPECT_NE(plain.out.find(".github/dependabot.yml:11:39: high MD-124 [high confidence] Dependabot runs the code of "
                           "the pip manifests"),
            std::string::npos)
      << plain.out;
  EXPECT_NE(plain.out.find("   related: .github/dependabot.yml:10:5 the registries whose credentials the code can use"),
            std::string::npos)
      << plain.out;
  EXPECT_NE(plain.out.find("note: scanned 1 workflow, 0 composite actions, 1 dependabot file\n"), std::string::npos);

  const std::string out = repo_.path() + "/results.sarif";
  auto sarif = scan({"--format", "sarif", "--output", out});
  EXPECT_EQ(sarif.exit_code, 1) << sarif.err;
  const Json run = Json::parse(slurp(out))["runs"][0];
  ASSERT_EQ(run["results"].size(), 2u) << run["results"].dump(2);
  const Json& md124 = run["results"][1];
  EXPECT_EQ(md124["ruleId"], "MD-124");
  EXPECT_EQ(md124["level"], "error");
  const Json& loc = md124["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"]["uri"], ".github/dependabot.yml");
  EXPECT_EQ(loc["region"]["startLine"], 11);
  EXPECT_EQ(loc["region"]["startColumn"], 39);
  EXPECT_EQ(run["results"][0]["ruleId"], "MD-123");
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 8);

  // A configuration that is not YAML is never passed unchecked.
  repo_.write(".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: [pip\n");
  auto broken = scan({});
  EXPECT_EQ(broken.exit_code, 1) << broken.err;
  EXPECT_NE(broken.out.find(".github/dependabot.yml:4:1: high MD-000 [high confidence] Dependabot configuration could "
                            "not be parsed: "),
            std::string::npos)
      << broken.out;
}

TEST_F(Scan, ThresholdsDecideWhatIsReportedAndWhatFails) {
  repo_.write(".github/workflows/ci.yml", kRisky);
  auto critical = scan({"--min-severity", "critical", "--persona", "pedantic"});
  EXPECT_EQ(critical.exit_code, 1);
  EXPECT_NE(critical.out.find("1 finding (1 critical) in 1 file; 2 below --min-severity critical / --min-confidence "
                              "low not shown"),
            std::string::npos)
      << critical.out;
  EXPECT_EQ(critical.out.find("MD-105"), std::string::npos);

  repo_.write(".github/workflows/ci.yml",
              "on: push\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
              "      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n");
  auto low_only = scan({"--min-severity", "medium", "--persona", "pedantic"});
  EXPECT_EQ(low_only.exit_code, 0) << "only a finding below the threshold: clean";
  EXPECT_NE(low_only.out.find("No findings; 1 below --min-severity medium"), std::string::npos) << low_only.out;
  EXPECT_EQ(scan({"--min-severity", "low", "--persona", "pedantic"}).exit_code, 1);
  EXPECT_EQ(scan({"--min-confidence", "high", "--persona", "pedantic"}).exit_code, 1)
      << "the finding is of high confidence";
  EXPECT_EQ(scan({"--min-severity", "low"}).exit_code, 0) << "the finding is not reported in the regular persona";
  EXPECT_EQ(scan({"--min-severity", "severe"}).exit_code, 2);
}

TEST_F(Scan, FindingsAreTheToolsFindings) {
  repo_.write(".github/workflows/ci.yml", kRisky);
  repo_.write(".github/workflows/clean.yml", kClean);
  auto r = scan({"--format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const Json doc = Json::parse(r.out);
  EXPECT_EQ(doc["exitCode"], 1);
  EXPECT_EQ(doc["collected"]["workflows"], (Json{".github/workflows/ci.yml", ".github/workflows/clean.yml"}));
  const Json& envelope = doc["analyze_dissonance"];
  EXPECT_EQ(envelope["decision"], "warn") << "the tool's envelope as the tool answers it (local: advisory)";
  EXPECT_EQ(envelope["data"]["analysis"]["decision"]["outcome"], "block");

  auto call = cli({"call", "analyze_dissonance", "--args",
                   R"({"files":[".github/workflows/ci.yml",".github/workflows/clean.yml"],"maxFindings":0})"});
  ASSERT_EQ(call.exit_code, 0) << call.err;
  std::vector<std::string> from_tool, from_scan;
  const Json answer = Json::parse(call.out);
  for (const auto& f : answer["data"]["analysis"]["findings"]) {
    from_tool.push_back(f["findingId"].get<std::string>() + " " + f["ruleId"].get<std::string>() + " " +
                        f["file"].get<std::string>() + ":" + std::to_string(f["line"].get<int>()));
  }
  for (const auto& f : doc["findings"]) {
    from_scan.push_back(f["findingId"].get<std::string>() + " " + f["ruleId"].get<std::string>() + " " +
                        f["file"].get<std::string>() + ":" + std::to_string(f["line"].get<int>()));
    EXPECT_EQ(f["tool"], "analyze_dissonance");
  }
  std::sort(from_tool.begin(), from_tool.end());
  std::sort(from_scan.begin(), from_scan.end());
  EXPECT_EQ(from_scan, from_tool);
  EXPECT_EQ(from_scan.size(), 2u);
}

TEST_F(Scan, ReviewedFalsePositivesAreSuppressedAndDoNotCount) {
  repo_.write(".github/workflows/ci.yml",
              "on: push\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
              "      - uses: octo-org/setup-tool@v1\n");
  auto before = scan({"--json"});
  ASSERT_EQ(before.exit_code, 1);
  const std::string id = Json::parse(before.out)["findings"][0]["findingId"];
  ASSERT_EQ(cli({"fp", "record", "--org", "acme", "--rule", "MD-105", "--finding", id, "--outcome", "false_positive",
                 "--reviewed-by", "bob", "--note", "pinned by the org's mirror"})
                .exit_code,
            0);
  EXPECT_EQ(scan({}).exit_code, 1) << "another org's review does not apply";
  auto after = scan({"--repository", "acme/app"});
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  EXPECT_NE(
      after.out.find("suppressed: .github/workflows/ci.yml:8:15 MD-105 (fp-store by bob: pinned by the org's mirror)"),
      std::string::npos)
      << after.out;
  EXPECT_NE(after.out.find("No findings; 1 suppressed"), std::string::npos) << after.out;
  EXPECT_EQ(scan({}, {"GITHUB_REPOSITORY=acme/app"}).exit_code, 0) << "the repository as GitHub Actions names it";

  auto sarif = scan({"--format", "sarif", "--repository", "acme/app"});
  EXPECT_EQ(sarif.exit_code, 0);
  const Json result = Json::parse(sarif.out)["runs"][0]["results"][0];
  EXPECT_EQ(result["ruleId"], "MD-105");
  EXPECT_EQ(
      result["suppressions"],
      (Json::array({Json{{"kind", "external"},
                         {"status", "accepted"},
                         {"justification", "pinned by the org's mirror"},
                         {"properties", Json{{"kind", "fp-store"}, {"by", "bob"}, {"location", "fp-store:" + id}}}}})));
  EXPECT_EQ(result["partialFingerprints"]["phaseMirrorFindingId/v1"], id);
}

TEST_F(Scan, SarifDescribesRulesAndResultsForCodeScanning) {
  repo_.write(".github/workflows/ci.yml", kRisky);
  const std::string out = repo_.path() + "/results.sarif";
  auto r = scan({"--format", "sarif", "--output", out, "--persona", "pedantic"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << "the report went to --output";
  const Json sarif = Json::parse(slurp(out));
  EXPECT_EQ(sarif["version"], "2.1.0");
  const Json& run = sarif["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "phase-mirror-mcp");
  EXPECT_EQ(run["tool"]["driver"]["semanticVersion"], run["tool"]["driver"]["version"]);
  const Json* md103 = nullptr;
  for (const auto& rule : run["tool"]["driver"]["rules"]) {
    if (rule["id"] == "MD-103") md103 = &rule;
  }
  ASSERT_NE(md103, nullptr);
  EXPECT_EQ((*md103)["name"], "DangerousTriggerWithUntrustedCheckout");
  EXPECT_EQ((*md103)["defaultConfiguration"]["level"], "error");
  EXPECT_EQ((*md103)["properties"]["security-severity"], "9.5");
  EXPECT_NE((*md103)["helpUri"].get<std::string>().find("/rules.md#md-103--dangerous-trigger-with-untrusted-checkout"),
            std::string::npos);
  EXPECT_NE((*md103)["help"]["text"].get<std::string>().find("Remediation: "), std::string::npos);
  ASSERT_EQ(run["results"].size(), 3u);
  const Json& critical = run["results"][1];
  EXPECT_EQ(critical["ruleId"], "MD-103");
  EXPECT_EQ(run["tool"]["driver"]["rules"][critical["ruleIndex"].get<std::size_t>()]["id"], "MD-103");
  EXPECT_EQ(critical["level"], "error");
  const Json& loc = critical["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"]["uri"], ".github/workflows/ci.yml");
  EXPECT_EQ(loc["region"]["startLine"], 10);
  EXPECT_EQ(loc["region"]["startColumn"], 16);
  EXPECT_EQ(loc["region"]["snippet"]["text"], "${{ github.event.pull_request.head.sha }}");
  EXPECT_EQ(critical["partialFingerprints"]["phaseMirrorFindingId/v1"].get<std::string>().size(), 32u);
  EXPECT_EQ(run["results"][0]["level"], "note") << "a low finding";
  EXPECT_EQ(run["invocations"][0]["executionSuccessful"], true);
}

TEST_F(Scan, GithubFormatWritesWorkflowCommands) {
  repo_.write(".github/workflows/ci.yml", kRisky);
  auto r = scan({"--format", "github", "--min-severity", "critical"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            "::error file=.github/workflows/ci.yml,line=10,col=16,title=MD-103 (critical%2C high confidence)::Job "
            "'build' of a `pull_request_target` workflow checks out pull-request-controlled code "
            "(`github.event.pull_request.head.sha`) with the base repository's token and secrets%0AFix: Use the "
            "`pull_request` trigger for building untrusted code; if `pull_request_target`/`workflow_run` is needed, "
            "never check out the head ref, or check it out without credentials (persist-credentials: false) in a job "
            "with read-only permissions and no secrets, and never execute it.");
}

TEST_F(Scan, AdrChecksRunOverTheSourceTree) {
  repo_.write(".github/workflows/ci.yml", kClean);
  repo_.write("docs/adr/ADR-001-no-printf.md", kAdr);
  repo_.write("src/a.c", "int main() {\n  printf(\"x\");\n}\n");
  repo_.write("tools/b.c", "int main() { printf(\"x\"); }\n");  // outside the rule's `in`
  auto r = scan({});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("src/a.c:2:3: high ADR-001-C1 [high confidence] ADR-001: no printf"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("tools/b.c"), std::string::npos);
  EXPECT_NE(r.out.find("; 3 files against 1 ADR of docs/adr"), std::string::npos) << r.out;
  EXPECT_EQ(scan({"--no-adr"}).exit_code, 0);
  EXPECT_EQ(scan({"--exclude", "src/**"}).exit_code, 0);
}

TEST_F(Scan, ErrorsExitTwoEvenWithFindings) {
  repo_.write(".github/workflows/ci.yml", kRisky);
  repo_.write(
      "docs/adr/ADR-001-broken.md",
      "# ADR-001: Broken\n\n**Status:** Accepted\n\n```phase-mirror\n- id: bad\n  forbid: {pattern: 'a(b'}\n```\n");
  auto ignored = scan({});
  EXPECT_EQ(ignored.exit_code, 2) << "an ADR rule that could not be checked makes the scan incomplete";
  EXPECT_NE(ignored.err.find("phase-mirror-mcp scan: docs/adr/ADR-001-broken.md:7: ADR_RULE_IGNORED: Invalid regex "
                             "in rule 'bad' of ADR-001"),
            std::string::npos)
      << ignored.err;
  EXPECT_NE(ignored.out.find("1 error: the scan is incomplete"), std::string::npos) << ignored.out;

  auto sarif = Json::parse(scan({"--format", "sarif"}).out);
  EXPECT_EQ(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {{"--adr", "nope"}, "--adr nope is not a directory inside"},
           {{"--config", "nope.yml"}, "--config nope.yml is not a file inside"},
           {{"--format", "xml"}, "--format"},
           {{"--bogus"}, "--bogus"},
           {{"--json", "--format", "sarif"}, "excludes"},
           {{"no/such/dir"}, "FILE_NOT_FOUND"},
           {{"--no-adr", "docs"}, "nothing to scan in the paths given"},
       }) {
    auto r = scan(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args.front();
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args.front() << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << c.args.front();
  }
}

TEST_F(Scan, RootPathsGlobsAndExcludes) {
  repo_.write(".github/workflows/risky.yml", kRisky);
  repo_.write(".github/workflows/clean.yml", kClean);
  repo_.write(".git/HEAD", "ref: refs/heads/main\n");
  TempDir elsewhere;
  auto from_outside = scan({repo_.path(), "--no-adr"}, {}, elsewhere.path());
  EXPECT_EQ(from_outside.exit_code, 1);
  EXPECT_EQ(from_outside.out.rfind(".github/workflows/risky.yml:10:16: critical MD-103", 0), 0u)
      << "a repository given as the one PATH is the root: paths stay relative\n"
      << from_outside.out;
  auto with_root = scan({"--root", repo_.path(), ".github/workflows/clean.yml"}, {}, elsewhere.path());
  EXPECT_EQ(with_root.exit_code, 0) << with_root.out << with_root.err;
  EXPECT_EQ(scan({".github/workflows/c*.yml"}).exit_code, 0);
  EXPECT_EQ(scan({".github/workflows/r*.yml"}).exit_code, 1);
  EXPECT_EQ(scan({"--exclude", "**/risky.yml"}).exit_code, 0);
  auto env_root = scan({}, {"PHASE_MIRROR_WORKSPACE=" + repo_.path()}, elsewhere.path());
  EXPECT_EQ(env_root.exit_code, 1) << env_root.err;
}

TEST_F(Scan, ColourOnlyWhenAsked) {
  repo_.write(".github/workflows/ci.yml", kRisky);
  auto always = scan({"--color", "always", "--min-severity", "critical"});
  EXPECT_NE(always.out.find("\033[1;35mcritical\033[0m"), std::string::npos) << always.out;
  EXPECT_EQ(scan({"--color", "auto"}).out.find('\033'), std::string::npos);
}

// This repository's own workflows pass its own scan (the action's workflow included).
TEST(ScanSelf, RepositoryWorkflowsAreClean) {
  TempDir data;
  auto r = run_cli({"scan", "--root", PM_SOURCE_DIR, ".github", "action.yml", "--no-adr"},
                   {"PHASE_MIRROR_WORKSPACE=", "GITHUB_REPOSITORY=", "PHASE_MIRROR_DATA_DIR=" + data.path()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("No findings"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace pm::test
