#pragma once
// Store-backed hooks of analyze_dissonance: FP suppression from the FP store
// and the circuit breaker from the block counter. Both fail open: a store
// failure suppresses nothing and trips nothing; it is logged, and the result
// says degradedMode with the reason (opt.store_degradation).
#include "engine/analyzer.hpp"
#include "tools/registry.hpp"

namespace pm::tools {

// Fills opt.is_false_positive, opt.circuit_breaker_tripped, opt.record_block and
// opt.store_degradation for the org of the request. No-op when rt has no stores.
void attach_store_hooks(Runtime& rt, const engine::AnalysisRequest& req, engine::AnalyzerOptions& opt);

}  // namespace pm::tools
