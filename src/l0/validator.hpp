#pragma once
// Runs the invariant checks over loaded inputs, timing each one, and renders
// the result payload of validate_l0_invariants (reference shape: validation
// {allPassed, checksRun, passed, failed, performanceNs,
// withinPerformanceTarget, results, recommendations, report}).
#include <cstddef>
#include <string>
#include <vector>

#include "l0/invariants.hpp"
#include "l0/load.hpp"
#include "util/json.hpp"

namespace pm::l0 {

inline constexpr long long kTargetNsPerCheck = 100;
// Each check is timed over this many back-to-back evaluations (after one
// untimed warm-up) and reported per evaluation: a single evaluation is
// shorter than the clock's own overhead.
inline constexpr int kTimingRuns = 16;

struct CheckResult {
  Invariant invariant = Invariant::kSchemaHash;
  std::size_t index = 0;  // workflow index for L0-002
  bool passed = true;
  long long ns = 0;  // per evaluation
  PermissionOutcome permissions;
  DriftOutcome drift;
  NonceOutcome nonce;
  ContractionOutcome contraction;
};

struct Evaluation {
  std::vector<CheckResult> results;  // L0-001, L0-002 per workflow, L0-003, L0-004, L0-005
  long long total_ns = 0;
  long long max_ns = 0;
  bool within_target = true;
  std::size_t failed = 0;
};

// Evaluates every loaded invariant. Only the pure checks are timed.
Evaluation evaluate(const Inputs& in);

// {validation: {...}} plus fileErrors/degradedReason when present.
Json render(const Inputs& in, const Evaluation& ev);

// pass when everything passed and every file could be read; block on any
// failed invariant; warn when only file errors spoil a pass.
std::string decision(const Inputs& in, const Evaluation& ev);

// JS-style toFixed(1) for messages.
std::string fixed1(double v);

}  // namespace pm::l0
