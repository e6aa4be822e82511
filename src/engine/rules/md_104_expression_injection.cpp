// MD-104: attacker-controllable `${{ }}` contexts expanded into scripts.
#include <array>
#include <string_view>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace {

// Fields an outsider writes (titles, bodies, branch names, commit messages).
constexpr std::array<std::string_view, 26> kTaintedFields = {
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.workflow_run.display_title",
};

// Whole objects that contain such fields (e.g. `toJSON(github.event.issue)`).
constexpr std::array<std::string_view, 10> kTaintedObjects = {
    "github.event",         "github.event.issue",          "github.event.pull_request", "github.event.comment",
    "github.event.review",  "github.event.review_comment", "github.event.discussion",   "github.event.head_commit",
    "github.event.commits", "github.event.workflow_run"};

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// `commits[0].message` -> `commits.*.message`, `event['issue']` -> `event.issue`.
std::string normalize_indexing(const std::string& expr) {
  std::string out;
  out.reserve(expr.size());
  for (std::size_t i = 0; i < expr.size(); ++i) {
    if (expr[i] != '[') {
      out.push_back(expr[i]);
      continue;
    }
    std::size_t close = expr.find(']', i);
    if (close == std::string::npos) {
      out.append(expr, i, std::string::npos);
      break;
    }
    std::string inner = expr.substr(i + 1, close - i - 1);
    if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') && inner.back() == inner.front()) {
      out += "." + inner.substr(1, inner.size() - 2);
    } else {
      out += ".*";
    }
    i = close;
  }
  return out;
}

bool contains_ref(const std::string& expr, std::string_view ref, bool whole_object) {
  for (std::size_t p = expr.find(ref); p != std::string::npos; p = expr.find(ref, p + 1)) {
    if (p > 0 && (ident_char(expr[p - 1]) || expr[p - 1] == '.')) continue;
    std::size_t after = p + ref.size();
    char next = after < expr.size() ? expr[after] : '\0';
    if (ident_char(next)) continue;
    if (whole_object && next == '.') continue;
    return true;
  }
  return false;
}

std::string tainted_ref(const std::string& normalized) {
  std::string expr = normalize_indexing(normalized);
  for (auto f : kTaintedFields) {
    if (contains_ref(expr, f, false)) return std::string(f);
  }
  for (auto o : kTaintedObjects) {
    if (contains_ref(expr, o, true)) return std::string(o);
  }
  return {};
}

class Md104 final : public Rule {
 public:
  Md104() {
    info_.id = "MD-104";
    info_.title = "Expression injection";
    info_.default_severity = "high";
    info_.description =
        "Attacker-controllable contexts (issue, pull request, comment, review, discussion and commit texts, branch "
        "names such as github.head_ref, workflow_run head branch and commit message, whole event objects) expanded "
        "with `${{ }}` inside a `run:` script or an actions/github-script `script:` input: the value is pasted into "
        "the code before it runs, so a crafted title or branch name executes as shell or JavaScript. One finding per "
        "occurrence, at its exact line inside multi-line scripts. Values passed through `env:` and read as \"$VAR\" "
        "are not flagged, nor are workflow_dispatch inputs.";
    info_.remediation =
        "Pass the value through an environment variable (`env: TITLE: ${{ github.event.pull_request.title }}`) and "
        "use it quoted in the script (\"$TITLE\"), or read it from context.payload in github-script; never expand "
        "untrusted contexts into code.";
  }

  const RuleInfo& info() const override { return info_; }

  void evaluate(const AnalysisInput& input, std::vector<Finding>& out) const override {
    for (const auto& wf : input.workflows) {
      if (wf.parse_error) continue;
      for (const auto& job : wf.jobs) {
        for (const auto& step : job.steps) {
          if (step.run) scan(wf, job, step, *step.run, "run script", out);
          if (step.uses && step.uses->value.rfind("actions/github-script@", 0) == 0) {
            for (const auto& [key, value] : step.with) {
              if (key == "script") scan(wf, job, step, value, "github-script script", out);
            }
          }
        }
      }
    }
  }

 private:
  void scan(const WorkflowFile& wf, const Job& job, const Step& step, const Located& code, const char* where,
            std::vector<Finding>& out) const {
    for (const auto& e : find_expressions(code.value)) {
      std::string ref = tainted_ref(e.normalized);
      if (ref.empty()) continue;
      Finding f;
      f.rule_id = info_.id;
      f.severity = "high";
      const std::string_view step_name = step.name ? std::string_view(step.name->value)
                                         : step.id ? std::string_view(step.id->value)
                                                   : std::string_view();
      const bool named = !step_name.empty();
      f.message = str_cat({"`", ref, "` is expanded into the ", where, named ? " of step '" : "", step_name,
                           named ? "'" : "", " in job '", job.id, "': an attacker-controlled value becomes code"});
      f.file = wf.path;
      f.line = wf.line_of(code, e.offset, e.raw);
      f.evidence = wf.line_text(f.line);
      f.remediation = info_.remediation;
      f.context = context_object("expression", e.raw, "context", ref, "job", job.id);
      out.push_back(std::move(f));
    }
  }

  RuleInfo info_;
};

}  // namespace

std::unique_ptr<Rule> make_md_104() {
  return std::make_unique<Md104>();
}

}  // namespace pm::engine::rules
