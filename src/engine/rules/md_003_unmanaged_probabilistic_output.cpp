// MD-003: output of an AI/LLM step acted upon without a gate.
#include <algorithm>
#include <string_view>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_003 {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// How the AI step's output is read where it is consumed: in its own job as
// `steps.<id>.outputs`; in a job that needs the job whose output carries it,
// as `needs.<job>.outputs.<name>` or the whole outputs object (e.g. in
// toJSON). Context paths in lower case, as expr::contexts gives them.
struct OutputRef {
  std::string path;    // steps.<id>.outputs or needs.<job>.outputs.<name>
  std::string object;  // needs.<job>.outputs ("" in the AI step's own job)
  std::string via;     // "" in the AI step's own job, else the needs.* path it travels
};

bool reads_output(const expr::ContextRead& r, const OutputRef& ref) {
  if (expr::under(r.path, ref.path)) return true;
  // A whole object holding it (`toJSON(steps.ai)`, `toJSON(needs.review.outputs)`)
  // carries it too.
  return expr::under(ref.object.empty() ? ref.path : ref.object, r.path);
}

// The first `${{ }}` of `v` reading the output: its offset in `v`, npos when
// none (or once the budget has stopped).
std::size_t find_reference(std::string_view v, const OutputRef& ref, Budget& budget) {
  if (!budget.step(v.size())) return std::string_view::npos;
  for (const auto& t : expr::templates(v)) {
    if (!budget.step(t.length)) return std::string_view::npos;
    const expr::Parsed p = expr::parse(t.inner);
    if (!p.ok()) continue;
    for (const auto& r : expr::contexts(*p.expression)) {
      if (reads_output(r, ref)) return t.offset;
    }
  }
  return std::string_view::npos;
}

// An `if:` that holds the step or job back until someone approved, or a
// confidence value passed.
bool is_gate_condition(const OptionalLocated& cond) {
  if (!cond) return false;
  return expr::tests(expr::parse_condition(cond->value), [](std::string_view t) {
    return t.find("approv") != std::string_view::npos || t.find("confiden") != std::string_view::npos;
  });
}

bool write_scoped(const WorkflowFile& wf, const Job& job) {
  const Permissions& p = job.permissions.present ? job.permissions : wf.permissions;
  if (!p.present) return true;  // default token: may be write
  return gha::broadest(p) == gha::Level::kWrite;
}

constexpr std::string_view kTags[] = {"ai-agents", "security"};

constexpr RuleInfo kInfo{
    .id = "MD-003",
    .title = "Unmanaged probabilistic output",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "The output (`steps.<id>.outputs.*`) of an AI/LLM step — an action known to call a model "
        "(anthropics/claude-code-action, openai/*, actions/ai-inference, github/copilot*, "
        "google-github-actions/run-gemini-cli; confidence high), an action whose name contains ai, llm, gpt, "
        "claude, gemini, ... (confidence medium), or a `run:` script calling a model API (api.openai.com, "
        "api.anthropic.com, generativelanguage.googleapis.com, `gh models run`, the `llm` CLI, ...; confidence "
        "medium) — read by a later step of the same job, or, through a job output that carries it (`outputs:`), by "
        "a step of a job that `needs` that job (`needs.<job>.outputs.<name>` or the whole outputs object): in a "
        "`run:` script or its env (including merges such as `gh pr merge`), or as input to a step whose job token "
        "can write (explicit write scopes, or no permissions declared). The finding cites the consuming line, with "
        "the AI step as a related location.",
    .not_reported =
        "Gated consumers: the job runs in an `environment:` (assumed to require reviewers), or the consuming step's "
        "`if:` (or, for a job reached through a job output, that job's `if:`) tests an approval or confidence value "
        "and can be false. Inputs of steps whose token can only read. Outputs of steps that are not recognisably "
        "AI.",
    .remediation =
        "Treat model output as untrusted input: put the consuming job behind an environment with required "
        "reviewers, or gate the step with an `if:` on an explicit approval or confidence threshold, and never feed "
        "it directly into shell code or merges.",
    .adr_refs = {},
    .tags = kTags,
};

struct AiStep {
  const Step* step = nullptr;
  std::string id;      // lower case
  std::string source;  // for the message
  Confidence confidence = Confidence::kHigh;
};

class Md003 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_job(const JobNode& n, FindingSink& out) const override {
    const Job& job = n.job;
    Budget& budget = n.budget();
    if (job.environment) return;  // gated by the environment's reviewers
    for (std::size_t i = 0; i < job.steps.size(); ++i) {
      if (!budget.step()) return;
      const Step& s = job.steps[i];
      if (!s.id) continue;
      AiStep ai{&s, lower(s.id->value), "", Confidence::kHigh};
      if (s.uses) {
        const gha::AiAction kind = gha::ai_action(s.uses->value);
        if (kind == gha::AiAction::kKnown) {
          ai.source = str_cat({"AI action `", s.uses->value, "`"});
        } else if (kind == gha::AiAction::kNamed) {
          ai.source = str_cat({"AI action `", s.uses->value, "`"});
          ai.confidence = Confidence::kMedium;
        }
      } else if (s.run) {
        if (!budget.step(s.run->value.size())) return;
        const std::string call = gha::model_call_in(s.run->value);
        if (!call.empty()) {
          ai.source = "model call (" + call + ")";
          ai.confidence = Confidence::kMedium;
        }
      }
      if (ai.source.empty()) continue;
      const OutputRef own{str_cat({"steps.", ai.id, ".outputs"}), "", ""};
      consumers(n.workflow.file, job, i + 1, own, ai, budget, out);
      through_job_outputs(n.workflow.file, job, own, ai, budget, out);
    }
  }

 private:
  // Job outputs that carry the AI step's output reach the steps of the jobs
  // that need this job, unless such a job runs in an environment or its `if:`
  // is a gate.
  static void through_job_outputs(const WorkflowFile& wf, const Job& job, const OutputRef& own, const AiStep& ai,
                                  Budget& budget, FindingSink& out) {
    const std::string job_id = lower(job.id);
    for (const auto& [name, value] : job.outputs) {
      if (find_reference(value.value, own, budget) == std::string_view::npos) continue;
      const std::string path = str_cat({"needs.", job_id, ".outputs.", lower(name)});
      const OutputRef via{path, str_cat({"needs.", job_id, ".outputs"}), path};
      for (const auto& other : wf.jobs) {
        if (!budget.step(1 + other.needs.size())) return;
        if (&other == &job || other.environment || is_gate_condition(other.if_cond)) continue;
        const bool needs_it =
            std::any_of(other.needs.begin(), other.needs.end(), [&](std::string_view x) { return lower(x) == job_id; });
        if (needs_it) consumers(wf, other, 0, via, ai, budget, out);
      }
    }
  }

  static void consumers(const WorkflowFile& wf, const Job& job, std::size_t first, const OutputRef& ref,
                        const AiStep& ai, Budget& budget, FindingSink& out) {
    const std::string through = ref.via.empty() ? "" : str_cat({" (through `", ref.via, "`)"});
    for (std::size_t j = first; j < job.steps.size(); ++j) {
      if (!budget.step()) return;
      const Step& s = job.steps[j];
      if (is_gate_condition(s.if_cond)) continue;
      const std::string step_name = s.name ? std::string(s.name->value)
                                    : s.id ? std::string(s.id->value)
                                           : "#" + std::to_string(j + 1);
      if (s.run) {
        if (const std::size_t off = find_reference(s.run->value, ref, budget); off != std::string_view::npos) {
          add(wf, PositionCursor(wf, *s.run).at(off), ai,
              str_cat({"the run script of step '", step_name, "'", through}), job, out);
          continue;
        }
        const auto env = std::find_if(s.env.begin(), s.env.end(), [&](const auto& e) {
          return find_reference(e.second.value, ref, budget) != std::string_view::npos;
        });
        if (env != s.env.end()) {
          add(wf, wf.position(env->second), ai,
              str_cat({"env `", env->first, "` of the run step '", step_name, "'", through}), job, out);
          continue;
        }
      }
      if (s.uses && write_scoped(wf, job)) {
        const auto in = std::find_if(s.with.begin(), s.with.end(), [&](const auto& w) {
          return find_reference(w.second.value, ref, budget) != std::string_view::npos;
        });
        if (in != s.with.end()) {
          add(wf, wf.position(in->second), ai,
              str_cat({"input `", in->first, "` of step '", step_name, "' (`", s.uses->value,
                       "`) with a write-capable token", through}),
              job, out);
        }
      }
    }
  }

  static void add(const WorkflowFile& wf, Position at, const AiStep& ai, const std::string& sink, const Job& job,
                  FindingSink& out) {
    FindingBuilder(kInfo)
        .confidence(ai.confidence)
        .at(wf, at)
        .related(wf, *ai.step->id, "the AI step")
        .message(str_cat({"Output of step '", ai.id, "' (", ai.source, ") flows into ", sink, " in job '", job.id,
                          "' without a review or confidence gate"}))
        .context(context_object("aiStep", ai.id, "job", job.id))
        .emit(out);
  }
};

}  // namespace
}  // namespace md_003

std::unique_ptr<Rule> make_md_003() {
  return std::make_unique<md_003::Md003>();
}

}  // namespace pm::engine::rules
