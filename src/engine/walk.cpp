#include "engine/walk.hpp"

#include <algorithm>
#include <cctype>

namespace pm::engine {

namespace {

// Calls `visit` for every target that has not thrown yet.
template <class Visit>
void each(std::span<WalkTarget> targets, Visit visit) {
  for (auto& t : targets) {
    if (t.error) continue;
    try {
      visit(*t.rule, *t.out);
    } catch (...) {
      t.error = std::current_exception();
    }
  }
}

bool stopped(const StopCheck& stop) {
  return stop && stop();
}

}  // namespace

bool walk(const AnalysisInput& input, std::span<WalkTarget> targets, const StopCheck& stop) {
  each(targets, [&](const WorkflowRule& r, std::vector<Finding>& out) { r.visit_input(input, out); });
  for (const auto& file : input.workflows) {
    if (stopped(stop)) return false;
    if (file.parse_error) continue;
    const gha::Kind kind = gha::kind_of(file);
    const WorkflowNode wn{input, file, kind, gha::first_outsider_trigger(file)};
    if (file.is_action) {
      each(targets, [&](const WorkflowRule& r, std::vector<Finding>& out) { r.visit_action(wn, out); });
      // An action's steps are the pseudo-job "runs"; only a composite action's are steps of its own.
      for (const auto& job : file.jobs) {
        const JobNode jn{wn, job};
        for (std::size_t i = 0; i < job.steps.size(); ++i) {
          if (stopped(stop)) return false;
          const StepNode sn{jn, job.steps[i], i};
          each(targets, [&](const WorkflowRule& r, std::vector<Finding>& out) { r.visit_composite_step(sn, out); });
        }
      }
      continue;
    }
    each(targets, [&](const WorkflowRule& r, std::vector<Finding>& out) { r.visit_workflow(wn, out); });
    for (const auto& job : file.jobs) {
      if (stopped(stop)) return false;
      const JobNode jn{wn, job};
      each(targets, [&](const WorkflowRule& r, std::vector<Finding>& out) { r.visit_job(jn, out); });
      for (std::size_t i = 0; i < job.steps.size(); ++i) {
        if (stopped(stop)) return false;
        const StepNode sn{jn, job.steps[i], i};
        each(targets, [&](const WorkflowRule& r, std::vector<Finding>& out) { r.visit_step(sn, out); });
      }
    }
  }
  return true;
}

void WorkflowRule::evaluate(const AnalysisInput& input, std::vector<Finding>& out) const {
  WalkTarget target{this, &out, nullptr};
  walk(input, std::span<WalkTarget>(&target, 1), nullptr);
  if (target.error) std::rethrow_exception(target.error);
}

// ---- FindingBuilder ---------------------------------------------------------

namespace {

constexpr std::size_t kMaxEvidence = 200;

// The trimmed source line, cut to kMaxEvidence bytes at a character boundary.
std::string evidence_of(std::string_view line) {
  const auto b = line.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  line = line.substr(b, line.find_last_not_of(" \t") - b + 1);
  if (line.size() > kMaxEvidence) {
    std::size_t cut = kMaxEvidence;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line = line.substr(0, cut);
  }
  return std::string(line);
}

}  // namespace

FindingBuilder::FindingBuilder(const RuleInfo& info) : info_(info) {
  f_.rule_id = std::string(info.id);
  f_.severity = info.severity;
  f_.confidence = info.confidence;
  f_.persona = info.persona;
}

FindingBuilder& FindingBuilder::severity(Severity s) {
  f_.severity = s;
  return *this;
}

FindingBuilder& FindingBuilder::confidence(Confidence c) {
  f_.confidence = c;
  return *this;
}

FindingBuilder& FindingBuilder::persona(Persona p) {
  f_.persona = p;
  return *this;
}

FindingBuilder& FindingBuilder::message(std::string m) {
  f_.message = std::move(m);
  return *this;
}

FindingBuilder& FindingBuilder::at(const WorkflowFile& wf, Position p) {
  f_.file = wf.path;
  f_.line = p.line;
  f_.column = p.column;
  f_.evidence = evidence_of(wf.source_line(p.line));
  return *this;
}

FindingBuilder& FindingBuilder::until(Position p) {
  f_.end_line = p.line;
  f_.end_column = p.column;
  return *this;
}

FindingBuilder& FindingBuilder::in_file(std::string file, std::string evidence) {
  f_.file = std::move(file);
  f_.evidence = std::move(evidence);
  return *this;
}

FindingBuilder& FindingBuilder::related(const WorkflowFile& wf, Position p, std::string message) {
  f_.related.push_back(RelatedLocation{wf.path, p.line, p.column, std::move(message)});
  return *this;
}

FindingBuilder& FindingBuilder::context(Json c) {
  f_.context = std::move(c);
  return *this;
}

Finding FindingBuilder::build() {
  f_.remediation = std::string(info_.remediation);
  f_.adr_refs.assign(info_.adr_refs.begin(), info_.adr_refs.end());
  f_.finding_id = finding_id(f_.rule_id, f_.file, f_.evidence);
  return std::move(f_);
}

}  // namespace pm::engine
