#!/usr/bin/env bash
# Question: how far is an aarch64 ringtmp's loss trace (a Pi's build, here run under
# qemu-aarch64) from the x86-64 one, for the same config and seed, through the real
# `ringtmp train`? Two configs on Fashion-MNIST, 300 iterations each, the MLP
# 784-256-128-10 (batch 64, lr 0.05, seed 1; the README's main 8-layer MLP takes ~3 s an
# iteration under qemu here): `local` SGD, and a 1f1b ring of 2 stages x 4 micro-batches.
#
#   train_compare.sh X86_RINGTMP ARM64_RINGTMP [OUT [CONFIG...]]   (default OUT build-arm64/numerics,
#                                                                  CONFIG local ring)
#
# X86_RINGTMP: e.g. build/cli/ringtmp (x86-64-v3: AVX2 and FMA); ARM64_RINGTMP: e.g.
# build-arm64/cli/ringtmp from scripts/cross-arm64.sh. Writes OUT/<config>-{x86_64,aarch64}/
# run folders and OUT/<config>.csv (per iteration), prints compare_runs.py's report per config.
# About 10 minutes on 2 busy cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
x86=${1:?usage: train_compare.sh X86_RINGTMP ARM64_RINGTMP [OUT]}
arm=${2:?usage: train_compare.sh X86_RINGTMP ARM64_RINGTMP [OUT]}
out=${3:-build-arm64/numerics}
mkdir -p "$out"
common=(--layers 784,256,128,10 --batch 64 --lr 0.05 --seed 1 --iterations 300 --dataset fashion-mnist --overwrite)
declare -A configs=(
  [local]="--strategy local"
  [ring]="--strategy ring --schedule 1f1b --nodes 2 --microbatches 4 --replica-every 0"
)
shift $(($# < 3 ? $# : 3))
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(local ring)
for name in "${names[@]}"; do
  [ -n "${configs[$name]:-}" ] || { echo "train_compare: no config $name (local, ring)" >&2; exit 2; }
  read -r -a strategy <<<"${configs[$name]}"
  t0=$(date +%s)
  "$x86" train "${strategy[@]}" "${common[@]}" --out "$out/$name-x86_64" >"$out/$name-x86_64.log" 2>&1
  t1=$(date +%s)
  qemu-aarch64 "$arm" train "${strategy[@]}" "${common[@]}" --out "$out/$name-aarch64" \
    >"$out/$name-aarch64.log" 2>&1
  t2=$(date +%s)
  echo "== $name (${configs[$name]}): x86-64 native $((t1 - t0)) s, aarch64 under qemu $((t2 - t1)) s"
  python3 "$here/compare_runs.py" "$out/$name-x86_64" "$out/$name-aarch64" --csv "$out/$name.csv"
done
