// MD-106: every secret of the repository handed over wholesale.
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace {

// `${{ secrets }}`, `${{ toJSON(secrets) }}` and friends: the whole secrets
// context rather than one named secret.
bool whole_secrets(const std::string& normalized) {
  for (std::size_t p = normalized.find("secrets"); p != std::string::npos; p = normalized.find("secrets", p + 1)) {
    char before = p > 0 ? normalized[p - 1] : '\0';
    char after = p + 7 < normalized.size() ? normalized[p + 7] : '\0';
    bool ident_before = (before >= 'a' && before <= 'z') || (before >= '0' && before <= '9') || before == '_' ||
                        before == '.' || before == '-';
    bool ident_after = (after >= 'a' && after <= 'z') || (after >= '0' && after <= '9') || after == '_' ||
                       after == '.' || after == '[' || after == '-';
    if (!ident_before && !ident_after) return true;
  }
  return false;
}

class Md106 final : public Rule {
 public:
  Md106() {
    info_.id = "MD-106";
    info_.title = "Secrets handed over wholesale";
    info_.default_severity = "medium";
    info_.description =
        "`secrets: inherit` on a reusable workflow call (the called workflow receives every secret of the caller), "
        "and the whole secrets context (`${{ secrets }}`, `${{ toJSON(secrets) }}`) expanded into a `run:` script, "
        "a `with:` input or an `env:` value at workflow, job or step level. Individual secrets (`secrets.NAME`) are "
        "not reported.";
    info_.remediation =
        "Pass only the secrets the callee needs (`secrets: { token: ${{ secrets.DEPLOY_TOKEN }} }`) and reference "
        "single secrets by name; never serialise the secrets context.";
  }

  const RuleInfo& info() const override { return info_; }

  void evaluate(const AnalysisInput& input, std::vector<Finding>& out) const override {
    for (const auto& wf : input.workflows) {
      if (wf.parse_error) continue;
      scan_map(wf, wf.env, "workflow env", out);
      for (const auto& job : wf.jobs) {
        if (job.secrets_inherit) {
          Finding f = make(
              wf, job.secrets_inherit->line,
              str_cat({"Job '", job.id, "' calls `", job.uses ? job.uses->value : std::string_view("?"),
                       "` with `secrets: inherit`: the called workflow receives every secret of this repository"}));
          f.context = context_object("job", job.id, "kind", "inherit");
          out.push_back(std::move(f));
        }
        scan_map(wf, job.env, "job env", out);
        scan_map(wf, job.secrets, "reusable workflow secrets", out);
        for (const auto& step : job.steps) {
          if (step.run) scan(wf, *step.run, "run script", out);
          scan_map(wf, step.with, "action input", out);
          scan_map(wf, step.env, "step env", out);
        }
      }
    }
  }

 private:
  Finding make(const WorkflowFile& wf, int line, std::string message) const {
    Finding f;
    f.rule_id = info_.id;
    f.severity = "medium";
    f.message = std::move(message);
    f.file = wf.path;
    f.line = line;
    f.evidence = wf.line_text(line);
    f.remediation = info_.remediation;
    return f;
  }

  void scan(const WorkflowFile& wf, const Located& value, const char* where, std::vector<Finding>& out) const {
    for (const auto& e : find_expressions(value.value)) {
      if (!whole_secrets(e.normalized)) continue;
      Finding f = make(wf, wf.line_of(value, e.offset, e.raw),
                       "`" + e.raw + "` exposes the whole secrets context in a " + where);
      f.context = context_object("expression", e.raw, "kind", "secrets-context");
      out.push_back(std::move(f));
    }
  }

  void scan_map(const WorkflowFile& wf, const std::vector<std::pair<std::string_view, Located>>& m, const char* where,
                std::vector<Finding>& out) const {
    for (const auto& [k, v] : m) scan(wf, v, where, out);
  }

  RuleInfo info_;
};

}  // namespace

std::unique_ptr<Rule> make_md_106() {
  return std::make_unique<Md106>();
}

}  // namespace pm::engine::rules
