#!/usr/bin/env bash
# `ringtmp merge`: the outcome files of a launch's nodes, merged without the launcher, give
# the launch's own run (loss trace, evaluations along the way, backend, each node's peak
# RSS), for every strategy; a
# set that is not one whole run is refused with one line naming the files at fault.
# Usage: merge.sh <path-to-ringtmp>.
set -u

BIN=${1:?usage: merge.sh <path-to-ringtmp>}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringtmp-merge-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=cli_cases.sh
source "$(dirname "$0")/cli_cases.sh"
cd "$TMP" || exit 2

RT=(--dataset synthetic --layers 8,16,16,3 --iterations 12 --batch 32 --synthetic-train 512 --synthetic-test 64 --nodes 3
    --eval-every 5)
for strategy in "ring --schedule 1f1b" "ps --ps-mode bsp --servers 1" "allreduce"; do
  name=${strategy%% *}
  local_n=3; [ "$name" = ps ] && local_n=4
  # shellcheck disable=SC2086
  expect_exit 0 "launch --local $local_n --strategy $name" -- launch "${RT[@]}" --strategy $strategy --local $local_n --out "$TMP/launch-$name"
  expect_exit 0 "merge the $name launch's nodes/" -- merge "$TMP/launch-$name/nodes" --out "$TMP/merge-$name"
  same_trace "$TMP/launch-$name" "$TMP/merge-$name" || fail "merge's loss trace differs from launch's"
  # The model as the nodes kept it at iterations 5 and 10, and the final one.
  [ "$(cut -d, -f1 "$TMP/launch-$name/evaluations.csv" | tr '\n' ' ')" = "iteration 5 10 12 " ] ||
    fail "the $name launch's evaluations.csv does not hold iterations 5, 10 and 12"
  cmp -s "$TMP/launch-$name/evaluations.csv" "$TMP/merge-$name/evaluations.csv" ||
    fail "merge's evaluations.csv differs from launch's"
  summary_has "$TMP/merge-$name" '"backend": "runtime",'
  summary_has "$TMP/merge-$name" '"energy_is_estimate": true,'
  cmp -s <(cut -d, -f1-4 "$TMP/launch-$name/nodes.csv") <(cut -d, -f1-4 "$TMP/merge-$name/nodes.csv") ||
    fail "merge's nodes.csv differs from launch's in its first columns"
  # Each node's peak RSS, as the node process itself read it from the kernel.
  peak_rss "$TMP/merge-$name" above || fail "a merged node's peak_rss_bytes is not above 1 MiB"
  [ "$(ls "$TMP/merge-$name/nodes/"node-*.outcome | wc -l)" -eq "$local_n" ] || fail "the run folder does not keep the outcome files"
done

# A run folder and a file in it name the same file: counted once.
expect_exit 0 "merge a run folder and one of its files" -- \
  merge "$TMP/launch-ring" "$TMP/launch-ring/nodes/node-0.outcome" --out "$TMP/merge-again"
same_trace "$TMP/launch-ring" "$TMP/merge-again" || fail "merge's loss trace differs from launch's"

L=$TMP/launch-ring/nodes
expect_exit 0 "a second ring launch (another cluster key)" -- launch "${RT[@]}" --strategy ring --local 3 --out "$TMP/launch-ring2"
mkdir -p "$TMP/two"
cp "$L/node-0.outcome" "$L/node-2.outcome" "$TMP/two/"
expect_error 1 "merge with a rank missing" "rank 1 missing" -- merge "$TMP/two"
expect_error 1 "merge two runs mixed" "two runs mixed" "launch-ring2/nodes/node-1.outcome" -- \
  merge "$TMP/two" "$TMP/launch-ring2/nodes/node-1.outcome"
mkdir -p "$TMP/dup"
cp "$L/node-1.outcome" "$TMP/dup/node-0.outcome"
expect_error 1 "merge with one rank twice" "rank 1 twice" -- merge "$L" "$TMP/dup"
expect_error 2 "merge --lr (the nodes ran another)" "only per-device options" -- merge "$L" --lr 0.5
"$BIN" train "${RT[@]}" --strategy ring --lr 0.2 --out "$TMP/other" >/dev/null 2>&1
expect_error 2 "merge --config (not the nodes' config)" "--config gives config" -- merge "$L" --config "$TMP/other/config.ini"
expect_exit 0 "merge --config (the nodes' config)" -- merge "$L" --config "$TMP/launch-ring/config.ini" --out "$TMP/merge-config"
expect_error 2 "merge with nothing to merge" "name the nodes' outcome files" -- merge --out "$TMP/x"
expect_error 1 "merge a path that does not exist" "'$TMP/absent': no such file" -- merge "$TMP/absent"
mkdir -p "$TMP/empty"
expect_error 1 "merge a folder without outcome files" "no node-<rank>.outcome files" -- merge "$TMP/empty"
mkdir -p "$TMP/cut"
head -c 300 "$L/node-1.outcome" >"$TMP/cut/node-1.outcome"
expect_error 1 "merge a truncated outcome file" "$TMP/cut/node-1.outcome" "not a node outcome" -- merge "$L/node-0.outcome" "$TMP/cut"
echo "merge: all cases passed"
