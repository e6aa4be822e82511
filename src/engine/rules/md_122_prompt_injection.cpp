// MD-122: text an outsider writes expanded into the prompt of an AI agent or
// model: the `with:` prompt inputs of the known agent actions, and the
// environment an agent CLI in a `run:` script reads its prompt from.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_122 {
namespace {

constexpr std::string_view kTags[] = {"ai-agents", "security", "injection"};

constexpr RuleInfo kInfo{
    .id = "MD-122",
    .title = "Prompt injection into an AI agent",
    .severity = Severity::kHigh,
    .confidence = Confidence::kMedium,
    .persona = Persona::kRegular,
    .description =
        "Text an outsider writes — issue, pull request, comment, review and discussion titles and bodies, commit "
        "messages, branch names, or an `env.*`, `matrix.*` or `needs.<job>.outputs.*` value built from them (the "
        "sources MD-104 classifies) — expanded with `${{ }}` into the prompt of an AI agent or model: "
        "anthropics/claude-code-action and claude-code-base-action (`prompt`, `direct_prompt`, "
        "`custom_instructions`, `override_prompt`, `system_prompt`, `append_system_prompt`, `claude_args`), "
        "openai/codex-action (`prompt`), actions/ai-inference (`prompt`, `system-prompt`), "
        "google-github-actions/run-gemini-cli (`prompt`); any other AI action's inputs named like a prompt or "
        "instructions (confidence low, persona pedantic). The model reads the text as instructions next to the "
        "workflow's own, so a crafted issue can steer an agent that holds the job's token and secrets. Also a "
        "`run:` script calling an agent CLI (`claude -p`, `codex exec`, `gemini -p`, `copilot -p`) with an "
        "environment variable set from such text: passing text through `env:` keeps it out of the shell (MD-104's "
        "remedy) but not out of the prompt — the model still reads it. Severity high on a trigger outsiders "
        "control (issues, issue_comment, pull_request_target, discussion, reviews, workflow_run) when the agent "
        "has tools and the job's token can write (a write scope, or no permissions declared); medium when the "
        "token can only read, or the model has no tools (ai-inference without `enable-github-mcp`). In reusable "
        "workflows and actions the caller's event decides (medium, confidence low), also for string inputs "
        "expanded into a prompt. Confidence medium: a model may or may not obey injected text. One finding per "
        "prompt input, at its first untrusted `${{ }}`.",
    .not_reported =
        "Agents that read the issue or pull request through their own tools (no untrusted `${{ }}` in the prompt); "
        "numbers, ids and the repository name (`github.event.issue.number`, `github.repository`), which cannot carry "
        "instructions; workflows that only run on push, pull_request, schedule or workflow_dispatch (their authors "
        "have write access; fork pull requests get no secrets to call a model with); `${{ }}` in a `run:` script "
        "that calls an agent CLI, which MD-104 reports as shell injection (one finding per problem); the model's "
        "output, which MD-003 follows.",
    .remediation =
        "Do not paste untrusted text into the prompt: give the agent the issue or pull request number and let it "
        "read the text through its tools as data, run it only for trusted actors (the actions' write-access check, "
        "no `allowed_non_write_users`), and give the job a read-only token with the tools it needs and nothing more.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "on:\n"
        "  issues:\n"
        "    types: [opened]\n"
        "jobs:\n"
        "  triage:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions:\n"
        "      issues: write\n"
        "    steps:\n"
        "      - uses: anthropics/claude-code-action@v1\n"
        "        with:\n"
        "          prompt: |\n"
        "            Label this issue: ${{ github.event.issue.body }}   # the author's text becomes instructions\n",
};

bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Whether `script` reads the shell variable `name`: $NAME or ${NAME}.
bool reads_variable(std::string_view script, std::string_view name) {
  for (std::size_t p = script.find(name); p != std::string_view::npos; p = script.find(name, p + 1)) {
    const std::size_t end = p + name.size();
    if (p >= 1 && script[p - 1] == '$' && (end == script.size() || !name_char(script[end]))) return true;
    if (p >= 2 && script.substr(p - 2, 2) == "${" && end < script.size() && script[end] == '}') return true;
  }
  return false;
}

bool truthy(std::string_view v) {
  return v == "true" || v == "True" || v == "TRUE";
}

// An input name that reads like a prompt on an action we know only by its name.
bool prompt_like(std::string_view key) {
  std::string k(key);
  std::transform(k.begin(), k.end(), k.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return k.find("prompt") != std::string::npos || k.find("instruction") != std::string::npos;
}

// What the step hands the text to.
struct Sink {
  bool tools = true;      // an agent that acts (not a model that only answers)
  bool known = true;      // an action whose prompt inputs we know
  std::string_view what;  // for the message
};

class Md122 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_step(const StepNode& n, FindingSink& out) const override { check(n, out); }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { check(n, out); }

 private:
  // On which trigger the text is the attacker's: an outsider-controlled one,
  // or the caller's (reusable workflows, actions); nullopt when only people
  // with write access can start the run.
  struct Exposure {
    const Located* trigger = nullptr;  // the outsider-controlled trigger; nullptr: the caller's event decides
  };
  static std::optional<Exposure> exposure(const StepNode& n) {
    if (const Located* t = n.job.workflow.outsider_trigger) return Exposure{t};
    const WorkflowFile& wf = n.file();
    if (wf.is_action || wf.has_trigger("workflow_call")) return Exposure{nullptr};
    return std::nullopt;
  }

  static bool token_can_write(const StepNode& n) {
    const Job& job = n.job.job;
    const Permissions& p = job.permissions.present ? job.permissions : n.file().permissions;
    if (!p.present) return true;  // the default token may write
    return gha::broadest(p) == gha::Level::kWrite;
  }

  static void check(const StepNode& n, FindingSink& out) {
    const Step& step = n.step;
    const std::optional<Exposure> ex = exposure(n);
    if (!ex) return;
    if (step.uses) {
      check_action(n, *ex, out);
    } else if (step.run) {
      check_cli(n, *ex, out);
    }
  }

  static void check_action(const StepNode& n, const Exposure& ex, FindingSink& out) {
    const Step& step = n.step;
    const std::string_view uses = step.uses->value;
    const auto known = gha::prompt_inputs(uses);
    Sink sink{true, !known.empty(), uses};
    if (known.empty() && gha::ai_action(uses) == gha::AiAction::kNone) return;
    if (gha::uses_action(step, "actions/ai-inference")) {
      const auto mcp = std::find_if(step.with.begin(), step.with.end(), [](const auto& w) {
        return (w.first == "enable-github-mcp" || w.first == "enable-mcp") && truthy(w.second.value);
      });
      sink.tools = mcp != step.with.end();
    }
    for (const auto& [key, value] : step.with) {
      if (!n.budget().step(1 + key.size())) return;
      const bool prompt = sink.known ? std::find(known.begin(), known.end(), key) != known.end() : prompt_like(key);
      // claude_args is a command line; only its system prompt options carry text the model reads.
      if (key == "claude_args" && value.value.find("system-prompt") == std::string_view::npos) continue;
      if (prompt) scan_input(n, ex, sink, key, value, out);
    }
  }

  // The first untrusted `${{ }}` of one prompt input.
  static void scan_input(const StepNode& n, const Exposure& ex, const Sink& sink, std::string_view key,
                         const Located& value, FindingSink& out) {
    Budget& budget = n.budget();
    if (!budget.step(value.value.size())) return;
    for (const auto& t : expr::templates(value.value)) {
      if (!budget.step(t.length)) return;
      const expr::Parsed p = expr::parse(t.inner);
      if (!p.ok()) continue;
      for (const auto& r : expr::contexts(*p.expression)) {
        if (!r.flows) continue;
        const auto v = gha::untrusted_value(n.file(), n.job.job, n.step, r.path, budget);
        if (!v) continue;
        PositionCursor cursor(n.file(), value);
        const Position at = cursor.at(t.offset);
        const Position end = cursor.at(t.offset + t.length);
        const std::string written(p.expression->slice(r.span));
        emit(n, ex, sink, *v, at, end.line == at.line ? std::optional(end) : std::nullopt,
             str_cat(
                 {"`", written, "`", origin_note(*v), " is expanded into the `", key, "` input of `", sink.what, "`"}),
             std::string(value.value.substr(t.offset, t.length)), r.path, out);
        return;
      }
    }
  }

  // An agent CLI in the script, with an environment variable set from
  // attacker-controlled text that the script reads: reported at the env value.
  static void check_cli(const StepNode& n, const Exposure& ex, FindingSink& out) {
    const WorkflowFile& wf = n.file();
    const Located& run = *n.step.run;
    Budget& budget = n.budget();
    const auto call = gha::agent_cli_call(run.value, budget);
    if (!call) return;
    std::vector<std::string_view> seen;  // a step's variable hides its job's and workflow's
    for (const auto* env : {&n.step.env, &n.job.job.env, &wf.env}) {
      for (const auto& [name, value] : *env) {
        if (!budget.step(1 + name.size() + run.value.size())) return;
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
        seen.push_back(name);
        if (!reads_variable(run.value, name)) continue;
        const std::string origin = gha::attacker_controlled_in(value.value, budget);
        if (origin.empty()) continue;
        const Sink sink{true, true, call->command};
        const Position cli = PositionCursor(wf, run).at(call->offset);
        emit(n, ex, sink, gha::UntrustedValue{gha::Untrusted::kEnv, origin}, wf.position(value), std::nullopt,
             str_cat({"`$", name, "` (set from `", origin, "`) becomes the prompt of the `", call->command,
                      "` CLI (line ", std::to_string(cli.line), ")"}),
             std::string(value.value), origin, out, &cli);
        return;
      }
    }
  }

  static std::string origin_note(const gha::UntrustedValue& v) {
    switch (v.kind) {
      case gha::Untrusted::kEvent:
      case gha::Untrusted::kCallerInput: return {};
      case gha::Untrusted::kEnv: return str_cat({" (set from `", v.origin, "`)"});
      case gha::Untrusted::kMatrix: return str_cat({" (a matrix value built from `", v.origin, "`)"});
      case gha::Untrusted::kJobOutput: return str_cat({" (a job output set from `", v.origin, "`)"});
    }
    return {};
  }

  static void emit(const StepNode& n, const Exposure& ex, const Sink& sink, const gha::UntrustedValue& v, Position at,
                   std::optional<Position> until, const std::string& what, const std::string& expression,
                   std::string_view context, FindingSink& out, const Position* cli = nullptr) {
    const WorkflowFile& wf = n.file();
    const bool write = token_can_write(n);
    Severity severity = Severity::kMedium;
    Confidence confidence = Confidence::kMedium;
    std::string who;   // who writes the text
    std::string tail;  // what the agent can do with it
    if (v.kind == gha::Untrusted::kCallerInput || !ex.trigger) {
      confidence = Confidence::kLow;
      who = wf.is_action ? "whoever uses this action decides the text, which may be an outsider's"
                         : "the caller's event decides the text, which may be an outsider's";
    } else {
      severity = sink.tools && write ? Severity::kHigh : Severity::kMedium;
      who = str_cat({"on `", ex.trigger->value, "` anyone can write it"});
      tail = str_cat({"; the ", sink.tools ? "agent acts with a token that " : "model answers in a job whose token ",
                      write ? "can write" : "can only read"});
    }
    if (!sink.known) confidence = Confidence::kLow;
    const Step& step = n.step;
    const std::string_view step_name = step.name ? step.name->value : step.id ? step.id->value : std::string_view();
    FindingBuilder b(kInfo);
    b.severity(severity).confidence(confidence).at(wf, at);
    if (!sink.known) b.persona(Persona::kPedantic);
    if (until) b.until(*until);
    if (cli) b.related(wf, *cli, "the agent CLI call");
    if (ex.trigger) b.related(wf, *ex.trigger, str_cat({"the `", ex.trigger->value, "` trigger"}));
    b.message(str_cat({what, step_name.empty() ? "" : " in step '", step_name, step_name.empty() ? "" : "'", " of ",
                       wf.is_action ? "this action" : str_cat({"job '", n.job.job.id, "'"}), ": ", who,
                       ", and the model reads it as instructions", tail}))
        .context(context_object("expression", expression, "context", std::string(context), "job", n.job.job.id))
        .emit(out);
  }
};

}  // namespace
}  // namespace md_122

std::unique_ptr<Rule> make_md_122() {
  return std::make_unique<md_122::Md122>();
}

}  // namespace pm::engine::rules
