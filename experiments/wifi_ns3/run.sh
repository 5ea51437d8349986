#!/usr/bin/env bash
# Question: how long do our traffic patterns take on a packet-level 802.11 model (ns-3 3.37)? The reference
# the project's SimGrid Wi-Fi model is checked against. Runs wifi_ns3_patterns (ns3_patterns.cc) over:
#   pingpong, stream: N = 2, S in {1K, 4K, 16K, 64K, 256K, 1M, 4M, 8M}, 5 rounds (stream: 5 messages)
#   ring, ps, allreduce: N in {2, 4, 8, 16, 24} x S in {1K, 16K, 256K, 1M, 8M}, 3 rounds (2 where N >= 16
#     and S >= 256K), except what the 10-minute budget drops (see dropped() below: S = 8M for N >= 8, and
#     S = 1M for ps and allreduce at N = 24)
# for both 802.11n (2.4 GHz, 20 MHz, HtMcs5) and 802.11ac (5 GHz, 40 MHz, VhtMcs5; see radio_of). Sizes are
# binary (1K = 1024 bytes).
# Writes OUT/ns3.csv (one row per round) and OUT/ns3.log (each run's stderr summary and the total time).
#
# Usage: run.sh [OUT]   (default results/wifi_ns3). Needs Debian's libns3-dev and pkg-config.
# Env: WIFI_NS3_BUILD_DIR  build directory (default build/): uses the wifi_ns3_patterns target of a top-level
#                          build there, or configures experiments/wifi_ns3 standalone in it if it is empty
#      WIFI_NS3_JOBS       simulations run at once (default 2: one per core)
# Time: 251 s for the 160 simulations on this 2-core machine when free (~470 CPU seconds; each simulation
# is single-threaded; 139 s without the radio energy model, which does not change the times), plus ~20 s
# to build; budget 10 minutes, leaving room for other load on the cores (beside a full test run: 21 min).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/results/wifi_ns3}
build=${WIFI_NS3_BUILD_DIR:-$root/build}
jobs=${WIFI_NS3_JOBS:-2}

find_binary() {
  for candidate in "$build/experiments/wifi_ns3/wifi_ns3_patterns" "$build/wifi_ns3_patterns" \
                   "$build/wifi_ns3/wifi_ns3_patterns"; do
    if [[ -x $candidate ]]; then echo "$candidate"; return 0; fi
  done
  return 1
}

# Build if needed: as a target of an existing top-level build (one whose CMakeLists adds this folder), else
# as a standalone project, in $build itself if it is empty or ours, or in $build/wifi_ns3 beside another one.
build_standalone() {  # build dir
  cmake -S "$here" -B "$1" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$1" -j "$jobs"
}
if ! bin=$(find_binary); then
  if [[ -f $build/CMakeCache.txt ]] && ! grep -q "^CMAKE_HOME_DIRECTORY:INTERNAL=$here\$" "$build/CMakeCache.txt"; then
    if grep -q "wifi_ns3_patterns" "$build/Makefile" "$build/build.ninja" 2>/dev/null; then
      cmake --build "$build" --target wifi_ns3_patterns -j "$jobs"
    else
      build_standalone "$build/wifi_ns3"
    fi
  else
    build_standalone "$build"
  fi
  bin=$(find_binary)
fi

bytes_of() {  # 1K -> 1024, 8M -> 8388608
  case $1 in
    *K) echo $(( ${1%K} * 1024 )) ;;
    *M) echo $(( ${1%M} * 1024 * 1024 )) ;;
    *) echo "$1" ;;
  esac
}

# What the 10-minute budget drops. A simulation's CPU time grows with the bytes it moves times the number of
# radios that hear each frame (N + 1), and ps/allreduce move ~2N x S per round: ps at N = 24, S = 8M would
# take ~7 CPU minutes per round and standard. Kept instead: every size up to 1M at N <= 16, 8M up to N = 4.
dropped() {  # pattern stations size
  [[ $3 == 8M && $2 -ge 8 ]] && return 0
  [[ $3 == 1M && $2 -ge 24 && $1 != ring ]] && return 0
  return 1
}

# Rounds of a collective: 3, but 2 for the largest kept runs (N >= 16 with S >= 256K, each 20-60 CPU seconds
# a round), which leaves room for the machine's other load within the 10 minutes.
collective_rounds() {  # stations size
  if [[ $1 -ge 16 && ( $2 == 256K || $2 == 1M || $2 == 8M ) ]]; then echo 2; else echo 3; fi
}

# Estimated cost (application megabytes x rounds x radios) to start the longest simulations first, so the
# two workers finish together.
cost_of() {  # pattern stations bytes rounds
  awk -v p="$1" -v n="$2" -v s="$3" -v r="$4" 'BEGIN {
    per_round = (p == "ring") ? n * s : (p == "pingpong") ? 2 * s : (p == "stream") ? s : 2 * (n - 1) * s
    printf "%d\n", per_round / 1048576 * r * (n + 1) * 1000 }'
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
list=$work/jobs
: >"$list"
add_job() {  # standard pattern stations size rounds
  local bytes
  bytes=$(bytes_of "$4")
  echo "$(cost_of "$2" "$3" "$bytes" "$5") $1 $2 $3 $bytes $5" >>"$list"
}
for standard in n ac; do
  for size in 1K 4K 16K 64K 256K 1M 4M 8M; do
    add_job $standard pingpong 2 $size 5
    add_job $standard stream 2 $size 5
  done
  for pattern in ring ps allreduce; do
    for stations in 2 4 8 16 24; do
      for size in 1K 16K 256K 1M 8M; do
        dropped $pattern $stations $size ||
          add_job $standard $pattern $stations $size "$(collective_rounds $stations $size)"
      done
    done
  done
done

# The radio: the PHY rate whose single-link TCP goodput in ns-3 is the profile's measured one, so
# that what the comparison tests is the model's structure (message sizes, contention, patterns),
# not a radio's top rate. 802.11n: HtMcs5 on 20 MHz carries 40.5 Mbit/s per hop (1 MB ping-pong;
# wifi-n.ini: 42); 802.11ac: VhtMcs5 on 40 MHz, 78.8 (wifi-ac.ini: 77, a Pi 4B measured). The top
# rates (HtMcs7 20 MHz, VhtMcs9 80 MHz) carry 50 and ~260: an ideal radio, not a Pi's.
radio_of() {  # standard
  case $1 in
    n) echo "--mcs 5" ;;
    ac) echo "--width 40 --mcs 5" ;;
  esac
}

# One simulation; a stuck one is stopped after 15 minutes. --foreground keeps it in the script's process
# group, so interrupting run.sh stops the simulations too.
run_one() {  # cost standard pattern stations bytes rounds
  local name="$3-$2-n$4-s$5"
  # shellcheck disable=SC2046
  if timeout --foreground 900 "$bin" --standard "$2" $(radio_of "$2") --pattern "$3" --stations "$4" --bytes "$5" \
      --rounds "$6" \
      >"$work/$name.csv" 2>"$work/$name.err"; then
    cat "$work/$name.err"
  else
    echo "FAILED: $name (exit $?)"; cat "$work/$name.err"
  fi
}
export -f run_one radio_of
export bin work

mkdir -p "$out"
start=$(date +%s)
sort -k1,1nr "$list" | xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _ >"$out/ns3.log" 2>&1
seconds=$(( $(date +%s) - start ))

echo "pattern,standard,stations,bytes,round,seconds,goodput_bps,radio_joules_mean" >"$out/ns3.csv"
for csv in "$work"/*.csv; do tail -n +2 "$csv"; done | sort -t, -k1,1 -k2,2 -k3,3n -k4,4n -k5,5n >>"$out/ns3.csv"
runs=$(wc -l <"$list")
failed=$(grep -c '^FAILED' "$out/ns3.log" || true)
echo "$runs simulations ($failed failed) in $seconds s with $jobs at a time" | tee -a "$out/ns3.log"
echo "wrote $out/ns3.csv and ns3.log"
[[ $failed -eq 0 ]]
