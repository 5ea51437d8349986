#!/usr/bin/env bash
# `ringtmp figures`: every experiment at its tiny size writes its CSVs, a PNG per figure and a
# finding.md whose verdicts come from the CSVs (changed data, changed verdict, on --replot);
# the same seeds give the same CSV bytes; bad flags and missing tools are one line, exit 2 or 1.
# Usage: figures.sh <path-to-ringtmp>.
set -u

BIN=${1:?usage: figures.sh <path-to-ringtmp>}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringtmp-figures-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=cli_cases.sh
source "$(dirname "$0")/cli_cases.sh"
cd "$TMP" || exit 2

expect_exit 0 "figures --help" -- figures --help
grep -qF -- "--replot" "$OUT" || fail "figures --help does not list --replot"
expect_error 2 "figures with an unknown flag" "--frobnicate" -- figures --frobnicate
expect_error 2 "figures --seeds 0" "--seeds" "'0'" -- figures --seeds 0 --out "$TMP/r"
expect_error 2 "figures --seeds without a value" "--seeds needs a value" -- figures --seeds
expect_error 2 "figures --experiment that does not exist" "unknown experiment 'nosuch'" -- \
  figures --experiment nosuch --tiny --out "$TMP/r"
expect_exit 0 "figures --list" -- figures --list
mapfile -t experiments < <(awk '{ print $1 }' "$OUT")
[ "${#experiments[@]}" -ge 1 ] || fail "figures --list names no experiment"
printf '%-60s' "figures without gnuplot"
mkdir "$TMP/no-tools"
PATH=$TMP/no-tools "$BIN" figures --tiny --out "$TMP/r" >"$OUT" 2>"$ERR"
RC=$?
[ "$RC" -eq 1 ] && [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q "gnuplot not found" "$ERR" ||
  fail "without gnuplot on PATH: expected exit 1 and one line naming gnuplot"
echo "ok (exit $RC)"

for e in "${experiments[@]}"; do
  expect_exit 0 "figures --experiment $e --tiny" -- figures --experiment "$e" --tiny --out "$TMP/r"
  R=$TMP/r/$e
  [ -s "$R/finding.md" ] || fail "$e wrote no finding.md"
  # Every figure the finding shows exists as a PNG, and every CSV it was drawn from is there.
  grep -o '!\[[^]]*\]([^)]*\.png)' "$R/finding.md" | sed 's/.*(\(.*\))/\1/' > "$TMP/pngs"
  [ -s "$TMP/pngs" ] || fail "$e's finding.md shows no figure"
  while read -r png; do
    [ -s "$R/$png" ] || fail "$e: $png is in finding.md but not in $R"
    [ "$(head -c 4 "$R/$png" | tail -c 3)" = "PNG" ] || fail "$e: $png is not a PNG"
  done < "$TMP/pngs"
  ls "$R"/*.csv >/dev/null 2>&1 || fail "$e wrote no CSV"
  grep -q '^## Verdict' "$R/finding.md" || fail "$e's finding.md has no verdict"
done
# The runtime beside the claims that need no sim figure's shaping: memory (launch, no root)
# always; the faults over netns-shaped links as root, else the finding says why not.
CASE="figures: runtime points of model size and resilience"
printf '%-60s' "$CASE"
[ -s "$TMP/r/model_size/memory-runtime.csv" ] || fail "model_size wrote no memory-runtime.csv"
grep -Eq "runtime memory point|the kernel.s peak RSS" "$TMP/r/model_size/finding.md" || fail "model_size's finding has no runtime memory sentence"
if [ "$(id -u)" -eq 0 ]; then
  [ -s "$TMP/r/resilience/fault-runtime.csv" ] || fail "resilience wrote no fault-runtime.csv (as root)"
  grep -q "over real sockets" "$TMP/r/resilience/finding.md" || fail "resilience's finding has no runtime sentence"
else
  grep -q "no runtime points: .*root" "$TMP/r/resilience/finding.md" || fail "resilience's finding does not say why no runtime points"
fi
echo "ok"

# The verdict is computed: the idle data changed (the ring made to idle more than anyone
# with the MLP), --replot says otherwise.
R=$TMP/r/idle
cp "$R/finding.md" "$TMP/finding-before.md"
grep -q "RingTMP (1f1b) idles less than ps-bsp .* on wifi-n with the MLP$" "$R/finding.md" ||
  fail "idle: the tiny run's verdict is not that the ring idles less than ps-bsp (finding: $(grep -m1 RingTMP "$R/finding.md"))"
awk -F, 'BEGIN { OFS = "," } NR > 1 && $1 == "mlp" && $3 == "ring-1f1b" { $7 = 0.999 } { print }' "$R/idle.csv" \
  > "$TMP/idle.csv"
mv "$TMP/idle.csv" "$R/idle.csv"
expect_exit 0 "figures --experiment idle --replot (data changed)" -- figures --experiment idle --tiny --replot --out "$TMP/r"
grep -q "RingTMP (1f1b) idles more than ps-bsp .* on wifi-n with the MLP$" "$R/finding.md" ||
  fail "idle: the verdict did not follow the data"
cmp -s "$TMP/finding-before.md" "$R/finding.md" && fail "idle: finding.md unchanged by changed data"

# A run ringtmp refuses (exit 2: here a model that does not fit the memory budget) is an
# answer where an experiment asks for refusals (the large-N sweep charts what can run and
# says why the rest cannot), remembered for the next time; elsewhere it stops the experiment.
printf '%-60s' "study runner: a refused run"
PYTHONPATH=$SRC/experiments python3 - "$BIN" "$TMP/refusals" "$SRC/platforms" >"$OUT" 2>&1 <<'PY' ||
  fail "$(cat "$OUT")"
import os, sys
from study import runs
binary, folder, platforms = sys.argv[1:]
runner = runs.Runner(binary, folder, 1, lambda line: None, platforms)
flags = {"strategy": "ps", "servers": 1, "nodes": 2, "layers": "784,4096,4096,10", "memory-budget": "8MiB",
         "timing-only": True, "dataset": "synthetic", "iterations": 1}
[r] = runner.many("sim", [flags], refusals=True)
assert isinstance(r, runs.Refused), r
assert "needs" in r.reason and "8 MiB" in r.reason, r.reason
assert os.path.exists(runner.folder("sim", flags) + ".refused")
[again] = runner.many("sim", [flags], refusals=True)
assert again.reason == r.reason
try:
    runner.many("sim", [flags])
    raise AssertionError("a refused run did not stop an experiment that asks for no refusals")
except runs.RunFailed as e:
    assert "exit 2" in str(e), e
PY
echo ok
rm "$R/idle.csv"
expect_error 1 "figures --replot without the data" "idle.csv: missing" -- figures --experiment idle --tiny --replot --out "$TMP/r"

# The same seeds, the same bytes: timing (idle) and numerics (progress: losses and the
# evaluations along the way), each run afresh. (Not idle's finding: its runtime points, when
# root may measure them, are this machine's wall clock.)
for out in a b; do
  expect_exit 0 "figures idle and progress --tiny into $out" -- \
    figures --experiment idle --experiment progress --tiny --out "$TMP/$out"
done
for f in idle/idle.csv progress/losses.csv progress/evaluations.csv progress/finding.md; do
  cmp "$TMP/a/$f" "$TMP/b/$f" || fail "$f differs between two runs of the same seeds"
done
[ "$(wc -l < "$TMP/a/progress/evaluations.csv")" -gt 20 ] || fail "progress has too few evaluations to compare"
echo "figures: all cases passed"
