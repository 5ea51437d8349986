#!/usr/bin/env bash
# Installs every Debian package ringtmp needs, skipping what is present. Idempotent:
# both README commands call it first, so a fresh Debian 12 machine needs nothing else.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libeigen3-dev libfmt-dev zlib1g-dev
  libboost-program-options-dev libboost-dev
  libsimgrid-dev libsodium-dev
  doctest-dev
  dataset-fashion-mnist
  python3 python3-torch python3-numpy libopenblas0-serial
  gnuplot-nox iproute2 openssh-server openssh-client
  libns3-dev
  clang-14 libclang-rt-14-dev
)

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
