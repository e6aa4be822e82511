// The GitHub Actions knowledge shared by the rules, L0-002 and the ADR
// max-permissions check (engine/gha): permission levels and scopes, trigger
// classes, file kinds, `uses:` references and image references.
#include "engine/gha/gha.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace pm::engine::gha {
namespace {

Permissions declared(std::string_view shorthand, std::vector<std::pair<std::string_view, std::string_view>> scopes) {
  Permissions p;
  p.present = true;
  p.shorthand = shorthand;
  for (const auto& [s, l] : scopes) p.scopes.emplace_back(s, Located{l, 1, 1});
  return p;
}

TEST(GhaPermissions, OneRuleForUnknownLevels) {
  EXPECT_EQ(parse_level("read"), Level::kRead);
  EXPECT_EQ(parse_level("none"), Level::kNone);
  EXPECT_EQ(parse_level("write"), Level::kWrite);
  EXPECT_EQ(parse_level("Write"), std::nullopt);
  EXPECT_EQ(level_of("admin"), Level::kWrite);
  EXPECT_EQ(level_of("${{ inputs.level }}"), Level::kWrite);
  EXPECT_EQ(level_of("read"), Level::kRead);
  EXPECT_STREQ(to_string(Level::kNone), "none");
}

TEST(GhaPermissions, ShorthandsAndTheBroadestGrant) {
  EXPECT_EQ(shorthand_of(declared("read-all", {})), Shorthand::kReadAll);
  EXPECT_EQ(shorthand_of(declared("write-all", {})), Shorthand::kWriteAll);
  EXPECT_EQ(shorthand_of(declared("readall", {})), Shorthand::kUnknown);
  EXPECT_EQ(shorthand_of(declared("", {{"contents", "read"}})), Shorthand::kNone);
  EXPECT_EQ(broadest(declared("readall", {})), Level::kWrite);
  EXPECT_EQ(broadest(declared("read-all", {})), Level::kRead);
  EXPECT_EQ(broadest(declared("", {})), Level::kNone);  // permissions: {}
  EXPECT_EQ(broadest(declared("", {{"contents", "read"}, {"id-token", "write"}})), Level::kWrite);
  EXPECT_EQ(broadest(declared("", {{"contents", "reed"}})), Level::kWrite);
}

TEST(GhaPermissions, ScopesAndTheirWriteSeverity) {
  EXPECT_TRUE(is_scope("id-token"));
  EXPECT_TRUE(is_scope("attestations"));
  EXPECT_FALSE(is_scope("contents-write"));
  EXPECT_EQ(scopes().size(), 15u);
  EXPECT_EQ(write_severity("contents"), Severity::kHigh);
  EXPECT_EQ(write_severity("id-token"), Severity::kHigh);
  EXPECT_EQ(write_severity("packages"), Severity::kHigh);
  EXPECT_EQ(write_severity("pull-requests"), Severity::kHigh);
  EXPECT_EQ(write_severity("actions"), Severity::kHigh);
  EXPECT_EQ(write_severity("security-events"), Severity::kMedium);
  EXPECT_EQ(write_severity("checks"), Severity::kMedium);
  EXPECT_EQ(write_severity("statuses"), Severity::kLow);
  EXPECT_EQ(write_severity("something-new"), Severity::kMedium);
}

TEST(GhaTriggers, Classes) {
  for (const char* e : {"pull_request_target", "workflow_run", "issue_comment", "issues", "discussion",
                        "discussion_comment", "pull_request_review", "pull_request_review_comment"}) {
    EXPECT_EQ(classify_trigger(e), TriggerClass::kOutsiderControlled) << e;
    EXPECT_TRUE(agent_or_outsider_controlled(e)) << e;
  }
  for (const char* e : {"push", "pull_request", "schedule", "workflow_dispatch", "release", "merge_group"}) {
    EXPECT_EQ(classify_trigger(e), TriggerClass::kOrdinary) << e;
  }
  EXPECT_EQ(classify_trigger("workflow_call"), TriggerClass::kReusableCall);
  EXPECT_TRUE(agent_or_outsider_controlled("pull_request"));
  EXPECT_FALSE(agent_or_outsider_controlled("push"));
  EXPECT_TRUE(privileged_with_pull_request_code("pull_request_target"));
  EXPECT_TRUE(privileged_with_pull_request_code("workflow_run"));
  EXPECT_FALSE(privileged_with_pull_request_code("issue_comment"));
}

TEST(GhaTriggers, FirstOutsiderTriggerAndReusableOnly) {
  const auto wf = parse_workflow("w.yml", "on: [push, issues, workflow_run]\njobs:\n  a:\n    runs-on: x\n");
  ASSERT_NE(first_outsider_trigger(wf), nullptr);
  EXPECT_EQ(first_outsider_trigger(wf)->value, "issues");
  EXPECT_FALSE(reusable_only(wf));
  const auto call = parse_workflow("c.yml", "on:\n  workflow_call:\n    inputs: {}\njobs:\n  a:\n    runs-on: x\n");
  EXPECT_TRUE(reusable_only(call));
  EXPECT_EQ(first_outsider_trigger(call), nullptr);
  const auto both = parse_workflow("b.yml", "on: [workflow_call, workflow_dispatch]\njobs:\n  a:\n    runs-on: x\n");
  EXPECT_FALSE(reusable_only(both));
}

TEST(GhaFiles, PathsAndKinds) {
  EXPECT_TRUE(is_workflow_path(".github/workflows/ci.yml"));
  EXPECT_TRUE(is_workflow_path("sub/.github/workflows/ci.yaml"));
  EXPECT_FALSE(is_workflow_path(".github/workflows/README.md"));
  EXPECT_FALSE(is_workflow_path(".github/dependabot.yml"));
  EXPECT_TRUE(is_actions_path(".github/actions/setup/action.yml"));
  EXPECT_TRUE(is_actions_path("action.yaml"));
  EXPECT_FALSE(is_actions_path("src/my-action.yml"));

  EXPECT_EQ(kind_of(parse_workflow("a.yml", "on: push\njobs:\n  a:\n    runs-on: x\n")), Kind::kWorkflow);
  EXPECT_EQ(kind_of(parse_workflow("a.yml", "on: workflow_call\njobs:\n  a:\n    runs-on: x\n")),
            Kind::kReusableWorkflow);
  EXPECT_EQ(kind_of(parse_workflow("action.yml", "name: x\nruns:\n  using: composite\n  steps: []\n")),
            Kind::kCompositeAction);
  EXPECT_EQ(kind_of(parse_workflow("action.yml", "name: x\nruns:\n  using: node20\n  main: index.js\n")),
            Kind::kOtherAction);
  EXPECT_EQ(kind_of(parse_workflow("a.yml", "on: push\n")), Kind::kUnknown);
  EXPECT_EQ(kind_of(parse_workflow("a.yml", "on: [push\n")), Kind::kUnknown);
  EXPECT_EQ(kind_of(parse_workflow("config.yml", "name: not a workflow\nkey: value\n")), Kind::kUnknown);
  EXPECT_TRUE(is_workflow(parse_workflow("a.yml", "on: workflow_call\njobs:\n  a:\n    runs-on: x\n")));
  EXPECT_FALSE(is_workflow(parse_workflow("action.yml", "name: x\nruns:\n  using: composite\n  steps: []\n")));
}

TEST(GhaUses, LocalSelfDockerAndRepositoryReferences) {
  EXPECT_EQ(parse_uses("./.github/actions/setup").kind, UsesKind::kLocal);
  EXPECT_EQ(parse_uses("$/.github/workflows/build.yml").kind, UsesKind::kSelf);
  EXPECT_EQ(parse_uses("$/.github/actions/lint").kind, UsesKind::kSelf);
  const Uses d = parse_uses("docker://alpine:3.19");
  EXPECT_EQ(d.kind, UsesKind::kDocker);
  EXPECT_EQ(d.target, "alpine:3.19");
  const Uses r = parse_uses("octo/deploy/.github/workflows/deploy.yml@v2");
  EXPECT_EQ(r.kind, UsesKind::kRepository);
  EXPECT_EQ(r.target, "octo/deploy/.github/workflows/deploy.yml");
  EXPECT_EQ(r.ref, "v2");
  EXPECT_EQ(parse_uses("octo/action").ref, "");
  EXPECT_EQ(parse_uses("octo/action@${{ inputs.ref }}").kind, UsesKind::kExpression);
  EXPECT_TRUE(is_commit_sha("b4ffde65f46336ab88eb53be808477a3936bae11"));
  EXPECT_FALSE(is_commit_sha("b4ffde6"));
  EXPECT_FALSE(is_commit_sha("v4.1.1"));
}

TEST(GhaUses, NamedActionAtAnyRef) {
  const auto step = [](std::string_view uses) {
    Step s;
    s.uses = Located{uses, 1, 1};
    return s;
  };
  EXPECT_TRUE(uses_action(step("actions/checkout@v4"), "actions/checkout"));
  EXPECT_TRUE(uses_action(step("Actions/Checkout@b4ffde65f46336ab88eb53be808477a3936bae11"), "actions/checkout"));
  EXPECT_TRUE(uses_action(step("actions/checkout"), "actions/checkout"));
  EXPECT_FALSE(uses_action(step("actions/checkout-extra@v1"), "actions/checkout"));
  EXPECT_FALSE(uses_action(step("docker://actions/checkout"), "actions/checkout"));
  EXPECT_FALSE(uses_action(step("./actions/checkout"), "actions/checkout"));
  EXPECT_FALSE(uses_action(Step{}, "actions/checkout"));
}

TEST(GhaUses, VersionFromTheRefOrThePinComment) {
  const WorkflowFile wf =
      parse_workflow(".github/workflows/v.yml",
                     "on: push\n"
                     "jobs:\n"
                     "  a:\n"
                     "    runs-on: ubuntu-latest\n"
                     "    steps:\n"
                     "      - uses: actions/checkout@v4\n"
                     "      - uses: actions/checkout@v4.2.1\n"
                     "      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v6.0.0\n"
                     "      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11\n"
                     "      - uses: actions/checkout@main\n"
                     "      - uses: actions/upload-artifact@3.1\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  const auto& steps = wf.jobs.at(0).steps;
  ASSERT_EQ(steps.size(), 6u);
  const auto v0 = action_version(wf, steps[0]);
  ASSERT_TRUE(v0.has_value());
  EXPECT_EQ(v0->major, 4);
  EXPECT_EQ(v0->minor, kLatestMinor);
  const auto v1 = action_version(wf, steps[1]);
  ASSERT_TRUE(v1.has_value());
  EXPECT_EQ(v1->minor, 2);
  const auto v2 = action_version(wf, steps[2]);
  ASSERT_TRUE(v2.has_value());
  EXPECT_EQ(v2->major, 6);
  EXPECT_EQ(v2->minor, 0);
  EXPECT_FALSE(action_version(wf, steps[3]).has_value());
  EXPECT_FALSE(action_version(wf, steps[4]).has_value());
  EXPECT_EQ(action_version(wf, steps[5])->major, 3);
}

TEST(GhaContexts, AttackerControlledTextAndPullRequestHead) {
  EXPECT_TRUE(attacker_controlled("github.event.issue.title"));
  EXPECT_TRUE(attacker_controlled("github.event.commits.*.message"));
  EXPECT_TRUE(attacker_controlled("github.head_ref"));
  EXPECT_TRUE(attacker_controlled("github.event.pull_request"));
  EXPECT_FALSE(attacker_controlled("github.event.pull_request.number"));
  EXPECT_FALSE(attacker_controlled("github.sha"));
  EXPECT_TRUE(pull_request_head("github.event.pull_request.head.sha"));
  EXPECT_TRUE(pull_request_head("github.event.workflow_run.head_branch"));
  EXPECT_FALSE(pull_request_head("github.event.pull_request.base.sha"));
}

TEST(GhaContexts, StepsThatCheckOutThePullRequestsCode) {
  const auto wf = parse_workflow(".github/workflows/p.yml",
                                 "on: pull_request_target\n"
                                 "jobs:\n"
                                 "  a:\n"
                                 "    runs-on: x\n"
                                 "    steps:\n"
                                 "      - uses: actions/checkout@v4\n"
                                 "      - uses: actions/checkout@v4\n"
                                 "        with:\n"
                                 "          ref: ${{ github.event.pull_request.head.sha }}\n"
                                 "      - uses: actions/checkout@v4\n"
                                 "        with:\n"
                                 "          ref: refs/pull/${{ github.event.number }}/merge\n"
                                 "      - run: |\n"
                                 "          echo start\n"
                                 "          gh pr checkout \"$PR\"\n"
                                 "      - run: git fetch origin main && git checkout main\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  ASSERT_EQ(wf.jobs.size(), 1u);
  const auto& steps = wf.jobs[0].steps;
  ASSERT_EQ(steps.size(), 5u);
  Budget budget;
  EXPECT_FALSE(pull_request_checkout(wf, steps[0], budget).has_value());
  const auto head = pull_request_checkout(wf, steps[1], budget);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->ref, "github.event.pull_request.head.sha");
  EXPECT_EQ(head->at.line, 9);
  EXPECT_EQ(pull_request_checkout(wf, steps[2], budget)->ref, "github.event.number");
  const auto gh = pull_request_checkout(wf, steps[3], budget);
  ASSERT_TRUE(gh.has_value());
  EXPECT_EQ(gh->ref, "gh pr checkout");
  EXPECT_EQ(gh->at.line, 15);
  EXPECT_FALSE(pull_request_checkout(wf, steps[4], budget).has_value());
}

// The one source classification MD-104 and MD-122 share: each kind of
// carrier, and what carries nothing.
TEST(GhaUntrusted, EventEnvMatrixJobOutputAndInputs) {
  const auto wf = parse_workflow(".github/workflows/u.yml",
                                 "on:\n"
                                 "  issue_comment:\n"
                                 "  workflow_call:\n"
                                 "    inputs:\n"
                                 "      note: {type: string}\n"
                                 "      dry: {type: boolean}\n"
                                 "env:\n"
                                 "  WF_BODY: ${{ github.event.comment.body }}\n"
                                 "jobs:\n"
                                 "  meta:\n"
                                 "    runs-on: x\n"
                                 "    outputs:\n"
                                 "      title: ${{ github.event.issue.title }}\n"
                                 "      count: ${{ steps.c.outputs.count }}\n"
                                 "    steps:\n"
                                 "      - run: true\n"
                                 "  use:\n"
                                 "    needs: meta\n"
                                 "    runs-on: x\n"
                                 "    strategy:\n"
                                 "      matrix:\n"
                                 "        pkg: ${{ fromJSON(github.event.comment.body) }}\n"
                                 "        os: [linux, '${{ github.head_ref }}']\n"
                                 "        node: [20]\n"
                                 "    env:\n"
                                 "      SAFE: ${{ github.event.issue.number }}\n"
                                 "    steps:\n"
                                 "      - env:\n"
                                 "          WF_BODY: fixed\n"
                                 "        run: true\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  ASSERT_EQ(wf.jobs.size(), 2u);
  const Job& job = wf.jobs[1];
  const Step& step = job.steps[0];
  Budget budget;
  const auto kind = [&](std::string_view path) {
    const auto v = untrusted_value(wf, job, step, path, budget);
    return v ? std::optional(std::pair(v->kind, v->origin)) : std::nullopt;
  };
  EXPECT_EQ(kind("github.event.comment.body"), std::pair(Untrusted::kEvent, std::string()));
  EXPECT_EQ(kind("matrix.pkg"), std::pair(Untrusted::kMatrix, std::string("github.event.comment.body")));
  EXPECT_EQ(kind("matrix.os"), std::pair(Untrusted::kMatrix, std::string("github.head_ref")));
  EXPECT_EQ(kind("needs.meta.outputs.title"),
            std::pair(Untrusted::kJobOutput, std::string("github.event.issue.title")));
  EXPECT_EQ(kind("inputs.note"), std::pair(Untrusted::kCallerInput, std::string()));
  EXPECT_FALSE(kind("matrix.node"));
  EXPECT_FALSE(kind("needs.meta.outputs.count"));  // a step output: its content is not in the file
  EXPECT_FALSE(kind("env.safe"));                  // a number
  EXPECT_FALSE(kind("env.wf_body"));               // the step's own value hides the workflow's
  EXPECT_FALSE(kind("inputs.dry"));
  EXPECT_FALSE(kind("github.event.issue.number"));
  EXPECT_EQ(attacker_controlled_in("a ${{ github.event.issue.title == 'x' }} b ${{ github.head_ref }}", budget),
            "github.head_ref");

  // A matrix that is one expression expands every key from it; a dispatch
  // input is not the caller's.
  const auto whole = parse_workflow(".github/workflows/w.yml",
                                    "on:\n"
                                    "  workflow_dispatch:\n"
                                    "    inputs:\n"
                                    "      v: {type: string}\n"
                                    "jobs:\n"
                                    "  a:\n"
                                    "    runs-on: x\n"
                                    "    strategy:\n"
                                    "      matrix: ${{ fromJSON(github.event.issue.body) }}\n"
                                    "    steps:\n"
                                    "      - run: true\n");
  ASSERT_FALSE(whole.parse_error.has_value());
  const Job& a = whole.jobs[0];
  const auto m = untrusted_value(whole, a, a.steps[0], "matrix.anything", budget);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->origin, "github.event.issue.body");
  EXPECT_FALSE(untrusted_value(whole, a, a.steps[0], "inputs.v", budget).has_value());
}

TEST(GhaAi, ActionsPromptInputsAndAgentClis) {
  EXPECT_EQ(ai_action("anthropics/claude-code-action@v1"), AiAction::kKnown);
  EXPECT_EQ(ai_action("openai/codex-action@v1"), AiAction::kKnown);
  EXPECT_EQ(ai_action("octo/ai-labeler@v2"), AiAction::kNamed);
  EXPECT_EQ(ai_action("octo/gpt4-review@v2"), AiAction::kNamed);
  EXPECT_EQ(ai_action("actions/checkout@v4"), AiAction::kNone);
  EXPECT_EQ(ai_action("octo/maintain@v1"), AiAction::kNone);  // "ai" inside a word is not the word
  EXPECT_EQ(model_call_in("curl https://api.openai.com/v1/chat"), "api.openai.com");
  EXPECT_EQ(model_call_in("cat x | llm 'summarise'"), "llm CLI");
  EXPECT_EQ(model_call_in("make all"), "");

  const auto claude = prompt_inputs("Anthropics/Claude-Code-Action@v1");
  EXPECT_NE(std::find(claude.begin(), claude.end(), "direct_prompt"), claude.end());
  const auto inference = prompt_inputs("actions/ai-inference@v1");
  EXPECT_NE(std::find(inference.begin(), inference.end(), "system-prompt"), inference.end());
  EXPECT_EQ(prompt_inputs("openai/codex-action@v1").size(), 1u);
  EXPECT_TRUE(prompt_inputs("octo/ai-labeler@v2").empty());
  EXPECT_TRUE(prompt_inputs("./.github/actions/claude-code-action").empty());

  Budget budget;
  const auto call = agent_cli_call("npm i -g x\nclaude -p \"$TITLE\"\n", budget);
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->command, "claude");
  EXPECT_EQ(call->offset, 11u);
  EXPECT_EQ(agent_cli_call("echo \"$BODY\" | codex exec --full-auto", budget)->command, "codex");
  EXPECT_EQ(agent_cli_call("out=$(gemini --prompt \"$Q\")", budget)->command, "gemini");
  EXPECT_FALSE(agent_cli_call("claude --version", budget).has_value());         // no prompt
  EXPECT_FALSE(agent_cli_call("echo claude -p is great", budget).has_value());  // not a command
  EXPECT_FALSE(agent_cli_call("npm i -g @anthropic-ai/claude-code", budget).has_value());
}

TEST(GhaImages, NameTagAndDigest) {
  const Image a = parse_image("node:20-bookworm");
  EXPECT_EQ(a.name, "node");
  EXPECT_EQ(a.tag, "20-bookworm");
  EXPECT_EQ(a.digest, "");
  const Image b = parse_image("ghcr.io:443/octo/app@sha256:abc");
  EXPECT_EQ(b.name, "ghcr.io:443/octo/app");
  EXPECT_EQ(b.tag, "");
  EXPECT_EQ(b.digest, "sha256:abc");
  const Image c = parse_image("registry:5000/img:1.2@sha256:def");
  EXPECT_EQ(c.name, "registry:5000/img");
  EXPECT_EQ(c.tag, "1.2");
  EXPECT_EQ(c.digest, "sha256:def");
  EXPECT_EQ(parse_image("postgres").tag, "");
}

}  // namespace
}  // namespace pm::engine::gha
