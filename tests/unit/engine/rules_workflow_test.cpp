// Workflow-content rules MD-002, MD-003, MD-101, MD-103..MD-106 on realistic
// workflows (fixtures under fixtures/workflows/ and inline snippets).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/rules/rules.hpp"

namespace pm::engine {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PM_SOURCE_DIR) + "/tests/unit/engine/fixtures/workflows/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

AnalysisInput input_with(const std::string& path, const std::string& text) {
  AnalysisInput in;
  in.workflows.push_back(parse_workflow(path, text));
  EXPECT_FALSE(in.workflows.back().parse_error.has_value()) << path << ": " << in.workflows.back().parse_error->message;
  return in;
}

std::vector<Finding> run(const Rule& rule, const AnalysisInput& in) {
  std::vector<Finding> out;
  rule.evaluate(in, out);
  for (const auto& f : out) {
    EXPECT_EQ(f.rule_id, rule.info().id);
    EXPECT_FALSE(f.message.empty());
    EXPECT_FALSE(f.remediation.empty());
  }
  return out;
}

std::vector<Finding> run_fixture(std::unique_ptr<Rule> rule, const std::string& name) {
  return run(*rule, input_with(".github/workflows/" + name, fixture(name)));
}

std::vector<Finding> run_text(std::unique_ptr<Rule> rule, const std::string& text) {
  return run(*rule, input_with(".github/workflows/inline.yml", text));
}

std::vector<int> lines_of(const std::vector<Finding>& fs) {
  std::vector<int> out;
  for (const auto& f : fs) out.push_back(f.line);
  return out;
}

// ---------------------------------------------------------------- MD-101

TEST(Md101, WriteAllOnUntrustedTriggerIsCritical) {
  auto fs = run_fixture(rules::make_md_101(), "pr_target_write_all.yml");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].severity, Severity::kCritical);
  EXPECT_EQ(fs[0].file, ".github/workflows/pr_target_write_all.yml");
  EXPECT_EQ(fs[0].line, 7);
  EXPECT_EQ(fs[0].evidence, "permissions: write-all");
  EXPECT_NE(fs[0].message.find("pull_request_target"), std::string::npos);
}

TEST(Md101, WriteAllOnPushIsHigh) {
  auto fs = run_text(rules::make_md_101(), "on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
  EXPECT_EQ(fs[0].line, 2);
}

TEST(Md101, WorkflowWriteAllFlaggedButRestrictingJobsAreFine) {
  auto fs = run_text(rules::make_md_101(),
                     "on: [push, pull_request_target]\n"
                     "permissions: write-all\n"
                     "jobs:\n"
                     "  lint:\n"
                     "    permissions:\n"
                     "      contents: read\n"
                     "    runs-on: ubuntu-latest\n"
                     "  test:\n"
                     "    permissions: read-all\n"
                     "    runs-on: ubuntu-latest\n");
  // The workflow-level write-all (critical: pull_request_target in a flow
  // list) and the job's read-all; lint's scoped grant is least privilege.
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].line, 2);
  EXPECT_EQ(fs[0].column, 1);
  EXPECT_EQ(fs[0].severity, Severity::kCritical);
  EXPECT_EQ(fs[0].persona, Persona::kRegular);
  EXPECT_NE(fs[0].message.find("no job today"), std::string::npos) << fs[0].message;
  EXPECT_EQ(fs[1].line, 9);
  EXPECT_EQ(fs[1].severity, Severity::kMedium);
}

const char* kJobGrants =
    "on: push\n"
    "permissions:\n"
    "  contents: read\n"
    "jobs:\n"
    "  release:\n"
    "    permissions:\n"
    "      contents: write\n"
    "      packages: write\n"
    "    runs-on: ubuntu-latest\n";

TEST(Md101, JobLevelScopedGrantsAreLeastPrivilegeWithoutAPolicyCeiling) {
  EXPECT_TRUE(run_text(rules::make_md_101(), kJobGrants).empty());
  // A policy file without workflowPermissions changes nothing.
  AnalysisInput in = input_with(".github/workflows/inline.yml", kJobGrants);
  in.policy.loaded = true;
  EXPECT_TRUE(run(*rules::make_md_101(), in).empty());
}

TEST(Md101, JobLevelWriteScopeBeyondAPolicyCeiling) {
  AnalysisInput in = input_with(".github/workflows/inline.yml", kJobGrants);
  in.policy.loaded = true;
  in.policy.workflow_permissions_set = true;
  in.policy.path = ".github/.phase-mirror/policy.json";
  auto fs = run(*rules::make_md_101(), in);
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(lines_of(fs), (std::vector<int>{7, 8}));
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
  EXPECT_EQ(fs[0].evidence, "contents: write");
  EXPECT_NE(fs[0].message.find("job 'release'"), std::string::npos);
}

TEST(Md101, PolicyCeilingAllowsWriteScope) {
  AnalysisInput in = input_with(".github/workflows/r.yml",
                                "on: push\njobs:\n  r:\n    permissions:\n      contents: write\n"
                                "      issues: write\n");
  in.policy.workflow_permissions = {{"contents", "write"}};
  in.policy.workflow_permissions_set = true;
  in.policy.loaded = true;
  auto fs = run(*rules::make_md_101(), in);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].line, 6);
  EXPECT_EQ(fs[0].column, 7);
  EXPECT_EQ(fs[0].context["scope"], "issues");
}

TEST(Md101, NoPermissionsOnRiskyTrigger) {
  auto fs =
      run_text(rules::make_md_101(),
               "on:\n  issue_comment:\n    types: [created]\njobs:\n  a:\n    runs-on: x\n  b:\n    runs-on: x\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
  EXPECT_EQ(fs[0].line, 2);
  EXPECT_EQ(fs[0].evidence, "issue_comment:");
}

TEST(Md101, OnlyJobsWithoutPermissionsOnRiskyTrigger) {
  auto fs =
      run_text(rules::make_md_101(), "on: workflow_run\njobs:\n  a:\n    permissions: {}\n  b:\n    runs-on: x\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].line, 5);
  EXPECT_NE(fs[0].message.find("Job 'b'"), std::string::npos);
}

TEST(Md101, LeastPrivilegeWorkflowIsClean) {
  EXPECT_TRUE(run_fixture(rules::make_md_101(), "clean_ci.yml").empty());
  // The default token of an ordinary workflow: medium, and only likely (the
  // repository's default may be read-only).
  auto fs = run_text(rules::make_md_101(), "on: [push, pull_request]\njobs:\n  a:\n    runs-on: x\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].severity, Severity::kMedium);
  EXPECT_EQ(fs[0].confidence, Confidence::kMedium);
  EXPECT_EQ(fs[0].line, 1);
}

TEST(Md101, SkipsFilesWithParseErrors) {
  AnalysisInput in;
  in.workflows.push_back(parse_workflow("bad.yml", "on: pull_request_target\npermissions: [write-all\n"));
  ASSERT_TRUE(in.workflows[0].parse_error.has_value());
  EXPECT_TRUE(run(*rules::make_md_101(), in).empty());
}

// ---------------------------------------------------------------- MD-104

TEST(Md104, TitleInsideMultiLineRunIsReportedAtItsExactLine) {
  auto fs = run_fixture(rules::make_md_104(), "title_injection.yml");
  ASSERT_EQ(fs.size(), 4u);
  EXPECT_EQ(lines_of(fs), (std::vector<int>{19, 22, 22, 35}));
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
  EXPECT_EQ(fs[0].evidence, "if [[ \"${{ github.event.pull_request.title }}\" =~ ^(feat|fix) ]]; then");
  EXPECT_EQ(fs[0].context["context"], "github.event.pull_request.title");
  EXPECT_EQ(fs[1].context["context"], "github.head_ref");
  EXPECT_EQ(fs[2].context["context"], "github.event.pull_request.title");
  EXPECT_EQ(fs[3].context["context"], "github.event.comment.body");
  EXPECT_NE(fs[3].message.find("github-script"), std::string::npos);
}

TEST(Md104, IndexedAndWholeObjectContexts) {
  auto fs = run_text(rules::make_md_104(),
                     "on: push\n"
                     "jobs:\n"
                     "  a:\n"
                     "    steps:\n"
                     "      - run: echo \"${{ github.event.commits[0].message }}\"\n"
                     "      - run: echo '${{ toJSON(github.event) }}' > event.json\n"
                     "      - run: echo ${{ github.event['head_commit']['message'] }}\n"
                     "      - run: echo ${{github.event.commits.*.author.email}}\n");
  EXPECT_EQ(lines_of(fs), (std::vector<int>{5, 6, 7, 8}));
}

TEST(Md104, SafeUsesAreNotFlagged) {
  auto fs =
      run_text(rules::make_md_104(),
               "on: workflow_dispatch\n"
               "jobs:\n"
               "  a:\n"
               "    steps:\n"
               "      - run: echo \"${{ inputs.title }} ${{ github.event.inputs.title }}\"\n"
               "      - run: echo \"$TITLE\"\n"
               "        env:\n"
               "          TITLE: ${{ github.event.issue.title }}\n"
               "      - uses: some/action@v1\n"
               "        with:\n"
               "          text: ${{ github.event.issue.body }}\n"
               "      - run: echo ${{ github.event.issue.title_length }} ${{ github.event.pull_request.number }}\n");
  EXPECT_TRUE(fs.empty()) << fs.size() << " first at line " << (fs.empty() ? 0 : fs[0].line);
}

TEST(Md104, FoldedScriptLineIsFoundInTheSource) {
  auto fs = run_text(rules::make_md_104(),
                     "on: issues\n"
                     "jobs:\n"
                     "  a:\n"
                     "    steps:\n"
                     "      - run: >\n"
                     "          echo start &&\n"
                     "          echo ${{ github.event.issue.title }}\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].line, 7);
}

// ---------------------------------------------------------------- MD-105

TEST(Md105, TagPinsAreFlaggedAndShaPinsAreNot) {
  auto fs = run_fixture(rules::make_md_105(), "release.yml");
  // container (16), postgres service (21), checkout@v4 (23), gh-release@v2 (25),
  // docker://alpine (26), reusable deploy@main (36).
  EXPECT_EQ(lines_of(fs), (std::vector<int>{16, 21, 23, 25, 26, 36}));
  ASSERT_EQ(fs.size(), 6u);
  EXPECT_EQ(fs[0].severity, Severity::kMedium);
  EXPECT_EQ(fs[0].evidence, "image: node:20-bookworm");
  EXPECT_EQ(fs[2].severity, Severity::kLow);  // actions/checkout: first party
  EXPECT_EQ(fs[2].evidence, "- uses: actions/checkout@v4");
  EXPECT_NE(fs[2].message.find("`v4`"), std::string::npos);
  EXPECT_EQ(fs[3].severity, Severity::kMedium);
  EXPECT_EQ(fs[4].context["reference"], "docker://alpine:3.19");
  EXPECT_NE(fs[5].message.find("reusable workflow"), std::string::npos);
}

TEST(Md105, CompositeActionStepsAreChecked) {
  AnalysisInput in;
  in.workflows.push_back(parse_workflow(".github/actions/setup/action.yml",
                                        "name: setup\nruns:\n  using: composite\n  steps:\n"
                                        "    - uses: pnpm/action-setup@v4\n"
                                        "    - uses: pnpm/action-setup@a3252b78c470c02df07e9d59298aecedc3ccdd6d\n"));
  auto fs = run(*rules::make_md_105(), in);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].line, 5);
  EXPECT_EQ(fs[0].file, ".github/actions/setup/action.yml");
}

TEST(Md105, PinnedWorkflowIsClean) {
  EXPECT_TRUE(run_fixture(rules::make_md_105(), "clean_ci.yml").empty());
}

// ---------------------------------------------------------------- MD-106

TEST(Md106, SecretsInheritAndSerialisedSecrets) {
  auto fs = run_fixture(rules::make_md_106(), "release.yml");
  // env toJSON(secrets) (10), run toJson( secrets ) (31), deploy inherit (37), local inherit (45).
  EXPECT_EQ(lines_of(fs), (std::vector<int>{10, 31, 37, 45}));
  ASSERT_EQ(fs.size(), 4u);
  EXPECT_EQ(fs[0].evidence, "ALL_SECRETS: ${{ toJSON(secrets) }}");
  EXPECT_EQ(fs[2].evidence, "secrets: inherit");
  EXPECT_EQ(fs[2].severity, Severity::kMedium);
  EXPECT_NE(fs[2].message.find("acme/shared-workflows/.github/workflows/deploy.yml@main"), std::string::npos);
}

TEST(Md106, NamedSecretsAreFine) {
  auto fs = run_text(rules::make_md_106(),
                     "on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ secrets.TOKEN }} ${{ secrets['X'] }}\n"
                     "        env:\n          A: ${{ secrets.A }}\n          B: ${{ github.secrets_dir }}\n");
  EXPECT_TRUE(fs.empty());
  auto bare = run_text(rules::make_md_106(),
                       "on: push\njobs:\n  a:\n    steps:\n      - uses: x/y@v1\n"
                       "        with:\n          all: ${{ secrets }}\n");
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_EQ(bare[0].line, 7);
}

// ---------------------------------------------------------------- MD-103

TEST(Md103, PullRequestTargetCheckingOutHeadShaThenBuilding) {
  auto fs = run_fixture(rules::make_md_103(), "pr_target_checkout.yml");
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].severity, Severity::kCritical);
  EXPECT_EQ(fs[0].line, 17);
  EXPECT_EQ(fs[0].evidence, "ref: ${{ github.event.pull_request.head.sha }}");
  EXPECT_EQ(fs[0].context["executedAt"], 22);
  EXPECT_NE(fs[0].message.find("npm ci"), std::string::npos) << fs[0].message;
  EXPECT_EQ(fs[1].line, 33);
  EXPECT_EQ(fs[1].evidence, "gh pr checkout ${{ github.event.pull_request.number }}");
  EXPECT_FALSE(fs[1].context.contains("executedAt"));
}

TEST(Md103, WorkflowRunWithDefaultCheckoutIsSafe) {
  EXPECT_TRUE(run_fixture(rules::make_md_103(), "workflow_run_safe.yml").empty());
}

TEST(Md103, WorkflowRunHeadBranchAndGitFetchOfPullRef) {
  auto fs = run_text(rules::make_md_103(),
                     "on: [push, workflow_run]\n"
                     "jobs:\n"
                     "  a:\n"
                     "    steps:\n"
                     "      - uses: actions/checkout@v4\n"
                     "        with:\n"
                     "          ref: ${{ github.event.workflow_run.head_branch }}\n"
                     "      - run: |\n"
                     "          git fetch origin refs/pull/42/merge\n"
                     "          make\n");
  EXPECT_EQ(lines_of(fs), (std::vector<int>{7, 9}));
}

TEST(Md103, SameCheckoutOnPullRequestTriggerIsNotThisRule) {
  auto fs = run_text(rules::make_md_103(),
                     "on: pull_request\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n        with:\n"
                     "          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci\n");
  EXPECT_TRUE(fs.empty());
}

// ---------------------------------------------------------------- MD-003

TEST(Md003, AiActionOutputPipedIntoRunAndWriteScopedStep) {
  auto fs = run_fixture(rules::make_md_003(), "ai_review.yml");
  // run script (23), comment input with write token (30), env of a run step (43);
  // the confidence-gated step and the job behind an environment are fine.
  EXPECT_EQ(lines_of(fs), (std::vector<int>{23, 30, 43}));
  ASSERT_EQ(fs.size(), 3u);
  EXPECT_EQ(fs[0].severity, Severity::kHigh);
  EXPECT_EQ(fs[0].evidence, "if [ \"${{ steps.verdict.outputs.response }}\" = \"APPROVE\" ]; then");
  EXPECT_NE(fs[0].message.find("actions/ai-inference"), std::string::npos);
  EXPECT_NE(fs[2].message.find("api.openai.com"), std::string::npos);
}

TEST(Md003, ReadOnlyTokenMakesActionInputsSafe) {
  auto fs = run_text(rules::make_md_003(),
                     "on: pull_request\n"
                     "permissions:\n"
                     "  contents: read\n"
                     "jobs:\n"
                     "  a:\n"
                     "    steps:\n"
                     "      - id: gpt\n"
                     "        uses: some-org/gpt-review-action@v1\n"
                     "      - uses: actions/upload-artifact@v4\n"
                     "        with:\n"
                     "          name: ${{ steps.gpt.outputs.file }}\n"
                     "      - run: llm 'summarise' < diff.txt\n"
                     "        id: cli\n"
                     "      - run: echo ${{ steps.cli.outputs.text }}\n");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].line, 14);
  EXPECT_NE(fs[0].message.find("llm CLI"), std::string::npos);
}

const char* kAiJobOutput =
    "on: pull_request\n"  // 1
    "jobs:\n"             // 2
    "  review:\n"         // 3
    "    outputs:\n"      // 4
    "      verdict: ${{ steps.ai.outputs.response }}\n"
    "      verdict2: ${{ steps.lint.outputs.result }}\n"
    "    steps:\n"      // 7
    "      - id: ai\n"  // 8
    "        uses: actions/ai-inference@v1\n"
    "      - id: lint\n"           // 10
    "        run: npm run lint\n"  // 11
    "  apply:\n"                   // 12
    "    needs: [review]\n"        // 13
    "    steps:\n"                 // 14
    "      - run: echo ok\n"       // 15
    "      - run: |\n"             // 16
    "          gh pr merge --auto\n"
    "          echo \"${{ needs.review.outputs.verdict }}\"\n"  // 18
    "      - run: echo ${{ needs.review.outputs.verdict2 }}\n"  // 19
    "  gated:\n"                                                // 20
    "    needs: review\n"                                       // 21
    "    environment: production\n"
    "    steps:\n"
    "      - run: echo ${{ needs.review.outputs.verdict }}\n"
    "  checked:\n"  // 25
    "    needs: review\n"
    "    if: needs.review.outputs.confidence > 0.9\n"
    "    steps:\n"
    "      - run: echo ${{ needs.review.outputs.verdict }}\n"
    "  unrelated:\n"  // 30
    "    steps:\n"
    "      - run: echo ${{ needs.review.outputs.verdict }}\n";

TEST(Md003, AiOutputThroughAJobOutputIntoAJobThatNeedsIt) {
  auto fs = run_text(rules::make_md_003(), kAiJobOutput);
  // Only `apply` line 18: verdict2 carries a non-AI step's output, `gated`
  // runs in an environment, `checked` has a confidence `if:`, `unrelated`
  // does not need `review` (the needs context is empty there).
  ASSERT_EQ(lines_of(fs), (std::vector<int>{18})) << (fs.empty() ? "" : fs[0].message);
  EXPECT_NE(fs[0].message.find("(through `needs.review.outputs.verdict`)"), std::string::npos) << fs[0].message;
  EXPECT_NE(fs[0].message.find("in job 'apply'"), std::string::npos) << fs[0].message;
  EXPECT_EQ(fs[0].evidence, "echo \"${{ needs.review.outputs.verdict }}\"");
}

TEST(Md003, JobOutputNamesMatchWhole) {
  auto fs = run_text(rules::make_md_003(),
                     "on: push\njobs:\n  a:\n    outputs:\n      v: ${{ steps.ai.outputs.text }}\n"
                     "    steps:\n      - id: ai\n        uses: some-org/claude-helper@v1\n"
                     "  b:\n    needs: a\n    steps:\n      - run: echo ${{ needs.a.outputs.v2 }}\n"
                     "      - run: echo ${{ needs.A.outputs.V }}\n"
                     "      - run: echo '${{ toJSON(needs.a.outputs) }}'\n");
  // `v2` is another output; expressions are case-insensitive; the whole
  // outputs object carries `v` too.
  ASSERT_EQ(lines_of(fs), (std::vector<int>{13, 14}));
}

TEST(Md003, NonAiStepsAreIgnored) {
  auto fs = run_text(rules::make_md_003(),
                     "on: push\njobs:\n  a:\n    steps:\n      - id: meta\n        uses: docker/metadata-action@v5\n"
                     "      - id: mail\n        uses: dawidd6/action-send-mail@v3\n"
                     "      - run: echo ${{ steps.meta.outputs.tags }} ${{ steps.mail.outputs.x }}\n");
  EXPECT_TRUE(fs.empty());
}

// ---------------------------------------------------------------- MD-002

TEST(Md002, WorkflowApprovingAndMergingOnItsOwn) {
  auto fs = run_fixture(rules::make_md_002(), "dependabot_automerge.yml");
  EXPECT_EQ(lines_of(fs), (std::vector<int>{14, 21, 24}));  // the environment-gated job is fine
  ASSERT_EQ(fs.size(), 3u);
  EXPECT_EQ(fs[0].severity, Severity::kMedium);
  EXPECT_EQ(fs[0].evidence, "run: gh pr review --approve \"$PR_URL\"");
  EXPECT_EQ(fs[1].evidence, "gh pr merge --auto --squash \"$PR_URL\"");
  EXPECT_NE(fs[2].message.find("hmarr/auto-approve-action"), std::string::npos);
}

TEST(Md002, ManualTriggersAndPlainMergesAreNotFlagged) {
  EXPECT_TRUE(run_text(rules::make_md_002(),
                       "on: workflow_dispatch\njobs:\n  a:\n    steps:\n      - run: gh pr merge --auto 1\n")
                  .empty());
  EXPECT_TRUE(run_text(rules::make_md_002(),
                       "on: pull_request\njobs:\n  a:\n    steps:\n      - run: gh pr view --json title\n"
                       "      - run: gh pr merge --squash 1\n")
                  .empty());
}

TEST(Md002, AgentBranchWithoutRequiredReview) {
  AnalysisInput in;
  in.mode = "pull_request";
  in.repository.branch = "copilot/fix-login";
  auto fs = run(*rules::make_md_002(), in);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].line, 0);
  EXPECT_EQ(fs[0].evidence, "branch: copilot/fix-login");

  in.branch_protection = Json::parse(R"({"required_pull_request_reviews": {"required_approving_review_count": 0}})");
  EXPECT_EQ(run(*rules::make_md_002(), in).size(), 1u);
  in.branch_protection = Json::parse(R"({"required_pull_request_reviews": {"required_approving_review_count": 1}})");
  EXPECT_TRUE(run(*rules::make_md_002(), in).empty());
}

TEST(Md002, BotAuthorAndOrdinaryBranches) {
  AnalysisInput in;
  in.mode = "pull_request";
  in.repository.branch = "feature/auto-agent";  // not an agent prefix
  in.author = "alice";
  EXPECT_TRUE(run(*rules::make_md_002(), in).empty());
  in.author = "renovate[bot]";
  in.branch_protection = Json::parse(R"({"required_status_checks": {"strict": true}})");
  auto fs = run(*rules::make_md_002(), in);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].evidence, "author: renovate[bot]");
  in.mode = "merge_group";
  EXPECT_TRUE(run(*rules::make_md_002(), in).empty());
}

// ---------------------------------------------------------------- MD-114

TEST(Md114, TheReportNeverRepeatsTheHardCodedPassword) {
  std::ifstream in(std::string(PM_SOURCE_DIR) + "/tests/data/rules/MD-114/passwords_in_clear.yml", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto found = run_text(rules::make_md_114(), ss.str());
  ASSERT_EQ(found.size(), 3u);
  for (const auto& f : found) {
    const std::string all = f.message + f.evidence + f.context.dump() + f.remediation;
    EXPECT_EQ(all.find("hunter2"), std::string::npos) << all;
    ASSERT_EQ(f.related.size(), 1u);
    EXPECT_NE(f.related[0].line, f.line) << "the password's line is related, not cited";
  }
}

}  // namespace
}  // namespace pm::engine
