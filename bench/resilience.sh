#!/usr/bin/env bash
# Question: what does a node's death cost each strategy, and what does being resilient cost
# a run in which nobody dies? Per strategy, on N simulated devices over a network (issue 12's
# setting: 8 Pi 4Bs on wifi-n, 200 iterations), the run is simulated fault-free and with the
# middle rank powered off at the middle of the fault-free run. Row ps-server: a parameter
# server with two servers, each shard replicated on the other (--server-replicas 1, momentum
# 0.9, so that the replica's momentum matters), losing its first server instead. Rows ps-asp
# and ps-asp-server: an asp parameter server (one server) losing the middle worker, or its
# server (no fault-free trace to equal: trace_reldiff then says how far it went elsewhere).
# Row ring-async: the async ring (weight stashing) losing its middle stage, likewise. Row
# ring-k10: the 1f1b ring with snapshots every 10 iterations (--replica-every 10) instead of
# a refresh every iteration: less traffic, more redone.
# Prints: when the survivors
# detected the death and resumed (after the fault), the iterations redone, the bytes sent to
# recover, the mean iteration time after recovery against the fault-free run's, whether the
# faulted loss trace equals the fault-free one (largest relative difference), and the bytes
# a fault-free run sends in all. Resilience has a price in a fault-free run where it copies
# state (the ring's shadows' refreshes, the servers' replicas): the same run with
# --replica-every 0 (ring) or --server-replicas 0 (ps-server) gives its iteration time and
# bytes ("-" for the strategies whose resilience copies nothing). A strategy that does not heal yet
# says so (its error line).
# Usage: bench/resilience.sh [nodes=8] [iterations=200] [device=pi4b] [network=wifi-n]
#   env: STRATEGIES="allreduce ring ring-k10 ring-async ps ps-server ps-asp ps-asp-server" LAYERS=784,256x7,10 (8 layers: a ring of 8 stages)
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-8}
iters=${2:-200}
device=${3:-pi4b}
network=${4:-wifi-n}
strategies=${STRATEGIES:-"allreduce ring ring-k10 ring-async ps ps-server ps-asp ps-asp-server"}
layers=${LAYERS:-784,256,256,256,256,256,256,256,10}
bin=build/cli/ringtmp
[[ -x $bin ]] || { echo "build first: cmake --build build --target ringtmp" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
victim=$((nodes / 2))

printf '%-14s %9s %9s %9s %7s %10s %12s %12s %12s %14s %12s %14s\n' strategy fault_s detect_s resume_s redone \
  recovery_B iter_s_clean iter_s_after trace_reldiff bytes_clean iter_s_off bytes_off
for strategy in $strategies; do
  rank=$victim
  extra=()
  copies_off=()
  case $strategy in
    ring) copies_off=(--replica-every 0) ;;
    ring-async) extra=(--schedule async) copies_off=(--replica-every 0) ;;
    ring-k10) copies_off=(--replica-every 0) ;;
    ps-server) extra=(--servers 2 --momentum 0.9) rank=$nodes copies_off=(--server-replicas 0) ;;
    ps-asp) extra=(--ps-mode asp) ;;
    ps-asp-server) extra=(--ps-mode asp) rank=$nodes ;;
  esac
  base=(sim --strategy "${strategy%%-*}" --nodes "$nodes" --device "$device" --network "$network"
        --iterations "$iters" --layers "$layers" "${extra[@]}")
  args=("${base[@]}")
  [[ $strategy == ps-server ]] && args+=(--server-replicas 1)
  [[ $strategy == ring-k10 ]] && args+=(--replica-every 10)
  if ! "$bin" "${args[@]}" --out "$tmp/$strategy-clean" >/dev/null 2>"$tmp/err"; then
    printf '%-14s cannot run: %s\n' "$strategy" "$(cut -c1-150 "$tmp/err")"
    continue
  fi
  fault=$(python3 -c "import json; print(json.load(open('$tmp/$strategy-clean/summary.json'))['sim_seconds'] / 2)")
  if ! "$bin" "${args[@]}" --faults "kill:$rank@$fault" --out "$tmp/$strategy-fault" >/dev/null 2>"$tmp/err"; then
    printf '%-14s does not heal yet: %s\n' "$strategy" "$(cut -c1-150 "$tmp/err")"
    continue
  fi
  off=""
  if [[ ${#copies_off[@]} -gt 0 ]]; then
    "$bin" "${base[@]}" "${copies_off[@]}" --out "$tmp/$strategy-off" >/dev/null 2>"$tmp/err" || {
      printf '%-14s cannot run without its copies: %s\n' "$strategy" "$(cut -c1-150 "$tmp/err")"
      continue
    }
    off="$tmp/$strategy-off"
  fi
  python3 - "$tmp/$strategy-clean" "$tmp/$strategy-fault" "$strategy" "$fault" "$off" <<'EOF'
import csv, json, sys
clean_dir, fault_dir, strategy, fault, off_dir = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
clean, faulted = (json.load(open(d + "/summary.json")) for d in (clean_dir, fault_dir))
trace = lambda d: [(float(r["time"]), float(r["loss"])) for r in csv.DictReader(open(d + "/iterations.csv"))]
tc, tf = trace(clean_dir), trace(fault_dir)
f = faulted["failures"][0]
# Iterations that started after recovery: their mean time, against the fault-free run's.
after = [b[0] - a[0] for a, b in zip(tf, tf[1:]) if a[0] >= f["resumed_at"]]
clean_mean = (tc[-1][0] - tc[0][0]) / max(len(tc) - 1, 1)
diff = max(abs(a[1] - b[1]) / abs(a[1]) for a, b in zip(tc, tf)) if len(tc) == len(tf) else float("nan")
off_iter, off_bytes = "-", "-"
if off_dir:
    to = trace(off_dir)
    off_iter = f"{(to[-1][0] - to[0][0]) / max(len(to) - 1, 1):.3f}"
    off_bytes = str(json.load(open(off_dir + "/summary.json"))["bytes_sent_total"])
print(f"{strategy:<14} {fault:9.2f} {f['detected_at']:9.2f} {f['resumed_at']:9.2f} {f['iterations_redone']:7d} "
      f"{f['recovery_bytes']:10d} {clean_mean:12.3f} {sum(after) / max(len(after), 1):12.3f} {diff:12.1e} "
      f"{clean['bytes_sent_total']:14d} {off_iter:>12} {off_bytes:>14}")
EOF
done
