// MD-113: ACTIONS_ALLOW_UNSECURE_COMMANDS turning the retired set-env and
// add-path workflow commands back on.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_113 {
namespace {

constexpr std::string_view kTags[] = {"security", "injection"};

constexpr RuleInfo kInfo{
    .id = "MD-113",
    .title = "Insecure workflow commands enabled",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "`ACTIONS_ALLOW_UNSECURE_COMMANDS` set to anything but false in an `env:` of the workflow, a job, a step, "
        "or a composite action. It turns the `::set-env::` and `::add-path::` workflow commands back on, which "
        "GitHub retired in 2020 because any text a step prints — a test's output, a log of a pull request's "
        "title — can then set environment variables (`LD_PRELOAD`, `NODE_OPTIONS`) or the PATH of every later "
        "step. Confidence medium when the value is an expression.",
    .not_reported = "The variable set to `false`, `0` or the empty string.",
    .remediation =
        "Remove `ACTIONS_ALLOW_UNSECURE_COMMANDS` and write to the environment files instead (`echo \"NAME=value\" "
        ">> \"$GITHUB_ENV\"`, `echo \"$DIR\" >> \"$GITHUB_PATH\"`); update actions that still print set-env or "
        "add-path.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    env:\n"
        "      ACTIONS_ALLOW_UNSECURE_COMMANDS: true   # any printed line can set variables\n"
        "    steps:\n"
        "      - run: echo \"::add-path::$HOME/tools\"\n",
};

constexpr std::string_view kVariable = "ACTIONS_ALLOW_UNSECURE_COMMANDS";
constexpr std::string_view kEffect =
    " turns the set-env and add-path workflow commands back on: any line a step prints can set environment "
    "variables or the PATH of later steps";

std::string lower_trimmed(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r\n");
  s = b == std::string_view::npos ? std::string_view() : s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

class Md113 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_workflow(const WorkflowNode& n, FindingSink& out) const override {
    check(n.file, n.file.env, "the workflow", out);
  }

  void visit_action(const WorkflowNode& n, FindingSink& out) const override {
    for (const auto& job : n.file.jobs) {
      if (!out.budget().step(1)) return;
      check(n.file, job.env, "this action", out);
    }
  }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    check(n.file(), n.job.env, str_cat({"job '", n.job.id, "'"}), out);
  }

  void visit_step(const StepNode& n, FindingSink& out) const override { step(n, out); }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { step(n, out); }

 private:
  static void step(const StepNode& n, FindingSink& out) {
    const Step& s = n.step;
    const std::string_view name = s.name ? s.name->value : s.id ? s.id->value : std::string_view();
    const std::string owner = n.file().is_action ? std::string("this action") : str_cat({"job '", n.job.job.id, "'"});
    check(n.file(), s.env, name.empty() ? str_cat({"a step of ", owner}) : str_cat({"step '", name, "' of ", owner}),
          out);
  }

  static void check(const WorkflowFile& wf, const std::vector<std::pair<std::string_view, Located>>& env,
                    const std::string& where, FindingSink& out) {
    Budget& budget = out.budget();
    for (const auto& [key, value] : env) {
      if (!budget.step(1 + key.size())) return;
      if (lower_trimmed(key) != lower_trimmed(kVariable)) continue;
      if (!budget.step(value.value.size())) return;
      const std::string v = lower_trimmed(value.value);
      if (v == "false" || v == "0" || v.empty()) continue;
      const bool expression = !expr::templates(value.value).empty();
      FindingBuilder(kInfo)
          .confidence(expression ? Confidence::kMedium : Confidence::kHigh)
          .at(wf, value)
          .message(str_cat({"`", kVariable, "` in the env of ", where, kEffect}))
          .context(context_object("value", std::string(value.value)))
          .emit(out);
    }
  }
};

}  // namespace
}  // namespace md_113

std::unique_ptr<Rule> make_md_113() {
  return std::make_unique<md_113::Md113>();
}

}  // namespace pm::engine::rules
