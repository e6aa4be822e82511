// The five L0 invariant checks on already-loaded inputs (PRODUCT.md §11:
// L0 pure checks < 100 ns p99). Two views per check:
// - BM_L0_<check>: Google Benchmark's mean time per evaluation, with repetitions;
// - BM_L0_<check>_p99: a sampling loop that times batches of kBatch
//   evaluations with steady_clock (one evaluation is shorter than the clock's
//   own overhead) and reports p50_ns/p99_ns/max_ns per evaluation as counters.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "l0/invariants.hpp"
#include "l0/load.hpp"
#include "util/crypto.hpp"

namespace {

using namespace pm::l0;

constexpr int kBatch = 32;

SchemaHashInput schema_input() {
  SchemaHashInput in;
  const std::string digest = pm::sha256_hex(R"({"version":"1.0","type":"test"})");
  std::copy(digest.begin(), digest.end(), in.actual.begin());
  normalise_expected_hash(digest, in);  // full 64-char comparison: the slowest case
  return in;
}

// A realistic workflow: a workflow-level block and three jobs with scopes.
const std::vector<Grant>& grants() {
  static const std::vector<Grant> g = {
      {Level::kRead, Level::kRead, false, 4},    {Level::kRead, Level::kRead, false, 5},
      {Level::kWrite, Level::kWrite, false, 12}, {Level::kRead, Level::kRead, false, 13},
      {Level::kWrite, Level::kRead, false, 20},  {Level::kNone, Level::kRead, false, 28},
      {Level::kWrite, Level::kRead, true, 35},   {Level::kRead, Level::kRead, false, 36}};
  return g;
}

NonceInput nonce_input() {
  NonceInput in;
  in.now_ms = 1795594633344;
  in.timestamp_ms = in.now_ms - 42'000;
  return in;
}

template <class In, class Check>
void mean_bench(benchmark::State& state, const In& input, Check check) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(&input);
    auto out = check(input);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
}

template <class In, class Check>
void p99_bench(benchmark::State& state, const In& input, Check check) {
  std::vector<double> samples;
  samples.reserve(1 << 16);
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kBatch; ++i) {
      benchmark::DoNotOptimize(&input);
      auto out = check(input);
      benchmark::DoNotOptimize(out);
      benchmark::ClobberMemory();
    }
    const auto t1 = std::chrono::steady_clock::now();
    samples.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / kBatch);
  }
  if (samples.empty()) return;
  std::sort(samples.begin(), samples.end());
  auto pct = [&](double p) {
    return samples[std::min(samples.size() - 1, static_cast<std::size_t>(samples.size() * p))];
  };
  state.counters["p50_ns"] = pct(0.50);
  state.counters["p99_ns"] = pct(0.99);
  state.counters["max_ns"] = samples.back();
  state.counters["target_ns"] = 100;
}

const SchemaHashInput kSchema = schema_input();
const DriftInput kDrift{10, 9, 0.5};
const NonceInput kNonce = nonce_input();
const ContractionInput kContraction{0.15, 0.10, 12, 10, true};

PermissionInput permission_input() {
  return PermissionInput{grants(), false};
}

void BM_L0_001_SchemaHash(benchmark::State& s) {
  mean_bench(s, kSchema, check_schema_hash);
}
void BM_L0_002_Permissions(benchmark::State& s) {
  mean_bench(s, permission_input(), check_permissions);
}
void BM_L0_003_Drift(benchmark::State& s) {
  mean_bench(s, kDrift, check_drift);
}
void BM_L0_004_Nonce(benchmark::State& s) {
  mean_bench(s, kNonce, check_nonce);
}
void BM_L0_005_Contraction(benchmark::State& s) {
  mean_bench(s, kContraction, check_contraction);
}

void BM_L0_001_SchemaHash_p99(benchmark::State& s) {
  p99_bench(s, kSchema, check_schema_hash);
}
void BM_L0_002_Permissions_p99(benchmark::State& s) {
  p99_bench(s, permission_input(), check_permissions);
}
void BM_L0_003_Drift_p99(benchmark::State& s) {
  p99_bench(s, kDrift, check_drift);
}
void BM_L0_004_Nonce_p99(benchmark::State& s) {
  p99_bench(s, kNonce, check_nonce);
}
void BM_L0_005_Contraction_p99(benchmark::State& s) {
  p99_bench(s, kContraction, check_contraction);
}

BENCHMARK(BM_L0_001_SchemaHash)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_L0_002_Permissions)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_L0_003_Drift)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_L0_004_Nonce)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_L0_005_Contraction)->Repetitions(5)->ReportAggregatesOnly(true);

BENCHMARK(BM_L0_001_SchemaHash_p99)->Iterations(20000)->Repetitions(3);
BENCHMARK(BM_L0_002_Permissions_p99)->Iterations(20000)->Repetitions(3);
BENCHMARK(BM_L0_003_Drift_p99)->Iterations(20000)->Repetitions(3);
BENCHMARK(BM_L0_004_Nonce_p99)->Iterations(20000)->Repetitions(3);
BENCHMARK(BM_L0_005_Contraction_p99)->Iterations(20000)->Repetitions(3);

}  // namespace
