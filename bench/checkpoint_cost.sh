#!/usr/bin/env bash
# Question: what does checkpointing every K iterations cost a run on Pis, and at which K does
# it stay within CheckFreq's bar (at most 3.5% of iteration time; Mohan et al., FAST'21)?
# Per strategy, N simulated devices (8 Pi 4Bs on wifi-n by default) run the same iterations
# without checkpoints and with --checkpoint-every K for each K; every node writes its part
# to its device's modelled storage (the profile's storage_write_bps and storage_latency_s:
# the SD card). Timing-only: the cost is the bytes and the time, not the values. Prints per
# strategy and K: the simulated time per iteration, its overhead against no checkpoints (the
# same run side by side), the part size per node (largest), and the seconds one node spends
# writing per checkpoint; then, per strategy, the smallest K whose overhead is at most 3.5%.
# Usage: bench/checkpoint_cost.sh [nodes=8] [iterations=200] [device=pi4b] [network=wifi-n]
#   env: STRATEGIES="ring ps allreduce" KS="1 2 5 10 20 50 100" LAYERS=784,256x7,10 MOMENTUM=0.9
#   (momentum is state a checkpoint holds: with it every part doubles)
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-8}
iters=${2:-200}
device=${3:-pi4b}
network=${4:-wifi-n}
strategies=${STRATEGIES:-"ring ps allreduce"}
ks=${KS:-"1 2 5 10 20 50 100"}
layers=${LAYERS:-784,256,256,256,256,256,256,256,10}
momentum=${MOMENTUM:-0.9}
bin=build/cli/ringtmp
[[ -x $bin ]] || { echo "build first: cmake --build build --target ringtmp" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# column FILE NAME: one CSV column by its header name.
column() { awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } { print $c }' "$1"; }
end_time() { tail -n 1 "$1/iterations.csv" | cut -d, -f2; }

echo "# $nodes x $device on $network, layers $layers, momentum $momentum, $iters iterations, timing-only"
printf '%-10s %5s %12s %10s %14s %12s\n' strategy K iter_s overhead part_bytes_max write_s
for strategy in $strategies; do
  case $strategy in
    ring) flags=(--strategy ring --schedule 1f1b --microbatches 4 --nodes "$nodes") ;;
    ps) flags=(--strategy ps --ps-mode bsp --nodes "$nodes" --servers 1) ;;
    allreduce) flags=(--strategy allreduce --nodes "$nodes") ;;
    *) echo "unknown strategy $strategy" >&2; exit 2 ;;
  esac
  common=(sim --layers "$layers" --momentum "$momentum" --batch 64 --iterations "$iters" --device "$device" --network "$network" --timing-only "${flags[@]}")
  "$bin" "${common[@]}" --out "$tmp/$strategy-none" >/dev/null
  base=$(end_time "$tmp/$strategy-none")
  printf '%-10s %5s %12.5f %10s %14s %12s\n' "$strategy" - "$(echo "$base / $iters" | bc -l)" - - -
  best=""
  for k in $ks; do
    "$bin" "${common[@]}" --checkpoint-every "$k" --checkpoint-dir "$tmp/$strategy-ck-$k" --out "$tmp/$strategy-$k" >/dev/null
    t=$(end_time "$tmp/$strategy-$k")
    writes=$((iters / k))
    part=$(paste -d, <(column "$tmp/$strategy-$k/nodes.csv" checkpoint_bytes) | sort -n | tail -n 1)
    write_s=$(column "$tmp/$strategy-$k/nodes.csv" checkpoint_s | sort -g | tail -n 1)
    overhead=$(echo "($t - $base) / $base" | bc -l)
    printf '%-10s %5d %12.5f %9.2f%% %14d %12.4f\n' "$strategy" "$k" "$(echo "$t / $iters" | bc -l)" \
      "$(echo "100 * $overhead" | bc -l)" "$((part / writes))" "$(echo "$write_s / $writes" | bc -l)"
    if [[ -z $best ]] && (($(echo "$overhead <= 0.035" | bc -l))); then best=$k; fi
  done
  echo "$strategy: smallest K within 3.5% overhead: ${best:-none of $ks}"
done
