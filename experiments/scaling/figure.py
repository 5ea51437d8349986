"""Claim (3): RingTMP scales better with devices. Throughput (training samples per simulated
second) against N, per strategy, at a fixed global batch (strong scaling, the main sweep of
study/grid.py) and at a fixed per-device batch (weak scaling)."""
from study import grid, plot, runs, runtime_points, tables, verdict

TITLE = "throughput against N, per strategy: strong and weak scaling"
SEEDS = {"tiny": 1, "quick": 2, "full": 3}
PER_DEVICE_BATCH = 32
# Beyond the main sweep, timing only: hundreds of devices, weak scaling on wifi-n, one seed
# (the seed moves no time: see idle's finding), an MLP of narrow layers deep enough for a
# ring stage per device (1024 layers of 64: 16 MiB, about the main sweep's model).
LARGE_STRATEGIES = ("ring-1f1b", "ps-bsp", "ps-bsp-k", "allreduce")
LARGE_WIDTH = 64


def large_ns(study):
    return study.pick(tiny=[4, 8], quick=[32, 64, 128], full=[64, 128, 256, 512, 1024])


def large_model(study):
    return grid.deep_mlp(LARGE_WIDTH, max(large_ns(study)))


def weak_runs(study):
    plans = []
    for which in grid.MODELS:
        for network in grid.networks(study):
            for n in grid.ns(study, which):
                for name in grid.NAMES:
                    for seed in study.seeds:
                        f = grid.flags(study, network, name, n, seed, which)
                        f.update({"batch": PER_DEVICE_BATCH * n, "microbatches": n})
                        plans.append((which, network, name, n, seed, f))
    results = study.runner.sims([p[-1] for p in plans])
    return [p[:-1] + (r,) for p, r in zip(plans, results)]


def large_runs(study):
    """(name, n, Run or runs.Refused): a strategy that cannot run at N (a parameter server
    whose one server cannot hold N workers' pushes) is refused by ringtmp, and said so."""
    plans = []
    for n in large_ns(study):
        for name in LARGE_STRATEGIES:
            f = grid.flags(study, "wifi-n", name, n, study.seeds[0])
            f.update({"layers": large_model(study), "batch": PER_DEVICE_BATCH * n, "microbatches": n,
                      "synthetic-train": 2 * PER_DEVICE_BATCH * n, "iterations": 2, "peer-timeout": 10 ** 7})
            plans.append((name, n, f))
    results = study.runner.sims([p[-1] for p in plans], refusals=True)
    return [(name, n, r) for (name, n, _), r in zip(plans, results)]


def run(study):
    large = []
    for name, n, r in large_runs(study):
        if isinstance(r, runs.Refused):
            large.append([name, n, "", study.seeds[0], "", r.reason])
        else:
            large.append([name, n, r.devices(), study.seeds[0], float(r.summary["samples_per_second"]), ""])
    study.write_csv("scaling-large.csv", ["strategy", "n", "devices", "seed", "samples_per_second", "refused"],
                    large)
    rows = []
    for kind, made in (("strong", grid.run_grid(study)), ("weak", weak_runs(study))):
        for which, network, name, n, seed, r in made:
            rows.append([kind, which, network, name, n, r.devices(), seed,
                         float(r.summary["samples_per_second"])])
    study.write_csv("scaling.csv", ["scaling", "model", "network", "strategy", "n", "devices", "seed",
                                    "samples_per_second"], rows)
    runtime_points.run(study)  # the same runs as idle's: made once


def draw_large(study, figures, wins):
    rows = study.read_csv("scaling-large.csv")
    ran = {(r["strategy"], int(r["n"])): float(r["samples_per_second"]) for r in rows if not r["refused"]}
    ns = sorted({int(r["n"]) for r in rows})
    series = [plot.Series(name, [(n, ran[(name, n)]) for n in ns if (name, n) in ran], style="linespoints")
              for name in LARGE_STRATEGIES]
    png = "scaling-large-wifi-n.png"
    plot.plot(study.path(png), "Weak scaling to {} devices on wifi-n (timing only, {} samples per device)"
              .format(ns[-1], PER_DEVICE_BATCH), "devices N", "training samples per simulated second", series,
              logx=True, logy=True, key="outside right top", size=(1000, 520))
    figures.append((png, "Throughput against N up to {} simulated Pi 4Bs on wifi-n, weak scaling ({} samples per "
                         "device, N micro-batches in the ring), MLP {} x {}: timing only, one seed. A strategy "
                         "missing at some N was refused there (finding.md says why).".format(
                             ns[-1], PER_DEVICE_BATCH, max(ns), LARGE_WIDTH)))
    at = "wifi-n, weak scaling to {} devices (narrow MLP)".format(ns[-1])
    # The parameter server that runs at every N here is the one with N/4 servers (one server
    # cannot hold N workers' pushes past a few hundred: refused, and said so below).
    wins[at], sentences = grid.against_baselines(ran, ns, " on " + at, "trains fewer samples a second than",
                                                 "trains more samples a second than", lower_wins=False,
                                                 baselines=("ps-bsp-k", "allreduce"))
    trends = ["{} {:.2f}x".format(name, ran[(name, ns[-1])] / ran[(name, ns[0])])
              for name in LARGE_STRATEGIES if (name, ns[0]) in ran and (name, ns[-1]) in ran]
    if trends and len(ns) > 1:
        sentences.append("from N = {} to {} on {}, the throughput changes: {}, for {:g}x the devices".format(
            ns[0], ns[-1], at, "; ".join(trends), ns[-1] / ns[0]))
    refusals = {}
    for r in rows:
        if r["refused"]:
            refusals.setdefault(r["strategy"], []).append((int(r["n"]), r["refused"]))
    for name, cases in sorted(refusals.items()):
        sentences.append("{} cannot run at N = {} (at N = {}: {})".format(
            name, ", ".join(str(n) for n, _ in cases), *cases[-1]))
    return sentences


def draw(study):
    rows = study.read_csv("scaling.csv")
    by = {}
    for r in rows:
        by.setdefault((r["scaling"], r["model"], r["network"], r["strategy"], int(r["n"])), []).append(
            float(r["samples_per_second"]))
    mean = {k: tables.mean(v) for k, v in by.items()}
    figures, verdicts, wins = [], [], {}
    for kind in ("strong", "weak"):
        of_kind = {k[1:]: v for k, v in by.items() if k[0] == kind}
        for which, network in grid.panels(of_kind):
            ns = sorted({k[3] for k in of_kind if k[:2] == (which, network)})
            series = [plot.spread_series(name, {n: of_kind[(which, network, name, n)] for n in ns
                                                if (which, network, name, n) in of_kind}) for name in grid.NAMES]
            png = grid.png_name("scaling-" + kind, which, network)
            batch = ("global batch {}".format(grid.BATCH) if kind == "strong"
                     else "{} samples per device, N micro-batches".format(PER_DEVICE_BATCH))
            at = "{} ({} scaling)".format(grid.where(which, network), kind)
            plot.plot(study.path(png), "{} scaling on {} ({})".format(kind.capitalize(), grid.where(which, network),
                                                                      batch),
                      "devices N", "training samples per simulated second", series, logx=True, logy=True,
                      key="outside right top", size=(1000, 520))
            figures.append((png, "Throughput against N on {}, {} scaling ({}).".format(grid.where(which, network),
                                                                                       kind, batch)))
            wins[at], sentences = grid.against_baselines(
                {(k[3], k[4]): v for k, v in mean.items() if k[:3] == (kind, which, network)}, ns, " on " + at,
                "trains fewer samples a second than", "trains more samples a second than", lower_wins=False)
            verdicts += sentences
            ring = [mean[(kind, which, network, "ring-1f1b", n)] for n in ns
                    if (kind, which, network, "ring-1f1b", n) in mean]
            if len(ring) > 1:
                verdicts.append("from N = {} to {} on {}, RingTMP (1f1b)'s throughput changes {:.2f}x for {:g}x the "
                                "devices".format(ns[0], ns[-1], at, ring[-1] / ring[0], ns[-1] / ns[0]))
    verdicts += draw_large(study, figures, wins)
    verdicts.append(runtime_points.draw(study, figures, "iteration_seconds", "samples per second",
                                        convert=lambda seconds: grid.BATCH / seconds))
    study.write_finding(verdicts, figures, claim=(
        "RingTMP (1f1b) trains more samples per second than a parameter server "
        "(bsp, on servers of its own and on the same devices) and ring all-reduce as devices "
        "are added", verdict.claim(wins)), notes=[
        "Strong scaling: " + grid.description(study) + ".",
        "Weak scaling: the same model, {} samples per device (a global batch of {}N, N micro-batches in the "
        "ring).".format(PER_DEVICE_BATCH, PER_DEVICE_BATCH),
        "Time to a target accuracy against N is in the progress experiment.",
    ])
