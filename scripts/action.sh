#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), one sub-command each:
#   install  the released .deb of PM_VERSION, or a build of the action's own source
#   scan     annotations in the log, the SARIF report, the exit code as step outputs
#   upload   the SARIF report to code scanning (REST API, no third-party action)
#   gate     fail the job with the scan's exit code
# Inputs arrive as environment variables, never expanded into the script.
set -euo pipefail

sudo_if_needed() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

install() {
  if [[ -n ${PM_VERSION:-} ]]; then
    local deb="phase-mirror-mcp_${PM_VERSION}_amd64.deb" dir
    dir=$(mktemp -d)
    gh release download "v${PM_VERSION}" --repo "$PM_ACTION_REPOSITORY" --pattern "$deb" --dir "$dir"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$dir/$deb"
  else
    cd "$GITHUB_ACTION_PATH"
    scripts/setup.sh
    cmake --preset release -DPM_BUILD_TESTS=OFF -DPM_BUILD_BENCH=OFF >&2
    cmake --build --preset release --target phase-mirror-mcp -j "$(nproc)" >&2
    echo "$GITHUB_ACTION_PATH/build/release" >>"$GITHUB_PATH"
    export PATH="$GITHUB_ACTION_PATH/build/release:$PATH"
  fi
  phase-mirror-mcp --version
}

scan_args() {
  args=(scan --min-severity "${PM_MIN_SEVERITY:-low}")
  [[ -n ${PM_MIN_CONFIDENCE:-} ]] && args+=(--min-confidence "$PM_MIN_CONFIDENCE")
  [[ -n ${PM_PERSONA:-} ]] && args+=(--persona "$PM_PERSONA")
  [[ -n ${PM_CONFIG:-} ]] && args+=(--config "$PM_CONFIG")
  if [[ ${PM_ADR:-} == none ]]; then
    args+=(--no-adr)
  elif [[ -n ${PM_ADR:-} ]]; then
    args+=(--adr "$PM_ADR")
  fi
  local paths=()
  read -ra paths <<<"${PM_PATHS:-}"
  args+=(-- "${paths[@]}")
}

scan() {
  scan_args
  local sarif="${RUNNER_TEMP:-/tmp}/phase-mirror.sarif" code=0
  phase-mirror-mcp "${args[@]:0:1}" --format sarif --output "$sarif" "${args[@]:1}" || true
  phase-mirror-mcp "${args[@]:0:1}" --format github "${args[@]:1}" || code=$?
  {
    echo "sarif-file=$sarif"
    echo "exit-code=$code"
  } >>"$GITHUB_OUTPUT"
}

upload() {
  local encoded
  encoded=$(gzip -c "$PM_SARIF" | base64 -w0)
  gh api --method POST "repos/$GITHUB_REPOSITORY/code-scanning/sarifs" \
    -f commit_sha="$GITHUB_SHA" -f ref="$GITHUB_REF" -f sarif="$encoded" -f tool_name=phase-mirror-mcp >/dev/null
  echo "SARIF report uploaded to code scanning"
}

gate() {
  case ${PM_EXIT_CODE:-2} in
    0) echo "phase-mirror-mcp scan: no findings at or above the thresholds" ;;
    1) echo "phase-mirror-mcp scan: findings at or above the thresholds (see the annotations)" >&2; exit 1 ;;
    *) echo "phase-mirror-mcp scan: the scan failed (exit code ${PM_EXIT_CODE:-unknown}); see its messages" >&2; exit 2 ;;
  esac
}

case ${1:-} in
  install | scan | upload | gate) "$1" ;;
  *) echo "usage: $0 install|scan|upload|gate" >&2; exit 2 ;;
esac
