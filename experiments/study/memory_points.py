"""The memory plan beside the kernel's count. maxmodel's answers rest on each node's planned
peak (core/strategy/memory_fit.*), which its timing-only confirmation only checks against the
simulator's own accounting. So the model-size claim carries runtime points: `launch --local`
of each strategy at small N, each node's peak RSS (the kernel's, from wait4) against its plan
plus the process's baseline (the same launch of a tiny model). No root needed. One launch at a
time: N copies of a large model must fit in this machine's memory at once."""
from study import plot, runtime_points

# As maxmodel plans them: rings without shadows, ps with one server (its default replicas).
STRATEGIES = [
    ("ring-1f1b", {"strategy": "ring", "schedule": "1f1b", "microbatches": 4, "replica-every": 0}),
    ("ps-1-server", {"strategy": "ps", "ps-mode": "bsp", "servers": 1}),
    ("allreduce", {"strategy": "allreduce"}),
]
TINY_LAYERS = "784,16,16,16,10"
# A node is checked where its plan is at least this many times the baseline: below that, the
# process's own memory (binary, libraries, allocator) hides the model's.
DOMINANCE = 4
COLUMNS = ["strategy", "n", "node", "role", "planned_bytes", "peak_rss_bytes", "baseline_bytes", "error", "checked"]


def case(study):
    """(the Ns, the model): at the tests' size a small one (the plumbing, no node checked);
    else an MLP of 53 M parameters (214 MB), whose ring stages dominate the baseline at N = 4."""
    return study.pick(tiny=([2], "784,64,64,64,10"),
                      quick=([2, 4], ",".join(["784"] + ["4096"] * 4 + ["10"])),
                      full=([2, 4], ",".join(["784"] + ["4096"] * 4 + ["10"])))


def flags(n, layers, strategy_flags):
    # No fault is measured: a server busy for seconds with a 214 MB update must not be
    # declared dead (the default timeout is the Pis' 2.5 s). A small step keeps 4096-wide
    # layers from diverging (a diverged run fails).
    f = dict(strategy_flags, **{"nodes": n, "layers": layers, "batch": 64, "lr": 0.001, "iterations": 3,
                                "dataset": "synthetic", "synthetic-train": 512, "synthetic-test": 64, "seed": 1,
                                "failure-timeout": 30})
    return dict(f, local=runtime_points.processes(f))


def run(study):
    """memory-runtime.csv: one row per node of every (strategy, N)."""
    ns, layers = case(study)
    keys, big, tiny = [], [], []
    for name, strategy_flags in STRATEGIES:
        for n in ns:
            keys.append((name, n))
            big.append(flags(n, layers, strategy_flags))
            tiny.append(flags(n, TINY_LAYERS, strategy_flags))
    runs = study.runner.many("launch", big + tiny, jobs=1)
    rows = []
    for (name, n), r, base in zip(keys, runs[:len(keys)], runs[len(keys):]):
        baseline = {x["node"]: int(x["peak_rss_bytes"]) for x in base.nodes()}
        for x in r.nodes():
            plan, rss, b = int(x["planned_memory_bytes"]), int(x["peak_rss_bytes"]), baseline[x["node"]]
            rows.append([name, n, int(x["node"]), x["role"], plan, rss, b, (rss - b - plan) / plan,
                         "yes" if plan >= DOMINANCE * b else "no"])
    study.write_csv("memory-runtime.csv", COLUMNS, rows)


def draw(study, figures):
    """The figure of memory-runtime.csv and the finding's sentence."""
    rows = study.read_csv("memory-runtime.csv")
    mib = 1 << 20
    labels = ["{} {}@{}".format(i + 1, r["strategy"], r["n"]) if r["node"] == "0" else "" for i, r in enumerate(rows)]
    series = [plot.Series("plan + baseline (what the memory plan predicts)",
                          [(i + 1, (int(r["planned_bytes"]) + int(r["baseline_bytes"])) / mib)
                           for i, r in enumerate(rows)], style="points pt 7 ps 1.5"),
              plot.Series("peak RSS, measured (launch --local)",
                          [(i + 1, int(r["peak_rss_bytes"]) / mib) for i, r in enumerate(rows)],
                          style="points pt 5 ps 1.5")]
    png = "model-size-runtime.png"
    plot.plot(study.path(png), "Each node's memory: the plan behind maxmodel against the kernel's count",
              "node; each case from: " + ", ".join(x for x in labels if x), "MiB", series,
              xrange=(0, len(rows) + 1), key="top left", logy=True)
    ns, layers = case(study)
    figures.append((png, "The runtime beside the memory plan: `launch --local` of MLP {} (batch 64, 3 iterations, "
                         "rings without shadows) at N = {}; each node's peak RSS against its plan plus the same "
                         "launch's RSS with a tiny model.".format(layers, ", ".join(map(str, ns)))))
    checked = [r for r in rows if r["checked"] == "yes"]
    if not checked:
        return ("no runtime memory point where the model dominates the process ({} nodes measured, every plan "
                "under {}x its baseline)".format(len(rows), DOMINANCE))
    worst = max(checked, key=lambda r: abs(float(r["error"])))
    by_strategy = {}
    for r in checked:
        by_strategy.setdefault(r["strategy"], []).append(float(r["error"]))
    # What the plan misses, in copies of the model's parameters (a whole-model message's frame
    # is one such copy).
    widths = [int(w) for w in layers.split(",")]
    model_bytes = 4 * sum(a * b + b for a, b in zip(widths, widths[1:]))
    excess = {}
    for r in checked:
        excess.setdefault(r["strategy"], []).append(
            (int(r["peak_rss_bytes"]) - int(r["baseline_bytes"]) - int(r["planned_bytes"])) / model_bytes)
    return ("measured, the kernel's peak RSS of a launched node is its memory plan plus the process's baseline "
            "within {:.1%} ({} of {} nodes checked, where the plan is at least {}x the baseline; worst: {} node {} "
            "at N = {}, plan {:.0f} MiB, RSS {:.0f} MiB, baseline {:.0f} MiB); per strategy, the error runs {}; "
            "what the plan misses, in copies of the model's {:.0f} MiB of parameters: {}"
            .format(abs(float(worst["error"])), len(checked), len(rows), DOMINANCE, worst["strategy"],
                    worst["node"], worst["n"], int(worst["planned_bytes"]) / mib, int(worst["peak_rss_bytes"]) / mib,
                    int(worst["baseline_bytes"]) / mib,
                    "; ".join("{} {:+.1%}..{:+.1%}".format(s, min(e), max(e)) for s, e in by_strategy.items()),
                    model_bytes / mib,
                    "; ".join("{} {:.2f}..{:.2f}".format(s, min(e), max(e)) for s, e in excess.items())))

