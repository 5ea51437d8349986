"""The study's main sweep: every strategy at every N on each network, with the same model,
batch and seeds, timing-only (what a strategy costs in time, idleness and energy does not
depend on the numbers it computes), for an MLP and for a CNN. The idle, scaling and energy
experiments read the same runs (made once: runs.Runner shares run folders)."""
from study import verdict

MICROBATCHES = 8
BATCH = 256
# The CNN: small parameters, large activations (400 KB per sample), the case where a ring
# that ships activations should lose. Its 12 layers are as many ring stages as it allows.
CNN = "vgg-small"
MODELS = ("mlp", "cnn")


def servers_k(n):
    """The 'K servers' parameter server: one server per four workers, at least two."""
    return max(2, n // 4)


# name -> flags at N, and the number of devices it occupies at N.
STRATEGIES = [
    ("ring-gpipe", lambda n: {"strategy": "ring", "schedule": "gpipe"}, lambda n: n),
    ("ring-1f1b", lambda n: {"strategy": "ring", "schedule": "1f1b"}, lambda n: n),
    ("ring-async", lambda n: {"strategy": "ring", "schedule": "async"}, lambda n: n),
    ("ps-bsp", lambda n: {"strategy": "ps", "ps-mode": "bsp", "servers": 1}, lambda n: n + 1),
    ("ps-bsp-k", lambda n: {"strategy": "ps", "ps-mode": "bsp", "servers": servers_k(n)}, lambda n: n + servers_k(n)),
    ("ps-asp", lambda n: {"strategy": "ps", "ps-mode": "asp", "servers": 1}, lambda n: n + 1),
    # Equal hardware: every device a worker and the server of one shard (--colocate-servers).
    ("ps-bsp-co", lambda n: {"strategy": "ps", "ps-mode": "bsp", "servers": n, "colocate-servers": True}, lambda n: n),
    ("allreduce", lambda n: {"strategy": "allreduce"}, lambda n: n),
]
NAMES = [s[0] for s in STRATEGIES]


def deep_mlp(width, stages):
    """784 inputs, hidden layers `width` wide, 10 classes: a dense layer for each of `stages`
    ring stages."""
    return ",".join(["784"] + [str(width)] * (stages - 1) + ["10"])


def model(study):
    """An MLP deep enough for one ring stage (a dense layer at least) per device at the
    largest N, the same at every N and for every strategy."""
    return deep_mlp(study.pick(tiny=64, quick=256, full=256), max(ns(study)))


def model_flags(study, which):
    return {"layers": model(study)} if which == "mlp" else {"model": CNN}


def ns(study, which="mlp"):
    if which == "cnn":
        return study.pick(tiny=[2, 3], quick=[2, 4, 8], full=[2, 4, 8, 12])
    return study.pick(tiny=[2, 3], quick=[2, 4, 8, 16], full=[2, 4, 8, 16, 32, 64])


def model_name(which):
    """The model in sentences: "MLP", "CNN (vgg-small)"."""
    return "MLP" if which == "mlp" else "CNN ({})".format(CNN)


def suffix(which):
    """The MLP's file names keep their form; the CNN's end in -cnn."""
    return "" if which == "mlp" else "-cnn"


def where(which, network):
    """A figure's context in verdicts: the network and the model."""
    return "{} with the {}".format(network, model_name(which))


def png_name(prefix, which, network):
    """The MLP's figures keep their names; the CNN's say so: idle-wifi-n.png, idle-cnn-wifi-n.png."""
    return "{}-{}.png".format(prefix, network if which == "mlp" else "cnn-" + network)


def networks(study):
    return study.pick(tiny=["wifi-n"], quick=["wifi-n", "ethernet-1g"], full=["wifi-n", "ethernet-1g"])


def iterations(study):
    return study.pick(tiny=2, quick=4, full=8)


def description(study):
    return ("MLP {} (the same at every N) and CNN {} (N up to its {} layers), global batch {} ({} micro-batches "
            "in the ring; split over the workers in ps and all-reduce), {} iterations, timing-only simulation of "
            "Raspberry Pi 4Bs".format(model(study), CNN, max(ns(study, "cnn")), BATCH, MICROBATCHES,
                                      iterations(study)))


def flags(study, network, name, n, seed, which="mlp"):
    """The sweep's settings for one strategy at N."""
    f = {"device": "pi4b", "network": network, "nodes": n, "batch": BATCH, "microbatches": MICROBATCHES,
         "iterations": iterations(study), "seed": seed, "timing-only": True, "dataset": "synthetic",
         "peer-timeout": 3600, "replica-every": 0}
    f.update(model_flags(study, which))
    f.update(dict((s[0], s[1]) for s in STRATEGIES)[name](n))
    return f


def run_grid(study):
    """Every (model, network, strategy, N, seed): a list of (model, network, name, n, seed, Run)."""
    plans = []
    for which in MODELS:
        for network in networks(study):
            for n in ns(study, which):
                for name in NAMES:
                    for seed in study.seeds:
                        plans.append((which, network, name, n, seed, flags(study, network, name, n, seed, which)))
    results = study.runner.sims([p[-1] for p in plans])
    return [p[:-1] + (r,) for p, r in zip(plans, results)]


def panels(keys):
    """The (model, network) pairs of keys that begin with them, MLP first."""
    return sorted({k[:2] for k in keys}, key=lambda p: (MODELS.index(p[0]), p[1]))


def workers(run):
    """The nodes of a run that train (a parameter server's servers do not)."""
    return [x for x in run.nodes() if "server" not in x["role"]]


# The parameter server on devices of its own and on the ring's N devices (equal hardware).
BASELINES = ("ps-bsp", "ps-bsp-co", "allreduce")


def against_baselines(mean, ns, where, less, more, lower_wins=True, baselines=BASELINES):
    """RingTMP (1f1b) against each baseline in one context (a network, a kind of scaling):
    `mean` maps (strategy, n) to the figure. Returns where the ring beat both ({n: bool},
    for verdict.claim) and a sentence per baseline (verdict.compare's `less`/`more`)."""
    ring = "ring-1f1b"
    baselines = [b for b in baselines if any((b, n) in mean for n in ns)]  # those this sweep ran
    both = [n for n in ns if all((s, n) in mean for s in [ring] + baselines)]
    beats = (lambda a, b: a < b) if lower_wins else (lambda a, b: a > b)
    wins = {n: all(beats(mean[(ring, n)], mean[(o, n)]) for o in baselines) for n in both}
    sentences = [verdict.compare("RingTMP (1f1b)", other, {n: (mean[(ring, n)], mean[(other, n)]) for n in both},
                                 "N", less, more, where) for other in baselines]
    return wins, sentences
