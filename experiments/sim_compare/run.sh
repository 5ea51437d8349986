#!/usr/bin/env bash
# Question: on 8 simulated Pi 4Bs sharing one 802.11n access point, how do RingTMP (1f1b),
# a parameter server (bsp) and ring all-reduce compare per iteration, in idle time, in
# traffic and in energy, training the same model with the same numerics?
# The same for a CNN (vgg-small, few parameters and large activations): run.sh OUT cnn.ini.
# Usage: run.sh [OUT] [CONFIG]   (default results/runs/compare-<time>, config.ini). Needs a
# built ringtmp. Writes OUT/<strategy>/ run folders, OUT/comparison.csv, OUT/table.txt and
# OUT/loss.png.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/build/cli/ringtmp
out=${1:-$root/results/runs/compare-$(date +%Y%m%d-%H%M%S)}
config=${2:-$here/config.ini}
mkdir -p "$out"
# The model as the figure's title names it: the config's model, else its MLP widths.
model=$(sed -n 's/^model *= *//p' "$config")
[ -n "$model" ] || model="MLP $(sed -n 's/^layers *= *//p' "$config" | tr ',' '-')"

declare -A flags=(
  [ring-1f1b]="--strategy ring --schedule 1f1b"
  [ps-bsp]="--strategy ps --ps-mode bsp --servers 1"
  [allreduce]="--strategy allreduce"
)
names=(ring-1f1b ps-bsp allreduce)

run_one() {
  local name=$1
  # shellcheck disable=SC2086
  if ! "$bin" sim --config "$config" ${flags[$name]} --out "$out/$name" >"$out/$name.log" 2>&1; then
    echo "$name failed:" >&2
    cat "$out/$name.log" >&2
    return 1
  fi
}

echo "simulating ${names[*]}: 8 x pi4b on wifi-n, config $config"
# Two at a time: each simulation is one process on one core.
pids=()
for name in "${names[@]}"; do
  if [ "${#pids[@]}" -ge 2 ]; then wait -n || exit 1; fi
  run_one "$name" &
  pids+=($!)
  pids=($(jobs -pr))
done
for pid in $(jobs -pr); do wait "$pid" || exit 1; done
wait || exit 1
for name in "${names[@]}"; do [ -s "$out/$name/summary.json" ] || { echo "$name wrote no summary" >&2; exit 1; }; done

title="8 x Raspberry Pi 4B on one 802.11n access point (simulated): Fashion-MNIST, $model, batch 64"
python3 "$here/report.py" --title "$title" "$out" "${names[@]}" | tee "$out/table.txt"
echo "figure: $out/loss.png"
