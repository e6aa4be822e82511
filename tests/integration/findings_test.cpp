// Findings through the real binary: a representative set of the rule test
// data (tests/data/rules) gives exactly the expected findings, with column,
// confidence and persona; findings whose meaning did not change keep their
// findingId; a huge script with tens of thousands of expressions completes;
// workflows that are not UTF-8 or cannot be parsed never pass; the rule
// metadata reaches `rules --json` and the SARIF rules built from it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support/cli_run.hpp"
#include "support/server_process.hpp"

namespace pm::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> findings_env(const TempDir& dir) {
  return {"PHASE_MIRROR_WORKSPACE=" + dir.path(), "PHASE_MIRROR_DATA_DIR=" + dir.path() + "/.data"};
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json analyze(ServerProcess& p, Json args) {
  const Json env = envelope(p.request("tools/call", Json{{"name", "analyze_dissonance"}, {"arguments", args}}, Json(1),
                                      std::chrono::seconds(600)));
  EXPECT_EQ(env["success"], true) << env.dump(2).substr(0, 4000);
  // A failed call has no analysis: reading one from null throws, which fails the test.
  return env["success"] == true ? env["data"]["analysis"] : Json();
}

// (rule, data file): the patterns §4a names — publishing, provenance, bots,
// reusable-workflow callers, $/ references, matrix images — next to positives.
const std::vector<std::pair<std::string, std::string>> kRepresentative = {
    {"MD-101", "pypi_trusted_publishing"},
    {"MD-101", "npm_publish_with_provenance"},
    {"MD-101", "docker_push_to_ghcr"},
    {"MD-101", "bots_open_pull_requests"},
    {"MD-101", "codeql_upload"},
    {"MD-101", "reusable_workflow_caller"},
    {"MD-101", "workflow_grants_shared_by_jobs"},
    {"MD-101", "release_single_job_workflow_grants"},
    {"MD-101", "default_token_issue_comment"},
    {"MD-105", "pinned_local_and_self_references"},
    {"MD-105", "tags_and_branches"},
    {"MD-105", "matrix_expanded_images"},
    {"MD-104", "pull_request_title_in_scripts"},
    {"MD-104", "reusable_workflow_inputs"},
    {"MD-104", "safe_patterns"},
    {"MD-104", "matrix_built_from_event_data"},
    {"MD-104", "matrix_from_event_json"},
    {"MD-104", "matrix_and_outputs_from_steps"},
    {"MD-104", "job_output_from_event_text"},
    {"MD-104", "manual_inputs_only"},
    {"MD-104", "composite_action_inputs.action"},
    {"MD-107", "workspace_uploaded_with_token"},
    {"MD-107", "credentials_not_persisted"},
    {"MD-108", "pull_request_target_env_writes"},
    {"MD-108", "trusted_triggers"},
    {"MD-109", "json_secret_fields"},
    {"MD-109", "secrets_by_name"},
    {"MD-110", "pull_request_target_and_workflow_run"},
    {"MD-110", "labeler_and_pull_request"},
    {"MD-111", "dependabot_auto_merge_by_actor"},
    {"MD-111", "dependabot_auto_merge_done_right"},
    {"MD-112", "always_true_conditions"},
    {"MD-112", "sound_conditions"},
    {"MD-113", "legacy_set_env"},
    {"MD-114", "passwords_in_clear"},
    {"MD-114", "passwords_from_secrets"},
    {"MD-115", "pull_request_on_own_hardware"},
    {"MD-115", "github_hosted"},
    {"MD-116", "release_with_tokens"},
    {"MD-116", "trusted_publishing"},
    {"MD-117", "deploy_without_environment"},
    {"MD-117", "deploy_in_environment"},
    {"MD-118", "release_with_caches"},
    {"MD-118", "ci_with_cache"},
    {"MD-119", "install_scripts_piped"},
    {"MD-119", "downloads_verified"},
    {"MD-120", "tools_installed_by_name"},
    {"MD-120", "tools_from_lockfiles"},
    {"MD-121", "checkout_pinned_twice"},
    {"MD-121", "pinned_consistently"},
    {"MD-122", "issue_text_in_agent_prompts"},
    {"MD-122", "agent_reads_issue_itself"},
    {"MD-122", "trusted_triggers_only"},
    {"MD-122", "agent_review.action"},
    {"MD-123", "updates_without_cooldown.dependabot"},
    {"MD-123", "updates_with_cooldown.dependabot"},
    {"MD-124", "manifests_run_with_registry_tokens.dependabot"},
    {"MD-124", "manifests_not_run.dependabot"},
};

// Where a data file is analysed: `<name>.action` as an action's metadata,
// `<name>.dependabot` as the Dependabot configuration of a repository of its
// own in the workspace, anything else as a workflow.
std::string analysed_path(const std::string& name) {
  if (name.ends_with(".action")) return ".github/actions/" + name.substr(0, name.size() - 7) + "/action.yml";
  const std::string suffix = ".dependabot";
  if (name.ends_with(suffix)) return name.substr(0, name.size() - suffix.size()) + "/.github/dependabot.yml";
  return ".github/workflows/" + name + ".yml";
}

std::string describe(const Json& f) {
  return std::to_string(f["line"].get<int>()) + ":" + std::to_string(f["column"].get<int>()) + " " +
         f["severity"].get<std::string>() + "/" + f["confidence"].get<std::string>() + " " +
         f.value("persona", std::string("regular"));
}

TEST(Findings, RepresentativeRuleDataThroughTheBinary) {
  TempDir dir;
  Json files = Json::array();
  for (const auto& [rule, name] : kRepresentative) {
    const fs::path src = fs::path(PM_SOURCE_DIR) / "tests/data/rules" / rule;
    dir.write(analysed_path(name), read(src / (name + ".yml")));
    files.push_back(analysed_path(name));
  }
  ServerProcess p({}, findings_env(dir));
  p.initialize();
  const Json a = analyze(p, Json{{"files", files}, {"persona", "auditor"}, {"maxFindings", 0}});
  for (const auto& [rule, name] : kRepresentative) {
    const std::string path = analysed_path(name);
    std::multiset<std::string> got, want;
    for (const auto& f : a["findings"]) {
      if (f["ruleId"] == rule && f["file"] == path) got.insert(describe(f));
    }
    const Json expected =
        Json::parse(read(fs::path(PM_SOURCE_DIR) / "tests/data/rules" / rule / (name + ".expected.json")));
    for (const auto& e : expected.is_object() ? expected["findings"] : expected) {
      Json f = e;
      if (!f.contains("persona")) f["persona"] = "regular";
      want.insert(describe(f));
    }
    EXPECT_EQ(got, want) << rule << " " << name;
  }
  // The default persona lists and counts only regular findings.
  const Json regular = analyze(p, Json{{"files", files}, {"maxFindings", 0}});
  for (const auto& f : regular["findings"]) EXPECT_FALSE(f.contains("persona")) << f.dump();
  EXPECT_LT(regular["findingsTotal"].get<int>(), a["findingsTotal"].get<int>());
}

TEST(Findings, JsonShapeKeyOrderAndRelatedLocations) {
  TempDir dir;
  dir.write(".github/workflows/preview.yml",
            read(fs::path(PM_SOURCE_DIR) / "tests/data/rules/MD-103/pull_request_target_builds_head.yml"));
  ServerProcess p({}, findings_env(dir));
  p.initialize();
  const Json a = analyze(p, Json{{"files", {".github/workflows/preview.yml"}}});
  const Json* md103 = nullptr;
  for (const auto& f : a["findings"]) {
    if (f["ruleId"] == "MD-103" && f["line"] == 14) md103 = &f;
  }
  ASSERT_NE(md103, nullptr) << a.dump(2);
  std::vector<std::string> keys;
  for (const auto& [k, v] : md103->items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"ruleId", "severity", "confidence", "message", "file", "line", "column",
                                            "evidence", "remediation", "findingId", "adrRefs", "related", "context"}));
  EXPECT_EQ((*md103)["column"], 16);
  ASSERT_EQ((*md103)["related"].size(), 2u);
  EXPECT_EQ((*md103)["related"][0], (Json{{"file", ".github/workflows/preview.yml"},
                                          {"line", 3},
                                          {"column", 3},
                                          {"message", "the `pull_request_target` trigger"}}));
  EXPECT_EQ((*md103)["related"][1]["line"], 15);
}

// Findings whose rule, file and evidence did not change keep the findingId
// the previous release gave them (an FP review recorded against it still
// applies).
TEST(Findings, FindingIdsOfUnchangedFindingsAreStable) {
  TempDir dir;
  dir.write(".github/workflows/triage.yml", R"(name: triage
on: [push, pull_request_target]
permissions: write-all
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: octo-org/greeter@v1
      - name: Say hello
        run: |
          echo "Thanks for the PR"
          echo "${{ github.event.pull_request.title }}"
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci
        env:
          ALL: ${{ toJSON(secrets) }}
)");
  ServerProcess p({}, findings_env(dir));
  p.initialize();
  const Json a = analyze(p, Json{{"files", {".github/workflows/triage.yml"}}, {"maxFindings", 0}});
  std::set<std::string> ids;
  for (const auto& f : a["findings"])
    ids.insert(f["ruleId"].get<std::string>() + " " + f["findingId"].get<std::string>());
  // As 0.1.0 reported them.
  for (const char* id : {"MD-101 1437d71f8d9c8b087d68790183d334b5", "MD-105 15be28b97ff78174b8e9c3fca5de394a",
                         "MD-104 72fc8f30b6589a7188e9e2ad3d84c235", "MD-103 45461e306180515b8514b1c7f9c32a3f",
                         "MD-106 23f30e3c70dc7f60862227a7ab1cbeeb"}) {
    EXPECT_EQ(ids.count(id), 1u) << id << "\n" << a["findings"].dump(2);
  }
}

// MD-104 used to find each expression's line by counting from the start of
// the script (a 2.8 MB run block with 60 000 expressions took ~30 s), and in a
// folded script by searching the source again for every expression. The
// test's own ctest timeout is the bound (tests/CMakeLists.txt); it asserts the
// counts and positions. Twice the reported size, so that the quadratic lookup
// (~72 s here) and the linear one (~5 s) stay far apart on a busy machine.
TEST(Findings, HugeScriptsWithManyExpressionsComplete) {
  TempDir dir;
  std::string literal = "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n";
  std::string folded = "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: >\n";
  for (int i = 0; i < 120000; ++i) {
    literal +=
        i % 2 == 0 ? "          echo \"${{ github.event.issue.title }}\"\n" : "          echo \"${{ github.sha }}\"\n";
  }
  for (int i = 0; i < 40000; ++i) folded += "          echo ${{ github.event.issue.body }} &&\n";
  folded += "          true\n";
  ASSERT_GT(literal.size(), 5000000u);
  dir.write(".github/workflows/literal.yml", literal);
  dir.write(".github/workflows/folded.yml", folded);
  // No call timeout of the server's own: the ctest timeout is the bound.
  std::vector<std::string> env = findings_env(dir);
  env.emplace_back("PHASE_MIRROR_CALL_TIMEOUT_MS=0");
  ServerProcess p({}, env);
  p.initialize();
  const Json a = analyze(p, Json{{"files", {".github/workflows/literal.yml"}}});
  EXPECT_EQ(a["findingsTotal"], 60000);
  ASSERT_EQ(a["findings"].size(), 50u);
  // The listed ones carry the line and column of their expression.
  for (std::size_t i = 0; i < a["findings"].size(); ++i) {
    const Json& f = a["findings"][i];
    ASSERT_EQ(f["ruleId"], "MD-104");
    ASSERT_EQ(f["line"], 8 + 2 * static_cast<int>(i)) << f.dump();
    ASSERT_EQ(f["column"], 17);
  }
  const Json b = analyze(p, Json{{"files", {".github/workflows/folded.yml"}}});
  EXPECT_EQ(b["findingsTotal"], 40000);
  ASSERT_EQ(b["findings"].size(), 50u);
  for (std::size_t i = 0; i < b["findings"].size(); ++i) {
    ASSERT_EQ(b["findings"][i]["line"], 8 + static_cast<int>(i)) << b["findings"][i].dump();
    ASSERT_EQ(b["findings"][i]["column"], 16);
  }
}

TEST(Findings, WorkflowsThatAreNotTextOrNotYamlNeverPass) {
  TempDir dir;
  dir.write(".github/workflows/nul.yml", std::string("on: push\njobs:\n  a:\n    steps:\n      - run: a\0b\n", 48));
  dir.write(".github/workflows/latin1.yml", "name: caf\xe9\non: push\njobs: {}\n");
  dir.write(".github/workflows/broken.yml", "on: push\njobs:\n  a: [\n");
  ServerProcess p({}, findings_env(dir));
  p.initialize();
  const Json a = analyze(
      p,
      Json{{"files", {".github/workflows/nul.yml", ".github/workflows/latin1.yml", ".github/workflows/broken.yml"}}});
  EXPECT_TRUE(a["binaryFiles"].empty());
  std::vector<std::string> got;
  for (const auto& f : a["findings"]) {
    got.push_back(f["ruleId"].get<std::string>() + " " + f["file"].get<std::string>() + ":" +
                  std::to_string(f["line"].get<int>()) + ":" + std::to_string(f["column"].get<int>()));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"MD-000 .github/workflows/broken.yml:4:1",
                                           "MD-000 .github/workflows/latin1.yml:1:10",
                                           "MD-000 .github/workflows/nul.yml:5:15"}));
  EXPECT_NE(a["findings"][2]["message"].get<std::string>().find("a NUL byte at byte offset 45"), std::string::npos);
  EXPECT_EQ(a["decision"]["outcome"], "warn");
  EXPECT_EQ(a["decision"]["reasons"].back(),
            "Nothing could be checked: no file could be parsed: .github/workflows/nul.yml, "
            ".github/workflows/latin1.yml, .github/workflows/broken.yml");
  // Strict mode blocks on the same input, and still says that nothing was checked.
  const Json strict =
      envelope(p.call("analyze_dissonance", {{"files", {".github/workflows/nul.yml"}}, {"strict", true}}));
  ASSERT_EQ(strict["success"], true) << dump_line(strict);
  const Json& decision = strict["data"]["analysis"]["decision"];
  EXPECT_EQ(decision["outcome"], "block");
  EXPECT_EQ(decision["reasons"].back(), "Nothing could be checked: no file could be parsed: .github/workflows/nul.yml");
}

// Each rule's metadata is declared once; `rules --json` prints it and the
// SARIF writer reads that list, so both carry confidence, persona, tags and
// what the rule does not report.
TEST(Findings, RuleMetadataReachesRulesJsonAndSarif) {
  TempDir data;
  const std::vector<std::string> env = {
      "PHASE_MIRROR_WORKSPACE=", "GITHUB_REPOSITORY=", "PHASE_MIRROR_DATA_DIR=" + data.path()};
  const CliRun rules = run_cli({"rules", "--json"}, env);
  ASSERT_EQ(rules.exit_code, 0) << rules.err;
  const Json list = Json::parse(rules.out);
  std::vector<std::string> ids;
  for (const auto& r : list) {
    ids.push_back(r["id"]);
    std::vector<std::string> keys;
    for (const auto& [k, v] : r.items()) keys.push_back(k);
    EXPECT_EQ(keys,
              (std::vector<std::string>{"id", "title", "severity", "defaultSeverity", "defaultConfidence", "persona",
                                        "description", "notReported", "remediation", "example", "adrRefs", "tags"}))
        << r["id"];
    EXPECT_EQ(r["severity"], r["defaultSeverity"]) << "the name earlier versions used";
    EXPECT_FALSE(r["notReported"].get<std::string>().empty()) << r["id"];
    EXPECT_FALSE(r["tags"].empty()) << r["id"];
  }
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "MD-001", "MD-002", "MD-003", "MD-004", "MD-005", "MD-101", "MD-102", "MD-103", "MD-104", "MD-105",
                     "MD-106", "MD-107", "MD-108", "MD-109", "MD-110", "MD-111", "MD-112", "MD-113", "MD-114", "MD-115",
                     "MD-116", "MD-117", "MD-118", "MD-119", "MD-120", "MD-121", "MD-122", "MD-123", "MD-124"}));
  const Json& md105 = list[9];
  EXPECT_EQ(md105["defaultSeverity"], "medium");
  EXPECT_EQ(md105["defaultConfidence"], "high");
  EXPECT_EQ(md105["persona"], "regular");
  EXPECT_EQ(md105["tags"], (Json{"security", "supply-chain"}));
  EXPECT_NE(md105["notReported"].get<std::string>().find("self-repository (`$/path`)"), std::string::npos);

  TempDir repo;
  repo.write(".github/workflows/ci.yml",
             "on: push\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
             "      - uses: octo-org/setup-tool@v1\n");
  const CliRun sarif = run_cli({"scan", "--format", "sarif", "--no-adr"}, env, repo.path());
  ASSERT_EQ(sarif.exit_code, 1) << sarif.err;
  const Json run = Json::parse(sarif.out)["runs"][0];
  const Json* rule = nullptr;
  for (const auto& r : run["tool"]["driver"]["rules"]) {
    if (r["id"] == "MD-105") rule = &r;
  }
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ((*rule)["properties"]["precision"], "high");
  EXPECT_EQ((*rule)["properties"]["tags"], (Json{"security", "supply-chain"}));
  EXPECT_NE((*rule)["help"]["text"].get<std::string>().find("\n\nNot reported: Local (`./path`)"), std::string::npos);
  ASSERT_EQ(run["results"].size(), 1u);
  EXPECT_EQ(run["results"][0]["properties"]["confidence"], "high");
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"], 15);
}

}  // namespace
}  // namespace pm::test
