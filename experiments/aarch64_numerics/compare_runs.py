#!/usr/bin/env python3
"""How far apart are two run folders' loss traces? Reads RUN/iterations.csv (columns by
name) and RUN/summary.json of each; prints the relative loss difference |b - a| / |a| per
iteration at a few iterations, its maximum and where, the first iteration that differs,
and the test accuracies. Used for aarch64 (under qemu) against x86-64 (native):

    compare_runs.py X86_RUN AARCH64_RUN [--csv OUT.csv]   (OUT.csv: iteration,loss_a,loss_b,rel_diff)

Exit 1 if the folders do not hold the same iterations.
"""
import csv, json, os, sys

def trace(run):
    with open(os.path.join(run, "iterations.csv")) as f:
        return {int(r["iteration"]): float(r["loss"]) for r in csv.DictReader(f)}

def accuracy(run):
    try:
        with open(os.path.join(run, "summary.json")) as f:
            return json.load(f).get("test_accuracy")
    except (OSError, ValueError):
        return None

def main(argv):
    args = [a for a in argv[1:] if a != "--csv"]
    out = argv[argv.index("--csv") + 1] if "--csv" in argv else None
    if out: args.remove(out)
    if len(args) != 2:
        sys.exit(__doc__)
    try:
        a, b = trace(args[0]), trace(args[1])
    except (OSError, KeyError, ValueError) as e:
        print(f"compare_runs: cannot read a loss trace: {e}", file=sys.stderr)
        return 1
    if sorted(a) != sorted(b) or not a:
        print(f"compare_runs: the runs hold different iterations ({len(a)} vs {len(b)})", file=sys.stderr)
        return 1
    its = sorted(a)
    rel = {i: abs(b[i] - a[i]) / abs(a[i]) if a[i] else float(b[i] != a[i]) for i in its}
    first = next((i for i in its if a[i] != b[i]), None)
    print(f"first iteration whose loss differs: {first if first else 'none'}"
          + (f" ({a[first]!r} vs {b[first]!r})" if first else ""))
    for i in sorted({1, 10, 100, its[-1]} & set(its)):
        print(f"iteration {i:4}: loss {a[i]:.10f} vs {b[i]:.10f}  rel. diff {rel[i]:.2e}")
    worst = max(its, key=lambda i: rel[i])
    print(f"max relative loss difference over {len(its)} iterations: {rel[worst]:.2e} (iteration {worst})")
    for upto in (10, 100):
        if upto < its[-1]:
            print(f"  within the first {upto}: {max(rel[i] for i in its if i <= upto):.2e}")
    tail = its[-10:]
    print(f"mean loss of the last {len(tail)} iterations: {sum(a[i] for i in tail) / len(tail):.6f}"
          f" vs {sum(b[i] for i in tail) / len(tail):.6f}")
    acc_a, acc_b = accuracy(args[0]), accuracy(args[1])
    if acc_a is not None and acc_b is not None:
        print(f"test accuracy: {100 * acc_a:.2f}% vs {100 * acc_b:.2f}% ({100 * (acc_b - acc_a):+.2f} points)")
    if out:
        with open(out, "w") as f:
            f.write("iteration,loss_a,loss_b,rel_diff\n")
            for i in its:
                f.write(f"{i},{a[i]!r},{b[i]!r},{rel[i]!r}\n")
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv))
