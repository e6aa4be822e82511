// MD-003: output of an AI/LLM step acted upon without a gate.
#include <algorithm>
#include <array>
#include <string_view>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

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

bool is_ai_action(std::string_view uses) {
  std::string u = lower(uses.substr(0, uses.find('@')));
  for (auto k : kKnownAiActions) {
    if (u.rfind(k, 0) == 0) return true;
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i <= u.size(); ++i) {
    if (i < u.size() && ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= '0' && u[i] <= '9'))) continue;
    std::string_view word(u.data() + start, i - start);
    for (auto w : kAiWords) {
      if (word == w) return true;
    }
    if (word.size() > 3 && word.substr(0, 3) == "gpt" && word[3] >= '0' && word[3] <= '9') return true;
    start = i + 1;
  }
  return false;
}

// A script that calls a model: a known API host, or the `llm` CLI as a command.
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

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// How the AI step's output is named where it is read: `steps.<id>.outputs`
// in its own job; in a job that needs a job whose output carries it,
// `needs.<job>.outputs.<name>` (the whole name) or the whole outputs object
// `needs.<job>.outputs` (e.g. in toJSON). Lower case, as normalised expressions.
struct OutputRef {
  std::string needle;
  std::string object;  // the whole outputs object ("" in the AI step's own job: `needle` is that)
  std::string via;     // "" in the AI step's own job, else the needs.* path it travels
};

// What may follow a context path for it to count as mentioned.
enum class Followed {
  kByAnything,  // `steps.ai.outputs` is also a prefix of `steps.ai.outputs.text`
  kNotByName,   // `needs.a.outputs.v`, not `needs.a.outputs.v2`
  kNotByPath,   // `needs.a.outputs` as a whole object, not `needs.a.outputs.x`
};

// Whether `needle` occurs in `text` as a context path: not preceded by a name
// character or a dot, and followed as `followed` allows.
bool mentions(const std::string& text, const std::string& needle, Followed followed) {
  for (std::size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) {
    const char before = p > 0 ? text[p - 1] : '\0';
    if (name_char(before) || before == '.') continue;
    const char after = p + needle.size() < text.size() ? text[p + needle.size()] : '\0';
    if (followed != Followed::kByAnything && name_char(after)) continue;
    if (followed == Followed::kNotByPath && after == '.') continue;
    return true;
  }
  return false;
}

// Whether an expression text references the output.
bool references_output(const std::string& normalized, const OutputRef& ref) {
  if (ref.object.empty()) return mentions(normalized, ref.needle, Followed::kByAnything);
  return mentions(normalized, ref.needle, Followed::kNotByName) ||
         mentions(normalized, ref.object, Followed::kNotByPath);
}

// The first `${{ }}` of `v` referencing the output; npos when none.
std::size_t find_reference(std::string_view v, const OutputRef& ref, std::string* raw) {
  for (const auto& e : find_expressions(v)) {
    if (references_output(e.normalized, ref)) {
      if (raw) *raw = e.raw;
      return e.offset;
    }
  }
  return std::string::npos;
}

bool is_gate_condition(const OptionalLocated& cond) {
  if (!cond) return false;
  std::string c = lower(cond->value);
  return c.find("approv") != std::string::npos || c.find("confiden") != std::string::npos;
}

bool write_scoped(const WorkflowFile& wf, const Job& job) {
  const Permissions& p = job.permissions.present ? job.permissions : wf.permissions;
  if (!p.present) return true;  // default token: may be write
  if (p.shorthand == "write-all") return true;
  for (const auto& [scope, level] : p.scopes) {
    if (level.value == "write") return true;
  }
  return false;
}

class Md003 final : public Rule {
 public:
  Md003() {
    info_.id = "MD-003";
    info_.title = "Unmanaged probabilistic output";
    info_.default_severity = "high";
    info_.description =
        "The output (`steps.<id>.outputs.*`) of an AI/LLM step — an action known to call a model "
        "(anthropics/claude-code-action, openai/*, actions/ai-inference, github/copilot*, "
        "google-github-actions/run-gemini-cli, or an action whose name contains ai, llm, gpt, claude, gemini, ...) or "
        "a `run:` script calling a model API (api.openai.com, api.anthropic.com, generativelanguage.googleapis.com, "
        "`gh models run`, the `llm` CLI, ...) — consumed by a later step of the same job, or, through a job output "
        "that carries it (`outputs:`), by a step of a job that `needs` that job (`needs.<job>.outputs.<name>`): "
        "expanded into a `run:` script or its env (including merges such as `gh pr merge`), or passed as input to a "
        "step whose job token can write (explicit write scopes, or no permissions declared). Not reported when "
        "gated: the job runs in an `environment:` (assumed to require reviewers), or the consuming step's `if:` "
        "(or, for a job reached through a job output, that job's `if:`) checks an approval or confidence value. "
        "The finding cites the consuming line.";
    info_.remediation =
        "Treat model output as untrusted input: put the consuming job behind an environment with required "
        "reviewers, or gate the step with an `if:` on an explicit approval or confidence threshold, and never feed "
        "it directly into shell code or merges.";
  }

  const RuleInfo& info() const override { return info_; }

  void evaluate(const AnalysisInput& input, std::vector<Finding>& out) const override {
    for (const auto& wf : input.workflows) {
      if (wf.parse_error) continue;
      for (const auto& job : wf.jobs) {
        if (job.environment) continue;  // gated by the environment's reviewers
        for (std::size_t i = 0; i < job.steps.size(); ++i) {
          const Step& ai = job.steps[i];
          if (!ai.id) continue;
          std::string source;
          if (ai.uses && is_ai_action(ai.uses->value)) {
            source = str_cat({"AI action `", ai.uses->value, "`"});
          } else if (ai.run) {
            std::string call = model_call_in(ai.run->value);
            if (!call.empty()) source = "model call (" + call + ")";
          }
          if (source.empty()) continue;
          const std::string id = lower(ai.id->value);
          const OutputRef own{str_cat({"steps.", id, ".outputs"}), "", ""};
          consumers(wf, job, i + 1, own, id, source, out);
          through_job_outputs(wf, job, own, id, source, out);
        }
      }
    }
  }

 private:
  // Job outputs that carry the AI step's output reach the steps of the jobs
  // that need this job, unless such a job runs in an environment or its
  // `if:` checks an approval or confidence value.
  void through_job_outputs(const WorkflowFile& wf, const Job& job, const OutputRef& own, const std::string& id,
                           const std::string& source, std::vector<Finding>& out) const {
    const std::string job_id = lower(job.id);
    for (const auto& [name, value] : job.outputs) {
      if (find_reference(value.value, own, nullptr) == std::string::npos) continue;
      const std::string path = str_cat({"needs.", job_id, ".outputs.", lower(name)});
      const OutputRef via{path, str_cat({"needs.", job_id, ".outputs"}), path};
      for (const auto& other : wf.jobs) {
        if (&other == &job || other.environment || is_gate_condition(other.if_cond)) continue;
        const bool needs_it =
            std::any_of(other.needs.begin(), other.needs.end(), [&](std::string_view n) { return lower(n) == job_id; });
        if (needs_it) consumers(wf, other, 0, via, id, source, out);
      }
    }
  }

  void consumers(const WorkflowFile& wf, const Job& job, std::size_t first, const OutputRef& ref, const std::string& id,
                 const std::string& source, std::vector<Finding>& out) const {
    const std::string through = ref.via.empty() ? "" : str_cat({" (through `", ref.via, "`)"});
    for (std::size_t j = first; j < job.steps.size(); ++j) {
      const Step& s = job.steps[j];
      if (is_gate_condition(s.if_cond)) continue;
      const std::string step_name = s.name ? std::string(s.name->value)
                                    : s.id ? std::string(s.id->value)
                                           : "#" + std::to_string(j + 1);
      std::string raw;
      if (s.run) {
        std::size_t off = find_reference(s.run->value, ref, &raw);
        if (off != std::string::npos) {
          add(wf, wf.line_of(*s.run, off, raw), id, source,
              str_cat({"the run script of step '", step_name, "'", through}), job, out);
          continue;
        }
        bool reported = false;
        for (const auto& [k, v] : s.env) {
          if (find_reference(v.value, ref, nullptr) == std::string::npos) continue;
          add(wf, v.line, id, source, str_cat({"env `", k, "` of the run step '", step_name, "'", through}), job, out);
          reported = true;
          break;
        }
        if (reported) continue;
      }
      if (s.uses && write_scoped(wf, job)) {
        for (const auto& [k, v] : s.with) {
          if (find_reference(v.value, ref, nullptr) == std::string::npos) continue;
          add(wf, v.line, id, source,
              str_cat({"input `", k, "` of step '", step_name, "' (`", s.uses->value, "`) with a write-capable token",
                       through}),
              job, out);
          break;
        }
      }
    }
  }

  void add(const WorkflowFile& wf, int line, const std::string& id, const std::string& source, const std::string& sink,
           const Job& job, std::vector<Finding>& out) const {
    Finding f;
    f.rule_id = info_.id;
    f.severity = "high";
    f.message = str_cat({"Output of step '", id, "' (", source, ") flows into ", sink, " in job '", job.id,
                         "' without a review or confidence gate"});
    f.file = wf.path;
    f.line = line;
    f.evidence = wf.line_text(line);
    f.remediation = info_.remediation;
    f.context = context_object("aiStep", id, "job", job.id);
    out.push_back(std::move(f));
  }

  RuleInfo info_;
};

}  // namespace

std::unique_ptr<Rule> make_md_003() {
  return std::make_unique<Md003>();
}

}  // namespace pm::engine::rules
