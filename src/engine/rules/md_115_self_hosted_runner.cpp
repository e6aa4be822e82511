// MD-115: jobs on self-hosted runners, above all in workflows outsiders can
// start.
#include <optional>
#include <string>
#include <string_view>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_115 {
namespace {

constexpr std::string_view kTags[] = {"security", "runners"};

constexpr RuleInfo kInfo{
    .id = "MD-115",
    .title = "Self-hosted runner",
    .severity = Severity::kHigh,
    .confidence = Confidence::kMedium,
    .persona = Persona::kPedantic,
    .description =
        "A job that runs on a self-hosted runner (`runs-on` with the `self-hosted` label, directly or through a "
        "matrix value; a runner `group:`, which may also be GitHub's larger runners, with confidence low). A "
        "self-hosted runner keeps what a job leaves behind — files, processes, credentials on disk — for the next "
        "job, and sits inside the owner's network. In a workflow a fork's pull request or another outsider can start "
        "(`pull_request`, `pull_request_target`, `issue_comment`, ...) that is code execution on the owner's machine "
        "for anyone: high, confidence medium (a private repository, fork-approval settings or ephemeral runners, "
        "which the files do not show, may prevent it), pedantic. Anywhere else: low, auditor, an inventory of where "
        "self-hosted runners are used.",
    .not_reported =
        "GitHub-hosted labels (`ubuntu-latest`, `windows-2022`, `macos-14`, larger-runner names without a group), "
        "`runs-on` given by an expression that is not a matrix value, and reusable workflow calls (their callee "
        "decides).",
    .remediation =
        "Run jobs of workflows outsiders can start on GitHub-hosted runners; where a self-hosted runner is needed, "
        "use ephemeral (just-in-time) runners, require approval for workflow runs of all outside contributors, and "
        "keep the runner group to private repositories.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "on: pull_request\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: [self-hosted, linux]   # a fork's pull request runs on this machine\n"
        "    steps:\n"
        "      - run: make test\n",
};

bool self_hosted_label(std::string_view label) {
  static constexpr std::string_view kLabel = "self-hosted";
  if (label.size() != kLabel.size()) return false;
  for (std::size_t i = 0; i < label.size(); ++i) {
    const char c = label[i] >= 'A' && label[i] <= 'Z' ? static_cast<char>(label[i] - 'A' + 'a') : label[i];
    if (c != kLabel[i]) return false;
  }
  return true;
}

struct Runner {
  const Located* at = nullptr;  // the label, matrix value or group that says so
  bool certain = true;          // the self-hosted label, not only a runner group
};

// Where a job's runs-on names a self-hosted runner (nullopt once the budget
// has stopped).
std::optional<Runner> self_hosted(const Job& job, Budget& budget) {
  for (const auto& label : job.runs_on) {
    if (!budget.step(1 + label.value.size())) return std::nullopt;
    if (self_hosted_label(label.value)) return Runner{&label, true};
    if (!job.matrix) continue;
    for (const auto& t : expr::templates(label.value)) {
      if (!budget.step(t.length)) return std::nullopt;
      const expr::Parsed p = expr::parse(t.inner);
      if (!p.ok()) continue;
      for (const auto& r : expr::contexts(*p.expression)) {
        if (!r.path.starts_with("matrix.")) continue;
        const std::string_view key = std::string_view(r.path).substr(7);
        for (const auto& mv : job.matrix->values) {
          if (!budget.step(1 + mv.key.size())) return std::nullopt;
          std::string k(mv.key);
          for (char& c : k) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
          if (k == key && self_hosted_label(mv.value.value)) return Runner{&mv.value, true};
        }
      }
    }
  }
  if (job.runner_group) return Runner{&*job.runner_group, false};
  return std::nullopt;
}

class Md115 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    if (n.job.uses) return;
    const auto runner = self_hosted(n.job, out.budget());
    if (!runner || !out.budget().step(1 + n.file().triggers.size())) return;
    const WorkflowFile& wf = n.file();
    const Located* outsider = nullptr;
    for (const auto& t : wf.triggers) {
      if (gha::agent_or_outsider_controlled(t.value)) {
        outsider = &t;
        break;
      }
    }
    const std::string what = runner->certain
                                 ? "a self-hosted runner"
                                 : "runner group `" + std::string(runner->at->value) + "`, which may be self-hosted";
    FindingBuilder b(kInfo);
    b.at(wf, *runner->at).context(context_object("job", n.job.id, "runner", std::string(runner->at->value)));
    if (outsider) {
      b.confidence(runner->certain ? Confidence::kMedium : Confidence::kLow)
          .related(wf, *outsider, str_cat({"the `", outsider->value, "` trigger"}))
          .message(str_cat({"Job '", n.job.id, "' runs on ", what, " in a `", outsider->value,
                            "` workflow: whoever starts it runs code on a machine that keeps state between jobs"}));
    } else {
      b.severity(Severity::kLow)
          .confidence(runner->certain ? Confidence::kHigh : Confidence::kLow)
          .persona(Persona::kAuditor)
          .message(str_cat({"Job '", n.job.id, "' runs on ", what}));
    }
    b.emit(out);
  }
};

}  // namespace
}  // namespace md_115

std::unique_ptr<Rule> make_md_115() {
  return std::make_unique<md_115::Md115>();
}

}  // namespace pm::engine::rules
