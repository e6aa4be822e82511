// MD-104: attacker-controllable values expanded with `${{ }}` into code (a
// `run:` script, an actions/github-script `script:`), directly or through an
// `env:` value, a matrix value or an input.
#include <optional>
#include <string_view>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_104 {
namespace {

// The first attacker-controlled context whose value flows into `value`'s
// `${{ }}`, "" when none (or once the budget has stopped).
std::string tainted_in(std::string_view value, Budget& budget) {
  if (!budget.step(value.size())) return {};
  for (const auto& t : expr::templates(value)) {
    if (!budget.step(t.length)) return {};
    const expr::Parsed p = expr::parse(t.inner);
    if (!p.ok()) continue;
    for (const auto& r : expr::contexts(*p.expression)) {
      if (r.flows && gha::attacker_controlled(r.path)) return r.path;
    }
  }
  return {};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The second segment of `path` ("title" of "env.title"), when the path has
// exactly two.
std::string_view second_segment(std::string_view path) {
  const std::size_t dot = path.find('.');
  if (dot == std::string_view::npos || path.find('.', dot + 1) != std::string_view::npos) return {};
  return path.substr(dot + 1);
}

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
        "event objects (high); an `env.*` value, or a `matrix.*` value, that is itself built from such data "
        "(high); an input of a reusable workflow (`workflow_call`) or a composite action of type string — its "
        "callers decide the value (medium, confidence low). Only values that reach the expression's result count: "
        "`${{ github.event.issue.title == 'x' }}` expands to true or false. One finding per `${{ }}`, at its line "
        "and column inside multi-line scripts.",
    .not_reported =
        "Values passed through `env:` and read by the shell as \"$VAR\" (the safe pattern); values that are "
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

  static std::optional<Source> classify(const StepNode& n, const std::string& path) {
    if (gha::attacker_controlled(path))
      return Source{Severity::kHigh, Confidence::kHigh, path, "", "an attacker-controlled value becomes code"};
    const std::string_view name = second_segment(path);
    if (name.empty()) return std::nullopt;
    if (path.starts_with("env.")) {
      if (const Located* v = env_value(n, name)) {
        if (std::string origin = tainted_in(v->value, n.budget()); !origin.empty()) {
          return Source{Severity::kHigh, Confidence::kHigh, path, "set from `" + origin + "`",
                        "the attacker-controlled value becomes code"};
        }
      }
      return std::nullopt;
    }
    if (path.starts_with("matrix.")) {
      const auto& m = n.job.job.matrix;
      if (!m) return std::nullopt;
      for (const auto& mv : m->values) {
        if (!n.budget().step(1 + mv.key.size())) return std::nullopt;
        if (lower(mv.key) != name) continue;
        if (std::string origin = tainted_in(mv.value.value, n.budget()); !origin.empty()) {
          return Source{Severity::kHigh, Confidence::kHigh, path, "a matrix value built from `" + origin + "`",
                        "the attacker-controlled value becomes code"};
        }
      }
      return std::nullopt;
    }
    if (path.starts_with("inputs.")) return input_source(n, path, name);
    return std::nullopt;
  }

  // An input of a reusable workflow or a composite action: its callers decide
  // the value, which may carry event data. Boolean and number inputs cannot
  // carry code; workflow_dispatch inputs come from people with write access.
  static std::optional<Source> input_source(const StepNode& n, const std::string& path, std::string_view name) {
    const WorkflowFile& wf = n.file();
    if (!n.budget().step(wf.triggers.size() + wf.inputs.size())) return std::nullopt;
    const bool called = wf.is_action || wf.has_trigger("workflow_call");
    if (!called) return std::nullopt;
    for (const auto& in : wf.inputs) {
      if (lower(in.name) != name) continue;
      if (in.source == InputSource::kWorkflowDispatch) continue;
      if (in.type == "boolean" || in.type == "number") return std::nullopt;
    }
    return Source{Severity::kMedium, Confidence::kLow, path, "",
                  wf.is_action ? "whoever uses this action decides its value, which may carry attacker-controlled text"
                               : "callers of this reusable workflow decide its value, which may carry "
                                 "attacker-controlled text"};
  }

  // The `env:` value of `name` (lower case) the step sees: its own, its
  // job's, or the workflow's.
  static const Located* env_value(const StepNode& n, std::string_view name) {
    for (const auto* env : {&n.step.env, &n.job.job.env, &n.file().env}) {
      for (const auto& [k, v] : *env) {
        if (!n.budget().step(1 + k.size())) return nullptr;
        if (lower(k) == name) return &v;
      }
    }
    return nullptr;
  }
};

}  // namespace
}  // namespace md_104

std::unique_ptr<Rule> make_md_104() {
  return std::make_unique<md_104::Md104>();
}

}  // namespace pm::engine::rules
