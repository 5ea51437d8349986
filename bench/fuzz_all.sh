#!/usr/bin/env bash
# Question: does any parser crash, leak, hang or blow its memory on millions of hostile
# inputs? Builds every libFuzzer target of tests/fuzz (clang-14, ASan + UBSan) and runs each
# for EXECUTIONS executions (libFuzzer -runs) from its seed corpus plus the inputs in
# tests/fuzz/regressions/<name>/, JOBS targets at a time (one process each, so every target
# runs exactly EXECUTIONS inputs). Prints a table: target, executions, wall seconds,
# executions per second, findings (crash-/leak-/timeout-/oom- files libFuzzer wrote), and
# exits 1 if any target found something (the reproducers stay in OUT/<target>/).
# platform_xml forks a SimGrid engine per input (about 60 ms of CPU each under ASan: 10M
# would take a week), so it runs min(EXECUTIONS, PLATFORM_XML_EXECUTIONS=20000) inputs.
# Per input: TIMEOUT seconds (10; libFuzzer's clock is the wall's, so on a machine shared with
# builds raise it, and replay any timeout- file alone before calling it a hang), 2 GB RSS limit, at most 4096 bytes (the targets' own size caps
# are tested at that scale; larger files are the unit tests' business).
# ASan keeps no allocation stacks (malloc_context_size=0): the stack depot otherwise grows
# without bound (frames of libraries built without frame pointers unwind into garbage, each
# a new stack), which took run_options to 870 MB and 2000 exec/s in 10 min against 510 MB and
# 3100 exec/s without. Detection is the same; a finding is replayed alone for full stacks:
# build/tests/fuzz/<target>_fuzz OUT/<target>/crash-...
# Usage: bench/fuzz_all.sh [EXECUTIONS=10000000]
#   env: JOBS=2 (targets at once), TIMEOUT=10, BUILD=build, OUT=$BUILD/fuzz-bench, TARGETS="codec idx ..."
set -euo pipefail
cd "$(dirname "$0")/.."
executions=${1:-10000000}
jobs=${JOBS:-2}
build=${BUILD:-build}
out=${OUT:-$build/fuzz-bench}
[[ $executions =~ ^[0-9]+$ && $executions -gt 0 ]] || { echo "usage: bench/fuzz_all.sh [EXECUTIONS]" >&2; exit 2; }

[[ -f $build/CMakeCache.txt ]] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_targets >/dev/null
fuzz_dir=$build/tests/fuzz
targets=${TARGETS:-$(cd "$fuzz_dir" && ls -- *_fuzz | sed 's/_fuzz$//' | sort | tr '\n' ' ')}
[[ -n $targets ]] || { echo "no fuzz targets in $fuzz_dir (clang-14 and libclang-rt-14-dev installed?)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"

# One target: a fresh working corpus, its seeds, the run's log and findings in OUT/<name>/.
run_one() {
  local name=$1 dir=$out/$1
  mkdir -p "$dir/corpus"
  local corpora=("$dir/corpus")
  case $name in codec | envelope) corpora+=("$fuzz_dir/codec_seeds") ;; esac
  [[ -d tests/fuzz/regressions/$name ]] && corpora+=("tests/fuzz/regressions/$name")
  local start end runs=$executions
  [[ $name == platform_xml ]] && runs=$((executions < xml_cap ? executions : xml_cap))
  start=$(date +%s.%N)
  ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0} "$fuzz_dir/${name}_fuzz" -runs="$runs" -max_len=4096 -timeout="$timeout" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/" "${corpora[@]}" >"$dir/log" 2>&1 || true
  end=$(date +%s.%N)
  echo "$start $end" >"$dir/time"
}
export -f run_one
xml_cap=${PLATFORM_XML_EXECUTIONS:-20000}
timeout=${TIMEOUT:-10}
export out fuzz_dir executions xml_cap timeout
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run_one {}'

printf '%-16s %14s %10s %10s  %s\n' target executions seconds exec/s findings
found=0
for name in $targets; do
  dir=$out/$name
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  read -r start end <"$dir/time"
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
  rate=$(awk -v n="${runs:-0}" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  findings=$(cd "$dir" && ls -- crash-* leak-* timeout-* oom-* 2>/dev/null | tr '\n' ' ' || true)
  if [[ -z $runs ]] && [[ -z $findings ]]; then findings="no final stats (see $dir/log)"; fi
  [[ -n $findings ]] && found=1
  printf '%-16s %14s %10s %10s  %s\n' "$name" "${runs:-?}" "$seconds" "$rate" "${findings:-none}"
done
[[ $found -eq 0 ]] || { echo "findings: reproducers and logs in $out/<target>/" >&2; exit 1; }
