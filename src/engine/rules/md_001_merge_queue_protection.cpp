// MD-001: in merge_group mode, the branch the merge queue feeds must be
// protected with strict required status checks, read from the protection
// snapshot. Without a snapshot the protection cannot be verified (fail-closed).
#include "engine/policy.hpp"
#include "engine/rules/rules.hpp"

namespace pm::engine::rules {
namespace md_001 {
namespace {

constexpr std::string_view kTags[] = {"governance", "merge-queue"};

constexpr RuleInfo kInfo{
    .id = "MD-001",
    .title = "Merge queue protection",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "In merge_group mode, the target branch's protection (from branchProtectionFile) is off, has no required "
        "status checks, or its required status checks are not strict (up to date with the base before merging); "
        "also when no protection snapshot is given, since the protection cannot then be verified (confidence "
        "medium: the protection may be right, it is just not shown).",
    .not_reported = "Anything in other modes: only a merge queue relies on this protection.",
    .remediation =
        "Enable branch protection on the merge queue's target branch with required status checks and \"Require "
        "branches to be up to date before merging\" (required_status_checks.strict), and pass its snapshot as "
        "branchProtectionFile.",
    .adr_refs = {},
    .tags = kTags,
};

class MergeQueueProtection final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void evaluate(const AnalysisInput& in, std::vector<Finding>& out, Budget& /*budget*/) const override {
    if (in.mode != "merge_group") return;
    const std::string branch = in.repository.branch.empty() ? "the target branch" : "branch " + in.repository.branch;
    if (!in.branch_protection_given) {
      FindingBuilder(kInfo)
          .confidence(Confidence::kMedium)
          .in_file("", "branchProtectionFile: not given")
          .message(
              "Merge queue protection cannot be verified: no branch protection snapshot "
              "(branchProtectionFile) was given for " +
              branch)
          .emit(out);
      return;
    }
    const BranchProtection bp = map_branch_protection(in.branch_protection);
    const std::string& file = in.branch_protection_path;
    if (!bp.enabled) {
      FindingBuilder(kInfo)
          .in_file(file, "branch protection: disabled")
          .message(
              "Branch protection should be enabled with strict mode for merge queue: protection is not enabled "
              "on " +
              branch)
          .emit(out);
    } else if (!bp.has_status_checks) {
      FindingBuilder(kInfo)
          .in_file(file, "required_status_checks: absent")
          .message("Branch protection should be enabled with strict mode for merge queue: " + branch +
                   " has no required status checks")
          .emit(out);
    } else if (!bp.strict_status_checks) {
      FindingBuilder(kInfo)
          .in_file(file, "required_status_checks.strict: false")
          .message("Branch protection should be enabled with strict mode for merge queue: required status checks on " +
                   branch + " are not strict")
          .emit(out);
    }
  }
};

}  // namespace
}  // namespace md_001

std::unique_ptr<Rule> make_md_001() {
  return std::make_unique<md_001::MergeQueueProtection>();
}

}  // namespace pm::engine::rules
