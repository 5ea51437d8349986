#!/usr/bin/env bash
# The command line's contract, through the real binary: exit 0 done, 1 run failed (data,
# files), 2 usage or config error; every error is exactly one line on stderr naming the
# culprit (flag, key, file); flags win over the --config file; a tiny run writes its folder.
# Usage: exit_codes.sh <path-to-ringtmp>. Prints each case; stops at the first failure.
set -u

BIN=${1:?usage: exit_codes.sh <path-to-ringtmp>}
[ -x "$BIN" ] || { echo "exit_codes.sh: $BIN is not an executable" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

PLATFORMS=$(cd "$(dirname "$0")/../../platforms" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringtmp-cli-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=cli_cases.sh
source "$(dirname "$0")/cli_cases.sh"
# Run from the scratch folder: a run that wrongly succeeds writes results/runs/ here, not
# into the source or build tree.
cd "$TMP" || exit 2

# A cheap run: if a bad flag were wrongly accepted, the case fails in a second instead of
# training an epoch of Fashion-MNIST. Error cases add their bad flag to it.
TINY=(--dataset synthetic --layers 8,16,3 --iterations 1 --synthetic-train 256 --synthetic-test 16)
CHEAP=("${TINY[@]}" --out "$TMP/stray-run")

# strict_json FILE...: each file is JSON (UTF-8, no bare NaN or Infinity, which Python's
# parser would otherwise accept).
strict_json() {
  python3 -c '
import json, sys
def refuse(constant): raise ValueError("bare " + constant)
for name in sys.argv[1:]:
    with open(name, encoding="utf-8") as f: json.load(f, parse_constant=refuse)
' "$@" 2>"$TMP/json-error" || fail "not strict JSON: $(tail -n 1 "$TMP/json-error")"
}

# no_partial FOLDER: no temporary folder of a run into FOLDER is left beside it.
no_partial() {
  ! compgen -G "$1.partial-*" >/dev/null || fail "a temporary folder is left: $(compgen -G "$1.partial-*")"
}

echo "== top level"
expect_exit 0 "--version" -- --version
grep -q "ringtmp" "$OUT" || fail "--version printed no version"
expect_exit 0 "--help" -- --help
expect_exit 2 "no arguments" --
[ -s "$OUT" ] && fail "a bare ringtmp printed its usage on stdout (a usage error goes to stderr)"
grep -q "^Usage: ringtmp <command>" "$ERR" || fail "a bare ringtmp printed no usage on stderr"
expect_error 2 "unknown command" "frobnicate" -- frobnicate
expect_exit 0 "train --help" -- train --help
grep -qF -- "--batch" "$OUT" || fail "train --help does not list --batch"

echo "== bad flags (exit 2, one line naming the flag)"
expect_error 2 "train --bogus" "bogus" -- train --bogus
expect_error 2 "train --batch (value missing)" "batch" -- train --batch
expect_error 2 "train --batch abc" "batch" "abc" -- train "${CHEAP[@]}" --batch abc
expect_error 2 "train --batch 1.5" "batch" -- train "${CHEAP[@]}" --batch 1.5
expect_error 2 "train --batch 99999999999 (overflow)" "batch" -- train "${CHEAP[@]}" --batch 99999999999
expect_error 2 "train --batch 0" "batch" -- train "${CHEAP[@]}" --batch 0
expect_error 2 "train --lr -1" "lr" -- train "${CHEAP[@]}" --lr -1
expect_error 2 "train --lr=0" "lr" -- train "${CHEAP[@]}" --lr=0
expect_error 2 "train --momentum 1.5" "momentum" -- train "${CHEAP[@]}" --momentum 1.5
expect_error 2 "train --layers 784,x,10" "layers" "x" -- train --layers 784,x,10
expect_error 2 "train --seed -3" "seed" -- train "${CHEAP[@]}" --seed -3
# A model string: one line naming the offending token; --input against the dataset.
SMALL=(--dataset synthetic --iterations 1 --synthetic-train 256 --synthetic-test 16 --out "$TMP/stray-run")
CNN=("${SMALL[@]}" --input 1x4x4)
expect_error 2 "train --model with a misspelt layer" "model" "token 3 'maxpul(2)'" -- \
  train "${CNN[@]}" --model 'conv(2,3,pad=1),relu,maxpul(2),flatten,dense(3)'
expect_error 2 "train --model: dense on an image" "token 2 'dense(3)'" "flatten" -- \
  train "${CNN[@]}" --model 'conv(2,3),dense(3)'
expect_error 2 "train --model: a kernel larger than the image" "token 1" "5x5 kernel" -- \
  train "${CNN[@]}" --model 'conv(2,5),flatten,dense(3)'
expect_error 2 "train --model: no logits at the end" "the last layer must be dense" -- \
  train "${CNN[@]}" --model 'conv(2,3),relu'
expect_error 2 "train --input 1x4" "input" "1x4" -- train "${SMALL[@]}" --model 'flatten,dense(3)' --input 1x4
expect_error 2 "train --model lenet5 on 3x28x28 fashion-mnist" "input" "784" -- train --model lenet5 --input 3x28x28
expect_error 2 "sim --strategy ring with more stages than layers" "nodes" "model" -- \
  sim "${CNN[@]}" --model 'flatten,dense(3)' --strategy ring --nodes 3
expect_error 2 "maxmodel --model" "model" -- maxmodel --model lenet5
expect_error 2 "train --threads 0" "threads" "'0'" -- train "${CHEAP[@]}" --threads 0
expect_error 2 "train --threads 300" "threads" "300" -- train "${CHEAP[@]}" --threads 300
expect_error 2 "train --threads many" "threads" "many" -- train "${CHEAP[@]}" --threads many
expect_error 2 "sim --threads auto on a devices mix of other core counts" "threads" "cores" -- \
  sim "${CHEAP[@]}" --strategy allreduce --nodes 2 --device 'pi4b*1,host*1' --threads auto
expect_exit 0 "train a small CNN" -- train "${SMALL[@]/stray-run/cnn-run}" --input 1x4x4 \
  --model 'conv(2,3,pad=1),relu,avgpool(2),flatten,dense(3)'
expect_error 2 "train --strategy nope" "strategy" "nope" -- train "${CHEAP[@]}" --strategy nope
expect_error 2 "train --dataset mnist" "dataset" "mnist" -- train --dataset mnist
expect_error 2 "train --nodes 2 (local runs on one node)" "nodes" -- train "${CHEAP[@]}" --nodes 2
expect_error 2 "train --batch given twice" "batch" -- train "${CHEAP[@]}" --batch 8 --batch 16
expect_error 2 "train --strat (a prefix is not the flag)" "strat" -- train "${CHEAP[@]}" --strat local
expect_error 2 "train --batch +5" "invalid value for batch: '+5'" -- train "${CHEAP[@]}" --batch +5
expect_error 2 "train --batch ' 5'" "invalid value for batch: ' 5'" -- train "${CHEAP[@]}" --batch ' 5'

echo "== config files"
cat >"$TMP/unknown.ini" <<'EOF'
batch = 32
bogus-key = 3
EOF
cat >"$TMP/bad-value.ini" <<'EOF'
batch = abc
EOF
cat >"$TMP/good.ini" <<'EOF'
# A tiny synthetic run; the test overrides batch with a flag.
dataset = synthetic
layers = 8,16,3
batch = 32
iterations = 5
synthetic-train = 512
synthetic-test = 64
EOF
expect_error 2 "config with an unknown key" "bogus-key" "$TMP/unknown.ini" -- \
  train --config "$TMP/unknown.ini"
expect_error 2 "config with a bad value" "batch" "abc" -- train --config "$TMP/bad-value.ini"
# Binary garbage and an endless line: quoted with escapes, cut, on one line.
printf 'strategy = ring\001\033[2J\377\nbatch = 8\n' >"$TMP/binary-value.ini"
expect_error 2 "config value with control bytes" "'ring\\x01\\x1b[2J\\xff'" -- \
  train --config "$TMP/binary-value.ini"
{ printf 'batch = 8\n'; head -c 200000 /dev/zero | tr '\0' 'k'; printf '\001\n = 3\n'; } >"$TMP/long-key.ini"
expect_error 2 "config with a 200 kB key" "$TMP/long-key.ini" -- train --config "$TMP/long-key.ini"
[ "$(wc -c <"$ERR")" -lt 600 ] || fail "a 200 kB culprit was echoed whole"
LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$ERR") && fail "stderr holds a control byte"
# Boost fills its placeholders by replacing until none is left: one in the input hung it.
printf 'x%%invalid_line%%\n' >"$TMP/placeholder.ini"
expect_error 2 "config line holding boost's %invalid_line%" "x%invalid_line%" -- train --config "$TMP/placeholder.ini"
expect_error 2 "flag named --%canonical_option%" "--%canonical_option%" -- train --%canonical_option%
expect_error 2 "missing config file" "$TMP/absent.ini" -- train --config "$TMP/absent.ini"
expect_error 2 "config value failing validation" "momentum" -- \
  train --config "$TMP/good.ini" --momentum 1

expect_exit 0 "config alone is applied" -- train --config "$TMP/good.ini" --out "$TMP/from-config"
summary_has "$TMP/from-config" '"batch": 32,'
summary_has "$TMP/from-config" '"iterations": 5,'
summary_has "$TMP/from-config" '"layers": "8,16,3",'
expect_exit 0 "a flag wins over the config file" -- \
  train --config "$TMP/good.ini" --batch 16 --out "$TMP/flag-wins"
summary_has "$TMP/flag-wins" '"batch": 16,'
summary_has "$TMP/flag-wins" '"iterations": 5,'  # the keys no flag overrides still apply

echo "== run failures (exit 1)"
expect_error 1 "train --data-dir /nonexistent" "dataset-fashion-mnist" "/nonexistent" -- \
  train --data-dir /nonexistent/fashion-mnist

echo "== a tiny synthetic run"
expect_exit 0 "train --dataset synthetic --layers 8,16,3" -- \
  train --dataset synthetic --layers 8,16,3 --iterations 20 --out "$TMP/run"
for f in summary.json iterations.csv nodes.csv timeline.json; do
  [ -s "$TMP/run/$f" ] || fail "the run folder lacks a non-empty $f"
done
summary_has "$TMP/run" '"iterations": 20,'
[ "$(wc -l <"$TMP/run/iterations.csv")" -eq 21 ] || fail "iterations.csv should be a header and 20 rows"
[ ! -e "$TMP/results" ] || fail "a run wrote a default results/ folder"
# The progress line's loss is iterations.csv's (printed to 4 places).
grep -qF "iteration 20/20  loss $(tail -n 1 "$TMP/run/iterations.csv" | awk -F, '{ printf "%.4f", $3 }')  " "$OUT" ||
  fail "the last progress line's loss is not iterations.csv's last loss"
grep -q "^iteration 20/20 .* s wall$" "$OUT" || fail "the progress line does not say its time is wall time"

echo "== run folders"
summary_has "$TMP/run" '"version": "'
summary_has "$TMP/run" '"git_commit": "'
summary_has "$TMP/run" '"momentum": 0,'
summary_has "$TMP/run" '"device": "pi4b",'
summary_has "$TMP/run" '"servers": 1,'
expect_exit 0 "train --config RUN/config.ini reruns the run" -- train --config "$TMP/run/config.ini" --out "$TMP/rerun"
diff <(cut -d, -f1,3,4 "$TMP/run/iterations.csv") <(cut -d, -f1,3,4 "$TMP/rerun/iterations.csv") >/dev/null ||
  fail "the rerun from config.ini has another loss trace"
cp -r "$TMP/run" "$TMP/full-run"
expect_error 1 "train --out a non-empty folder" "$TMP/full-run" "--overwrite" -- train "${TINY[@]}" --out "$TMP/full-run"
expect_exit 0 "train --out a non-empty folder --overwrite" -- train "${TINY[@]}" --out "$TMP/full-run" --overwrite
summary_has "$TMP/full-run" '"iterations": 1,'
expect_error 1 "train --out /proc/ringtmp (fails before training)" "/proc/ringtmp" -- \
  train "${TINY[@]/--iterations/--eval-every}" --iterations 1000000 --out /proc/ringtmp
! grep -q "^iteration" "$OUT" || fail "it trained before finding the folder unwritable"
# A run is written into a temporary folder beside --out and renamed onto it when whole:
# a run that fails (here a node killed at once) leaves the old folder as it was.
cp -r "$TMP/full-run" "$TMP/full-run-before"
expect_error 1 "sim failing with --overwrite: the old folder stays whole" "node 1" -- \
  sim --strategy ring --nodes 2 --microbatches 2 --replica-every 0 "${TINY[@]}" --faults kill:1@0 --out "$TMP/full-run" \
  --overwrite
diff -r "$TMP/full-run-before" "$TMP/full-run" >/dev/null || fail "the failed run changed the old folder"
no_partial "$TMP/full-run"
# A write that fails (a file size limit makes summary.json's write fail as a full disk
# would): one line naming the file, exit 1, the old folder whole, no file half written.
CASE="train with a failing write: the old folder stays whole"
printf '%-60s' "$CASE"
LAST_ARGS=(train "${TINY[@]}" --out "$TMP/full-run" --overwrite "(ulimit -f 1)")
(trap '' XFSZ; ulimit -f 1; exec "$BIN" train "${TINY[@]}" --out "$TMP/full-run" --overwrite) >"$OUT" 2>"$ERR"
RC=$?
[ "$RC" -eq 1 ] || fail "expected exit code 1"
[ "$(wc -l <"$ERR")" -eq 1 ] && grep -qF "$TMP/full-run.partial-" "$ERR" && grep -qF "summary.json: cannot write (File too large)" "$ERR" ||
  fail "expected one line naming summary.json and why"
diff -r "$TMP/full-run-before" "$TMP/full-run" >/dev/null || fail "the failed write changed the old folder"
no_partial "$TMP/full-run"
echo "ok (exit $RC)"
# Every command that writes a run folder checks it before any work.
expect_error 1 "sim --out /proc/ringtmp (fails before simulating)" "run folder /proc/ringtmp" -- \
  sim --strategy ring --nodes 2 --microbatches 2 "${TINY[@]/--iterations/--eval-every}" --epochs 2 --out /proc/ringtmp
! grep -q "^iteration" "$OUT" || fail "it simulated before finding the folder unwritable"
expect_error 1 "launch --out /proc/ringtmp (fails before starting nodes)" "run folder /proc/ringtmp" -- \
  launch --strategy ring --nodes 2 --local 2 "${TINY[@]/--iterations/--eval-every}" --epochs 2 --out /proc/ringtmp
! grep -q "^launch\|^\[node" "$OUT" || fail "it started nodes before finding the folder unwritable"
expect_error 1 "validate --out /proc/ringtmp (fails before running)" "run folder /proc/ringtmp" -- \
  validate --strategy ring --nodes 2 "${TINY[@]/--iterations/--eval-every}" --epochs 2 --out /proc/ringtmp
! grep -q "^validate" "$OUT" || fail "it ran before finding the folder unwritable"
CASE="two runs started together without --out: a folder each"
printf '%-60s' "$CASE"
mkdir "$TMP/together"
(cd "$TMP/together" && { "$BIN" train "${TINY[@]}" >/dev/null 2>&1 & "$BIN" train "${TINY[@]}" >/dev/null 2>&1; wait; })
[ "$(find "$TMP/together/results/runs" -name summary.json | wc -l)" -eq 2 ] || fail "$(ls "$TMP/together/results/runs")"
echo "ok"

echo "== sim"
SIM=(--strategy ring --nodes 2 --microbatches 2 --dataset synthetic --layers 8,16,3 --iterations 3
     --synthetic-train 256 --synthetic-test 16)
expect_exit 0 "sim --help" -- sim --help
grep -qF -- "--faults" "$OUT" || fail "sim --help does not list --faults"
expect_error 2 "sim --device pi9" "pi9" "device" -- sim "${SIM[@]}" --device pi9 --out "$TMP/stray-run"
expect_error 2 "sim --network nope" "nope" "network" -- sim "${SIM[@]}" --network nope --out "$TMP/stray-run"
expect_error 2 "sim --device mix of the wrong size" "pi4b*3" -- sim "${SIM[@]}" --device 'pi4b*3' --out "$TMP/stray-run"
expect_exit 0 "sim --device with RAM variants in a mix" -- \
  sim "${SIM[@]}" --device 'pi4b:ram=1G*1,pi3b+*1' --out "$TMP/variant-run"
summary_has "$TMP/variant-run" '"platform": "1 x pi3b+ + 1 x pi4b:ram=1G on wifi-n'
expect_error 2 "sim --device pi4b:ram=1X (bad size)" "'pi4b:ram=1X'" "is not a size" -- \
  sim "${SIM[@]}" --device 'pi4b:ram=1X' --out "$TMP/stray-run"
expect_error 2 "sim --device pi4b:disk=2G (unknown option)" "'pi4b:disk=2G'" "unknown option 'disk'" -- \
  sim "${SIM[@]}" --device 'pi4b:disk=2G' --out "$TMP/stray-run"
expect_error 2 "sim --device pi4b:ram=128M (below the reserves)" "'pi4b:ram=128M'" "leaves nothing" -- \
  sim "${SIM[@]}" --device 'pi4b:ram=128M' --out "$TMP/stray-run"
expect_error 2 "sim --memory-budget 2GB" "memory-budget" "'2GB' is not a size" -- \
  sim "${SIM[@]}" --memory-budget 2GB --out "$TMP/stray-run"
expect_error 2 "sim --memory-budget 1K (below 1M)" "memory-budget: 1K" "1M..1P" -- \
  sim "${SIM[@]}" --memory-budget 1K --out "$TMP/stray-run"
expect_error 2 "sim --faults kill:7@1" "kill:7@1" "faults" -- sim "${SIM[@]}" --faults kill:7@1 --out "$TMP/stray-run"
expect_error 2 "sim --platform missing.xml" "$TMP/missing.xml" -- sim "${SIM[@]}" --platform "$TMP/missing.xml"
expect_error 2 "sim --timing-only without --iterations" "iterations" -- \
  sim --strategy ring --nodes 2 --timing-only
expect_error 2 "sim --timing-only=maybe" "timing-only" -- sim "${SIM[@]}" --timing-only=maybe
expect_error 2 "sim --strategy local" "local" -- sim --strategy local
# The ring, all-reduce and a parameter server's workers heal in sim too: node 1 off at 0 s,
# seen dead after the failure timeout.
for STRATEGY in ring allreduce ps; do
  ROLE=worker
  [ "$STRATEGY" = ring ] && ROLE=stage
  expect_exit 0 "sim: $STRATEGY survives node 1 killed" -- sim --strategy $STRATEGY --nodes 3 --dataset synthetic \
    --layers 8,16,16,3 --iterations 20 --synthetic-train 256 --synthetic-test 16 --faults kill:1@0 \
    --out "$TMP/healed-sim-$STRATEGY"
  grep -q "^survived node 1 ($ROLE) failing at 0 s: node 1: host turned off at 0 s by the fault schedule (kill:1@0); detected at 2.5" "$OUT" ||
    fail "no 'survived node 1' line with the fault and its detection"
  [ "$(wc -l <"$TMP/healed-sim-$STRATEGY/iterations.csv")" -eq 21 ] || fail "iterations.csv lacks iterations"
done
# A parameter server's server heals too: with one server, worker 0 serves its shard.
PS_SIM=(--strategy ps --nodes 3 --dataset synthetic --layers 8,16,3 --iterations 20 --synthetic-train 256
        --synthetic-test 16)
expect_exit 0 "sim: ps survives its server killed" -- sim "${PS_SIM[@]}" --faults kill:3@0 --out "$TMP/healed-server"
grep -q "^survived node 3 (server) failing at 0 s" "$OUT" || fail "no 'survived node 3 (server)' line"
expect_exit 0 "sim: ps with a replicated server killed" -- sim "${PS_SIM[@]}" --servers 2 --server-replicas 1 \
  --momentum 0.9 --faults kill:4@0.5 --out "$TMP/healed-replica"
grep -q "^survived node 4 (server)" "$OUT" || fail "no 'survived node 4 (server)' line"
# So does an asynchronous one, its worker or its server killed.
for VICTIM in 1 3; do
  expect_exit 0 "sim: asp ps with node $VICTIM killed" -- sim "${PS_SIM[@]}" --ps-mode asp --faults kill:$VICTIM@0 \
    --out "$TMP/healed-asp-$VICTIM"
  grep -q "^survived node $VICTIM" "$OUT" || fail "no 'survived node $VICTIM' line"
  [ "$(wc -l <"$TMP/healed-asp-$VICTIM/iterations.csv")" -eq 21 ] || fail "iterations.csv lacks iterations"
done
# And an async ring, whichever stage dies (0: stage 0's duties move; 2: the last stage's).
for VICTIM in 0 2; do
  expect_exit 0 "sim: async ring with stage $VICTIM killed" -- sim --strategy ring --schedule async --nodes 3 \
    --dataset synthetic --layers 8,16,16,3 --iterations 20 --synthetic-train 256 --synthetic-test 16 \
    --faults kill:$VICTIM@0 --out "$TMP/healed-async-$VICTIM"
  grep -q "^survived node $VICTIM (stage)" "$OUT" || fail "no 'survived node $VICTIM (stage)' line"
  [ "$(wc -l <"$TMP/healed-async-$VICTIM/iterations.csv")" -eq 21 ] || fail "iterations.csv lacks iterations"
done
# Snapshots every 3 iterations instead of a refresh every one: the same survival.
expect_exit 0 "sim: ring --replica-every 3 with stage 1 killed" -- sim --strategy ring --nodes 3 --replica-every 3 \
  --dataset synthetic --layers 8,16,16,3 --iterations 20 --synthetic-train 256 --synthetic-test 16 \
  --faults kill:1@0 --out "$TMP/healed-snapshots"
grep -q "^survived node 1 (stage)" "$OUT" || fail "no 'survived node 1 (stage)' line"
[ "$(wc -l <"$TMP/healed-snapshots/iterations.csv")" -eq 21 ] || fail "iterations.csv lacks iterations"
expect_error 2 "sim --replica-every -1" "replica-every" -- sim --strategy ring --nodes 3 --replica-every -1
# A parameter server that lost its only worker cannot train on: the run stops, naming the death.
expect_error 1 "sim: ps with its only worker killed" "node 0: host turned off at 0 s by the fault schedule (kill:0@0)" \
  "all 1 workers are down: nothing is left to train" -- \
  sim --strategy ps --nodes 1 --dataset synthetic --layers 8,16,3 --iterations 20 --synthetic-train 256 \
  --synthetic-test 16 --faults kill:0@0 --out "$TMP/stray-run"
expect_error 2 "sim --server-replicas 2" "invalid value for server-replicas: 2" -- \
  sim "${PS_SIM[@]}" --servers 3 --server-replicas 2 --out "$TMP/stray-run"
expect_error 2 "sim --server-replicas 1 with one server" "invalid value for server-replicas: 1" "--servers 2 or more" -- \
  sim "${PS_SIM[@]}" --server-replicas 1 --out "$TMP/stray-run"
expect_error 2 "train --faults (sim only)" "faults" -- train "${CHEAP[@]}" --faults kill:0@1
expect_error 2 "train --colocate-servers (sim only)" "--colocate-servers applies to ringtmp sim only" -- \
  train "${PS_SIM[@]}" --colocate-servers --out "$TMP/stray-run"
expect_error 2 "sim --colocate-servers with the ring" "invalid value for colocate-servers" "only a parameter server" -- \
  sim "${SIM[@]}" --colocate-servers --out "$TMP/stray-run"
expect_error 1 "sim with a node killed, ring without shadows" "node 1: host turned off at 0 s by the fault schedule (kill:1@0)" -- \
  sim "${SIM[@]}" --replica-every 0 --faults kill:1@0 --out "$TMP/stray-run"
# Its peer notices it as the runtime would: the last heartbeat (0 s) plus the failure timeout.
grep -qF "declared dead at 2.5 s (--failure-timeout 2.5)" "$ERR" || fail "the detection time (2.5 s) is not reported"
expect_error 1 "sim --heartbeat 0.4 --failure-timeout 1, kill:1@0.5" \
  "silent since its heartbeat at 0.4 s, declared dead at 1.4 s (--failure-timeout 1)" -- \
  sim "${SIM[@]/--iterations/--eval-every}" --iterations 100000 --replica-every 0 --faults kill:1@0.5 --heartbeat 0.4 \
  --failure-timeout 1 --out "$TMP/stray-run"

echo "== failure detection settings"
for cmd in train sim; do
  expect_error 2 "$cmd --heartbeat 0" "invalid value for heartbeat: 0" -- $cmd "${CHEAP[@]}" --heartbeat 0
  expect_error 2 "$cmd --heartbeat inf" "heartbeat" -- $cmd "${CHEAP[@]}" --heartbeat inf
  expect_error 2 "$cmd --failure-timeout nan" "failure-timeout" -- $cmd "${CHEAP[@]}" --failure-timeout nan
  expect_error 2 "$cmd --failure-timeout 2 (two heartbeats)" "invalid value for failure-timeout: 2" \
    "must exceed twice --heartbeat (1 s)" -- $cmd "${CHEAP[@]}" --failure-timeout 2
  expect_error 2 "$cmd --heartbeat 2 (past half the timeout)" "invalid value for failure-timeout: 2.5" \
    "must exceed twice --heartbeat (2 s)" -- $cmd "${CHEAP[@]}" --heartbeat 2
done
printf 'heartbeat = 0.5\nfailure-timeout = 0.9\n' >"$TMP/detect.ini"
expect_error 2 "failure-timeout = 0.9 in a config file" "invalid value for failure-timeout: 0.9" "(0.5 s)" -- \
  train "${CHEAP[@]}" --config "$TMP/detect.ini"
expect_error 2 "launch --failure-timeout -1" "failure-timeout" -- \
  launch "${SIM[@]}" --local 2 --failure-timeout=-1 --out "$TMP/stray-run"
expect_error 2 "node --heartbeat 3 (past half the default timeout)" "invalid value for failure-timeout: 2.5" -- \
  node "${SIM[@]}" --rank 0 --peers x --key-file y --heartbeat 3
expect_exit 0 "train --heartbeat 0.5 --failure-timeout 1.2" -- \
  train "${TINY[@]}" --heartbeat 0.5 --failure-timeout 1.2 --out "$TMP/detect-run"
grep -qx "failure-timeout = 1.2" "$TMP/detect-run/config.ini" || fail "config.ini lacks failure-timeout = 1.2"

# The issue's case: 16 ps workers on wifi-n, a 64-layer MLP of width 256. The air is busy,
# so a worker waits ~290 simulated s for its parameters; its peers are alive, so it waits
# (the stall guard is 3600 s). With the old 60 s guard the stall guard stops it, by name.
PS16=(--strategy ps --nodes 16 --timing-only --network wifi-n --iterations 2
      --layers "784$(printf ',256%.0s' $(seq 64)),10")
expect_exit 0 "sim ps, 16 workers, 64x256 MLP on wifi-n: slow, not dead" -- sim "${PS16[@]}" --out "$TMP/ps16"
grep -q "286.2 simulated s per iteration" "$OUT" || fail "expected 286.2 simulated s per iteration"
# (A worker's guard fires while the server still sends the others their copies; the
# survivors heal around it and stall again, one a minute: the report names the guard, node
# by node, and the last few finish.)
expect_exit 0 "the same with --peer-timeout 60: the stall guard, node by node" -- \
  sim "${PS16[@]}" --peer-timeout 60 --out "$TMP/ps16-guard"
grep -q "^survived node 0 (worker) failing at 120 s: node 0: no message for 60 s while waiting for .*its peers alive: stopped by the stall guard (--peer-timeout)" "$OUT" ||
  fail "the report does not name the stall guard for node 0"
expect_exit 0 "sim, tiny ring on the default platform" -- sim "${SIM[@]}" --out "$TMP/sim-run"
for f in summary.json iterations.csv nodes.csv timeline.json; do
  [ -s "$TMP/sim-run/$f" ] || fail "the sim run folder lacks a non-empty $f"
done
summary_has "$TMP/sim-run" '"backend": "sim",'
grep -q "^iteration 3/3 .* s simulated$" "$OUT" || fail "the progress line does not say its time is simulated"
grep -qF "iteration 3/3  loss $(tail -n 1 "$TMP/sim-run/iterations.csv" | awk -F, '{ printf "%.4f", $3 }')  " "$OUT" ||
  fail "the ring's last progress line's loss is not iterations.csv's last loss"
expect_exit 0 "sim --config RUN/config.ini reruns the run exactly" -- sim --config "$TMP/sim-run/config.ini" --out "$TMP/sim-rerun"
cmp -s "$TMP/sim-run/iterations.csv" "$TMP/sim-rerun/iterations.csv" || fail "the rerun from config.ini differs"
expect_exit 0 "sim --timing-only: no loss, no samples/s" -- \
  sim --strategy ring --nodes 2 --microbatches 2 --dataset synthetic --layers 8,16,3 --iterations 3 --timing-only --out "$TMP/timing-run"
grep -q "^iteration 3/3  [0-9.e+-]* s per iteration  [0-9.]* s simulated$" "$OUT" || fail "no timing-only progress line"
! grep -qE "loss [0-9]|samples/s" "$OUT" || fail "a timing-only run shows a loss or samples/s"
summary_has "$TMP/sim-run" '"platform": "2 x pi4b on wifi-n (1 access point)",'
grep -q '"sim_seconds": [0-9]' "$TMP/sim-run/summary.json" || fail "sim run has no sim_seconds"
grep -q '"energy_per_sample_j": [0-9]' "$TMP/sim-run/summary.json" || fail "sim run has no energy per sample"
cat >"$TMP/platform.xml" <<'XML'
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <zone id="lab" routing="Full">
    <host id="pi-10" speed="1Gf"><prop id="wattage_per_state" value="2:2:5"/></host>
    <host id="pi-9" speed="2Gf"><prop id="wattage_per_state" value="2:2:5"/></host>
    <link id="cable" bandwidth="100MBps" latency="1ms"/>
    <route src="pi-9" dst="pi-10"><link_ctn id="cable"/></route>
  </zone>
</platform>
XML
expect_exit 0 "sim --platform FILE.xml" -- sim "${SIM[@]}" --platform "$TMP/platform.xml" --out "$TMP/xml-run"
summary_has "$TMP/xml-run" '"platform": "2 hosts of'
grep -q '"energy_joules": [0-9]' "$TMP/xml-run/summary.json" || fail "XML run: host energy missing"
cat >"$TMP/broken.xml" <<'XML'
<platform version="4.1"><zone id="x" routing="Full"><host id="a" speed="fast"/></zone></platform>
XML
expect_error 2 "sim --platform with a broken XML" "$TMP/broken.xml" -- \
  sim "${SIM[@]}" --platform "$TMP/broken.xml" --out "$TMP/stray-run"

echo "== calibrate"
expect_exit 0 "calibrate --out FILE" -- calibrate --dataset synthetic --layers 8,16,3 --batch 8 --out "$TMP/host.ini"
grep -q "^flops = [0-9]" "$TMP/host.ini" || fail "calibrate wrote no flop rate"
grep -q "^flops_source = measured" "$TMP/host.ini" || fail "calibrate's flop rate names no source"
expect_exit 0 "sim --device with the calibrated profile" -- \
  sim "${SIM[@]}" --device "$TMP/host.ini" --out "$TMP/host-run"
# On 2 threads too: the profile gains the rate a second core adds, which a sim on 2 threads needs.
expect_exit 0 "calibrate --threads 2 --model" -- calibrate --dataset synthetic --model 'conv(2,3),relu,flatten,dense(3)' \
  --input 2x4x4 --batch 8 --threads 2 --out "$TMP/host2.ini"
grep -q "^multicore_efficiency = [0-9]" "$TMP/host2.ini" || fail "calibrate --threads 2 wrote no multicore_efficiency"
grep -q "^multicore_efficiency_source = measured" "$TMP/host2.ini" || fail "multicore_efficiency names no source"
expect_exit 0 "sim --threads 2 on the calibrated profile" -- \
  sim "${SIM[@]}" --device "$TMP/host2.ini" --threads 2 --out "$TMP/host2-run"
grep -q "^multicore_efficiency = [0-9]" "$TMP/host.ini" || fail "calibrate on every core wrote no multicore_efficiency"
grep -v "^multicore_efficiency" "$TMP/host.ini" >"$TMP/host-one-core.ini"
expect_error 2 "sim --threads 2 on a profile without multicore_efficiency" "multicore_efficiency" -- \
  sim "${SIM[@]}" --device "$TMP/host-one-core.ini" --threads 2 --out "$TMP/host3-run"
# The storage it measured, with sources; a profile from before those keys still runs (no
# storage modelled, and the summary's platform says so); a key out of range is one line.
grep -q "^storage_write_bps = [0-9]" "$TMP/host.ini" || fail "calibrate wrote no storage_write_bps"
grep -q "^storage_latency_s_source = measured" "$TMP/host.ini" || fail "storage_latency_s names no source"
summary_has "$TMP/host-run" "\"platform\": \"2 x $TMP/host.ini on"
grep -v "^storage_" "$TMP/host.ini" >"$TMP/host-no-storage.ini"
expect_exit 0 "sim on a profile without storage keys" -- \
  sim "${SIM[@]}" --device "$TMP/host-no-storage.ini" --out "$TMP/no-storage-run"
summary_has "$TMP/no-storage-run" "\"platform\": \"2 x $TMP/host-no-storage.ini (no storage modelled) on"
sed 's/^storage_write_bps = .*/storage_write_bps = 5/' "$TMP/host.ini" >"$TMP/host-slow-disk.ini"
expect_error 2 "sim on a storage_write_bps out of range" "host-slow-disk.ini" "'storage_write_bps' = '5'" -- \
  sim "${SIM[@]}" --device "$TMP/host-slow-disk.ini" --out "$TMP/stray-run"
expect_error 1 "calibrate --out into a missing folder" "$TMP/no/such/host.ini" -- \
  calibrate --dataset synthetic --layers 8,16,3 --out "$TMP/no/such/host.ini"

echo "== node and launch (TCP on loopback)"
RT=(--dataset synthetic --layers 8,16,16,3 --batch 16 --iterations 8 --synthetic-train 256 --synthetic-test 16
    --nodes 2 --microbatches 2)
expect_error 2 "launch without --local" "--local" -- launch "${RT[@]}" --strategy ring
expect_error 2 "launch --local 3 for a 2-node ring" "needs 2" -- launch "${RT[@]}" --strategy ring --local 3
expect_error 2 "launch --local abc" "local" -- launch "${RT[@]}" --strategy ring --local abc
expect_error 2 "launch --local 2x" "invalid value for local: '2x'" -- launch "${RT[@]}" --strategy ring --local 2x
expect_error 2 "launch --base-port 65535 for 2 nodes" "invalid value for base-port: 65535" -- \
  launch "${RT[@]}" --strategy ring --local 2 --base-port 65535
# launch --local plays --faults (tests/cli/rejoin.sh runs it); a bad item, --hosts and node refuse it.
expect_error 2 "launch --faults naming no node of the run" "kill:2@1" "outside 0..1" -- \
  launch "${RT[@]}" --strategy ring --local 2 --faults kill:2@1
expect_error 2 "launch --faults pause without a duration" "pause:1@1" "+duration" -- \
  launch "${RT[@]}" --strategy ring --local 2 --faults pause:1@1
printf '127.0.0.1:7000\n127.0.0.1:7001\n' >"$TMP/faults-hosts.txt"
expect_error 2 "launch --hosts --faults" "--faults is for --local" -- \
  launch "${RT[@]}" --strategy ring --hosts "$TMP/faults-hosts.txt" --faults kill:0@1
expect_error 2 "node --faults" "--faults applies to ringtmp sim and launch --local only" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers x --key-file y --faults kill:0@1
expect_error 2 "launch --colocate-servers (sim only)" "--colocate-servers applies to ringtmp sim only" -- \
  launch "${RT[@]}" --strategy ps --local 3 --colocate-servers
expect_error 2 "launch --device nosuch (its energy estimate)" "nosuch" -- launch "${RT[@]}" --strategy ring --local 2 --device nosuch
expect_error 2 "launch --network nosuch" "nosuch" -- launch "${RT[@]}" --strategy ring --local 2 --network nosuch
printf 'dataset = synthetic\nlayers = 8,16,16,3\nnodes = 8\n' >"$TMP/no-strategy.ini"
expect_error 2 "launch --config without a strategy" "--strategy" "ring, ps or allreduce" -- \
  launch --local 4 --config "$TMP/no-strategy.ini"
expect_error 2 "node without --rank" "--rank" -- node "${RT[@]}" --strategy ring --peers x --key-file y
expect_error 2 "node --rejoin with a value" "rejoin" "takes no value" -- \
  node "${RT[@]}" --strategy allreduce --rank 0 --peers x --key-file y --rejoin=yes
expect_error 2 "node --rejoin under a strategy that does not readmit" "--rejoin" "does not readmit" -- \
  node "${RT[@]}" --strategy ring --replica-every 0 --rank 0 --peers x --key-file y --rejoin
printf '127.0.0.1:5001\nnot-an-address\n' >"$TMP/bad-peers.txt"
expect_error 2 "node with a bad peers file" "$TMP/bad-peers.txt" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/bad-peers.txt" --key-file "$TMP/absent.key"
printf '127.0.0.1:5001\n127.0.0.1:5002\n' >"$TMP/peers.txt"
expect_error 2 "node with a missing key file" "$TMP/absent.key" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/peers.txt" --key-file "$TMP/absent.key"
expect_error 2 "node --startup-timeout 0" "invalid value for startup-timeout: '0'" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/peers.txt" --key-file "$TMP/absent.key" --startup-timeout 0
expect_error 2 "node --silence-timeout below two heartbeats" "invalid value for silence-timeout: '1.5'" \
  "must exceed twice --heartbeat (1 s)" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/peers.txt" --key-file "$TMP/absent.key" --silence-timeout 1.5
expect_error 2 "node --silence-timeout 0" "invalid value for silence-timeout: '0'" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/peers.txt" --key-file "$TMP/absent.key" --silence-timeout 0
# The alias is checked against the heartbeat given: 1.5 s is fine with heartbeats every 0.5 s
# (the case then fails further on, at the missing key file).
expect_error 2 "node --silence-timeout 1.5 --heartbeat 0.5 (accepted)" "$TMP/absent.key" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/peers.txt" --key-file "$TMP/absent.key" --silence-timeout 1.5 \
  --heartbeat 0.5
expect_error 2 "node --listen with a host name" "invalid value for listen: 'pi1'" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/peers.txt" --key-file "$TMP/absent.key" --listen pi1
expect_error 2 "node --rank 1x" "invalid value for rank: '1x'" -- \
  node "${RT[@]}" --strategy ring --rank 1x --peers "$TMP/peers.txt" --key-file "$TMP/absent.key"
for strategy in "ring --schedule 1f1b" "ps --ps-mode bsp --servers 1" "allreduce"; do
  name=${strategy%% *}
  local_n=2; [ "$name" = ps ] && local_n=3
  # shellcheck disable=SC2086
  expect_exit 0 "launch --local $local_n --strategy $strategy" -- \
    launch "${RT[@]}" --strategy $strategy --local "$local_n" --out "$TMP/launch-$name"
  grep -q "^launch $local_n nodes on 127.0.0.1 (free ports [0-9]*, [0-9]*" "$OUT" || fail "launch does not list its free ports"
  # shellcheck disable=SC2086
  run train "${RT[@]}" --strategy $strategy --out "$TMP/train-$name"
  summary_has "$TMP/launch-$name" '"backend": "runtime",'
  summary_has "$TMP/launch-$name" '"energy_is_estimate": true,'
  # Each node process's peak RSS (the kernel's, from wait4): a process holds more than 1 MiB.
  # Train's nodes share one process: no figure, an empty cell and null.
  head -n 1 "$TMP/launch-$name/nodes.csv" | grep -q ',radio_energy_j,planned_memory_bytes,peak_rss_bytes,failed_at,checkpoint_s,checkpoint_bytes,idle_network_s,idle_work_s$' || fail "nodes.csv's columns are not those of the contract"
  peak_rss "$TMP/launch-$name" above || fail "a node's peak_rss_bytes is not above 1 MiB"
  grep -Eq '"peak_rss_bytes_max": [0-9]{7,},' "$TMP/launch-$name/summary.json" || fail "summary.json has no peak_rss_bytes_max"
  peak_rss "$TMP/train-$name" empty || fail "train has a peak_rss_bytes"
  summary_has "$TMP/train-$name" '"peak_rss_bytes_max": null,'
  same_trace "$TMP/launch-$name" "$TMP/train-$name" || fail "launch's loss trace differs from train's"
done
# A CNN over sockets: every strategy, the same loss trace as in-process.
RT_CNN=(--dataset synthetic --model 'conv(2,3,pad=1),relu,maxpool(2),flatten,dense(8),relu,dense(3)' --input 1x4x4
        --batch 16 --iterations 8 --synthetic-train 256 --synthetic-test 16 --nodes 2 --microbatches 2)
for strategy in "ring --schedule gpipe" "ps --ps-mode bsp --servers 1" "allreduce"; do
  name=cnn-${strategy%% *}
  local_n=2; [ "$name" = cnn-ps ] && local_n=3
  # shellcheck disable=SC2086
  expect_exit 0 "launch --local $local_n --strategy $strategy --model (a CNN)" -- \
    launch "${RT_CNN[@]}" --strategy $strategy --local "$local_n" --out "$TMP/launch-$name"
  # shellcheck disable=SC2086
  run train "${RT_CNN[@]}" --strategy $strategy --out "$TMP/train-$name"
  same_trace "$TMP/launch-$name" "$TMP/train-$name" || fail "launch's CNN loss trace differs from train's"
done
# A peer that never starts: the node gives up after its start-up timeout, naming the peer.
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '127.0.0.1:%s\n127.0.0.1:1\n' "$free_port" >"$TMP/lonely-peers.txt"
expect_error 1 "node --startup-timeout 1 with its peer absent" "start-up timed out after 1 s" "peer 1 (127.0.0.1:1)" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/lonely-peers.txt" --key-file "$TMP/launch-ring/nodes/cluster.key" \
  --startup-timeout 1 --out "$TMP/lonely"
# long_launch DIR FLAGS...: a 2-node ring that would run for ever, in the background
# (LAUNCH), returning once node 1 (VICTIM) is up and iterations are reported.
# A long ring launch without shadows (--replica-every 0): a death it does not heal.
long_launch() {
  local dir=$1; shift
  "$BIN" launch "${RT[@]/--iterations/--eval-every}" --iterations 100000000 --strategy ring --local 2 --replica-every 0 "$@" \
    --out "$dir" >"$OUT" 2>"$ERR" &
  LAUNCH=$!
  for _ in $(seq 1 100); do
    # The nodes run in the launch's temporary folder, renamed onto $dir at the end.
    VICTIM=$(node_pid "$dir" 1)
    [ -n "$VICTIM" ] && grep -q "iteration" "$OUT" && return
    sleep 0.1
  done
  fail "node 1 never started"
}

# A node frozen (SIGSTOP) mid-run: its connection stays open, so only heartbeats tell; with
# --heartbeat 0.2 --failure-timeout 0.5 (passed to the nodes in run.ini) node 0 declares it
# down within a few seconds, naming the timeout it was given.
CASE="launch --heartbeat 0.2 --failure-timeout 0.5, SIGSTOP"
printf '%-60s' "$CASE"
long_launch "$TMP/frozen" --heartbeat 0.2 --failure-timeout 0.5
kill -STOP "$VICTIM"
for _ in $(seq 1 100); do
  grep -q "peer 1 is down: silent for" "$ERR" "$OUT" && break
  sleep 0.1
done
kill -9 "$VICTIM"
wait "$LAUNCH"; RC=$?
grep -q "peer 1 is down: silent for [0-9.]* s (heartbeat timeout 0.5 s)" "$ERR" "$OUT" ||
  fail "node 0 did not declare the frozen node 1 down by its 0.5 s timeout within 10 s"
[ "$RC" -eq 1 ] || fail "expected exit code 1"
echo "ok (exit $RC)"

# A node killed (SIGKILL) mid-run: the others stop with PeerDown, launch exits 1 naming it.
CASE="launch: SIGKILL one node mid-run"
printf '%-60s' "$CASE"
long_launch "$TMP/killed"
kill -9 "$VICTIM"
START=$(date +%s)
wait "$LAUNCH"; RC=$?
[ "$RC" -eq 1 ] || fail "expected exit code 1"
[ $(( $(date +%s) - START )) -le 30 ] || fail "the survivors took more than 30 s to stop"
grep -q "peer 1 is down" "$ERR" "$OUT" || fail "no PeerDown for node 1 reported"
grep -q "node 1: was killed by signal 9" "$ERR" || fail "launch does not say node 1 was killed"
echo "ok (exit $RC)"

# The ring, all-reduce and a parameter server heal: a node SIGKILLed mid-run, the others
# carry on (stage 0 takes stage 1's layers over; the all-reduce ring re-forms; a live worker
# plays the dead one's slice; worker 0 serves the dead server's shard; asp and the async
# ring alike) and finish; exit 0, the whole loss trace, the failure in summary.json and in
# the final lines.
for STRATEGY_RANK in ring:1 ring-async:2 allreduce:1 ps:1 ps:3 ps-asp:1 ps-asp:3; do
  STRATEGY=${STRATEGY_RANK%:*} RANK=${STRATEGY_RANK#*:}
  MODE=()
  [ "$STRATEGY" = ps-asp ] && STRATEGY=ps MODE=(--ps-mode asp)
  [ "$STRATEGY" = ring-async ] && STRATEGY=ring MODE=(--schedule async)
  ROLE=worker
  [ "$STRATEGY" = ring ] && ROLE=stage
  [ "$STRATEGY" = ps ] && [ "$RANK" = 3 ] && ROLE=server
  CASE="launch: $STRATEGY${MODE:+ ${MODE[*]}} survives SIGKILL of node $RANK ($ROLE)"
  printf '%-72s' "$CASE"
  LOCAL=3
  [ "$STRATEGY" = ps ] && LOCAL=4  # 3 workers and a server
  RUN="$TMP/healed-$STRATEGY_RANK"
  "$BIN" launch --strategy $STRATEGY "${MODE[@]}" --local $LOCAL --nodes 3 --dataset synthetic --layers 8,256,256,3 --batch 16 \
    --iterations 2000 --synthetic-train 256 --synthetic-test 16 --out "$RUN" >"$OUT" 2>"$ERR" &
  LAUNCH=$!
  # Killed once the lowest worker has reported iteration 201: under asp it trains as soon as
  # its own links are up, and a peer's death while another node is still meeting its peers
  # ends that node (a start-up fails whole), so "iteration 1" was too early on a loaded
  # machine (1 run in 10 with both cores busy).
  VICTIM=$(training_node_pid "$RUN" "$RANK" "iteration 201" 1500) || exit 1
  kill -9 "$VICTIM"
  wait "$LAUNCH"; RC=$?
  [ "$RC" -eq 0 ] || fail "expected exit code 0"
  grep -q "^survived node $RANK ($ROLE) failing at .*killed by signal 9" "$OUT" || fail "no 'survived node $RANK' line"
  grep -q '"failures": \[' "$RUN/summary.json" &&
    grep -q "\"node\": $RANK, \"role\": \"$ROLE\"" "$RUN/summary.json" ||
    fail "summary.json does not report node $RANK's failure"
  [ "$(wc -l <"$RUN/iterations.csv")" -eq 2001 ] || fail "iterations.csv lacks iterations"
  awk -F, -v rank="$RANK" -v role="$ROLE" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "failed_at") c = i; next }
    $1 == rank && $2 == role && $c ~ /^[0-9.e+-]+$/ { ok = 1 } END { exit !ok }' "$RUN/nodes.csv" ||
    fail "nodes.csv has no failed_at for node $RANK"
  echo "ok (exit $RC)"
done

# A folder holding an older run, node 1's outcome among its files: a launch into it
# (--overwrite) whose node 1 dies must blame node 1, never read the stale outcome, and
# leave the older run whole.
CASE="launch over an older run: a lost node's stale outcome unread"
printf '%-60s' "$CASE"
cp -r "$TMP/launch-ring" "$TMP/stale"
[ -s "$TMP/stale/nodes/node-1.outcome" ] || fail "the older run has no node-1.outcome to be stale"
long_launch "$TMP/stale" --overwrite
kill -9 "$VICTIM"
wait "$LAUNCH"; RC=$?
[ "$RC" -eq 1 ] || fail "expected exit code 1"
grep -q "run failed: node 1: was killed by signal 9 (Killed) and left no outcome" "$ERR" ||
  fail "launch does not blame node 1 first"
diff -r "$TMP/launch-ring" "$TMP/stale" >/dev/null || fail "the failed launch changed the older run"
no_partial "$TMP/stale"
echo "ok (exit $RC)"

# listen_on PORT: the local address a process listens on at PORT (ss; run inside a namespace
# with a prefix such as "ip netns exec NS").
listen_on() { "${@:2}" ss -Hltn "sport = :$1" | awk '{ print $4 }'; }

# launch itself killed (SIGKILL forwards nothing): its nodes die with it (parent-death
# signal), and while they ran they listened on 127.0.0.1 only.
CASE="launch: SIGKILLed, its nodes die with it"
printf '%-60s' "$CASE"
long_launch "$TMP/launch-killed"
port0=$(grep -v '^#' "$TMP"/launch-killed.partial-*/nodes/peers.txt | head -n 1 | cut -d: -f2)
[ "$(listen_on "$port0")" = "127.0.0.1:$port0" ] || fail "node 0 listens on '$(listen_on "$port0")', not 127.0.0.1:$port0"
kill -9 "$LAUNCH"
wait "$LAUNCH" 2>/dev/null
for _ in $(seq 1 30); do
  pgrep -f -- "node --config $TMP/launch-killed.partial-[0-9]+/nodes/run.ini" >/dev/null || break
  sleep 0.1
done
pgrep -f -- "node --config $TMP/launch-killed.partial-[0-9]+/nodes/run.ini" >/dev/null && fail "nodes outlived their launch"
echo "ok"

echo "== memory budgets (--memory-limit, --enforce-memory)"
expect_error 2 "node --memory-limit 12x" "invalid value for memory-limit: '12x'" -- \
  node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/peers.txt" --key-file "$TMP/launch-ring/nodes/cluster.key" --memory-limit 12x
if grep -q __asan_init "$BIN"; then
  # A sanitizer's shadow memory counts as data: no budget fits under it.
  echo "skipped: the budget cases need a binary without AddressSanitizer"
else
  expect_error 2 "node --memory-limit below the process's baseline" "--memory-limit: memory budget 4 KiB is below" -- \
    node "${RT[@]}" --strategy ring --rank 0 --peers "$TMP/peers.txt" --key-file "$TMP/launch-ring/nodes/cluster.key" --memory-limit 4096
  expect_exit 0 "launch --local 2 --enforce-memory" -- \
    launch "${RT[@]}" --strategy ring --local 2 --enforce-memory --out "$TMP/enforced"
  grep -q "^\[node 1\] node 1 of 2: .*available, budget .* (--memory-limit)" "$OUT" || fail "node 1 does not state its budget"

  # Two nodes of a ring whose stages hold tens of MiB each; node 1 gets 64 MiB: it fails with
  # one line naming its budget and the allocation, node 0 stops naming it, both within 30 s
  # (no shadows: node 0 does not take node 1's stage over).
  CASE="node --memory-limit 64M, its stage needs more: one error"
  printf '%-60s' "$CASE"
  BIG=(--dataset synthetic --layers 784,4096,4096,10 --batch 16 --iterations 2 --synthetic-train 64 --synthetic-test 16
       --nodes 2 --microbatches 2 --strategy ring --replica-every 0)
  python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print("\n".join("127.0.0.1:%d" % x.getsockname()[1] for x in s))' >"$TMP/oom-peers.txt"
  LAST_ARGS=(node "${BIG[@]}" --rank 1 --memory-limit $((64 << 20)))
  "$BIN" node "${BIG[@]}" --rank 0 --peers "$TMP/oom-peers.txt" --key-file "$TMP/launch-ring/nodes/cluster.key" \
    --out "$TMP/oom" >"$TMP/oom0.out" 2>"$TMP/oom0.err" &
  NODE0=$!
  "$BIN" node "${BIG[@]}" --rank 1 --peers "$TMP/oom-peers.txt" --key-file "$TMP/launch-ring/nodes/cluster.key" \
    --out "$TMP/oom" --memory-limit $((64 << 20)) >"$OUT" 2>"$ERR" &
  NODE1=$!
  for _ in $(seq 1 300); do
    kill -0 "$NODE0" 2>/dev/null || kill -0 "$NODE1" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$NODE0" 2>/dev/null || kill -0 "$NODE1" 2>/dev/null; then
    kill -9 "$NODE0" "$NODE1" 2>/dev/null
    fail "a node still runs 30 s later"
  fi
  wait "$NODE1"; RC=$?
  [ "$RC" -eq 1 ] || fail "expected exit code 1 from node 1"
  [ "$(wc -l <"$ERR")" -eq 1 ] || fail "expected exactly one line on stderr from node 1"
  grep -Eq "^ringtmp node 1: out of memory under --memory-limit \(budget 64 MiB\): allocating [0-9.]+ [KMG]iB while " "$ERR" ||
    fail "node 1 does not say it ran out of its budget allocating a named size"
  [ -s "$TMP/oom/node-1.outcome" ] || fail "node 1 left no outcome"
  wait "$NODE0"; RC=$?
  [ "$RC" -eq 1 ] || fail "expected exit code 1 from node 0"
  grep -q "peer 1 .*out of memory" "$TMP/oom0.err" || fail "node 0 does not name peer 1 and why: $(cat "$TMP/oom0.err")"
  echo "ok (exit $RC)"

  # The same pair, node 1 with a budget comfortably above its need (1 GiB): trains.
  CASE="node --memory-limit 1G, its stage fits: runs"
  printf '%-60s' "$CASE"
  "$BIN" node "${BIG[@]}" --rank 0 --peers "$TMP/oom-peers.txt" --key-file "$TMP/launch-ring/nodes/cluster.key" \
    --out "$TMP/fits" >"$TMP/fits0.out" 2>"$TMP/fits0.err" &
  NODE0=$!
  run node "${BIG[@]}" --rank 1 --peers "$TMP/oom-peers.txt" --key-file "$TMP/launch-ring/nodes/cluster.key" \
    --out "$TMP/fits" --memory-limit $((1 << 30))
  wait "$NODE0" || fail "node 0 failed: $(cat "$TMP/fits0.err")"
  [ "$RC" -eq 0 ] || fail "expected exit code 0 from node 1"
  echo "ok (exit $RC)"

  # The plan fits --memory-budget (stage 1: 134 MiB of 140 MiB, no shadows) but the process
  # needs its baseline too: under --enforce-memory that is one error, not an OOM kill.
  expect_error 1 "launch --enforce-memory, a budget the plan just fits" "node 1: out of memory under" "budget 140 MiB" -- \
    launch --dataset synthetic --synthetic-train 256 --synthetic-test 16 --iterations 2 --strategy ring --replica-every 0 --nodes 2 \
    --local 2 --layers 784,4096,4096,10 --enforce-memory --memory-budget 140M \
    --out "$TMP/enforced-oom"
fi

echo "== memory plans against device budgets (refused before any node starts)"
# Two ps workers holding a 537 MiB model (params, grads and the pushes) each: no Pi 3B+ has it.
NO_MODEL=(--dataset synthetic --iterations 1 --synthetic-train 256 --synthetic-test 16)
for command in train sim "launch --local 3"; do
  # shellcheck disable=SC2086
  expect_error 2 "$command: a ps worker over a pi3b+'s memory" "node 0 (ps worker) needs 1.58 GiB" \
    "params 537 MiB, grads 537 MiB, messages 537 MiB" "but a pi3b+ leaves 766 MiB" -- \
    $command --device pi3b+ --strategy ps --nodes 2 --layers 784,8192,8192,8192,10 "${NO_MODEL[@]}" --out "$TMP/too-big"
  [ ! -e "$TMP/too-big" ] || fail "a refused run left a folder"
done
expect_error 2 "sim: no ring cut fits" "no cut of the 4 layers over 2 ring stages fits" "over" -- \
  sim --device pi3b+ --strategy ring --nodes 2 --layers 784,16384,16384,16384,10 "${NO_MODEL[@]}" --timing-only \
  --out "$TMP/too-big"

echo "== launch --netns (network namespaces; root only)"
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null || ! command -v tc >/dev/null; then
  echo "skipped: --netns needs root, ip and tc"
else
  leftovers() { { ip netns list; ip -o link show; } | grep -c "rtmp$1" || true; }
  expect_exit 0 "launch --netns --network wifi-n (2-node ring)" -- \
    launch "${RT[@]}" --strategy ring --local 2 --netns --network wifi-n --out "$TMP/netns-ok"
  summary_has "$TMP/netns-ok" '"platform": "2 network namespaces, links shaped to wifi-n (42 Mbit/s) by tbf",'
  # ip netns exec execs the node in place: its pid's peak RSS is the node's.
  peak_rss "$TMP/netns-ok" above || fail "a --netns node's peak_rss_bytes is not above 1 MiB"
  CASE="launch --netns: a node SIGKILLed, namespaces still removed"
  printf '%-60s' "$CASE"
  long_launch "$TMP/netns-killed" --netns --network ethernet-1g
  [ "$(leftovers "$LAUNCH")" -gt 0 ] || fail "no namespaces while running"
  kill -9 "$VICTIM"
  wait "$LAUNCH"; RC=$?
  [ "$RC" -eq 1 ] || fail "expected exit code 1"
  [ "$(leftovers "$LAUNCH")" -eq 0 ] || fail "namespaces or links left behind: $({ ip netns list; ip -o link show; } | grep "rtmp$LAUNCH")"
  echo "ok (exit $RC)"
  # launch itself SIGKILLed: nodes die with it; its namespaces stay until the next launch
  # --netns recognises them (name prefix, owner pid no longer running) and removes them.
  CASE="launch --netns SIGKILLed: nodes die, next launch cleans up"
  printf '%-60s' "$CASE"
  long_launch "$TMP/netns-launch-killed" --netns --network ethernet-1g
  dead=$LAUNCH
  line0=$(grep -v '^#' "$TMP"/netns-launch-killed.partial-*/nodes/peers.txt | head -n 1)
  [ "$(listen_on "${line0#*:}" ip netns exec "rtmp${dead}n0")" = "$line0" ] ||
    fail "node 0 does not listen on its namespace's address $line0"
  kill -9 "$dead"
  wait "$dead" 2>/dev/null
  sleep 0.5
  pgrep -f -- "node --config $TMP/netns-launch-killed.partial-[0-9]+/nodes/run.ini" >/dev/null && fail "nodes outlived their launch"
  [ "$(leftovers "$dead")" -gt 0 ] || fail "expected the killed launch's namespaces to remain until the next launch"
  run launch "${RT[@]}" --strategy ring --local 2 --netns --network ethernet-1g --out "$TMP/netns-after-kill"
  [ "$RC" -eq 0 ] || fail "expected exit code 0"
  grep -qF "removed what a dead launch (pid $dead) left behind: 2 namespaces, 2 links, 1 bridge" "$OUT" ||
    fail "the next launch did not report removing the leftovers"
  [ "$(leftovers "$dead")" -eq 0 ] || fail "leftovers remain: $({ ip netns list; ip -o link show; } | grep "rtmp$dead")"
  echo "ok"
fi

echo "== validate (sim against runtime on loopback)"
expect_exit 0 "validate a 2-node ring" -- validate "${RT[@]}" --strategy ring --out "$TMP/validate"
grep -q '"bytes_per_iteration": {"sim": [0-9.e+]*, "runtime": [0-9.e+]*, "relative_error": 0}' "$TMP/validate/validate.json" ||
  fail "sim and runtime disagree on bytes per iteration"
grep -q '"max_loss_difference": 0,' "$TMP/validate/validate.json" || fail "sim and runtime loss traces differ"
grep -q '"iteration_seconds"' "$TMP/validate/validate.json" || fail "validate.json lacks iteration_seconds"
expect_exit 0 "validate --repeats 3 (the median runtime run stands)" -- \
  validate "${RT[@]}" --strategy ring --repeats 3 --out "$TMP/validate-repeats"
grep -q '"runtime_spread": {"repeats": 3, ' "$TMP/validate-repeats/validate.json" || fail "validate.json lacks the runtime spread"
grep -q '"runtime_run": ".*/runtime-[123]"' "$TMP/validate-repeats/validate.json" || fail "validate.json names no median run"
expect_error 2 "validate --network nosuch (without --netns)" "nosuch" -- validate "${RT[@]}" --strategy ring --network nosuch
expect_error 2 "validate --device nosuch" "nosuch" -- validate "${RT[@]}" --strategy ring --device nosuch
expect_exit 0 "validate --network wifi-ac without --netns says it is unused" -- \
  validate "${RT[@]}" --strategy ring --network wifi-ac --out "$TMP/validate-unused"
grep -q "network wifi-ac is used only with --netns" "$OUT" || fail "an unused --network went unmentioned"
expect_error 2 "validate --repeats 0" "invalid value for repeats: '0'" -- validate "${RT[@]}" --strategy ring --repeats 0
expect_error 2 "validate --repeats 2x" "invalid value for repeats: '2x'" -- validate "${RT[@]}" --strategy ring --repeats 2x
expect_error 2 "validate --repeats +3" "invalid value for repeats: '+3'" -- validate "${RT[@]}" --strategy ring --repeats +3
expect_exit 0 "validate --sweep (N = 2, 4, 8 on loopback)" -- \
  validate "${RT[@]/8,16,16,3/8,16,16,16,16,16,16,16,3}" --strategy ring --sweep --out "$TMP/sweep"
[ "$(wc -l <"$TMP/sweep/sweep.csv")" -eq 4 ] || fail "sweep.csv should hold a header and N = 2, 4, 8"
[ -s "$TMP/sweep/sweep.png" ] || fail "no sweep figure"
expect_error 2 "validate --faults (sim and launch only)" "--faults applies to ringtmp sim and launch --local only" -- validate "${RT[@]}" --strategy ring --faults kill:0@1

echo "== divergence: reported, exit 1 unless --allow-divergence, the folder whole and strict JSON"
# --lr 1e20: iteration 1's loss is finite, the update makes iteration 2's NaN.
DIVERGE=(--dataset synthetic --layers 8,16,3 --iterations 4 --synthetic-train 256 --synthetic-test 16 --lr 1e20)
for strategy in "local" "ring --nodes 2 --microbatches 2" "ps --nodes 2" "allreduce --nodes 2"; do
  name=${strategy%% *}
  for command in train sim; do
    [ "$name/$command" = local/sim ] && continue
    node=""; [ "$name" = ring ] && node=" on node 1"; [ "$name" = ps ] || [ "$name" = allreduce ] && node=" on node 0"
    dir=$TMP/diverged-$command-$name
    # shellcheck disable=SC2086
    expect_error 1 "$command --strategy $name --lr 1e20" "diverged: the loss became NaN or infinite at iteration 2$node;" \
      "--allow-divergence" -- $command "${DIVERGE[@]}" --strategy $strategy --out "$dir"
    summary_has "$dir" '"diverged": true,'
    summary_has "$dir" '"diverged_at_iteration": 2,'
    summary_has "$dir" '"final_loss": null,'
    strict_json "$dir/summary.json" "$dir/timeline.json"
  done
done
expect_exit 0 "sim --lr 1e20 --allow-divergence" -- \
  sim "${DIVERGE[@]}" --strategy ring --nodes 2 --microbatches 2 --allow-divergence --out "$TMP/diverged-allowed"
grep -qF "diverged: the loss became NaN or infinite at iteration" "$OUT" || fail "no divergence line"
summary_has "$TMP/diverged-allowed" '"diverged": true,'
printf 'allow-divergence = true\n' >"$TMP/allow.ini"
expect_exit 0 "allow-divergence from the config file" -- \
  train --config "$TMP/allow.ini" "${DIVERGE[@]}" --out "$TMP/diverged-ini"
summary_has "$TMP/diverged-ini" '"allow-divergence": true'
# One iteration: its loss is finite, its update (at the largest float learning rate)
# overflows; the parameters, checked at the end, say so.
expect_error 1 "train --lr 3.4e38 --iterations 1 (the parameters diverge)" \
  "diverged: the parameters became NaN or infinite by iteration 1 (every loss was finite)" -- \
  train "${TINY[@]}" --lr 3.4e38 --out "$TMP/diverged-parameters"
summary_has "$TMP/diverged-parameters" '"diverged_in": "parameters",'
expect_error 1 "launch --lr 1e20 (2-node ring)" "diverged: the loss became NaN or infinite at iteration 2 on node 1;" -- \
  launch "${RT[@]}" --strategy ring --local 2 --lr 1e20 --out "$TMP/diverged-launch"
summary_has "$TMP/diverged-launch" '"diverged_node": 1,'
strict_json "$TMP/diverged-launch/summary.json" "$TMP/diverged-launch/timeline.json"
expect_exit 0 "validate --lr 1e20 --allow-divergence" -- \
  validate "${RT[@]}" --strategy ring --lr 1e20 --allow-divergence --out "$TMP/diverged-validate"
grep -qF '"max_loss_difference": null,' "$TMP/diverged-validate/validate.json" || fail "the loss difference is not null"
strict_json "$TMP/diverged-validate/validate.json"

echo "== silently ignored input (must be an error, not a default)"
expect_error 2 "train with a stray positional argument" "stray-word" -- \
  train "${CHEAP[@]}" stray-word
expect_error 2 "train --config DIRECTORY" "$TMP" -- train "${CHEAP[@]}" --config "$TMP"

echo "== sim: what SimGrid cannot take is refused first (one line, exit 2); what it still stops on, exit 1"
xml_platform() {  # FILE, then the zone's content: two hosts pi-1 and pi-2 and what the case needs
  local file=$1; shift
  printf '%s\n' "<?xml version='1.0'?>" '<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">' \
    '<platform version="4.1">' "$@" '</platform>' >"$file"
}
xml_platform "$TMP/no-route.xml" '<zone id="lab" routing="Full">' \
  '<host id="pi-1" speed="1Gf"/><host id="pi-2" speed="1Gf"/></zone>'
expect_error 2 "sim --platform with no route between two hosts" "no route from pi-1 to pi-2" "$TMP/no-route.xml" -- \
  sim "${SIM[@]}" --platform "$TMP/no-route.xml" --out "$TMP/stray-run"
! grep -q "^data" "$OUT" || fail "the platform was refused only after the data was loaded"
xml_platform "$TMP/zero-speed.xml" '<zone id="lab" routing="Full">' \
  '<host id="pi-1" speed="0f"/><host id="pi-2" speed="1Gf"/><link id="cable" bandwidth="1MBps" latency="1ms"/>' \
  '<route src="pi-1" dst="pi-2"><link_ctn id="cable"/></route></zone>'
expect_error 2 "sim --platform with a host of speed 0" "host pi-1 has speed 0" -- \
  sim "${SIM[@]}" --platform "$TMP/zero-speed.xml" --out "$TMP/stray-run"
# two_hosts FILE SPEED1 BANDWIDTH [PROPERTY-OF-PI-1]: hosts pi-1 and pi-2 joined by one cable.
two_hosts() {
  xml_platform "$1" '<zone id="lab" routing="Full">' "<host id=\"pi-1\" speed=\"$2\">${4:-}</host>" \
    '<host id="pi-2" speed="1Gf"/>' "<link id=\"cable\" bandwidth=\"$3\" latency=\"1ms\"/>" \
    '<route src="pi-1" dst="pi-2"><link_ctn id="cable"/></route></zone>'
}
# Each line: speed, bandwidth, and what the error line must name.
while IFS='|' read -r speed bandwidth says; do
  two_hosts "$TMP/bad-number.xml" "$speed" "$bandwidth"
  expect_error 2 "sim --platform with speed $speed, bandwidth $bandwidth" "$TMP/bad-number.xml" "$says" -- \
    sim "${SIM[@]}" --platform "$TMP/bad-number.xml" --out "$TMP/stray-run"
done <<'EOF2'
-1Gf|1MBps|host pi-1 has speed -1e+09
1e308f|1MBps|host pi-1 has speed 1e+308
1Gf|0MBps|link cable (from pi-1 to pi-2) has bandwidth 0
1Gf|-5MBps|link cable (from pi-1 to pi-2) has bandwidth -5e+06
EOF2
xml_platform "$TMP/include.xml" '<include file="other.xml"/>' '<zone id="lab" routing="Full"><host id="pi-1" speed="1Gf"/></zone>'
expect_error 2 "sim --platform with an <include>" "$TMP/include.xml:4: <include> is not supported" -- \
  sim "${SIM[@]}" --platform "$TMP/include.xml" --out "$TMP/stray-run"
two_hosts "$TMP/bad-watts.xml" "1Gf" "1MBps" '<prop id="wattage_per_state" value="lots"/>'
expect_error 2 "sim --platform with unreadable power figures (SimGrid aborts)" "$TMP/bad-watts.xml" \
  "SimGrid aborted: Power properties incorrectly defined for host pi-1" -- \
  sim "${SIM[@]}" --platform "$TMP/bad-watts.xml" --out "$TMP/stray-run"
# A lab's XML without power figures: timing results, no energy, and one line saying so.
two_hosts "$TMP/no-watts.xml" "1Gf" "1MBps"
expect_error 0 "sim --platform whose hosts lack wattage_per_state" "note: platform $TMP/no-watts.xml" \
  "no host has a wattage_per_state" -- sim "${SIM[@]}" --platform "$TMP/no-watts.xml" --out "$TMP/no-watts-run"
summary_has "$TMP/no-watts-run" '"energy_joules": null,'
grep -q '"sim_seconds": [0-9]' "$TMP/no-watts-run/summary.json" || fail "no sim_seconds without power figures"
two_hosts "$TMP/some-watts.xml" "1Gf" "1MBps" '<prop id="wattage_per_state" value="2:2:5"/>'
expect_error 0 "sim --platform with power figures on some hosts" "no wattage_per_state property on 1 of 2 hosts (pi-2)" -- \
  sim "${SIM[@]}" --platform "$TMP/some-watts.xml" --out "$TMP/some-watts-run"
summary_has "$TMP/some-watts-run" '"energy_joules": null,'
[ -n "$(awk -F, 'NR == 2 { print $11 }' "$TMP/some-watts-run/nodes.csv")" ] ||
  fail "node 0 (on pi-1, with power figures) has no energy in nodes.csv"
[ -z "$(awk -F, 'NR == 3 { print $11 }' "$TMP/some-watts-run/nodes.csv")" ] ||
  fail "node 1 (on pi-2, without power figures) has an energy in nodes.csv"

echo "== sim: profile numbers SimGrid cannot take (exit 2, one line naming file, key and value)"
# device FILE FLOPS CORES: a device profile with sources.
device() {
  printf '[device]\nflops = %s\nflops_source = t\ncores = %s\ncores_source = t\nram_bytes = 1e9\nram_bytes_source = t\nidle_w = 2\nidle_w_source = t\nbusy_w = 5\nbusy_w_source = t\n' "$2" "$3" >"$1"
}
for cores in 0.5 3e9 1e300; do
  device "$TMP/cores.ini" 1e9 "$cores"
  expect_error 2 "sim --device with cores = $cores" "$TMP/cores.ini" "'cores' = '$cores'" "whole number" -- \
    sim "${SIM[@]}" --device "$TMP/cores.ini" --out "$TMP/stray-run"
done
device "$TMP/flops.ini" 1e308 4
expect_error 2 "sim --device with flops = 1e308" "$TMP/flops.ini" "'flops' = '1e308'" -- \
  sim "${SIM[@]}" --device "$TMP/flops.ini" --out "$TMP/stray-run"
sed 's/^stations_per_ap = .*/stations_per_ap = 0.5/' "$PLATFORMS/networks/wifi-n.ini" >"$TMP/half-ap.ini"
expect_error 2 "sim --network with stations_per_ap = 0.5 (was SIGFPE)" "$TMP/half-ap.ini" "'stations_per_ap' = '0.5'" -- \
  sim "${SIM[@]}" --network "$TMP/half-ap.ini" --out "$TMP/stray-run"
expect_error 2 "sim --faults kill:0@1e-320 (was std::out_of_range)" "kill:0@1e-320" -- \
  sim "${SIM[@]}" --faults kill:0@1e-320 --out "$TMP/stray-run"
expect_error 2 "sim --faults pause:0@1+1e-320" "pause:0@1+1e-320" "duration" -- \
  sim "${SIM[@]}" --faults pause:0@1+1e-320 --out "$TMP/stray-run"

echo "== sim: every rank down ends in one line (no SimGrid log after it)"
FAULTY=(--strategy ring --nodes 4 --microbatches 2 --dataset synthetic --layers 8,16,16,16,3 --iterations 300
        --synthetic-train 256 --synthetic-test 16 --out "$TMP/stray-run")
expect_error 1 "sim: kill every rank of a ring" "node 3: host turned off at 1 s by the fault schedule (kill:3@1)" -- \
  sim "${FAULTY[@]}" --faults kill:0@1,kill:1@1,kill:2@1,kill:3@1
# Two adjacent stages down before either is detected: the second held the first's only
# shadow, so the ring cannot heal; it says so.
expect_error 1 "sim: pause two adjacent ranks" "node 1: host turned off at 0.01 s by the fault schedule (pause:1@0.01+3); node 2: host turned off at 0.01 s" \
  "then nodes 0,3 stopped because a peer went down (first: node 0: peer" \
  "cannot heal: ranks 1 and 2 went down within one replica refresh" -- \
  sim "${FAULTY[@]}" --faults pause:1@0.01+3,pause:2@0.01+3
# The same two pauses, back before the 2.5 s failure timeout: no failure, said on stdout.
expect_exit 0 "sim: pause two adjacent ranks for less than detection" -- \
  sim "${FAULTY[@]/stray-run/paused-run}" --faults pause:1@0.01+1,pause:2@0.01+1
grep -q "^paused node 1 silent 0.01..1.01 s (pause:1@0.01+1: back before its peers' failure timeout, not a failure)$" "$OUT" ||
  fail "no 'paused node 1 silent' line"
summary_has "$TMP/paused-run" '"failures": [],'
# Stations without a wifi rate: no cheap check, SimGrid aborts mid-run and the trap says why.
xml_platform "$TMP/wifi-no-rate.xml" '<zone id="world" routing="Full"><zone id="cell" routing="Wifi">' \
  '<prop id="access_point" value="ap"/>' \
  '<host id="pi-1" speed="1Gf"><prop id="wattage_per_state" value="2:2:5"/></host>' \
  '<host id="pi-2" speed="1Gf"><prop id="wattage_per_state" value="2:2:5"/></host>' \
  '<router id="ap"/><link id="air" sharing_policy="WIFI" bandwidth="54Mbps" latency="0ms"/></zone></zone>'
expect_error 1 "sim --platform whose stations have no wifi rate" "SimGrid aborted" "WIFI link air" -- \
  sim "${SIM[@]}" --platform "$TMP/wifi-no-rate.xml" --out "$TMP/stray-run"
grep -q "Backtrace\|CRITICAL" "$ERR" && fail "SimGrid's log reached the terminal"
# 25 Pis on wifi-n take two access points (13 + 12 stations): this aborted SimGrid once.
expect_exit 0 "sim ring on two access points" -- sim --timing-only --network wifi-n --strategy ring --nodes 25 \
  --dataset synthetic --layers "$(printf '64,%.0s' {1..26})64" --batch 256 --microbatches 4 --iterations 2 \
  --out "$TMP/two-aps"
summary_has "$TMP/two-aps" '"platform": "25 x pi4b on wifi-n (2 access points)",'

echo "== maxmodel"
expect_error 2 "maxmodel --strategy with an unknown name" "unknown strategy 'rign'" -- \
  maxmodel --strategy rign --no-confirm --out "$TMP/stray-run"
expect_error 2 "maxmodel --nodes with a 0" "invalid value for nodes: '1,0'" -- \
  maxmodel --nodes 1,0 --no-confirm --out "$TMP/stray-run"
expect_error 2 "maxmodel --layers without a hidden layer" "784,10 has no hidden layer" -- \
  maxmodel --layers 784,10 --no-confirm --out "$TMP/stray-run"
expect_exit 0 "maxmodel ring and ps on a 64 MiB budget, N = 1, 2, 4" -- maxmodel --strategy ring,ps --nodes 1,2,4 \
  --memory-budget 64M --dataset synthetic --out "$TMP/maxmodel"
[ "$(wc -l <"$TMP/maxmodel/maxmodel.csv")" -eq 19 ] || fail "maxmodel.csv lacks its 18 rows (6 variants x 3 N)"
grep -q "^ring 1f1b: 4 x pi4b trains up to" "$OUT" || fail "no line for ring 1f1b"

echo "all CLI cases passed"
