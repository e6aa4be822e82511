#!/usr/bin/env bash
# make bench: Release build, Google Benchmark micro-benchmarks, then the
# end-to-end stdio harness (bench/e2e). Results land in build/bench-results/.
# --smoke runs everything briefly (CI, via make test) to prove it executes.
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
[[ ${1:-} == --smoke ]] && smoke=1
jobs=${JOBS:-$(nproc)}
out=build/bench-results
mkdir -p "$out"

cmake --preset release >/dev/null
targets=(phase-mirror-mcp pm_stdio_bench)
# pm_bench exists once bench/micro holds at least one benchmark file.
if compgen -G "bench/micro/*.cpp" >/dev/null; then targets+=(pm_bench); fi
cmake --build --preset release -j "$jobs" --target "${targets[@]}"

micro=build/release/bench/pm_bench
stdio=build/release/bench/pm_stdio_bench
server=build/release/phase-mirror-mcp

if ((smoke)); then
  if [[ -x $micro ]]; then
    "$micro" --benchmark_min_time=0.001 >/dev/null
    echo "micro-benchmarks: smoke run OK"
  fi
  "$stdio" --binary "$server" --smoke --json "$out/stdio-smoke.json" >/dev/null
  echo "stdio harness: smoke run OK"
  exit 0
fi

if [[ -x $micro ]]; then
  # Repetitions give a spread per benchmark: median and p-like figures come from
  # the aggregates (mean, median, stddev) over 10 runs.
  "$micro" --benchmark_repetitions=10 --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/micro.json" --benchmark_out_format=json | tee "$out/micro.txt"
fi
"$stdio" --binary "$server" --json "$out/stdio.json" --markdown "$out/stdio.md" "$@"
echo "results: $out/"
