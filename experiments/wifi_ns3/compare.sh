#!/usr/bin/env bash
# Question: how far is the simulator's Wi-Fi (SimGrid's flow model with our network
# profiles) from ns-3's packet-level 802.11 on the same traffic? Runs every case of
# OUT/ns3.csv (written by run.sh) through sim_patterns (ringtmp's own SimNetwork and
# platform builder, on wifi-n for 802.11n and wifi-ac for 802.11ac), then compares.
# Writes OUT/sim.csv, OUT/comparison.csv, OUT/table.txt and OUT/errors.png (with its
# gnuplot script, data inline, OUT/errors.gp).
#
# Usage: compare.sh [OUT]   (default results/wifi_ns3). Needs a built ringtmp tree (build/).
# Env: PLATFORMS  the profiles to simulate (default platforms/), e.g. a changed copy.
# A minute or so: the simulator is fast.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/wifi_ns3}
bin=$root/build/experiments/wifi_ns3/sim_patterns
platforms=${PLATFORMS:-$root/platforms}
[ -f "$out/ns3.csv" ] || { echo "compare.sh: no $out/ns3.csv (run run.sh first)" >&2; exit 1; }
cmake --build "$root/build" --target sim_patterns -j 2 >/dev/null

. "$here/sim_cases.sh"
sim_cases "$bin" "$out/ns3.csv" "$platforms" '.*' >"$out/sim.csv"

python3 "$here/compare.py" "$out/ns3.csv" "$out/sim.csv" "$out"

echo "wrote $out/sim.csv, comparison.csv, table.txt, errors.png"
