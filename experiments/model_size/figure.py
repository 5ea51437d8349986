"""Claim (5): RingTMP holds larger models. The largest MLP each strategy trains on N devices
(`ringtmp maxmodel`: every node's planned peak within its device's usable memory, each answer
confirmed by a timing-only simulation whose recorded peaks equal the plan), on 1 GB and 4 GB
Raspberry Pi 4Bs, against N. The strategies' rows: ring gpipe, 1f1b and async; ps with one
server and with N/4 (servers are extra devices), and with N on the workers' devices (one
each: the memory a device holds is its worker's and its server's); all-reduce."""
from study import memory_points, plot, verdict

TITLE = "largest trainable model against N per strategy, on 1 GB and 4 GB Pi 4Bs"
SEEDS = {"tiny": 1, "quick": 1, "full": 1}  # a memory plan has no seed: one run of each
DEVICES = [("pi4b-1GB", "pi4b:ram=1G"), ("pi4b-4GB", "pi4b")]


def ns(study):
    return study.pick(tiny=[1, 2], quick=[1, 2, 4, 8, 16], full=[1, 2, 4, 8, 16, 32, 64])


def label(strategy, variant):
    return strategy if variant == "-" else "{}-{}".format(strategy, variant)


def parameters(count):
    return "{:.3g} G".format(count / 1e9) if count >= 1e9 else "{:.3g} M".format(count / 1e6)


def run(study):
    flag_sets = [{"strategy": "all", "nodes": ",".join(map(str, ns(study))), "device": device}
                 for _, device in DEVICES]
    rows = []
    for (name, _), r in zip(DEVICES, study.runner.many("maxmodel", flag_sets)):
        for x in r.rows("maxmodel.csv"):
            rows.append([name, label(x["strategy"], x["variant"]), int(x["nodes"]), int(x["servers"]),
                         int(x["params"]), x["tightest_role"], x["confirmed"]])
    study.write_csv("model_size.csv", ["device", "strategy", "n", "servers", "params", "tightest_role", "confirmed"],
                    rows)
    memory_points.run(study)  # the plan behind every answer, against the kernel's count


def draw(study):
    rows = study.read_csv("model_size.csv")
    params = {(r["device"], r["strategy"], int(r["n"])): int(r["params"]) for r in rows}
    names = []
    for r in rows:
        if r["strategy"] not in names:
            names.append(r["strategy"])
    figures, verdicts, wins = [], [], {}
    for device in sorted({r["device"] for r in rows}):
        nsd = sorted({k[2] for k in params if k[0] == device})
        series = [plot.Series(name, [(n, params[(device, name, n)] / 1e6) for n in nsd if (device, name, n) in params])
                  for name in names]
        png = "model-size-{}.png".format(device)
        plot.plot(study.path(png), "Largest trainable MLP on {} against N (memory plan, confirmed in sim)".format(device),
                  "devices N (workers; ps adds its servers but when co-located)", "parameters (millions)", series, logx=len(nsd) > 1,
                  logy=True, key="outside right top", size=(1000, 520))
        figures.append((png, "The largest MLP each strategy trains on N {}s.".format(device)))
        mean = {(k[1], k[2]): v for k, v in params.items() if k[0] == device}
        ring = "ring-1f1b"
        others = [o for o in ("ps-1-server", "ps-n/4-servers", "ps-co-located", "allreduce")
                  if any((o, n) in mean for n in nsd)]
        both = [n for n in nsd if (ring, n) in mean and all((o, n) in mean for o in others)]
        # One device is no distributed run: every strategy is then the same single node.
        wins[device] = {n: all(mean[(ring, n)] > mean[(o, n)] for o in others) for n in both if n > 1}
        for other in others:
            verdicts.append(verdict.compare("RingTMP (1f1b)", other, {n: (mean[(ring, n)], mean[(other, n)])
                                                                     for n in both}, "N", "holds a smaller model than",
                                            "holds a larger model than", " on " + device))
        top = nsd[-1]
        verdicts.append("at N = {} on {}: {}".format(top, device, "; ".join(
            "{} {}".format(name, parameters(mean[(name, top)])) for name in names if (name, top) in mean)))
    verdicts.append(memory_points.draw(study, figures))
    study.write_finding(verdicts, figures, claim=(
        "RingTMP (1f1b) trains a larger model than a parameter server and all-reduce on the same devices",
        verdict.claim(wins)), notes=[
        "`ringtmp maxmodel --strategy all --grow width` per device: every hidden layer W wide with max(2, N-1) hidden "
        "layers, W the largest whose memory plan fits every node (Fashion-MNIST samples included), then confirmed by "
        "3 timing-only simulated iterations. Rings without shadows (--replica-every 0); see README 'Largest model'.",
        "Runtime points (memory-runtime.csv): the plan is the simulator's accounting of what a node holds. The "
        "runtime also holds a message's frame beside the message while it is sealed and sent, or read and decoded "
        "(a link frees a read buffer over 1 MiB once decoded): up to about one copy of a node's largest messages, "
        "which the plan does not count. Where those are whole-model (a ps worker's push and reply) or half-model "
        "(all-reduce's chunks at N = 2) messages, maxmodel's answers are optimistic on a real cluster by that much; "
        "a ring stage's are activations.",
    ])
