#!/usr/bin/env bash
# Question: can `ringtmp sim` answer "what if 10,000 devices?" on this machine, and at what
# cost next to bare SimGrid? Timing-only, 10 iterations, on ethernet-1g and wifi-n (24
# stations per access point: hundreds of APs):
#   ring 1f1b: N stages of a (N+1)-wide-layer MLP of width 16, 4 micro-batches of 16;
#   ps bsp: N workers and 4 servers, MLP 784-64-10, batch N (one sample per worker);
# next to the bare SimGrid token ring on the same N. Prints wall, peak RSS (the process's
# maxrss, getrusage via /usr/bin/time), CPU seconds (on a shared machine wall >> cpu) and
# messages per wall second.
# Target: each run at most 60 s wall and 4 GB peak RSS.
# Ring all-reduce sends 2(N-1) x N messages per iteration (2e8 at N = 10,000): the script
# measures one iteration at N = 500, 1000, 2000 (ALLREDUCE_NODES to change) and prints the
# measured cost per message, not a 10,000-node figure (ALLREDUCE_FULL=1 runs N itself).
# Usage: bench/sim_10k.sh [nodes=10000] [iterations=10] [networks="ethernet-1g wifi-n"]
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-10000}
iters=${2:-10}
networks=${3:-"ethernet-1g wifi-n"}
bin=build/cli/ringtmp
bare=build/bench/simgrid_bare
[[ -x $bin && -x $bare ]] || { echo "build first: cmake --build build --target ringtmp simgrid_bare" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
widths() { python3 -c "print(','.join(['16'] * ($1 + 1)))"; }

# name, flags...: one timing-only sim under /usr/bin/time; prints one table row.
measure() {
  local name=$1; shift
  local out=$tmp/$name
  if ! /usr/bin/time -v -o "$tmp/$name.time" "$bin" sim --timing-only --device pi4b --dataset synthetic \
       "$@" --out "$out" >"$tmp/$name.log" 2>&1; then
    printf '%-28s FAILED: %s\n' "$name" "$(grep -v '^\s*$' "$tmp/$name.log" | tail -1)"
    return 0
  fi
  python3 - "$out" "$tmp/$name.time" "$name" <<'PY'
import csv, json, re, sys
folder, timefile, name = sys.argv[1:4]
t = open(timefile).read()
wall = t.split("Elapsed (wall clock) time (h:mm:ss or m:ss): ")[1].split()[0].split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
rss_gb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1e6
cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", t).group(1)) for k in ("User", "System"))
s = json.load(open(f"{folder}/summary.json"))
msgs = sum(int(r["msgs_sent"]) for r in csv.DictReader(open(f"{folder}/nodes.csv")))
ok = "ok" if wall <= 60 and rss_gb <= 4 else "MISS"
print(f"{name:<28} {wall:7.1f} s wall {cpu:7.1f} s cpu {rss_gb:6.2f} GB rss {s['sim_seconds']:9.1f} s simulated "
      f"{msgs:>10} msgs {msgs / wall:>9.0f} msgs/s  {ok}")
PY
}

echo "== $nodes devices, $iters iterations, timing-only (bound: 60 s wall, 4 GB rss) =="
layers=$(widths "$nodes")
for net in $networks; do
  measure "ring-1f1b-$net" --network "$net" --strategy ring --schedule 1f1b --nodes "$nodes" \
    --layers "$layers" --microbatches 4 --batch 64 --iterations "$iters"
  measure "ps-bsp-4srv-$net" --network "$net" --strategy ps --ps-mode bsp --nodes "$nodes" --servers 4 \
    --layers 784,64,10 --batch "$nodes" --synthetic-train "$nodes" --iterations "$iters"
done
"$bare" ring "$nodes" "$iters" 1024

echo "== ring all-reduce, MLP 784-64-10, 1 iteration: cost per message =="
for n in ${ALLREDUCE_NODES:-500 1000 2000}; do
  measure "allreduce-$n-ethernet-1g" --network ethernet-1g --strategy allreduce --nodes "$n" \
    --layers 784,64,10 --batch "$n" --synthetic-train "$n" --iterations 1
done
if [[ ${ALLREDUCE_FULL:-0} == 1 ]]; then
  for net in $networks; do
    measure "allreduce-$nodes-$net" --network "$net" --strategy allreduce --nodes "$nodes" \
      --layers 784,64,10 --batch "$nodes" --synthetic-train "$nodes" --iterations "$iters"
  done
fi
