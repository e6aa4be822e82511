// MD-109: parts of a secret, taken out with fromJSON, that the runner's log
// redaction does not know.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_109 {
namespace {

constexpr std::string_view kTags[] = {"security", "secrets"};

constexpr RuleInfo kInfo{
    .id = "MD-109",
    .title = "Secret values that escape log redaction",
    .severity = Severity::kMedium,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "A secret parsed as JSON and a part of it handed on: `${{ fromJSON(secrets.DEPLOY).password }}`, "
        "`fromJSON(secrets.CONFIG)['token']`, in a `run:` script, a `with:` input, an `env:` value (workflow, job or "
        "step) or a reusable call's `secrets:`. The runner masks the exact strings of the secrets a job uses; a "
        "field inside a JSON secret is a different string, so it is printed in clear wherever it is logged "
        "(confidence high). The parsed secret handed on whole (`fromJSON(secrets.VALUE)`, which strips a JSON "
        "string's quotes) is reported with confidence medium.",
    .not_reported =
        "Secrets used by name (`secrets.NAME`, masked), and parsed secrets only compared or tested "
        "(`fromJSON(secrets.FLAGS).enabled == true` gives a boolean). The whole secrets context handed over "
        "(`toJSON(secrets)`, `secrets[name]`) is MD-106.",
    .remediation =
        "Store each value the workflow needs as a secret of its own (`secrets.DEPLOY_USER`, "
        "`secrets.DEPLOY_PASSWORD`) instead of one JSON secret; if the JSON cannot be split, register the extracted "
        "value with `echo \"::add-mask::$VALUE\"` before anything can print it.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "jobs:\n"
        "  deploy:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: ./deploy.sh\n"
        "        env:\n"
        "          PASSWORD: ${{ fromJSON(secrets.DEPLOY).password }}  # not masked in the log\n",
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto l = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (l(a[i]) != l(b[i])) return false;
  }
  return true;
}

// A fromJSON over a secret whose result reaches the expression's value.
struct Unredacted {
  std::string secret;  // secrets.NAME
  bool part = false;   // a field or element of it, not the parsed value itself
};

std::optional<Unredacted> unredacted(const expr::Expression& e) {
  const std::vector<bool> flows = expr::flowing_nodes(e);
  std::vector<bool> accessed(e.size(), false);  // an access (member, index) takes something out of the node
  for (std::uint32_t i = 0; i < e.size(); ++i) {
    const expr::Node& x = e.node(i);
    if (x.kind == expr::NodeKind::kMember || x.kind == expr::NodeKind::kIndex || x.kind == expr::NodeKind::kStar) {
      accessed[x.first] = true;
    }
  }
  for (std::uint32_t i = 0; i < e.size(); ++i) {
    const expr::Node& x = e.node(i);
    if (x.kind != expr::NodeKind::kCall || !flows[i] || !iequals(e.slice(x.name), "fromjson")) continue;
    if (x.first == expr::kNoNode) continue;
    // The argument: an access chain on the secrets context (secrets.NAME, secrets['NAME']).
    std::uint32_t k = x.first;
    while (e.node(k).kind == expr::NodeKind::kMember || e.node(k).kind == expr::NodeKind::kIndex) k = e.node(k).first;
    const expr::Node& root = e.node(k);
    if (k == x.first || root.kind != expr::NodeKind::kContext || !iequals(e.slice(root.name), "secrets")) continue;
    return Unredacted{std::string(e.slice(e.node(x.first).span)), accessed[i]};
  }
  return std::nullopt;
}

class Md109 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_workflow(const WorkflowNode& n, FindingSink& out) const override {
    scan_map(n.file, n.file.env, "the workflow env", out);
  }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    scan_map(n.file(), n.job.env, "a job env", out);
    scan_map(n.file(), n.job.secrets, "the secrets of a reusable workflow call", out);
  }

  void visit_step(const StepNode& n, FindingSink& out) const override { scan_step(n, out); }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { scan_step(n, out); }

 private:
  static void scan_step(const StepNode& n, FindingSink& out) {
    const WorkflowFile& wf = n.file();
    if (n.step.run) scan(wf, *n.step.run, "a run script", out);
    scan_map(wf, n.step.with, "an action input", out);
    scan_map(wf, n.step.env, "a step env", out);
  }

  static void scan(const WorkflowFile& wf, const Located& value, const char* where, FindingSink& out) {
    Budget& budget = out.budget();
    if (!budget.step(1 + value.value.size())) return;
    std::optional<PositionCursor> cursor;
    for (const auto& t : expr::templates(value.value)) {
      if (!budget.step(t.length)) return;
      const expr::Parsed p = expr::parse(t.inner);
      if (!p.ok()) continue;
      const auto u = unredacted(*p.expression);
      if (!u) continue;
      if (!cursor) cursor.emplace(wf, value);
      const std::string raw(value.value.substr(t.offset, t.length));
      FindingBuilder(kInfo)
          .confidence(u->part ? Confidence::kHigh : Confidence::kMedium)
          .at(wf, cursor->at(t.offset))
          .message(str_cat({"`", raw, "` hands on ", u->part ? "a part of " : "the parsed value of ", "`", u->secret,
                            "` in ", where, ": the runner does not mask it in the log"}))
          .context(context_object("expression", raw, "secret", u->secret))
          .emit(out);
    }
  }

  static void scan_map(const WorkflowFile& wf, const std::vector<std::pair<std::string_view, Located>>& m,
                       const char* where, FindingSink& out) {
    for (const auto& [k, v] : m) scan(wf, v, where, out);
  }
};

}  // namespace
}  // namespace md_109

std::unique_ptr<Rule> make_md_109() {
  return std::make_unique<md_109::Md109>();
}

}  // namespace pm::engine::rules
