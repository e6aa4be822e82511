// MD-004: strict mode promises an accountable change; without the author and
// the commit SHA nobody can be held to it.
#include "engine/rules/rules.hpp"

namespace pm::engine::rules {

namespace {

class AuditTrail final : public Rule {
 public:
  const RuleInfo& info() const override {
    static const RuleInfo i{"MD-004",
                            "Audit trail",
                            "critical",
                            "Strict mode without the audit trail metadata: `author` or `commitSha` missing from the "
                            "call, so the decision cannot be tied to who changed what.",
                            "Pass `author` and `commitSha` (for example from GITHUB_ACTOR and GITHUB_SHA) with every "
                            "strict analysis.",
                            {}};
    return i;
  }

  void evaluate(const AnalysisInput& in, std::vector<Finding>& out) const override {
    if (!in.strict) return;
    const bool has_author = in.author && !in.author->empty();
    const bool has_sha = in.commit_sha && !in.commit_sha->empty();
    if (has_author && has_sha) return;
    Finding f = make_finding(info(), "critical",
                             "Missing audit trail metadata - author and commit SHA required in strict mode", "", 0,
                             std::string("author: ") + (has_author ? "present" : "missing") +
                                 "; commitSha: " + (has_sha ? "present" : "missing"));
    f.context = Json{{"hasAuthor", has_author}, {"hasCommitSha", has_sha}};
    out.push_back(std::move(f));
  }
};

}  // namespace

std::unique_ptr<Rule> make_md_004() {
  return std::make_unique<AuditTrail>();
}

}  // namespace pm::engine::rules
