#!/usr/bin/env bash
# Checkpoints and --resume through the real binary. A run SIGKILLed at a random iteration
# (every node: launch's nodes die with it) and resumed from its checkpoint folder gives the
# uninterrupted run's loss trace bit for bit, in train, sim and launch --local, for ring
# 1f1b, ps bsp and allreduce. A checkpoint that cannot be resumed (truncated, a flipped byte,
# another config, a missing part, an older format, a folder holding another run) is refused
# with one line naming the file, before anything runs.
# Usage: resume.sh <path-to-ringtmp>. RESUME_SEED=N replays a run's random kill points.
set -u

BIN=${1:?usage: resume.sh <path-to-ringtmp>}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringtmp-resume-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=cli_cases.sh
source "$(dirname "$0")/cli_cases.sh"
cd "$TMP" || exit 2
RANDOM=${RESUME_SEED:-$$}
echo "kill points drawn with RESUME_SEED=${RESUME_SEED:-$$}"

ITERATIONS=1500
EVERY=10
RT=(--dataset synthetic --layers 32,96,96,96,4 --synthetic-train 4096 --synthetic-test 256 --batch 32
    --iterations $ITERATIONS --seed 7 --momentum 0.9 --peer-timeout 60)

# Every iteration's loss, as written: the same text is the same bits (shortest round trip).
same_losses() {
  [ "$(wc -l <"$1/iterations.csv")" -eq $((ITERATIONS + 1)) ] || return 1
  cmp -s <(cut -d, -f1,3,4 "$1/iterations.csv") <(cut -d, -f1,3,4 "$2/iterations.csv")
}

newest_set() {
  local newest
  newest=$(ls "$1" 2>/dev/null | grep '^iteration-' | sort | tail -n 1)
  [ -n "$newest" ] && echo $((10#${newest#iteration-})) || echo 0
}

# killed_at_random CKDIR ARGS...: runs ringtmp ARGS in the background, SIGKILLs it once its
# newest checkpoint reaches a random iteration, and checks it was killed, not finished.
killed_at_random() {
  local dir=$1
  shift
  local target=$(((RANDOM % (ITERATIONS / EVERY / 2) + 3) * EVERY))
  printf '%-60s' "$CASE (killed after set $target)"
  LAST_ARGS=("$@")
  "$BIN" "$@" >"$OUT" 2>"$ERR" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null && [ "$(newest_set "$dir")" -lt "$target" ]; do sleep 0.01; done
  kill -9 "$pid" 2>/dev/null
  { wait "$pid"; } 2>/dev/null
  RC=$?
  [ "$RC" -eq 137 ] || fail "expected the run to be killed (137); it ran to its end: make it longer"
  echo "ok (set $(newest_set "$dir") written)"
}

for command in train sim launch; do
  for strategy in "ring --schedule 1f1b --microbatches 2" "ps --ps-mode bsp --servers 2" "allreduce"; do
    name=${strategy%% *}
    n=(--nodes 3)
    [ "$command" = launch ] && { n+=(--local 3); [ "$name" = ps ] && n=(--nodes 3 --local 5); }
    [ "$command" = sim ] && n+=(--network ethernet-1g)
    run_id=$command-$name
    # shellcheck disable=SC2086
    expect_exit 0 "$command $name, uninterrupted" -- $command "${RT[@]}" --strategy $strategy "${n[@]}" --out "$TMP/$run_id-whole"
    CASE="$command $name, checkpoint every $EVERY"
    # shellcheck disable=SC2086
    killed_at_random "$TMP/$run_id-ck" $command "${RT[@]}" --strategy $strategy "${n[@]}" \
      --checkpoint-every $EVERY --checkpoint-dir "$TMP/$run_id-ck" --out "$TMP/$run_id-killed"
    [ ! -e "$TMP/$run_id-killed" ] || fail "the killed run left a run folder"
    # shellcheck disable=SC2086
    expect_exit 0 "$command $name, resumed" -- $command "${RT[@]}" --strategy $strategy "${n[@]}" \
      --checkpoint-every $EVERY --checkpoint-dir "$TMP/$run_id-ck" --resume "$TMP/$run_id-ck" --out "$TMP/$run_id-resumed"
    grep -q "^resume .*: iteration [0-9]* of $ITERATIONS$" "$OUT" || fail "no 'resume ...: iteration T of $ITERATIONS' line"
    same_losses "$TMP/$run_id-whole" "$TMP/$run_id-resumed" || fail "the resumed run's losses differ from the uninterrupted run's"
    [ "$(ls "$TMP/$run_id-ck" | wc -l)" -le 2 ] || fail "more than the newest two sets are kept"
  done
done

# A node stopped (SIGSTOP) for less than the failure timeout (1 s of 2.5 s) and continued
# (SIGCONT) is no failure: nobody changes its view, the run ends whole with the
# uninterrupted run's losses.
for strategy in "ring --schedule 1f1b --microbatches 2" "allreduce"; do
  name=${strategy%% *}
  CASE="launch $name: a node stopped for 1 s, then continued"
  printf '%-60s' "$CASE"
  dir=$TMP/launch-$name-stopped
  # shellcheck disable=SC2206
  LAST_ARGS=(launch "${RT[@]}" --strategy $strategy --nodes 3 --local 3 --out "$dir")
  "$BIN" "${LAST_ARGS[@]}" >"$OUT" 2>"$ERR" &
  launch=$!
  victim=$(training_node_pid "$dir" 1 "iteration 301/" 200) || exit 1
  kill -STOP "$victim"
  sleep 1
  kill -CONT "$victim"
  wait "$launch"
  RC=$?
  [ "$RC" -eq 0 ] || fail "expected exit code 0"
  summary_has "$dir" '"failures": [],'
  same_losses "$TMP/launch-$name-whole" "$dir" || fail "the losses differ from the uninterrupted launch's"
  # The stop came mid-run: two consecutive iterations lie the second apart (iterations take
  # milliseconds; comparing whole runs' wall times instead fails on a loaded machine).
  gap=$(awk -F, 'NR > 2 && $2 - t > g { g = $2 - t } NR > 1 { t = $2 } END { printf "%.3f", g }' "$dir/iterations.csv")
  awk -v g="$gap" 'BEGIN { exit !(g >= 0.8) }' ||
    fail "the run was not stopped mid-run (the longest gap between two iterations: $gap s)"
  echo "ok (exit $RC, wall $(wall "$TMP/launch-$name-whole") -> $(wall "$dir") s)"
done

# Refusals: each one line naming the culprit, exit 2, before any node starts.
CK=$TMP/train-allreduce-ck
SET=$CK/$(ls "$CK" | sort | tail -n 1)
ARGS=(train "${RT[@]}" --strategy allreduce --nodes 3)
cp -r "$CK" "$TMP/pristine"
restore() { rm -rf "$CK"; cp -r "$TMP/pristine" "$CK"; }

expect_error 2 "resume from a folder that does not exist" "$TMP/nowhere" -- "${ARGS[@]}" --resume "$TMP/nowhere"
expect_error 2 "resume with another learning rate" "lr" "$SET/part-0000.rtc" -- "${ARGS[@]}" --resume "$CK" --lr 0.1
expect_error 2 "resume with another strategy" "$CK" -- train "${RT[@]}" --strategy ring --nodes 3 --resume "$CK"
head -c 100 "$SET/part-0001.rtc" >"$TMP/cut" && mv "$TMP/cut" "$SET/part-0001.rtc"
expect_error 2 "resume from a truncated part" "$SET/part-0001.rtc" "truncated" -- "${ARGS[@]}" --resume "$CK"
restore
size=$(stat -c %s "$SET/part-0002.rtc")
printf '\x5a' | dd of="$SET/part-0002.rtc" bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_error 2 "resume from a part with a flipped byte" "$SET/part-0002.rtc" "checksum" -- "${ARGS[@]}" --resume "$CK"
restore
printf '\x00' | dd of="$SET/part-0000.rtc" bs=1 seek=4 conv=notrunc status=none
expect_error 2 "resume from a part of an older format version" "$SET/part-0000.rtc" "version" -- "${ARGS[@]}" --resume "$CK"
restore
rm -rf "$CK"/iteration-*; cp -r "$TMP/pristine/$(basename "$SET")" "$CK/"; rm "$SET/part-0001.rtc"
expect_error 2 "resume from a set missing a part" "part-0001.rtc" -- "${ARGS[@]}" --resume "$CK"
restore
expect_error 2 "a fresh run into a folder holding another run's checkpoints" "$CK" "another run" -- \
  "${ARGS[@]}" --checkpoint-every 5 --checkpoint-dir "$CK"
expect_error 2 "checkpoints without a folder" "checkpoint-every" "--checkpoint-dir" -- "${ARGS[@]}" --checkpoint-every 5
expect_error 2 "checkpoints of an asynchronous ring" "checkpoint-every" -- \
  train "${RT[@]}" --strategy ring --schedule async --nodes 3 --checkpoint-every 5 --checkpoint-dir "$TMP/async"
expect_error 2 "resume a timing-only simulation" "resume" "timing-only" -- \
  sim "${RT[@]}" --strategy allreduce --nodes 3 --timing-only --resume "$CK"
echo "all resume cases passed"
