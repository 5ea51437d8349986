#!/usr/bin/env bash
# Rejoin through the real binary: in `launch --local`, a node process stopped (SIGSTOP) for
# longer than the failure timeout (4 s of 2.5 s) and continued (SIGCONT) finds it was cut
# off, hangs up, asks to rejoin and is readmitted: the run ends with every node, exit 0, one
# failure survived with its rejoin, and the uninterrupted run's losses bit for bit (no update
# from its earlier life applied, none lost), for the ring (1f1b, shadows), all-reduce and the
# bsp parameter server (a worker and a server).
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

same_losses() {
  [ "$(wc -l <"$1/iterations.csv")" -eq $((ITERATIONS + 1)) ] || return 1
  cmp -s <(cut -d, -f1,3,4 "$1/iterations.csv") <(cut -d, -f1,3,4 "$2/iterations.csv")
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
  pid=""
  for _ in $(seq 1 500); do
    pid=$(node_pid "$dir" "$victim")
    [ -n "$pid" ] && grep -q "iteration $((ITERATIONS / 10 + 1))/" "$OUT" && break
    sleep 0.02
  done
  [ -n "$pid" ] || fail "node $victim never started"
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
  same_losses "$whole" "$dir" || fail "the losses differ from the uninterrupted launch's"
  echo "ok ($(grep "rejoined node" "$OUT" | head -n 1))"
done
echo "all rejoin cases passed"
