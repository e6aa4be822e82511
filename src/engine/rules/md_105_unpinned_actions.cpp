// MD-105: actions, reusable workflows and container images not pinned to an
// immutable commit SHA / image digest.
#include <string>
#include <string_view>

#include "engine/expr/expr.hpp"
#include "engine/repo_config.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_105 {
namespace {

constexpr std::string_view kTags[] = {"security", "supply-chain"};

constexpr RuleInfo kInfo{
    .id = "MD-105",
    .title = "Unpinned action or container",
    .severity = Severity::kMedium,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "`uses:` of an action or reusable workflow whose ref is not a full 40-hex commit SHA (a tag or branch can be "
        "moved to different code; medium), or that has no ref at all; container images — job `container:`, "
        "`services:`, `docker://` actions and steps — without an `@sha256:` digest: with no tag or `latest` "
        "(medium), with a tag only (medium, pedantic: a tag can be re-pushed, but is a deliberate version). Images "
        "given as `${{ matrix.<key> }}` (optionally with literal text around it) are expanded from the job's "
        "`strategy.matrix` lists and `include:` entries, and each value is checked at the line it is written, with "
        "the image's line as a related location. GitHub's own `actions/*`, `github/*` and `dependabot/*` pinned to "
        "a tag are reported with severity low in the pedantic persona. The repository config's pin policies "
        "(`rules.MD-105.config.policies`: `hash-pin`, `ref-pin` or `any` per `uses:` pattern, docs/suppressions.md) "
        "decide for the references they match: `ref-pin` and `any` accept a tag or branch, `hash-pin` asks a SHA "
        "of GitHub's own actions too (medium, regular persona).",
    .not_reported =
        "Local (`./path`) and self-repository (`$/path`) references: they run code from this repository at the "
        "same commit. First-party actions pinned to a tag in the regular persona (the established linters' default "
        "accepts them). Images or refs built from other expressions (a matrix from `fromJSON(...)`, a matrix value "
        "that is itself an expression, `${{ inputs.image }}`): their value is not in the file.",
    .remediation =
        "Pin to the full commit SHA and keep the tag in a comment (`uses: owner/action@<40-hex sha> # v4.1.1`), pin "
        "images by digest (`image@sha256:...`), and let Dependabot or Renovate update the pins.",
    .adr_refs = {},
    .tags = kTags,
};

// GitHub's own actions: the established linters' default accepts a tag.
bool first_party(std::string_view target) {
  return target.starts_with("actions/") || target.starts_with("github/") || target.starts_with("dependabot/");
}

// An image given as text around one `${{ matrix.<key> }}`: the key (lower
// case) and the text before and after it; empty key when the value has any
// other shape.
struct MatrixImage {
  std::string key;
  std::string_view before, after;
};

MatrixImage matrix_image(std::string_view value) {
  const auto ts = expr::templates(value);
  if (ts.size() != 1) return {};
  const expr::Parsed p = expr::parse(ts[0].inner);
  if (!p.ok()) return {};
  const expr::Expression& e = *p.expression;
  const auto reads = expr::contexts(e);
  // The whole expression must be the one context access (no call, no operator).
  if (reads.size() != 1 || reads[0].span.begin != e.root().span.begin || reads[0].span.end != e.root().span.end)
    return {};
  const std::string& path = reads[0].path;
  if (!path.starts_with("matrix.") || path.find('*') != std::string::npos) return {};
  return MatrixImage{path.substr(7), value.substr(0, ts[0].offset), value.substr(ts[0].offset + ts[0].length)};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

class Md105 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    const WorkflowFile& wf = n.file();
    const Job& job = n.job;
    if (job.uses) check_uses(n.workflow.input, wf, *job.uses, "reusable workflow", out);
    if (job.container_image) check_image(wf, job, *job.container_image, "container image", out);
    for (const auto& img : job.services_images) {
      if (!n.budget().step()) return;
      check_image(wf, job, img, "service image", out);
    }
  }

  void visit_action(const WorkflowNode& n, FindingSink& out) const override {
    for (const auto& job : n.file.jobs) {
      if (!n.budget.step()) return;
      if (job.container_image) check_image(n.file, job, *job.container_image, "docker action image", out);
    }
  }

  void visit_step(const StepNode& n, FindingSink& out) const override { check_step(n, out); }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { check_step(n, out); }

 private:
  void check_step(const StepNode& n, FindingSink& out) const {
    if (!n.step.uses) return;
    const gha::Uses u = gha::parse_uses(n.step.uses->value);
    if (u.kind == gha::UsesKind::kDocker) {
      check_image(n.file(), n.job.job, *n.step.uses, "docker action image", out);
    } else {
      check_uses(n.job.workflow.input, n.file(), *n.step.uses, "action", out);
    }
  }

  // The config's pin policy entry whose pattern matches `uses` best, nullptr
  // when the config has none for it (the rule's own defaults then apply).
  static const PinPolicyEntry* policy_entry(const AnalysisInput& input, std::string_view uses) {
    if (input.config == nullptr) return nullptr;
    const auto* pins = input.config->settings<PinningSettings>(kInfo.id);
    return pins != nullptr ? pins->entry_for(uses) : nullptr;
  }

  static void check_uses(const AnalysisInput& input, const WorkflowFile& wf, const Located& uses, std::string_view what,
                         FindingSink& out) {
    const gha::Uses u = gha::parse_uses(uses.value);
    if (u.kind != gha::UsesKind::kRepository || gha::is_commit_sha(u.ref)) return;
    const bool github = first_party(u.target);
    const PinPolicyEntry* policy = policy_entry(input, uses.value);
    // A ref is all that `ref-pin` and `any` ask; a missing ref is reported
    // whatever the policy (GitHub refuses `uses:` without one).
    if (policy != nullptr && policy->policy != PinPolicy::kHashPin && !u.ref.empty()) return;
    FindingBuilder b(kInfo);
    Json context = context_object("reference", uses.value);
    if (policy != nullptr) {
      context["policy"] =
          context_object("pattern", policy->pattern.text, "policy", to_string(policy->policy), "location",
                         str_cat({input.config->path, ":", std::to_string(policy->config_line)}));
    }
    b.at(wf, uses).context(std::move(context));
    if (u.ref.empty()) {
      b.message(
          str_cat({what, " `", u.target, "` is used without a ref, so it runs whatever its default branch holds"}));
    } else if (policy != nullptr) {
      b.message(
          str_cat({what, " `", u.target, "` is pinned to `", u.ref, "`, not to a commit SHA, which the pin policy `",
                   policy->pattern.text, ": hash-pin` of ", input.config->path, " asks for"}));
    } else if (github) {
      b.severity(Severity::kLow)
          .persona(Persona::kPedantic)
          .message(str_cat({"GitHub first-party ", what, " `", u.target, "` is pinned to `", u.ref,
                            "`, a tag or branch that can move, not to a commit SHA"}));
    } else {
      b.message(str_cat({what, " `", u.target, "` is pinned to `", u.ref,
                         "`, not to a commit SHA: whoever can move that tag or branch controls this code"}));
    }
    b.emit(out);
  }

  static void check_image(const WorkflowFile& wf, const Job& job, const Located& image, std::string_view what,
                          FindingSink& out) {
    std::string_view v = image.value;
    if (v.starts_with("docker://")) v.remove_prefix(9);
    if (v.empty()) return;
    if (v.find("${{") == std::string_view::npos) {
      report_image(wf, image, v, image.value, what, nullptr, out);
      return;
    }
    const MatrixImage m = matrix_image(v);
    if (m.key.empty() || !job.matrix || job.matrix->from_expression) return;
    Budget& budget = out.budget();
    for (const auto k : job.matrix->expression_keys) {
      if (!budget.step(1 + k.size())) return;
      if (lower(k) == m.key || k == "include") return;
    }
    for (const auto& mv : job.matrix->values) {
      if (!budget.step(1 + mv.key.size() + mv.value.value.size())) return;
      if (lower(mv.key) != m.key || mv.value.value.find("${{") != std::string_view::npos) continue;
      const std::string expanded = str_cat({m.before, mv.value.value, m.after});
      report_image(wf, mv.value, expanded, expanded, what, &image, out);
    }
  }

  // `at` is where the image text is written: the image itself, or the matrix
  // value it expands to (then `image` is the expression that expands it).
  static void report_image(const WorkflowFile& wf, const Located& at, std::string_view text, std::string_view reference,
                           std::string_view what, const Located* image, FindingSink& out) {
    const gha::Image img = gha::parse_image(text);
    if (!img.digest.empty()) return;
    const bool floating = img.tag.empty() || img.tag == "latest";
    FindingBuilder b(kInfo);
    b.at(wf, at).context(context_object("reference", reference));
    if (image) b.related(wf, *image, str_cat({"the ", what, " `", image->value, "` this matrix value expands"}));
    const std::string via = image ? str_cat({" (through `", image->value, "`)"}) : std::string();
    if (floating) {
      b.message(str_cat({what, " `", text, "`", via, img.tag.empty() ? " has no tag or digest" : " follows `latest`",
                         ": it runs whatever the registry serves at the time"}));
    } else {
      b.persona(Persona::kPedantic)
          .message(str_cat({what, " `", text, "`", via, " is pinned to a tag, not to an `@sha256:` digest"}));
    }
    b.emit(out);
  }
};

}  // namespace
}  // namespace md_105

std::unique_ptr<Rule> make_md_105() {
  return std::make_unique<md_105::Md105>();
}

}  // namespace pm::engine::rules
