// MD-101: excessive GITHUB_TOKEN permissions in workflows.
#include <algorithm>
#include <array>
#include <string_view>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace {

// Events whose payload (and often whose run) an outsider controls.
constexpr std::array<std::string_view, 8> kUntrustedTriggers = {
    "pull_request_target", "workflow_run",       "issue_comment",       "issues",
    "discussion",          "discussion_comment", "pull_request_review", "pull_request_review_comment"};

int rank(std::string_view level) {
  if (level == "write") return 2;
  if (level == "read") return 1;
  return 0;
}

class Md101 final : public Rule {
 public:
  Md101() {
    info_.id = "MD-101";
    info_.title = "Excessive workflow permissions";
    info_.default_severity = "high";
    info_.description =
        "Workflow GITHUB_TOKEN permissions broader than needed. Flags `permissions: write-all` at workflow or job "
        "level (critical when the workflow runs on an outsider-controlled trigger: pull_request_target, "
        "workflow_run, issue_comment, issues, discussion, discussion_comment, pull_request_review, "
        "pull_request_review_comment); any scope granted above the policy file's ceiling (workflowPermissions, "
        "default read for every scope; high); and, on such a trigger, jobs that run with the repository's default "
        "token because no `permissions:` is declared for them at any level (high). Job-level permissions replace "
        "the workflow-level ones for that job: a workflow-level write-all is reported at its own line even when "
        "every job restricts itself, and a job that declares its own restricted permissions is not reported.";
    info_.remediation =
        "Declare `permissions:` explicitly with the least privilege each job needs (start from `contents: read`), "
        "grant write scopes per job, never `write-all`; raise the ceiling in the policy file only for scopes the "
        "organisation allows.";
    info_.adr_refs = {"ADR-003"};
  }

  const RuleInfo& info() const override { return info_; }

  void evaluate(const AnalysisInput& input, std::vector<Finding>& out) const override {
    for (const auto& wf : input.workflows) {
      if (wf.parse_error || wf.is_composite_action) continue;
      const Located* untrusted = nullptr;
      for (const auto& t : wf.triggers) {
        if (std::find(kUntrustedTriggers.begin(), kUntrustedTriggers.end(), t.value) != kUntrustedTriggers.end()) {
          untrusted = &t;
          break;
        }
      }
      std::vector<std::string_view> inheriting;
      for (const auto& job : wf.jobs) {
        if (!job.permissions.present) inheriting.push_back(job.id);
      }
      check_level(input, wf, wf.permissions, "workflow", untrusted, &inheriting, out);
      for (const auto& job : wf.jobs) {
        check_level(input, wf, job.permissions, str_cat({"job '", job.id, "'"}), untrusted, nullptr, out);
      }
      if (untrusted && !wf.permissions.present && !inheriting.empty()) {
        report_default_token(wf, *untrusted, inheriting, out);
      }
    }
  }

 private:
  Finding make(const WorkflowFile& wf, int line, std::string severity, std::string message) const {
    Finding f;
    f.rule_id = info_.id;
    f.severity = std::move(severity);
    f.message = std::move(message);
    f.file = wf.path;
    f.line = line;
    f.evidence = wf.line_text(line);
    f.remediation = info_.remediation;
    f.adr_refs = info_.adr_refs;
    return f;
  }

  void check_level(const AnalysisInput& input, const WorkflowFile& wf, const Permissions& p, const std::string& where,
                   const Located* untrusted, const std::vector<std::string_view>* inheriting,
                   std::vector<Finding>& out) const {
    if (!p.present) return;
    if (p.shorthand == "write-all") {
      std::string msg =
          "`permissions: write-all` at " + where + " level grants the GITHUB_TOKEN write access to every scope";
      if (untrusted) msg += str_cat({" on the outsider-controlled trigger `", untrusted->value, "`"});
      if (inheriting) {
        if (inheriting->empty()) {
          msg += "; every job overrides it, but any job added later inherits it";
        } else {
          msg += "; inherited by job(s): ";
          for (std::size_t i = 0; i < inheriting->size(); ++i) msg.append(i ? ", " : "").append((*inheriting)[i]);
        }
      }
      Finding f = make(wf, p.line, untrusted ? "critical" : "high", std::move(msg));
      f.context = context_object("level", inheriting ? "workflow" : "job", "permissions", "write-all");
      out.push_back(std::move(f));
      return;
    }
    for (const auto& [scope, level] : p.scopes) {
      std::string ceiling = input.policy.permission_ceiling(scope);
      if (rank(level.value) <= rank(ceiling)) continue;
      std::string msg = str_cat({"`", scope, ": ", level.value, "` at ", where, " level exceeds the policy ceiling `",
                                 ceiling, "` for this scope"});
      if (!input.policy.loaded) msg += " (no policy file: every scope defaults to read)";
      Finding f = make(wf, level.line, "high", std::move(msg));
      f.context = context_object("scope", scope, "level", level.value, "ceiling", ceiling);
      out.push_back(std::move(f));
    }
  }

  void report_default_token(const WorkflowFile& wf, const Located& trigger,
                            const std::vector<std::string_view>& inheriting, std::vector<Finding>& out) const {
    if (inheriting.size() == wf.jobs.size()) {
      Finding f = make(wf, trigger.line, "high",
                       str_cat({"No `permissions:` at any level on a workflow triggered by `", trigger.value,
                                "`: every job runs with the repository's default GITHUB_TOKEN, which may have write "
                                "access"}));
      f.context = context_object("trigger", trigger.value);
      out.push_back(std::move(f));
      return;
    }
    for (const auto& job : wf.jobs) {
      if (job.permissions.present) continue;
      Finding f = make(
          wf, job.line, "high",
          str_cat({"Job '", job.id, "' declares no `permissions:` (and the workflow none) on a workflow triggered by `",
                   trigger.value, "`: it runs with the default GITHUB_TOKEN, which may have write access"}));
      f.context = context_object("trigger", trigger.value, "job", job.id);
      out.push_back(std::move(f));
    }
  }

  RuleInfo info_;
};

}  // namespace

std::unique_ptr<Rule> make_md_101() {
  return std::make_unique<Md101>();
}

}  // namespace pm::engine::rules
