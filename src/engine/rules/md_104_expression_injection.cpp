// MD-104: attacker-controllable values expanded with `${{ }}` into code (a
// `run:` script, an actions/github-script `script:`), directly or through an
// `env:` value, a matrix value, a job output or an input (gha::untrusted_value).
#include <optional>
#include <string_view>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_104 {
namespace {

// What makes one context read of a script dangerous.
struct Source {
  Severity severity = Severity::kHigh;
  Confidence confidence = Confidence::kHigh;
  std::string context;  // the context read in the script
  std::string origin;   // the attacker-controlled value it carries, when not the context itself
  std::string why;      // the end of the message
};

constexpr std::string_view kTags[] = {"security", "injection"};

constexpr RuleInfo kInfo{
    .id = "MD-104",
    .title = "Expression injection",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "Attacker-controllable values expanded with `${{ }}` inside a `run:` script or an actions/github-script "
        "`script:` input, in workflows and composite actions: the value is pasted into the code before it runs, so "
        "a crafted title or branch name executes as shell or JavaScript. Sources: issue, pull request, comment, "
        "review, discussion and commit texts, branch names (github.head_ref, workflow_run head branch), whole "
        "event objects (high); an `env.*` value, a `matrix.*` value (a literal entry, or a `fromJSON(...)` giving "
        "the key, `include:` or the whole matrix) or a job output read as `needs.<job>.outputs.<name>` that is "
        "itself built from such data (high); an input of a reusable workflow (`workflow_call`) or a composite action "
        "of type string — its "
        "callers decide the value (medium, confidence low). Only values that reach the expression's result count: "
        "`${{ github.event.issue.title == 'x' }}` expands to true or false. One finding per `${{ }}`, at its line "
        "and column inside multi-line scripts.",
    .not_reported =
        "Values passed through `env:` and read by the shell as \"$VAR\" (the safe pattern for the shell; MD-122 "
        "reports such text when it becomes the prompt of an agent CLI); values that are "
        "compared, tested or hashed rather than expanded; `workflow_dispatch` inputs and `github.event.inputs` "
        "(only people with write access can start such a run); boolean and number inputs; step outputs and other "
        "values whose content is not in the file.",
    .remediation =
        "Pass the value through an environment variable (`env: TITLE: ${{ github.event.pull_request.title }}`) and "
        "use it quoted in the script (\"$TITLE\"), or read it from context.payload in github-script; never expand "
        "untrusted contexts into code.",
    .adr_refs = {},
    .tags = kTags,
};

class Md104 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_step(const StepNode& n, FindingSink& out) const override { check(n, out); }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { check(n, out); }

 private:
  static void check(const StepNode& n, FindingSink& out) {
    const Step& step = n.step;
    if (step.run) scan(n, *step.run, "run script", out);
    if (step.uses && step.uses->value.starts_with("actions/github-script@")) {
      for (const auto& [key, value] : step.with) {
        if (key == "script") scan(n, value, "github-script script", out);
      }
    }
  }

  // Every `${{ }}` of the script is read (its length in units of the budget),
  // parsed and classified; the cursor's walk to the findings is linear in the
  // script, and the budget is asked for each template.
  static void scan(const StepNode& n, const Located& code, const char* where, FindingSink& out) {
    const WorkflowFile& wf = n.file();
    Budget& budget = n.budget();
    if (!budget.step(code.value.size())) return;
    std::optional<PositionCursor> cursor;  // built at the first finding: most scripts have none
    for (const auto& t : expr::templates(code.value)) {
      if (!budget.step(t.length)) return;
      const expr::Parsed p = expr::parse(t.inner);
      if (!p.ok()) continue;
      std::optional<Source> source;
      std::string written;  // the context as the script writes it, for the message
      for (const auto& r : expr::contexts(*p.expression)) {
        if (r.flows && (source = classify(n, r.path))) {
          written = std::string(p.expression->slice(r.span));
          break;
        }
      }
      if (!source) continue;
      if (!cursor) cursor.emplace(wf, code);
      const Position at = cursor->at(t.offset);
      const Position end = cursor->at(t.offset + t.length);
      const Step& step = n.step;
      const std::string_view step_name = step.name ? step.name->value : step.id ? step.id->value : std::string_view();
      const std::string raw(code.value.substr(t.offset, t.length));
      FindingBuilder b(kInfo);
      b.severity(source->severity).confidence(source->confidence).at(wf, at);
      if (end.line == at.line) b.until(end);
      const std::string origin = source->origin.empty() ? "" : str_cat({" (", source->origin, ")"});
      b.message(str_cat({"`", written, "`", origin, " is expanded into the ", where,
                         step_name.empty() ? "" : " of step '", step_name, step_name.empty() ? "" : "'", " in ",
                         wf.is_action ? "this action" : str_cat({"job '", n.job.job.id, "'"}), ": ", source->why}))
          .context(context_object("expression", raw, "context", source->context, "job", n.job.job.id))
          .emit(out);
    }
  }

  // The shared classification (gha::untrusted_value), with what each kind
  // means for code.
  static std::optional<Source> classify(const StepNode& n, const std::string& path) {
    const auto v = gha::untrusted_value(n.file(), n.job.job, n.step, path, n.budget());
    if (!v) return std::nullopt;
    switch (v->kind) {
      case gha::Untrusted::kEvent:
        return Source{Severity::kHigh, Confidence::kHigh, path, "", "an attacker-controlled value becomes code"};
      case gha::Untrusted::kEnv:
        return Source{Severity::kHigh, Confidence::kHigh, path, "set from `" + v->origin + "`",
                      "the attacker-controlled value becomes code"};
      case gha::Untrusted::kMatrix:
        return Source{Severity::kHigh, Confidence::kHigh, path, "a matrix value built from `" + v->origin + "`",
                      "the attacker-controlled value becomes code"};
      case gha::Untrusted::kJobOutput:
        return Source{Severity::kHigh, Confidence::kHigh, path, "a job output set from `" + v->origin + "`",
                      "the attacker-controlled value becomes code"};
      case gha::Untrusted::kCallerInput:
        return Source{Severity::kMedium, Confidence::kLow, path, "",
                      n.file().is_action
                          ? "whoever uses this action decides its value, which may carry attacker-controlled text"
                          : "callers of this reusable workflow decide its value, which may carry attacker-controlled "
                            "text"};
    }
    return std::nullopt;
  }
};

}  // namespace
}  // namespace md_104

std::unique_ptr<Rule> make_md_104() {
  return std::make_unique<md_104::Md104>();
}

}  // namespace pm::engine::rules
