#!/usr/bin/env bash
# Question: how far is the simulator's Wi-Fi (SimGrid's flow model with our network
# profiles) from ns-3's packet-level 802.11 on the same traffic? Runs every case of
# OUT/ns3.csv (written by run.sh) through sim_patterns (ringtmp's own SimNetwork and
# platform builder, on wifi-n for 802.11n and wifi-ac for 802.11ac), then compares.
# Writes OUT/sim.csv, OUT/comparison.csv, OUT/table.txt and OUT/errors.png (with its
# OUT/errors-*.dat data).
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

# One panel per pattern: sim / ns-3 against message size, a line per standard and N.
gnuplot <<GP
set terminal pngcairo size 1200,760 font ",9"
set output "$out/errors.png"
set multiplot layout 2,3 title "Simulator vs ns-3 (802.11, TCP through one access point): completion time, sim / ns-3"
set logscale x 2; set logscale y; set grid; set key top right font ",7"
set format x "%.0s%cB"; set xlabel "message size"; set ylabel "sim / ns-3"
set yrange [0.5:100]; set ytics (0.5, 0.8, 1, 1.25, 2, 5, 10, 30, 100)
# A colour per station count, solid for 802.11ac and dashed for 802.11n.
colours = "#1b9e77 #d95f02 #7570b3 #e7298a #66a61e"
stations(t) = t[strstrt(t, "N=") + 2:strlen(t)]
colour(t) = word(colours, stations(t) eq "2" ? 1 : stations(t) eq "4" ? 2 : stations(t) eq "8" ? 3 : \
                 stations(t) eq "16" ? 4 : 5)
do for [p in "pingpong stream ring ps allreduce"] {
  file = "$out/errors-".p.".dat"
  titles = system("cat $out/errors-".p.".titles 2>/dev/null")
  set title p
  if (words(titles) > 0) {
    plot for [i=1:words(titles)] file index (i-1) using 1:(1 + \$2 / 100) with linespoints pt 7 ps 0.5 \
      lc rgb colour(word(titles, i)) dt 1 + (strstrt(word(titles, i), "11n") > 0) title word(titles, i)
  } else { unset key; plot NaN notitle; set key }
}
unset multiplot
GP
echo "wrote $out/sim.csv, comparison.csv, table.txt, errors.png"
