#!/usr/bin/env bash
# Installs the Debian packages ringtmp needs, skipping what is present. Idempotent: both
# README commands call it first, so a fresh Debian 12 machine needs nothing else.
#
#   install-deps.sh                  everything: simulator, tests, benchmarks, figures, fuzzing
#   install-deps.sh --device         a device (a Pi on Raspberry Pi OS bookworm or Debian 12)
#                                    building and running the runtime (-DRINGTMP_DEVICE=ON):
#                                    compiler, cmake, the runtime's libraries; no SimGrid,
#                                    doctest, PyTorch, clang, gnuplot or ns-3
#   install-deps.sh --device --dataset   the same and Fashion-MNIST (dataset-fashion-mnist,
#                                    ~30 MB), for runs that train on it rather than --dataset synthetic
#   install-deps.sh --print [...]    prints the packages it would install, one a line,
#                                    installing nothing (scripts/cross-arm64.sh takes the
#                                    device's -dev libraries for arm64 from it)
set -euo pipefail

# What a device builds and runs ringtmp with.
device_tools=(build-essential cmake pkg-config git)
device_libraries=(
  libeigen3-dev libfmt-dev zlib1g-dev
  libboost-program-options-dev libboost-dev   # Boost.Asio: the runtime's sockets
  libsodium-dev                               # the runtime's authentication
)
# The rest of the project: simulator, tests, the PyTorch reference, figures, ns-3, fuzzing.
full_only=(
  libsimgrid-dev
  doctest-dev
  dataset-fashion-mnist
  python3 python3-torch python3-numpy libopenblas0-serial
  gnuplot-nox iproute2 openssh-server openssh-client
  libns3-dev
  clang-14 libclang-rt-14-dev
)

device=0 dataset=0 print=0
for arg in "$@"; do
  case $arg in
    --device) device=1 ;;
    --dataset) dataset=1 ;;
    --print) print=1 ;;
    *) echo "install-deps: unknown option '$arg' (--device, --dataset, --print)" >&2; exit 2 ;;
  esac
done
if [ $device -eq 0 ] && [ $dataset -eq 1 ]; then
  echo "install-deps: --dataset goes with --device (the full set has the dataset)" >&2
  exit 2
fi

packages=("${device_tools[@]}" "${device_libraries[@]}")
if [ $device -eq 0 ]; then
  packages+=("${full_only[@]}")
elif [ $dataset -eq 1 ]; then
  packages+=(dataset-fashion-mnist)
fi
if [ $print -eq 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
