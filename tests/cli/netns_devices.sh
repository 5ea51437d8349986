# Devices for the launcher's tests: network namespaces of this machine on one bridge,
# ${P}d0.. at $SUBNET.1.., the bridge itself at $SUBNET.254 (so this machine reaches them,
# as a laptop reaches its Pis). Sourced after TMP is set; make_devices N builds them and
# removes them (and $TMP) on exit, or exits 77 (skipped) where namespaces cannot be made.
P=rth$(($$ % 100000))
SUBNET=10.230.$(($$ % 250))
DEVICES=0
teardown_devices() {
  [ -n "${ON_TEARDOWN:-}" ] && eval "$ON_TEARDOWN"
  for k in $(seq 0 $((DEVICES - 1))); do ip link del "${P}v$k" 2>/dev/null; ip netns del "${P}d$k" 2>/dev/null; done
  ip link del "${P}b" 2>/dev/null
  rm -rf "$TMP"
}
make_devices() {
  DEVICES=$1
  trap teardown_devices EXIT
  ip link add "${P}b" type bridge && ip link set "${P}b" up && ip addr add "$SUBNET.254/24" dev "${P}b" ||
    { echo "skipped: cannot create a bridge here"; exit 77; }
  for k in $(seq 0 $((DEVICES - 1))); do
    ns=${P}d$k
    ip netns add "$ns" || { echo "skipped: cannot create network namespaces here"; exit 77; }
    ip link add "${P}v$k" type veth peer name eth0 netns "$ns"
    ip link set "${P}v$k" master "${P}b" up
    ip -n "$ns" addr add "$SUBNET.$((k + 1))/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  done
}

# How the remote template reaches device K: its namespace (ip netns exec), or with
# DEVICE_BY_ADDRESS=1 its address (ssh).
device_host() { if [ -n "${DEVICE_BY_ADDRESS:-}" ]; then echo "$SUBNET.$(($1 + 1))"; else echo "${P}d$1"; fi; }

# inventory FILE N [KEY=VALUE for device 1...]: N devices, each with its own run folder.
inventory() {
  local file=$1 n=$2 k
  shift 2
  {
    echo "# test devices: network namespaces"
    for k in $(seq 0 $((n - 1))); do
      if [ "$k" -eq 1 ]; then extra="$*"; else extra=""; fi
      echo "$(device_host "$k"):7000 address=$SUBNET.$((k + 1)) ringtmp=$BIN dir=$TMP/dev$k $extra"
    done
  } >"$file"
}


# start_long NAME INVENTORY FLAGS...: a 3-device run in the background (LAUNCH) through
# $REMOTE, returning once all its nodes iterate; PIDS: the nodes' pids on their devices.
start_long() {
  local name=$1 hosts=$2
  shift 2
  rm -rf "$TMP"/dev*
  "$BIN" launch --dataset synthetic --layers 8,256,256,3 --batch 16 --synthetic-train 256 --synthetic-test 16 --nodes 3 \
    --hosts "$hosts" --remote "$REMOTE" --out "$TMP/$name" "$@" >"$OUT" 2>"$ERR" &
  LAUNCH=$!
  for _ in $(seq 1 150); do
    [ "$(cat "$TMP"/dev*/*/node.pid 2>/dev/null | wc -l)" -eq 3 ] && grep -q "iteration" "$OUT" && break
    sleep 0.1
  done
  PIDS=$(cat "$TMP"/dev*/*/node.pid 2>/dev/null)
  [ "$(echo "$PIDS" | wc -w)" -eq 3 ] || fail "the nodes never started"
}

# survives_kill LABEL INVENTORY: device 1's node SIGKILLed mid-run; the all-reduce ring
# re-forms and finishes (Resilience I): exit 0, the whole trace, the failure reported.
survives_kill() {
  CASE="$1: allreduce survives SIGKILL of node 1"
  printf '%-60s' "$CASE"
  start_long killed "$2" --strategy allreduce --iterations 3000
  # While the run lasts, each device holds the key readable by its owner only.
  for key in "$TMP"/dev*/*/cluster.key; do
    [ "$(stat -c %a "$key")" = 600 ] || fail "$key is mode $(stat -c %a "$key"), not 600"
  done
  kill -9 "$(cat "$TMP"/dev1/*/node.pid)"
  wait "$LAUNCH"; RC=$?
  [ "$RC" -eq 0 ] || fail "expected exit code 0"
  grep -q "^survived node 1 (worker) failing at" "$OUT" || fail "no 'survived node 1' line"
  [ "$(wc -l <"$TMP/killed/iterations.csv")" -eq 3001 ] || fail "iterations.csv lacks iterations"
  echo "ok (exit $RC)"
}

# interrupted LABEL INVENTORY: Ctrl-C to the launcher stops every node on its device (the
# stop goes through the template: ssh carries no signal), says so per device, and fails.
interrupted() {
  CASE="$1: Ctrl-C stops every node on its device"
  printf '%-60s' "$CASE"
  start_long interrupted "$2" --strategy ring --iterations 100000000
  kill -INT "$LAUNCH"
  # A stop that does not work must fail the case, not hang it.
  for _ in $(seq 1 300); do kill -0 "$LAUNCH" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$LAUNCH" 2>/dev/null && { kill -9 "$LAUNCH"; fail "launch still runs 30 s after Ctrl-C"; }
  wait "$LAUNCH"; RC=$?
  [ "$RC" -ne 0 ] || fail "an interrupted launch exited 0"
  grep -q "^device 1 (.*): node 1 stopped (SIGTERM)" "$ERR" || fail "node 1 was not stopped on its device"
  sleep 0.5
  for p in $PIDS; do kill -0 "$p" 2>/dev/null && fail "node process $p outlived the stop"; done
  echo "ok (exit $RC)"
}
