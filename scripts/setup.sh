#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, when missing.
# Everything goes to stderr: `make run` keeps stdout for JSON-RPC.
set -euo pipefail
exec 1>&2

build_pkgs=(g++ cmake ninja-build ccache pkg-config nlohmann-json3-dev libyaml-dev libssl-dev
            libsqlite3-dev libcurl4-openssl-dev libre2-dev libcli11-dev libboost-dev)
test_pkgs=(libgtest-dev libgmock-dev libbenchmark-dev clang-format nodejs npm sqlite3 clang libclang-rt-14-dev
           clang-tidy cppcheck nginx caddy openssl)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then want+=("${test_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  # nodejs/npm may come from elsewhere than Debian; a working binary is enough.
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
