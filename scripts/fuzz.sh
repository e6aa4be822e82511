#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang, ASan + UBSan) and runs
# each one on its committed corpus (fuzz/corpus/<target>). See docs/FUZZING.md.
#
#   scripts/fuzz.sh --smoke              every target for 20 s (CI, via make test)
#   scripts/fuzz.sh --time 600 [target]  longer runs; new inputs accumulate in
#                                        build/fuzz/corpus/<target>
#   scripts/fuzz.sh --list               target names
#
# The committed corpus is only read: new inputs go to a scratch directory
# given first. A crash, leak, timeout or out-of-memory leaves its reproducer
# in build/fuzz/artifacts/ and makes the script exit 1. Targets run side by
# side, as many as JOBS (default: the number of cores, at most 2).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(jsonrpc tool_args workflow suppress adr glob adr_checks expr dependabot)
smoke=0
seconds=600
targets=()
while (($#)); do
  case $1 in
    --smoke) smoke=1 seconds=20 ;;
    --time) seconds=${2:?--time needs seconds}; shift ;;
    --list) printf '%s\n' "${all_targets[@]}"; exit 0 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *)
      if [[ ! " ${all_targets[*]} " == *" $1 "* ]]; then
        echo "fuzz.sh: unknown target $1 (known: ${all_targets[*]})" >&2
        exit 2
      fi
      targets+=("$1") ;;
  esac
  shift
done
((${#targets[@]})) || targets=("${all_targets[@]}")
jobs=${JOBS:-$(nproc)}
((jobs > 2)) && jobs=2  # the fuzz build is heavy; keep room for others

build=build/fuzz
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs" --target "${targets[@]/%/_fuzz}"

artifacts=$build/artifacts
logs=$build/logs
mkdir -p "$artifacts" "$logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}:halt_on_error=1

# fuzz_one TARGET: one libFuzzer run, its output in $logs/TARGET.log and its exit status in
# $logs/TARGET.status.
fuzz_one() {
  local t=$1 scratch status=0
  local bin=$build/fuzz/${t}_fuzz
  if ((smoke)); then
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/pm-fuzz-$t.XXXXXX")
  else
    scratch=$build/corpus/$t
    mkdir -p "$scratch"
  fi
  local args=("-max_total_time=$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1
              "-artifact_prefix=$artifacts/$t-")
  [[ -f fuzz/$t.dict ]] && args+=("-dict=fuzz/$t.dict")
  "$bin" "${args[@]}" "$scratch" "fuzz/corpus/$t" >"$logs/$t.log" 2>&1 || status=$?
  if ((smoke)); then rm -rf "$scratch"; fi
  echo "$status" >"$logs/$t.status"
}

# A fuzzer runs on one core: $jobs of them run side by side, each for the whole time.
# The results are printed in the order of the targets once all have finished.
for t in "${targets[@]}"; do
  while (($(jobs -pr | wc -l) >= jobs)); do wait -n || true; done
  rm -f "$logs/$t.status"
  echo "fuzz: $t for ${seconds} s (log: $logs/$t.log)"
  fuzz_one "$t" &
done
wait

failed=()
for t in "${targets[@]}"; do
  log=$logs/$t.log
  status=$(cat "$logs/$t.status" 2>/dev/null || echo "?")
  if [[ $status != 0 ]]; then
    failed+=("$t")
    echo "fuzz: $t FAILED (exit $status); last lines of $log:" >&2
    tail -n 60 "$log" >&2
    echo "fuzz: reproduce with: $build/fuzz/${t}_fuzz $artifacts/$t-<crash|leak|timeout|oom>-<hash>" >&2
  else
    grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" | tr '\n' ' ' | sed "s/^/fuzz: $t: /"
    echo
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: failures in ${failed[*]}; reproducers in $artifacts/" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ran clean"
