#!/usr/bin/env bash
# The README's main command: dependencies, build, then the default run (extra flags pass on).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
exec build/cli/ringtmp train --eval-every 200 "$@"
