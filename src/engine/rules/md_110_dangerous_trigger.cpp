// MD-110: pull_request_target and workflow_run in use at all.
#include <string_view>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_110 {
namespace {

constexpr std::string_view kTags[] = {"security", "dangerous-triggers"};

constexpr RuleInfo kInfo{
    .id = "MD-110",
    .title = "Dangerous trigger in use",
    .severity = Severity::kHigh,
    .confidence = Confidence::kMedium,
    .persona = Persona::kRegular,
    .description =
        "A workflow triggered by `pull_request_target` or `workflow_run`: anyone who can open a pull request "
        "starts it, and it runs with the base repository's secrets and a token that can write, next to data the "
        "pull request controls (its branch name, title, artifacts, cache entries). Keeping such a workflow safe "
        "takes more than not checking out the pull request's code — argument injection, environment files, "
        "artifacts and caches have each turned one into code execution — so every use that MD-103 does not "
        "already report is reported (confidence medium: the workflow may well be safe). One finding per trigger, at "
        "the trigger.",
    .not_reported =
        "A workflow with a step that checks out the pull request's code (what MD-103 reports, critical: one "
        "finding for the workflow, the stronger one, whether or not MD-103 runs or is suppressed); a "
        "`pull_request_target` workflow whose only job has the single step actions/labeler (the use GitHub "
        "designed the trigger for); `pull_request`, which runs fork code without secrets and with a read-only "
        "token.",
    .remediation =
        "Prefer `pull_request`, which gives fork runs no secrets; replace `workflow_run` chains with a reusable "
        "workflow (`workflow_call`). Where the trigger is needed, keep the job's permissions minimal, restrict it "
        "to branches (`branches:`) and never run, source or install anything the pull request provides.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "on:\n"
        "  pull_request_target:   # runs with secrets for anyone's pull request\n"
        "    types: [opened]\n",
};

// One job whose only step is actions/labeler.
bool labeler_only(const WorkflowFile& wf) {
  return wf.jobs.size() == 1 && wf.jobs[0].steps.size() == 1 &&
         gha::uses_action(wf.jobs[0].steps[0], "actions/labeler");
}

// Whether a step checks out the pull request's code: MD-103 reports the
// workflow then, critical, and one finding per problem is enough.
bool checks_out_pull_request_code(const WorkflowFile& wf, Budget& budget) {
  for (const auto& job : wf.jobs) {
    for (const auto& step : job.steps) {
      if (!budget.step(1)) return false;
      if (gha::pull_request_checkout(wf, step, budget)) return true;
    }
  }
  return false;
}

class Md110 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_workflow(const WorkflowNode& n, FindingSink& out) const override {
    const WorkflowFile& wf = n.file;
    Budget& budget = out.budget();
    if (!budget.step(1 + wf.triggers.size())) return;
    if (!gha::privileged_trigger(wf)) return;
    if (checks_out_pull_request_code(wf, budget) || budget.stopped()) return;
    for (const auto& t : wf.triggers) {
      if (!gha::privileged_with_pull_request_code(t.value)) continue;
      if (t.value == "pull_request_target" && labeler_only(wf)) continue;
      const std::string_view what =
          t.value == "pull_request_target"
              ? "runs for anyone's pull request with the base repository's secrets and a write token"
              : "runs with the base repository's secrets and a write token after workflows a pull request can start, "
                "next to their artifacts";
      FindingBuilder(kInfo)
          .at(wf, t)
          .message(str_cat({"`", t.value, "` ", what, "; it is hard to use safely"}))
          .context(context_object("trigger", t.value))
          .emit(out);
    }
  }
};

}  // namespace
}  // namespace md_110

std::unique_ptr<Rule> make_md_110() {
  return std::make_unique<md_110::Md110>();
}

}  // namespace pm::engine::rules
