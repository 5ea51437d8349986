#!/usr/bin/env bash
# Question: over real TCP on loopback, how close does the ring's pipeline come to the
# analytic bound? For N balanced stages and M micro-batches a synchronous pipeline keeps
# each stage busy at most M/(M+N-1) of the time; we measure busy/(busy+idle+send) per stage
# with `launch --local N` (target: at least 90% of the bound), and print beside it what
# the simulator gets for the same config on this machine's profiles (device host, network
# loopback): the schedule's own shortfall once messages take time.
# The bound assumes that messages cost nothing next to computing, so the stages here are
# compute-heavy: two 1024-wide layers each, 64-sample micro-batches (about 25 ms of
# computing per 256 KB message). Each stage also needs a core of its own: with fewer
# cores than N, stages wait for the CPU inside their busy spans, which the figure then
# mixes in (the line says how many cores there were).
# Usage: bench/runtime_pipeline.sh [N=4] [M=16] [iterations=10]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
n=${1:-4}; m=${2:-16}; iters=${3:-10}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
layers="8$(printf ',1024%.0s' $(seq 1 $((2 * n + 1))))"
config=(--strategy ring --nodes "$n" --microbatches "$m" --batch $((m * 64)) --layers "$layers" --dataset synthetic
        --iterations "$iters")
for schedule in gpipe 1f1b; do
  build/cli/ringtmp launch --local "$n" "${config[@]}" --schedule "$schedule" --out "$tmp/$schedule" >/dev/null
  build/cli/ringtmp sim --device host --network loopback --timing-only "${config[@]}" --schedule "$schedule" \
    --out "$tmp/$schedule-sim" >/dev/null
  python3 - "$tmp/$schedule/nodes.csv" "$tmp/$schedule-sim/nodes.csv" "$n" "$m" "$schedule" "$(nproc)" <<'PY'
import csv, sys
runtime, sim, n, m, schedule, cores = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
def utilisation(path):
    rows = list(csv.DictReader(open(path)))
    return [float(r["busy_s"]) / (float(r["busy_s"]) + float(r["idle_s"]) + float(r["send_s"])) for r in rows]
measured, ideal = utilisation(runtime), utilisation(sim)
bound = m / (m + n - 1)
mean, ideal_mean = sum(measured) / n, sum(ideal) / n
print(f"ring {schedule:<5} N={n} M={m}: runtime utilisation {mean:.3f} (stages {', '.join(f'{u:.2f}' for u in measured)}) = "
      f"{mean / bound:.0%} of M/(M+N-1) = {bound:.3f} (target >= 90%: {'ok' if mean / bound >= 0.9 else 'MISS'}); "
      f"sim {ideal_mean:.3f} = {ideal_mean / bound:.0%}; {cores} cores for {n} stages")
PY
done
