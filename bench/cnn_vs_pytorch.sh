#!/usr/bin/env bash
# Question: on one core, does `ringtmp train` (local) train LeNet-5 on Fashion-MNIST at
# least as fast as PyTorch 1.13 (Debian's, whose convolutions are oneDNN's) on the identical
# network and setup, to the same test accuracy (within 1 point), and how close does it come
# to the ceiling set by its own GEMMs on the same shapes? Then the same at more threads.
#
#   bench/cnn_vs_pytorch.sh [--model lenet5] [--input 1x28x28] [--batch 64] [--lr 0.05]
#                           [--epochs 1] [--seed 1] [--repeat 8] [--threads 1]
#
# --threads T: both sides on T threads (ringtmp's --threads, torch.set_num_threads). The
# environment of the PyTorch side (BLAS choice, one thread per BLAS call) is
# bench/mlp_vs_pytorch.sh's; see there. Run i uses seed S+i-1: speeds are the best of the
# --repeat interleaved runs, accuracies their mean. One epoch of LeNet-5 spreads over ~4.5
# points from seed to seed on either side (80.5..85.1 here), so a 1-point comparison needs
# several seeds: with 3 the means differed by 1.5 points, with 8 by 0.2.
set -euo pipefail
cd "$(dirname "$0")/.."

model=lenet5 input=1x28x28 batch=64 lr=0.05 epochs=1 seed=1 repeat=8 threads=1
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2 ;; --input) input=$2 ;; --batch) batch=$2 ;; --lr) lr=$2 ;;
    --epochs) epochs=$2 ;; --seed) seed=$2 ;; --repeat) repeat=$2 ;; --threads) threads=$2 ;;
    *) echo "usage: $0 [--model M] [--input CxHxW] [--batch B] [--lr LR] [--epochs E] [--seed S]" \
         "[--repeat N] [--threads T]" >&2
       exit 2 ;;
  esac
  shift 2
done
py=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source bench/build_quietly.sh  # ringtmp, gemm_ceiling
source bench/pytorch_env.sh  # torch_env, torch_blas
torch_env=("${torch_env[@]/OPENBLAS_NUM_THREADS=1/OPENBLAS_NUM_THREADS=$threads}")

thread_flag=()
help=$(./build/cli/ringtmp train --help)  # not piped into grep -q: pipefail would see SIGPIPE
if [[ $help == *--threads* ]]; then thread_flag=(--threads "$threads")
elif [ "$threads" != 1 ]; then echo "this build has no --threads: ringtmp runs on 1 thread" >&2; fi

for i in $(seq "$repeat"); do
  ./build/cli/ringtmp train --model "$model" --input "$input" --batch "$batch" --lr "$lr" --epochs "$epochs" \
    --seed $((seed + i - 1)) "${thread_flag[@]}" --out "$tmp/ringtmp$i" >"$tmp/ringtmp$i.log"
  "${torch_env[@]}" "$py" bench/pytorch_reference.py --model "$model" --input "$input" --batch "$batch" \
    --lr "$lr" --epochs "$epochs" --seed $((seed + i - 1)) --threads "$threads" >"$tmp/pytorch$i.json"
done
./build/bench/gemm_ceiling --model "$model" --input "$input" --batch "$batch" --seconds 2 >"$tmp/gemm.txt"
params=$(grep -o '[0-9]* params' "$tmp/ringtmp1.log" | head -1 | cut -d' ' -f1)

"$py" - "$tmp" "$torch_blas" "$repeat" "$threads" "$model" "$params" <<'PY'
import json, sys
tmp, blas, n, threads, model, params = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
def best(paths):  # the fastest run's speed, the runs' accuracies (one seed each)
    runs = [json.load(open(f)) for f in paths]
    acc = [x["test_accuracy"] for x in runs]
    return {**runs[0], "samples_per_second": max(x["samples_per_second"] for x in runs),
            "test_accuracy": sum(acc) / len(acc), "spread": f"{100 * min(acc):.2f}..{100 * max(acc):.2f}"}
r = best(f"{tmp}/ringtmp{i}/summary.json" for i in range(1, n + 1))
p = best(f"{tmp}/pytorch{i}.json" for i in range(1, n + 1))
g = dict(l.split() for l in open(f"{tmp}/gemm.txt") if l.startswith(("gflops ", "samples_per_second ")))
ratio = r["samples_per_second"] / p["samples_per_second"]
diff = 100 * (r["test_accuracy"] - p["test_accuracy"])
ceil = float(g["samples_per_second"])
ok = lambda b: "ok" if b else "MISS"
print(f"{model}, {threads} thread(s): {params} parameters in ringtmp, {p['params']} in PyTorch"
      f"{'' if params == p['params'] else '  (NOT THE SAME NETWORK)'}")
print(f"{'':22}{'ringtmp':>10}{'PyTorch':>10}")
print(f"{'samples/s':22}{r['samples_per_second']:10.0f}{p['samples_per_second']:10.0f}"
      f"   ratio {ratio:.2f}x (target >= 1x: {ok(ratio >= 1)})")
print(f"{'test accuracy % (mean)':22}{100*r['test_accuracy']:10.2f}{100*p['test_accuracy']:10.2f}"
      f"   diff {diff:+.2f} points (target within 1: {ok(abs(diff) <= 1)})")
print(f"{'  over seeds':22}{r['spread']:>14}{p['spread']:>14}")
print(f"{'GEMM ceiling samples/s':22}{ceil:10.0f}{'':10}   ({g['gflops']} GFLOP/s, 1 thread);"
      f" ringtmp at {100 * r['samples_per_second'] / ceil:.0f}% of it")
print(f"speeds: best of {n} runs, accuracies their mean (seeds {n} from --seed); PyTorch {p['torch']}, {p['threads']} thread(s), BLAS: {blas}")
PY
