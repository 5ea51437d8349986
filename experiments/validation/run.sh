#!/usr/bin/env bash
# Question: does the simulator predict the runtime's iteration time over links shaped like
# 802.11n? RingTMP (1f1b, 8 micro-batches, the 8-layer MLP) for N = 2, 4, 8 stages, each
# with `ringtmp validate --netns` (root: one network namespace per node, tbf at wifi-n's
# bandwidth), the runtime three times per point (the median run is compared).
# Two micro-batch sizes: 32 samples (64 KB activations, the README figure) and 8 samples
# (16 KB), where tbf's three-frame bucket is a larger share of each message.
# Usage: run.sh [OUT]   (default results/validation). Needs root and a built ringtmp; ~5 min.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/build/cli/ringtmp
out=${1:-$root/results/validation}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
common=(--sweep --netns --network wifi-n --strategy ring --schedule 1f1b --microbatches 8
        --layers 784,512,512,256,256,128,128,64,10 --repeats 3)
"$bin" validate "${common[@]}" --batch 256 --iterations 30 --out "$work/mb32"
"$bin" validate "${common[@]}" --batch 64 --iterations 40 --out "$work/mb8"
cp "$work/mb32/sweep.csv" "$out/sweep.csv"
cp "$work/mb32/sweep.png" "$out/sweep.png"
cp "$work/mb8/sweep.csv" "$out/sweep-16kb.csv"
echo "wrote $out/sweep.csv, sweep.png, sweep-16kb.csv"
