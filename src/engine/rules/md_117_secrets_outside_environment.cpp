// MD-117: repository or organisation secrets used by jobs that no deployment
// environment guards.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_117 {
namespace {

constexpr std::string_view kTags[] = {"security", "secrets"};

constexpr RuleInfo kInfo{
    .id = "MD-117",
    .title = "Secrets outside an environment",
    .severity = Severity::kMedium,
    .confidence = Confidence::kHigh,
    .persona = Persona::kAuditor,
    .description =
        "A job without `environment:` that reads a secret (`secrets.NAME`, other than GITHUB_TOKEN) in its `env:`, "
        "its container or service credentials, or a step's `run:`, `with:` or `env:`. Without an environment the "
        "secret can only be a repository or organisation secret, which every workflow of the repository — and "
        "every branch that can change one — may read; an environment secret is given only to jobs that pass the "
        "environment's protection rules (required reviewers, branch restrictions). One finding per `${{ }}` that "
        "reads one. An audit of where secrets are exposed, for the auditor persona.",
    .not_reported =
        "Jobs with an `environment:`; `secrets.GITHUB_TOKEN` (the job's own token); reusable workflow calls (the "
        "called workflow's jobs decide); secrets only tested (`secrets.X != ''`).",
    .remediation =
        "Move the secret into a deployment environment with protection rules, remove it from the repository and "
        "organisation secrets, and give the job that needs it `environment: <name>`.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest   # no environment: any workflow may read the secret\n"
        "    steps:\n"
        "      - run: ./deploy.sh\n"
        "        env:\n"
        "          API_KEY: ${{ secrets.API_KEY }}\n",
};

constexpr std::string_view kUnguarded = ": a repository or organisation secret that no protection rule guards";

// The first secret by name whose value reaches the template's result.
std::string secret_read(const expr::Template& t) {
  const expr::Parsed p = expr::parse(t.inner);
  if (!p.ok()) return {};
  for (const auto& r : expr::contexts(*p.expression)) {
    if (r.flows && r.path.starts_with("secrets.") && r.path != "secrets.github_token" && !r.computed_index) {
      return r.path;
    }
  }
  return {};
}

class Md117 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    const Job& job = n.job;
    if (job.environment || job.uses) return;
    const WorkflowFile& wf = n.file();
    scan_map(wf, job, job.env, out);
    for (const auto& c : job.registry_credentials) {
      if (c.username) scan(wf, job, *c.username, out);
      if (c.password) scan(wf, job, *c.password, out);
    }
    for (const auto& s : job.steps) {
      if (!out.budget().step(1)) return;
      if (s.run) scan(wf, job, *s.run, out);
      scan_map(wf, job, s.with, out);
      scan_map(wf, job, s.env, out);
    }
  }

 private:
  static void scan(const WorkflowFile& wf, const Job& job, const Located& value, FindingSink& out) {
    Budget& budget = out.budget();
    if (!budget.step(1 + value.value.size())) return;
    std::optional<PositionCursor> cursor;
    for (const auto& t : expr::templates(value.value)) {
      if (!budget.step(t.length)) return;
      const std::string secret = secret_read(t);
      if (secret.empty()) continue;
      if (!cursor) cursor.emplace(wf, value);
      FindingBuilder(kInfo)
          .at(wf, cursor->at(t.offset))
          .message(str_cat({"Job '", job.id, "' reads `", secret, "` without an `environment:`", kUnguarded}))
          .context(context_object("job", job.id, "secret", secret))
          .emit(out);
    }
  }

  static void scan_map(const WorkflowFile& wf, const Job& job,
                       const std::vector<std::pair<std::string_view, Located>>& m, FindingSink& out) {
    for (const auto& [k, v] : m) scan(wf, job, v, out);
  }
};

}  // namespace
}  // namespace md_117

std::unique_ptr<Rule> make_md_117() {
  return std::make_unique<md_117::Md117>();
}

}  // namespace pm::engine::rules
