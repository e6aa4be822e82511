// MD-105: actions, reusable workflows and container images not pinned to an
// immutable commit SHA / image digest.
#include <string_view>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace {

bool is_full_sha(std::string_view ref) {
  if (ref.size() != 40) return false;
  for (char c : ref) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

bool first_party(std::string_view uses) {
  return uses.rfind("actions/", 0) == 0 || uses.rfind("github/", 0) == 0;
}

class Md105 final : public Rule {
 public:
  Md105() {
    info_.id = "MD-105";
    info_.title = "Unpinned action or container";
    info_.default_severity = "medium";
    info_.description =
        "`uses:` of an action or reusable workflow whose ref is not a full 40-hex commit SHA (a tag or branch can be "
        "moved to different code), and `docker://` actions, job `container:` and `services:` images without an "
        "`@sha256:` digest. GitHub's own `actions/*` and `github/*` are still reported, with severity low; local "
        "`./path` actions and reusable workflows are never reported; images given by an expression are skipped.";
    info_.remediation =
        "Pin to the full commit SHA and keep the tag in a comment (`uses: owner/action@<40-hex sha> # v4.1.1`), pin "
        "images by digest (`image@sha256:...`), and let Dependabot or Renovate update the pins.";
  }

  const RuleInfo& info() const override { return info_; }

  void evaluate(const AnalysisInput& input, std::vector<Finding>& out) const override {
    for (const auto& wf : input.workflows) {
      if (wf.parse_error) continue;
      for (const auto& job : wf.jobs) {
        if (job.uses) check_uses(wf, *job.uses, "reusable workflow", out);
        if (job.container_image) check_image(wf, *job.container_image, "container image", out);
        for (const auto& img : job.services_images) check_image(wf, img, "service image", out);
        for (const auto& step : job.steps) {
          if (step.uses) check_uses(wf, *step.uses, "action", out);
        }
      }
    }
  }

 private:
  void add(const WorkflowFile& wf, const Located& at, std::string severity, std::string message,
           std::vector<Finding>& out) const {
    Finding f;
    f.rule_id = info_.id;
    f.severity = std::move(severity);
    f.message = std::move(message);
    f.file = wf.path;
    f.line = at.line;
    f.evidence = wf.line_text(at.line);
    f.remediation = info_.remediation;
    f.context = context_object("reference", at.value);
    out.push_back(std::move(f));
  }

  void check_uses(const WorkflowFile& wf, const Located& uses, const char* what, std::vector<Finding>& out) const {
    std::string_view v = uses.value;
    if (v.empty() || v.rfind("./", 0) == 0 || v.find("${{") != std::string_view::npos) return;
    if (v.rfind("docker://", 0) == 0) {
      check_image(wf, uses, "docker action image", out);
      return;
    }
    auto at = v.rfind('@');
    std::string_view ref = at == std::string_view::npos ? std::string_view() : v.substr(at + 1);
    if (is_full_sha(ref)) return;
    const std::string_view target = at == std::string_view::npos ? v : v.substr(0, at);
    const bool github = first_party(v);
    add(wf, uses, github ? "low" : "medium",
        str_cat({what, " `", target, "` is ", ref.empty() ? "used without a ref" : "pinned to `", ref,
                 ref.empty() ? "" : "`", ", not to a full commit SHA",
                 github ? " (GitHub first-party action: lower risk)"
                        : ": whoever controls that repository controls this workflow"}),
        out);
  }

  void check_image(const WorkflowFile& wf, const Located& image, const char* what, std::vector<Finding>& out) const {
    std::string_view v = image.value;
    if (v.empty() || v.find("${{") != std::string_view::npos || v.find("@sha256:") != std::string_view::npos) return;
    if (v.rfind("docker://", 0) == 0) v.remove_prefix(9);
    add(wf, image, "medium", str_cat({what, " `", v, "` is not pinned to an `@sha256:` digest"}), out);
  }

  RuleInfo info_;
};

}  // namespace

std::unique_ptr<Rule> make_md_105() {
  return std::make_unique<Md105>();
}

}  // namespace pm::engine::rules
