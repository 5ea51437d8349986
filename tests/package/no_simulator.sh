#!/usr/bin/env bash
# A build without the simulator (-DRINGTMP_DEVICE=ON, or -DRINGTMP_WITH_SIM=OFF): the commands
# that simulate refuse in one line with exit 2, and the runtime's commands still run.
# Usage: no_simulator.sh RINGTMP   ($RINGTMP_EMULATOR, e.g. a cross build's qemu, runs it)
set -u
BIN=${1:?usage: no_simulator.sh RINGTMP}
read -r -a EMU <<<"${RINGTMP_EMULATOR:-}"
fail() { echo "FAIL: $*"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringtmp-nosim.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
run() { "${EMU[@]}" "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"; }
TINY=(--dataset synthetic --layers 8,16,3 --iterations 3 --synthetic-train 256 --synthetic-test 16)

refused() {  # refused COMMAND ARGS...: exit 2, one line on stderr naming the command and why
  run "$@"
  local rc=$?
  [ $rc -eq 2 ] || fail "$1: exit $rc, expected 2"
  [ "$(wc -l <"$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "$1: not one line"; }
  grep -q "^ringtmp $1: this build has no simulator" "$TMP/err" || { cat "$TMP/err"; fail "$1: wrong line"; }
}
refused sim --strategy ring --nodes 2 "${TINY[@]}" --out "$TMP/sim"
refused validate --strategy ring --nodes 2 "${TINY[@]}" --out "$TMP/validate"
refused maxmodel --strategy ring --nodes 2 --memory-budget 64M --dataset synthetic --out "$TMP/maxmodel"
refused figures --tiny --out "$TMP/figures"
[ -e "$TMP/sim" ] || [ -e "$TMP/validate" ] || [ -e "$TMP/maxmodel" ] || [ -e "$TMP/figures" ] &&
  fail "a refused command left a run folder"

run --help || fail "--help exited $?"
grep -q "no simulator" "$TMP/out" || fail "--help does not say the simulator is missing"
run maxmodel --strategy ring --nodes 2 --memory-budget 64M --dataset synthetic --no-confirm --out "$TMP/mm" ||
  { cat "$TMP/err"; fail "maxmodel --no-confirm failed"; }
run train --strategy ring --nodes 2 --microbatches 2 "${TINY[@]}" --out "$TMP/train" ||
  { cat "$TMP/err"; fail "train failed"; }
[ "$(wc -l <"$TMP/train/iterations.csv")" -eq 4 ] || fail "train: not 3 iterations in iterations.csv"
echo "ok: sim, validate, figures, maxmodel's confirmation refused; maxmodel --no-confirm and train ran"
