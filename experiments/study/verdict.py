"""Sentences a finding states, computed from the data, never typed: how one series compares
with another across a swept parameter (where it is lower, where higher, where equal)."""
import math


def span_text(xs, all_xs, name):
    """The values of the sweep where something holds, as readable text: "every N from 2 to
    64", "N = 8", "N from 2 to 8", "N = 2, 16 and 64"."""
    xs = sorted(xs)
    if xs == sorted(all_xs):
        return "every {} from {} to {}".format(name, fmt(xs[0]), fmt(xs[-1])) if len(xs) > 1 else "{} = {}".format(name, fmt(xs[0]))
    order = sorted(all_xs)
    runs, current = [], [xs[0]]
    for x in xs[1:]:
        if order.index(x) == order.index(current[-1]) + 1:
            current.append(x)
        else:
            runs.append(current)
            current = [x]
    runs.append(current)
    parts = []
    for r in runs:
        parts.append(fmt(r[0]) if len(r) == 1 else "{} to {}".format(fmt(r[0]), fmt(r[-1])))
    if len(runs) == 1 and len(runs[0]) > 1:
        return "{} from {}".format(name, parts[0])
    if len(parts) == 1:
        return "{} = {}".format(name, parts[0])
    return "{} = {} and {}".format(name, ", ".join(parts[:-1]), parts[-1])


def fmt(x):
    return "{:.3g}".format(x) if isinstance(x, float) else str(x)


def compare(subject, other, by_x, x_name, less, more, where="", tolerance=1e-9):
    """by_x: {x: (subject's value, other's value)}. A sentence saying at which x the subject's
    value is lower ("less" phrase) or higher ("more" phrase) than the other's."""
    missing = sorted(x for x, (a, b) in by_x.items() if math.isnan(a) or math.isnan(b))
    xs = sorted(x for x in by_x if x not in missing)
    if not xs:
        return "no data: {} and {} were not both measured{}".format(subject, other, where)
    lower = [x for x in xs if by_x[x][0] < by_x[x][1] * (1 - tolerance)]
    higher = [x for x in xs if by_x[x][0] > by_x[x][1] * (1 + tolerance)]
    same = [x for x in xs if x not in lower and x not in higher]
    clauses = []
    for group, phrase in ((lower, less), (higher, more), (same, "is level with")):
        if group:
            clauses.append((group, phrase))
    clauses.sort(key=lambda c: -len(c[0]))
    first_group, first_phrase = clauses[0]
    text = "{} {} {} at {}{}".format(subject, first_phrase, other, span_text(first_group, xs, x_name), where)
    for group, phrase in clauses[1:]:
        text += "; it {} it at {}".format(phrase, span_text(group, xs, x_name))
    if missing:
        text += " (not measured at {} = {})".format(x_name, ", ".join(fmt(x) for x in missing))
    return text


def sooner(subject, other, subject_s, other_s, what, where=""):
    """Which of two reaches `what` sooner, with both times (inf: not reached)."""
    def t(x):
        return "{:.4g} s".format(x) if math.isfinite(x) else "never in its budget"
    if not (math.isfinite(subject_s) or math.isfinite(other_s)):
        return "neither {} nor {} reaches {} within its budget{}".format(subject, other, what, where)
    if subject_s == other_s:
        return "{} reaches {} as soon as {} ({}){}".format(subject, what, other, t(subject_s), where)
    word = "sooner" if subject_s < other_s else "later"
    return "{} reaches {} {} than {} ({} against {}){}".format(subject, what, word, other, t(subject_s), t(other_s),
                                                               where)


def claim(wins, x_name="N"):
    """A claim's verdict from where it was tested: `wins` maps a context ("wifi-n") to
    {x: whether the claim held at x}. "holds" everywhere, "does not hold" nowhere, else
    "holds only ..." naming where it did."""
    wins = {ctx: by_x for ctx, by_x in wins.items() if by_x}
    if not wins:
        return "not tested (no data)"
    held = {ctx: [x for x, ok in by_x.items() if ok] for ctx, by_x in wins.items()}
    if all(len(h) == len(wins[ctx]) for ctx, h in held.items()):
        return "holds"
    if not any(held.values()):
        return "does not hold"
    parts = []
    for ctx, h in held.items():
        if not h:
            continue
        xs = sorted(wins[ctx])
        parts.append("on {} {}".format(ctx, "(at every point)" if len(h) == len(xs) else "at " + span_text(h, xs, x_name)))
    return "holds only " + "; ".join(parts)
