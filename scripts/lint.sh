#!/usr/bin/env bash
# Static analysis gate over the project's code in src/: clang-tidy (checks in .clang-tidy)
# and cppcheck (warning, performance, portability). Any finding fails: the findings are
# printed and the exit code is 1. Usage: scripts/lint.sh [SRC_FILE.cpp...] (default: all).
# LINT_JOBS sets the parallelism (default 2).
#
# clang-tidy results are cached like ccache caches compiles: a translation unit found clean
# is recorded under ${PM_LINT_CACHE_DIR:-~/.cache/pm-lint} as an empty file named by the
# SHA-256 of everything its result depends on: the content of the .cpp and of every file it
# includes (project and system headers, as clang lists them with -M), its compile command,
# .clang-tidy, the clang-tidy version and the options below. An unchanged TU is not checked
# again; a change to a header re-checks every TU that includes it. Findings are never cached.
# cppcheck keeps its own incremental state in build/lint/cppcheck (a cold run takes seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

# Files left out of the gate (a directory ends with /). Empty: every file of src/ is checked;
# a false positive is marked in place with NOLINT(check) and a reason instead.
lint_exclude=()

jobs=${LINT_JOBS:-2}
build=build/lint
cache=${PM_LINT_CACHE_DIR:-$HOME/.cache/pm-lint}/clang-tidy
tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
# Lists the headers of each TU as clang-tidy's front end sees them; without it the
# compile command's own compiler does (the same project headers).
clangxx=$(command -v clang++-14 || command -v clang++ || true)

# Configuring is enough: the only generated header (version.hpp) is written by cmake itself.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DPM_BUILD_TESTS=OFF -DPM_BUILD_BENCH=OFF >/dev/null

excluded() {  # excluded PATH (relative to the repository root)
  local e
  for e in "${lint_exclude[@]}"; do
    if [[ $e == */ && $1 == "$e"* ]] || [[ $1 == "$e" ]]; then return 0; fi
  done
  return 1
}

files=()
if (($#)); then
  files=("$@")
else
  # Every translation unit of the build, so that a new file is checked without editing this script.
  while IFS= read -r f; do
    f=${f#"$PWD/"}
    if [[ $f == src/* ]] && ! excluded "$f"; then files+=("$f"); fi
  done < <(sed -n 's/^ *"file": "\(.*\)",\{0,1\}$/\1/p' "$build/compile_commands.json" | sort -u)
fi

# Headers are checked through the files that include them; with exclusions the header filter
# lists the project's headers that remain in the gate.
header_filter=
if ((${#lint_exclude[@]})); then
  headers=()
  while IFS= read -r h; do
    if ! excluded "$h"; then headers+=("${h//./\\.}"); fi
  done < <(find src -name '*.hpp' | sort)
  header_filter="--header-filter=/($(IFS='|'; echo "${headers[*]}"))\$"
fi

status=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
mkdir -p "$cache"

# What every TU's result depends on besides its own sources. The version minus the host CPU
# line, which differs between machines that give the same results.
{
  echo "pm-lint cache 1"
  "$tidy" --version | grep -v 'Host CPU'
  echo "--warnings-as-errors=* --extra-arg=-Wno-unknown-warning-option $header_filter"
  cat .clang-tidy
  find src -name .clang-tidy | sort | xargs -r cat
} >"$logs/common"

# keys FILE...: one line per file, "KEY<tab>FILE"; KEY is "-" when the file cannot be keyed
# (not in the compile commands, or clang fails on it: clang-tidy then says why).
cat >"$logs/keys.py" <<'PY'
import hashlib, json, os, shlex, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

db, jobs, clangxx, common_path, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
with open(common_path, "rb") as f:
    common = f.read()
entries = {}
for e in json.load(open(db)):
    entries[os.path.normpath(os.path.join(e["directory"], e["file"]))] = e
root = os.getcwd() + os.sep  # the repository root (the script runs there)
digests = {}  # path -> SHA-256 of its content, shared by the TUs (system headers are common)

def digest(path):
    d = digests.get(path)
    if d is None:
        with open(path, "rb") as f:
            d = digests[path] = hashlib.sha256(f.read()).hexdigest()
    return d

def key(name):
    e = entries.get(os.path.abspath(name))
    if e is None:
        return "-"
    args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
    # The compile command, listing the files it reads (-M) instead of compiling.
    cmd, skip = [clangxx or args[0]], False
    for a in args[1:]:
        if skip:
            skip = False
        elif a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
        elif a not in ("-c", "-MD", "-MMD"):
            cmd.append(a)
    cmd += ["-Wno-unknown-warning-option", "-M"]
    r = subprocess.run(cmd, cwd=e["directory"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        return "-"
    # "target: dep dep \<newline> dep ...", a space in a path escaped as "\ ".
    listing = r.stdout.decode().replace("\\\n", " ").replace("\\ ", "\0").split(":", 1)[1]
    deps = sorted({os.path.normpath(os.path.join(e["directory"], d.replace("\0", " "))) for d in listing.split()})
    # Paths inside the checkout are hashed relative to it, so that another clone of the
    # repository (CI checks out a fresh one) finds the results of this one.
    rel = lambda text: text.replace(root, "<root>")
    h = hashlib.sha256(common)
    h.update(rel(json.dumps(args)).encode() + b"\n")
    try:
        for d in sorted(deps, key=rel):  # in the order of their relative names
            h.update(rel(d).encode() + b"\0" + digest(d).encode() + b"\n")
    except OSError:
        return "-"
    return h.hexdigest()

with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
    for name, k in zip(files, pool.map(key, files)):
        print(f"{k}\t{name}")
PY
keys() { python3 "$logs/keys.py" "$build/compile_commands.json" "$jobs" "$clangxx" "$logs/common" "$@"; }
keys "${files[@]}" >"$logs/keys"

todo=()
cached=0
while IFS=$'\t' read -r key f; do
  if [[ $key != - && -e $cache/$key ]]; then
    touch "$cache/$key"  # recently used: kept by the pruning below
    ((cached += 1))
  else
    todo+=("$key" "$f")
  fi
done <"$logs/keys"
# Entries unused for 30 days belong to sources that no longer exist.
find "$cache" -type f -mtime +30 -delete 2>/dev/null || true

echo "clang-tidy: ${#files[@]} files, $cached clean in the cache, $((${#todo[@]} / 2)) to check, $jobs jobs"
export tidy build logs header_filter cache jobs clangxx
export -f keys
# One log per file, printed after the run so that parallel output is not interleaved. A clean
# result is cached only if the sources still have the key they had before the check (a file
# edited during the run is checked again next time).
if ((${#todo[@]})); then
  printf '%s\n' "${todo[@]}" | paste - - | cat -n | xargs -P "$jobs" -L 1 bash -c '
    # The compile commands are g++ ones: clang does not know -Wno-restrict.
    if "$tidy" -p "$build" --quiet --warnings-as-errors="*" --extra-arg=-Wno-unknown-warning-option \
      ${header_filter:+"$header_filter"} "$3" >"$logs/$1.log" 2>&1; then
      if [[ $2 != - && $(jobs=1 keys "$3" | cut -f1) == "$2" ]]; then : >"$cache/$2"; fi
    else
      touch "$logs/$1.failed"
    fi' _
fi
for failed in "$logs"/*.failed; do
  [[ -e $failed ]] || continue
  grep -vE '^[0-9]+ (warnings?|errors?)( and [0-9]+ errors?)? (generated|treated as errors)\.$|^Suppressed [0-9]+ warnings' \
    "${failed%.failed}.log" || true
  status=1
done
((status)) && echo "clang-tidy: findings above" || echo "clang-tidy: clean"

echo "cppcheck: ${#files[@]} files"
cppcheck_args=(--enable=warning,performance,portability --std=c++20 --inline-suppr --error-exitcode=1 --quiet
  -j "$jobs" --suppress='*:/usr/*' --cppcheck-build-dir="$build/cppcheck" -I src -I "$build/generated"
  --template='{file}:{line}:{column}: {severity}: {message} [{id}]')
for e in "${lint_exclude[@]}"; do cppcheck_args+=("--suppress=*:*$e*"); done
mkdir -p "$build/cppcheck"
if cppcheck "${cppcheck_args[@]}" "${files[@]}"; then
  echo "cppcheck: clean"
else
  echo "cppcheck: findings above"
  status=1
fi
exit "$status"
