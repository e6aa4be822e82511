// MD-107: actions/checkout leaving the job's token on disk, where a later
// step can publish it (an artifact of the workspace with its .git).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_107 {
namespace {

constexpr std::string_view kTags[] = {"security", "credentials"};

constexpr RuleInfo kInfo{
    .id = "MD-107",
    .title = "Checkout credentials persisted",
    .severity = Severity::kMedium,
    .confidence = Confidence::kLow,
    .persona = Persona::kRegular,
    .description =
        "An actions/checkout step without `persist-credentials: false` writes the job's token to disk for later "
        "git commands (before v6 into the workspace's `.git/config`, from v6 under the runner's temporary "
        "directory), where every later step can read it. Reported high (confidence high) when a later "
        "actions/upload-artifact step of the same job uploads the workspace root (`.`, `./`, `..`, "
        "`${{ github.workspace }}`) or `.git` together with hidden files (`include-hidden-files: true`, or a "
        "version before 4.4, which uploaded them by default; confidence medium when the version cannot be read) "
        "and the checkout is older than v6: the token is then published in the artifact. Otherwise medium with "
        "confidence low (low severity from v6) in the "
        "pedantic persona: a hardening finding, whether the token leaks depends on what later steps do.",
    .not_reported =
        "Checkouts with `persist-credentials: false`; uploads of other paths, and workspace uploads that leave "
        "hidden files out (upload-artifact 4.4 and later by default). An explicit `persist-credentials: true` is "
        "taken as intended (a later step pushes) and reported only in the auditor persona. A checkout of the pull "
        "request's head in a `pull_request_target` or `workflow_run` workflow is MD-103's (critical), whose "
        "remediation includes `persist-credentials: false`.",
    .remediation =
        "Set `persist-credentials: false` on actions/checkout unless a later step of the job runs authenticated git "
        "commands; upload only the build output, never the workspace root with hidden files.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4    # the token is written to .git/config\n"
        "      - run: make dist\n"
        "      - uses: actions/upload-artifact@v4\n"
        "        with:\n"
        "          path: .\n"
        "          include-hidden-files: true  # .git/config is uploaded with it\n",
};

// actions/checkout v6 keeps the credential under $RUNNER_TEMP, outside the workspace.
constexpr int kCheckoutOutsideWorkspace = 6;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

const Located* input(const Step& s, std::string_view name) {
  for (const auto& [k, v] : s.with) {
    if (k == name) return &v;
  }
  return nullptr;
}

bool is_false(const Located* v) {
  return v != nullptr && lower(trim(v->value)) == "false";
}

bool is_true(const Located* v) {
  return v != nullptr && lower(trim(v->value)) == "true";
}

// One entry of an upload's `path:` that takes in the whole workspace or its .git.
bool workspace_entry(std::string_view entry) {
  while (entry.size() > 1 && entry.back() == '/') entry.remove_suffix(1);
  if (entry == "." || entry == ".." || entry == ".git" || entry == "./.git" || entry.ends_with("/.git")) return true;
  const auto ts = expr::templates(entry);
  if (ts.size() != 1 || ts[0].offset != 0 || ts[0].length != entry.size()) return false;
  const expr::Parsed p = expr::parse(ts[0].inner);
  if (!p.ok()) return false;
  const auto reads = expr::contexts(*p.expression);
  return reads.size() == 1 && reads[0].path == "github.workspace" && reads[0].flows;
}

enum class Upload : std::uint8_t { kNone, kHiddenIncluded, kVersionUnknown };

// Whether an upload-artifact step publishes the workspace's hidden files.
Upload uploads_workspace(const WorkflowFile& wf, const Step& s, Budget& budget) {
  if (!gha::uses_action(s, "actions/upload-artifact")) return Upload::kNone;
  const Located* path = input(s, "path");
  if (path == nullptr || !budget.step(path->value.size())) return Upload::kNone;
  bool workspace = false;
  std::string_view rest = path->value;
  while (!rest.empty() && !workspace) {
    const std::size_t nl = rest.find('\n');
    const std::string_view entry = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!entry.starts_with('!')) workspace = workspace_entry(entry);
  }
  if (!workspace) return Upload::kNone;
  const Located* hidden = input(s, "include-hidden-files");
  if (is_true(hidden)) return Upload::kHiddenIncluded;
  if (is_false(hidden)) return Upload::kNone;
  // 4.4 stopped uploading hidden files unless asked.
  const auto v = gha::action_version(wf, s);
  if (!v) return Upload::kVersionUnknown;
  return v->major < 4 || (v->major == 4 && v->minor < 4) ? Upload::kHiddenIncluded : Upload::kNone;
}

class Md107 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    if (!out.budget().step(1 + n.file().triggers.size())) return;
    check(n.file(), n.job, gha::privileged_trigger(n.file()), out);
  }

  void visit_action(const WorkflowNode& n, FindingSink& out) const override {
    if (n.kind != gha::Kind::kCompositeAction) return;
    for (const auto& job : n.file.jobs) check(n.file, job, nullptr, out);
  }

 private:
  // Each step is one unit of the budget and each later step one more per
  // checkout (the uploads looked for), its inputs their count.
  static void check(const WorkflowFile& wf, const Job& job, const Located* privileged, FindingSink& out) {
    Budget& budget = out.budget();
    for (std::size_t i = 0; i < job.steps.size(); ++i) {
      const Step& s = job.steps[i];
      if (!budget.step(1 + s.with.size())) return;
      if (!gha::uses_action(s, "actions/checkout")) continue;
      const Located* persist = input(s, "persist-credentials");
      if (is_false(persist)) continue;
      // MD-103 reports it, critical.
      if (privileged && gha::pull_request_checkout(wf, s, budget)) continue;
      if (budget.stopped()) return;
      const auto version = gha::action_version(wf, s);
      const bool outside_workspace = version && version->major >= kCheckoutOutsideWorkspace;
      const std::string where = wf.is_action ? std::string("this action") : str_cat({"job '", job.id, "'"});
      FindingBuilder b(kInfo);
      b.at(wf, *s.uses);
      if (is_true(persist)) b.persona(Persona::kAuditor);
      const Step* upload = nullptr;
      Upload kind = Upload::kNone;
      for (std::size_t j = i + 1; j < job.steps.size() && !outside_workspace && !upload; ++j) {
        if (!budget.step(1 + job.steps[j].with.size())) return;
        kind = uploads_workspace(wf, job.steps[j], budget);
        if (kind != Upload::kNone) upload = &job.steps[j];
      }
      if (budget.stopped()) return;
      if (upload) {
        b.severity(Severity::kHigh)
            .confidence(kind == Upload::kHiddenIncluded ? Confidence::kHigh : Confidence::kMedium)
            .related(wf, *upload->uses, "uploads the workspace with its .git directory")
            .message(str_cat({"actions/checkout in ", where, " leaves the token in .git/config and line ",
                              std::to_string(upload->uses->line),
                              " uploads the workspace with hidden files: the artifact carries the token"}))
            .context(context_object("job", job.id, "kind", "artifact"));
      } else {
        if (!is_true(persist)) b.persona(Persona::kPedantic);
        b.severity(outside_workspace ? Severity::kLow : Severity::kMedium)
            .message(str_cat({"actions/checkout in ", where,
                              " does not set `persist-credentials: false`: the token stays on disk for every later "
                              "step of the job"}))
            .context(context_object("job", job.id, "kind", "persisted"));
      }
      b.emit(out);
    }
  }
};

}  // namespace
}  // namespace md_107

std::unique_ptr<Rule> make_md_107() {
  return std::make_unique<md_107::Md107>();
}

}  // namespace pm::engine::rules
