// MD-103: privileged triggers (pull_request_target, workflow_run) that check
// out or run code controlled by the pull request's author.
#include <array>
#include <optional>
#include <string_view>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_103 {
namespace {

// Commands that execute code from the checked-out tree.
constexpr std::array<std::string_view, 19> kBuildCommands = {
    "npm install", "npm ci",  "npm run",         "npm test",         "yarn",       "pnpm ",    "make",
    "pip install", "poetry ", "python setup.py", "cargo build",      "cargo test", "go build", "go test",
    "gradle",      "mvn ",    "bundle install",  "composer install", "./"};

// The first pull-request-controlled ref `text` names: a context of kPrRefs
// in one of its `${{ }}`, or a literal refs/pull/ ref. "" when none.
std::string pr_ref_in(std::string_view text) {
  for (const auto& t : expr::templates(text)) {
    const expr::Parsed p = expr::parse(t.inner);
    if (!p.ok()) continue;
    for (const auto& r : expr::contexts(*p.expression)) {
      if (gha::pull_request_head(r.path)) return r.path;
    }
  }
  if (text.find("refs/pull/") != std::string_view::npos) return "refs/pull/";
  return {};
}

constexpr std::string_view kTags[] = {"security", "dangerous-triggers"};

constexpr RuleInfo kInfo{
    .id = "MD-103",
    .title = "Dangerous trigger with untrusted checkout",
    .severity = Severity::kCritical,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "Workflows triggered by `pull_request_target` or `workflow_run` run with the base repository's secrets and "
        "a write-capable token. Reported: an actions/checkout whose `ref:` (or `repository:`) expression reads the "
        "pull request's head (github.event.pull_request.head.sha/ref/repo.full_name, github.head_ref, "
        "github.event.workflow_run.head_sha/head_branch, refs/pull/<n>/merge|head), and `run:` steps doing `gh pr "
        "checkout` or a git fetch/checkout/switch of such a ref. The finding cites the checkout line, with the "
        "trigger as a related location, and notes when a later step of the job then builds or runs the "
        "checked-out code (npm install, make, ./script, ...).",
    .not_reported =
        "The same checkout on `pull_request` (fork runs get a read-only token and no secrets), and a checkout of "
        "the base (the default ref of pull_request_target) — neither runs the pull request's code with the base "
        "repository's privileges.",
    .remediation =
        "Use the `pull_request` trigger for building untrusted code; if `pull_request_target`/`workflow_run` is "
        "needed, never check out the head ref, or check it out without credentials (persist-credentials: false) "
        "in a job with read-only permissions and no secrets, and never execute it.",
    .adr_refs = {},
    .tags = kTags,
};

class Md103 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_step(const StepNode& n, std::vector<Finding>& out) const override {
    const WorkflowFile& wf = n.file();
    const Located* trigger = gha::privileged_trigger(wf);
    if (!trigger) return;
    const Step& step = n.step;
    std::optional<Position> at;
    std::string ref;
    if (gha::uses_action(step, "actions/checkout")) {
      for (const auto& [key, value] : step.with) {
        if (key != "ref" && key != "repository") continue;
        ref = pr_ref_in(value.value);
        if (!ref.empty()) {
          at = wf.position(value);
          break;
        }
      }
    } else if (step.run) {
      at = run_checkout(wf, *step.run, ref);
    }
    if (!at) return;
    const Job& job = n.job.job;
    FindingBuilder b(kInfo);
    b.at(wf, *at).related(wf, *trigger, str_cat({"the `", trigger->value, "` trigger"}));
    std::string message =
        str_cat({"Job '", job.id, "' of a `", trigger->value, "` workflow checks out pull-request-controlled code (`",
                 ref, "`) with the base repository's token and secrets"});
    Json context = context_object("trigger", trigger->value, "job", job.id, "ref", ref);
    if (const auto exec = later_execution(wf, job, n.index)) {
      message += str_cat({", then runs it (line ", std::to_string(exec->line), ": `", wf.line_text(exec->line), "`)"});
      context["executedAt"] = exec->line;
      b.related(wf, *exec, "runs the checked-out code");
    }
    b.message(std::move(message));
    b.context(std::move(context));
    b.emit(out);
  }

 private:
  // `gh pr checkout`, or git fetch/checkout/switch of a PR ref inside a script.
  static std::optional<Position> run_checkout(const WorkflowFile& wf, const Located& run, std::string& ref) {
    const std::string_view v = run.value;
    std::size_t start = 0;
    while (start <= v.size()) {
      std::size_t end = v.find('\n', start);
      if (end == std::string_view::npos) end = v.size();
      const std::string_view l = v.substr(start, end - start);
      const bool gh = l.find("gh pr checkout") != std::string_view::npos;
      const bool git = l.find("git checkout") != std::string_view::npos ||
                       l.find("git fetch") != std::string_view::npos || l.find("git switch") != std::string_view::npos;
      std::string r = gh ? "gh pr checkout" : git ? pr_ref_in(l) : "";
      if (!r.empty()) {
        ref = std::move(r);
        return PositionCursor(wf, run).at(start);
      }
      if (end == v.size()) break;
      start = end + 1;
    }
    return std::nullopt;
  }

  static std::optional<Position> later_execution(const WorkflowFile& wf, const Job& job, std::size_t after) {
    for (std::size_t i = after + 1; i < job.steps.size(); ++i) {
      const Step& s = job.steps[i];
      if (!s.run) continue;
      for (const auto cmd : kBuildCommands) {
        const std::size_t p = s.run->value.find(cmd);
        if (p != std::string_view::npos) return PositionCursor(wf, *s.run).at(p);
      }
    }
    return std::nullopt;
  }
};

}  // namespace
}  // namespace md_103

std::unique_ptr<Rule> make_md_103() {
  return std::make_unique<md_103::Md103>();
}

}  // namespace pm::engine::rules
