// MD-001: in merge_group mode, the branch the merge queue feeds must be
// protected with strict required status checks, read from the protection
// snapshot. Without a snapshot the protection cannot be verified (fail-closed).
#include "engine/policy.hpp"
#include "engine/rules/rules.hpp"

namespace pm::engine::rules {

namespace {

class MergeQueueProtection final : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        "MD-001",
        "Merge queue protection",
        "high",
        "In merge_group mode, the target branch's protection (from branchProtectionFile) is off, has no required "
        "status checks, or its required status checks are not strict (up to date with the base before merging); "
        "also when no protection snapshot is given, since the protection cannot then be verified.",
        "Enable branch protection on the merge queue's target branch with required status checks and \"Require "
        "branches to be up to date before merging\" (required_status_checks.strict), and pass its snapshot as "
        "branchProtectionFile.",
        {}};
    return i;
  }

  void evaluate(const AnalysisInput& in, std::vector<Finding>& out) const override {
    if (in.mode != "merge_group") return;
    const std::string branch = in.repository.branch.empty() ? "the target branch" : "branch " + in.repository.branch;
    if (!in.branch_protection_given) {
      out.push_back(make_finding(info(), "high",
                                 "Merge queue protection cannot be verified: no branch protection snapshot "
                                 "(branchProtectionFile) was given for " +
                                     branch,
                                 "", 0, "branchProtectionFile: not given"));
      return;
    }
    const BranchProtection bp = map_branch_protection(in.branch_protection);
    const std::string& file = in.branch_protection_path;
    if (!bp.enabled) {
      out.push_back(make_finding(info(), "high",
                                 "Branch protection should be enabled with strict mode for merge queue: protection "
                                 "is not enabled on " +
                                     branch,
                                 file, 0, "branch protection: disabled"));
    } else if (!bp.has_status_checks) {
      out.push_back(make_finding(info(), "high",
                                 "Branch protection should be enabled with strict mode for merge queue: " + branch +
                                     " has no required status checks",
                                 file, 0, "required_status_checks: absent"));
    } else if (!bp.strict_status_checks) {
      out.push_back(make_finding(info(), "high",
                                 "Branch protection should be enabled with strict mode for merge queue: required "
                                 "status checks on " +
                                     branch + " are not strict",
                                 file, 0, "required_status_checks.strict: false"));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_md_001() {
  return std::make_unique<MergeQueueProtection>();
}

}  // namespace pm::engine::rules
