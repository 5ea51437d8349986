#!/usr/bin/env bash
# The README's test command: dependencies, Release build, the whole test suite in parallel
# (first, so that a plain failure shows early); then the suite once more in build-asan,
# built with AddressSanitizer and UndefinedBehaviorSanitizer (any finding fails its test:
# UBSan does not recover). Not repeated there: the fuzz targets (they run under both
# sanitizers in the first pass) and three long CLI scripts (below). SANITIZE=0 skips the second pass (a quick local check).
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase's wall time, so that a slow CI run says where its time went.
phase_start=$SECONDS
phase_done() {
  echo "== $1: $((SECONDS - phase_start)) s (total $SECONDS s)"
  phase_start=$SECONDS
}
slowest_tests() {  # ctest's record of each test's last time
  echo "   slowest: $(sort -k3 -rn "$1/Testing/Temporary/CTestCostData.txt" 2>/dev/null | head -n 6 |
                      awk '{ printf "%s %.0f s  ", $1, $3 }')"
}
bash scripts/build.sh
phase_done "dependencies and the Release build"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 600
phase_done "the test suite (Release)"
slowest_tests build

[[ ${SANITIZE:-1} == 0 ]] && exit 0
echo "== the test suite under ASan + UBSan (build-asan)"
# -O1 -g1: enough for ASan's reports to name lines, and lighter to compile than -O2 -g.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" -DRINGTMP_SANITIZE=address,undefined >/dev/null
# What ctest runs, no more: the benchmarks and the ns-3 reference are not tests.
cmake --build build-asan -j"$(nproc)" --target ringtmp ringtmp_tests
phase_done "the ASan + UBSan build"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The CLI scripts that train for thousands of iterations through several processes
# (exit_codes, resume, rejoin) took 12-17 min each here under the sanitizers (2 min in
# Release): they run in the Release pass; their code runs under ASan in the unit tests.
# So do figures (Python driving `ringtmp sim`, whose code the sim tests cover) and the
# Debian package (cpack would build every target, benchmarks included, to package one).
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" --timeout 1200 \
  -E '^(cli/(exit_codes|resume|rejoin|figures)|package/deb_package)$'
phase_done "the test suite (ASan + UBSan)"
slowest_tests build-asan
