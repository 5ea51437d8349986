#!/usr/bin/env bash
# The README's main command: dependencies, build, then the simulated comparison of RingTMP,
# the parameter server and all-reduce on 8 Pi 4Bs over Wi-Fi (experiments/sim_compare).
# Usage: scripts/main.sh [OUT]   (default results/runs/compare-<time>)
set -euo pipefail
cd "$(dirname "$0")/.."
# Only the binary the comparison runs: tests, benches and fuzzers would double a fresh
# machine's wait (scripts/build.sh without arguments builds them all).
bash scripts/build.sh ringtmp >/dev/null
exec bash experiments/sim_compare/run.sh "$@"
