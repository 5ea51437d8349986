#!/usr/bin/env bash
# Question: on one machine (in-process transport), how do RingTMP, the parameter server and
# ring all-reduce train Fashion-MNIST against local SGD, per iteration and per second?
# Writes results/strategies_inproc/{<strategy>.csv,loss.png}; figures come from the CSVs.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/build.sh >/dev/null
out=results/strategies_inproc
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(--layers 784,256,256,128,10 --batch 128 --lr 0.05 --iterations 400 --seed 1)
declare -A runs=(
  [local]="--strategy local"
  [ring-1f1b]="--strategy ring --schedule 1f1b --nodes 4 --microbatches 8"
  [ring-async]="--strategy ring --schedule async --nodes 4 --microbatches 8"
  [ps-bsp]="--strategy ps --ps-mode bsp --nodes 4 --servers 2"
  [allreduce]="--strategy allreduce --nodes 4"
)
for name in local ring-1f1b ring-async ps-bsp allreduce; do
  # shellcheck disable=SC2086
  build/cli/ringtmp train "${common[@]}" ${runs[$name]} --out "$tmp/$name" >/dev/null
  cp "$tmp/$name/iterations.csv" "$out/$name.csv"
  echo "$name: $(grep -o '"test_accuracy": [0-9.]*' "$tmp/$name/summary.json")"
done
python3 experiments/strategies_inproc/draw.py "$out" local ring-1f1b ring-async ps-bsp allreduce
echo "figure: $out/loss.png"
