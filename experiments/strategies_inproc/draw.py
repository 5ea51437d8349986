#!/usr/bin/env python3
"""run.sh's figure: OUT/loss.png, training loss against the iteration and against wall seconds,
a line per strategy. Usage: draw.py OUT NAME...   (reads OUT/NAME.csv: iteration,time,loss,...)"""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from study import plot  # noqa: E402  (the one plotting path: experiments/study/plot.py)

out, names = sys.argv[1], sys.argv[2:]
by_iteration, by_time = [], []
for name in names:
    with open(os.path.join(out, name + ".csv")) as f:
        rows = list(csv.DictReader(f))[1:]
    by_iteration.append(plot.Series(name, [(float(r["iteration"]), float(r["loss"])) for r in rows], style="lines"))
    by_time.append(plot.Series(name, [(float(r["time"]), float(r["loss"])) for r in rows], style="lines",
                               keep_order=True))
plot.figure(os.path.join(out, "loss.png"), [
    plot.Panel("", "iteration", "training loss", by_iteration, yrange=(0, 2.5), key="top right"),
    plot.Panel("", "wall seconds", "training loss", by_time, yrange=(0, 2.5), key="top right"),
], title="Fashion-MNIST, MLP 784-256-256-128-10, batch 128, 4 nodes in-process", layout=(1, 2), size=(900, 420))
