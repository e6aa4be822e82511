#!/usr/bin/env bash
# Builds the .deb and .tar.gz with cpack, checks their size and content, then
# installs the .deb with apt (dependencies declared by the package), runs the
# seed's deployment smoke test against the installed binary
# (tests/e2e/installed_binary.smoke.mjs) and removes the package again, also
# when the test fails.
#
# PM_BUILD_DIR selects the build directory to package (default build/release).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${PM_BUILD_DIR:-$repo/build/release}
cd "$build"
rm -f ./*.deb ./*.tar.gz
cpack >/dev/null
deb=$(ls ./*.deb)
tgz=$(ls ./*.tar.gz)
limit=$((10 * 1024 * 1024))
for f in "$deb" "$tgz"; do
  size=$(stat -c %s "$f")
  echo "$f: $size bytes"
  ((size < limit)) || { echo "package $f is larger than 10 MB" >&2; exit 1; }
done
deb_list=$(dpkg-deb -c "$deb")
tgz_list=$(tar -tzf "$tgz")
for want in usr/bin/phase-mirror-mcp usr/lib/phase-mirror-mcp/phase-mirror-mcp-http.so usr/share/doc/phase-mirror-mcp/LICENSE usr/share/doc/phase-mirror-mcp/README.md; do
  grep -q "$want" <<<"$deb_list" || { echo "$deb lacks $want" >&2; exit 1; }
  grep -q "${want#usr/}" <<<"$tgz_list" || { echo "$tgz lacks $want" >&2; exit 1; }
done
dpkg-deb -f "$deb" Depends
if [[ $(id -u) -ne 0 ]]; then
  echo "package install test skipped: needs root (apt install ./$(basename "$deb"))"
  exit 0
fi

# The smoke test drives the binary with the MCP SDK client from tests/e2e.
if [[ ! -d $repo/tests/e2e/node_modules ]]; then
  (cd "$repo/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi

# One install/test/remove cycle at a time on this machine: several checkouts or
# CI runs may package at once, and they share /usr/bin/phase-mirror-mcp.
exec 9>/tmp/phase-mirror-mcp-package-test.lock
flock -w 900 9 || { echo "another package test holds the install lock" >&2; exit 1; }

apt_opts=(-y -qq -o DPkg::Lock::Timeout=300)
remove_package() {
  DEBIAN_FRONTEND=noninteractive apt-get remove "${apt_opts[@]}" phase-mirror-mcp >/dev/null ||
    echo "warning: could not remove phase-mirror-mcp" >&2
}
DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" "$(realpath "$deb")" >/dev/null
trap remove_package EXIT

installed=$(/usr/bin/phase-mirror-mcp --version)
echo "installed: $installed"
built=$("$build/phase-mirror-mcp" --version)
[[ $installed == "$built" ]] || { echo "installed $installed, built $built" >&2; exit 1; }
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}' |
  /usr/bin/phase-mirror-mcp 2>/dev/null | grep -q '"protocolVersion":"2025-11-25"'

(cd "$repo" && PM_SERVER_BINARY=/usr/bin/phase-mirror-mcp node --test tests/e2e/installed_binary.smoke.mjs)
echo "package install test: OK"
