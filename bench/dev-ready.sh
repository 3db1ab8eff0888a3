#!/bin/bash
# Times `make dev` to the moment it serves: starts it, exits once it prints
# the simulator's URL, then stops it. Run from a built tree:
#   farm-bench -n 5 -- bench/dev-ready.sh
set -u
cd "$(dirname "$0")/.."
out=$(mktemp)
setsid make dev "$@" >"$out" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do
  if grep -q '^WeCom simulator:' "$out"; then kill -- -"$pid"; wait "$pid" 2>/dev/null; rm -f "$out"; exit 0; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
cat "$out" >&2; kill -- -"$pid" 2>/dev/null; rm -f "$out"; exit 1
