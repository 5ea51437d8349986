"""Claim (6): RingTMP uses less energy on low-power devices. Joules per training sample
against N, per strategy, on Wi-Fi and Ethernet (every device the strategy occupies counted,
servers included), and the radio's share of it. From the main sweep's runs (study/grid.py)."""
from study import grid, plot, tables, verdict

TITLE = "energy per training sample against N, per strategy, and the radio's share"
SEEDS = {"tiny": 1, "quick": 2, "full": 3}


def run(study):
    rows = []
    for which, network, name, n, seed, r in grid.run_grid(study):
        nodes = r.nodes()
        total = sum(float(x["energy_j"]) for x in nodes)
        radio = sum(float(x["radio_energy_j"] or 0) for x in nodes)
        samples = int(r.summary["samples"])
        rows.append([which, network, name, n, r.devices(), seed, total / samples, radio / total, total])
    study.write_csv("energy.csv", ["model", "network", "strategy", "n", "devices", "seed", "joules_per_sample",
                                   "radio_share", "joules"], rows)


def draw(study):
    rows = study.read_csv("energy.csv")
    per_sample, radio = {}, {}
    for r in rows:
        key = (r["model"], r["network"], r["strategy"], int(r["n"]))
        per_sample.setdefault(key, []).append(float(r["joules_per_sample"]))
        radio.setdefault(key, []).append(float(r["radio_share"]))
    mean = {k: tables.mean(v) for k, v in per_sample.items()}
    figures, verdicts, wins = [], [], {}
    for which, network in grid.panels(per_sample):
        at = grid.where(which, network)
        ns = sorted({k[3] for k in per_sample if k[:2] == (which, network)})
        series = [plot.spread_series(name, {n: per_sample[(which, network, name, n)] for n in ns
                                            if (which, network, name, n) in per_sample}) for name in grid.NAMES]
        png = grid.png_name("energy", which, network)
        plot.plot(study.path(png), "Energy per training sample on {} (simulated Pi 4Bs, all devices)".format(at),
                  "devices N (workers; ps adds its servers)", "joules per sample", series, logx=True, logy=True,
                  key="outside right top", size=(1000, 520))
        figures.append((png, "Joules per training sample against N on {}: every device the strategy occupies, "
                             "compute, idle and radio.".format(at)))
        shares = [plot.Series(name, [(n, tables.mean(radio[(which, network, name, n)])) for n in ns
                                     if (which, network, name, n) in radio]) for name in grid.NAMES]
        png = grid.png_name("energy-radio-share", which, network)
        plot.plot(study.path(png), "The radio's share of the energy, {}".format(at), "devices N",
                  "radio joules / all joules", shares, logx=True, yrange=(0, None), key="outside right top",
                  size=(1000, 520))
        figures.append((png, "The network interface's share of all the energy on {}.".format(at)))
        wins[at], sentences = grid.against_baselines(
            {(k[2], k[3]): v for k, v in mean.items() if k[:2] == (which, network)}, ns, " on " + at,
            "uses less energy per sample than", "uses more energy per sample than")
        verdicts += sentences
    verdicts.append("no runtime point: a device's joules need a power meter on the device; a runtime run here "
                    "would measure this x86 machine, not the Pi 4B the figures model (the energy is the profiles' "
                    "model, see Method)")
    study.write_finding(verdicts, figures, claim=(
        "RingTMP (1f1b) uses less energy per training sample than a parameter server "
        "(bsp, on servers of its own and on the same devices) and ring all-reduce",
        verdict.claim(wins)), notes=[
        grid.description(study) + ".",
        "Energy: the simulator's device model (idle and loaded watts of the profile, by the time each device "
        "computes) plus the radio's (idle, transmit and receive watts by the bytes it carries), summed over every "
        "device the strategy occupies: a parameter server's servers count. Joules to a target accuracy, at N = 8 "
        "and each strategy's best settings, are in the progress experiment.",
    ])
