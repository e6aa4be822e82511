#!/usr/bin/env bash
# ADR-007's HTTP library comparison, reproducible: builds the three candidate servers and
# the load generator, then measures each on loopback (1 000 idle SSE streams: RSS and
# threads held, and whether a POST is still answered; 32 keep-alive clients POSTing for
# 5 s: calls/s, p50/p99, server CPU per call). cpp-httplib is measured with 12 streams:
# its pool of 8 threads is exhausted by the ninth.
# Needs: apt-get install libboost-dev libmicrohttpd-dev libcpp-httplib-dev
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out"
g++ -std=c++20 -O2 -o "$out/http_load" "$here/http_load.cpp"
# Boost 1.74 Asio uses std::exchange without including <utility> (an error under C++20).
g++ -std=c++20 -O2 -include utility -o "$out/beast_server" "$here/beast_server.cpp" -pthread
g++ -std=c++20 -O2 -o "$out/mhd_server" "$here/mhd_server.cpp" -lmicrohttpd
g++ -std=c++20 -O2 -o "$out/httplib_server" "$here/httplib_server.cpp" -lcpp-httplib -pthread

measure() {  # measure NAME LOAD-ARGS...
  local name=$1
  shift
  "$out/${name}_server" >"$out/$name.port" &
  local pid=$!
  sleep 0.5
  echo "$name $(timeout 120 "$out/http_load" --port "$(head -1 "$out/$name.port")" --pid "$pid" "$@")"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}
for lib in beast mhd; do measure "$lib" --idle 1000; done
measure httplib --idle 12
for lib in beast mhd; do measure "$lib" --clients 32 --seconds 5; done
