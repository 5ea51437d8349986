# Sourced by the PyTorch comparisons (bench/*_vs_pytorch.sh): the environment PyTorch runs
# in, `torch_env` (a command prefix) and `torch_blas` (what it says about the BLAS). Why each
# choice: bench/mlp_vs_pytorch.sh's header.
ma=$(gcc -print-multiarch)
torch_env=(env OPENBLAS_NUM_THREADS=1)  # single core, whatever BLAS gets loaded
torch_blas="system ($(readlink -f "/usr/lib/$ma/libblas.so.3"))"
if [ "${TORCH_BLAS:-auto}" != system ]; then
  for d in openblas-serial openblas-pthread; do
    if [ -e "/usr/lib/$ma/$d/libblas.so.3" ]; then
      torch_env+=(LD_LIBRARY_PATH="/usr/lib/$ma/$d"); torch_blas=$d; break
    fi
  done
fi
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
  case "$flags" in
    *avx512bw*) OPENBLAS_CORETYPE=SkylakeX ;;
    *avx2*) OPENBLAS_CORETYPE=Haswell ;;
  esac
fi
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
  torch_env+=(OPENBLAS_CORETYPE="$OPENBLAS_CORETYPE")
  case "$torch_blas" in openblas*) torch_blas+=" $OPENBLAS_CORETYPE" ;; esac
fi
case "$torch_blas" in */blas/libblas.so.3*) echo "warning: PyTorch runs on the netlib" \
  "reference BLAS; install libopenblas0-serial for a fair baseline" >&2 ;; esac

