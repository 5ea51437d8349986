#!/usr/bin/env bash
# Question: how far apart are the numbers of an aarch64 build (a Raspberry Pi) and an x86-64
# build for the README's main config? Its numerics equal `local` SGD on the same global
# batch, so we run `local` with experiments/sim_compare/config.ini's layers, batch, lr, seed
# and iterations: natively (x86-64-v3) and cross-built for arm64 under qemu-aarch64, the same
# driver (local_trace.cpp) and the same core sources on both sides, and compare the loss
# traces and the test accuracy. Not in ctest: it cross-builds the core and emulates
# minutes of training.
#
#   experiments/aarch64_numerics/run.sh [OUT]   (default build/aarch64_numerics)
#
# Needs g++-aarch64-linux-gnu, qemu-user and the arm64 libraries the core links (fmt, zlib);
# as root it installs them (adding the arm64 architecture to dpkg), otherwise it names them.
# Writes OUT/x86_64.csv, OUT/aarch64.csv and prints the comparison.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/build/aarch64_numerics}
mkdir -p "$out"
config=$root/experiments/sim_compare/config.ini
data=/usr/share/datasets/fashion-mnist

need=()
command -v aarch64-linux-gnu-g++ >/dev/null || need+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
[ -e /usr/lib/aarch64-linux-gnu/libfmt.so ] || need+=(libfmt-dev:arm64)
[ -e /usr/lib/aarch64-linux-gnu/libz.so ] || need+=(zlib1g-dev:arm64)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "aarch64_numerics: missing ${need[*]}; as root: dpkg --add-architecture arm64 &&" \
      "apt-get update && apt-get install ${need[*]}" >&2
    exit 1
  fi
  echo "aarch64_numerics: installing ${need[*]}"
  dpkg --add-architecture arm64
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -d "$data" ] || { echo "aarch64_numerics: no Fashion-MNIST in $data (scripts/install-deps.sh)" >&2; exit 1; }

key() { sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "$config"; }
layers=$(key layers) batch=$(key batch) lr=$(key lr) iterations=$(key iterations) seed=$(key seed)

# The project's Release flags (CMakeLists.txt): x86-64-v3 on x86, the compiler's default
# (armv8-a with NEON) on aarch64, as a Pi build on the device gets.
sources=$(find "$root/core" -name '*.cpp' | sort)
common=(-std=c++20 -O3 -DNDEBUG -I"$root" -I/usr/include/eigen3
        -DRINGTMP_PLATFORMS_DIR="\"$root/platforms\"" "$here/local_trace.cpp")
echo "building local_trace for x86-64-v3 and aarch64 (two compilers in parallel)"
# shellcheck disable=SC2086
g++ -march=x86-64-v3 "${common[@]}" $sources -lfmt -lz -pthread -o "$out/local_trace_x86_64" &
x86=$!
# shellcheck disable=SC2086
aarch64-linux-gnu-g++ "${common[@]}" $sources -lfmt -lz -pthread -o "$out/local_trace_aarch64"
wait "$x86"

args=("$data" "$layers" "$batch" "$lr" "$iterations" "$seed")
echo "local: layers $layers, batch $batch, lr $lr, $iterations iterations, seed $seed"
t0=$(date +%s)
"$out/local_trace_x86_64" "${args[@]}" >"$out/x86_64.csv"
t1=$(date +%s)
qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/local_trace_aarch64" "${args[@]}" >"$out/aarch64.csv"
t2=$(date +%s)
echo "x86-64 native $((t1 - t0)) s, aarch64 under qemu $((t2 - t1)) s"

# The driver must be `ringtmp train --strategy local` to the bit, else we compare the wrong thing.
bin=$root/build/cli/ringtmp
if [ -x "$bin" ]; then
  "$bin" train --strategy local --layers "$layers" --batch "$batch" --lr "$lr" \
    --iterations "$iterations" --seed "$seed" --data-dir "$data" --out "$out/train" >/dev/null
fi

python3 - "$out" <<'EOF'
import csv, json, os, sys
out = sys.argv[1]
def trace(path):
    rows = list(csv.reader(open(path)))
    losses = {int(r[0]): float(r[1]) for r in rows[1:] if r[0] != "test_accuracy"}
    acc = float(next(r[1] for r in rows if r[0] == "test_accuracy"))
    return losses, acc
x, xacc = trace(f"{out}/x86_64.csv")
a, aacc = trace(f"{out}/aarch64.csv")
train = f"{out}/train/iterations.csv"
if os.path.exists(train):
    t = {int(r["iteration"]): float(r["loss"]) for r in csv.DictReader(open(train))}
    tacc = json.load(open(f"{out}/train/summary.json"))["test_accuracy"]
    same = t == x and tacc == xacc
    print(f"x86-64 driver vs `ringtmp train --strategy local`: {'bit-identical' if same else 'DIFFERENT'}")
    if not same: sys.exit(1)
its = sorted(x)
first = next((i for i in its if x[i] != a[i]), None)
rel = [abs(a[i] - x[i]) / abs(x[i]) for i in its]
print(f"first iteration whose loss differs: {first if first else 'none'}"
      + (f" ({x[first]!r} vs {a[first]!r})" if first else ""))
for i in [1, 10, 100, its[-1]]:
    if i in x:
        print(f"iteration {i:4}: loss x86-64 {x[i]:.10f}  aarch64 {a[i]:.10f}  rel. diff {rel[i - 1]:.2e}")
print(f"largest relative loss difference over {len(its)} iterations: {max(rel):.2e}")
print(f"mean loss of the last 10 iterations: x86-64 {sum(x[i] for i in its[-10:]) / 10:.6f}"
      f"  aarch64 {sum(a[i] for i in its[-10:]) / 10:.6f}")
print(f"test accuracy: x86-64 {100 * xacc:.2f}%  aarch64 {100 * aacc:.2f}%"
      f"  ({100 * (aacc - xacc):+.2f} points)")
EOF
