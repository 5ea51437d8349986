"""Claim (3): RingTMP scales better with devices. Throughput (training samples per simulated
second) against N, per strategy, at a fixed global batch (strong scaling, the main sweep of
study/grid.py) and at a fixed per-device batch (weak scaling)."""
from study import grid, plot, runtime_points, tables, verdict

TITLE = "throughput against N, per strategy: strong and weak scaling"
SEEDS = {"tiny": 1, "quick": 2, "full": 3}
PER_DEVICE_BATCH = 32


def weak_runs(study):
    plans = []
    for network in grid.networks(study):
        for n in grid.ns(study):
            for name, flags, _ in grid.STRATEGIES:
                for seed in study.seeds:
                    f = {"device": "pi4b", "network": network, "nodes": n, "layers": grid.model(study),
                         "batch": PER_DEVICE_BATCH * n, "microbatches": n, "iterations": grid.iterations(study),
                         "seed": seed, "timing-only": True, "dataset": "synthetic", "peer-timeout": 3600,
                         "replica-every": 0}
                    f.update(flags(n))
                    plans.append((network, name, n, seed, f))
    results = study.runner.sims([p[4] for p in plans])
    return [p[:4] + (r,) for p, r in zip(plans, results)]


def run(study):
    rows = []
    for kind, runs in (("strong", grid.run_grid(study)), ("weak", weak_runs(study))):
        for network, name, n, seed, r in runs:
            rows.append([kind, network, name, n, len(r.nodes()), seed, float(r.summary["samples_per_second"])])
    study.write_csv("scaling.csv", ["scaling", "network", "strategy", "n", "devices", "seed", "samples_per_second"],
                    rows)
    runtime_points.run(study)  # the same runs as idle's: made once


def draw(study):
    rows = study.read_csv("scaling.csv")
    by = {}
    for r in rows:
        by.setdefault((r["scaling"], r["network"], r["strategy"], int(r["n"])), []).append(
            float(r["samples_per_second"]))
    mean = {k: tables.mean(v) for k, v in by.items()}
    figures, verdicts, wins = [], [], {}
    for kind in ("strong", "weak"):
        for network in sorted({k[1] for k in by if k[0] == kind}):
            ns = sorted({k[3] for k in by if k[0] == kind and k[1] == network})
            series = [plot.spread_series(name, {n: by[(kind, network, name, n)] for n in ns
                                                if (kind, network, name, n) in by}) for name in grid.NAMES]
            png = "scaling-{}-{}.png".format(kind, network)
            batch = ("global batch {}".format(grid.BATCH) if kind == "strong"
                     else "{} samples per device, N micro-batches".format(PER_DEVICE_BATCH))
            plot.plot(study.path(png), "{} scaling on {} ({})".format(kind.capitalize(), network, batch),
                      "devices N", "training samples per simulated second", series, logx=True, logy=True,
                      key="outside right top", size=(1000, 520))
            figures.append((png, "Throughput against N on {}, {} scaling ({}).".format(network, kind, batch)))
            context = "{} ({} scaling)".format(network, kind)
            wins[context], sentences = grid.against_baselines(
                {(k[2], k[3]): v for k, v in mean.items() if k[:2] == (kind, network)}, ns, " on " + context,
                "trains fewer samples a second than", "trains more samples a second than", lower_wins=False)
            verdicts += sentences
            ring = [mean[(kind, network, "ring-1f1b", n)] for n in ns if (kind, network, "ring-1f1b", n) in mean]
            if len(ring) > 1:
                verdicts.append("from N = {} to {} on {} ({} scaling), RingTMP (1f1b)'s throughput changes {:.2f}x "
                                "for {:g}x the devices".format(ns[0], ns[-1], network, kind, ring[-1] / ring[0],
                                                               ns[-1] / ns[0]))
    verdicts.append(runtime_points.draw(study, figures, "iteration_seconds", "samples per second",
                                        convert=lambda seconds: grid.BATCH / seconds))
    study.write_finding(verdicts, figures, claim=(
        "RingTMP (1f1b) trains more samples per second than a parameter server (bsp) and ring all-reduce as devices "
        "are added", verdict.claim(wins)), notes=[
        "Strong scaling: " + grid.description(study) + ".",
        "Weak scaling: the same model, {} samples per device (a global batch of {}N, N micro-batches in the "
        "ring).".format(PER_DEVICE_BATCH, PER_DEVICE_BATCH),
        "Time to a target accuracy against N is in the progress experiment.",
    ])
