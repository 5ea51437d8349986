"""Tables over seeds: the spread of a figure (min, mean, max) and CSV files written the same
way every time (same rows, same digits), so a figure regenerated from the same seeds is the
same bytes."""
import csv
import math
import os


def mean(values):
    """The mean of a non-empty list (over seeds)."""
    values = list(values)
    return sum(values) / len(values)


def spread(values):
    """(min, mean, max) of a non-empty list."""
    values = list(values)
    return min(values), mean(values), max(values)


def cell(v):
    """6 significant digits; a figure that does not exist (NaN, inf) an empty cell, as in a
    run folder's CSVs."""
    if isinstance(v, float):
        return "{:.6g}".format(v) if math.isfinite(v) else ""
    return str(v)


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([cell(v) for v in row])


def read_csv(path):
    """Rows as dicts; numbers stay strings (the caller knows its columns)."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(cell):
    """A CSV cell as a float: an empty cell (a figure that does not exist: a timing-only loss,
    a diverged run's) is NaN."""
    return float(cell) if cell != "" else float("nan")
