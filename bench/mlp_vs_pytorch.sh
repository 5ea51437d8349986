#!/usr/bin/env bash
# Question: on one core, does `ringtmp train` (local) train the Fashion-MNIST MLP at least
# 3x faster than PyTorch on the identical setup, to the same test accuracy (within 1
# point), and how close does it come to the ceiling set by its GEMMs alone?
#
#   bench/mlp_vs_pytorch.sh [--layers 784,256,128,10] [--batch 64] [--lr 0.05] [--epochs 1] [--seed 1]
#                           [--repeat 3]
#
# Speeds are the best of --repeat interleaved runs: on a shared 2-core machine one run can
# lose a third of its speed to a neighbour, and the best run is the least disturbed one.
# Accuracies come from the first run (both sides are seeded and deterministic).
#
# PyTorch is Debian's python3-torch, whose GEMMs are whatever libblas.so.3 the system
# links. Debian's default is the netlib reference BLAS, ~25x slower here than a tuned one,
# which would make PyTorch a straw man; so when OpenBLAS is installed (libopenblas0-serial)
# we point PyTorch at it (TORCH_BLAS=system keeps the system's choice). OpenBLAS 0.3.21
# does not recognise a hypervisor-masked CPU model ("Intel Xeon Processor") and falls back
# to its SSE3 Prescott kernels, ~2.5x slower again; so unless OPENBLAS_CORETYPE is set we
# pick the kernel from the CPU flags, as it would on a CPU it knows. PYTHON overrides the
# interpreter (default /usr/bin/python3: Debian's torch is not in a pyenv/venv python).
set -euo pipefail
cd "$(dirname "$0")/.."

layers=784,256,128,10 batch=64 lr=0.05 epochs=1 seed=1 repeat=3
while [ $# -gt 0 ]; do
  case "$1" in
    --layers) layers=$2 ;; --batch) batch=$2 ;; --lr) lr=$2 ;;
    --epochs) epochs=$2 ;; --seed) seed=$2 ;; --repeat) repeat=$2 ;;
    *) echo "usage: $0 [--layers L] [--batch B] [--lr LR] [--epochs E] [--seed S] [--repeat N]" >&2
       exit 2 ;;
  esac
  shift 2
done
py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source bench/build_quietly.sh  # ringtmp, gemm_ceiling

source bench/pytorch_env.sh  # torch_env, torch_blas

for i in $(seq "$repeat"); do
  ./build/cli/ringtmp train --layers "$layers" --batch "$batch" --lr "$lr" --epochs "$epochs" \
    --seed "$seed" --out "$tmp/ringtmp$i" >/dev/null
  "${torch_env[@]}" "$py" bench/pytorch_reference.py --layers "$layers" --batch "$batch" --lr "$lr" \
    --epochs "$epochs" --seed "$seed" >"$tmp/pytorch$i.json"
done
./build/bench/gemm_ceiling --layers "$layers" --batch "$batch" --seconds 2 >"$tmp/gemm.txt"

"$py" - "$tmp" "$torch_blas" "$repeat" <<'EOF'
import json, sys
tmp, blas, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def best(paths):  # first run's record, with the fastest run's speed
    runs = [json.load(open(f)) for f in paths]
    return {**runs[0], "samples_per_second": max(x["samples_per_second"] for x in runs)}
r = best(f"{tmp}/ringtmp{i}/summary.json" for i in range(1, n + 1))
p = best(f"{tmp}/pytorch{i}.json" for i in range(1, n + 1))
g = dict(l.split() for l in open(f"{tmp}/gemm.txt") if l.startswith(("gflops ", "samples_per_second ")))
ratio = r["samples_per_second"] / p["samples_per_second"]
diff = 100 * (r["test_accuracy"] - p["test_accuracy"])
ceil = float(g["samples_per_second"])
ok = lambda b: "ok" if b else "MISS"
print(f"{'':22}{'ringtmp':>10}{'PyTorch':>10}")
print(f"{'samples/s':22}{r['samples_per_second']:10.0f}{p['samples_per_second']:10.0f}"
      f"   ratio {ratio:.2f}x (target >= 3x: {ok(ratio >= 3)})")
print(f"{'test accuracy %':22}{100*r['test_accuracy']:10.2f}{100*p['test_accuracy']:10.2f}"
      f"   diff {diff:+.2f} points (target within 1: {ok(abs(diff) <= 1)})")
print(f"{'GEMM ceiling samples/s':22}{ceil:10.0f}{'':10}   ({g['gflops']} GFLOP/s);"
      f" ringtmp at {100 * r['samples_per_second'] / ceil:.0f}% of it")
print(f"speeds: best of {n} runs; PyTorch {p['torch']}, {p['threads']} thread, BLAS: {blas}")
EOF
