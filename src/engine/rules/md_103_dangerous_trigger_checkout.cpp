// MD-103: privileged triggers (pull_request_target, workflow_run) that check
// out or run code controlled by the pull request's author.
#include <array>
#include <optional>
#include <string>
#include <string_view>

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

  void visit_step(const StepNode& n, FindingSink& out) const override {
    const WorkflowFile& wf = n.file();
    Budget& budget = n.budget();
    if (!budget.step(1 + wf.triggers.size())) return;
    const Located* trigger = gha::privileged_trigger(wf);
    if (!trigger) return;
    const auto checkout = gha::pull_request_checkout(wf, n.step, budget);
    if (!checkout || budget.stopped()) return;
    const std::string& ref = checkout->ref;
    const Job& job = n.job.job;
    FindingBuilder b(kInfo);
    b.at(wf, checkout->at).related(wf, *trigger, str_cat({"the `", trigger->value, "` trigger"}));
    std::string message =
        str_cat({"Job '", job.id, "' of a `", trigger->value, "` workflow checks out pull-request-controlled code (`",
                 ref, "`) with the base repository's token and secrets"});
    Json context = context_object("trigger", trigger->value, "job", job.id, "ref", ref);
    if (const auto exec = later_execution(wf, job, n.index, budget)) {
      message += str_cat({", then runs it (line ", std::to_string(exec->line), ": `", wf.line_text(exec->line), "`)"});
      context["executedAt"] = exec->line;
      b.related(wf, *exec, "runs the checked-out code");
    }
    b.message(std::move(message));
    b.context(std::move(context));
    b.emit(out);
  }

 private:
  static std::optional<Position> later_execution(const WorkflowFile& wf, const Job& job, std::size_t after,
                                                 Budget& budget) {
    for (std::size_t i = after + 1; i < job.steps.size(); ++i) {
      const Step& s = job.steps[i];
      if (!budget.step(1 + (s.run ? s.run->value.size() * kBuildCommands.size() : 0))) return std::nullopt;
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
