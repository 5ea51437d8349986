#!/usr/bin/env python3
"""Turns the run folders of one comparison into comparison.csv, a table on stdout and
loss.png (loss against simulated time, a line per run).
Usage: report.py --title TITLE OUT NAME...
       (reads OUT/NAME/summary.json and iterations.csv; writes OUT/comparison.csv, OUT/loss.png)"""
import csv
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from study import plot  # noqa: E402  (the one plotting path: experiments/study/plot.py)

if len(sys.argv) < 5 or sys.argv[1] != "--title":
    sys.exit("usage: report.py --title TITLE OUT NAME...")
title, out, names = sys.argv[2], sys.argv[3], sys.argv[4:]
rows = []
for name in names:
    with open(f"{out}/{name}/summary.json") as f:
        s = json.load(f)
    it = s["iterations"]
    rows.append({
        "strategy": name,
        "seconds_per_iteration": s["sim_seconds"] / it,
        "idle_percent": 100 * s["idle_fraction"],
        "bytes_per_iteration": s["bytes_sent_total"] / it,
        "energy_per_sample_j": s["energy_per_sample_j"],
        "test_accuracy_percent": 100 * s["test_accuracy"],
        "final_loss": s["final_loss"],
        "wall_seconds": s["wall_seconds"],
    })
with open(f"{out}/comparison.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)

print(f"{'strategy':<11} {'s/iteration':>11} {'idle %':>7} {'MB/iteration':>12} "
      f"{'J/sample':>9} {'test acc %':>10} {'wall s':>7}")
for r in rows:
    print(f"{r['strategy']:<11} {r['seconds_per_iteration']:>11.3f} {r['idle_percent']:>7.1f} "
          f"{r['bytes_per_iteration'] / 1e6:>12.2f} {r['energy_per_sample_j']:>9.4f} "
          f"{r['test_accuracy_percent']:>10.2f} {r['wall_seconds']:>7.1f}")
print("(simulated time and energy; wall s is what the simulation cost on this machine)")

losses = []
for name in names:
    with open(f"{out}/{name}/iterations.csv") as f:
        points = [(float(r["time"]), float(r["loss"])) for r in csv.DictReader(f)][1:]
    losses.append(plot.Series(name, points, style="lines", keep_order=True))
plot.plot(f"{out}/loss.png", title, "simulated seconds (log scale)", "training loss", losses, logx=10,
          yrange=(0, 2.5), key="top right", size=(900, 480))
