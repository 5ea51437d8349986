#!/usr/bin/env bash
# Question: over real TCP on loopback, how close does the ring's pipeline come to the
# analytic bound? For N stages and M micro-batches a synchronous pipeline keeps each stage
# busy at most M/(M+N-1) of the time; we measure busy/(busy+idle) per stage with
# `launch --local N` and report it against that bound (target: at least 90% of it).
# Note: each stage needs a core of its own; on a machine with fewer cores than N, the
# stages wait on the CPU as well as on each other.
# Usage: bench/runtime_pipeline.sh [N=4] [M=16] [iterations=60]   (MB_SAMPLES=64 samples per micro-batch)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
n=${1:-4}; m=${2:-16}; iters=${3:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Balanced stages (see tests/sim/analytic_test.cpp): 512x512 per stage, a narrow input layer.
layers="8$(printf ',512%.0s' $(seq 1 $((n + 1))))"
for schedule in gpipe 1f1b; do
  build/cli/ringtmp launch --local "$n" --strategy ring --schedule "$schedule" --nodes "$n" --microbatches "$m" \
    --batch $((m * ${MB_SAMPLES:-64})) --layers "$layers" --dataset synthetic --iterations "$iters" --out "$tmp/$schedule" >/dev/null
  python3 - "$tmp/$schedule/nodes.csv" "$n" "$m" "$schedule" "$(nproc)" <<'PY'
import csv, sys
path, n, m, schedule, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
rows = list(csv.DictReader(open(path)))
util = [float(r["busy_s"]) / (float(r["busy_s"]) + float(r["idle_s"]) + float(r["send_s"])) for r in rows]
bound = m / (m + n - 1)
mean = sum(util) / len(util)
print(f"ring {schedule:<5} N={n} M={m}: utilisation {mean:.3f} (per stage {', '.join(f'{u:.2f}' for u in util)}), "
      f"bound M/(M+N-1) = {bound:.3f}: {mean / bound:.0%} of it (target >= 90%: {'ok' if mean / bound >= 0.9 else 'MISS'}; "
      f"{cores} cores for {n} stages)")
PY
done
