#!/usr/bin/env bash
# Question: what does simulating cost on top of the numerics? An 8-node ring sim (with
# numerics) of the 8-stage Fashion-MNIST MLP against `local` on the same work (same model,
# batch, iterations, seed), wall seconds of the training itself (summary.json's
# wall_seconds: data loading excluded in both). Target: sim at most 1.25x local.
#   M=1: every stage computes on the whole batch, the same GEMM shapes as local: the ratio
#        is the simulator's own overhead (actors, messages, copies, bookkeeping).
#   M=8: the ring's real configuration; micro-batches of 8 samples make smaller, less
#        efficient GEMMs, a cost of pipelining itself, not of the simulator.
# Usage: bench/sim_overhead.sh [iterations=300]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
iters=${1:-300}
bin=build/cli/ringtmp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(--layers 784,512,512,256,256,128,128,64,10 --batch 64 --lr 0.05 --iterations "$iters" --seed 1)
wall() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['wall_seconds'])" "$1/summary.json"; }
best() {  # name, command...: best wall of 3 runs
  local name=$1; shift
  local b=
  for i in 1 2 3; do
    "$@" --out "$tmp/$name-$i" >/dev/null
    w=$(wall "$tmp/$name-$i")
    b=$(python3 -c "print(min(float('$w'), float('${b:-inf}')))")
  done
  echo "$b"
}
local_s=$(best local "$bin" train --strategy local "${common[@]}")
m1=$(best sim-m1 "$bin" sim --strategy ring --nodes 8 --microbatches 1 "${common[@]}")
m8=$(best sim-m8 "$bin" sim --strategy ring --nodes 8 --microbatches 8 "${common[@]}")
python3 - "$local_s" "$m1" "$m8" "$iters" <<'PY'
import sys
local, m1, m8, iters = map(float, sys.argv[1:])
print(f"{int(iters)} iterations of Fashion-MNIST, MLP 784-512-512-256-256-128-128-64-10, batch 64 (best of 3)")
print(f"local                      {local:6.2f} s")
print(f"sim ring 8 nodes, M=1      {m1:6.2f} s   {m1 / local:.2f}x local (target <= 1.25: {'ok' if m1 / local <= 1.25 else 'MISS'})")
print(f"sim ring 8 nodes, M=8      {m8:6.2f} s   {m8 / local:.2f}x local (includes batch-8 GEMMs)")
PY
