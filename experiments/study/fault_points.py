"""The resilience claim's runtime points: each strategy's kill and pause-and-rejoin over real
sockets (`launch --netns --faults`: N processes on this machine, links shaped by tbf to
wifi-n, the schedule played as signals: cli/fault_player.hpp) beside `sim` of the same config
and schedule on this machine's host profile. Compared: whether every iteration finishes, the
time from the failure to training again, and every iteration's loss. Needs root (network
namespaces); one launch at a time (they measure the wall clock)."""
import math

from study import plot, runtime_points, tables

VICTIM = 1
N = 3
STRATEGIES = [  # the resilience experiment's, at N = 3: a ring of 3 stages, 3 ps workers and 2 servers
    ("ring-1f1b", {"strategy": "ring", "schedule": "1f1b", "microbatches": 4, "replica-every": 1}),
    ("ps-bsp", {"strategy": "ps", "ps-mode": "bsp", "servers": 2, "server-replicas": 1}),
    ("allreduce", {"strategy": "allreduce"}),
]
CASES = ("fault-free", "kill", "pause")
COLUMNS = ["strategy", "n", "case", "world", "iterations", "seconds", "failed_at", "detected_at", "resumed_at",
           "rejoined_at", "iterations_redone", "recovery_seconds", "max_loss_difference"]
# A recovery, from what to training again: a paused node reports when it stopped on its own
# clock, but a killed one never speaks again, and launch's time of the kill runs ahead of the
# nodes' clocks by their start-up (loading the data); so a kill's is timed from its detection.
RECOVERY_FROM = {"pause": "failed_at", "kill": "detected_at"}


def strategies(study):
    """Every strategy, but at --quick size not ps-bsp: its runs are the longest on the wall
    clock (20 iterations take a minute over the shaped sockets), and --quick has 15 minutes."""
    return [s for s in STRATEGIES if study.size != "quick" or s[0] != "ps-bsp"]


def timing(study):
    """(the run's length to aim at, when the fault strikes, how long a pause lasts, the
    detection flags) in seconds: the Pis' failure timeout (2.5 s) at quick and full size, a
    scaled-down one for the tests' seconds-long run."""
    return study.pick(tiny=(3.0, 1.0, 1.2, {"heartbeat": 0.1, "failure-timeout": 0.5}),
                      quick=(24.0, 8.0, 6.0, {}), full=(24.0, 8.0, 6.0, {}))


def base_flags(study, strategy_flags):
    f = dict(strategy_flags, **{"nodes": N, "network": "wifi-n", "batch": 64, "lr": 0.05, "seed": study.seeds[0],
                                "peer-timeout": 3600})
    f.update(study.pick(tiny={"dataset": "synthetic", "synthetic-train": 2048, "synthetic-test": 256,
                              "layers": "16,32,32,4"},
                        quick={"dataset": "fashion-mnist", "layers": "784,512,512,512,10"},
                        full={"dataset": "fashion-mnist", "layers": "784,512,512,512,10"}))
    f.update(timing(study)[3])
    return f


def launch_flags(flags):
    return dict(flags, netns=True, local=runtime_points.processes(flags))


def run(study):
    """fault-runtime.csv, or runtime-unavailable.txt (runtime_points.run's) saying why not."""
    if runtime_points.note_unavailable(study):
        return
    length, at, pause, _ = timing(study)
    # Iterations for a run of about `length` seconds over the sockets, from a short one (the
    # simulator's Wi-Fi has latency and contention that tbf's shaping does not: it can be slower).
    probes = study.runner.many("launch", [launch_flags(dict(base_flags(study, f), iterations=20))
                                          for _, f in strategies(study)], jobs=1)
    sims, launches, keys = [], [], []
    for (name, strategy_flags), probe in zip(strategies(study), probes):
        per_iteration = float(probe.summary["wall_seconds"]) / 20
        f = dict(base_flags(study, strategy_flags), iterations=max(20, math.ceil(length / per_iteration)))
        for case, faults in zip(CASES, (None, "kill:{}@{}".format(VICTIM, at),
                                        "pause:{}@{}+{}".format(VICTIM, at, pause))):
            g = dict(f, faults=faults) if faults else dict(f)
            keys.append((name, case))
            sims.append(dict(g, device="host"))
            launches.append(launch_flags(g))
    sim_runs = study.runner.sims(sims)
    runtime_runs = study.runner.many("launch", launches, jobs=1)
    rows = []
    for (name, case), s, r in zip(keys, sim_runs, runtime_runs):
        sim_losses = {x["iteration"]: tables.number(x["loss"]) for x in s.iterations()}
        runtime_losses = {x["iteration"]: tables.number(x["loss"]) for x in r.iterations()}
        common = [i for i in sim_losses if i in runtime_losses]
        difference = max((abs(sim_losses[i] - runtime_losses[i]) for i in common), default=math.nan)
        for world, run_ in (("sim", s), ("runtime", r)):
            failure = next((x for x in run_.summary.get("failures") or [] if x["node"] == VICTIM), None)
            value = lambda key: float(failure[key]) if failure and failure.get(key) is not None else math.nan  # noqa
            seconds = float(run_.summary.get("sim_seconds") or run_.summary["wall_seconds"])
            rows.append([name, N, case, world, len(run_.iterations()), seconds, value("failed_at"),
                         value("detected_at"), value("resumed_at"), value("rejoined_at"),
                         int(failure["iterations_redone"]) if failure else 0,
                         value("resumed_at") - value(RECOVERY_FROM.get(case, "failed_at")), difference])
    study.write_csv("fault-runtime.csv", COLUMNS, rows)


def draw(study, figures):
    """The figure of fault-runtime.csv and the finding's sentences (or why there are none)."""
    why = runtime_points.why_none(study)
    if why:
        return [why]
    rows = study.read_csv("fault-runtime.csv")
    by = {(r["strategy"], r["case"], r["world"]): r for r in rows}
    names = [name for name, _ in STRATEGIES if any(r["strategy"] == name for r in rows)]
    points = [(name, case) for name in names for case in ("kill", "pause")]
    labels = ["{} {} {}".format(i + 1, name, case) for i, (name, case) in enumerate(points)]

    def recovery(name, case, world):
        return tables.number(by[(name, case, world)]["recovery_seconds"])

    series = [plot.Series("sim, this machine's host profile",
                          [(i + 1, recovery(n, c, "sim")) for i, (n, c) in enumerate(points)],
                          style="points pt 7 ps 1.5"),
              plot.Series("runtime: launch --netns --faults, measured",
                          [(i + 1, recovery(n, c, "runtime")) for i, (n, c) in enumerate(points)],
                          style="points pt 5 ps 1.5")]
    png = "recovery-runtime-wifi-n.png"
    plot.plot(study.path(png), "Seconds to training again after node {}'s pause (from the pause) or kill (from its "
              "detection), N = {}, wifi-n shaped by tbf".format(VICTIM, N), "case: " + ", ".join(labels), "seconds",
              series,
              xrange=(0, len(points) + 1), key="top left", xtics=1)
    _, at, pause, _ = timing(study)
    figures.append((png, "The runtime beside the simulator: each strategy at N = {} over real sockets (`launch "
                         "--netns --faults`), node {} killed at {:g} s or paused {:g}..{:g} s (SIGSTOP, SIGCONT), "
                         "against `sim` of the same config and schedule on this machine's profile. A pause's recovery "
                         "counts from the pause (the node's own time of it), a kill's from its detection (a killed "
                         "node never reports when it stopped).".format(N, VICTIM, at, at, at + pause)))
    unfinished = ["{} {}".format(n, c) for n in names for c in CASES
                  if any(int(by[(n, c, w)]["iterations"]) != int(by[(n, "fault-free", w)]["iterations"])
                         for w in ("sim", "runtime"))]
    sentences = ["over real sockets, {}".format(
        "every strategy finishes every iteration after the kill and after the pause-and-rejoin, as in sim"
        if not unfinished else "not every run finishes: " + ", ".join(unfinished))]
    errors = []
    for n, c in points:
        sim, measured = recovery(n, c, "sim"), recovery(n, c, "runtime")
        if not (math.isnan(sim) or math.isnan(measured)):
            errors.append((abs(sim - measured) / measured, n, c, sim, measured))
    if errors:
        worst = max(errors)
        sentences.append("the simulator predicts the measured recovery (to training again: from a pause, detection "
                         "included; from a kill's detection) within {:.1%} (worst: {} {}, sim {:.2f} s, runtime "
                         "{:.2f} s) over {} cases".format(
                             worst[0], worst[1], worst[2], worst[3], worst[4], len(errors)))
    differences = [tables.number(r["max_loss_difference"]) for r in rows if r["world"] == "runtime"]
    finite = [d for d in differences if not math.isnan(d)]
    if finite:
        sentences.append("with and without faults, every iteration's loss over real sockets is the simulator's {}"
                         .format("exactly" if max(finite) == 0 else "to within {:.2g}".format(max(finite))))
    return sentences
