#!/usr/bin/env bash
# `ringtmp launch --hosts` over real ssh: an sshd per device (network namespaces of this
# machine), started here with a throwaway host key and client key, and the launcher's
# default template `ssh -o BatchMode=yes {host}` given only a client config file (-F), so
# the ssh path runs end to end: preflight, the key handed through stdin, nodes started
# and streamed, outcomes collected; a device's preflight failure; Ctrl-C, which ssh does
# not carry to a remote command, still stops every node on its device.
# Needs root and openssh-server (scripts/install-deps.sh): skipped otherwise (exit 77).
# Usage: launch_ssh.sh <path-to-ringtmp>.
set -u

BIN=${1:?usage: launch_ssh.sh <path-to-ringtmp>}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
[ "$(id -u)" -eq 0 ] || { echo "skipped: network namespaces need root"; exit 77; }
for tool in /usr/sbin/sshd ssh ssh-keygen; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed (openssh-server, openssh-client)"; exit 77; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringtmp-ssh-test.XXXXXX")
# shellcheck source=cli_cases.sh
source "$(dirname "$0")/cli_cases.sh"
# shellcheck source=netns_devices.sh
source "$(dirname "$0")/netns_devices.sh"
SSHD_PIDS=()
ON_TEARDOWN='for p in "${SSHD_PIDS[@]}"; do kill "$p" 2>/dev/null; done'
make_devices 3
cd "$TMP" || exit 2

ssh-keygen -q -t ed25519 -N '' -f "$TMP/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$TMP/client_key"
mkdir -p "$TMP/ssh" /run/sshd
cp "$TMP/client_key.pub" "$TMP/ssh/authorized_keys"
chmod 700 "$TMP/ssh"
for k in $(seq 0 $((DEVICES - 1))); do
  cat >"$TMP/sshd_config.$k" <<CONF
ListenAddress $SUBNET.$((k + 1))
Port 2222
HostKey $TMP/host_key
AuthorizedKeysFile $TMP/ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The throwaway keys live under /tmp, which is world-writable: StrictModes would refuse them.
StrictModes no
PidFile $TMP/sshd.$k.pid
CONF
  ip netns exec "${P}d$k" /usr/sbin/sshd -D -e -f "$TMP/sshd_config.$k" 2>"$TMP/sshd.$k.log" &
  SSHD_PIDS+=($!)
done
cat >"$TMP/ssh_config" <<CONF
Host *
  User root
  Port 2222
  IdentityFile $TMP/client_key
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
CONF
# The default template, with only the client config added.
REMOTE="ssh -F $TMP/ssh_config -o BatchMode=yes {host}"
DEVICE_BY_ADDRESS=1
for _ in $(seq 1 50); do
  ssh -F "$TMP/ssh_config" -o BatchMode=yes -o ConnectTimeout=1 "$SUBNET.3" true 2>/dev/null && break
  sleep 0.1
done
ssh -F "$TMP/ssh_config" -o BatchMode=yes "$SUBNET.3" true || { cat "$TMP"/sshd.*.log; fail "sshd does not answer"; }

RT=(--dataset synthetic --layers 8,16,16,3 --iterations 12 --batch 32 --synthetic-train 512 --synthetic-test 64 --nodes 3)
inventory "$TMP/hosts.txt" 3
expect_exit 0 "launch --hosts over ssh (3 sshd), ring" -- \
  launch "${RT[@]}" --strategy ring --hosts "$TMP/hosts.txt" --remote "$REMOTE" --out "$TMP/ssh-ring"
grep -q "^\[node 2 $SUBNET.3\] node 2 done" "$OUT" || fail "node 2's output is not streamed through ssh"
run launch "${RT[@]}" --strategy ring --local 3 --out "$TMP/local-ring"
[ "$RC" -eq 0 ] || fail "launch --local failed"
same_trace "$TMP/ssh-ring" "$TMP/local-ring" || fail "launch --hosts over ssh gives another loss trace than launch --local"
! ls "$TMP"/dev*/*/cluster.key >/dev/null 2>&1 || fail "a device keeps the run's cluster key"

inventory "$TMP/bad.txt" 3 ringtmp=/nonexistent/ringtmp
CASE="launch --hosts over ssh: a device without ringtmp"
printf '%-60s' "$CASE"
run launch "${RT[@]}" --strategy ring --hosts "$TMP/bad.txt" --remote "$REMOTE"
[ "$RC" -eq 1 ] || fail "expected exit code 1"
[ "$(wc -l <"$ERR")" -eq 2 ] || fail "expected two lines on stderr: the device's problem, the closing line"
grep -q "^device 1 ($SUBNET.2): no ringtmp there as '/nonexistent/ringtmp'" "$ERR" || fail "device 1 is not blamed"
tail -n 1 "$ERR" | grep -q "preflight found 1 problem on 1 of 3 devices; no node was started" || fail "no closing line"
echo "ok (exit $RC)"

survives_kill "launch --hosts over ssh" "$TMP/hosts.txt"
interrupted "launch --hosts over ssh" "$TMP/hosts.txt"
echo "launch --hosts over ssh: all cases passed"
