#pragma once
// What GitHub Actions means by the workflow model's text, in one place for
// every rule, L0-002 and the ADR `max-permissions` check: token permission
// levels and scopes, trigger classes, and which files are workflows or
// actions. The model itself (engine/workflow.hpp) only records what a file
// says; this answers what it means.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/workflow.hpp"
#include "util/budget.hpp"
#include "util/error.hpp"

namespace pm::engine::gha {

// ---- GITHUB_TOKEN permissions ---------------------------------------------

enum class Level : std::uint8_t { kNone = 0, kRead = 1, kWrite = 2 };
const char* to_string(Level l);
// "none", "read" or "write"; nullopt for any other text.
std::optional<Level> parse_level(std::string_view text);
// The level a workflow grants with `text`. A value GitHub does not define (a
// typo, an expression) counts as write, the broadest level: no check passes a
// grant it cannot read.
Level level_of(std::string_view text);

// `permissions: <shorthand>`.
enum class Shorthand : std::uint8_t {
  kNone,      // a scope mapping (or {}), not a shorthand
  kReadAll,   // read-all
  kWriteAll,  // write-all
  kUnknown,   // any other text: counts as write-all (see level_of)
};
Shorthand shorthand_of(const Permissions& p);
// The broadest level a declared block grants any scope: write-all (or an
// unknown shorthand) and any write scope are write.
Level broadest(const Permissions& p);

// The token scopes GitHub defines, in alphabetical order.
std::span<const std::string_view> scopes();
bool is_scope(std::string_view scope);
// How much a `write` grant of `scope` that jobs inherit matters (the ranking
// established workflow linters use): contents, id-token, packages,
// pull-requests, actions ... high; checks, security-events ... medium;
// statuses low. A scope GitHub does not define: medium.
Severity write_severity(std::string_view scope);

// ---- Triggers ---------------------------------------------------------------

enum class TriggerClass : std::uint8_t {
  kOrdinary,            // push, pull_request, schedule, workflow_dispatch, ...
  kOutsiderControlled,  // anyone can cause the run, and it runs with the base repository's token and secrets
  kReusableCall,        // workflow_call: the caller decides
};
TriggerClass classify_trigger(std::string_view event);
// pull_request_target, workflow_run, issue_comment, issues, discussion,
// discussion_comment, pull_request_review, pull_request_review_comment.
bool outsider_controlled(std::string_view event);
// pull_request_target and workflow_run: privileged runs next to code or
// artifacts a pull request controls.
bool privileged_with_pull_request_code(std::string_view event);
// The events an agent or an outsider can cause: the outsider-controlled ones
// and pull_request.
bool agent_or_outsider_controlled(std::string_view event);
// The first trigger of `wf` of that class, or nullptr.
const Located* first_outsider_trigger(const WorkflowFile& wf);
// The workflow's pull_request_target trigger, else its workflow_run trigger,
// else nullptr.
const Located* privileged_trigger(const WorkflowFile& wf);
// Only `workflow_call`: every run is a call, with the caller's token.
bool reusable_only(const WorkflowFile& wf);

// ---- Contexts ---------------------------------------------------------------

// Paths as expr::contexts spells them (lower case, `*` for any index).
// Text an outsider writes — issue, pull request, comment, review, discussion
// and commit texts, branch names — or a whole event object holding such text.
bool attacker_controlled(std::string_view path);
// The pull request's head: its commit, branch, repository or number (what a
// checkout of the author's code names), on pull_request_target and
// workflow_run.
bool pull_request_head(std::string_view path);

// A step that checks out the pull request's code: actions/checkout whose
// `ref:` or `repository:` names its head (a pull_request_head context, or a
// literal refs/pull/ ref), or a `run:` line doing `gh pr checkout` or a git
// fetch/checkout/switch of such a ref. What MD-103 reports on privileged
// triggers; MD-107 and MD-110 leave such workflows to it.
struct PullRequestCheckout {
  Position at;      // the `ref:`/`repository:` value, or the script line
  std::string ref;  // the context path, "refs/pull/" or "gh pr checkout"
};
// nullopt when the step checks out no such code, or once `budget` has stopped.
std::optional<PullRequestCheckout> pull_request_checkout(const WorkflowFile& wf, const Step& step, Budget& budget);

// ---- Untrusted values ---------------------------------------------------------

// How a context a step reads carries text an outsider writes. MD-104 (shell
// and JavaScript injection) and MD-122 (prompt injection) classify the
// contexts of their sinks with this one function.
enum class Untrusted : std::uint8_t {
  kEvent,        // the context itself is attacker_controlled
  kEnv,          // an env.* value the step sees (its own, its job's, the workflow's) set from such a context
  kMatrix,       // a matrix.* value built from such a context: a literal entry, or a `${{ }}` (fromJSON(...))
                 // giving the key, `include:` or the whole matrix
  kJobOutput,    // needs.<job>.outputs.<name> whose `outputs:` value is set from such a context
  kCallerInput,  // inputs.<name> of a reusable workflow or an action: its callers decide the value
};
struct UntrustedValue {
  Untrusted kind = Untrusted::kEvent;
  std::string origin;  // the attacker-controlled context the value is built from; "" for kEvent and kCallerInput
};
// Whether the context `path` (as expr::contexts spells it), read by `step` of
// `job`, can carry attacker-controlled text. Inputs of type boolean or number
// cannot carry text; workflow_dispatch inputs come from people with write
// access; other contexts (step outputs, secrets, vars) hold nothing the file
// shows. nullopt also once `budget` has stopped.
std::optional<UntrustedValue> untrusted_value(const WorkflowFile& wf, const Job& job, const Step& step,
                                              std::string_view path, Budget& budget);
// The first attacker_controlled context whose value flows out of a `${{ }}`
// of `text`; "" when none (or once `budget` has stopped).
std::string attacker_controlled_in(std::string_view text, Budget& budget);

// ---- AI models and agents ---------------------------------------------------

enum class AiAction : std::uint8_t {
  kNone,
  kKnown,  // anthropics/claude-code-action, openai/*, actions/ai-inference, github/copilot*, run-gemini-cli, ...
  kNamed,  // an action whose owner or name has a word that marks a model client (ai, llm, gpt, claude, ...)
};
// What a `uses:` says about the action calling a model (MD-003, MD-122).
AiAction ai_action(std::string_view uses);
// What a script calls a model with: a known API host ("api.openai.com",
// "gh models run", ...) or "llm CLI"; "" when none.
std::string model_call_in(std::string_view run);
// The inputs of a known agent or model action that become its prompt or
// system prompt (claude-code-action's `prompt`, ai-inference's
// `system-prompt`, ...); empty for any other action.
std::span<const std::string_view> prompt_inputs(std::string_view uses);
// An agent CLI called as a command on a line of `run` (`claude -p`, `codex
// exec`, `gemini`, `copilot -p`): the command, and the line's byte offset in
// `run`; nullopt when none (or once `budget` has stopped).
struct AgentCall {
  std::string_view command;
  std::size_t offset = 0;
};
std::optional<AgentCall> agent_cli_call(std::string_view run, Budget& budget);

// ---- Files ------------------------------------------------------------------

enum class Kind : std::uint8_t {
  kWorkflow,          // jobs with triggers
  kReusableWorkflow,  // a workflow whose only trigger is workflow_call
  kCompositeAction,   // action.yml, runs.using: composite
  kOtherAction,       // action.yml of a JavaScript or Docker action
  kUnknown,           // not parsed, or neither shape
};
const char* to_string(Kind k);
// Where GitHub reads workflows: .github/workflows/*.yml|yaml.
bool is_workflow_path(std::string_view relative);
// Workflows, and action.yml|yaml anywhere (actions).
bool is_actions_path(std::string_view relative);
Kind kind_of(const WorkflowFile& wf);
// A parsed workflow (reusable or not), whatever its path.
bool is_workflow(const WorkflowFile& wf);

// ---- References -------------------------------------------------------------

// What a `uses:` names.
enum class UsesKind : std::uint8_t {
  kLocal,       // ./path: this repository at the same commit
  kSelf,        // $/path: this repository (GitHub's self-repository syntax)
  kDocker,      // docker://image
  kRepository,  // owner/repo[/path]@ref
  kExpression,  // contains ${{ }}: not resolvable here
};
struct Uses {
  UsesKind kind = UsesKind::kRepository;
  std::string_view target;  // owner/repo[/path] or the image, without the ref
  std::string_view ref;     // after '@' ("" when there is none)
};
Uses parse_uses(std::string_view uses);
// A full 40-hex commit SHA.
bool is_commit_sha(std::string_view ref);
// Whether the step uses the repository action `action` ("actions/checkout"),
// at any ref; owner and repository compare case-insensitively, as on GitHub.
bool uses_action(const Step& step, std::string_view action);
// The release a step's `uses:` names: its ref (`v4`, `v4.2.1`, `4.2`), or
// for a commit SHA the version comment after it (`@<sha> # v4.2.1`). A major
// version alone floats to the newest release of that major: its minor is
// kLatestMinor. nullopt when neither says (a branch, a SHA without comment).
inline constexpr int kLatestMinor = 1 << 30;
struct ActionVersion {
  int major = 0;
  int minor = 0;
};
std::optional<ActionVersion> action_version(const WorkflowFile& wf, const Step& step);

// A container image reference: `name[:tag][@sha256:digest]`.
struct Image {
  std::string_view name;
  std::string_view tag;     // "" when none
  std::string_view digest;  // after '@', "" when none
};
Image parse_image(std::string_view image);

}  // namespace pm::engine::gha
