"""The one plotting path of the study and of every experiment's figure: a figure is one or more
panels of series, drawn by gnuplot into a PNG from a script written beside it (NAME.gp, the
data inline) so that a figure can be restyled without rerunning anything. A series' points
are (x, y) or (x, y, low, high): the latter drawn with the spread as an error bar (min..max
over seeds). Scripts outside the study (experiments/<name>/*.py) import it too."""
import os
import subprocess

from study import tables


class Series:
    def __init__(self, label, points, style="linespoints", dashed=False, color=None, keep_order=False):
        self.label = label
        self.points = list(points) if keep_order else sorted(points)
        self.style = style
        self.dashed = dashed
        self.color = color  # a gnuplot colour ("#1b9e77"), else gnuplot's sequence


class Panel:
    """One plot: its series and axes. logx: True (base 2) or a base; marks: x values drawn as
    dashed vertical lines (a failure, its detection); settings: further gnuplot lines (a tick
    format), for what the arguments do not name."""
    def __init__(self, title, xlabel, ylabel, series, logx=False, logy=False, yrange=None, xrange=None,
                 key="top left", xtics=None, marks=(), settings=()):
        self.title, self.xlabel, self.ylabel, self.series = title, xlabel, ylabel, series
        self.logx, self.logy, self.yrange, self.xrange = logx, logy, yrange, xrange
        self.key, self.xtics, self.marks, self.settings = key, xtics, marks, settings


def spread_series(label, values_by_x):
    """A series of (x, mean, min, max) from each x's values over seeds: the spread drawn."""
    return Series(label, [(x, tables.mean(v), min(v), max(v)) for x, v in values_by_x.items() if v])


def quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def plot(png, title, xlabel, ylabel, series, size=(900, 520), **axes):
    """A figure of one panel (Panel's arguments)."""
    return figure(png, [Panel(title, xlabel, ylabel, series, **axes)], size=size)


def panel_lines(panel, name):
    """The gnuplot lines of one panel; its data blocks are named after `name`."""
    lines = [
        "set title " + quote(panel.title) + " noenhanced",
        "set xlabel " + quote(panel.xlabel) + " noenhanced",
        "set ylabel " + quote(panel.ylabel) + " noenhanced",
        "set key {} noenhanced".format(panel.key),
        "set grid",
    ]
    if panel.logx:
        lines.append("set logscale x {}".format(2 if panel.logx is True else panel.logx))
    if panel.logy:
        lines.append("set logscale y")
        lines.append('set format y "%g"')  # gnuplot's default prints 100.000000
    if panel.yrange:
        lines.append("set yrange [{}:{}]".format(*["" if v is None else v for v in panel.yrange]))
    xrange = panel.xrange
    if not xrange and panel.logx:  # a log axis would round out to whole powers, leaving space unused
        xs = [p[0] for s in panel.series for p in s.points]
        xrange = (min(xs), max(xs)) if xs and min(xs) < max(xs) else None
    if xrange:
        lines.append("set xrange [{}:{}]".format(*["" if v is None else v for v in xrange]))
    if panel.xtics:
        lines.append("set xtics {}".format(panel.xtics))
    for x in panel.marks:
        lines.append("set arrow from {:.9g}, graph 0 to {:.9g}, graph 1 nohead dt 2 lc rgb 'gray40'".format(x, x))
    lines += list(panel.settings)
    plots = []
    for i, s in enumerate(panel.series):
        if not s.points:
            continue
        block = "${}s{}".format(name, i)
        lines.append(block + " << EOD")
        lines += [" ".join("{:.9g}".format(v) for v in p) for p in s.points]
        lines.append("EOD")
        spread = len(s.points[0]) == 4
        style = " dt 2" if s.dashed else ""
        if s.color:
            style += " lc rgb " + quote(s.color)
        if spread:
            plots.append("{} using 1:2:3:4 with yerrorlines lw 2{} title {}".format(block, style, quote(s.label)))
        else:
            plots.append("{} using 1:2 with {} lw 2{} title {}".format(block, s.style, style, quote(s.label)))
    if not plots:  # a panel without data says so rather than vanish from its layout
        plots.append("NaN notitle")
    lines.append("plot " + ", \\\n     ".join(plots))
    return lines, len(plots) > 1 or plots[0] != "NaN notitle"


def figure(png, panels, title=None, layout=None, size=(900, 520)):
    """Draws the panels into png, `layout` (rows, columns) of them under `title` when more
    than one. A figure without any data is an error."""
    base = os.path.splitext(png)[0]
    lines = ["set terminal pngcairo size {},{} font ',10'".format(*size),
             "set output " + quote(os.path.basename(png))]
    if len(panels) > 1:
        rows, columns = layout or (len(panels), 1)
        lines.append("set multiplot layout {},{} title {} noenhanced".format(rows, columns, quote(title or "")))
    any_data = False
    for i, panel in enumerate(panels):
        if i > 0:
            lines.append("reset")  # each panel from gnuplot's defaults (the terminal stays)
        drawn, has_data = panel_lines(panel, "p{}".format(i))
        lines += drawn
        any_data = any_data or has_data
    if len(panels) > 1:
        lines.append("unset multiplot")
    if not any_data:
        raise ValueError("figure {} has no data".format(png))
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
