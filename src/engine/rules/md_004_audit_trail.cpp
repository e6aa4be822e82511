// MD-004: strict mode promises an accountable change; without the author and
// the commit SHA nobody can be held to it.
#include "engine/rules/rules.hpp"

namespace pm::engine::rules {
namespace md_004 {
namespace {

constexpr std::string_view kTags[] = {"governance", "audit"};

constexpr RuleInfo kInfo{
    .id = "MD-004",
    .title = "Audit trail",
    .severity = Severity::kCritical,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "Strict mode without the audit trail metadata: `author` or `commitSha` missing from the call, so the "
        "decision cannot be tied to who changed what.",
    .not_reported = "Calls without `strict`: the audit trail is what strict mode promises.",
    .remediation =
        "Pass `author` and `commitSha` (for example from GITHUB_ACTOR and GITHUB_SHA) with every strict analysis.",
    .adr_refs = {},
    .tags = kTags,
};

class AuditTrail final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void evaluate(const AnalysisInput& in, std::vector<Finding>& out, Budget& /*budget*/) const override {
    if (!in.strict) return;
    const bool has_author = in.author && !in.author->empty();
    const bool has_sha = in.commit_sha && !in.commit_sha->empty();
    if (has_author && has_sha) return;
    FindingBuilder(kInfo)
        .in_file("", std::string("author: ") + (has_author ? "present" : "missing") +
                         "; commitSha: " + (has_sha ? "present" : "missing"))
        .message("Missing audit trail metadata - author and commit SHA required in strict mode")
        .context(Json{{"hasAuthor", has_author}, {"hasCommitSha", has_sha}})
        .emit(out);
  }
};

}  // namespace
}  // namespace md_004

std::unique_ptr<Rule> make_md_004() {
  return std::make_unique<md_004::AuditTrail>();
}

}  // namespace pm::engine::rules
