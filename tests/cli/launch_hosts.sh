#!/usr/bin/env bash
# `ringtmp launch --hosts`: devices are network namespaces of this machine, reached through
# the remote template `ip netns exec {host} sh -c` (the ssh path has its own test,
# launch_ssh.sh). Every strategy gives launch --local's loss trace; a device whose
# preflight fails stops the launch before any node starts, one line per problem; a device
# whose node is killed mid-run is survived as the runtime survives it; Ctrl-C stops every
# node on its device. Needs root (namespaces): skipped otherwise (exit 77).
# Usage: launch_hosts.sh <path-to-ringtmp>.
set -u

BIN=${1:?usage: launch_hosts.sh <path-to-ringtmp>}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[ "$(id -u)" -eq 0 ] || { echo "skipped: network namespaces need root"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringtmp-hosts-test.XXXXXX")
# shellcheck source=cli_cases.sh
source "$(dirname "$0")/cli_cases.sh"

# shellcheck source=netns_devices.sh
source "$(dirname "$0")/netns_devices.sh"
make_devices 4
cd "$TMP" || exit 2
REMOTE='ip netns exec {host} sh -c'
RT=(--dataset synthetic --layers 8,16,16,3 --iterations 12 --batch 32 --synthetic-train 512 --synthetic-test 64 --nodes 3)
for strategy in "ring --schedule 1f1b" "ps --ps-mode bsp --servers 1" "allreduce"; do
  name=${strategy%% *}
  n=3; [ "$name" = ps ] && n=4
  inventory "$TMP/hosts-$name.txt" $n
  # shellcheck disable=SC2086
  expect_exit 0 "launch --hosts ($n namespaces) --strategy $name" -- \
    launch "${RT[@]}" --strategy $strategy --hosts "$TMP/hosts-$name.txt" --remote "$REMOTE" --out "$TMP/hosts-$name"
  grep -q "^\[node 1 ${P}d1\] " "$OUT" || fail "node 1's output is not streamed with its prefix"
  # shellcheck disable=SC2086
  run launch "${RT[@]}" --strategy $strategy --local $n --out "$TMP/local-$name"
  [ "$RC" -eq 0 ] || fail "launch --local failed"
  same_trace "$TMP/hosts-$name" "$TMP/local-$name" || fail "launch --hosts's loss trace differs from launch --local's"
  summary_has "$TMP/hosts-$name" '"backend": "runtime",'
  summary_has "$TMP/hosts-$name" "devices of inventory $TMP/hosts-$name.txt"
  for k in $(seq 0 $((n - 1))); do
    [ -s "$TMP/hosts-$name/nodes/node-$k.outcome" ] || fail "node $k's outcome was not collected"
    grep -q "done" "$TMP/hosts-$name/nodes/node-$k.log" || fail "node $k's log was not kept"
  done
  # The key reached each device through stdin, in a folder only its owner may enter, and
  # was removed from it at the end.
  [ "$(stat -c %a "$TMP"/dev0/*/)" = 700 ] || fail "the device's run folder is mode $(stat -c %a "$TMP"/dev0/*/), not 700"
  ! ls "$TMP"/dev*/*/cluster.key >/dev/null 2>&1 || fail "a device keeps the run's cluster key"
  rm -rf "$TMP"/dev*
  [ ! -e "$TMP/hosts-$name/nodes/cluster.key" ] || fail "the run folder keeps the cluster key"
done

# A device that talks: a banner on stdout and a warning on stderr at every login (as a
# motd or OpenSSH's key-exchange warning do) change nothing: same outcome, same trace.
printf '#!/bin/sh\necho "Welcome to the device"\necho "** WARNING: connection is not post-quantum" >&2\nexec ip netns exec "$1" sh -c "$2"\n' >"$TMP/chatty.sh"
chmod +x "$TMP/chatty.sh"
expect_exit 0 "launch --hosts through a template that talks" -- \
  launch "${RT[@]}" --strategy ring --schedule 1f1b --hosts "$TMP/hosts-ring.txt" --remote "$TMP/chatty.sh {host}" --out "$TMP/chatty"
same_trace "$TMP/chatty" "$TMP/local-ring" || fail "a talking template changes the loss trace"

# Preflight: every problem of every device, one line each, and nothing started.
inventory "$TMP/bad.txt" 3 ringtmp=/nonexistent/ringtmp
sed -i "2s|\$| data-dir=/nonexistent/data|" "$TMP/bad.txt"   # device 0: no dataset there
echo "nosuch-namespace:7000 address=$SUBNET.9" >>"$TMP/bad.txt"  # a 4th device, unreachable
FMNIST=(--layers 784,16,10 --iterations 2 --batch 32 --nodes 4)
CASE="launch --hosts: preflight problems on 3 of 4 devices"
printf '%-60s' "$CASE"
run launch "${FMNIST[@]}" --strategy allreduce --hosts "$TMP/bad.txt" --remote "$REMOTE" --out "$TMP/bad-run"
[ "$RC" -eq 1 ] || fail "expected exit code 1"
grep -q "^device 0 (${P}d0): dataset missing: /nonexistent/data/train-images-idx3-ubyte\[.gz\], " "$ERR" || fail "device 0's dataset is not named"
grep -q "^device 1 (${P}d1): no ringtmp there as '/nonexistent/ringtmp'" "$ERR" || fail "device 1's missing binary is not named"
grep -q "^device 3 (nosuch-namespace): cannot run the preflight there" "$ERR" || fail "device 3's unreachability is not named"
! grep -q "^device 2" "$ERR" || fail "device 2 has no problem, yet is blamed"
tail -n 1 "$ERR" | grep -q "preflight found [0-9]* problems on 3 of 4 devices; no node was started" || fail "no closing line"
! grep -q "^\[node" "$OUT" || fail "a node was started"
[ ! -e "$TMP/bad-run" ] || fail "a run folder was written"
echo "ok (exit $RC)"

expect_error 2 "launch --hosts with a 3-node config on 4 devices" "lists 4 devices but the config needs 3 nodes" -- \
  launch "${RT[@]}" --strategy ring --hosts "$TMP/hosts-ps.txt" --remote "$REMOTE"
expect_error 2 "launch --hosts --netns" "--netns is for --local" -- launch "${RT[@]}" --strategy ring --hosts "$TMP/hosts-ring.txt" --netns
expect_error 2 "launch --remote without {host}" "it must name the device as {host}" -- \
  launch "${RT[@]}" --strategy ring --hosts "$TMP/hosts-ring.txt" --remote "ssh pi1"
printf 'pi1\npi2 colour=blue\n' >"$TMP/typo.txt"
expect_error 2 "launch --hosts: an unknown inventory key" "inventory $TMP/typo.txt line 2: unknown key 'colour'" -- \
  launch "${RT[@]}" --strategy ring --hosts "$TMP/typo.txt"

inventory "$TMP/long.txt" 3
survives_kill "launch --hosts" "$TMP/long.txt"
interrupted "launch --hosts" "$TMP/long.txt"
# Ctrl-C before the nodes have started (a slow device: its pid file not there yet): the
# stop waits for it, nothing keeps running, launch ends.
CASE="launch --hosts: Ctrl-C while the nodes start"
printf '%-60s' "$CASE"
printf '#!/bin/sh\nsleep 1\nexec ip netns exec "$1" sh -c "$2"\n' >"$TMP/slow.sh"
chmod +x "$TMP/slow.sh"
rm -rf "$TMP"/dev*
"$BIN" launch "${RT[@]/--iterations/--eval-every}" --iterations 100000000 --strategy ring --hosts "$TMP/long.txt" \
  --remote "$TMP/slow.sh {host}" --out "$TMP/early" >"$OUT" 2>"$ERR" &
LAUNCH=$!
for _ in $(seq 1 300); do grep -q "^launch 3 nodes" "$OUT" && break; sleep 0.05; done
kill -INT "$LAUNCH"
for _ in $(seq 1 300); do kill -0 "$LAUNCH" 2>/dev/null || break; sleep 0.1; done
kill -0 "$LAUNCH" 2>/dev/null && { kill -9 "$LAUNCH"; fail "launch still runs 30 s after Ctrl-C"; }
wait "$LAUNCH"; RC=$?
[ "$RC" -ne 0 ] || fail "an interrupted launch exited 0"
for p in $(cat "$TMP"/dev*/*/node.pid 2>/dev/null); do kill -0 "$p" 2>/dev/null && fail "node process $p outlived the stop"; done
! ls "$TMP"/dev*/*/cluster.key >/dev/null 2>&1 || fail "a device keeps the run's cluster key"
echo "ok (exit $RC)"
echo "launch --hosts: all cases passed"
