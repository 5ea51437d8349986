# The cases' vocabulary, shared by the CLI's shell tests: run the binary ($BIN) from the
# scratch folder ($TMP), expect an exit code and exactly one error line naming the culprit,
# compare two runs' loss traces. Sourced; the caller sets BIN and TMP.
OUT=$TMP/stdout
ERR=$TMP/stderr
RC=0
CASE=""
LAST_ARGS=()

# same_trace RUN_A RUN_B: the two runs' losses agree to a relative 1e-5, iteration by iteration.
same_trace() {
  paste -d, "$1/iterations.csv" "$2/iterations.csv" | tail -n +2 |
    awk -F, '{ d = $3 - $7; if (d < 0) d = -d; if (d > 1e-5 * ($7 < 0 ? -$7 : $7)) bad = 1 } END { exit bad || NR < 1 }'
}

# node_pid RUN RANK: the pid of `launch --out RUN`'s node RANK (it runs in the launch's
# temporary folder, renamed onto RUN at the end), or nothing yet.
node_pid() {
  pgrep -f -- "node --config $1.partial-[0-9]+/nodes/run.ini --rank $2" || true
}

# training_node_pid RUN RANK PATTERN TRIES: node RANK's pid once stdout ($OUT) shows
# PATTERN (grep), checked every 0.02 s up to TRIES times; fails the case if it never started
# (its report on stderr: stdout is the caller's $(...); the caller adds `|| exit 1`).
training_node_pid() {
  local pid="" _
  for _ in $(seq 1 "$4"); do
    pid=$(node_pid "$1" "$2")
    [ -n "$pid" ] && grep -q -- "$3" "$OUT" && break
    sleep 0.02
  done
  [ -n "$pid" ] || fail "node $2 never started" >&2
  echo "$pid"
}

fail() {
  echo "FAIL: $CASE: $*"
  echo "  command: ringtmp ${LAST_ARGS[*]}"
  echo "  exit code: $RC"
  echo "  stderr:"; sed 's/^/    /' "$ERR"
  echo "  stdout (first lines):"; head -n 5 "$OUT" | sed 's/^/    /'
  exit 1
}

run() {
  LAST_ARGS=("$@")
  "$BIN" "$@" >"$OUT" 2>"$ERR"
  RC=$?
}

# expect_exit CODE DESCRIPTION -- ARGS...
expect_exit() {
  local code=$1
  CASE=$2
  shift 3
  printf '%-60s' "$CASE"
  run "$@"
  [ "$RC" -eq "$code" ] || fail "expected exit code $code"
  echo "ok (exit $RC)"
}

# expect_error CODE DESCRIPTION NEEDLE... -- ARGS...: exit CODE, one stderr line holding
# every NEEDLE (fixed strings).
expect_error() {
  local code=$1
  CASE=$2
  shift 2
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  printf '%-60s' "$CASE"
  run "$@"
  [ "$RC" -eq "$code" ] || fail "expected exit code $code"
  [ "$(wc -l <"$ERR")" -eq 1 ] && [ -n "$(head -c 1 "$ERR")" ] ||
    fail "expected exactly one line on stderr"
  local n
  for n in "${needles[@]}"; do
    grep -qF -- "$n" "$ERR" || fail "stderr does not name '$n'"
  done
  echo "ok (exit $RC)"
}

# peak_rss FOLDER above|empty: every node's peak_rss_bytes in nodes.csv is above 1 MiB (a
# process's, from the kernel), or empty (nodes sharing one process); found by its header.
peak_rss() {
  awk -F, -v want="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "peak_rss_bytes") c = i; next }
    want == "above" && !($c > 1048576) { bad = 1 }
    want == "empty" && $c != "" { bad = 1 }
    END { exit bad || !c || (want == "above" && NR < 2) }' "$1/nodes.csv"
}

# summary_has FOLDER 'TEXT': summary.json holds TEXT (its writer puts one key per line).
summary_has() {
  grep -qF -- "$2" "$1/summary.json" || fail "$1/summary.json lacks $2"
}

