#!/usr/bin/env bash
# make bench: Release build, Google Benchmark micro-benchmarks, then the
# end-to-end stdio harness (bench/e2e), the scan harness and the HTTP harness
# (bench/http). Results land in build/bench-results/.
# --smoke runs everything briefly (CI, via make test) to prove it executes.
# --valgrind runs a short session of mixed calls under valgrind memcheck
# (--leak-check=full); the summary lands in build/bench-results/valgrind.log.
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
grind=0
[[ ${1:-} == --smoke ]] && smoke=1
[[ ${1:-} == --valgrind ]] && grind=1
jobs=${JOBS:-$(nproc)}
out=build/bench-results
mkdir -p "$out"

# PM_BENCH_NO_BUILD=1 measures the binaries already in build/release.
if [[ -z ${PM_BENCH_NO_BUILD:-} ]]; then
  cmake --preset release >/dev/null
  targets=(phase-mirror-mcp phase-mirror-mcp-http pm_stdio_bench pm_scan_bench pm_http_bench)
  # pm_bench exists once bench/micro holds at least one benchmark file.
  if compgen -G "bench/micro/*.cpp" >/dev/null; then targets+=(pm_bench); fi
  cmake --build --preset release -j "$jobs" --target "${targets[@]}"
fi

# PM_BENCH_BUILD_DIR (with PM_BENCH_NO_BUILD=1) measures another build tree.
build=${PM_BENCH_BUILD_DIR:-build/release}
micro=$build/bench/pm_bench
stdio=$build/bench/pm_stdio_bench
scan=$build/bench/pm_scan_bench
http=$build/bench/pm_http_bench
server=$build/phase-mirror-mcp

if ((grind)); then
  # The harness execs the wrapper, so every server it starts runs under memcheck.
  wrapper=$out/phase-mirror-mcp-memcheck
  printf '#!/bin/sh\nexec valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible \\\n  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --suppressions=%s --log-file=%s/valgrind.%%p.log %s "$@"\n' \
    "$PWD/bench/e2e/valgrind.supp" "$PWD/$out" "$PWD/$server" >"$wrapper"
  chmod +x "$wrapper"
  rm -f "$out"/valgrind.*.log
  # --smoke: RSS under valgrind says nothing about the server, so no memory verdict.
  "$stdio" --binary "$wrapper" --smoke --calls 20 --heavy-calls 3 --startups 1 --throughput-calls 40 \
    --growth-calls 100 --warmup-calls 20 >/dev/null
  cat "$out"/valgrind.*.log >"$out/valgrind.log"
  rm -f "$out"/valgrind.*.log
  grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|total heap usage|no leaks are possible" "$out/valgrind.log"
  exit 0
fi

if ((smoke)); then
  if [[ -x $micro ]]; then
    # The 100k/1M-event store sizes take minutes to populate: the full run covers them.
    "$micro" --benchmark_min_time=0.001 --benchmark_filter='-/(100000|1000000)$' >/dev/null
    echo "micro-benchmarks: smoke run OK"
  fi
  "$stdio" --binary "$server" --smoke --json "$out/stdio-smoke.json" >/dev/null
  echo "stdio harness: smoke run OK"
  # The soak briefly (docs/PERFORMANCE.md, "Soak"): every hostile call answered, no worker lost.
  "$stdio" --binary "$server" --smoke --soak-seconds 12 --soak-sample-seconds 4 --soak-hostile-every 10 \
    --json "$out/soak-smoke.json" >/dev/null
  echo "stdio soak: smoke run OK"
  "$scan" --binary "$server" --smoke --json "$out/scan-smoke.json" >/dev/null
  echo "scan harness: smoke run OK"
  "$http" --binary "$server" --smoke --json "$out/http-smoke.json" >/dev/null 2>"$out/http-smoke.log" ||
    { cat "$out/http-smoke.log" >&2; exit 1; }
  echo "HTTP harness: smoke run OK"
  exit 0
fi

if [[ -x $micro ]]; then
  # Repetitions give a spread per benchmark: median and p-like figures come from
  # the aggregates (mean, median, stddev) over 10 runs.
  "$micro" --benchmark_repetitions=10 --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/micro.json" --benchmark_out_format=json | tee "$out/micro.txt"
fi
"$stdio" --binary "$server" --json "$out/stdio.json" --markdown "$out/stdio.md" "$@"
"$scan" --binary "$server" --json "$out/scan.json" | tee "$out/scan.txt"
"$http" --binary "$server" --json "$out/http.json" --markdown "$out/http.md"
echo "results: $out/"
