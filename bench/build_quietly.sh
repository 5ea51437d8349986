# Sourced by the benches that need ringtmp and gemm_ceiling built (needs $tmp): build
# quietly. A full build can fail for reasons unrelated to us (another build running in the
# same tree, a half-edited test), so then fall back to the two targets we need.
if ! bash scripts/build.sh >"$tmp/build.log" 2>&1; then
  cmake --build build --target ringtmp gemm_ceiling >>"$tmp/build.log" 2>&1 \
    || { tail -30 "$tmp/build.log" >&2; exit 1; }
  echo "note: full build failed; built ringtmp and gemm_ceiling only" >&2
fi
