"""The runtime beside the simulator: a claim's sim figure carries points measured for real
(`ringtmp validate --netns`: `launch` of N processes on this machine, links shaped by tbf
to the network's profile, against `sim` of the same config on this machine's `host`
profile), each with its error. Needs root (network namespaces); without, the points are
left out and the finding says why. One validation at a time: they measure the wall clock."""
import json
import os

from study import grid, plot

METRICS = ("iteration_seconds", "idle_fraction")
NETWORK = "wifi-n"
STRATEGIES = ("ring-1f1b", "ps-bsp", "allreduce")



def case(study):
    """The model and iterations of every runtime point: the same at quick and full size, since
    the runtime spends wall-clock seconds on this machine, and the full study's model (64
    stages deep) made one bsp iteration move 17 MB per worker over wifi-n-shaped links,
    minutes per point. Sim and runtime run the same config either way."""
    sixteen_layers = ",".join(["784"] + ["256"] * 15 + ["10"])
    return study.pick(tiny=("784,64,64,10", 2), quick=(sixteen_layers, 4), full=(sixteen_layers, 4))


def processes(flags):
    """The processes `launch --local` starts for a run's flags: its nodes, and a parameter
    server's servers beside its workers."""
    return flags["nodes"] + flags.get("servers", 0)


def describe(study):
    return "MLP {}, {} iterations".format(*case(study))


def unavailable():
    """Why runtime points cannot be measured here, or None."""
    if os.geteuid() != 0:
        return "runtime points need root for network namespaces (ringtmp validate --netns); not root here"
    if not os.path.exists("/usr/sbin/ip") and not os.path.exists("/sbin/ip"):
        return "runtime points need iproute2's ip (apt-get install iproute2)"
    return None


def measure(study, cases):
    """cases: [(label, n, flags)] with the sim flags of the point (device and timing-only are
    replaced: the runtime computes for real on this machine; layers and iterations are case(study)'s). Returns rows
    [label, n, metric, sim, runtime, relative error, the largest difference of an iteration's loss]."""
    flag_sets = []
    layers, iterations = case(study)
    for _, n, flags in cases:
        f = {k: v for k, v in flags.items() if k not in ("device", "timing-only")}
        # No fault is measured here: a node starved of the CPU for seconds on a loaded machine
        # must not be declared dead (the default timeout is the Pis' 2.5 s).
        f.update({"netns": True, "repeats": 1, "layers": layers, "iterations": iterations, "failure-timeout": 30})
        flag_sets.append(f)
    rows = []
    for (label, n, _), r in zip(cases, study.runner.many("validate", flag_sets, jobs=1)):
        with open(os.path.join(r.folder, "validate.json")) as f:
            v = json.load(f)
        for metric in METRICS:
            rows.append([label, n, metric, float(v[metric]["sim"]), float(v[metric]["runtime"]),
                         float(v[metric]["relative_error"]), float(v["max_loss_difference"])])
    return rows


def cases(study):
    """Every claim's runtime points: ring, bsp and all-reduce at small N on wifi-n-shaped links
    (the runner makes each once, whichever experiment asks first)."""
    return [(name, n, grid.flags(study, NETWORK, name, n, study.seeds[0]))
            for n in study.pick(tiny=[2], quick=[2, 4], full=[2, 4]) for name in STRATEGIES]


def note_unavailable(study):
    """True, with runtime-unavailable.txt saying why, if runtime points cannot be measured here."""
    why = unavailable()
    if why:
        with open(study.path("runtime-unavailable.txt"), "w") as f:
            f.write(why + "\n")
    return bool(why)


def why_none(study):
    """The finding's sentence when the experiment's results have no runtime points, else None."""
    if not os.path.exists(study.path("runtime-unavailable.txt")):
        return None
    with open(study.path("runtime-unavailable.txt")) as f:
        return "no runtime points: " + f.read().strip()


def run(study, points=None):
    """runtime.csv of `points` (measure's cases; default: every claim's, cases(study)), or
    runtime-unavailable.txt saying why there is none."""
    if note_unavailable(study):
        return
    study.write_csv("runtime.csv", ["strategy", "n", "metric", "sim_host", "runtime", "relative_error",
                                    "max_loss_difference"], measure(study, points or cases(study)))


def same_losses(study):
    """The finding's sentence on the numbers: sim and runtime train the same model the same
    way, so every iteration's loss should agree (the runtime's arrival order may round
    differently), or why there are no points."""
    if why_none(study):
        return why_none(study)
    cases = {(r["strategy"], r["n"]): float(r["max_loss_difference"]) for r in study.read_csv("runtime.csv")}
    worst = max(cases.values())
    return ("over real sockets (validate --netns: {} at N = {}, {}), every iteration's loss is the simulator's {}"
            .format(", ".join(sorted({s for s, _ in cases})), ", ".join(sorted({n for _, n in cases}, key=int)),
                    describe(study), "exactly" if worst == 0 else "to within {:.2g}".format(worst)))


def draw(study, figures, metric, what, convert=None, yrange=None, network=NETWORK):
    """The figure of one metric of runtime.csv (`convert` maps it to what is drawn, e.g. seconds
    per iteration to samples per second): the simulator on this machine's host profile against
    the runtime, per case, on links shaped to `network`. Returns the finding's sentence, or
    why there are no points."""
    if why_none(study):
        return why_none(study)
    convert = convert or (lambda v: v)
    rows = [r for r in study.read_csv("runtime.csv") if r["metric"] == metric]
    points = [(r["strategy"], r["n"], convert(float(r["sim_host"])), convert(float(r["runtime"]))) for r in rows]
    labels = ["{} {}@{}".format(i + 1, s, n) for i, (s, n, _, _) in enumerate(points)]
    series = [plot.Series("sim, this machine's host profile", [(i + 1, p[2]) for i, p in enumerate(points)],
                          style="points pt 7 ps 1.5"),
              plot.Series("runtime: launch --netns, measured", [(i + 1, p[3]) for i, p in enumerate(points)],
                          style="points pt 5 ps 1.5")]
    png = "{}-runtime-{}.png".format(what.replace(" ", "-"), network.replace(" ", "-").lower())
    plot.plot(study.path(png), "{}, simulated and measured on this machine ({} shaped by tbf)".format(
        what.capitalize(), network), "case: " + ", ".join(labels), what, series, yrange=yrange,
        xrange=(0, len(points) + 1), key="bottom right", xtics=1)
    figures.append((png, "The runtime beside the simulator: `ringtmp validate --netns` runs each case for real (N "
                         "processes on this machine, links shaped to {}) and in sim on this machine's profile ({})."
                         .format(network, describe(study))))
    errors = [(abs(sim - measured) / measured, s, n, sim, measured) for s, n, sim, measured in points]
    worst = max(errors)
    return ("the simulator predicts the measured {} within {:.1%} (worst: {} at N = {}, sim {:.4g}, runtime {:.4g}) "
            "over {} cases on {}-shaped links".format(what, worst[0], worst[1], worst[2], worst[3], worst[4],
                                                      len(points), network))
