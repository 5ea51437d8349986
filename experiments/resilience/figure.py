"""Claim (4): RingTMP is as resilient as a parameter server and ring all-reduce. Each strategy
with its resilience on (the ring's shadows every iteration, chain-replicated ps servers,
all-reduce's re-formed ring) loses node 1 at a third of its fault-free run: killed for good,
or paused for a sixth of the run and back (it rejoins). Loss against simulated time with the
faults; time to recover, work redone and bytes spent against N; and what resilience costs
when nothing fails (the same run with it off). Beside them, the same faults over real
sockets at N = 3 (study/fault_points.py). The MLP, and the CNN (vgg-small) at fewer N and
iterations (its numerics cost ~50x the MLP's per sample)."""
import math

from study import fault_points, grid, plot, tables, verdict

TITLE = "a kill and a pause-and-rejoin per strategy: loss against time, recovery against N, the fault-free cost"
SEEDS = {"tiny": 1, "quick": 1, "full": 3}
VICTIM = 1
STRATEGIES = [  # name, flags with resilience on, the flags that turn it off
    ("ring-1f1b", {"strategy": "ring", "schedule": "1f1b", "replica-every": 1}, {"replica-every": 0}),
    ("ps-bsp", {"strategy": "ps", "ps-mode": "bsp", "servers": 2, "server-replicas": 1}, {"server-replicas": 0}),
    ("allreduce", {"strategy": "allreduce"}, {}),
    # Equal hardware: a server on each worker's device; a fault takes down both (servers: N).
    ("ps-bsp-co", {"strategy": "ps", "ps-mode": "bsp", "colocate-servers": True, "server-replicas": 1},
     {"server-replicas": 0}),
]
BASELINES = ("ps-bsp", "ps-bsp-co", "allreduce")
NAMES = [s[0] for s in STRATEGIES]


def settings(study, which="mlp"):
    dataset = study.pick(tiny="synthetic", quick="fashion-mnist", full="fashion-mnist")
    if which == "cnn":
        return {"ns": study.pick(tiny=[3], quick=[4], full=[4, 8]), "model": grid.CNN, "dataset": dataset,
                "iterations": study.pick(tiny=6, quick=20, full=60), "lr": 0.01}
    ns = study.pick(tiny=[3], quick=[4, 8], full=[4, 8, 16])
    return {
        "ns": ns,
        "model": ",".join(["784"] + ["128"] * (max(ns) - 1) + ["10"]),
        "dataset": dataset,
        "iterations": study.pick(tiny=30, quick=120, full=240),
        "lr": 0.05,
    }


def base_flags(study, n, seed, which="mlp"):
    s = settings(study, which)
    f = {"device": "pi4b", "network": "wifi-n", "nodes": n, "batch": 64, "microbatches": 4,
         "lr": s["lr"], "iterations": s["iterations"], "seed": seed, "dataset": s["dataset"], "peer-timeout": 3600}
    f["model" if which == "cnn" else "layers"] = s["model"]
    if s["dataset"] == "synthetic":
        # The tiny run lasts about a second: its detection is scaled down with it, so that a
        # pause of a sixth of the run outlasts the failure timeout (the tests' size only).
        f.update({"synthetic-train": 2048, "synthetic-test": 256, "heartbeat": 0.01, "failure-timeout": 0.03})
        if which == "mlp":
            f["layers"] = "16,32,32,4"
    return f


def run(study):
    keys, clean, bare = [], [], []
    for which in grid.MODELS:
        for name, on, off in STRATEGIES:
            for n in settings(study, which)["ns"]:
                for seed in study.seeds:
                    f = dict(base_flags(study, n, seed, which), **on)
                    if on.get("colocate-servers"):
                        f["servers"] = n
                    keys.append((which, name, n, seed, f))
                    clean.append(f)
                    bare.append(dict(f, **off))
    clean_runs = study.runner.sims(clean)
    bare_runs = study.runner.sims(bare)
    faulted = []
    for (_, _, _, _, f), r in zip(keys, clean_runs):
        end = float(r.summary["sim_seconds"])
        at = "{:.3f}".format(end / 3)
        faulted.append(dict(f, faults="kill:{}@{}".format(VICTIM, at)))
        faulted.append(dict(f, faults="pause:{}@{}+{:.3f}".format(VICTIM, at, end / 6)))
    fault_runs = study.runner.sims(faulted)
    rows, losses = [], []
    for i, ((which, name, n, seed, f), r_clean, r_bare) in enumerate(zip(keys, clean_runs, bare_runs)):
        cases = [("fault-free", r_clean), ("fault-free, resilience off", r_bare), ("kill", fault_runs[2 * i]),
                 ("pause", fault_runs[2 * i + 1])]
        # The victim's device: its worker, and with co-located servers the server beside it
        # (server k on device k when there are N of them): one fault, two failures.
        victims = {VICTIM, n + VICTIM} if f.get("colocate-servers") else {VICTIM}
        for case, r in cases:
            failures = [x for x in r.summary.get("failures") or [] if x["node"] in victims]
            iterations = r.iterations()

            def number(key, pick=min):  # the first failure, detection; the last back
                values = [float(x[key]) for x in failures if x.get(key) is not None]
                return pick(values) if values else math.nan
            rows.append([which, name, n, case, seed, len(iterations), float(r.summary["sim_seconds"]),
                         number("failed_at"), number("detected_at"), number("resumed_at", max),
                         number("rejoined_at", max), max((int(x["iterations_redone"]) for x in failures), default=0),
                         sum(int(x["recovery_bytes"]) + int(x.get("rejoin_bytes") or 0) for x in failures)])
            if n == max(settings(study, which)["ns"]) and seed == study.seeds[0]:
                for x in iterations:
                    losses.append([which, name, n, case, seed, int(x["iteration"]), float(x["time"]),
                                   tables.number(x["loss"])])
    study.write_csv("resilience.csv", ["model", "strategy", "n", "case", "seed", "iterations", "sim_seconds", "failed_at",
                                       "detected_at", "resumed_at", "rejoined_at", "iterations_redone",
                                       "recovery_bytes"], rows)
    study.write_csv("losses.csv", ["model", "strategy", "n", "case", "seed", "iteration", "time", "loss"], losses)
    fault_points.run(study)  # the same faults over real sockets, at small N


def draw(study):
    rows, curves = {}, {}
    for r in study.read_csv("resilience.csv"):
        rows.setdefault(r["model"], []).append(r)
    for r in study.read_csv("losses.csv"):
        curves.setdefault(r["model"], {}).setdefault((r["strategy"], r["case"]), []).append(
            (float(r["time"]), tables.number(r["loss"])))
    figures, verdicts, wins, notes = [], [], {}, []
    for which in grid.MODELS:
        if which in rows:
            draw_model(study, which, rows[which], curves.get(which, {}), figures, verdicts, wins)
            s = settings(study, which)
            notes.append("{} on {} {}, batch 64, {} iterations, lr {:g}, simulated Pi 4Bs on wifi-n at N = {}.".format(
                s["dataset"], "MLP" if which == "mlp" else "CNN", s["model"], s["iterations"], s["lr"],
                ", ".join(str(n) for n in s["ns"])))
    verdicts += fault_points.draw(study, figures)
    study.write_finding(verdicts, figures, claim=(
        "RingTMP (1f1b) survives a kill and a pause-and-rejoin of a device, finishing every iteration, as a parameter "
        "server and all-reduce do", verdict.claim(wins)), notes=notes + [
        "Node {} (a ring stage, a ps worker, an all-reduce worker; in ps-bsp-co its device, with the server on it) "
        "fails at a third of the fault-free run; a pause lasts a sixth of it.".format(VICTIM),
        "Recovery: from the failure to the survivors training again (the summary's resumed_at - failed_at), "
        "detection included. Cost: seconds of the fault-free run with resilience on over the same with it off.",
    ])


def draw_model(study, which, rows, curves, figures, verdicts, wins):
    """One model's figures and verdicts; `wins` gains its contexts (the kill, the pause)."""
    s = settings(study, which)
    by = {}
    for r in rows:
        by.setdefault((r["strategy"], int(r["n"]), r["case"]), []).append(r)
    ns = sorted({int(r["n"]) for r in rows})
    suffix = grid.suffix(which)
    model = "the " + grid.model_name(which)
    # Loss against time at the largest N, one figure per strategy.
    for name in NAMES:
        series = [plot.Series(case, [p for p in curves.get((name, case), []) if not math.isnan(p[1])], style="lines")
                  for case in ("fault-free", "kill", "pause")]
        png = "resilience-loss-{}{}.png".format(name, suffix)
        plot.plot(study.path(png), "{}, {}: node {} fails at a third of the run ({} simulated Pi 4Bs, wifi-n)".format(
            name, model, VICTIM, max(ns)), "simulated seconds", "training loss", series, key="top right")
        figures.append((png, "{} with {}: loss against simulated time, fault-free, node {} killed, node {} paused and "
                             "back.".format(name, model, VICTIM, VICTIM)))

    # Recovery (failure to training again) and the fault-free cost of resilience, against N.
    recovery, overhead, redone, spent = {}, {}, {}, {}
    for name in NAMES:
        for n in ns:
            for case in ("kill", "pause"):
                runs = by.get((name, n, case), [])
                survived = bool(runs) and all(int(r["iterations"]) == s["iterations"] for r in runs)
                held = wins.setdefault("{} with {}".format(case, model), {})
                held.setdefault(n, True)
                if name == "ring-1f1b":
                    held[n] = survived
                times = [float(r["resumed_at"]) - float(r["failed_at"]) for r in runs
                         if r["resumed_at"] and r["failed_at"]]
                if times:
                    recovery[(name, case, n)] = tables.mean(times)
                if runs:
                    redone[(name, case, n)] = max(int(r["iterations_redone"]) for r in runs)
                    spent[(name, case, n)] = tables.mean(float(r["recovery_bytes"]) for r in runs)
            on, off = by.get((name, n, "fault-free")), by.get((name, n, "fault-free, resilience off"))
            if on and off:
                overhead[(name, n)] = tables.mean(float(r["sim_seconds"]) for r in on) / tables.mean(
                    float(r["sim_seconds"]) for r in off) - 1
    for case in ("kill", "pause"):
        series = [plot.Series(name, [(n, recovery[(name, case, n)]) for n in ns if (name, case, n) in recovery])
                  for name in NAMES]
        png = "recovery-{}{}.png".format(case, suffix)
        plot.plot(study.path(png), "Seconds from node {}'s failure to training again ({}), {}, wifi-n".format(
            VICTIM, case, model), "devices N", "simulated seconds", series, logx=len(ns) > 1, key="top left")
        figures.append((png, "Time from the failure (the {}) to the survivors training again with {}, against N; "
                             "detection included.".format(case, model)))
        for other in BASELINES:
            pairs = {n: (recovery[("ring-1f1b", case, n)], recovery[(other, case, n)]) for n in ns
                     if ("ring-1f1b", case, n) in recovery and (other, case, n) in recovery}
            verdicts.append(verdict.compare("RingTMP (1f1b)", other, pairs, "N", "recovers sooner than",
                                            "recovers later than", " after a {} with {}".format(case, model)))
    # Work redone: the iterations trained again, and the bytes sent to heal (and to readmit).
    series = [plot.Series("{} ({})".format(name, case), [(n, spent[(name, case, n)] / 1e6) for n in ns
                                                          if (name, case, n) in spent])
              for name in NAMES for case in ("kill", "pause")]
    png = "recovery-bytes{}.png".format(suffix)
    plot.plot(study.path(png), "Megabytes sent to heal a failure (and to readmit a paused node), {}, wifi-n".format(
        model), "devices N", "MB sent to heal (and to readmit)", series, logx=len(ns) > 1, logy=True, key="top left")
    figures.append((png, "The work a failure costs besides the time, with {}: bytes sent to heal it (a pause's: "
                         "to readmit the node too), against N.".format(model)))
    for case in ("kill", "pause"):
        most = {name: max((redone[(name, case, n)] for n in ns if (name, case, n) in redone), default=None)
                for name in NAMES}
        verdicts.append("after a {} with {}, iterations trained again: {}".format(case, model, ", ".join(
            "{} at most {}".format(name, most[name]) for name in NAMES if most[name] is not None)))
        for other in BASELINES:
            pairs = {n: (spent[("ring-1f1b", case, n)], spent[(other, case, n)]) for n in ns
                     if ("ring-1f1b", case, n) in spent and (other, case, n) in spent}
            verdicts.append(verdict.compare("RingTMP (1f1b)", other, pairs, "N", "sends fewer bytes to heal than",
                                            "sends more bytes to heal than", " after a {} with {}".format(case, model)))
    series = [plot.Series(name, [(n, 100 * overhead[(name, n)]) for n in ns if (name, n) in overhead])
              for name in NAMES]
    png = "resilience-cost{}.png".format(suffix)
    plot.plot(study.path(png), "What resilience costs when nothing fails, {} (wifi-n)".format(model), "devices N",
              "% longer than the same run with it off", series, logx=len(ns) > 1, key="top left")
    figures.append((png, "The fault-free cost of resilience with {}: the run with it on against the same run with it "
                         "off (the ring's shadows refreshed every iteration; the ps servers' replicas).".format(model)))
    for name in NAMES:
        costs = ["{:.0f}% at N = {}".format(100 * overhead[(name, n)], n) for n in ns if (name, n) in overhead]
        if costs:
            verdicts.append("{} with its resilience on runs longer fault-free with {} by {}".format(
                name, model, ", ".join(costs)))
