#!/usr/bin/env bash
# Security gate on the test tools installed from npm (tests/e2e, tests/conformance,
# tests/deploy: every folder with a committed lockfile): fails when `npm audit`
# reports a high or critical advisory in any of them.
#
# The audit needs the registry's advisory endpoint (a POST request). When that
# endpoint cannot be queried at all (offline, or a registry mirror that only
# serves GET), no verdict is possible: the script says so on stderr and exits 0,
# unless PM_REQUIRE_NPM_AUDIT=1, in which case it fails. Any real advisory at
# high or critical level always fails.
#
#   scripts/npm-audit.sh                 audit every lockfile folder against the registry
#   scripts/npm-audit.sh --report FILE   judge a saved `npm audit --json` report
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

# judge REPORT STATUS LABEL: the verdict on one `npm audit --json` report.
judge() {
  node - "$1" "$2" "$3" <<'JS'
const fs = require('node:fs');
const [file, status, label] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch {
  report = null;
}
const counts = report?.metadata?.vulnerabilities;
if (counts) {
  const bad = (counts.high ?? 0) + (counts.critical ?? 0);
  console.log(`npm audit (${label}): ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ` +
              `${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low`);
  if (bad > 0) {
    for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
      if (v.severity === 'high' || v.severity === 'critical') {
        const via = (v.via ?? []).map((x) => (typeof x === 'string' ? x : x.title)).join('; ');
        console.log(`  ${v.severity}: ${name} ${v.range ?? ''} — ${via}`);
      }
    }
    process.exit(1);
  }
  process.exit(0);
}
const why = report?.message ?? `npm audit exited with ${status} without a report`;
console.error(`npm audit (${label}): NOT EVALUATED — the advisory endpoint could not be queried (${why}).`);
process.exit(process.env.PM_REQUIRE_NPM_AUDIT === '1' ? 1 : 0);
JS
}

if [[ ${1:-} == --report ]]; then
  judge "$(realpath "$2")" 0 "$2"
  exit
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
failed=0
for dir in tests/e2e tests/conformance tests/deploy; do
  [[ -f $root/$dir/package-lock.json ]] || continue
  status=0
  (cd "$root/$dir" && npm audit --audit-level=high --json >"$out" 2>/dev/null) || status=$?
  judge "$out" "$status" "$dir" || failed=1
done
exit "$failed"
