#!/usr/bin/env bash
# Rejoin through the real binary: in `launch --local`, a node process stopped (SIGSTOP) for
# longer than the failure timeout (4 s of 2.5 s) and continued (SIGCONT) finds it was cut
# off, hangs up, asks to rejoin and is readmitted: the run ends with every node, exit 0, one
# failure survived with its rejoin, and the uninterrupted run's losses and final model bit
# for bit (no update from its earlier life applied, none lost), for the ring (1f1b,
# shadows), all-reduce and the bsp parameter server (a worker and a server). And a node
# process killed (SIGKILL, a Pi that lost power) and started again with `ringtmp node
# --rejoin` is readmitted the same way.
# Usage: rejoin.sh <path-to-ringtmp>
set -u

BIN=${1:?usage: rejoin.sh <path-to-ringtmp>}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringtmp-rejoin-test.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
# shellcheck source=cli_cases.sh
source "$(dirname "$0")/cli_cases.sh"
cd "$TMP" || exit 2

ITERATIONS=8000  # about 10 s: the stop, detection and the rejoin fit well inside
RT=(--dataset synthetic --layers 32,96,96,96,4 --synthetic-train 4096 --synthetic-test 256 --batch 32
    --iterations $ITERATIONS --seed 7 --momentum 0.9 --peer-timeout 60)

# The losses of every iteration, and the final model's test loss and accuracy (an update
# applied twice or lost in the last iteration shows in no training loss, only in the model).
same_losses() {
  [ "$(wc -l <"$1/iterations.csv")" -eq $((ITERATIONS + 1)) ] || return 1
  cmp -s <(cut -d, -f1,3,4 "$1/iterations.csv") <(cut -d, -f1,3,4 "$2/iterations.csv") || return 1
  [ -s "$1/evaluations.csv" ] || return 1
  cmp -s <(cut -d, -f1,3,4 "$1/evaluations.csv") <(cut -d, -f1,3,4 "$2/evaluations.csv")  # the time is the run's
}

for case in "ring 1:--strategy ring --schedule 1f1b --microbatches 2 --replica-every 1 --nodes 3 --local 3" \
            "allreduce 1:--strategy allreduce --nodes 3 --local 3" \
            "ps 1:--strategy ps --ps-mode bsp --nodes 3 --servers 2 --server-replicas 1 --local 5" \
            "ps 4:--strategy ps --ps-mode bsp --nodes 3 --servers 2 --server-replicas 1 --local 5"; do
  label=${case%%:*}
  name=${label% *}
  victim=${label#* }
  # shellcheck disable=SC2206
  args=(${case#*:})
  whole=$TMP/$name-whole
  if [ ! -d "$whole" ]; then
    expect_exit 0 "launch $name, uninterrupted" -- launch "${RT[@]}" "${args[@]}" --out "$whole"
  fi
  CASE="launch $name: node $victim stopped for 4 s, then continued"
  printf '%-60s' "$CASE"
  dir=$TMP/$name-$victim-stopped
  LAST_ARGS=(launch "${RT[@]}" "${args[@]}" --out "$dir")
  "$BIN" "${LAST_ARGS[@]}" >"$OUT" 2>"$ERR" &
  launch=$!
  pid=$(training_node_pid "$dir" "$victim" "iteration $((ITERATIONS / 10 + 1))/" 500) || exit 1
  kill -STOP "$pid"
  sleep 4
  kill -CONT "$pid"
  wait "$launch"
  RC=$?
  [ "$RC" -eq 0 ] || fail "expected exit code 0"
  grep -q "rank $victim was stopped for" "$OUT" || fail "node $victim did not say it was cut off"
  grep -q "rejoined node $victim " "$OUT" || fail "no 'rejoined node $victim' line"
  summary_has "$dir" "\"node\": $victim,"
  grep -q '"rejoined_at": [0-9]' "$dir/summary.json" || fail "summary.json has no rejoined_at"
  [ "$(grep -c '"node": ' "$dir/summary.json")" -ge 1 ] || fail "summary.json lists no failure"
  same_losses "$whole" "$dir" || fail "the losses or the final model differ from the uninterrupted launch's"
  # The death's time is the node's own (when it stopped), before its peers detected it.
  grep "^survived node $victim " "$OUT" | sed -n 's/.*failing at \([0-9.]*\) s: .*detected at \([0-9.]*\) s, .*/\1 \2/p' |
    awk '{ exit !($1 < $2) } END { exit NR != 1 }' || fail "the failure is not timed before its detection"
  echo "ok ($(grep "rejoined node" "$OUT" | head -n 1))"
done

# The same faults played by launch itself (--faults, cli/fault_player.hpp): a pause is SIGSTOP
# then SIGCONT, and the ring's losses are still the uninterrupted run's; a kill leaves the node
# silent (as a Pi without power: its peers see no closed connection, only its silence) and
# ends it once the others have finished without it.
CASE="launch --faults pause:1@0.3+3.5 (ring 1f1b)"
printf '%-60s' "$CASE"
LAST_ARGS=(launch "${RT[@]}" --strategy ring --schedule 1f1b --microbatches 2 --replica-every 1 --nodes 3 --local 3
           --faults pause:1@0.3+3.5 --out "$TMP/played-pause")
run "${LAST_ARGS[@]}"
[ "$RC" -eq 0 ] || fail "expected exit code 0"
grep -q "^fault: node 1 paused (SIGSTOP) at 0.3" "$OUT" || fail "no 'fault: node 1 paused' line"
grep -q "^fault: node 1 continued (SIGCONT) at 3.8" "$OUT" || fail "no 'fault: node 1 continued' line"
grep -q "rejoined node 1 " "$OUT" || fail "no 'rejoined node 1' line"
same_losses "$TMP/ring-whole" "$TMP/played-pause" || fail "the losses or the final model differ from the uninterrupted launch's"
echo "ok"
CASE="launch --faults kill:1@0.5 (all-reduce)"
printf '%-60s' "$CASE"
LAST_ARGS=(launch "${RT[@]}" --strategy allreduce --nodes 3 --local 3 --faults kill:1@0.5 --out "$TMP/played-kill")
run "${LAST_ARGS[@]}"
[ "$RC" -eq 0 ] || fail "expected exit code 0"
grep -q "peer 1 is down: silent for" "$OUT" || fail "the survivors did not find node 1 by its silence"
grep -q "^survived node 1 (worker) failing at 0.5.*killed by the fault schedule" "$OUT" ||
  fail "no 'survived node 1' line timed at the kill"
[ "$(wc -l <"$TMP/played-kill/iterations.csv")" -eq $((ITERATIONS + 1)) ] || fail "not every iteration was trained"
echo "ok"

# `ringtmp node --rejoin`: three node processes started by hand, node 1 SIGKILLed mid-run
# and, once the others have healed its death, started again with --rejoin.
CASE="node --rejoin: all-reduce node 1 killed, then started again"
printf '%-60s' "$CASE"
dir=$TMP/restarted
mkdir -p "$dir"
: >"$ERR"
(umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/cluster.key" && echo >>"$dir/cluster.key")
for _ in 0 1 2; do
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print("127.0.0.1:%d" % s.getsockname()[1])'
done >"$dir/peers.txt"
NODE=(node "${RT[@]}" --strategy allreduce --nodes 3 --peers "$dir/peers.txt" --key-file "$dir/cluster.key" --out "$dir/nodes")
LAST_ARGS=("${NODE[@]}" --rank 1 --rejoin)
pids=()
for r in 0 1 2; do
  "$BIN" "${NODE[@]}" --rank $r >"$dir/node-$r.log" 2>&1 &
  pids[r]=$!
done
for _ in $(seq 1 500); do
  grep -q "iteration $((ITERATIONS / 10 + 1))/" "$dir/node-0.log" && break
  sleep 0.02
done
kill -9 "${pids[1]}"
{ wait "${pids[1]}"; } 2>/dev/null
for _ in $(seq 1 300); do  # the survivors' detection (2.5 s) and recovery
  grep -q "peer 1 is down" "$dir/node-0.log" && grep -q "peer 1 is down" "$dir/node-2.log" && break
  sleep 0.02
done
"$BIN" "${NODE[@]}" --rank 1 --rejoin >"$dir/node-1-again.log" 2>&1 &
pids[1]=$!
for r in 0 1 2; do
  wait "${pids[r]}"
  RC=$?
  [ "$RC" -eq 0 ] || { cat "$dir/node-$r.log" "$dir/node-1-again.log" >"$ERR"; fail "node $r ended with exit code $RC"; }
done
grep -q "peer 1 is back, asking to rejoin" "$dir/node-0.log" || { cp "$dir/node-0.log" "$ERR"; fail "node 0 never saw node 1 back"; }
run merge "$dir/nodes" --out "$dir/run"
[ "$RC" -eq 0 ] || fail "merge of the nodes' outcomes failed"
grep -q "^survived node 1 (worker) failing at .*its earlier process ended; ringtmp node --rejoin started it again" "$OUT" ||
  fail "no 'survived node 1' line naming the restart"
grep -q "^rejoined node 1 (worker): back and training again" "$OUT" || fail "no 'rejoined node 1' line"
same_losses "$TMP/allreduce-whole" "$dir/run" || fail "the losses or the final model differ from the uninterrupted launch's"
echo "ok ($(grep "rejoined node" "$OUT" | head -n 1))"
echo "all rejoin cases passed"
