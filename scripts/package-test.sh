#!/usr/bin/env bash
# Builds the .deb and .tar.gz with cpack, checks their size and content, then
# installs the .deb with apt (dependencies declared by the package), runs the
# installed binary and removes the package again.
set -euo pipefail
cd "$(dirname "$0")/../build/release"
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
for want in usr/bin/phase-mirror-mcp usr/share/doc/phase-mirror-mcp/LICENSE usr/share/doc/phase-mirror-mcp/README.md; do
  grep -q "$want" <<<"$deb_list" || { echo "$deb lacks $want" >&2; exit 1; }
  grep -q "${want#usr/}" <<<"$tgz_list" || { echo "$tgz lacks $want" >&2; exit 1; }
done
dpkg-deb -f "$deb" Depends
if [[ $(id -u) -eq 0 ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
  installed=$(/usr/bin/phase-mirror-mcp --version)
  echo "installed: $installed"
  printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}' \
    | /usr/bin/phase-mirror-mcp 2>/dev/null | grep -q '"protocolVersion":"2025-11-25"'
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq phase-mirror-mcp >/dev/null
  echo "package install test: OK"
else
  echo "package install test skipped: needs root (apt install ./$(basename "$deb"))"
fi
