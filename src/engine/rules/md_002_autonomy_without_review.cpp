// MD-002: changes approved or merged without a human review.
#include <array>
#include <string_view>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace {

// Events an agent or an outsider can cause.
constexpr std::array<std::string_view, 9> kControlledTriggers = {"pull_request",
                                                                 "pull_request_target",
                                                                 "issue_comment",
                                                                 "issues",
                                                                 "workflow_run",
                                                                 "pull_request_review",
                                                                 "pull_request_review_comment",
                                                                 "discussion",
                                                                 "discussion_comment"};

constexpr std::array<std::string_view, 7> kAutoMergeActions = {"hmarr/auto-approve-action",
                                                               "pascalgn/automerge-action",
                                                               "peter-evans/enable-pull-request-automerge",
                                                               "ahmadnassri/action-dependabot-auto-merge",
                                                               "fastify/github-action-merge-dependabot",
                                                               "juliangruber/approve-pull-request-action",
                                                               "reitermarkus/automerge"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_auto_merge_action(std::string_view uses) {
  std::string u = lower(uses.substr(0, uses.find('@')));
  for (auto a : kAutoMergeActions) {
    if (u == a) return true;
  }
  std::string name = u.substr(u.find('/') == std::string::npos ? 0 : u.find('/') + 1);
  return name.find("auto-approve") != std::string::npos || name.find("automerge") != std::string::npos ||
         name.find("auto-merge") != std::string::npos;
}

bool has_word(std::string_view line, std::string_view word) {
  for (std::size_t p = line.find(word); p != std::string_view::npos; p = line.find(word, p + 1)) {
    std::size_t e = p + word.size();
    if (e == line.size() || line[e] == ' ' || line[e] == '\t' || line[e] == '"' || line[e] == '\'' || line[e] == '=') {
      return true;
    }
  }
  return false;
}

// What a script line does to a pull request without review, "" if nothing.
std::string autonomous_action(std::string_view l) {
  if (l.find("gh pr merge") != std::string_view::npos && (has_word(l, "--auto") || has_word(l, "--admin"))) {
    return "gh pr merge --auto/--admin";
  }
  if (l.find("gh pr review") != std::string_view::npos && (has_word(l, "--approve") || has_word(l, "-a"))) {
    return "gh pr review --approve";
  }
  if (l.find("gh api") != std::string_view::npos) {
    if (l.find("/merge") != std::string_view::npos && l.find("PUT") != std::string_view::npos) return "merge API call";
    if (l.find("/reviews") != std::string_view::npos && l.find("APPROVE") != std::string_view::npos) {
      return "approval API call";
    }
  }
  return {};
}

// GitHub REST branch-protection snapshot: at least one required approval?
bool requires_review(const std::optional<Json>& protection) {
  if (!protection || !protection->is_object()) return false;
  auto it = protection->find("required_pull_request_reviews");
  if (it == protection->end() || !it->is_object()) return false;
  auto count = it->find("required_approving_review_count");
  if (count == it->end() || !count->is_number()) return true;  // reviews required, count not reported
  return count->get<double>() >= 1;
}

class Md002 final : public Rule {
 public:
  Md002() {
    info_.id = "MD-002";
    info_.title = "Autonomy without review";
    info_.default_severity = "medium";
    info_.description =
        "Workflows that approve or merge pull requests by themselves (`gh pr merge --auto/--admin`, `gh pr review "
        "--approve`, merge/approval REST calls through `gh api`, auto-approve and auto-merge actions such as "
        "hmarr/auto-approve-action or pascalgn/automerge-action) on events an agent or outsider controls "
        "(pull_request, pull_request_target, issue_comment, issues, workflow_run, pull_request_review(_comment), "
        "discussion(_comment)), unless the job runs in an `environment:` (assumed to require reviewers). In "
        "pull_request mode also: a change from an agent branch (`copilot/`, `agent/`) or a bot author (`[bot]`) "
        "while the branch protection snapshot requires no approving review (no snapshot, "
        "required_pull_request_reviews absent, or required_approving_review_count 0).";
    info_.remediation =
        "Require at least one approving human review in branch protection for changes made by agents and bots, and "
        "do not let workflows approve or merge pull requests on their own; if automation must merge, put it behind "
        "an environment with required reviewers.";
  }

  const RuleInfo& info() const override { return info_; }

  void evaluate(const AnalysisInput& input, std::vector<Finding>& out) const override {
    for (const auto& wf : input.workflows) {
      if (wf.parse_error) continue;
      std::string trigger;
      for (const auto& t : wf.triggers) {
        for (auto c : kControlledTriggers) {
          if (t.value == c) trigger = t.value;
        }
        if (!trigger.empty()) break;
      }
      if (trigger.empty()) continue;
      for (const auto& job : wf.jobs) {
        if (job.environment) continue;
        for (const auto& step : job.steps) check_step(wf, job, step, trigger, out);
      }
    }
    check_agent_change(input, out);
  }

 private:
  Finding make(std::string file, int line, std::string evidence, std::string message) const {
    Finding f;
    f.rule_id = info_.id;
    f.severity = "medium";
    f.message = std::move(message);
    f.file = std::move(file);
    f.line = line;
    f.evidence = std::move(evidence);
    f.remediation = info_.remediation;
    return f;
  }

  void check_step(const WorkflowFile& wf, const Job& job, const Step& step, const std::string& trigger,
                  std::vector<Finding>& out) const {
    if (step.uses && is_auto_merge_action(step.uses->value)) {
      Finding f = make(wf.path, step.uses->line, wf.line_text(step.uses->line),
                       str_cat({"Job '", job.id, "' approves or merges pull requests automatically with `",
                                step.uses->value, "` on `", trigger, "`, without a human review"}));
      f.context = context_object("job", job.id, "trigger", trigger);
      out.push_back(std::move(f));
    }
    if (!step.run) return;
    const std::string_view v = step.run->value;
    // Every command autonomous_action recognises starts with `gh `.
    if (v.find("gh ") == std::string::npos) return;
    std::size_t start = 0;
    while (start < v.size()) {
      std::size_t end = v.find('\n', start);
      if (end == std::string::npos) end = v.size();
      std::string_view l(v.data() + start, end - start);
      std::string what = autonomous_action(l);
      if (!what.empty()) {
        int line = wf.line_of(*step.run, start, l.substr(0, std::min<std::size_t>(l.size(), 40)));
        Finding f = make(wf.path, line, wf.line_text(line),
                         str_cat({"Job '", job.id, "' runs `", what, "` on `", trigger, "`",
                                  ": pull requests are approved or merged without a human review"}));
        f.context = context_object("job", job.id, "trigger", trigger);
        out.push_back(std::move(f));
      }
      start = end + 1;
    }
  }

  void check_agent_change(const AnalysisInput& input, std::vector<Finding>& out) const {
    if (input.mode != "pull_request" && input.mode != "issue") return;
    const std::string& branch = input.repository.branch;
    bool agent_branch = branch.rfind("copilot/", 0) == 0 || branch.rfind("agent/", 0) == 0;
    const std::string author = input.author.value_or("");
    bool bot = author.size() >= 5 && author.compare(author.size() - 5, 5, "[bot]") == 0;
    if ((!agent_branch && !bot) || requires_review(input.branch_protection)) return;
    std::string who = agent_branch ? "agent branch `" + branch + "`" : "bot author `" + author + "`";
    std::string evidence = agent_branch ? "branch: " + branch : "author: " + author;
    Finding f = make("", 0, evidence,
                     "Change from " + who + " while branch protection requires no approving review" +
                         (input.branch_protection ? "" : " (no branch protection snapshot)") +
                         ": it can merge without a human looking at it");
    f.context = context_object("branch", branch, "author", author, "requiresReview", true);
    out.push_back(std::move(f));
  }

  RuleInfo info_;
};

}  // namespace

std::unique_ptr<Rule> make_md_002() {
  return std::make_unique<Md002>();
}

}  // namespace pm::engine::rules
