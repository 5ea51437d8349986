#!/usr/bin/env bash
# Question: what does a device's failure cost each strategy, when it stays dead (kill) and
# when it comes back with its memory gone, as a Pi after a power blip (pause: it rejoins)?
# Loss against simulated time with the failure, its detection and the rejoin marked; the
# work redone, the bytes spent, and the throughput before, during and after.
# Each strategy's fault strikes node 1 (a ring stage, a ps worker, an all-reduce worker) at a
# third of its fault-free run; a pause lasts a sixth of it (far above the 2.5 s failure
# timeout). The ps server's fault is its own row (node 5: ps with 2 servers, rank 4 and 5).
# Usage: run.sh [OUT] [CONFIG]   (default results/faults, config.ini). Needs a built
# ringtmp; ~40 s. Writes OUT/runs/<strategy>-<case>/ run folders, OUT/faults.csv,
# OUT/table.txt and OUT/loss.png.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/build/cli/ringtmp
out=${1:-$root/results/faults}
config=${2:-$here/config.ini}
runs=$out/runs
mkdir -p "$runs"

declare -A flags=(
  [ring-1f1b]="--strategy ring --schedule 1f1b"
  [ring-snapshots]="--strategy ring --schedule 1f1b --replica-every 10"
  [ring-async]="--strategy ring --schedule async"
  [ps-bsp]="--strategy ps --ps-mode bsp --servers 2"
  [ps-bsp-server]="--strategy ps --ps-mode bsp --servers 2"
  [ps-asp]="--strategy ps --ps-mode asp --servers 2 --server-replicas 0"
  [allreduce]="--strategy allreduce"
)
declare -A victim=([ring-1f1b]=1 [ring-snapshots]=1 [ring-async]=1 [ps-bsp]=1 [ps-bsp-server]=5 [ps-asp]=1
                   [allreduce]=1)
names=(ring-1f1b ring-snapshots ring-async ps-bsp ps-bsp-server ps-asp allreduce)

sim() {  # sim NAME CASE [FAULTS]
  local name=$1 case=$2 faults=${3:-}
  # shellcheck disable=SC2086
  if ! "$bin" sim --config "$config" ${flags[$name]} ${faults:+--faults $faults} --out "$runs/$name-$case" \
       --overwrite >"$runs/$name-$case.log" 2>&1; then
    echo "$name $case failed:" >&2
    cat "$runs/$name-$case.log" >&2
    return 1
  fi
}
seconds() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['sim_seconds'])" "$1"; }

echo "simulating ${names[*]}: fault-free, kill and pause (rejoin), config $config"
for name in "${names[@]}"; do
  sim "$name" clean &
  [ "$(jobs -pr | wc -l)" -lt 2 ] || wait -n
done
wait
for name in "${names[@]}"; do
  end=$(seconds "$runs/$name-clean/summary.json")
  at=$(python3 -c "print(f'{$end/3:.3f}')")
  off=$(python3 -c "print(f'{$end/6:.3f}')")
  sim "$name" kill "kill:${victim[$name]}@$at" &
  sim "$name" pause "pause:${victim[$name]}@$at+$off" &
  wait
done

python3 "$here/report.py" "$out" "${names[@]}" | tee "$out/table.txt"

# One panel per strategy: fault-free, kill and pause; the pause's failure, detection and
# rejoin as vertical lines.
python3 "$here/report.py" --figure "$out" "${names[@]}"
echo "figure: $out/loss.png"
