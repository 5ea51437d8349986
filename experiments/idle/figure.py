"""Claim (1): RingTMP leaves devices idle less than a parameter server and ring all-reduce.
Idle fraction (seconds waiting over the run's length, averaged over the workers) against the
number of devices N, per strategy, on Wi-Fi and on Ethernet, split into waiting on the
network (the awaited bytes already on their way) and waiting for work (bubble, barrier, a
slower peer); the gpipe bubble (N-1)/(M+N-1) drawn as the reference."""
import os

from study import grid, plot, runtime_points, tables, verdict


TITLE = "idle fraction of the workers against N, per strategy, and how much of it is the network"
SEEDS = {"tiny": 1, "quick": 2, "full": 3}


def run(study):
    rows = []
    for which, network, name, n, seed, r in grid.run_grid(study):
        length = float(r.summary["sim_seconds"])
        ws = grid.workers(r)
        idle = sum(float(x["idle_s"]) for x in ws) / len(ws) / length
        on_network = sum(float(x["idle_network_s"]) for x in ws) / len(ws) / length
        nodes = r.nodes()
        idle_devices = sum(float(x["idle_s"]) for x in nodes) / len(nodes) / length
        rows.append([which, network, name, n, r.devices(), seed, idle, on_network, idle - on_network,
                     idle_devices])
    study.write_csv("idle.csv", ["model", "network", "strategy", "n", "devices", "seed", "idle_fraction_workers",
                                 "idle_network_fraction_workers", "idle_work_fraction_workers",
                                 "idle_fraction_devices"], rows)
    runtime_points.run(study)  # the runtime beside the simulator, at small N


def bubble(n):
    return (n - 1) / (grid.MICROBATCHES + n - 1)


def draw(study):
    rows = study.read_csv("idle.csv")
    by, network_part, devices = {}, {}, {}
    for r in rows:
        key = (r["model"], r["network"], r["strategy"], int(r["n"]))
        by.setdefault(key, []).append(float(r["idle_fraction_workers"]))
        network_part.setdefault(key, []).append(float(r["idle_network_fraction_workers"]))
        devices[key] = int(r["devices"])
    mean = {k: tables.mean(v) for k, v in by.items()}
    summary = []
    for key, values in sorted(by.items()):
        lo, m, hi = tables.spread(values)
        summary.append(list(key) + [devices[key], len(values), lo, m, hi, tables.mean(network_part[key])])
    study.write_csv("idle-summary.csv", ["model", "network", "strategy", "n", "devices", "seeds", "idle_min", "idle_mean",
                                         "idle_max", "idle_network_mean"], summary)

    figures, verdicts, wins = [], [], {}
    for which, network in grid.panels(by):
        at = grid.where(which, network)
        ns = sorted({k[3] for k in by if k[:2] == (which, network)})
        series = [plot.spread_series(name, {n: by[(which, network, name, n)] for n in ns
                                            if (which, network, name, n) in by}) for name in grid.NAMES]
        series.append(plot.Series("gpipe bubble (N-1)/(M+N-1), M={}".format(grid.MICROBATCHES),
                                  [(n, bubble(n)) for n in ns], style="lines", dashed=True))
        png = grid.png_name("idle", which, network)
        plot.plot(study.path(png), "Idle fraction of the workers on {} (simulated Pi 4Bs)".format(at),
                  "devices N (workers; ps adds its servers)", "idle fraction (mean; bars: min..max over seeds)",
                  series, logx=True, yrange=(0, 1), key="outside right top", size=(1000, 520))
        figures.append((png, "Idle fraction of the workers against N on {}.".format(at)))

        share = [plot.Series(name, [(n, tables.mean(network_part[(which, network, name, n)]) /
                                     max(mean[(which, network, name, n)], 1e-12))
                                    for n in ns if (which, network, name, n) in by])
                 for name in grid.NAMES]
        png = grid.png_name("idle-network-share", which, network)
        plot.plot(study.path(png), "How much of the workers' idle time is the network, {}".format(at),
                  "devices N", "idle waiting on bytes in flight / all idle", share, logx=True, yrange=(0, 1),
                  key="outside right top", size=(1000, 520))
        figures.append((png, "The part of the idle time spent waiting for bytes already on the network (the rest "
                             "waits for work: bubble, barrier, a slower peer), on {}.".format(at)))

        wins[at], sentences = grid.against_baselines(
            {(k[2], k[3]): v for k, v in mean.items() if k[:2] == (which, network)}, ns, " on " + at,
            "idles less than", "idles more than")
        verdicts += sentences
        pairs = {n: (min(mean[(which, network, r, n)] for r in ("ring-gpipe", "ring-1f1b")), bubble(n))
                 for n in ns if all((which, network, r, n) in mean for r in ("ring-gpipe", "ring-1f1b"))}
        verdicts.append(verdict.compare("the synchronous ring's idle fraction", "the gpipe bubble", pairs, "N",
                                        "stays below", "exceeds", " on " + at))
        top = ns[-1]
        parts = ["{} {:.0%} of {:.0%}".format(name, tables.mean(network_part[(which, network, name, top)]),
                                               mean[(which, network, name, top)])
                 for name in grid.NAMES if (which, network, name, top) in by]
        verdicts.append("at N = {} on {}, the workers idle on the network for (of their idle fraction): {}"
                        .format(top, at, "; ".join(parts)))
    verdicts.append(runtime_points.draw(study, figures, "idle_fraction", "idle fraction", yrange=(0, 1)))
    if os.path.exists(study.path("runtime.csv")):
        verdicts.append(runtime_points.draw(study, figures, "iteration_seconds", "seconds per iteration"))
    spreads = [max(v) - min(v) for v in by.values()]
    verdicts.append("across seeds the idle fractions differ by at most {:.3g}: the seed moves the data and the "
                    "initial weights, not the time".format(max(spreads)))
    study.write_finding(verdicts, figures, claim=(
        "RingTMP (1f1b) leaves its workers idle less than a parameter server "
        "(bsp, on servers of its own and on the same devices) and ring all-reduce",
        verdict.claim(wins)), notes=[
        grid.description(study) + ".",
        "Idle: a worker's seconds waiting for a message over the run's length, averaged over the workers; "
        "'on the network' from the moment the awaited message's transfer began. ps-bsp-k has max(2, N/4) "
        "servers, ps-bsp and ps-asp one, each on a device of its own; ps-bsp-co has N, one on each worker's "
        "device (--colocate-servers: the ring's N devices); the servers' own idle time and each strategy's device count are in "
        "idle.csv (idle_fraction_devices, devices).",
    ])
