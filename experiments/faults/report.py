#!/usr/bin/env python3
"""The fault runs of run.sh as faults.csv and a table on stdout: per strategy and fault, when
the node failed, was detected and rejoined, the work redone, the bytes spent recovering and
readmitting, the throughput before, during and after, the time lost against the fault-free
run, and whether the loss trace is the fault-free one.
Usage: report.py OUT NAME...           (reads OUT/runs/NAME-{clean,kill,pause}/)
       report.py --figure OUT NAME...  (OUT/loss.png: a panel per NAME, loss against time, the
                                        pause's failure, detection and rejoin marked)"""
import csv
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from study import plot  # noqa: E402  (the one plotting path: experiments/study/plot.py)


def load(folder):
    with open(f"{folder}/summary.json") as f:
        summary = json.load(f)
    with open(f"{folder}/iterations.csv") as f:
        rows = [(float(r["time"]), float(r["loss"]), int(r["samples"])) for r in csv.DictReader(f)]
    return summary, rows


def throughput(rows, begin, end):
    """Samples per simulated second of the iterations that completed in [begin, end)."""
    if end <= begin:
        return float("nan")
    done, previous = 0, 0
    for time, _, samples in rows:
        if begin <= time < end:
            done += samples - previous
        previous = samples
    return done / (end - begin)


def draw(out, names):
    panels = []
    for name in names:
        series = []
        for case, label in (("clean", "fault-free"), ("kill", "kill"), ("pause", "pause (rejoins)")):
            rows = load(f"{out}/runs/{name}-{case}")[1]
            series.append(plot.Series(label, [(t, loss) for t, loss, _ in rows[1:]], style="lines", keep_order=True))
        f = load(f"{out}/runs/{name}-pause")[0]["failures"][0]
        marks = [f["failed_at"], f["detected_at"]] + ([f["rejoined_at"]] if f["rejoined_at"] else [])
        panels.append(plot.Panel(f"{name} (node {f['node']}): dashed = pause's failure, detection, rejoin",
                                 "simulated seconds", "training loss", series, yrange=(0, 2.5), key="top right",
                                 marks=marks))
    plot.figure(f"{out}/loss.png", panels, size=(1200, 1700), layout=((len(panels) + 1) // 2, 2),
                title="4 x Raspberry Pi 4B on one 802.11n access point (simulated): a node fails at a third of the run")


if sys.argv[1] == "--figure":
    draw(sys.argv[2], sys.argv[3:])
    sys.exit(0)
out, names = sys.argv[1], sys.argv[2:]

table = []
for name in names:
    clean, clean_rows = load(f"{out}/runs/{name}-clean")
    for case in ("kill", "pause"):
        s, rows = load(f"{out}/runs/{name}-{case}")
        f = s["failures"][0]
        end = s["sim_seconds"]
        rejoined = f["rejoined_at"]
        degraded_end = rejoined if rejoined else end
        same = len(rows) == len(clean_rows) and all(a[1] == b[1] for a, b in zip(rows, clean_rows))
        table.append({
            "strategy": name,
            "fault": case,
            "node": f["node"],
            "failed_at_s": f["failed_at"],
            "detected_at_s": f["detected_at"],
            "resumed_at_s": f["resumed_at"],
            "rejoined_at_s": rejoined if rejoined else "",
            "iterations_redone": f["iterations_redone"] + f["rejoin_iterations_redone"],
            "recovery_bytes": f["recovery_bytes"],
            "rejoin_bytes": f["rejoin_bytes"],
            "samples_per_s_before": throughput(rows, 0, f["failed_at"]),
            "samples_per_s_outage": throughput(rows, f["failed_at"], f["resumed_at"]),
            "samples_per_s_degraded": throughput(rows, f["resumed_at"], degraded_end),
            "samples_per_s_after": throughput(rows, rejoined, end) if rejoined else "",
            "seconds_lost": end - clean["sim_seconds"],
            "fault_free_trace": same,
        })
with open(f"{out}/faults.csv", "w", newline="") as fh:
    w = csv.DictWriter(fh, fieldnames=list(table[0]))
    w.writeheader()
    w.writerows(table)

print(f"{'strategy':<14} {'fault':<6} {'detected':>8} {'rejoined':>8} {'redone':>6} {'recovery MB':>11} "
      f"{'rejoin MB':>9} {'before':>7} {'outage':>7} {'N-1':>7} {'after':>7} {'lost s':>7} {'trace':>10}")
for r in table:
    rejoined = f"{r['rejoined_at_s']:.2f}" if r["rejoined_at_s"] != "" else "-"
    after = f"{r['samples_per_s_after']:.1f}" if r["samples_per_s_after"] != "" else "-"
    print(f"{r['strategy']:<14} {r['fault']:<6} {r['detected_at_s']:>8.2f} {rejoined:>8} {r['iterations_redone']:>6} "
          f"{r['recovery_bytes'] / 1e6:>11.2f} {r['rejoin_bytes'] / 1e6:>9.2f} {r['samples_per_s_before']:>7.1f} "
          f"{r['samples_per_s_outage']:>7.1f} {r['samples_per_s_degraded']:>7.1f} {after:>7} {r['seconds_lost']:>7.2f} "
          f"{'fault-free' if r['fault_free_trace'] else 'differs':>10}")
print("throughput in samples per simulated second: before the failure, from it to the survivors' resumption "
      "(outage), with N-1 nodes, after the rejoin")
