"""The cost model under the study's claims: a pipelined ring of N stages running M
micro-batches takes I = M + N - 1 steps an iteration; with T a stage's compute per
micro-batch and c its link's time per micro-batch, an iteration takes I x max(c, T) when
communication overlaps computation, and I x (c + T) when it does not. Measured time per
iteration against both predictions as c/T is swept, by the link's bandwidth (switched
Ethernet from 1 Mbit/s to 10 Gbit/s) and by the micro-batch size (M micro-batches of one
batch)."""
import os

from study import plot, runtime_points, tables, verdict

TITLE = "time per iteration against I x max(c, T) and I x (c + T), as c/T is swept"
SEEDS = {"tiny": 1, "quick": 1, "full": 3}
BATCH = 256
NETWORK_TEMPLATE = """[network]
description = Switched Ethernet at {bps:g} bit/s, swept by experiments/cost_model
kind = ethernet
bandwidth_bps = {bps:g}
bandwidth_bps_source = swept by experiments/cost_model
latency_s = {latency:g}
latency_s_source = as ethernet-1g (one switched hop)
idle_w = 0.6
idle_w_source = as ethernet-1g
tx_w = 0.6
tx_w_source = as ethernet-1g
rx_w = 0.6
rx_w_source = as ethernet-1g
"""


def settings(study):
    return {
        "n": study.pick(tiny=2, quick=4, full=4),
        "layers": study.pick(tiny="784,64,64,10", quick="784,512,512,512,512,10", full="784,512,512,512,512,10"),
        "bandwidths": study.pick(tiny=[1e7, 1e9], quick=[1e6, 3e6, 1e7, 3e7, 1e8, 3e8, 1e9, 1e10],
                                 full=[1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9, 1e10]),
        "microbatches": study.pick(tiny=[2, 8], quick=[1, 4, 16, 64, 256], full=[1, 2, 4, 8, 16, 32, 64, 128, 256]),
        "fixed_m": 8,
        "fixed_bps": 1e8,
        "latency_s": 5e-5,  # the swept profiles' (NETWORK_TEMPLATE), as ethernet-1g's
        "iterations": study.pick(tiny=3, quick=4, full=6),
    }


def network_file(study, bps):
    folder = os.path.join(study.runner.runs_dir, "networks")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "ethernet-{:g}.ini".format(bps))
    with open(path, "w") as f:
        f.write(NETWORK_TEMPLATE.format(bps=bps, latency=settings(study)["latency_s"]))
    return path


def run(study):
    s = settings(study)
    plans = []
    for schedule in ("gpipe", "1f1b"):
        for bps in s["bandwidths"]:
            plans.append(("bandwidth", schedule, bps, s["fixed_m"]))
        for m in s["microbatches"]:
            plans.append(("microbatch", schedule, s["fixed_bps"], m))
    flag_sets = []
    for sweep, schedule, bps, m in plans:
        for seed in study.seeds:
            flag_sets.append({"device": "pi4b", "network": network_file(study, bps), "nodes": s["n"],
                              "layers": s["layers"], "batch": BATCH, "microbatches": m, "strategy": "ring",
                              "schedule": schedule, "iterations": s["iterations"], "seed": seed, "timing-only": True,
                              "dataset": "synthetic", "peer-timeout": 3600, "replica-every": 0})
    results = iter(study.runner.sims(flag_sets))
    rows = []
    for sweep, schedule, bps, m in plans:
        for seed in study.seeds:
            r = next(results)
            times = [float(x["time"]) for x in r.iterations()]
            # Steady state: the first iteration fills the pipeline from a cold start.
            per_iteration = (times[-1] - times[0]) / (len(times) - 1)
            iterations = len(times)
            nodes = r.nodes()
            compute = max(float(x["busy_s"]) for x in nodes) / (iterations * m)
            # A node's link per micro-batch: its bytes at the bandwidth, and each message's latency.
            link = max(int(x["bytes_sent"]) * 8 / bps + int(x["msgs_sent"]) * s["latency_s"]
                       for x in nodes) / (iterations * m)
            steps = m + s["n"] - 1
            rows.append([sweep, schedule, bps, m, seed, per_iteration, compute, link, link / compute,
                         steps * max(link, compute), steps * (link + compute)])
    study.write_csv("cost_model.csv", ["sweep", "schedule", "bandwidth_bps", "microbatches", "seed",
                                       "seconds_per_iteration", "T_compute_s", "c_link_s", "c_over_T",
                                       "overlap_prediction_s", "serial_prediction_s"], rows)
    runtime_points.run(study, runtime_cases(study))


def runtime_cases(study):
    """The runtime beside the sweep: a 2-stage 1f1b ring for real on links shaped to two of
    the swept bandwidths (one where the link is slow next to this machine's compute, one
    where it is fast), against sim of the same case."""
    s = settings(study)
    return [("ring-1f1b {:g} Mbit/s".format(bps / 1e6), 2,
             {"network": network_file(study, bps), "nodes": 2, "batch": BATCH, "microbatches": s["fixed_m"],
              "strategy": "ring", "schedule": "1f1b", "seed": study.seeds[0], "dataset": "synthetic",
              "peer-timeout": 3600, "replica-every": 0})
            for bps in study.pick(tiny=[1e8], quick=[1e7, 1e9], full=[1e7, 1e9])]


def draw(study):
    rows = study.read_csv("cost_model.csv")
    groups = {}
    for r in rows:
        groups.setdefault((r["sweep"], r["schedule"]), []).append(r)
    figures, verdicts, wins = [], [], {}
    tolerance = 0.15
    for (sweep, schedule), rs in sorted(groups.items()):
        by_x = {}
        for r in rs:
            by_x.setdefault(float(r["c_over_T"]), []).append(r)
        points = sorted(by_x)
        measured = [(x, tables.mean(float(r["seconds_per_iteration"]) for r in by_x[x])) for x in points]
        overlap = [(x, float(by_x[x][0]["overlap_prediction_s"])) for x in points]
        serial = [(x, float(by_x[x][0]["serial_prediction_s"])) for x in points]
        png = "cost-model-{}-{}.png".format(sweep, schedule)
        how = "the link's bandwidth" if sweep == "bandwidth" else "the micro-batch size"
        plot.plot(study.path(png), "Ring {}: time per iteration as c/T is swept by {}".format(schedule, how),
                  "c/T (a link's time per micro-batch over a stage's compute per micro-batch)",
                  "seconds per iteration", [plot.Series("measured (simulated)", measured),
                                            plot.Series("I x max(c, T): overlap", overlap, style="lines", dashed=True),
                                            plot.Series("I x (c + T): no overlap", serial, style="lines")],
                  logx=True, logy=True)
        figures.append((png, "Ring {}, sweep of {}: measured seconds per iteration against the two "
                             "predictions.".format(schedule, how)))
        near_overlap = [x for (x, m), (_, o) in zip(measured, overlap) if abs(m / o - 1) <= tolerance]
        wins["ring {}, {} sweep".format(schedule, sweep)] = {x: x in near_overlap for x, _ in measured}
        near_serial = [x for (x, m), (_, s) in zip(measured, serial) if abs(m / s - 1) <= tolerance]
        ratio = ["{:.2g}: {:.2f}".format(x, m / o) for (x, m), (_, o) in zip(measured, overlap)]
        verdicts.append("ring {}, swept by {}: within {:.0%} of I x max(c, T) at {} of {} points{}; within {:.0%} of "
                        "I x (c + T) at {}{}. Measured / overlap prediction by c/T: {}".format(
                            schedule, how, tolerance, len(near_overlap), len(points),
                            " (c/T from {:.2g} to {:.2g})".format(min(near_overlap), max(near_overlap))
                            if near_overlap else "", tolerance, len(near_serial),
                            " (c/T from {:.2g} to {:.2g})".format(min(near_serial), max(near_serial))
                            if near_serial else " points", "; ".join(ratio)))
    verdicts.append(runtime_points.draw(study, figures, "iteration_seconds", "seconds per iteration",
                                        network="switched Ethernet"))
    s = settings(study)
    study.write_finding(verdicts, figures, claim=(
        "an iteration of the pipelined ring takes I x max(c, T), within {:.0%}: communication overlaps "
        "computation".format(tolerance), verdict.claim(wins, "c/T")), notes=[
        "Ring of {} stages, MLP {}, batch {}, timing-only simulation of Raspberry Pi 4Bs on switched Ethernet "
        "(a profile per bandwidth, written beside the runs); the bandwidth sweep at M = {}, the micro-batch sweep at "
        "{:g} bit/s.".format(s["n"], s["layers"], BATCH, s["fixed_m"], s["fixed_bps"]),
        "Measured: steady-state seconds per iteration (the first iteration excluded). T: the busiest stage's compute "
        "seconds per micro-batch; c: the busiest node's link time per micro-batch (its bytes at the bandwidth, plus "
        "the latency of each of its messages); I = M + N - 1. Both c and T grow with the micro-batch's size, so that "
        "sweep moves c/T only through the per-message latency.",
    ])
