#!/usr/bin/env bash
# Fits the Wi-Fi profiles' air_latency_s and air_efficiency to ns-3 (fit.py says how): runs
# the ring and ping-pong cases of OUT/ns3.csv through sim_patterns on a copy of platforms/
# without air_efficiency (no contention loss), then prints each profile's fitted lines.
#
# Usage: fit.sh [OUT]   (default results/wifi_ns3, with ns3.csv from run.sh). Needs build/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/wifi_ns3}
bin=$root/build/experiments/wifi_ns3/sim_patterns
[ -f "$out/ns3.csv" ] || { echo "fit.sh: no $out/ns3.csv (run run.sh first)" >&2; exit 1; }
cmake --build "$root/build" --target sim_patterns -j 2 >/dev/null
lossless=$(mktemp -d)
trap 'rm -rf "$lossless"' EXIT
cp -r "$root/platforms/." "$lossless/"
sed -i '/^air_efficiency/d' "$lossless"/networks/wifi-*.ini

. "$here/sim_cases.sh"
sim_cases "$bin" "$out/ns3.csv" "$lossless" 'ring|pingpong' >"$lossless/sim.csv"
for standard in n ac; do
  echo "== platforms/networks/wifi-$standard.ini"
  python3 "$here/fit.py" "$out/ns3.csv" "$lossless/sim.csv" "$root/platforms/networks/wifi-$standard.ini" "$standard"
done
