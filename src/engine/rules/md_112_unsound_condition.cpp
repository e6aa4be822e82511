// MD-112: `if:` conditions that are always true, or that a crafted value
// passes, whatever the author meant them to test.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_112 {
namespace {

constexpr std::string_view kTags[] = {"security", "correctness"};

constexpr RuleInfo kInfo{
    .id = "MD-112",
    .title = "Unsound condition",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "Job and step `if:` conditions that do not test what they read. Always true: a `${{ }}` mixed with other "
        "text (`if: ${{ github.ref == 'refs/heads/main' }} && success()`), or followed by the line break a `|` or "
        "`>` block scalar keeps (`if: |` then `${{ false }}`) — GitHub then evaluates a non-empty string, which is "
        "true (high); a ternary whose every outcome is a non-empty string (`if: ${{ cond && 'true' || 'false' }}`: "
        "the string 'false' is true too) or a term that makes the condition true whatever the rest holds "
        "(`... || true`) (medium). Bypassable: `contains('refs/heads/main refs/heads/release', github.ref)` tests "
        "whether the value is a substring of the text, so a branch named `main` elsewhere, `mai` or `refs/heads/` "
        "passes — high when the value is one a pusher or caller chooses (refs and branch names, actors, inputs, "
        "env), low (pedantic) otherwise.",
    .not_reported =
        "Conditions meant to be constant (`if: true`, `if: always()`, `if: ${{ !cancelled() }}`), a condition that "
        "is true through `always()` next to other terms, and `contains()` over a list (`fromJSON('[...]')`, "
        "`github.event.pull_request.labels.*.name`).",
    .remediation =
        "Write the whole condition inside one `${{ }}` or without one (`if: github.ref == 'refs/heads/main' && "
        "success()`); use `|-` or `>-` if a block scalar is needed; let a ternary yield booleans (`cond && true || "
        "false`, or just `cond`); test membership in a list with `contains(fromJSON('[\"refs/heads/main\", "
        "\"refs/heads/release\"]'), github.ref)` or with `==`.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "jobs:\n"
        "  deploy:\n"
        "    if: ${{ github.ref == 'refs/heads/main' }} && github.event_name == 'push'   # always true\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: ./deploy.sh\n",
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Whether the condition is true whatever the contexts hold because of a
// literal in a result position (not always(), which is meant).
bool true_by_literal(const expr::Expression& e) {
  enum class Truth : std::uint8_t { kFalse, kTrue, kUnknown };
  std::vector<Truth> t(e.size(), Truth::kUnknown);
  const auto of = [](bool b) { return b ? Truth::kTrue : Truth::kFalse; };
  for (std::uint32_t i = 0; i < e.size(); ++i) {
    const expr::Node& x = e.node(i);
    switch (x.kind) {
      case expr::NodeKind::kNull: t[i] = Truth::kFalse; break;
      case expr::NodeKind::kBool: t[i] = of(x.boolean); break;
      case expr::NodeKind::kNumber: t[i] = of(x.number != 0 && !std::isnan(x.number)); break;
      case expr::NodeKind::kString: t[i] = of(x.name.size() > 0); break;
      case expr::NodeKind::kNot:
        if (t[x.first] != Truth::kUnknown) t[i] = of(t[x.first] == Truth::kFalse);
        break;
      case expr::NodeKind::kBinary: {
        const Truth l = t[x.first], r = t[x.second];
        if (x.op == expr::BinaryOp::kAnd) {
          if (l == Truth::kFalse || r == Truth::kFalse) t[i] = Truth::kFalse;
          if (l == Truth::kTrue) t[i] = r;
        } else if (x.op == expr::BinaryOp::kOr) {
          if (l == Truth::kTrue || r == Truth::kTrue) t[i] = Truth::kTrue;
          if (l == Truth::kFalse) t[i] = r;
        }
        break;
      }
      default: break;
    }
  }
  return t[e.root_index()] == Truth::kTrue;
}

// Values a pusher, a pull request or a caller chooses.
bool chosen_by_user(std::string_view path) {
  for (const std::string_view p : {"github.ref", "github.ref_name", "github.head_ref", "github.base_ref",
                                   "github.actor", "github.triggering_actor", "github.event"}) {
    if (expr::under(path, p)) return true;
  }
  return path.starts_with("inputs.") || path.starts_with("env.") || path.starts_with("github.event.inputs");
}

struct UnsoundContains {
  std::string context;  // as written
  bool user_chosen = false;
};

// contains('<text>', <context>): a substring test where a list was meant.
// Each call's context is parsed again: its length is asked of the budget.
std::optional<UnsoundContains> unsound_contains(const expr::Expression& e, Budget& budget) {
  std::optional<UnsoundContains> found;
  for (std::uint32_t i = 0; i < e.size(); ++i) {
    if (!budget.step(1)) return std::nullopt;
    const expr::Node& x = e.node(i);
    if (x.kind != expr::NodeKind::kCall || lower(e.slice(x.name)) != "contains") continue;
    if (x.first == expr::kNoNode || e.node(x.first).kind != expr::NodeKind::kString) continue;
    const std::uint32_t second = e.node(x.first).next;
    if (second == expr::kNoNode) continue;
    const expr::Node& value = e.node(second);
    if (value.kind != expr::NodeKind::kMember && value.kind != expr::NodeKind::kIndex &&
        value.kind != expr::NodeKind::kContext) {
      continue;
    }
    if (!budget.step(e.slice(value.span).size())) return std::nullopt;
    const expr::Parsed p = expr::parse(e.slice(value.span));
    if (!p.ok()) continue;
    const auto reads = expr::contexts(*p.expression);
    if (reads.empty()) continue;
    const bool chosen = chosen_by_user(reads[0].path);
    if (!found || (chosen && !found->user_chosen)) found = UnsoundContains{std::string(e.slice(value.span)), chosen};
  }
  return found;
}

class Md112 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    if (n.job.if_cond) check(n.file(), n.job, *n.job.if_cond, str_cat({"job '", n.job.id, "'"}), out);
  }

  void visit_step(const StepNode& n, FindingSink& out) const override { step(n, out); }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { step(n, out); }

 private:
  static void step(const StepNode& n, FindingSink& out) {
    if (!n.step.if_cond) return;
    const Step& s = n.step;
    const std::string_view name = s.name ? s.name->value : s.id ? s.id->value : std::string_view();
    const std::string owner = n.file().is_action ? std::string("this action") : str_cat({"job '", n.job.job.id, "'"});
    check(n.file(), n.job.job, *s.if_cond,
          name.empty() ? str_cat({"a step of ", owner}) : str_cat({"step '", name, "' of ", owner}), out);
  }

  static void check(const WorkflowFile& wf, const Job& job, const Located& cond, const std::string& what,
                    FindingSink& out) {
    Budget& budget = out.budget();
    // Parsing and the walks over the parsed condition are linear in its text.
    if (!budget.step(1 + 2 * cond.value.size())) return;
    const expr::Condition c = expr::parse_condition(cond.value);
    FindingBuilder b(kInfo);
    b.at(wf, cond);
    if (c.template_string) {
      const bool trailing_break = !cond.value.empty() && cond.value.back() == '\n';
      b.message(str_cat({"The condition of ", what,
                         trailing_break ? " is a `${{ }}` followed by the line break of a block scalar"
                                        : " mixes `${{ }}` with other text",
                         ": GitHub evaluates it as a non-empty string, which is always true"}))
          .context(context_object("job", job.id, "kind", trailing_break ? "block-scalar" : "text-mix"))
          .emit(out);
      return;
    }
    if (!c.expression) return;
    if (!expr::contexts(*c.expression).empty() && true_by_literal(*c.expression)) {
      b.severity(Severity::kMedium)
          .message(str_cat({"The condition of ", what,
                            " is true whatever the contexts it reads hold: a literal decides it (a ternary whose "
                            "outcomes are non-empty strings, or a constant true term)"}))
          .context(context_object("job", job.id, "kind", "constant"))
          .emit(out);
      return;
    }
    if (const auto u = unsound_contains(*c.expression, budget)) {
      if (!u->user_chosen) b.severity(Severity::kLow).persona(Persona::kPedantic);
      b.message(str_cat({"The condition of ", what,
                         " uses `contains()` on a string: it passes for any substring of it, so `", u->context,
                         "` need not be one of the values listed"}))
          .context(context_object("job", job.id, "kind", "contains", "context", u->context))
          .emit(out);
    }
  }
};

}  // namespace
}  // namespace md_112

std::unique_ptr<Rule> make_md_112() {
  return std::make_unique<md_112::Md112>();
}

}  // namespace pm::engine::rules
