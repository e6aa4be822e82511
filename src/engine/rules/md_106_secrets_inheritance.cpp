// MD-106: every secret of the repository handed over wholesale.
#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_106 {
namespace {

constexpr std::string_view kTags[] = {"security", "secrets"};

constexpr RuleInfo kInfo{
    .id = "MD-106",
    .title = "Secrets handed over wholesale",
    .severity = Severity::kMedium,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "`secrets: inherit` on a reusable workflow call (the called workflow receives every secret of the caller); "
        "the whole secrets context flowing into a value (`${{ secrets }}`, `${{ toJSON(secrets) }}`, "
        "`format('{0}', secrets)`) of a `run:` script, a `with:` input or an `env:` value at workflow, job or step "
        "level, or a reusable call's `secrets:`; and the secrets context indexed by a computed name "
        "(`secrets[inputs.name]`: the job then needs every secret; confidence medium).",
    .not_reported =
        "Individual secrets (`secrets.NAME`, `secrets['NAME']`), and the secrets context only tested, not handed "
        "over (`contains(secrets, ...)` gives a boolean).",
    .remediation =
        "Pass only the secrets the callee needs (`secrets: { token: ${{ secrets.DEPLOY_TOKEN }} }`) and reference "
        "single secrets by name; never serialise the secrets context.",
    .adr_refs = {},
    .tags = kTags,
};

class Md106 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_workflow(const WorkflowNode& n, FindingSink& out) const override {
    scan_map(n.file, n.file.env, "the workflow env", out);
  }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    const WorkflowFile& wf = n.file();
    const Job& job = n.job;
    if (job.secrets_inherit) {
      FindingBuilder(kInfo)
          .at(wf, *job.secrets_inherit)
          .message(str_cat({"Job '", job.id, "' calls `", job.uses ? job.uses->value : std::string_view("?"),
                            "` with `secrets: inherit`: the called workflow receives every secret of this repository"}))
          .context(context_object("job", job.id, "kind", "inherit"))
          .emit(out);
    }
    scan_map(wf, job.env, "a job env", out);
    scan_map(wf, job.secrets, "the secrets of a reusable workflow call", out);
  }

  void visit_step(const StepNode& n, FindingSink& out) const override { scan_step(n, out); }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { scan_step(n, out); }

 private:
  static void scan_step(const StepNode& n, FindingSink& out) {
    const WorkflowFile& wf = n.file();
    if (n.step.run) scan(wf, *n.step.run, "a run script", out);
    scan_map(wf, n.step.with, "an action input", out);
    scan_map(wf, n.step.env, "a step env", out);
  }

  static void scan(const WorkflowFile& wf, const Located& value, const char* where, FindingSink& out) {
    Budget& budget = out.budget();
    if (!budget.step(value.value.size())) return;
    std::optional<PositionCursor> cursor;
    for (const auto& t : expr::templates(value.value)) {
      if (!budget.step(t.length)) return;
      const expr::Parsed p = expr::parse(t.inner);
      if (!p.ok()) continue;
      for (const auto& r : expr::contexts(*p.expression)) {
        const bool whole = r.path == "secrets" && r.flows;
        const bool computed = r.computed_index && r.path == "secrets.*";
        if (!whole && !computed) continue;
        if (!cursor) cursor.emplace(wf, value);
        const std::string raw(value.value.substr(t.offset, t.length));
        FindingBuilder(kInfo)
            .confidence(whole ? Confidence::kHigh : Confidence::kMedium)
            .at(wf, cursor->at(t.offset))
            .message(whole ? str_cat({"`", raw, "` exposes the whole secrets context in ", where})
                           : str_cat({"`", raw, "` picks a secret by a computed name in ", where,
                                      ", so the job is given every secret"}))
            .context(context_object("expression", raw, "kind", whole ? "secrets-context" : "computed-index"))
            .emit(out);
        break;
      }
    }
  }

  static void scan_map(const WorkflowFile& wf, const std::vector<std::pair<std::string_view, Located>>& m,
                       const char* where, FindingSink& out) {
    for (const auto& [k, v] : m) scan(wf, v, where, out);
  }
};

}  // namespace
}  // namespace md_106

std::unique_ptr<Rule> make_md_106() {
  return std::make_unique<md_106::Md106>();
}

}  // namespace pm::engine::rules
