#!/usr/bin/env bash
# The README's test command: dependencies, Release build, the whole test suite in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 600
