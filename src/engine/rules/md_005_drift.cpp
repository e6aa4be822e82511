// MD-005: in drift mode, governance files (workflows, CODEOWNERS, the policy
// file, ADRs) that changed, appeared or disappeared since the baseline.
#include <algorithm>

#include "engine/baseline.hpp"
#include "engine/rules/rules.hpp"

namespace pm::engine::rules {
namespace md_005 {
namespace {

std::string short_hash(const std::string& h) {
  return h.substr(0, 12);
}

constexpr std::string_view kTags[] = {"governance", "drift"};

constexpr RuleInfo kInfo{
    .id = "MD-005",
    .title = "Governance drift from the baseline",
    .severity = Severity::kLow,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "In drift mode, governance files (.github/workflows/*.yml, CODEOWNERS, .github/.phase-mirror/policy.json, "
        "docs/adr/*.md) among `files` whose SHA-256 differs from `baselineFile`, that are not in the baseline "
        "(added), or that the baseline lists but no longer exist (removed). Workflows and the policy file are "
        "medium. Drift mode without a baseline is reported once (low), since nothing can be compared.",
    .not_reported = "Files that are not governance files, and anything outside drift mode.",
    .remediation =
        "Review the change; when it is intended, record a new baseline with `phase-mirror-mcp baseline create "
        "--out <file> <files...>`.",
    .adr_refs = {},
    .tags = kTags,
};

class Drift final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void evaluate(const AnalysisInput& in, std::vector<Finding>& out, Budget& budget) const override {
    if (in.mode != "drift") return;
    if (!in.baseline) {
      FindingBuilder(kInfo)
          .in_file("", "baselineFile: not given")
          .message("Drift mode without a baseline: governance files cannot be compared")
          .emit(out);
      return;
    }
    const Json& recorded = (*in.baseline)["files"];
    for (const auto& f : in.files) {
      if (!budget.step()) return;
      const std::string& p = f.path.relative;
      if (!is_governance_file(p)) continue;
      const auto it = recorded.find(p);
      const std::string before = it == recorded.end() ? "" : it->get<std::string>();
      if (before == f.sha256) continue;
      const bool added = before.empty();
      FindingBuilder(kInfo)
          .severity(drift_severity(p))
          .in_file(p, added ? "added sha256 " + short_hash(f.sha256)
                            : "modified sha256 " + short_hash(before) + " -> " + short_hash(f.sha256))
          .message(added ? "Governance file added since the baseline: " + p
                         : "Governance file changed since the baseline: " + p)
          .context(Json{{"change", added ? "added" : "modified"}, {"baselineHash", before}, {"currentHash", f.sha256}})
          .emit(out);
    }
    for (const auto& [p, h] : recorded.items()) {
      const std::string hash = h.get<std::string>();
      if (!budget.step(1 + in.absent_paths.size())) return;
      if (hash.empty() || !is_governance_file(p)) continue;
      if (std::find(in.absent_paths.begin(), in.absent_paths.end(), p) == in.absent_paths.end()) continue;
      FindingBuilder(kInfo)
          .severity(drift_severity(p))
          .in_file(p, "removed sha256 " + short_hash(hash))
          .message("Governance file removed since the baseline: " + p)
          .context(Json{{"change", "removed"}, {"baselineHash", hash}, {"currentHash", ""}})
          .emit(out);
    }
  }
};

}  // namespace
}  // namespace md_005

std::unique_ptr<Rule> make_md_005() {
  return std::make_unique<md_005::Drift>();
}

}  // namespace pm::engine::rules
