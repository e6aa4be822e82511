// MD-114: container registry passwords written into the workflow instead of
// taken from a secret.
#include <array>
#include <string>
#include <string_view>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_114 {
namespace {

constexpr std::string_view kTags[] = {"security", "credentials"};

constexpr RuleInfo kInfo{
    .id = "MD-114",
    .title = "Hard-coded container registry credentials",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "A registry password written as text: the `credentials.password` of a job's `container:` or of one of its "
        "`services:`, or the `password:` input of a registry login action (docker/login-action, "
        "azure/docker-login). Everyone who can read the repository, its forks and its history has the password. "
        "The finding cites the `credentials:` key or the login step, never the password's own line, so that the "
        "report does not copy the password again.",
    .not_reported =
        "Passwords taken from an expression (`${{ secrets.REGISTRY_PASSWORD }}`, `${{ github.token }}`); user "
        "names, which are not secret.",
    .remediation =
        "Revoke the password, store it as an encrypted secret and reference it "
        "(`password: ${{ secrets.REGISTRY_PASSWORD }}`); for ghcr.io use `${{ github.token }}` with "
        "`packages: read`.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    container:\n"
        "      image: registry.example.com/build:1\n"
        "      credentials:\n"
        "        username: ci\n"
        "        password: s3cr3t   # in clear in the repository\n",
};

constexpr std::array<std::string_view, 2> kLoginActions = {"docker/login-action", "azure/docker-login"};

// A password written as text: not empty, no expression.
bool literal(const OptionalLocated& password) {
  return password && !password->value.empty() && expr::templates(password->value).empty();
}

class Md114 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    const WorkflowFile& wf = n.file();
    for (const auto& c : n.job.registry_credentials) {
      if (!out.budget().step(1 + (c.password ? c.password->value.size() : 0))) return;
      if (!literal(c.password)) continue;
      const std::string what =
          c.service.empty() ? std::string("the container") : str_cat({"service '", c.service, "'"});
      FindingBuilder(kInfo)
          .at(wf, Position{c.line, c.column})
          .related(wf, *c.password, "the password, written as text")
          .message(str_cat({"The registry credentials of ", what, " of job '", n.job.id,
                            "' hold a password written in the workflow (line ", std::to_string(c.password->line),
                            ") instead of a secret"}))
          .context(context_object("job", n.job.id, "service", c.service))
          .emit(out);
    }
  }

  void visit_step(const StepNode& n, FindingSink& out) const override { step(n, out); }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { step(n, out); }

 private:
  static void step(const StepNode& n, FindingSink& out) {
    const Step& s = n.step;
    const std::string_view* action = nullptr;
    for (const auto& a : kLoginActions) {
      if (gha::uses_action(s, a)) action = &a;
    }
    if (action == nullptr) return;
    for (const auto& [key, value] : s.with) {
      if (!out.budget().step(1 + key.size())) return;
      if (key != "password" || !out.budget().step(value.value.size()) || !literal(value)) continue;
      FindingBuilder(kInfo)
          .at(n.file(), *s.uses)
          .related(n.file(), value, "the password, written as text")
          .message(str_cat({"The `password:` of ", *action, " (line ", std::to_string(value.line),
                            ") is written in the workflow instead of taken from a secret"}))
          .context(context_object("job", n.job.job.id, "action", *action))
          .emit(out);
    }
  }
};

}  // namespace
}  // namespace md_114

std::unique_ptr<Rule> make_md_114() {
  return std::make_unique<md_114::Md114>();
}

}  // namespace pm::engine::rules
