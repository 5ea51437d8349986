"""Claim (4): RingTMP is as resilient as a parameter server and ring all-reduce. Each strategy
with its resilience on (the ring's shadows every iteration, chain-replicated ps servers,
all-reduce's re-formed ring) loses node 1 at a third of its fault-free run: killed for good,
or paused for a sixth of the run and back (it rejoins). Loss against simulated time with the
faults; time to recover, work redone and bytes spent against N; and what resilience costs
when nothing fails (the same run with it off). Beside them, the same faults over real
sockets at N = 3 (study/fault_points.py)."""
import math

from study import fault_points, plot, tables, verdict

TITLE = "a kill and a pause-and-rejoin per strategy: loss against time, recovery against N, the fault-free cost"
SEEDS = {"tiny": 1, "quick": 1, "full": 3}
VICTIM = 1
STRATEGIES = [  # name, flags with resilience on, the flags that turn it off
    ("ring-1f1b", {"strategy": "ring", "schedule": "1f1b", "replica-every": 1}, {"replica-every": 0}),
    ("ps-bsp", {"strategy": "ps", "ps-mode": "bsp", "servers": 2, "server-replicas": 1}, {"server-replicas": 0}),
    ("allreduce", {"strategy": "allreduce"}, {}),
]
NAMES = [s[0] for s in STRATEGIES]


def settings(study):
    ns = study.pick(tiny=[3], quick=[4, 8], full=[4, 8, 16])
    return {
        "ns": ns,
        "layers": ",".join(["784"] + ["128"] * (max(ns) - 1) + ["10"]),
        "dataset": study.pick(tiny="synthetic", quick="fashion-mnist", full="fashion-mnist"),
        "iterations": study.pick(tiny=30, quick=120, full=240),
    }


def base_flags(study, n, seed):
    s = settings(study)
    f = {"device": "pi4b", "network": "wifi-n", "nodes": n, "layers": s["layers"], "batch": 64, "microbatches": 4,
         "lr": 0.05, "iterations": s["iterations"], "seed": seed, "dataset": s["dataset"], "peer-timeout": 3600}
    if s["dataset"] == "synthetic":
        # The tiny run lasts about a second: its detection is scaled down with it, so that a
        # pause of a sixth of the run outlasts the failure timeout (the tests' size only).
        f.update({"synthetic-train": 2048, "synthetic-test": 256, "layers": "16,32,32,4", "heartbeat": 0.01,
                  "failure-timeout": 0.03})
    return f


def run(study):
    s = settings(study)
    keys, clean, bare = [], [], []
    for name, on, off in STRATEGIES:
        for n in s["ns"]:
            for seed in study.seeds:
                f = dict(base_flags(study, n, seed), **on)
                keys.append((name, n, seed, f))
                clean.append(f)
                bare.append(dict(f, **off))
    clean_runs = study.runner.sims(clean)
    bare_runs = study.runner.sims(bare)
    faulted = []
    for (name, n, seed, f), r in zip(keys, clean_runs):
        end = float(r.summary["sim_seconds"])
        at = "{:.3f}".format(end / 3)
        faulted.append(dict(f, faults="kill:{}@{}".format(VICTIM, at)))
        faulted.append(dict(f, faults="pause:{}@{}+{:.3f}".format(VICTIM, at, end / 6)))
    fault_runs = study.runner.sims(faulted)
    rows, losses = [], []
    for i, ((name, n, seed, f), r_clean, r_bare) in enumerate(zip(keys, clean_runs, bare_runs)):
        cases = [("fault-free", r_clean), ("fault-free, resilience off", r_bare), ("kill", fault_runs[2 * i]),
                 ("pause", fault_runs[2 * i + 1])]
        for case, r in cases:
            failure = next((x for x in r.summary.get("failures") or [] if x["node"] == VICTIM), None)
            iterations = r.iterations()
            number = lambda key: float(failure[key]) if failure and failure.get(key) is not None else math.nan  # noqa
            rows.append([name, n, case, seed, len(iterations), float(r.summary["sim_seconds"]),
                         number("failed_at"), number("detected_at"), number("resumed_at"), number("rejoined_at"),
                         int(failure["iterations_redone"]) if failure else 0,
                         int(failure["recovery_bytes"]) + int(failure.get("rejoin_bytes") or 0) if failure else 0])
            if n == max(s["ns"]) and seed == study.seeds[0]:
                for x in iterations:
                    losses.append([name, n, case, seed, int(x["iteration"]), float(x["time"]),
                                   tables.number(x["loss"])])
    study.write_csv("resilience.csv", ["strategy", "n", "case", "seed", "iterations", "sim_seconds", "failed_at",
                                       "detected_at", "resumed_at", "rejoined_at", "iterations_redone",
                                       "recovery_bytes"], rows)
    study.write_csv("losses.csv", ["strategy", "n", "case", "seed", "iteration", "time", "loss"], losses)
    fault_points.run(study)  # the same faults over real sockets, at small N


def draw(study):
    s = settings(study)
    rows = study.read_csv("resilience.csv")
    by = {}
    for r in rows:
        by.setdefault((r["strategy"], int(r["n"]), r["case"]), []).append(r)
    ns = sorted({int(r["n"]) for r in rows})

    figures, verdicts, wins = [], [], {"kill": {}, "pause": {}}
    # Loss against time at the largest N, one figure per strategy.
    curves = {}
    for r in study.read_csv("losses.csv"):
        curves.setdefault((r["strategy"], r["case"]), []).append((float(r["time"]), tables.number(r["loss"])))
    for name in NAMES:
        series = [plot.Series(case, [p for p in curves.get((name, case), []) if not math.isnan(p[1])], style="lines")
                  for case in ("fault-free", "kill", "pause")]
        png = "resilience-loss-{}.png".format(name)
        plot.plot(study.path(png), "{}: node {} fails at a third of the run ({} simulated Pi 4Bs, wifi-n)".format(
            name, VICTIM, max(ns)), "simulated seconds", "training loss", series, key="top right")
        figures.append((png, "{}: loss against simulated time, fault-free, node {} killed, node {} paused and back."
                             .format(name, VICTIM, VICTIM)))

    # Recovery (failure to training again) and the fault-free cost of resilience, against N.
    recovery, overhead = {}, {}
    for name in NAMES:
        for n in ns:
            for case in ("kill", "pause"):
                runs = by.get((name, n, case), [])
                survived = bool(runs) and all(int(r["iterations"]) == s["iterations"] for r in runs)
                wins[case].setdefault(n, True)
                if name == "ring-1f1b":
                    wins[case][n] = survived
                times = [float(r["resumed_at"]) - float(r["failed_at"]) for r in runs
                         if r["resumed_at"] and r["failed_at"]]
                if times:
                    recovery[(name, case, n)] = tables.mean(times)
            on, off = by.get((name, n, "fault-free")), by.get((name, n, "fault-free, resilience off"))
            if on and off:
                overhead[(name, n)] = tables.mean(float(r["sim_seconds"]) for r in on) / tables.mean(
                    float(r["sim_seconds"]) for r in off) - 1
    for case in ("kill", "pause"):
        series = [plot.Series(name, [(n, recovery[(name, case, n)]) for n in ns if (name, case, n) in recovery])
                  for name in NAMES]
        png = "recovery-{}.png".format(case)
        plot.plot(study.path(png), "Seconds from node {}'s failure to training again ({}), wifi-n".format(VICTIM, case),
                  "devices N", "simulated seconds", series, logx=len(ns) > 1, key="top left")
        figures.append((png, "Time from the failure (the {}) to the survivors training again, against N; detection "
                             "included.".format(case)))
        for other in ("ps-bsp", "allreduce"):
            pairs = {n: (recovery[("ring-1f1b", case, n)], recovery[(other, case, n)]) for n in ns
                     if ("ring-1f1b", case, n) in recovery and (other, case, n) in recovery}
            verdicts.append(verdict.compare("RingTMP (1f1b)", other, pairs, "N", "recovers sooner than",
                                            "recovers later than", " after a {}".format(case)))
    series = [plot.Series(name, [(n, 100 * overhead[(name, n)]) for n in ns if (name, n) in overhead])
              for name in NAMES]
    png = "resilience-cost.png"
    plot.plot(study.path(png), "What resilience costs when nothing fails (wifi-n)", "devices N",
              "% longer than the same run with it off", series, logx=len(ns) > 1, key="top left")
    figures.append((png, "The fault-free cost of resilience: the run with it on against the same run with it off "
                         "(the ring's shadows refreshed every iteration; the ps servers' replicas)."))
    for name in NAMES:
        costs = ["{:.0f}% at N = {}".format(100 * overhead[(name, n)], n) for n in ns if (name, n) in overhead]
        if costs:
            verdicts.append("{} with its resilience on runs longer fault-free by {}".format(name, ", ".join(costs)))
    verdicts += fault_points.draw(study, figures)
    study.write_finding(verdicts, figures, claim=(
        "RingTMP (1f1b) survives a kill and a pause-and-rejoin of a device, finishing every iteration, as a parameter "
        "server and all-reduce do", verdict.claim(wins)), notes=[
        "{} on MLP {}, batch 64, {} iterations, lr 0.05, simulated Pi 4Bs on wifi-n; node {} (a ring stage, a ps "
        "worker, an all-reduce worker) fails at a third of the fault-free run; a pause lasts a sixth of it."
        .format(s["dataset"], s["layers"], s["iterations"], VICTIM),
        "Recovery: from the failure to the survivors training again (the summary's resumed_at - failed_at), "
        "detection included. Cost: seconds of the fault-free run with resilience on over the same with it off.",
    ])
