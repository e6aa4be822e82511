#!/usr/bin/env bash
# Builds and runs every test suite: Release (unit, integration, e2e with real
# MCP clients), ASan+UBSan (unit and integration), then the format check.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
what=${1:-all}

run_preset() {
  local preset=$1
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: tests"
  ctest --preset "$preset" -j "$jobs" --timeout 600
}

if [[ $what == all || $what == release ]]; then
  run_preset release
  echo "== packages"
  scripts/package-test.sh
fi
if [[ $what == all || $what == asan ]]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_preset asan
fi
if [[ $what == all ]]; then
  echo "== format check"
  git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
  echo "== benchmarks (smoke)"
  scripts/bench.sh --smoke
fi
