"""The one plotting path of the study: every figure is a list of series drawn by gnuplot into
a PNG, from a script written beside it (NAME.gp, the data inline) so that a figure can be
restyled without rerunning anything. A series' points are (x, y) or (x, y, low, high): the
latter drawn with the spread as an error bar (min..max over seeds)."""
import os
import subprocess

from study import tables


class Series:
    def __init__(self, label, points, style="linespoints", dashed=False):
        self.label = label
        self.points = sorted(points)
        self.style = style
        self.dashed = dashed


def spread_series(label, values_by_x):
    """A series of (x, mean, min, max) from each x's values over seeds: the spread drawn."""
    return Series(label, [(x, tables.mean(v), min(v), max(v)) for x, v in values_by_x.items() if v])


def quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def plot(png, title, xlabel, ylabel, series, logx=False, logy=False, yrange=None, xrange=None, key="top left",
         size=(900, 520), xtics=None):
    base = os.path.splitext(png)[0]
    lines = [
        "set terminal pngcairo size {},{} font ',10'".format(*size),
        "set output " + quote(os.path.basename(png)),
        "set title " + quote(title) + " noenhanced",
        "set xlabel " + quote(xlabel) + " noenhanced",
        "set ylabel " + quote(ylabel) + " noenhanced",
        "set key {} noenhanced".format(key),
        "set grid",
    ]
    if logx:
        lines.append("set logscale x 2")
    if logy:
        lines.append("set logscale y")
    if yrange:
        lines.append("set yrange [{}:{}]".format(*["" if v is None else v for v in yrange]))
    if not xrange and logx:  # a log axis would round out to whole powers, leaving space unused
        xs = [p[0] for s in series for p in s.points]
        xrange = (min(xs), max(xs)) if xs and min(xs) < max(xs) else None
    if xrange:
        lines.append("set xrange [{}:{}]".format(*["" if v is None else v for v in xrange]))
    if xtics:
        lines.append("set xtics {}".format(xtics))
    plots = []
    for i, s in enumerate(series):
        if not s.points:
            continue
        block = "$s{}".format(i)
        lines.append(block + " << EOD")
        lines += [" ".join("{:.9g}".format(v) for v in p) for p in s.points]
        lines.append("EOD")
        spread = len(s.points[0]) == 4
        dash = " dt 2" if s.dashed else ""
        if spread:
            plots.append("{} using 1:2:3:4 with yerrorlines lw 2{} title {}".format(block, dash, quote(s.label)))
        else:
            plots.append("{} using 1:2 with {} lw 2{} title {}".format(block, s.style, dash, quote(s.label)))
    if not plots:
        raise ValueError("figure {} has no data".format(png))
    lines.append("plot " + ", \\\n     ".join(plots))
    script = base + ".gp"
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    done = subprocess.run(["gnuplot", os.path.basename(script)], cwd=os.path.dirname(script) or ".",
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0 or not os.path.exists(png):
        with open(base + ".log", "w") as f:
            f.write(done.stdout)
        raise RuntimeError("gnuplot failed on {} (its output: {}.log)".format(script, base))
    return png
