// MD-005: in drift mode, governance files (workflows, CODEOWNERS, the policy
// file, ADRs) that changed, appeared or disappeared since the baseline.
#include <algorithm>

#include "engine/baseline.hpp"
#include "engine/rules/rules.hpp"

namespace pm::engine::rules {

namespace {

std::string short_hash(const std::string& h) {
  return h.substr(0, 12);
}

class Drift final : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{
        "MD-005",
        "Governance drift from the baseline",
        "low",
        "In drift mode, governance files (.github/workflows/*.yml, CODEOWNERS, .github/.phase-mirror/policy.json, "
        "docs/adr/*.md) among `files` whose SHA-256 differs from `baselineFile`, that are not in the baseline "
        "(added), or that the baseline lists but no longer exist (removed). Workflows and the policy file are "
        "medium. Drift mode without a baseline is reported once (low), since nothing can be compared.",
        "Review the change; when it is intended, record a new baseline with `phase-mirror-mcp baseline create "
        "--out <file> <files...>`.",
        {}};
    return i;
  }

  void evaluate(const AnalysisInput& in, std::vector<Finding>& out) const override {
    if (in.mode != "drift") return;
    if (!in.baseline) {
      out.push_back(make_finding(info(), "low", "Drift mode without a baseline: governance files cannot be compared",
                                 "", 0, "baselineFile: not given"));
      return;
    }
    const Json& recorded = (*in.baseline)["files"];
    for (const auto& f : in.files) {
      const std::string& p = f.path.relative;
      if (!is_governance_file(p)) continue;
      const auto it = recorded.find(p);
      const std::string before = it == recorded.end() ? "" : it->get<std::string>();
      if (before == f.sha256) continue;
      const bool added = before.empty();
      Finding fd = make_finding(
          info(), drift_severity(p),
          added ? "Governance file added since the baseline: " + p : "Governance file changed since the baseline: " + p,
          p, 0,
          added ? "added sha256 " + short_hash(f.sha256)
                : "modified sha256 " + short_hash(before) + " -> " + short_hash(f.sha256));
      fd.context = Json{{"change", added ? "added" : "modified"}, {"baselineHash", before}, {"currentHash", f.sha256}};
      out.push_back(std::move(fd));
    }
    for (const auto& [p, h] : recorded.items()) {
      const std::string hash = h.get<std::string>();
      if (hash.empty() || !is_governance_file(p)) continue;
      if (std::find(in.absent_paths.begin(), in.absent_paths.end(), p) == in.absent_paths.end()) continue;
      Finding fd = make_finding(info(), drift_severity(p), "Governance file removed since the baseline: " + p, p, 0,
                                "removed sha256 " + short_hash(hash));
      fd.context = Json{{"change", "removed"}, {"baselineHash", hash}, {"currentHash", ""}};
      out.push_back(std::move(fd));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_md_005() {
  return std::make_unique<Drift>();
}

}  // namespace pm::engine::rules
