// MD-002: changes approved or merged without a human review.
#include <array>
#include <string_view>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_002 {
namespace {

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

struct Action {
  std::string_view name;  // what the job does, for the message; empty: nothing
  Confidence confidence = Confidence::kHigh;
};

// What a script line does to a pull request without review. A REST call is
// recognised by its path and verb, which other calls can share: medium.
Action autonomous_action(std::string_view l) {
  if (l.find("gh pr merge") != std::string_view::npos && (has_word(l, "--auto") || has_word(l, "--admin"))) {
    return {"runs `gh pr merge --auto/--admin`"};
  }
  if (l.find("gh pr review") != std::string_view::npos && (has_word(l, "--approve") || has_word(l, "-a"))) {
    return {"runs `gh pr review --approve`"};
  }
  if (l.find("gh api") != std::string_view::npos) {
    if (l.find("/merge") != std::string_view::npos && l.find("PUT") != std::string_view::npos) {
      return {"makes a merge API call", Confidence::kMedium};
    }
    if (l.find("/reviews") != std::string_view::npos && l.find("APPROVE") != std::string_view::npos) {
      return {"makes an approval API call", Confidence::kMedium};
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

constexpr std::string_view kTags[] = {"governance", "ai-agents", "review"};

constexpr RuleInfo kInfo{
    .id = "MD-002",
    .title = "Autonomy without review",
    .severity = Severity::kMedium,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "Workflows that approve or merge pull requests by themselves (`gh pr merge --auto/--admin`, `gh pr review "
        "--approve`, merge/approval REST calls through `gh api` (confidence medium), auto-approve and auto-merge "
        "actions such as hmarr/auto-approve-action or pascalgn/automerge-action) on events an agent or outsider "
        "controls (pull_request and the outsider-controlled triggers: pull_request_target, workflow_run, "
        "issue_comment, issues, pull_request_review(_comment), discussion(_comment)). In pull_request mode also: a "
        "change from an agent branch (`copilot/`, `agent/`) or a bot author (`[bot]`) while the branch protection "
        "snapshot requires no approving review (no snapshot, required_pull_request_reviews absent, or "
        "required_approving_review_count 0).",
    .not_reported =
        "Jobs that run in an `environment:` (assumed to require reviewers), and jobs or steps whose `if:` tests an "
        "approval (e.g. `github.event.review.state == 'approved'`): a human decided. Merges without --auto/--admin "
        "(they wait for the branch protection). Workflows only people with write access can start (push, "
        "schedule, workflow_dispatch).",
    .remediation =
        "Require at least one approving human review in branch protection for changes made by agents and bots, and "
        "do not let workflows approve or merge pull requests on their own; if automation must merge, put it behind "
        "an environment with required reviewers.",
    .adr_refs = {},
    .tags = kTags,
};

// An `if:` that runs the job or step only after someone approved.
bool approval_gate(const OptionalLocated& cond) {
  if (!cond) return false;
  return expr::tests(expr::parse_condition(cond->value),
                     [](std::string_view t) { return t.find("approv") != std::string_view::npos; });
}

const Located* controlled_trigger(const WorkflowFile& wf) {
  for (const auto& t : wf.triggers) {
    if (gha::agent_or_outsider_controlled(t.value)) return &t;
  }
  return nullptr;
}

class Md002 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_input(const AnalysisInput& input, FindingSink& out) const override { check_agent_change(input, out); }

  void visit_step(const StepNode& n, FindingSink& out) const override {
    const Job& job = n.job.job;
    const WorkflowFile& wf = n.file();
    Budget& budget = n.budget();
    if (job.environment || approval_gate(job.if_cond) || approval_gate(n.step.if_cond)) return;
    if (!budget.step(1 + wf.triggers.size())) return;
    const Located* trigger = controlled_trigger(wf);
    if (!trigger) return;
    const Step& step = n.step;
    if (step.uses && is_auto_merge_action(step.uses->value)) {
      FindingBuilder(kInfo)
          .at(wf, *step.uses)
          .related(wf, *trigger, "trigger")
          .message(str_cat({"Job '", job.id, "' approves or merges pull requests automatically with `",
                            step.uses->value, "` on `", trigger->value, "`, without a human review"}))
          .context(context_object("job", job.id, "trigger", trigger->value))
          .emit(out);
    }
    if (!step.run) return;
    const std::string_view v = step.run->value;
    // Every command autonomous_action recognises starts with `gh `.
    if (v.find("gh ") == std::string_view::npos) return;
    PositionCursor cursor(wf, *step.run);
    std::size_t start = 0;
    while (start < v.size()) {
      std::size_t end = v.find('\n', start);
      if (end == std::string_view::npos) end = v.size();
      if (!budget.step(1 + end - start)) return;
      const Action what = autonomous_action(v.substr(start, end - start));
      if (!what.name.empty()) {
        FindingBuilder(kInfo)
            .confidence(what.confidence)
            .at(wf, cursor.at(start))
            .related(wf, *trigger, "trigger")
            .message(str_cat({"Job '", job.id, "' ", what.name, " on `", trigger->value,
                              "`: pull requests are approved or merged without a human review"}))
            .context(context_object("job", job.id, "trigger", trigger->value))
            .emit(out);
      }
      start = end + 1;
    }
  }

 private:
  static void check_agent_change(const AnalysisInput& input, FindingSink& out) {
    if (input.mode != "pull_request" && input.mode != "issue") return;
    const std::string& branch = input.repository.branch;
    const bool agent_branch = branch.rfind("copilot/", 0) == 0 || branch.rfind("agent/", 0) == 0;
    const std::string author = input.author.value_or("");
    const bool bot = author.size() >= 5 && author.compare(author.size() - 5, 5, "[bot]") == 0;
    if ((!agent_branch && !bot) || requires_review(input.branch_protection)) return;
    const std::string who = agent_branch ? "agent branch `" + branch + "`" : "bot author `" + author + "`";
    FindingBuilder(kInfo)
        .in_file("", agent_branch ? "branch: " + branch : "author: " + author)
        .message("Change from " + who + " while branch protection requires no approving review" +
                 (input.branch_protection ? "" : " (no branch protection snapshot)") +
                 ": it can merge without a human looking at it")
        .context(context_object("branch", branch, "author", author, "requiresReview", true))
        .emit(out);
  }
};

}  // namespace
}  // namespace md_002

std::unique_ptr<Rule> make_md_002() {
  return std::make_unique<md_002::Md002>();
}

}  // namespace pm::engine::rules
