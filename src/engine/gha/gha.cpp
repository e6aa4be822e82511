#include "engine/gha/gha.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "engine/expr/expr.hpp"

namespace pm::engine::gha {

namespace {

struct ScopeInfo {
  std::string_view name;
  Severity write;
};

// GitHub's token scopes (alphabetical) and how much a write grant every job
// inherits matters.
constexpr std::array<ScopeInfo, 15> kScopes = {{
    {"actions", Severity::kHigh},
    {"attestations", Severity::kHigh},
    {"checks", Severity::kMedium},
    {"contents", Severity::kHigh},
    {"deployments", Severity::kHigh},
    {"discussions", Severity::kMedium},
    {"id-token", Severity::kHigh},
    {"issues", Severity::kHigh},
    {"models", Severity::kLow},
    {"packages", Severity::kHigh},
    {"pages", Severity::kHigh},
    {"pull-requests", Severity::kHigh},
    {"repository-projects", Severity::kMedium},
    {"security-events", Severity::kMedium},
    {"statuses", Severity::kLow},
}};

using ScopeNames = std::array<std::string_view, kScopes.size()>;

ScopeNames scope_names() {
  ScopeNames names{};
  for (std::size_t i = 0; i < kScopes.size(); ++i) names[i] = kScopes[i].name;
  return names;
}

constexpr std::array<std::string_view, 8> kOutsiderControlled = {
    "pull_request_target", "workflow_run",       "issue_comment",       "issues",
    "discussion",          "discussion_comment", "pull_request_review", "pull_request_review_comment"};

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// Fields an outsider writes (titles, bodies, branch names, commit messages).
constexpr std::array<std::string_view, 26> kAttackerFields = {
    "github.head_ref",
    "github.event.issue.title",
    "github.event.issue.body",
    "github.event.pull_request.title",
    "github.event.pull_request.body",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.label",
    "github.event.pull_request.head.repo.default_branch",
    "github.event.comment.body",
    "github.event.review.body",
    "github.event.review_comment.body",
    "github.event.pages.*.page_name",
    "github.event.commits.*.message",
    "github.event.commits.*.author.email",
    "github.event.commits.*.author.name",
    "github.event.head_commit.message",
    "github.event.head_commit.author.email",
    "github.event.head_commit.author.name",
    "github.event.discussion.title",
    "github.event.discussion.body",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.message",
    "github.event.workflow_run.head_commit.author.email",
    "github.event.workflow_run.head_commit.author.name",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.workflow_run.display_title",
};

// Whole objects that hold such fields (e.g. `toJSON(github.event.issue)`).
constexpr std::array<std::string_view, 11> kAttackerObjects = {"github.event",
                                                               "github.event.issue",
                                                               "github.event.pull_request",
                                                               "github.event.comment",
                                                               "github.event.review",
                                                               "github.event.review_comment",
                                                               "github.event.discussion",
                                                               "github.event.head_commit",
                                                               "github.event.commits",
                                                               "github.event.workflow_run",
                                                               "github"};

constexpr std::array<std::string_view, 10> kPullRequestHead = {
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
    "github.event.pull_request.merge_commit_sha",
    "github.event.number",
    "github.event.pull_request.number",
    "github.event.pull_request.head.repo.full_name",
};

char lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

const char* to_string(Level l) {
  switch (l) {
    case Level::kNone: return "none";
    case Level::kRead: return "read";
    case Level::kWrite: return "write";
  }
  return "write";
}

std::optional<Level> parse_level(std::string_view text) {
  if (text == "none") return Level::kNone;
  if (text == "read") return Level::kRead;
  if (text == "write") return Level::kWrite;
  return std::nullopt;
}

Level level_of(std::string_view text) {
  return parse_level(text).value_or(Level::kWrite);
}

Shorthand shorthand_of(const Permissions& p) {
  if (p.shorthand.empty()) return Shorthand::kNone;
  if (p.shorthand == "read-all") return Shorthand::kReadAll;
  if (p.shorthand == "write-all") return Shorthand::kWriteAll;
  return Shorthand::kUnknown;
}

Level broadest(const Permissions& p) {
  switch (shorthand_of(p)) {
    case Shorthand::kReadAll: return Level::kRead;
    case Shorthand::kWriteAll:
    case Shorthand::kUnknown: return Level::kWrite;
    case Shorthand::kNone: break;
  }
  Level out = Level::kNone;
  for (const auto& [scope, level] : p.scopes) out = std::max(out, level_of(level.value));
  return out;
}

std::span<const std::string_view> scopes() {
  static const ScopeNames names = scope_names();
  return names;
}

bool is_scope(std::string_view scope) {
  const auto all = scopes();
  return std::find(all.begin(), all.end(), scope) != all.end();
}

Severity write_severity(std::string_view scope) {
  for (const auto& s : kScopes) {
    if (s.name == scope) return s.write;
  }
  return Severity::kMedium;
}

TriggerClass classify_trigger(std::string_view event) {
  if (one_of(event, kOutsiderControlled)) return TriggerClass::kOutsiderControlled;
  if (event == "workflow_call") return TriggerClass::kReusableCall;
  return TriggerClass::kOrdinary;
}

bool outsider_controlled(std::string_view event) {
  return classify_trigger(event) == TriggerClass::kOutsiderControlled;
}

bool privileged_with_pull_request_code(std::string_view event) {
  return event == "pull_request_target" || event == "workflow_run";
}

bool agent_or_outsider_controlled(std::string_view event) {
  return event == "pull_request" || outsider_controlled(event);
}

const Located* first_outsider_trigger(const WorkflowFile& wf) {
  for (const auto& t : wf.triggers) {
    if (outsider_controlled(t.value)) return &t;
  }
  return nullptr;
}

const Located* privileged_trigger(const WorkflowFile& wf) {
  const Located* found = nullptr;
  for (const auto& t : wf.triggers) {
    if (t.value == "pull_request_target") return &t;
    if (!found && t.value == "workflow_run") found = &t;
  }
  return found;
}

bool reusable_only(const WorkflowFile& wf) {
  return !wf.triggers.empty() && std::all_of(wf.triggers.begin(), wf.triggers.end(),
                                             [](const Located& t) { return t.value == "workflow_call"; });
}

bool attacker_controlled(std::string_view path) {
  return std::any_of(kAttackerFields.begin(), kAttackerFields.end(),
                     [&](std::string_view f) { return expr::matches(path, f); }) ||
         one_of(path, kAttackerObjects);
}

bool pull_request_head(std::string_view path) {
  return one_of(path, kPullRequestHead);
}

namespace {

// The first pull-request-controlled ref `text` names, "" when none (or once
// the budget has stopped).
std::string pull_request_ref_in(std::string_view text, Budget& budget) {
  if (!budget.step(text.size())) return {};
  for (const auto& t : expr::templates(text)) {
    if (!budget.step(t.length)) return {};
    const expr::Parsed p = expr::parse(t.inner);
    if (!p.ok()) continue;
    for (const auto& r : expr::contexts(*p.expression)) {
      if (pull_request_head(r.path)) return r.path;
    }
  }
  if (text.find("refs/pull/") != std::string_view::npos) return "refs/pull/";
  return {};
}

// `gh pr checkout`, or git fetch/checkout/switch of a pull request ref, on a
// line of a script.
std::optional<PullRequestCheckout> script_checkout(const WorkflowFile& wf, const Located& run, Budget& budget) {
  const std::string_view v = run.value;
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t end = v.find('\n', start);
    if (end == std::string_view::npos) end = v.size();
    if (!budget.step(1 + end - start)) return std::nullopt;
    const std::string_view l = v.substr(start, end - start);
    const bool gh = l.find("gh pr checkout") != std::string_view::npos;
    const bool git = l.find("git checkout") != std::string_view::npos ||
                     l.find("git fetch") != std::string_view::npos || l.find("git switch") != std::string_view::npos;
    std::string ref = gh ? "gh pr checkout" : git ? pull_request_ref_in(l, budget) : "";
    if (!ref.empty()) return PullRequestCheckout{PositionCursor(wf, run).at(start), std::move(ref)};
    if (end == v.size()) break;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<PullRequestCheckout> pull_request_checkout(const WorkflowFile& wf, const Step& step, Budget& budget) {
  if (uses_action(step, "actions/checkout")) {
    for (const auto& [key, value] : step.with) {
      if (!budget.step(1 + key.size())) return std::nullopt;
      if (key != "ref" && key != "repository") continue;
      std::string ref = pull_request_ref_in(value.value, budget);
      if (!ref.empty()) return PullRequestCheckout{wf.position(value), std::move(ref)};
    }
    return std::nullopt;
  }
  if (step.run) return script_checkout(wf, *step.run, budget);
  return std::nullopt;
}

namespace {

std::string lower_copy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_ascii(c);
  return out;
}

// "b" of "a.b" (a path of exactly two segments), "" otherwise.
std::string_view second_of_two(std::string_view path) {
  const std::size_t dot = path.find('.');
  if (dot == std::string_view::npos || path.find('.', dot + 1) != std::string_view::npos) return {};
  return path.substr(dot + 1);
}

// The `env:` value of `name` (lower case) the step sees: its own, its job's,
// or the workflow's.
const Located* env_value_of(const WorkflowFile& wf, const Job& job, const Step& step, std::string_view name,
                            Budget& budget) {
  for (const auto* env : {&step.env, &job.env, &wf.env}) {
    for (const auto& [k, v] : *env) {
      if (!budget.step(1 + k.size())) return nullptr;
      if (lower_copy(k) == name) return &v;
    }
  }
  return nullptr;
}

std::optional<UntrustedValue> from_matrix(const Job& job, std::string_view name, Budget& budget) {
  if (!job.matrix) return std::nullopt;
  for (const auto& mv : job.matrix->values) {
    if (!budget.step(1 + mv.key.size())) return std::nullopt;
    if (lower_copy(mv.key) != name) continue;
    if (std::string origin = attacker_controlled_in(mv.value.value, budget); !origin.empty())
      return UntrustedValue{Untrusted::kMatrix, std::move(origin)};
  }
  // A key, `include:` or the whole matrix given by an expression
  // (`fromJSON(github.event.comment.body)`) expands to what that expression reads.
  for (const auto& mv : job.matrix->expressions) {
    if (!budget.step(1 + mv.key.size())) return std::nullopt;
    if (!mv.key.empty() && mv.key != "include" && lower_copy(mv.key) != name) continue;
    if (std::string origin = attacker_controlled_in(mv.value.value, budget); !origin.empty())
      return UntrustedValue{Untrusted::kMatrix, std::move(origin)};
  }
  return std::nullopt;
}

// needs.<job>.outputs.<name>: the `outputs:` value of that job.
std::optional<UntrustedValue> from_job_output(const WorkflowFile& wf, std::string_view path, Budget& budget) {
  std::string_view rest = path.substr(6);  // after "needs."
  const std::size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view job_id = rest.substr(0, dot);
  rest.remove_prefix(dot + 1);
  if (!rest.starts_with("outputs.")) return std::nullopt;
  const std::string_view name = rest.substr(8);
  if (name.empty() || name.find('.') != std::string_view::npos) return std::nullopt;
  for (const auto& j : wf.jobs) {
    if (!budget.step(1 + j.outputs.size())) return std::nullopt;
    if (lower_copy(j.id) != job_id) continue;
    for (const auto& [k, v] : j.outputs) {
      if (lower_copy(k) != name) continue;
      if (std::string origin = attacker_controlled_in(v.value, budget); !origin.empty())
        return UntrustedValue{Untrusted::kJobOutput, std::move(origin)};
    }
  }
  return std::nullopt;
}

// inputs.<name> of a reusable workflow or an action.
std::optional<UntrustedValue> from_input(const WorkflowFile& wf, std::string_view name, Budget& budget) {
  if (!budget.step(wf.triggers.size() + wf.inputs.size())) return std::nullopt;
  if (!wf.is_action && !wf.has_trigger("workflow_call")) return std::nullopt;
  for (const auto& in : wf.inputs) {
    if (lower_copy(in.name) != name || in.source == InputSource::kWorkflowDispatch) continue;
    if (in.type == "boolean" || in.type == "number") return std::nullopt;
  }
  return UntrustedValue{Untrusted::kCallerInput, ""};
}

}  // namespace

std::string attacker_controlled_in(std::string_view text, Budget& budget) {
  if (!budget.step(text.size())) return {};
  for (const auto& t : expr::templates(text)) {
    if (!budget.step(t.length)) return {};
    const expr::Parsed p = expr::parse(t.inner);
    if (!p.ok()) continue;
    for (const auto& r : expr::contexts(*p.expression)) {
      if (r.flows && attacker_controlled(r.path)) return r.path;
    }
  }
  return {};
}

std::optional<UntrustedValue> untrusted_value(const WorkflowFile& wf, const Job& job, const Step& step,
                                              std::string_view path, Budget& budget) {
  if (attacker_controlled(path)) return UntrustedValue{Untrusted::kEvent, ""};
  if (path.starts_with("needs.")) return from_job_output(wf, path, budget);
  const std::string_view name = second_of_two(path);
  if (name.empty()) return std::nullopt;
  if (path.starts_with("env.")) {
    const Located* v = env_value_of(wf, job, step, name, budget);
    if (!v) return std::nullopt;
    std::string origin = attacker_controlled_in(v->value, budget);
    if (origin.empty()) return std::nullopt;
    return UntrustedValue{Untrusted::kEnv, std::move(origin)};
  }
  if (path.starts_with("matrix.")) return from_matrix(job, name, budget);
  if (path.starts_with("inputs.")) return from_input(wf, name, budget);
  return std::nullopt;
}

namespace {

constexpr std::array<std::string_view, 6> kKnownAiActions = {"anthropics/claude-code-action",
                                                             "anthropics/claude-code-base-action",
                                                             "openai/",
                                                             "actions/ai-inference",
                                                             "github/copilot",
                                                             "google-github-actions/run-gemini-cli"};

// Words in an action's owner or name that mark it as a model client.
constexpr std::array<std::string_view, 11> kAiWords = {"ai",     "llm",    "llms",      "gpt",    "chatgpt", "openai",
                                                       "claude", "gemini", "anthropic", "ollama", "copilot"};

constexpr std::array<std::string_view, 7> kModelApis = {
    "api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com", "gh models run", "bedrock-runtime",
    "ollama run",     "openai.azure.com"};

bool ai_named(const std::string& u) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= u.size(); ++i) {
    if (i < u.size() && ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= '0' && u[i] <= '9'))) continue;
    const std::string_view word(u.data() + start, i - start);
    if (one_of(word, kAiWords)) return true;
    if (word.size() > 3 && word.substr(0, 3) == "gpt" && word[3] >= '0' && word[3] <= '9') return true;
    start = i + 1;
  }
  return false;
}

// The inputs each known agent or model action reads as its prompt, from the
// actions' own input definitions. claude_args carries --system-prompt and
// --append-system-prompt.
constexpr std::string_view kClaudePrompts[] = {"prompt",      "direct_prompt", "custom_instructions", "override_prompt",
                                               "claude_args", "system_prompt", "append_system_prompt"};
constexpr std::string_view kCodexPrompts[] = {"prompt"};
constexpr std::string_view kInferencePrompts[] = {"prompt", "system-prompt"};
constexpr std::string_view kGeminiPrompts[] = {"prompt"};

struct PromptInputs {
  std::string_view action;
  std::span<const std::string_view> inputs;
};
constexpr std::array<PromptInputs, 5> kPromptInputs = {{
    {"anthropics/claude-code-action", kClaudePrompts},
    {"anthropics/claude-code-base-action", kClaudePrompts},
    {"openai/codex-action", kCodexPrompts},
    {"actions/ai-inference", kInferencePrompts},
    {"google-github-actions/run-gemini-cli", kGeminiPrompts},
}};

// Where `command` stands at a command position of `line` (its start, or
// after a `|`, `;`, `&`, `(` or `$(`), followed by a blank or the end of the
// line; npos when it does not.
std::size_t command_at(std::string_view line, std::string_view command) {
  for (std::size_t p = line.find(command); p != std::string_view::npos; p = line.find(command, p + 1)) {
    const std::size_t end = p + command.size();
    if (end < line.size() && line[end] != ' ' && line[end] != '\t') continue;
    std::size_t b = p;
    while (b > 0 && (line[b - 1] == ' ' || line[b - 1] == '\t')) --b;
    if (b == 0 || line[b - 1] == '|' || line[b - 1] == ';' || line[b - 1] == '&' || line[b - 1] == '(') return p;
  }
  return std::string_view::npos;
}

// Agent CLIs that take a prompt on the command line or stdin, each with the
// option or subcommand that runs it without a terminal.
struct AgentCli {
  std::string_view command;
  std::array<std::string_view, 2> headless;
};
constexpr std::array<AgentCli, 4> kAgentClis = {{
    {"claude", {" -p", " --print"}},
    {"codex", {" exec", ""}},
    {"gemini", {" -p", " --prompt"}},
    {"copilot", {" -p", " --prompt"}},
}};

}  // namespace

AiAction ai_action(std::string_view uses) {
  const std::string u = lower_copy(uses.substr(0, uses.find('@')));
  if (std::any_of(kKnownAiActions.begin(), kKnownAiActions.end(), [&](std::string_view k) { return u.starts_with(k); }))
    return AiAction::kKnown;
  return ai_named(u) ? AiAction::kNamed : AiAction::kNone;
}

std::string model_call_in(std::string_view run) {
  for (auto api : kModelApis) {
    if (run.find(api) != std::string_view::npos) return std::string(api);
  }
  for (std::size_t p = run.find("llm "); p != std::string_view::npos; p = run.find("llm ", p + 1)) {
    std::size_t b = p;
    while (b > 0 && (run[b - 1] == ' ' || run[b - 1] == '\t')) --b;
    if (b == 0 || run[b - 1] == '\n' || run[b - 1] == '|' || run[b - 1] == ';' || run[b - 1] == '(' ||
        run[b - 1] == '&') {
      return "llm CLI";
    }
  }
  return {};
}

std::span<const std::string_view> prompt_inputs(std::string_view uses) {
  const Uses u = parse_uses(uses);
  if (u.kind != UsesKind::kRepository) return {};
  const std::string target = lower_copy(u.target);
  for (const auto& p : kPromptInputs) {
    if (target == p.action) return p.inputs;
  }
  return {};
}

std::optional<AgentCall> agent_cli_call(std::string_view run, Budget& budget) {
  std::size_t start = 0;
  while (start <= run.size()) {
    std::size_t end = run.find('\n', start);
    if (end == std::string_view::npos) end = run.size();
    if (!budget.step(1 + end - start)) return std::nullopt;
    const std::string_view line = run.substr(start, end - start);
    for (const auto& cli : kAgentClis) {
      const std::size_t at = command_at(line, cli.command);
      if (at == std::string_view::npos) continue;
      const std::string_view after = line.substr(at + cli.command.size());
      const bool headless = std::any_of(cli.headless.begin(), cli.headless.end(), [&](std::string_view h) {
        return !h.empty() && after.find(h) != std::string_view::npos;
      });
      if (headless) return AgentCall{cli.command, start};
    }
    if (end == run.size()) break;
    start = end + 1;
  }
  return std::nullopt;
}

const char* to_string(Kind k) {
  switch (k) {
    case Kind::kWorkflow: return "workflow";
    case Kind::kReusableWorkflow: return "reusable workflow";
    case Kind::kCompositeAction: return "composite action";
    case Kind::kOtherAction: return "action";
    case Kind::kUnknown: return "unknown";
  }
  return "unknown";
}

bool is_workflow_path(std::string_view relative) {
  const bool yaml = relative.ends_with(".yml") || relative.ends_with(".yaml");
  return yaml &&
         (relative.starts_with(".github/workflows/") || relative.find("/.github/workflows/") != std::string_view::npos);
}

bool is_actions_path(std::string_view relative) {
  const std::size_t slash = relative.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
  return base == "action.yml" || base == "action.yaml" || is_workflow_path(relative);
}

Kind kind_of(const WorkflowFile& wf) {
  if (wf.parse_error) return Kind::kUnknown;
  if (wf.is_action) return wf.is_composite_action ? Kind::kCompositeAction : Kind::kOtherAction;
  if (wf.jobs.empty() || wf.triggers.empty()) return Kind::kUnknown;
  return reusable_only(wf) ? Kind::kReusableWorkflow : Kind::kWorkflow;
}

bool is_workflow(const WorkflowFile& wf) {
  const Kind k = kind_of(wf);
  return k == Kind::kWorkflow || k == Kind::kReusableWorkflow;
}

Uses parse_uses(std::string_view uses) {
  Uses u;
  if (uses.find("${{") != std::string_view::npos) {
    u.kind = UsesKind::kExpression;
    u.target = uses;
    return u;
  }
  if (uses.starts_with("./")) {
    u.kind = UsesKind::kLocal;
    u.target = uses;
    return u;
  }
  if (uses.starts_with("$/")) {
    u.kind = UsesKind::kSelf;
    u.target = uses;
    return u;
  }
  if (uses.starts_with("docker://")) {
    u.kind = UsesKind::kDocker;
    u.target = uses.substr(9);
    return u;
  }
  const std::size_t at = uses.rfind('@');
  u.target = at == std::string_view::npos ? uses : uses.substr(0, at);
  u.ref = at == std::string_view::npos ? std::string_view() : uses.substr(at + 1);
  return u;
}

bool is_commit_sha(std::string_view ref) {
  return ref.size() == 40 && std::all_of(ref.begin(), ref.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

bool uses_action(const Step& step, std::string_view action) {
  if (!step.uses) return false;
  const Uses u = parse_uses(step.uses->value);
  return u.kind == UsesKind::kRepository && u.target.size() == action.size() &&
         std::equal(u.target.begin(), u.target.end(), action.begin(),
                    [](char a, char b) { return lower_ascii(a) == lower_ascii(b); });
}

namespace {

// "v4", "v4.2.1", "4.2" (the text ends at a space or the end).
std::optional<ActionVersion> version_of(std::string_view text) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  const auto number = [&](int& out) {
    std::size_t n = 0;
    out = 0;
    while (n < text.size() && n < 6 && text[n] >= '0' && text[n] <= '9') out = out * 10 + (text[n++] - '0');
    text.remove_prefix(n);
    return n > 0;
  };
  ActionVersion v;
  if (!number(v.major)) return std::nullopt;
  if (text.empty() || text[0] != '.') {
    v.minor = kLatestMinor;
    return text.empty() || text[0] == ' ' || text[0] == '\t' ? std::optional(v) : std::nullopt;
  }
  text.remove_prefix(1);
  if (!number(v.minor)) return std::nullopt;
  return v;
}

}  // namespace

std::optional<ActionVersion> action_version(const WorkflowFile& wf, const Step& step) {
  if (!step.uses) return std::nullopt;
  const Uses u = parse_uses(step.uses->value);
  if (u.kind != UsesKind::kRepository) return std::nullopt;
  if (!is_commit_sha(u.ref)) return version_of(u.ref);
  // The comment after the SHA on the `uses:` line, as pinning tools write it.
  const std::string_view line = wf.source_line(step.uses->line);
  const std::size_t hash = line.find('#', line.find(u.ref));
  if (hash == std::string_view::npos) return std::nullopt;
  std::string_view comment = line.substr(hash + 1);
  const std::size_t start = comment.find_first_not_of(" \t");
  if (start == std::string_view::npos) return std::nullopt;
  comment.remove_prefix(start);
  if (comment.starts_with("tag=")) comment.remove_prefix(4);
  return version_of(comment);
}

Image parse_image(std::string_view image) {
  Image out;
  const std::size_t at = image.find('@');
  if (at != std::string_view::npos) {
    out.digest = image.substr(at + 1);
    image = image.substr(0, at);
  }
  // The tag's ':' comes after the last '/' (a registry may carry a port: host:5000/name:tag).
  const std::size_t slash = image.rfind('/');
  const std::size_t colon = image.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    out.tag = image.substr(colon + 1);
    image = image.substr(0, colon);
  }
  out.name = image;
  return out;
}

}  // namespace pm::engine::gha
