#!/usr/bin/env bash
# make bench: Release build, Google Benchmark micro-benchmarks, then the
# end-to-end stdio harness. --smoke runs each benchmark briefly to prove it executes.
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
[[ ${1:-} == --smoke ]] && smoke=1
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target pm_bench phase-mirror-mcp
if ((smoke)); then
  build/release/bench/pm_bench --benchmark_min_time=0.001 >/dev/null
  echo "benchmarks: smoke run OK"
else
  mkdir -p build/bench-results
  build/release/bench/pm_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_out=build/bench-results/micro.json --benchmark_out_format=json
  if [[ -x bench/e2e/run.sh ]]; then bench/e2e/run.sh build/release/phase-mirror-mcp; fi
fi
