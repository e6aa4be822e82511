#pragma once
// Rules over GitHub Actions files and the one walker that drives them. A
// workflow rule implements only the visits it needs; the walker visits every
// parsed workflow and action once, job by job and step by step, calls every
// rule at each node, skips files that did not parse (the analyzer reports
// those as MD-000) and asks the call's budget between files, jobs and steps
// and after every visit. Rules ask the same budget (node.budget) in their own
// loops and return early once it has stopped.
#include <cstddef>
#include <exception>
#include <span>
#include <vector>

#include "engine/gha/gha.hpp"
#include "engine/rule.hpp"

namespace pm::engine {

struct WorkflowNode {
  const AnalysisInput& input;
  const WorkflowFile& file;
  gha::Kind kind;
  const Located* outsider_trigger;  // the first outsider-controlled trigger, or nullptr
  Budget& budget;                   // the call's: asked in every loop the input sizes
};

struct JobNode {
  const WorkflowNode& workflow;
  const Job& job;
  const WorkflowFile& file() const { return workflow.file; }
  Budget& budget() const { return workflow.budget; }
};

struct StepNode {
  const JobNode& job;
  const Step& step;
  std::size_t index;  // in the job's (or the composite action's) steps
  const WorkflowFile& file() const { return job.workflow.file; }
  Budget& budget() const { return job.workflow.budget; }
};

class WorkflowRule : public Rule {
 public:
  // Once per analysis, before any file: what the rule reads from the call
  // itself rather than from a file.
  virtual void visit_input(const AnalysisInput&, FindingSink&) const {}
  // A workflow (reusable or not), before its jobs.
  virtual void visit_workflow(const WorkflowNode&, FindingSink&) const {}
  // An action's metadata (action.yml), before its steps.
  virtual void visit_action(const WorkflowNode&, FindingSink&) const {}
  virtual void visit_job(const JobNode&, FindingSink&) const {}
  virtual void visit_step(const StepNode&, FindingSink&) const {}
  virtual void visit_composite_step(const StepNode&, FindingSink&) const {}

  // This rule alone over the input, through the walker; a visitor's
  // exception propagates.
  void evaluate(const AnalysisInput& input, std::vector<Finding>& out, Budget& budget) const final;
  using Rule::evaluate;
};

// One rule in a walk: where its findings go, and what it threw (the walker
// stops calling a rule once it has thrown).
struct WalkTarget {
  const WorkflowRule* rule = nullptr;
  std::vector<Finding>* out = nullptr;
  std::exception_ptr error;
  // Keep only what the input's persona and minConfidence report; the others
  // are counted here, not built.
  bool only_reported = false;
  std::size_t unreported = 0;
};

// Walks every parsed workflow and action of `input` for the targets. The
// findings each visit adds are charged to the budget's memory allowance.
// False once the budget has stopped (the findings are then incomplete).
bool walk(const AnalysisInput& input, std::span<WalkTarget> targets, Budget& budget);

}  // namespace pm::engine
