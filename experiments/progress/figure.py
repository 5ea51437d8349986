"""Claim (2): RingTMP makes more progress per iteration. Loss against iteration and against
simulated time, and time to a target test accuracy, each strategy with its own best batch
size and learning rate from a small grid (no strategy runs on another's settings). Trained
for real (numerics on), evaluated every K iterations off the simulated clock. For the MLP and
for the CNN (vgg-small: its numerics cost ~50x the MLP's, so a smaller grid and no sweep of N)."""
import math

from study import grid, plot, runtime_points, tables, verdict

TITLE = "loss against iterations and time; time to a target test accuracy, each strategy at its best settings"
SEEDS = {"tiny": 1, "quick": 1, "full": 3}
SAME_SGD_ITERATIONS = 20
SAME_DIGITS = 1e-5  # the CSV's 6 significant digits
STRATEGIES = [
    ("ring-1f1b", {"strategy": "ring", "schedule": "1f1b"}),
    ("ring-async", {"strategy": "ring", "schedule": "async"}),
    ("ps-bsp", {"strategy": "ps", "ps-mode": "bsp", "servers": 1}),
    ("ps-asp", {"strategy": "ps", "ps-mode": "asp", "servers": 1}),
    ("allreduce", {"strategy": "allreduce"}),
]
# Equal hardware: every device a worker and the server of one shard (--colocate-servers),
# added to the flags at N.
COLOCATED = "ps-bsp-co"
BASELINES = ("ps-bsp", COLOCATED, "ps-asp", "allreduce")
MODELS = grid.MODELS


def settings(study, which="mlp"):
    if which == "cnn":
        return {
            "n": study.pick(tiny=3, quick=8, full=8),
            "ns": [],
            "network": "wifi-n",
            "dataset": study.pick(tiny="synthetic", quick="fashion-mnist", full="fashion-mnist"),
            "model": grid.CNN,
            "batches": study.pick(tiny=[16], quick=[64], full=[64]),
            "lrs": study.pick(tiny=[0.01], quick=[0.01], full=[0.01, 0.03]),
            "momenta": [0.9],
            # 80% takes ~16k samples at batch 64, lr 0.01 (all-reduce, N = 4); --quick's
            # target is lower, so that its shorter runs still reach it.
            "samples": study.pick(tiny=256, quick=6400, full=20480),
            "target": study.pick(tiny=0.5, quick=0.7, full=0.8),
            "evals": study.pick(tiny=4, quick=4, full=8),  # a CNN evaluation of 10k test samples costs ~6 s
        }
    return {
        "n": study.pick(tiny=3, quick=8, full=8),
        # Time to the target against N, at the settings best at n (the model's 8 layers allow
        # an 8-stage ring at most).
        "ns": study.pick(tiny=[2, 3], quick=[2, 4, 8], full=[2, 4, 8]),
        "network": "wifi-n",
        "dataset": study.pick(tiny="synthetic", quick="fashion-mnist", full="fashion-mnist"),
        # One dense layer per ring stage at least.
        "model": study.pick(tiny="16,32,32,4", quick="784,256,256,256,128,128,128,64,10",
                            full="784,256,256,256,128,128,128,64,10"),
        "batches": study.pick(tiny=[16, 32], quick=[64, 256], full=[64, 256]),
        "lrs": study.pick(tiny=[0.05, 0.1], quick=[0.01, 0.05], full=[0.01, 0.03, 0.1]),
        # Stale gradients (the async ring, asp) and momentum 0.9 diverge: both are in the grid.
        "momenta": study.pick(tiny=[0.9], quick=[0.0, 0.9], full=[0.0, 0.9]),
        "samples": study.pick(tiny=2000, quick=60000, full=120000),  # training samples seen: equal for every batch
        "target": study.pick(tiny=0.5, quick=0.8, full=0.8),
        "evals": 30,  # evaluations along the way per run: the time to the target is read to 1/30 of a run
    }


def strategies(n):
    """Name and flags of every strategy at N."""
    return STRATEGIES + [(COLOCATED, {"strategy": "ps", "ps-mode": "bsp", "servers": n, "colocate-servers": True})]


def flags(s, strategy, n, setting, seed):
    batch, lr, momentum = setting
    iterations = s["samples"] // batch
    f = {"device": "pi4b", "network": s["network"], "nodes": n, "batch": batch, "microbatches": 8 if batch >= 64 else 4, "lr": lr, "momentum": momentum,
         "iterations": iterations, "eval-every": max(1, iterations // s["evals"]), "seed": seed,
         "dataset": s["dataset"], "peer-timeout": 3600, "replica-every": 0,
         # A grid point may diverge (stale gradients and a large lr): that is a
         # result, a run that never reaches the target, not an error.
         "allow-divergence": True}
    f["model" if s["model"] == grid.CNN else "layers"] = s["model"]
    if s["dataset"] == "synthetic":
        f.update({"synthetic-train": 2048, "synthetic-test": 512})
    f.update(strategy)
    return f


def by_n_runs(study, s, best):
    """Time to the target against N: each strategy at its best settings at N = s["n"], run at
    the other N of s["ns"] (s["n"]'s own runs are the grid's). Rows of time-to-target-by-n.csv."""
    plans = []
    for n in s["ns"]:
        for name, strategy in strategies(n):
            if name in best:
                for seed in study.seeds:
                    plans.append((name, n, best[name][1], seed, flags(s, strategy, n, best[name][1], seed)))
    rows = []
    for (name, n, setting, seed, _), r in zip(plans, study.runner.sims([p[-1] for p in plans])):
        at = time_to([(int(x["iteration"]), float(x["time"]), tables.number(x["test_accuracy"]))
                      for x in r.evaluations()], s["target"])
        power = float(r.summary["energy_joules"]) / float(r.summary["sim_seconds"])
        rows.append([name, n, r.devices(), *setting, seed, at, at * power])
    return rows


def run(study):
    loss_rows, eval_rows, run_rows = [], [], []
    for which in MODELS:
        s = settings(study, which)
        plans = []
        for name, strategy in strategies(s["n"]):
            for setting in settings_grid(s):
                for seed in study.seeds:
                    plans.append((name, *setting, seed, flags(s, strategy, s["n"], setting, seed)))
        results = study.runner.sims([p[5] for p in plans])
        for (name, batch, lr, momentum, seed, _), r in zip(plans, results):
            run_rows.append([which, name, batch, lr, momentum, seed, float(r.summary["sim_seconds"]),
                             float(r.summary["energy_joules"]), r.devices()])
            for x in r.iterations():
                loss_rows.append([which, name, batch, lr, momentum, seed, int(x["iteration"]), float(x["time"]),
                                  tables.number(x["loss"]), int(x["samples"])])
            for x in r.evaluations():
                eval_rows.append([which, name, batch, lr, momentum, seed, int(x["iteration"]), float(x["time"]),
                                  tables.number(x["test_accuracy"]), tables.number(x["test_loss"])])
    study.write_csv("losses.csv", ["model", "strategy", "batch", "lr", "momentum", "seed", "iteration", "time", "loss",
                                   "samples"], loss_rows)
    study.write_csv("evaluations.csv", ["model", "strategy", "batch", "lr", "momentum", "seed", "iteration", "time",
                                        "test_accuracy", "test_loss"], eval_rows)
    study.write_csv("runs.csv", ["model", "strategy", "batch", "lr", "momentum", "seed", "sim_seconds",
                                 "energy_joules", "devices"], run_rows)
    # Time to the target against N: the MLP's (the CNN's numerics are too dear to sweep N too).
    s = settings(study)
    evals = {}
    for r in eval_rows:
        if r[0] == "mlp":
            evals.setdefault((r[1], tuple(r[2:5]), r[5]), []).append((r[6], r[7], r[8]))
    _, best = grid_summary(s, evals, {})
    study.write_csv("time-to-target-by-n.csv", ["strategy", "n", "devices", "batch", "lr", "momentum", "seed",
                                                "seconds", "joules"], by_n_runs(study, s, best))
    runtime_points.run(study)


def settings_grid(s):
    """Every (batch, lr, momentum) of the stated grid."""
    return [(b, lr, m) for b in s["batches"] for lr in s["lrs"] for m in s["momenta"]]


def describe(setting):
    return "batch {}, lr {:g}, momentum {:g}".format(*setting)


def setting_of(row):
    return int(row["batch"]), float(row["lr"]), float(row["momentum"])


def time_to(evals, target):
    """The first evaluation's time at or above the target accuracy, else inf."""
    for e in sorted(evals, key=lambda e: e[0]):
        if e[2] >= target:
            return e[1]
    return math.inf


def grid_summary(s, evals, power):
    """Per strategy and grid point, over seeds: time to the target (min, mean, max), final
    accuracy and joules until the target (`power`: each run's mean watts; nan without); and
    each strategy's best point: {name: (score, setting, (lo, mean, hi))}."""
    grid_rows, best = [], {}
    for name, _ in strategies(s["n"]):
        for setting in sorted({k[1] for k in evals if k[0] == name}):
            seeds = sorted(k[2] for k in evals if k[:2] == (name, setting))
            times = [time_to(evals[(name, setting, sd)], s["target"]) for sd in seeds]
            joules = tables.mean(t * power.get((name, setting, sd), math.nan) for t, sd in zip(times, seeds))
            final = [max(evals[(name, setting, sd)])[2] for sd in seeds]
            final = [a for a in final if not math.isnan(a)] or [0.0]  # diverged: nothing learnt
            lo, mean, hi = tables.spread(times)
            grid_rows.append([name, *setting, len(seeds), lo, mean, hi, tables.mean(final), joules])
            score = (mean, -tables.mean(final))
            if name not in best or score < best[name][0]:
                best[name] = (score, setting, (lo, mean, hi))
    return grid_rows, best


def draw_by_n(study, s, figures):
    """Time to the target against N (strong scaling: the same global batch, split further).
    Returns the sentences and where the ring reached the target before every baseline."""
    seconds, joules = {}, {}
    never = lambda cell: float(cell) if cell != "" else math.inf  # an empty cell: the target not reached
    for r in study.read_csv("time-to-target-by-n.csv"):
        seconds.setdefault((r["strategy"], int(r["n"])), []).append(never(r["seconds"]))
        joules.setdefault((r["strategy"], int(r["n"])), []).append(never(r["joules"]))
    ns = sorted({n for _, n in seconds})
    names = [name for name, _ in strategies(s["n"]) if any((name, n) in seconds for n in ns)]
    # A run that never reaches the target has no point (inf); its N is said in the verdicts.
    series = [plot.spread_series(name, {n: seconds[(name, n)] for n in ns if (name, n) in seconds
                                        and all(math.isfinite(x) for x in seconds[(name, n)])}) for name in names]
    png = "time-to-target-by-n.png"
    plot.plot(study.path(png), "Simulated seconds to {:.0%} test accuracy against N ({}, each strategy at its best "
              "settings at N = {})".format(s["target"], s["network"], s["n"]), "devices N (workers; ps-bsp adds a "
              "server)", "seconds (bars: min..max over seeds)", series, logx=True, logy=True,
              key="outside right top", size=(1000, 520))
    figures.append((png, "Time to the target accuracy against N: the same global batch on more devices, each "
                         "strategy at the batch, lr and momentum best for it at N = {}.".format(s["n"])))
    mean = {k: tables.mean(v) for k, v in seconds.items()}
    wins, sentences = grid.against_baselines(mean, ns, " on {}".format(s["network"]), "reaches {:.0%} sooner than"
                                          .format(s["target"]), "reaches {:.0%} later than".format(s["target"]))
    energy = {k: tables.mean(v) for k, v in joules.items()}
    _, spent = grid.against_baselines(energy, ns, " on {}".format(s["network"]), "spends less energy to the target "
                                      "than", "spends more energy to the target than")
    return sentences + spent, wins


def draw(study):
    losses, evals = {}, {}
    for r in study.read_csv("losses.csv"):
        key = (r["model"], r["strategy"], setting_of(r), int(r["seed"]))
        losses.setdefault(key, []).append((int(r["iteration"]), float(r["time"]), tables.number(r["loss"]),
                                           int(r["samples"])))
    for r in study.read_csv("evaluations.csv"):
        key = (r["model"], r["strategy"], setting_of(r), int(r["seed"]))
        evals.setdefault(key, []).append((int(r["iteration"]), float(r["time"]), tables.number(r["test_accuracy"])))
    # A run's mean power (all its devices), for the joules spent until the target.
    power = {(r["model"], r["strategy"], setting_of(r), int(r["seed"])):
             float(r["energy_joules"]) / float(r["sim_seconds"]) for r in study.read_csv("runs.csv")}
    figures, verdicts, wins, summary_rows, notes = [], [], {}, [], []
    for which in MODELS:
        if not any(k[0] == which for k in losses):
            continue
        of = lambda table: {k[1:]: v for k, v in table.items() if k[0] == which}  # noqa: E731
        s = settings(study, which)
        at = grid.where(which, s["network"])
        rows, ring_wins = draw_model(study, which, s, of(losses), of(evals), of(power), figures, verdicts)
        summary_rows += [[which] + r for r in rows]
        wins[at] = {s["n"]: ring_wins}
        if which == "mlp":
            by_n, wins_by_n = draw_by_n(study, s, figures)
            verdicts += by_n
            # The claim at every N measured: the grid's N (every baseline, ps-asp too) and the others.
            wins_by_n[s["n"]] = wins_by_n.get(s["n"], True) and ring_wins
            wins[at] = wins_by_n
        notes.append("{}: {} simulated Pi 4Bs on {}, {} on {} {}, {} training samples per run whatever the batch; "
                     "grid: batch {} x lr {} x momentum {}; evaluated {} times a run off the simulated clock; target "
                     "{:.0%} test accuracy.".format("MLP" if which == "mlp" else "CNN", s["n"], s["network"],
                                                     s["dataset"], "MLP" if which == "mlp" else "CNN", s["model"],
                                                     s["samples"], s["batches"], s["lrs"], s["momenta"], s["evals"],
                                                     s["target"]))
    study.write_csv("time-to-target.csv", ["model", "strategy", "batch", "lr", "momentum", "seeds", "seconds_min",
                                           "seconds_mean", "seconds_max", "final_accuracy_mean",
                                           "joules_to_target_mean"], summary_rows)
    # The runtime beside the simulator: the same losses, iteration by iteration (idle's and
    # scaling's runs, made once).
    verdicts.append(runtime_points.same_losses(study))
    target = settings(study)["target"]
    study.write_finding(verdicts, figures, claim=(
        "RingTMP (1f1b) reaches {:.0%} test accuracy sooner than a parameter server and ring all-reduce, each at its "
        "best batch and learning rate".format(target), verdict.claim(wins)), notes=notes + [
        "Best settings: the grid point with the soonest mean time to the target (ties: the higher final accuracy).",
        "Energy to the target: each run's mean power (its devices' joules over its simulated seconds, runs.csv) "
        "times its time to the target; the runs are in steady state, so this is the energy spent until then.",
        "Time to the target against N is the MLP's only: the CNN's numerics cost about 50 times the MLP's per "
        "sample on this machine.",
    ])


def draw_model(study, which, s, losses, evals, power, figures, verdicts):
    """One model's loss curves, time to the target and verdicts (tables keyed (strategy,
    setting, seed)). Returns its rows of time-to-target.csv and whether the ring reached the
    target before every baseline."""
    names = [n for n, _ in strategies(s["n"])]
    grid_rows, best = grid_summary(s, evals, power)
    joules_to_target = {(r[0], tuple(r[1:4])): r[-1] for r in grid_rows}
    suffix = grid.suffix(which)
    model = "the " + grid.model_name(which)
    at = " on {} with {} devices{}".format(s["network"], s["n"], "" if which == "mlp" else " with " + model)
    for axis, column, label in (("iteration", 0, "iteration"), ("time", 1, "simulated seconds")):
        series = []
        for name in names:
            if name not in best:
                continue
            _, setting, _ = best[name]
            seeds = sorted(k[2] for k in losses if k[:2] == (name, setting))
            trace = losses[(name, setting, seeds[0])]
            step = max(1, len(trace) // 200)
            series.append(plot.Series("{} ({})".format(name, describe(setting)),
                                      [(p[column], p[2]) for p in trace[::step] if not math.isnan(p[2])],
                                      style="lines"))
        png = "loss-{}{}.png".format(axis, suffix)
        plot.plot(study.path(png), "Training loss against {}, {} (each strategy at its best batch and lr; seed {})"
                  .format(label, model, study.seeds[0]), label, "training loss", series, logx=(axis == "time"),
                  key="top right")
        figures.append((png, "Training loss against {} with {}, each strategy at the settings that reach the target "
                             "accuracy soonest.".format(label, model)))
    bars = [plot.Series(name, [(i + 1, best[name][2][1], best[name][2][0], best[name][2][2])])
            for i, name in enumerate(names) if name in best and math.isfinite(best[name][2][1])]
    if bars:
        png = "time-to-target{}.png".format(suffix)
        plot.plot(study.path(png), "Simulated seconds to {:.0%} test accuracy, {} ({} Pi 4Bs, {})".format(
                      s["target"], model, s["n"], s["network"]), "strategy (1: " + ", ".join(
                      "{}: {}".format(i + 1, n) for i, n in enumerate(names)) + ")", "seconds (bars: min..max over seeds)",
                  bars, xrange=(0, len(names) + 1), logy=True, key="top left", xtics=1)
        figures.append((png, "Time to the target accuracy per strategy with {}, at its best settings.".format(model)))
    soonest = {name: best[name][2][1] for name in names if name in best}
    ring = soonest.get("ring-1f1b", math.inf)
    for other in BASELINES:
        if other in soonest:
            verdicts.append(verdict.sooner("RingTMP (1f1b)", other, ring, soonest[other],
                                           "{:.0%} test accuracy".format(s["target"]), at))
    for name in names:
        if name in best:
            _, setting, (lo, mean, hi) = best[name]
            joules = joules_to_target[(name, setting)]
            verdicts.append("{} reaches {:.0%} with {} in {} ({})".format(
                name, s["target"], model, "{:.4g} s (min {:.4g}, max {:.4g} over seeds), spending {:.4g} J on its "
                "devices".format(mean, lo, hi, joules)
                if math.isfinite(mean) else "no setting of the grid, within {} samples".format(s["samples"]),
                describe(setting)))
    ring_joules = joules_to_target[("ring-1f1b", best["ring-1f1b"][1])] if "ring-1f1b" in best else math.inf
    for other in BASELINES:
        if other in best and math.isfinite(ring_joules):
            theirs = joules_to_target[(other, best[other][1])]
            verdicts.append("RingTMP (1f1b) spends {} energy than {} to reach {:.0%} with {} ({:.4g} J against {})"
                            .format("less" if ring_joules < theirs else "more", other, s["target"], model, ring_joules,
                                    "{:.4g} J".format(theirs) if math.isfinite(theirs) else "never reaching it"))
    # The same SGD: at the same settings, the synchronous ring's and bsp's loss traces agree,
    # over the first iterations (later, their different summation orders' rounding grows as
    # training amplifies it; the CSV keeps 6 digits).
    # Where the rounding grows fast (a CNN at a large lr), say from which iteration on.
    worst, compared, agree = 0.0, 0, SAME_SGD_ITERATIONS
    for key, trace in losses.items():
        other = ("ps-bsp",) + key[1:]
        if key[0] == "ring-1f1b" and other in losses:
            for i, (a, b) in enumerate(list(zip(trace, losses[other]))[:SAME_SGD_ITERATIONS]):
                if not (math.isnan(a[2]) or math.isnan(b[2])):
                    apart = abs(a[2] - b[2]) / max(abs(b[2]), 1e-12)
                    worst = max(worst, apart)
                    if apart > SAME_DIGITS:
                        agree = min(agree, i)
                    compared += 1
    if compared and worst == 0:
        verdicts.append("synchronous RingTMP and ps-bsp are the same SGD per iteration: at the same batch and lr with "
                        "{} their losses are identical over the first {} iterations at every setting, so progress per "
                        "iteration differs only through asynchrony and batch size".format(model, SAME_SGD_ITERATIONS))
    elif compared:
        verdicts.append("synchronous RingTMP and ps-bsp are the same SGD per iteration: at the same batch and lr "
                        "with {} their losses agree to the CSV's 6 digits over the first {} iterations at every "
                        "setting, and differ by at most {:.2g} (relative) over the first {} (the rounding of their "
                        "different summation orders, amplified by training), so progress per iteration differs only "
                        "through asynchrony and batch size".format(model, agree, worst, SAME_SGD_ITERATIONS))
    others = [soonest[o] for o in BASELINES if o in soonest]
    return grid_rows, bool(others) and ring < min(others)
