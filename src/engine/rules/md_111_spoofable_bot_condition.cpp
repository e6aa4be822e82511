// MD-111: conditions that trust a bot by the actor's name or id, which the
// last person to touch the pull request decides.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_111 {
namespace {

constexpr std::string_view kTags[] = {"security", "bots"};

constexpr RuleInfo kInfo{
    .id = "MD-111",
    .title = "Spoofable bot condition",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "A job or step `if:` of a `pull_request_target` workflow that lets a bot through by the actor: "
        "`github.actor == 'dependabot[bot]'`, `github.triggering_actor`, `github.event.sender.login`, "
        "`endsWith(github.actor, '[bot]')`, or the actor id of a known bot (`github.actor_id == '49699333'`). The "
        "actor is whoever caused the latest event, not who wrote the pull request: getting the bot to update a "
        "branch of one's fork (`@dependabot rebase`) makes it the actor of a pull request whose other commits are "
        "the attacker's, and the privileged job runs for it. Confidence high when the bot test alone decides the "
        "condition (`a || b`), medium when another term must hold as well (`&&`).",
    .not_reported =
        "The pull request's author (`github.event.pull_request.user.login`, which the bot cannot be made to "
        "take over), also next to an actor test joined with `&&`; negated tests (`github.actor != "
        "'dependabot[bot]'`); conditions of workflows on other triggers (`pull_request` runs of a fork have no "
        "secrets and a read-only token).",
    .remediation =
        "Test the pull request's author (`github.event.pull_request.user.login == 'dependabot[bot]'`), and run bot "
        "automation on `pull_request` (Dependabot's runs get Dependabot secrets there) instead of "
        "`pull_request_target`.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "on: pull_request_target\n"
        "jobs:\n"
        "  automerge:\n"
        "    if: github.actor == 'dependabot[bot]'   # the latest actor, not the author\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: gh pr merge --auto --squash \"$PR\"\n",
};

constexpr std::array<std::string_view, 4> kActorNames = {
    "github.actor", "github.triggering_actor", "github.event.sender.login", "github.event.pull_request.sender.login"};
constexpr std::array<std::string_view, 3> kActorIds = {"github.actor_id", "github.event.sender.id",
                                                       "github.event.pull_request.sender.id"};
// dependabot[bot], dependabot-preview[bot], renovate[bot], and Dependabot's app id.
constexpr std::array<std::string_view, 4> kBotIds = {"49699333", "27856297", "29139614", "29110"};
// Who opened the pull request: what the bot cannot be made to take over.
constexpr std::array<std::string_view, 2> kAuthor = {"github.event.pull_request.user.login",
                                                     "github.event.pull_request.user.id"};

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The lower-case path of a context access made of names and string indexes
// (`github.actor`, `github['actor']`), "" for anything else (or once the
// budget has stopped: a chain's length is the input's).
std::string access_path(const expr::Expression& e, std::uint32_t i, Budget& budget) {
  std::vector<std::string> parts;
  for (;;) {
    if (!budget.step(1)) return {};
    const expr::Node& x = e.node(i);
    if (x.kind == expr::NodeKind::kContext) {
      parts.push_back(lower(e.slice(x.name)));
      break;
    }
    if (x.kind == expr::NodeKind::kMember) {
      parts.push_back(lower(e.slice(x.name)));
    } else if (x.kind == expr::NodeKind::kIndex && e.node(x.second).kind == expr::NodeKind::kString) {
      parts.push_back(lower(e.string_value(e.node(x.second))));
    } else {
      return {};
    }
    i = x.first;
  }
  std::string path;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!path.empty()) path.push_back('.');
    path += *it;
  }
  return path;
}

// A literal's text: strings as written, numbers as integers.
std::optional<std::string> literal(const expr::Expression& e, const expr::Node& n) {
  if (n.kind == expr::NodeKind::kString) return lower(e.string_value(n));
  if (n.kind == expr::NodeKind::kNumber) return std::string(e.slice(n.span));
  return std::nullopt;
}

// Whether node `i` tests the actor against a bot, and the actor context it reads.
std::string bot_test(const expr::Expression& e, std::uint32_t i, Budget& budget) {
  const expr::Node& x = e.node(i);
  if (x.kind == expr::NodeKind::kBinary && x.op == expr::BinaryOp::kEq) {
    for (const auto& [ctx, lit] : {std::pair{x.first, x.second}, std::pair{x.second, x.first}}) {
      std::string path = access_path(e, ctx, budget);
      const auto value = literal(e, e.node(lit));
      if (path.empty() || !value) continue;
      if (one_of(path, kActorNames) && value->ends_with("[bot]")) return path;
      if (one_of(path, kActorIds) && one_of(*value, kBotIds)) return path;
    }
    return {};
  }
  if (x.kind == expr::NodeKind::kCall && x.first != expr::kNoNode && e.node(x.first).next != expr::kNoNode) {
    const std::string name = lower(e.slice(x.name));
    if (name != "contains" && name != "startswith" && name != "endswith") return {};
    std::string path = access_path(e, x.first, budget);
    const auto value = literal(e, e.node(e.node(x.first).next));
    if (one_of(path, kActorNames) && value && value->find("bot") != std::string::npos) return path;
  }
  return {};
}

struct Found {
  std::string actor;
  bool decides = false;  // only `||` between the test and the condition's result
};

std::optional<Found> spoofable(const expr::Expression& e, Budget& budget) {
  const std::size_t n = e.size();
  std::vector<std::uint32_t> parent(n, expr::kNoNode);
  bool author_tested = false;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!budget.step(1)) return std::nullopt;
    const expr::Node& x = e.node(i);
    if (x.kind == expr::NodeKind::kCall) {
      for (std::uint32_t a = x.first; a != expr::kNoNode; a = e.node(a).next) parent[a] = i;
    } else {
      if (x.first != expr::kNoNode) parent[x.first] = i;
      if (x.second != expr::kNoNode) parent[x.second] = i;
    }
    if (one_of(access_path(e, i, budget), kAuthor)) author_tested = true;
  }
  std::optional<Found> found;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!budget.step(1)) return std::nullopt;
    std::string actor = bot_test(e, i, budget);
    if (actor.empty()) continue;
    bool decides = true;
    bool negated = false;
    for (std::uint32_t p = parent[i]; p != expr::kNoNode; p = parent[p]) {
      if (!budget.step(1)) return std::nullopt;
      const expr::Node& x = e.node(p);
      if (x.kind == expr::NodeKind::kNot) negated = true;
      if (x.kind != expr::NodeKind::kBinary || x.op != expr::BinaryOp::kOr) decides = false;
    }
    if (negated || (!decides && author_tested)) continue;
    if (!found || (decides && !found->decides)) found = Found{std::move(actor), decides};
  }
  return found;
}

class Md111 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    if (n.job.if_cond) check(n, *n.job.if_cond, str_cat({"job '", n.job.id, "'"}), out);
  }

  void visit_step(const StepNode& n, FindingSink& out) const override {
    if (!n.step.if_cond) return;
    const Step& s = n.step;
    const std::string_view name = s.name ? s.name->value : s.id ? s.id->value : std::string_view();
    check(n.job, *s.if_cond,
          name.empty() ? str_cat({"a step of job '", n.job.job.id, "'"})
                       : str_cat({"step '", name, "' of job '", n.job.job.id, "'"}),
          out);
  }

 private:
  static void check(const JobNode& n, const Located& cond, const std::string& what, FindingSink& out) {
    const WorkflowFile& wf = n.file();
    Budget& budget = out.budget();
    if (!budget.step(1 + wf.triggers.size())) return;
    const Located* trigger = nullptr;
    for (const auto& t : wf.triggers) {
      if (t.value == "pull_request_target") trigger = &t;
    }
    if (!trigger || !budget.step(cond.value.size())) return;
    const expr::Condition c = expr::parse_condition(cond.value);
    if (!c.expression) return;
    const auto found = spoofable(*c.expression, budget);
    if (!found || budget.stopped()) return;
    FindingBuilder(kInfo)
        .confidence(found->decides ? Confidence::kHigh : Confidence::kMedium)
        .at(wf, cond)
        .related(wf, *trigger, "the `pull_request_target` trigger")
        .message(str_cat({"The condition of ", what, " trusts a bot by `", found->actor,
                          "`, the latest actor rather than the pull request's author: ",
                          "anyone who gets the bot to update their branch passes it"}))
        .context(context_object("job", n.job.id, "actor", found->actor))
        .emit(out);
  }
};

}  // namespace
}  // namespace md_111

std::unique_ptr<Rule> make_md_111() {
  return std::make_unique<md_111::Md111>();
}

}  // namespace pm::engine::rules
