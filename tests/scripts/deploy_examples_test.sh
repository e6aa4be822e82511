#!/usr/bin/env bash
# Validates the deployment examples under deploy/ with the tools that read them:
#   - docs/DEPLOYMENT.md shows each of deploy/{systemd,nginx,caddy}/* verbatim,
#     in the code block after the comment `<!-- deploy/... -->`;
#   - systemd units: `systemd-analyze verify` must print nothing (it reports an
#     unknown or misspelt directive, a bad value or a missing executable only as
#     a message and still exits 0), and `systemd-analyze security --offline`
#     must rate the sandbox at most 2.0;
#   - nginx site: `nginx -t` with the file included from a minimal main
#     configuration, without any warning;
#   - Caddyfile: `caddy validate --adapter caddyfile`, without any warning (an
#     unformatted Caddyfile is one), and without obtaining a certificate;
#   - Terraform: tests/deploy/terraform_check.mjs (HCL parse, references,
#     unused variables and providers; no provider schemas, see its header).
# Then each check is run once on a broken copy, which it must refuse: a check
# that cannot fail proves nothing.
#
# Missing tools are installed: Debian packages as scripts/setup.sh does, the
# HCL parser with `npm ci` from tests/deploy's lockfile. Nothing is started and
# nothing outside a temporary directory is written.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=$PATH:/usr/sbin:/sbin

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "deploy examples: FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "deploy examples: ok: $*"; }

missing=()
for tool in systemd-analyze:systemd nginx:nginx caddy:caddy openssl:openssl; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if ((${#missing[@]})); then
  echo "deploy examples: installing ${missing[*]}" >&2
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
if [[ ! -d tests/deploy/node_modules/@cdktf/hcl2json ]]; then
  (cd tests/deploy && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

# The code block that follows the line `<!-- PATH -->` in docs/DEPLOYMENT.md.
doc_block() {
  awk -v marker="<!-- $1 -->" '
    found == 1 { if ($0 ~ /^```/) { found = 2; next } exit }
    found == 2 { if ($0 == "```") { done = 1; exit } print; next }
    $0 == marker { found = 1 }
    END { exit done ? 0 : 1 }' docs/DEPLOYMENT.md
}

same_as_docs() {  # same_as_docs PATH FILE
  local block=$tmp/doc-block
  if ! doc_block "$1" >"$block"; then
    echo "docs/DEPLOYMENT.md has no code block after <!-- $1 -->"
    return 1
  fi
  diff -u --label "docs/DEPLOYMENT.md ($1)" --label "$1" "$block" "$2"
}

# Examples name private addresses (10.0.1.11:8080); the copies under test name
# loopback ones instead, since `caddy validate` starts the active health checks
# and would send them to whatever answers at those addresses.
to_loopback() { sed -E 's/\b([0-9]{1,3}\.){3}([0-9]{1,3}):([0-9]+)/127.0.0.\2:\3/g' "$1"; }

check_unit() {  # check_unit FILE
  local dir out exe
  dir=$(mktemp -d -p "$tmp")
  cp "$1" "$dir/"
  local unit=$dir/${1##*/}
  # The server is not installed on a test machine: ExecStart then names a
  # stand-in executable, so that verify checks everything else.
  exe=$(sed -nE 's/^ExecStart=([^ ]+).*/\1/p' "$unit")
  if [[ ! -x $exe ]]; then
    printf '#!/bin/sh\nexit 0\n' >"$dir/stand-in"
    chmod +x "$dir/stand-in"
    echo "$exe is not installed here: ExecStart names a stand-in" >"$tmp/note"
    sed -i "s|^ExecStart=$exe|ExecStart=$dir/stand-in|" "$unit"
  fi
  out=$(systemd-analyze verify "$unit" 2>&1) || { echo "$out"; return 1; }
  if [[ -n $out ]]; then echo "$out"; return 1; fi
  # 2.0 is the rating of the sandbox the example sets up (1.7 with systemd 252).
  out=$(systemd-analyze security --offline=yes --threshold=20 --no-pager "$unit" 2>&1) || {
    echo "$out" | grep -E '✗|Overall'
    return 1
  }
}

check_nginx() {  # check_nginx SITE
  local dir out
  dir=$(mktemp -d -p "$tmp")
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=mcp.example.com \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  to_loopback "$1" | sed -E -e "s|^( *ssl_certificate) .*;|\1 $dir/cert.pem;|" \
    -e "s|^( *ssl_certificate_key) .*;|\1 $dir/key.pem;|" >"$dir/site.conf"
  cat >"$dir/nginx.conf" <<EOF
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    access_log off;
    include $dir/site.conf;
}
EOF
  out=$(nginx -t -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" 2>&1) || { echo "$out"; return 1; }
  if grep -E '\[(warn|error|crit|alert|emerg)\]' <<<"$out"; then return 1; fi
}

check_caddy() {  # check_caddy CADDYFILE
  local dir out
  dir=$(mktemp -d -p "$tmp")
  to_loopback "$1" >"$dir/Caddyfile"
  # validate provisions the TLS app without starting certificate management;
  # its storage goes to the temporary directory, which must stay without
  # certificates.
  out=$(HOME=$dir XDG_DATA_HOME=$dir/data XDG_CONFIG_HOME=$dir/config \
    timeout 60 caddy validate --adapter caddyfile --config "$dir/Caddyfile" 2>&1) || { echo "$out"; return 1; }
  if grep -E '"level":"(warn|error)"|obtain' <<<"$out"; then return 1; fi
  if [[ -n $(find "$dir" -name '*.crt' -print -quit) ]]; then
    echo "caddy validate obtained a certificate"
    return 1
  fi
}

check_terraform() { node tests/deploy/terraform_check.mjs "$1"; }

# Each example with its check; the docs show the first three verbatim.
examples=(unit:deploy/systemd/phase-mirror-mcp.service nginx:deploy/nginx/phase-mirror-mcp.conf
          caddy:deploy/caddy/Caddyfile terraform:deploy/terraform)

for f in deploy/systemd/* deploy/nginx/* deploy/caddy/*; do
  [[ " ${examples[*]} " == *":$f "* ]] || fail "$f is not checked by this script"
  if same_as_docs "$f" "$f" >"$tmp/out" 2>&1; then ok "docs/DEPLOYMENT.md shows $f"; else
    fail "docs/DEPLOYMENT.md and $f differ"
    cat "$tmp/out" >&2
  fi
done
while read -r marked; do
  [[ -f $marked ]] || fail "docs/DEPLOYMENT.md marks a code block as $marked, which does not exist"
done < <(sed -nE 's/^<!-- (deploy\/[^ ]+) -->$/\1/p' docs/DEPLOYMENT.md)

for e in "${examples[@]}"; do
  kind=${e%%:*} path=${e#*:}
  if "check_$kind" "$path" >"$tmp/out" 2>&1; then ok "$kind check of $path"; else
    fail "$kind check of $path"
    cat "$tmp/out" >&2
  fi
  if [[ -f $tmp/note ]]; then echo "deploy examples: note: $(cat "$tmp/note")"; rm "$tmp/note"; fi
done

# The broken copies each check must refuse.
broken=$tmp/broken
mkdir -p "$broken/terraform"
sed 's/^NoNewPrivileges=yes$/&\nProtectKernelTunable=yes/' deploy/systemd/phase-mirror-mcp.service >"$broken/a.service"
sed 's/proxy_buffering off;/proxy_bufering off;/' deploy/nginx/phase-mirror-mcp.conf >"$broken/nginx.conf"
sed 's/flush_interval -1/flush_intreval -1/' deploy/caddy/Caddyfile >"$broken/Caddyfile"
cp deploy/terraform/*.tf "$broken/terraform/"
sed -i 's/var\.region/var.regoin/' "$broken/terraform/versions.tf"
{ cat deploy/nginx/phase-mirror-mcp.conf; echo '# drifted'; } >"$broken/drifted.conf"
# Each is refused for its own mistake, named in the check's output.
for b in "unit:$broken/a.service:ProtectKernelTunable" "nginx:$broken/nginx.conf:proxy_bufering" \
         "caddy:$broken/Caddyfile:flush_intreval" "terraform:$broken/terraform:regoin" \
         "same_as_docs:deploy/nginx/phase-mirror-mcp.conf $broken/drifted.conf:# drifted"; do
  IFS=: read -r check args why <<<"$b"
  [[ $check == same_as_docs ]] || check=check_$check
  # shellcheck disable=SC2086 # args holds one or two paths without spaces
  if "$check" $args >"$tmp/out" 2>&1; then
    fail "$check accepts a broken copy ($why)"
  elif ! grep -qF -- "$why" "$tmp/out"; then
    fail "$check refuses a broken copy, but not for its mistake ($why):"
    cat "$tmp/out" >&2
  else
    ok "$check refuses a broken copy ($why)"
  fi
done

if ((failures)); then
  echo "deploy examples: $failures failure(s)" >&2
  exit 1
fi
echo "deploy examples: all checks pass"
