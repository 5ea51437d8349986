#!/usr/bin/env bash
# Installs dependencies (idempotent) and builds ringtmp in Release into build/.
# Usage: scripts/build.sh [TARGET...]   (default: every target, tests and benches included;
# scripts/main.sh asks for `ringtmp` alone, which is all the main command runs)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
targets=()
[ $# -gt 0 ] && targets=(--target "$@")
cmake --build build -j"$(nproc)" "${targets[@]}"
