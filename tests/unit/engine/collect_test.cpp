// Repository collection on real directory trees: what each kind of file
// becomes, what is never walked, symbolic links, .gitignore, limits and errors.
#include "engine/collect.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/server_process.hpp"

namespace pm::engine {
namespace {

using Paths = std::vector<std::string>;

// Collection without a time or step limit: what the tests below are about.
Result<Collection> collect(const Workspace& ws, const CollectRequest& request) {
  Budget unlimited;
  return engine::collect(ws, request, unlimited);
}

std::string skipped_list(const Collection& c) {
  std::string s;
  for (const auto& k : c.skipped) s += k.path + ": " + k.reason + "\n";
  return s;
}

class Collect : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string wf = "on: push\njobs: {}\n";
    dir_.write(".github/workflows/ci.yml", wf);
    dir_.write(".github/workflows/release.yaml", wf);
    dir_.write(".github/workflows/notes.md", "not a workflow\n");
    dir_.write(".github/workflows/templates/t.yml", wf);  // GitHub runs only the top level
    dir_.write(".github/dependabot.yml", "version: 2\n");
    dir_.write(".github/.phase-mirror/policy.json", "{}\n");
    dir_.write(".github/phase-mirror.yml", "ignore: []\n");
    dir_.write("actions/setup/action.yml", "runs: {using: composite, steps: []}\n");
    dir_.write("services/api/.github/workflows/api.yml", wf);
    dir_.write("node_modules/pkg/action.yml", "runs: {}\n");
    dir_.write("vendor/lib/action.yaml", "runs: {}\n");
    dir_.write(".git/config", "[core]\n");
    dir_.write("src/main.cpp", "int main() {}\n");
    dir_.write("README.md", "# repo\n");
  }
  Workspace ws() const { return Workspace({dir_.path()}, 1024); }
  pm::test::TempDir dir_;
};

TEST_F(Collect, RootFindsEachKindAndSkipsDependencyTrees) {
  auto c = collect(ws(), CollectRequest{});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->workflows, (Paths{".github/workflows/ci.yml", ".github/workflows/release.yaml",
                                 "services/api/.github/workflows/api.yml"}));
  EXPECT_EQ(c->actions, (Paths{"actions/setup/action.yml"}));
  EXPECT_EQ(c->dependabot, (Paths{".github/dependabot.yml"}));
  EXPECT_EQ(c->policy_file, ".github/.phase-mirror/policy.json");
  EXPECT_EQ(c->config_file, ".github/phase-mirror.yml");
  EXPECT_TRUE(c->other_files.empty());
  EXPECT_TRUE(c->source_files.empty()) << "only with source_tree";
  EXPECT_EQ(c->analysis_files(),
            (Paths{".github/dependabot.yml", ".github/workflows/ci.yml", ".github/workflows/release.yaml",
                   "actions/setup/action.yml", "services/api/.github/workflows/api.yml"}));
  EXPECT_TRUE(c->skipped.empty()) << skipped_list(*c);
}

TEST_F(Collect, SourceTreeListsEveryFileWalkedButTheExcludedOnes) {
  CollectRequest req;
  req.source_tree = true;
  req.excluded_dirs = {"actions"};
  req.exclude = [](std::string_view rel) { return rel == "README.md"; };
  auto c = collect(ws(), req);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->source_files,
            (Paths{".github/.phase-mirror/policy.json", ".github/dependabot.yml", ".github/phase-mirror.yml",
                   ".github/workflows/ci.yml", ".github/workflows/notes.md", ".github/workflows/release.yaml",
                   ".github/workflows/templates/t.yml", "services/api/.github/workflows/api.yml", "src/main.cpp"}));
  EXPECT_TRUE(c->actions.empty()) << "the excluded directory is not walked";
}

TEST_F(Collect, NamedFilesAreTakenWhateverTheirKind) {
  CollectRequest req;
  req.paths = {"src/main.cpp", ".github/workflows", "./README.md", "node_modules/pkg/action.yml"};
  auto c = collect(ws(), req);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->other_files, (Paths{"README.md", "src/main.cpp"}));
  EXPECT_EQ(c->actions, (Paths{"node_modules/pkg/action.yml"})) << "named explicitly, so taken";
  EXPECT_EQ(c->workflows, (Paths{".github/workflows/ci.yml", ".github/workflows/release.yaml"}));
}

TEST_F(Collect, SymbolicLinksAreReportedNotFollowed) {
  pm::test::TempDir outside;
  outside.write(".github/workflows/evil.yml", "on: push\n");
  ASSERT_EQ(::symlink(outside.path().c_str(), (dir_.path() + "/linked").c_str()), 0);
  ASSERT_EQ(::symlink((outside.path() + "/.github/workflows/evil.yml").c_str(),
                      (dir_.path() + "/.github/workflows/link.yml").c_str()),
            0);
  auto c = collect(ws(), CollectRequest{});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(skipped_list(*c),
            ".github/workflows/link.yml: symbolic link (not followed)\nlinked: symbolic link (not followed)\n");
  EXPECT_EQ(c->workflows.size(), 3u);
}

TEST_F(Collect, LiteralGitignoreEntriesAreNotWalked) {
  dir_.write(".gitignore", "# build output\nbuild/\n/dist\n*.log\n!keep.log\nout/generated\n");
  dir_.write("build/.github/workflows/copy.yml", "on: push\n");
  dir_.write("dist/action.yml", "runs: {}\n");
  dir_.write("pkg/dist/action.yml", "runs: {}\n");  // /dist is anchored at the root
  dir_.write("out/generated/action.yml", "runs: {}\n");
  dir_.write("out/kept/action.yml", "runs: {}\n");
  dir_.write("trace.log/action.yml", "runs: {}\n");  // wildcard entries are git's business
  auto c = collect(ws(), CollectRequest{});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->actions,
            (Paths{"actions/setup/action.yml", "out/kept/action.yml", "pkg/dist/action.yml", "trace.log/action.yml"}));
  EXPECT_EQ(c->workflows.size(), 3u);
}

TEST_F(Collect, PatternsTakeTheFilesTheyMatch) {
  CollectRequest req;
  req.patterns.push_back(CollectRequest::Pattern{"src/**/*.cpp", "src", [](std::string_view rel) {
                                                   return rel.size() > 4 && rel.substr(rel.size() - 4) == ".cpp";
                                                 }});
  req.patterns.push_back(CollectRequest::Pattern{"missing/*", "missing", [](std::string_view) { return true; }});
  auto c = collect(ws(), req);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->analysis_files(), (Paths{"src/main.cpp"}));
}

TEST_F(Collect, LimitsStopTheWalk) {
  CollectRequest req;
  req.source_tree = true;
  req.limits.max_files = 5;
  auto files = collect(ws(), req);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code, code::kInvalidInput);
  EXPECT_EQ(files.error().message, "More than 5 files to scan: name the directories that matter, or exclude some");

  req = CollectRequest{};
  req.limits.max_entries = 3;
  auto entries = collect(ws(), req);
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.error().message.find("More than 3 directory entries"), std::string::npos);

  dir_.write("a/b/c/d/action.yml", "runs: {}\n");
  req = CollectRequest{};
  req.limits.max_depth = 3;
  auto deep = collect(ws(), req);
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(
      skipped_list(*deep),
      "a/b/c/d: deeper than 3 directory levels\nservices/api/.github/workflows: deeper than 3 directory levels\n");
  EXPECT_EQ(deep->actions, (Paths{"actions/setup/action.yml"}));
}

TEST_F(Collect, ALinkGivenByNameIsWalkedAsItsRealDirectory) {
  ASSERT_EQ(::symlink("src", (dir_.path() + "/src-link").c_str()), 0);
  CollectRequest req;
  req.paths = {"src-link"};
  req.source_tree = true;
  auto c = collect(ws(), req);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->source_files, (Paths{"src/main.cpp"}));
}

TEST_F(Collect, TheWalkStopsWithTheBudget) {
  for (int i = 0; i < 200; ++i) dir_.write("many/f" + std::to_string(i) + ".txt", "x\n");
  Budget small(Budget::Limits{std::nullopt, 100, Budget::kUnlimited});
  auto c = engine::collect(ws(), CollectRequest{}, small);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, code::kTimeout);
  EXPECT_EQ(c.error().details["budget"], "steps");
  EXPECT_NE(c.error().message.find("the repository walk stopped"), std::string::npos) << c.error().message;

  // A stop is seen at the next look, every Budget::kLookEvery entries.
  for (int i = 200; i < 1200; ++i) dir_.write("many/f" + std::to_string(i) + ".txt", "x\n");
  CancellationToken token;
  token.cancel(StopReason::kCancelled);
  Budget cancelled(Budget::Limits{}, &token);
  auto stopped = engine::collect(ws(), CollectRequest{}, cancelled);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().details["budget"], "cancelled");
}

TEST_F(Collect, LargeFilesAreSkippedWithTheReason) {
  dir_.write("actions/big/action.yml", std::string(2000, '#'));
  auto c = collect(ws(), CollectRequest{});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(skipped_list(*c), "actions/big/action.yml: larger than 1024 bytes\n");
}

TEST_F(Collect, PathsOutsideOrMissingAreErrors) {
  CollectRequest req;
  req.paths = {"../"};
  auto outside = collect(ws(), req);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, code::kPathOutsideWorkspace);
  req.paths = {"no/such/dir"};
  auto missing = collect(ws(), req);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, code::kFileNotFound);
}

}  // namespace
}  // namespace pm::engine
