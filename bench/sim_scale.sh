#!/usr/bin/env bash
# Question: how large a cluster can the simulator handle, and how close is its message rate
# to bare SimGrid's on this machine? Timing-only runs on ethernet-1g:
#   ring 1f1b, 1024 nodes, a 1025-layer MLP of width 64, 4 micro-batches, 100 iterations;
#   ps bsp, 1024 workers and 1 server, MLP 64-64-64-10, batch 1024, 100 iterations
#   (each worker holds the whole model, so the ring's 1025-layer model would need 17 GB);
# next to bare SimGrid on the same platform (bench/simgrid_bare.cpp): the classic token ring
# (the issue's reference) and, for the parameter server, the same star of concurrent flows.
# Targets: each run at most 30 s wall; messages/s at least half the token ring's.
# Usage: bench/sim_scale.sh [iterations=100]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
iters=${1:-100}
bin=build/cli/ringtmp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
layers=$(python3 -c "print(','.join(['64'] * 1026))")

measure() {  # name, flags...: prints wall seconds, messages, messages per wall second
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  "$bin" sim --timing-only --network ethernet-1g --device pi4b --dataset synthetic \
    --iterations "$iters" "$@" --out "$tmp/$name" >/dev/null
  end=$(date +%s.%N)
  python3 - "$tmp/$name" "$start" "$end" "$name" <<'PY'
import csv, json, sys
folder, start, end, name = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
s = json.load(open(f"{folder}/summary.json"))
msgs = sum(int(r["msgs_sent"]) for r in csv.DictReader(open(f"{folder}/nodes.csv")))
wall = end - start
print(f"{name:<10} {wall:6.1f} s wall (process), {s['wall_seconds']:6.1f} s simulating, "
      f"{s['sim_seconds']:8.1f} s simulated, {msgs:>8} messages, {msgs / s['wall_seconds']:>8.0f} messages/s "
      f"(target <= 30 s: {'ok' if wall <= 30 else 'MISS'})")
open(f"{folder}/rate", "w").write(str(msgs / s["wall_seconds"]))
PY
}

measure ring-1024 --strategy ring --schedule 1f1b --nodes 1024 --layers "$layers" --microbatches 4 --batch 64
measure ps-1024 --strategy ps --ps-mode bsp --nodes 1024 --servers 1 --layers 64,64,64,10 --batch 1024
rate() { sed -E 's/.*: ([0-9]+) messages\/s/\1/'; }
token=$(build/bench/simgrid_bare ring 1024 "$iters" 4096 | tee /dev/stderr | rate)
# ps-1024's messages: 35.6 kB gradient pushes and parameter replies (8906 floats + header).
star=$(build/bench/simgrid_bare star 1025 "$iters" 35650 | tee /dev/stderr | rate)
for name in ring-1024 ps-1024; do
  python3 -c "
r = float(open('$tmp/$name/rate').read()); t = float('$token'); s = float('$star')
print(f'$name: {r:.0f} messages/s = {r / t:.2f} x the bare token ring (target >= 0.5: {\"ok\" if r / t >= 0.5 else \"MISS\"})'
      + (f', {r / s:.2f} x bare SimGrid on the same star of flows' if '$name' == 'ps-1024' else ''))"
done
