#!/usr/bin/env bash
# ringtmp for aarch64 (a Raspberry Pi on 64-bit Raspberry Pi OS bookworm / Debian 12 arm64),
# cross-built on this x86-64 Debian 12 machine and checked under qemu-user. Not part of CI
# (tens of minutes: everything runs emulated). Steps:
#   1. installs what it needs (idempotent, like install-deps.sh; root or sudo): the arm64
#      architecture in dpkg, g++-aarch64-linux-gnu, qemu-user(-binfmt), and the :arm64 -dev
#      libraries of `install-deps.sh --device`;
#   2. checks that every package `install-deps.sh --device --dataset` names exists for arm64
#      in this apt (Debian 12, what Raspberry Pi OS bookworm is built on);
#   3. builds with cmake/aarch64-linux-gnu.cmake into build-arm64/: the full suite if
#      libsimgrid-dev:arm64 can sit beside the host's libsimgrid-dev (in Debian 12 it cannot:
#      not Multi-Arch: same), else -DRINGTMP_WITH_SIM=OFF with every test that needs no
#      simulator, and runs them under qemu-aarch64 (ctest);
#   4. runs `ringtmp launch --local 2` under qemu (its nodes are arm64 processes it spawns,
#      so binfmt_misc must hand them to qemu: registered here if the kernel allows);
#   5. builds the arm64 .deb (cpack) and runs the unpacked binary's --version and a train.
# Usage: scripts/cross-arm64.sh [--no-tests]   (--no-tests: skip step 3's ctest, the slow part)
# Writes build-arm64/ (binary, ringtmp_<version>_arm64.deb) and build-arm64/checks/ (logs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
run_tests=1
for arg in "$@"; do
  case $arg in
    --no-tests) run_tests=0 ;;
    *) echo "cross-arm64: unknown option '$arg' (--no-tests)" >&2; exit 2 ;;
  esac
done
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
say() { echo "cross-arm64: $*"; }

# 1. Packages.
device_packages=$(bash scripts/install-deps.sh --device --dataset --print)
arm64_libraries=()
for p in $device_packages; do
  case $p in
    libeigen3-dev) ;;                      # headers only, Architecture: all
    *-dev) arm64_libraries+=("$p:arm64") ;;
  esac
done
wanted=(g++-aarch64-linux-gnu qemu-user qemu-user-binfmt cmake pkg-config libeigen3-dev doctest-dev
        dataset-fashion-mnist dpkg-dev "${arm64_libraries[@]}")
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  say "adding the arm64 architecture to dpkg"
  $sudo dpkg --add-architecture arm64
  $sudo apt-get update -qq
fi
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. The device's package names on arm64 (an Architecture: all package serves every arch).
absent=()
for p in $device_packages; do
  apt-cache show --no-all-versions "$p:arm64" >/dev/null 2>&1 && continue
  [ "$(apt-cache show --no-all-versions "$p" 2>/dev/null | sed -n 's/^Architecture: //p')" = all ] || absent+=("$p")
done
[ ${#absent[@]} -eq 0 ] || { say "not in apt for arm64: ${absent[*]}"; exit 1; }
say "every package of install-deps.sh --device --dataset exists for arm64: $(echo $device_packages)"

# 3. Build (and test) for arm64.
with_sim=OFF
plan=$(apt-get install -s --no-install-recommends libsimgrid-dev:arm64 2>/dev/null || true)
if grep -q '^Remv' <<<"$plan"; then
  say "libsimgrid-dev:arm64 would replace the host's libsimgrid-dev: building without the simulator"
elif dpkg-query -W -f='${Status}' libsimgrid-dev:arm64 2>/dev/null | grep -q "install ok installed"; then
  with_sim=ON
fi
build=build-arm64
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake" \
  -DRINGTMP_WITH_SIM=$with_sim -DBUILD_TESTING=ON "${launcher[@]}" >/dev/null
start=$(date +%s)
cmake --build $build -j"${JOBS:-2}"
say "built in $(($(date +%s) - start)) s: $(file -b $build/cli/ringtmp | cut -d, -f1-2)"
mkdir -p $build/checks
if [ $run_tests -eq 1 ]; then
  start=$(date +%s)
  tests_rc=0
  ctest --test-dir $build -j"${JOBS:-2}" --timeout 3000 --output-on-failure >$build/checks/ctest.log 2>&1 || tests_rc=$?
  tail -15 $build/checks/ctest.log
  say "tests under qemu-aarch64 in $(($(date +%s) - start)) s, ctest exit $tests_rc (log: $build/checks/ctest.log)"
fi

# 4. launch --local 2: the launcher spawns its nodes itself, so the kernel must run arm64 ELFs.
bin=$root/$build/cli/ringtmp
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] || $sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  [ -w /proc/sys/fs/binfmt_misc/register ] && [ -f /usr/lib/binfmt.d/qemu-aarch64.conf ] &&
    $sudo sh -c 'cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register' 2>/dev/null || true
fi
if [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  "$bin" launch --local 2 --strategy ring --nodes 2 --microbatches 2 --dataset synthetic --layers 32,64,10 \
    --iterations 20 --synthetic-train 512 --synthetic-test 64 --out $build/checks/launch --overwrite \
    >$build/checks/launch.log 2>&1 || { cat $build/checks/launch.log; say "launch --local 2 failed under qemu"; exit 1; }
  say "launch --local 2 under qemu-aarch64 (binfmt): $(grep -c . $build/checks/launch/iterations.csv) lines in iterations.csv"
else
  say "NOT CHECKED: launch --local 2 (binfmt_misc cannot be registered here, so spawned arm64 nodes cannot run)"
fi

# 5. The arm64 package, unpacked and run.
(cd $build && cpack -G DEB -B "$root/$build/package" >checks/cpack.log 2>&1) || { cat $build/checks/cpack.log; exit 1; }
deb=$(ls $build/package/ringtmp_*_arm64.deb)
rm -rf $build/checks/deb-root
dpkg -x "$deb" $build/checks/deb-root
qemu-aarch64 $build/checks/deb-root/usr/bin/ringtmp --version
qemu-aarch64 $build/checks/deb-root/usr/bin/ringtmp train --strategy local --dataset synthetic \
  --layers 32,64,10 --iterations 5 --synthetic-train 256 --synthetic-test 16 --out $build/checks/deb-train --overwrite >/dev/null
say "$deb (Depends: $(dpkg-deb -f "$deb" Depends)) unpacked and run under qemu"
[ "${tests_rc:-0}" -eq 0 ] || { say "some tests failed under qemu (above)"; exit 1; }
