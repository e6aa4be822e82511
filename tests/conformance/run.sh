#!/usr/bin/env bash
# The official MCP conformance suite (@modelcontextprotocol/conformance, server mode, spec
# 2025-11-25, every scenario) against `serve --http` of the test build, whose fixtures are the
# suite's "everything server" tools, prompts and resources. Node 22 comes from the npm
# registry (the `node` package), installed with the suite by `npm ci` here.
# Usage: run.sh FIXTURE_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:?usage: run.sh FIXTURE_BINARY}
node="$here/node_modules/.bin/node"
suite="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

PHASE_MIRROR_DATA_DIR="$work/data" PHASE_MIRROR_WORKSPACE="$work" PHASE_MIRROR_RATE_LIMIT=0 \
  "$binary" serve --http 127.0.0.1:0 --session-rate-limit 0 2>"$work/server.log" &
server_pid=$!
url=
for _ in $(seq 100); do
  url=$(grep -ao 'http://[^ ]*/mcp' "$work/server.log" || true)
  [[ -n $url ]] && break
  sleep 0.1
done
[[ -n $url ]] || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
echo "conformance: $("$node" --version), suite $(sed -n 's/.*"version": "\(.*\)".*/\1/p' \
  "$here/node_modules/@modelcontextprotocol/conformance/package.json" | head -1), server $url"

status=0
(cd "$work" && "$node" "$suite" server --url "$url" --spec-version 2025-11-25 --suite all \
  --expected-failures "$here/expected-failures.yml" -o "$work/results") || status=$?

# The server drains and exits 0 on SIGTERM.
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=
if ((server_status != 0)); then
  echo "the server exited $server_status after SIGTERM:" >&2
  tail -20 "$work/server.log" >&2
  exit 1
fi
exit "$status"
