// MD-101: GITHUB_TOKEN permissions broader than the jobs need (PRODUCT.md
// §4a). Without a policy ceiling it follows what established workflow linters
// report by default: `write-all`, `read-all`, write grants at workflow level
// that jobs inherit, and the default token where nothing is declared. Scoped
// grants at job level are least privilege and not reported. A policy file
// with `workflowPermissions` holds every level to its ceiling instead.
#include <string_view>
#include <vector>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_101 {
namespace {

constexpr std::string_view kTags[] = {"security", "least-privilege"};
constexpr std::string_view kAdrRefs[] = {"ADR-003"};

constexpr RuleInfo kInfo{
    .id = "MD-101",
    .title = "Excessive workflow permissions",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "GITHUB_TOKEN permissions broader than the jobs need. `permissions: write-all` (high; critical on an "
        "outsider-controlled trigger: pull_request_target, workflow_run, issue_comment, issues, discussion, "
        "discussion_comment, pull_request_review, pull_request_review_comment) and `read-all` (medium), at "
        "workflow or job level; a value GitHub does not define counts as write. Write grants at workflow level, "
        "which every job without its own `permissions:` inherits, with a severity by scope (contents, id-token, "
        "packages, pull-requests, actions, attestations, deployments, issues, pages: high; checks, "
        "security-events, discussions, repository-projects: medium; statuses: low). Workflow-level findings count "
        "in the regular persona only when the workflow has several jobs, not all of which declare their own "
        "permissions, and is not reusable-only; otherwise they are pedantic (a workflow-level `write-all` on an "
        "outsider-controlled trigger always counts). Jobs that run with the repository's default token because "
        "nothing is declared at either level: medium, high on an outsider-controlled trigger (confidence medium: "
        "the repository's default may be read-only), one finding for the workflow when no job declares any, else "
        "one per such job. With a policy file that sets `workflowPermissions`, every scope granted above its "
        "ceiling (unlisted scopes: read) is reported at any level (high), instead of the workflow-level scope "
        "findings.",
    .not_reported =
        "Scoped grants at job level without a policy ceiling (`id-token: write` for trusted publishing, "
        "`attestations: write` for provenance, `packages: write` to push an image, `pull-requests: write` in a bot "
        "job, `security-events: write` to upload scan results, the grants a caller gives a reusable workflow): they "
        "are the least-privilege remedy, and whether a job needs them cannot be seen from the workflow. Composite "
        "actions (they have no permissions of their own). The default token in reusable-only workflows except for "
        "the calls they make (the caller's token applies) — pedantic.",
    .remediation =
        "Declare `permissions:` explicitly with the least privilege each job needs (start from `contents: read` at "
        "workflow level), grant write scopes per job, never `write-all`; raise the ceiling in the policy file only "
        "for scopes the organisation allows.",
    .adr_refs = kAdrRefs,
    .tags = kTags,
};

std::string joined(const std::vector<std::string_view>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < 5; ++i) out.append(i ? ", " : "").append(ids[i]);
  if (ids.size() > 5) out.append(" and ").append(std::to_string(ids.size() - 5)).append(" more");
  return out;
}

// What a workflow's findings share.
struct Scope {
  const WorkflowFile& wf;
  const Policy& policy;
  const Located* outsider;
  bool reusable_only;
  std::vector<std::string_view> inheriting;  // jobs without permissions of their own
  Persona workflow_persona;

  bool strict() const { return policy.workflow_permissions_set; }
  std::string on_trigger() const {
    return outsider ? str_cat({" on the outsider-controlled trigger `", outsider->value, "`"}) : std::string();
  }
};

class Md101 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_workflow(const WorkflowNode& n, FindingSink& out) const override {
    const WorkflowFile& wf = n.file;
    if (n.kind != gha::Kind::kWorkflow && n.kind != gha::Kind::kReusableWorkflow) return;
    Scope s{wf, n.input.policy, n.outsider_trigger, n.kind == gha::Kind::kReusableWorkflow, {}, Persona::kRegular};
    if (!n.budget.step(wf.jobs.size())) return;
    for (const auto& job : wf.jobs) {
      if (!job.permissions.present) s.inheriting.push_back(job.id);
    }
    // A workflow-level grant matters beyond one job only when several jobs
    // inherit it; for a single job it is that job's grant (peers: pedantic).
    const bool shared = wf.jobs.size() > 1 && !s.inheriting.empty() && !s.reusable_only;
    s.workflow_persona = shared ? Persona::kRegular : Persona::kPedantic;

    if (wf.permissions.present) {
      check_block(s, wf.permissions, nullptr, out);
    } else {
      default_token(s, out);
    }
    for (const auto& job : wf.jobs) {
      if (!n.budget.step()) return;
      if (job.permissions.present) check_block(s, job.permissions, &job, out);
    }
  }

 private:
  // A declared `permissions:` block at workflow level (job == nullptr) or of a job.
  static void check_block(const Scope& s, const Permissions& p, const Job* job, FindingSink& out) {
    const Position key{p.line, p.column};
    // A job's own grant is the least persona's business unless the job only
    // runs inside someone else's call (a normal job of a reusable-only workflow).
    const Persona job_persona = job && s.reusable_only && !job->uses ? Persona::kPedantic : Persona::kRegular;
    switch (gha::shorthand_of(p)) {
      case gha::Shorthand::kWriteAll:
      case gha::Shorthand::kUnknown: {
        const bool defined = gha::shorthand_of(p) == gha::Shorthand::kWriteAll;
        const std::string what =
            defined
                ? "`permissions: write-all`"
                : str_cat({"`permissions: ", p.shorthand, "` (not a value GitHub defines, so it counts as write-all)"});
        std::string message = job ? str_cat({"Job '", job->id, "' runs with ", what, s.on_trigger(),
                                             ": every scope of its token can write"})
                                  : str_cat({what, " at workflow level gives ", inherited_by(s),
                                             " write access to every scope", s.on_trigger()});
        FindingBuilder b(kInfo);
        b.severity(s.outsider ? Severity::kCritical : Severity::kHigh)
            .persona(job          ? job_persona
                     : s.outsider ? Persona::kRegular
                                  : s.workflow_persona)
            .at(s.wf, key)
            .context(context_object("level", job ? "job" : "workflow", "permissions", p.shorthand));
        b.message(message).emit(out);
        return;
      }
      case gha::Shorthand::kReadAll:
        FindingBuilder(kInfo)
            .severity(Severity::kMedium)
            .persona(job ? job_persona : s.workflow_persona)
            .at(s.wf, key)
            .message(job ? str_cat({"Job '", job->id,
                                    "' runs with `permissions: read-all`: its token can read every "
                                    "scope, more than a job needs"})
                         : str_cat({"`permissions: read-all` at workflow level gives ", inherited_by(s),
                                    " read access to every scope, more than a job needs"}))
            .context(context_object("level", job ? "job" : "workflow", "permissions", "read-all"))
            .emit(out);
        return;
      case gha::Shorthand::kNone: break;
    }
    for (const auto& [scope, level] : p.scopes) {
      if (!out.budget().step(1 + s.inheriting.size())) return;
      if (s.strict()) {
        ceiling(s, scope, level, job, out);
      } else if (!job && gha::level_of(level.value) == gha::Level::kWrite) {
        workflow_write(s, scope, level, out);
      }
    }
  }

  static std::string inherited_by(const Scope& s) {
    if (s.inheriting.empty()) return "no job today (every job declares its own), but any job added later,";
    return s.inheriting.size() == 1 ? str_cat({"job '", s.inheriting[0], "'"})
                                    : str_cat({"the jobs ", joined(s.inheriting), ","});
  }

  static void workflow_write(const Scope& s, std::string_view scope, const Located& level, FindingSink& out) {
    const bool defined = gha::parse_level(level.value).has_value();
    std::string message = str_cat({"`", scope, ": ", level.value, "` at workflow level is inherited by "});
    if (s.inheriting.empty()) {
      message += "no job today (every job declares its own permissions), but by any job added later";
    } else if (s.wf.jobs.size() == 1) {
      message +=
          str_cat({"the only job, '", s.inheriting[0], "'; declared on the job it stays there when jobs are added"});
    } else {
      message += s.inheriting.size() == 1 ? str_cat({"job '", s.inheriting[0], "'"})
                                          : str_cat({"the jobs ", joined(s.inheriting)});
      message += "; grant it only in the job that needs it";
    }
    if (!defined) message += " (not a level GitHub defines, so it counts as write)";
    FindingBuilder b(kInfo);
    b.severity(gha::write_severity(scope))
        .persona(s.workflow_persona)
        .at(s.wf, level)
        .context(context_object("scope", scope, "level", level.value, "inheritedBy", s.inheriting));
    b.message(message).emit(out);
  }

  static void ceiling(const Scope& s, std::string_view scope, const Located& level, const Job* job, FindingSink& out) {
    const std::string ceiling = s.policy.permission_ceiling(scope);
    if (gha::level_of(level.value) <= gha::level_of(ceiling)) return;
    const std::string where = job ? str_cat({"job '", job->id, "'"}) : "workflow";
    FindingBuilder(kInfo)
        .severity(Severity::kHigh)
        .at(s.wf, level)
        .message(str_cat({"`", scope, ": ", level.value, "` at ", where, " level exceeds the policy ceiling `", ceiling,
                          "` for this scope (", s.policy.path, ")"}))
        .context(context_object("scope", scope, "level", level.value, "ceiling", ceiling))
        .emit(out);
  }

  // Jobs with no `permissions:` at either level run with the repository's
  // default token, which may be read-write.
  static void default_token(const Scope& s, FindingSink& out) {
    const Severity severity = s.outsider ? Severity::kHigh : Severity::kMedium;
    const WorkflowFile& wf = s.wf;
    if (s.inheriting.empty()) return;
    if (s.inheriting.size() == wf.jobs.size()) {
      FindingBuilder b(kInfo);
      b.severity(severity)
          .confidence(Confidence::kMedium)
          .persona(s.reusable_only ? Persona::kPedantic : Persona::kRegular);
      if (s.outsider) {
        b.at(wf, *s.outsider);
      } else {
        b.at(wf, Position{wf.on_line, 1});
      }
      b.message(str_cat({"No `permissions:` at any level", s.on_trigger(),
                         ": every job runs with the repository's default GITHUB_TOKEN, which may have write access"}))
          .context(s.outsider ? context_object("trigger", s.outsider->value) : context_object("jobs", s.inheriting))
          .emit(out);
      return;
    }
    for (const auto& job : wf.jobs) {
      if (!out.budget().step()) return;
      if (job.permissions.present) continue;
      FindingBuilder(kInfo)
          .severity(severity)
          .confidence(Confidence::kMedium)
          .persona(s.reusable_only && !job.uses ? Persona::kPedantic : Persona::kRegular)
          .at(wf, Position{job.line, job.column})
          .message(str_cat({"Job '", job.id, "' declares no `permissions:` (and the workflow none)", s.on_trigger(),
                            ": it runs with the default GITHUB_TOKEN, which may have write access"}))
          .context(s.outsider ? context_object("trigger", s.outsider->value, "job", job.id)
                              : context_object("job", job.id))
          .emit(out);
    }
  }
};

}  // namespace
}  // namespace md_101

std::unique_ptr<Rule> make_md_101() {
  return std::make_unique<md_101::Md101>();
}

}  // namespace pm::engine::rules
