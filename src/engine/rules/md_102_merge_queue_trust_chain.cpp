// MD-102: the branch protection actually configured (snapshot) breaks the
// trust chain the repository's merge queue policy (policy file) asks for.
// Exactly the five checks of the reference, in its order; the job names come
// from the workflows among the analysed files.
#include <algorithm>

#include "engine/policy.hpp"
#include "engine/rules/rules.hpp"

namespace pm::engine::rules {
namespace md_102 {
namespace {

std::string yes_no(bool b) {
  return b ? "true" : "false";
}

// The check context GitHub reports for a job: its name, else its id. A name
// with an expression (matrix jobs) matches any context with the literal prefix.
bool context_matches(const std::string& required, const std::string& job_context) {
  const auto expr = job_context.find("${{");
  if (expr == std::string::npos) return required == job_context;
  return expr > 0 && required.compare(0, expr, job_context, 0, expr) == 0;
}

constexpr std::string_view kTags[] = {"governance", "merge-queue"};

constexpr RuleInfo kInfo{
    .id = "MD-102",
    .title = "Merge queue trust chain break",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "Runs when both the policy file and a branch protection snapshot are available. Five checks: admins can "
        "bypass protection although mergeQueue.allowBypassForAdmins is false (high); direct pushes possible "
        "although mergeQueue.allowDirectPushes is false (high); linear history not enforced although "
        "mergeQueue.requireLinearHistory is true (medium); required status checks that no job of the analysed "
        "workflows produces (medium; pass all workflow files); protection disabled although "
        "mergeQueue.requiredForDefaultBranch is true (high).",
    .not_reported =
        "Anything without both a policy file and a protection snapshot: the chain is the policy against the "
        "protection actually configured. Required checks are only compared with the workflows passed in `files`.",
    .remediation =
        "Align the branch protection with the policy file: enforce for admins, require pull requests, require "
        "linear history, and make every required status check the name of a job in a workflow.",
    .adr_refs = {},
    .tags = kTags,
};

class MergeQueueTrustChain final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void evaluate(const AnalysisInput& in, std::vector<Finding>& out, Budget& budget) const override {
    if (!in.policy.loaded || !in.branch_protection_given) return;
    const Policy& pol = in.policy;
    const BranchProtection bp = map_branch_protection(in.branch_protection);
    const std::string& file = in.branch_protection_path;
    auto add = [&](Severity severity, const std::string& message, const std::string& evidence, Json ctx) {
      ctx["policyFile"] = pol.path;
      FindingBuilder b(kInfo);
      b.severity(severity).in_file(file, evidence).message(message);
      b.context(ctx).emit(out);
    };

    if (!pol.allow_bypass_for_admins && bp.allow_admins_bypass) {
      add(Severity::kHigh,
          "Admins can bypass merge queue protections, but the repo policy forbids admin bypass. This allows trusted "
          "insiders to circumvent the trust chain.",
          "enforce_admins.enabled: false; mergeQueue.allowBypassForAdmins: false",
          Json{{"check", "admin-bypass"}, {"policyAllowBypass", false}, {"actualAllowBypass", true}});
    }
    if (!pol.allow_direct_pushes && (bp.allow_direct_pushes || !bp.require_pull_request)) {
      add(Severity::kHigh,
          "Direct pushes to the default branch are possible, but the merge queue policy forbids them. Changes can "
          "enter the branch without passing through the merge queue.",
          "required_pull_request_reviews: " + std::string(bp.require_pull_request ? "present" : "absent") +
              "; mergeQueue.allowDirectPushes: false",
          Json{{"check", "direct-push"},
               {"policyAllowDirectPushes", false},
               {"requirePullRequest", bp.require_pull_request},
               {"allowDirectPushes", bp.allow_direct_pushes}});
    }
    if (pol.require_linear_history && !bp.require_linear_history) {
      add(Severity::kMedium,
          "Linear history is not enforced on the default branch, but the merge queue policy requires it. Merge "
          "commits can obscure the trust chain provenance.",
          "required_linear_history.enabled: false; mergeQueue.requireLinearHistory: true",
          Json{{"check", "linear-history"}, {"policyRequireLinear", true}, {"actualRequireLinear", false}});
    }
    if (!in.workflows.empty() && bp.has_status_checks) {
      std::vector<std::string> known;
      for (const auto& wf : in.workflows) {
        if (wf.parse_error) continue;
        for (const auto& job : wf.jobs) {
          if (!budget.step(1 + known.size())) return;
          std::string ctx(job.name ? job.name->value : job.id);
          if (std::find(known.begin(), known.end(), ctx) == known.end()) known.push_back(ctx);
        }
      }
      std::vector<std::string> missing;
      for (const auto& c : bp.contexts) {
        if (!budget.step(1 + known.size())) return;
        const bool wired =
            std::any_of(known.begin(), known.end(), [&](const auto& k) { return context_matches(c, k); });
        if (!wired) missing.push_back(c);
      }
      if (!missing.empty()) {
        std::string joined;
        for (std::size_t i = 0; i < missing.size(); ++i) joined += (i ? ", " : "") + missing[i];
        add(Severity::kMedium,
            "Required status checks [" + joined +
                "] are not wired to any stable workflow job. These checks will never pass, stalling the merge queue "
                "\u2014 or if made non-required, silently bypassing protection.",
            "required_status_checks: [" + joined + "]",
            Json{{"check", "orphaned-status-checks"}, {"missingContexts", missing}, {"knownJobs", known}});
      }
    }
    if (pol.required_for_default_branch && !bp.enabled) {
      add(Severity::kHigh,
          "The merge queue policy requires branch protection on the default branch, but branch protection is not "
          "enabled. The merge queue cannot function without underlying branch protection.",
          "branch protection: disabled; mergeQueue.requiredForDefaultBranch: " + yes_no(true),
          Json{{"check", "protection-disabled"},
               {"policyRequiresMergeQueue", true},
               {"branchProtectionEnabled", false}});
    }
  }
};

}  // namespace
}  // namespace md_102

std::unique_ptr<Rule> make_md_102() {
  return std::make_unique<md_102::MergeQueueTrustChain>();
}

}  // namespace pm::engine::rules
