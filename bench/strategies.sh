#!/usr/bin/env bash
# Question: on this machine, with the in-process transport, what does each strategy cost
# against `local` on the same global batch, and how idle are its nodes? For the ring's gpipe
# schedule, how far is the measured idle fraction from the analytic bubble (N-1)/(M+N-1)?
# Usage: bench/strategies.sh [iterations]   (Fashion-MNIST, 8-layer MLP, batch 256, M=8)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
iters=${1:-100}
bin=build/cli/ringtmp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(--layers 784,512,512,256,256,128,128,64,10 --batch 256 --microbatches 8 --lr 0.05
        --iterations "$iters" --seed 1)

run() {  # name, flags...
  local name=$1; shift
  "$bin" train "${common[@]}" "$@" --out "$tmp/$name" >/dev/null
  echo "$name $tmp/$name/summary.json"
}

{
  run local --strategy local
  for n in 2 4 8; do
    run "ring-gpipe:$n" --strategy ring --schedule gpipe --nodes "$n"
    run "ring-1f1b:$n" --strategy ring --schedule 1f1b --nodes "$n"
    run "ring-async:$n" --strategy ring --schedule async --nodes "$n"
    run "ps-bsp:$n" --strategy ps --ps-mode bsp --nodes "$n" --servers 1
    run "ps-asp:$n" --strategy ps --ps-mode asp --nodes "$n" --servers 1
    run "allreduce:$n" --strategy allreduce --nodes "$n"
  done
} > "$tmp/index"

python3 - "$tmp/index" <<'PY'
import json, sys
rows = [l.split() for l in open(sys.argv[1])]
runs = {name: json.load(open(path)) for name, path in rows}
local = runs["local"]["samples_per_second"]
M = runs["local"]["microbatches"]
print(f"{'strategy':<14}{'N':>3}{'samples/s':>12}{'x local':>9}{'idle %':>8}{'bubble %':>10}{'final loss':>12}")
for name, s in runs.items():
    strat, _, n = name.partition(":")
    n = int(n or 1)
    bubble = f"{100*(n-1)/(M+n-1):.1f}" if strat == "ring-gpipe" else ""
    print(f"{strat:<14}{n:>3}{s['samples_per_second']:>12.0f}{s['samples_per_second']/local:>9.2f}"
          f"{100*s['idle_fraction']:>8.1f}{bubble:>10}{s['final_loss']:>12.4f}")
PY
