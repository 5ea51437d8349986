"""The runtime beside the simulator: a claim's sim figure carries points measured for real
(`ringtmp validate --netns`: `launch` of N processes on this machine, links shaped by tbf
to the network's profile, against `sim` of the same config on this machine's `host`
profile), each with its error. Needs root (network namespaces); without, the points are
left out and the finding says why. One validation at a time: they measure the wall clock."""
import json
import os

METRICS = ("iteration_seconds", "idle_fraction")



def case(study):
    """The model and iterations of every runtime point: the same at quick and full size, since
    the runtime spends wall-clock seconds on this machine, and the full study's model (64
    stages deep) made one bsp iteration move 17 MB per worker over wifi-n-shaped links,
    minutes per point. Sim and runtime run the same config either way."""
    sixteen_layers = ",".join(["784"] + ["256"] * 15 + ["10"])
    return study.pick(tiny=("784,64,64,10", 2), quick=(sixteen_layers, 4), full=(sixteen_layers, 4))


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
    [label, n, metric, sim, runtime, relative error]."""
    flag_sets = []
    layers, iterations = case(study)
    for _, n, flags in cases:
        f = {k: v for k, v in flags.items() if k not in ("device", "timing-only")}
        f.update({"netns": True, "repeats": 1, "layers": layers, "iterations": iterations})
        flag_sets.append(f)
    rows = []
    for (label, n, _), r in zip(cases, study.runner.many("validate", flag_sets, jobs=1)):
        with open(os.path.join(r.folder, "validate.json")) as f:
            v = json.load(f)
        for metric in METRICS:
            rows.append([label, n, metric, float(v[metric]["sim"]), float(v[metric]["runtime"]),
                         float(v[metric]["relative_error"])])
    return rows
