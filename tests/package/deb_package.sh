#!/usr/bin/env bash
# The Debian package (cmake/package.cmake): cpack builds it from the Release build directory,
# dpkg -x unpacks it into a scratch root, and the unpacked ringtmp must run and read the
# profiles the package carries, not the checkout's: a device profile that exists only in the
# unpacked /usr/share/ringtmp/platforms must be found by it and not by the build tree's binary.
# Usage: deb_package.sh BUILD_DIR RINGTMP   (exit 77, a skip in ctest, without cpack or dpkg)
set -u
BUILD=${1:?usage: deb_package.sh BUILD_DIR RINGTMP}
BIN=${2:?usage: deb_package.sh BUILD_DIR RINGTMP}
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "skipped: no $tool (apt-get install cmake dpkg-dev)"; exit 77; }
done
fail() { echo "FAIL: $*"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ringtmp-deb.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$TMP/pkg" >"$TMP/cpack.log" 2>&1 ||
  { cat "$TMP/cpack.log"; fail "cpack -G DEB failed"; }
version=$("$BIN" --version | sed -n 's/^ringtmp \([^ ]*\) .*/\1/p')
arch=$(dpkg --print-architecture)
deb=$TMP/pkg/ringtmp_${version}_${arch}.deb
[ -f "$deb" ] || { ls "$TMP/pkg"; fail "no $(basename "$deb")"; }
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libfmt libsodium libboost-program-options zlib1g libstdc++; do
  [[ $depends == *"$lib"* ]] || fail "Depends has no $lib"
done

root=$TMP/root
dpkg -x "$deb" "$root"
installed=$root/usr/bin/ringtmp
[ -x "$installed" ] || fail "no usr/bin/ringtmp in the package"
[ -f "$root/usr/share/ringtmp/platforms/devices/pi4b.ini" ] || fail "no profiles in usr/share/ringtmp/platforms"
"$installed" --version >"$TMP/version" || fail "ringtmp --version exited $?"
cat "$TMP/version"
grep -qx "profiles: $root/usr/share/ringtmp/platforms" "$TMP/version" ||
  fail "the unpacked binary does not name its own profiles"

# A profile only the package's directory has: the unpacked binary finds it, the build's does not.
cp "$root/usr/share/ringtmp/platforms/devices/pi4b.ini" "$root/usr/share/ringtmp/platforms/devices/deb-only.ini"
SIM=(sim --strategy ring --nodes 2 --microbatches 2 --dataset synthetic --layers 8,16,3 --iterations 3
     --synthetic-train 256 --synthetic-test 16 --device deb-only)
"$installed" "${SIM[@]}" --out "$TMP/run" >"$TMP/sim.log" 2>&1 || { cat "$TMP/sim.log"; fail "the unpacked sim failed"; }
[ -s "$TMP/run/iterations.csv" ] || fail "the unpacked sim wrote no iterations.csv"
"$BIN" "${SIM[@]}" --out "$TMP/checkout-run" >"$TMP/checkout.log" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "deb-only" "$TMP/checkout.log" ||
  { cat "$TMP/checkout.log"; fail "the build tree's binary found deb-only (exit $rc): the test proves nothing"; }
echo "ok: $(basename "$deb") unpacked, ringtmp ran its sim on the package's profiles"
