#include "engine/walk.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "util/answer.hpp"

namespace pm::engine {

namespace {

// What a finding holds, roughly, in bytes: its strings and its context.
std::uint64_t bytes_of(const Json& j) {
  if (j.is_string()) return j.get_ref<const std::string&>().size() + sizeof(Json);
  std::uint64_t n = sizeof(Json);
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) n += it.key().size() + bytes_of(*it);
  } else if (j.is_array()) {
    for (const auto& v : j) n += bytes_of(v);
  }
  return n;
}

std::uint64_t bytes_of(const Finding& f) {
  std::uint64_t n = sizeof(Finding) + f.message.size() + f.evidence.size() + f.file.size();
  for (const auto& r : f.related) n += sizeof(r) + r.file.size() + r.message.size();
  return n + bytes_of(f.context);
}

// Calls `visit` for every target that has not thrown yet; false once the
// budget has stopped.
template <class Visit>
bool each(const AnalysisInput& input, std::span<WalkTarget> targets, Budget& budget, Visit visit) {
  for (auto& t : targets) {
    if (t.error) continue;
    FindingSink sink(*t.out, budget, t.only_reported ? &input : nullptr, &t.unreported);
    try {
      visit(*t.rule, sink);
    } catch (...) {
      t.error = std::current_exception();
    }
    if (budget.stopped()) return false;
  }
  return true;
}

}  // namespace

bool FindingSink::reports(Persona persona, Confidence confidence) {
  if (levels_ == nullptr || (reported_in(persona, levels_->persona) && confidence >= levels_->min_confidence)) {
    return true;
  }
  if (unreported_ != nullptr) ++*unreported_;
  return false;
}

void FindingSink::push_back(Finding f) {
  if (budget_.charge(bytes_of(f))) out_.push_back(std::move(f));
}

bool walk(const AnalysisInput& input, std::span<WalkTarget> targets, Budget& budget) {
  if (!each(input, targets, budget, [&](const WorkflowRule& r, FindingSink& out) { r.visit_input(input, out); })) {
    return false;
  }
  for (const auto& file : input.workflows) {
    if (!budget.step()) return false;
    if (file.parse_error) continue;
    const gha::Kind kind = gha::kind_of(file);
    const WorkflowNode wn{input, file, kind, gha::first_outsider_trigger(file), budget};
    if (file.is_action) {
      if (!each(input, targets, budget, [&](const WorkflowRule& r, FindingSink& out) { r.visit_action(wn, out); })) {
        return false;
      }
      // An action's steps are the pseudo-job "runs"; only a composite action's are steps of its own.
      for (const auto& job : file.jobs) {
        const JobNode jn{wn, job};
        for (std::size_t i = 0; i < job.steps.size(); ++i) {
          if (!budget.step()) return false;
          const StepNode sn{jn, job.steps[i], i};
          if (!each(input, targets, budget,
                    [&](const WorkflowRule& r, FindingSink& out) { r.visit_composite_step(sn, out); })) {
            return false;
          }
        }
      }
      continue;
    }
    if (!each(input, targets, budget, [&](const WorkflowRule& r, FindingSink& out) { r.visit_workflow(wn, out); })) {
      return false;
    }
    for (const auto& job : file.jobs) {
      if (!budget.step()) return false;
      const JobNode jn{wn, job};
      if (!each(input, targets, budget, [&](const WorkflowRule& r, FindingSink& out) { r.visit_job(jn, out); })) {
        return false;
      }
      for (std::size_t i = 0; i < job.steps.size(); ++i) {
        if (!budget.step()) return false;
        const StepNode sn{jn, job.steps[i], i};
        if (!each(input, targets, budget, [&](const WorkflowRule& r, FindingSink& out) { r.visit_step(sn, out); })) {
          return false;
        }
      }
    }
  }
  return true;
}

void WorkflowRule::evaluate(const AnalysisInput& input, std::vector<Finding>& out, Budget& budget) const {
  WalkTarget target{this, &out, nullptr};
  walk(input, std::span<WalkTarget>(&target, 1), budget);
  if (target.error) std::rethrow_exception(target.error);
}

// ---- FindingBuilder ---------------------------------------------------------

namespace {

// The trimmed source line, cut to answer::kMaxEvidenceBytes at a character
// boundary (the findingId hashes this cut, without a mark); `clipped` says
// whether it was cut.
std::string evidence_of(std::string_view line, bool& clipped) {
  clipped = false;
  const auto b = line.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  line = line.substr(b, line.find_last_not_of(" \t") - b + 1);
  if (line.size() > answer::kMaxEvidenceBytes) {
    std::size_t cut = answer::kMaxEvidenceBytes;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line = line.substr(0, cut);
    clipped = true;
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
  f_.evidence = evidence_of(wf.source_line(p.line), f_.evidence_clipped);
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
  f_.evidence_clipped = false;
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
