// analyze_dissonance given directories, globs and inline content, through the
// real binary: what a walk collects and skips (dependency and VCS trees,
// symbolic links leaving the workspace), globs that match nothing, and text
// checked before it is written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "support/server_process.hpp"

namespace pm::test {
namespace {

// MD-104 on line 11: an event title expanded into a script.
const char* kInjectable = R"(name: triage
on: [push, pull_request_target]
permissions: write-all
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Say hello
        run: |
          echo "${{ github.event.pull_request.title }}"
)";

const char* kSafe = R"(name: ci
on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: make test
)";

const char* kAction = R"(name: build
description: builds
runs:
  using: composite
  steps:
    - run: echo "${{ github.event.issue.title }}"
      shell: bash
)";

const char* kDependabot =
    "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n"
    "      interval: weekly\n";

class CollectTool : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{},
        std::vector<std::string>{"PHASE_MIRROR_WORKSPACE=" + repo_.path(), "PHASE_MIRROR_DATA_DIR=" + data_.path()});
    server_->initialize();
  }
  Json call(const Json& args) { return envelope(server_->call("analyze_dissonance", args)); }

  TempDir repo_;
  TempDir data_;
  std::unique_ptr<ServerProcess> server_;
};

std::set<std::string> analysed_paths(const Json& analysis) {
  std::set<std::string> out;
  for (const auto& f : analysis["files"]) out.insert(f["path"].get<std::string>());
  return out;
}

const Json* finding_in(const Json& analysis, const std::string& rule, const std::string& file) {
  for (const auto& f : analysis["findings"]) {
    if (f["ruleId"] == rule && f["file"] == file) return &f;
  }
  return nullptr;
}

TEST_F(CollectTool, RootCollectsWorkflowsActionsAndDependabotAndSkipsTheRest) {
  repo_.write(".github/workflows/triage.yml", kInjectable);
  repo_.write(".github/workflows/ci.yaml", kSafe);
  repo_.write("tools/build/action.yml", kAction);
  repo_.write(".github/dependabot.yml", kDependabot);
  repo_.write(".github/.phase-mirror/policy.json", R"({"schemaVersion": "1.0.0"})");
  repo_.write("node_modules/pkg/action.yml", kAction);
  repo_.write(".git/hooks/action.yml", kAction);
  repo_.write("src/main.cpp", "int main() {}\n");
  TempDir outside;
  outside.write(".github/workflows/elsewhere.yml", kInjectable);
  ASSERT_EQ(::symlink(outside.path().c_str(), (repo_.path() + "/linked").c_str()), 0);

  const Json env = call({{"files", {"."}}, {"maxFindings", 0}});
  ASSERT_EQ(env["success"], true) << env.dump(2);
  const Json& a = env["data"]["analysis"];
  EXPECT_EQ(analysed_paths(a), (std::set<std::string>{".github/dependabot.yml", ".github/workflows/ci.yaml",
                                                      ".github/workflows/triage.yml", "tools/build/action.yml"}));
  const Json* injection = finding_in(a, "MD-104", ".github/workflows/triage.yml");
  ASSERT_NE(injection, nullptr) << a["findings"].dump(2);
  EXPECT_EQ((*injection)["line"], 11);
  EXPECT_NE(finding_in(a, "MD-104", "tools/build/action.yml"), nullptr) << a["findings"].dump(2);

  const Json& c = env["data"]["collected"];
  EXPECT_EQ(c["workflows"], 2);
  EXPECT_EQ(c["actions"], 1);
  EXPECT_EQ(c["dependabot"], 1);
  EXPECT_EQ(c["otherFiles"], 0);
  EXPECT_EQ(c["inline"], 0);
  EXPECT_EQ(c["policyFile"], ".github/.phase-mirror/policy.json");
  EXPECT_EQ(c["configFile"], nullptr);
  EXPECT_EQ(c["nothingCollected"], Json::array());
  EXPECT_EQ(c["skipped"], (Json::array({Json{{"path", "linked"}, {"reason", "symbolic link (not followed)"}}})));
}

TEST_F(CollectTool, GlobsTakeWhatTheyMatch) {
  repo_.write(".github/workflows/triage.yml", kInjectable);
  repo_.write(".github/workflows/ci.yml", kSafe);
  repo_.write("a/action.yml", kAction);
  repo_.write("b/c/action.yml", kAction);

  const Json safe = call({{"files", {".github/workflows/c*.yml"}}});
  ASSERT_EQ(safe["success"], true) << safe.dump(2);
  EXPECT_EQ(analysed_paths(safe["data"]["analysis"]), std::set<std::string>{".github/workflows/ci.yml"});
  EXPECT_EQ(safe["data"]["analysis"]["findingsTotal"], 0);
  EXPECT_EQ(safe["data"]["collected"]["workflows"], 1);

  const Json actions = call({{"files", {"**/action.yml"}}});
  ASSERT_EQ(actions["success"], true) << actions.dump(2);
  EXPECT_EQ(analysed_paths(actions["data"]["analysis"]), (std::set<std::string>{"a/action.yml", "b/c/action.yml"}));
  EXPECT_EQ(actions["data"]["collected"]["actions"], 2);
}

TEST_F(CollectTool, NothingToCheckIsAnErrorNotAPass) {
  repo_.write(".github/workflows/ci.yml", kSafe);
  repo_.write("docs/readme.md", "# docs\n");

  const Json none = call({{"files", {".github/workflows/*.json"}}});
  EXPECT_EQ(none["success"], false) << none.dump(2);
  EXPECT_EQ(none["code"], "FILE_NOT_FOUND");
  EXPECT_NE(
      none["message"].get<std::string>().find("Nothing to check: the glob .github/workflows/*.json matches no file"),
      std::string::npos)
      << none["message"];
  EXPECT_EQ(none["data"]["details"]["collected"]["nothingCollected"], Json::array({".github/workflows/*.json"}));

  const Json docs = call({{"files", {"docs"}}});
  EXPECT_EQ(docs["code"], "FILE_NOT_FOUND") << docs.dump(2);
  EXPECT_NE(docs["message"].get<std::string>().find("docs holds no workflow, composite action or dependabot file"),
            std::string::npos)
      << docs["message"];

  // With something else to check, the empty glob is said in the answer.
  const Json some = call({{"files", {".github/workflows/ci.yml", "nope/**/*.yml"}}});
  ASSERT_EQ(some["success"], true) << some.dump(2);
  EXPECT_EQ(some["data"]["collected"]["nothingCollected"], Json::array({"nope/**/*.yml"}));

  const Json outside = call({{"files", {"../*.yml"}}});
  EXPECT_EQ(outside["code"], "PATH_OUTSIDE_WORKSPACE") << outside.dump(2);
}

TEST_F(CollectTool, InlineContentIsCheckedBeforeItIsWritten) {
  const Json env = call({{"content", {{{"path", ".github/workflows/new.yml"}, {"text", kInjectable}}}}});
  ASSERT_EQ(env["success"], true) << env.dump(2);
  const Json& a = env["data"]["analysis"];
  EXPECT_EQ(analysed_paths(a), std::set<std::string>{".github/workflows/new.yml"});
  const Json* f = finding_in(a, "MD-104", ".github/workflows/new.yml");
  ASSERT_NE(f, nullptr) << a["findings"].dump(2);
  EXPECT_EQ((*f)["line"], 11);
  EXPECT_NE((*f)["evidence"].get<std::string>().find("github.event.pull_request.title"), std::string::npos);
  EXPECT_EQ((*f)["findingId"].get<std::string>().size(), 32u) << (*f)["findingId"];
  EXPECT_EQ(env["data"]["collected"]["inline"], 1);
  EXPECT_FALSE(std::filesystem::exists(repo_.path() + "/.github/workflows/new.yml"));

  // The same text on disk gives the same finding, id included.
  repo_.write(".github/workflows/new.yml", kInjectable);
  const Json disk = call({{"files", {".github/workflows/new.yml"}}});
  const Json* g = finding_in(disk["data"]["analysis"], "MD-104", ".github/workflows/new.yml");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ((*g)["findingId"], (*f)["findingId"]);
}

TEST_F(CollectTool, InlineContentReplacesTheFileOnDisk) {
  repo_.write(".github/workflows/triage.yml", kInjectable);
  repo_.write(".github/workflows/ci.yml", kSafe);
  const Json fixed =
      call({{"files", {"."}}, {"content", {{{"path", ".github/workflows/triage.yml"}, {"text", kSafe}}}}});
  ASSERT_EQ(fixed["success"], true) << fixed.dump(2);
  const Json& a = fixed["data"]["analysis"];
  EXPECT_EQ(a["findingsTotal"], 0) << a["findings"].dump(2);
  EXPECT_EQ(a["filesAnalyzed"], 2);
  EXPECT_EQ(fixed["data"]["collected"]["workflows"], 2);
  EXPECT_EQ(fixed["data"]["collected"]["inline"], 1);

  const Json before = call({{"files", {"."}}});
  EXPECT_NE(finding_in(before["data"]["analysis"], "MD-104", ".github/workflows/triage.yml"), nullptr);
}

TEST_F(CollectTool, InlineContentLimits) {
  const std::string big(11u << 20, 'a');  // over the default 10 MiB a file may have
  const Json large = call({{"content", {{{"path", ".github/workflows/big.yml"}, {"text", big}}}}});
  EXPECT_EQ(large["code"], "INVALID_INPUT") << large["message"];
  EXPECT_NE(large["message"].get<std::string>().find("over the limit of"), std::string::npos) << large["message"];
  EXPECT_EQ(large["data"]["details"]["content"], 0);

  const Json nul =
      call({{"content", {{{"path", ".github/workflows/nul.yml"}, {"text", std::string("on: push\n\0x", 11)}}}}});
  ASSERT_EQ(nul["success"], true) << nul.dump(2);
  const Json* f = finding_in(nul["data"]["analysis"], "MD-000", ".github/workflows/nul.yml");
  ASSERT_NE(f, nullptr) << nul["data"]["analysis"].dump(2);
  EXPECT_NE(nul["data"]["analysis"]["decision"]["outcome"], "allow");

  const Json escape = call({{"content", {{{"path", "../x.yml"}, {"text", kSafe}}}}});
  EXPECT_EQ(escape["code"], "PATH_OUTSIDE_WORKSPACE") << escape.dump(2);
  TempDir outside;
  ASSERT_EQ(::symlink(outside.path().c_str(), (repo_.path() + "/out").c_str()), 0);
  const Json through_link = call({{"content", {{{"path", "out/new/ci.yml"}, {"text", kSafe}}}}});
  EXPECT_EQ(through_link["code"], "PATH_OUTSIDE_WORKSPACE") << through_link.dump(2);

  const Json neither = call(Json::object());
  EXPECT_EQ(neither["code"], "INVALID_INPUT");
  EXPECT_EQ(neither["data"]["details"]["validationErrors"],
            Json::array({Json{{"path", "/files"}, {"message", "Required"}, {"keyword", "required"}}}));
}

}  // namespace
}  // namespace pm::test
