#!/usr/bin/env python3
"""The simulator's Wi-Fi against ns-3's, pattern by pattern.

    compare.py NS3_CSV SIM_CSV OUT_DIR

Both CSVs have the columns pattern,standard,stations,bytes,round,seconds,... (one row per
round). Per (pattern, standard, stations, bytes) the median round of each side is
compared (a stream: all its messages), relative error = sim / ns-3 - 1. Writes OUT_DIR/comparison.csv (one row per
case), OUT_DIR/table.txt (the cases, then the worst error per pattern for messages below
and from 16 KB, the issue's two targets) and OUT_DIR/errors.png (a panel per pattern: sim /
ns-3 against message size, a line per standard and N).
"""
import csv
import os
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from study import plot  # noqa: E402  (the one plotting path: experiments/study/plot.py)

PATTERNS = ("pingpong", "stream", "ring", "ps", "allreduce")
# A colour per station count, solid for 802.11ac and dashed for 802.11n.
COLOURS = {2: "#1b9e77", 4: "#d95f02", 8: "#7570b3", 16: "#e7298a"}

SMALL = 16 * 1024  # the targets differ below and from here: 20% and 10%
TARGET = {True: 0.20, False: 0.10}  # small -> allowed |error|


def medians(path):
    rounds = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row["pattern"], row["standard"], int(row["stations"]), int(row["bytes"]))
            rounds[key].append(float(row["seconds"]))
    # A stream's rounds are its messages back to back: single arrivals say more about TCP's
    # window at that moment than about the link, so a stream stands for its total time.
    return {k: (sum(v) if k[0] == "stream" else statistics.median(v)) for k, v in rounds.items()}


def energies(path):
    """Per case: (mean joules of one station's radio over one round, mean round seconds)."""
    rounds = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row["pattern"], row["standard"], int(row["stations"]), int(row["bytes"]))
            if row.get("radio_joules_mean") not in (None, "", "nan"):
                rounds[key].append((float(row["radio_joules_mean"]), float(row["seconds"])))
    return {k: (statistics.mean(j for j, _ in v), statistics.mean(t for _, t in v)) for k, v in rounds.items()}


def energy_lines(ns3_csv, sim_csv, out):
    """Radio energy per station and round, ns-3's WifiRadioEnergyModel against ringtmp's
    accounting (the same watts: both from ns-3's default currents at 3 V). A round's energy
    is idle power x its time plus the extra of tx and rx; the extra is what the accounting
    decides, so it is compared on its own too (the round times differ between the sides)."""
    ns3, sim = energies(ns3_csv), energies(sim_csv)
    idle_w = 0.273 * 3.0  # ns-3's idle current at 3 V; the profiles' idle_w is this, rounded
    rows = []
    for k in sorted(set(ns3) & set(sim)):
        if k[0] == "stream":
            continue  # a stream row is one message of a run, its energy the run's share
        (ja, ta), (jb, tb) = ns3[k], sim[k]
        rows.append((*k, ja, jb, ja / ta, jb / tb, ja - idle_w * ta, jb - idle_w * tb))
    with open(f"{out}/energy.csv", "w") as f:
        f.write("pattern,standard,stations,bytes,ns3_joules,sim_joules,ns3_watts,sim_watts,ns3_active_joules,sim_active_joules\n")
        for r in rows:
            f.write(",".join(str(x) for x in r[:4]) + "," + ",".join(f"{x:.6g}" for x in r[4:]) + "\n")
    lines = ["", "radio energy per station and round, sim against ns-3 (energy.csv; streams left out):",
             f"  {'pattern':10} {'std':3} {'energy error':>17} {'mean W ns-3':>12} {'mean W sim':>11} {'above idle, sim / ns-3':>24}"]
    for p in sorted({r[0] for r in rows}):
        for std in sorted({r[1] for r in rows}):
            sel = [r for r in rows if r[0] == p and r[1] == std]
            if not sel:
                continue
            errors = [r[5] / r[4] - 1 for r in sel]
            active = [r[9] / r[8] for r in sel if r[8] > 0]
            lines.append(f"  {p:10} {std:3} {100 * min(errors):+7.1f}% .. {100 * max(errors):+5.1f}% "
                         f"{statistics.mean(r[6] for r in sel):12.3f} {statistics.mean(r[7] for r in sel):11.3f} "
                         f"{min(active):12.2f} .. {max(active):.2f}")
    return lines


def size_text(b):
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if b >= scale and b % scale == 0:
            return f"{b // scale} {unit}"
    return f"{b} B"


def draw(rows, png):
    panels = []
    for pattern in PATTERNS:
        lines = defaultdict(list)
        for p, s, n, b, a, m, e in rows:
            if p == pattern:
                lines[(s, n)].append((b, 1 + e))
        series = [plot.Series(f"11{s},N={n}", points, style="linespoints pt 7 ps 0.5", dashed=s == "n",
                              color=COLOURS.get(n, "#66a61e")) for (s, n), points in sorted(lines.items())]
        panels.append(plot.Panel(pattern, "message size", "sim / ns-3", series, logx=True, logy=True,
                                 yrange=(0.5, 100), key="top right",
                                 settings=['set key font ",7"', 'set format x "%.0s%cB"',
                                           "set ytics (0.5, 0.8, 1, 1.25, 2, 5, 10, 30, 100)"]))
    plot.figure(png, panels, layout=(2, 3), size=(1200, 760),
                title="Simulator vs ns-3 (802.11, TCP through one access point): completion time, sim / ns-3")


def main():
    ns3_csv, sim_csv, out = sys.argv[1:4]
    ns3, sim = medians(ns3_csv), medians(sim_csv)
    cases = sorted(set(ns3) & set(sim))
    missing = sorted(set(ns3) ^ set(sim))
    rows = []
    for k in cases:
        rows.append((*k, ns3[k], sim[k], sim[k] / ns3[k] - 1))
    with open(f"{out}/comparison.csv", "w") as f:
        f.write("pattern,standard,stations,bytes,ns3_seconds,sim_seconds,relative_error\n")
        for p, s, n, b, a, m, e in rows:
            f.write(f"{p},{s},{n},{b},{a:.6g},{m:.6g},{e:.4f}\n")
    draw(rows, f"{out}/errors.png")
    lines = [f"{'pattern':10}{'std':>4}{'N':>4}{'message':>9}{'ns-3 s':>11}{'sim s':>11}{'error':>9}"]
    for p, s, n, b, a, m, e in rows:
        lines.append(f"{p:10}{s:>4}{n:>4}{size_text(b):>9}{a:11.4g}{m:11.4g}{100 * e:+8.1f}%")
    lines.append("")
    lines.append("worst |error| per pattern (target: 20% below 16 KB, 10% from 16 KB):")
    for p in sorted({r[0] for r in rows}):
        for small in (True, False):
            sel = [r for r in rows if r[0] == p and (r[3] < SMALL) == small]
            if not sel:
                continue
            worst = max(sel, key=lambda r: abs(r[6]))
            ok = "ok" if abs(worst[6]) <= TARGET[small] else "MISS"
            lines.append(f"  {p:10} {'< 16 KB' if small else '>= 16 KB':9} {100 * worst[6]:+7.1f}% "
                         f"(802.11{worst[1]}, N={worst[2]}, {size_text(worst[3])})  {ok}")
    lines.append("")
    lines.append("cases within the target, and the spread of the error, per pattern and message size band:")
    bands = (("< 16 KB", 0, SMALL), ("16-255 KB", SMALL, 256 * 1024), (">= 256 KB", 256 * 1024, float("inf")))
    for p in sorted({r[0] for r in rows}):
        for name, low, high in bands:
            sel = [r[6] for r in rows if r[0] == p and low <= r[3] < high]
            if sel:
                within = sum(abs(e) <= TARGET[high <= SMALL] for e in sel)
                lines.append(f"  {p:10} {name:10} {within:3}/{len(sel):<3} {100 * min(sel):+7.1f}% .. {100 * max(sel):+7.1f}%")
    lines += energy_lines(ns3_csv, sim_csv, out)
    if missing:
        lines.append(f"cases on one side only (not compared): {len(missing)}")
    text = "\n".join(lines) + "\n"
    with open(f"{out}/table.txt", "w") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
