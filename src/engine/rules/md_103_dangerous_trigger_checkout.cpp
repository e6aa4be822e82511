// MD-103: privileged triggers (pull_request_target, workflow_run) that check
// out or run code controlled by the pull request's author.
#include <array>
#include <string_view>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace {

// Refs of the pull request's head, as they appear in expressions (normalised:
// lower case, no whitespace).
constexpr std::array<std::string_view, 9> kPrRefs = {
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
    "github.event.pull_request.merge_commit_sha",
    "github.event.number",
    "github.event.pull_request.number",
};

// Commands that execute code from the checked-out tree.
constexpr std::array<std::string_view, 19> kBuildCommands = {
    "npm install", "npm ci",  "npm run",         "npm test",         "yarn",       "pnpm ",    "make",
    "pip install", "poetry ", "python setup.py", "cargo build",      "cargo test", "go build", "go test",
    "gradle",      "mvn ",    "bundle install",  "composer install", "./"};

std::string lower_no_space(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ' || c == '\t') continue;
    out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  return out;
}

// The first PR-controlled ref found in `text`, "" if none.
std::string pr_ref_in(std::string_view text) {
  std::string n = lower_no_space(text);
  for (auto r : kPrRefs) {
    auto p = n.find(r);
    if (p == std::string::npos) continue;
    char next = p + r.size() < n.size() ? n[p + r.size()] : '\0';
    if ((next >= 'a' && next <= 'z') || next == '_') continue;
    return std::string(r);
  }
  if (n.find("refs/pull/") != std::string::npos) return "refs/pull/";
  if (n.find("github.event.pull_request.head.repo.full_name") != std::string::npos) {
    return "github.event.pull_request.head.repo.full_name";
  }
  return {};
}

bool is_checkout_action(const Step& s) {
  return s.uses && s.uses->value.rfind("actions/checkout", 0) == 0;
}

class Md103 final : public Rule {
 public:
  Md103() {
    info_.id = "MD-103";
    info_.title = "Dangerous trigger with untrusted checkout";
    info_.default_severity = "critical";
    info_.description =
        "Workflows triggered by `pull_request_target` or `workflow_run` run with the base repository's secrets and "
        "a write-capable token. Reported: an actions/checkout whose `ref:` (or `repository:`) points at the pull "
        "request's head (github.event.pull_request.head.sha/ref, github.head_ref, "
        "github.event.workflow_run.head_sha/head_branch, refs/pull/<n>/merge|head), and `run:` steps doing `gh pr "
        "checkout` or a git fetch/checkout/switch of such a ref. The finding cites the checkout line and notes when a "
        "later step of the job then builds or runs the checked-out code (npm install, make, ./script, ...).";
    info_.remediation =
        "Use the `pull_request` trigger for building untrusted code; if `pull_request_target`/`workflow_run` is "
        "needed, never check out the head ref, or check it out without credentials (persist-credentials: false) "
        "in a job with read-only permissions and no secrets, and never execute it.";
  }

  const RuleInfo& info() const override { return info_; }

  void evaluate(const AnalysisInput& input, std::vector<Finding>& out) const override {
    for (const auto& wf : input.workflows) {
      if (wf.parse_error) continue;
      std::string trigger = wf.has_trigger("pull_request_target") ? "pull_request_target"
                            : wf.has_trigger("workflow_run")      ? "workflow_run"
                                                                  : "";
      if (trigger.empty()) continue;
      for (const auto& job : wf.jobs) check_job(wf, job, trigger, out);
    }
  }

 private:
  void check_job(const WorkflowFile& wf, const Job& job, const std::string& trigger, std::vector<Finding>& out) const {
    for (std::size_t i = 0; i < job.steps.size(); ++i) {
      const Step& step = job.steps[i];
      int line = 0;
      std::string ref;
      if (is_checkout_action(step)) {
        for (const auto& [key, value] : step.with) {
          if (key != "ref" && key != "repository") continue;
          ref = pr_ref_in(value.value);
          if (!ref.empty()) {
            line = value.line;
            break;
          }
        }
      } else if (step.run) {
        line = run_checkout_line(wf, *step.run, ref);
      }
      if (line == 0) continue;
      Finding f;
      f.rule_id = info_.id;
      f.severity = "critical";
      f.message =
          str_cat({"Job '", job.id, "' of a `", trigger, "` workflow checks out pull-request-controlled code (`", ref,
                   "`) with the base repository's token and secrets"});
      f.file = wf.path;
      f.line = line;
      f.evidence = wf.line_text(line);
      f.remediation = info_.remediation;
      f.context = context_object("trigger", trigger, "job", job.id, "ref", ref);
      if (auto exec = later_execution(wf, job, i)) {
        f.message += ", then runs it (line " + std::to_string(exec->line) + ": `" + exec->text + "`)";
        f.context["executedAt"] = exec->line;
      }
      out.push_back(std::move(f));
    }
  }

  // `gh pr checkout`, or git fetch/checkout/switch of a PR ref inside a script.
  static int run_checkout_line(const WorkflowFile& wf, const Located& run, std::string& ref) {
    std::size_t start = 0;
    while (start <= run.value.size()) {
      std::size_t end = run.value.find('\n', start);
      if (end == std::string::npos) end = run.value.size();
      std::string_view l(run.value.data() + start, end - start);
      bool gh = l.find("gh pr checkout") != std::string_view::npos;
      bool git = l.find("git checkout") != std::string_view::npos || l.find("git fetch") != std::string_view::npos ||
                 l.find("git switch") != std::string_view::npos;
      std::string r = gh ? "gh pr checkout" : git ? pr_ref_in(l) : "";
      if (!r.empty()) {
        ref = r;
        return wf.line_of(run, start, l.substr(0, std::min<std::size_t>(l.size(), 40)));
      }
      if (end == run.value.size()) break;
      start = end + 1;
    }
    return 0;
  }

  struct Execution {
    std::string text;  // the trimmed source line
    int line = 0;
  };

  static std::optional<Execution> later_execution(const WorkflowFile& wf, const Job& job, std::size_t after) {
    for (std::size_t i = after + 1; i < job.steps.size(); ++i) {
      const Step& s = job.steps[i];
      if (!s.run) continue;
      for (auto cmd : kBuildCommands) {
        std::size_t p = s.run->value.find(cmd);
        if (p == std::string::npos) continue;
        int line = wf.line_of(*s.run, p, cmd);
        return Execution{wf.line_text(line), line};
      }
    }
    return std::nullopt;
  }

  RuleInfo info_;
};

}  // namespace

std::unique_ptr<Rule> make_md_103() {
  return std::make_unique<Md103>();
}

}  // namespace pm::engine::rules
