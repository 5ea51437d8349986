#!/usr/bin/env python3
"""`ringtmp figures`: runs the study's experiments (experiments/<name>/figure.py) and writes
results/<name>/: CSVs, a PNG per figure and finding.md, whose verdicts are computed from the
CSVs. Called by the ringtmp binary, which passes --bin (itself) and --results."""
import argparse
import importlib.util
import os
import sys
import time
import traceback

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)

from study import context, runs, summary  # noqa: E402


def experiments():
    """name -> module, for every experiments/<name>/figure.py."""
    found = {}
    for name in sorted(os.listdir(here)):
        path = os.path.join(here, name, "figure.py")
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location("figure_" + name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            found[name] = module
    return found


def main():
    p = argparse.ArgumentParser(prog="ringtmp figures", description=__doc__)
    p.add_argument("--bin", required=True)
    p.add_argument("--results", required=True)
    p.add_argument("--experiment", action="append", default=[])
    p.add_argument("--size", choices=context.SIZES, default="full")
    p.add_argument("--seeds", type=int, default=0)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--replot", action="store_true")
    p.add_argument("--list", action="store_true")
    a = p.parse_args()

    known = experiments()
    if a.list:
        for name, m in known.items():
            print("{:12} {}".format(name, m.TITLE))
        return 0
    chosen = a.experiment or list(known)
    for name in chosen:
        if name not in known:
            print("ringtmp figures: unknown experiment '{}' (known: {})".format(name, ", ".join(known)), file=sys.stderr)
            return 2
    if a.seeds < 0:
        print("ringtmp figures: --seeds {}: must be 1 or more".format(a.seeds), file=sys.stderr)
        return 2

    failed = []
    for name in chosen:
        m = known[name]
        seeds = list(range(1, (a.seeds or m.SEEDS[a.size]) + 1))
        flags = {"tiny": " --tiny", "quick": " --quick", "full": ""}[a.size]
        command = "ringtmp figures --experiment {}{}{}".format(name, flags, " --seeds {}".format(a.seeds) if a.seeds else "")
        log = lambda text: print(text, flush=True)  # noqa: E731
        # The raw run folders, shared by the experiments (untracked: results/runs/).
        runner = runs.Runner(a.bin, os.path.join(a.results, "runs", "figures"), a.jobs, log,
                             os.path.join(os.path.dirname(here), "platforms"))
        s = context.Study(name, m.TITLE, a.results, a.size, seeds, runner, log, command)
        why = m.needs(s) if hasattr(m, "needs") else None
        if why:
            print("== {}: skipped: {}".format(name, why), flush=True)
            continue
        start = time.time()
        print("== {}: {} ({} size, seeds {})".format(name, m.TITLE, a.size, ",".join(map(str, seeds))), flush=True)
        try:
            if a.replot:
                m.draw(s)
            else:
                # Made beside the old results, which stay whole until the new ones are.
                s.begin()
                m.run(s)
                m.draw(s)
                s.commit()
        except (runs.RunFailed, OSError, RuntimeError, ValueError, KeyError) as e:
            # One line: a gnuplot or run's full output is in the file the message names.
            failed.append("{}: {}".format(name, " ".join(str(e).split())))
            continue
        except Exception:  # a bug in the experiment: its traceback kept, the others still run
            os.makedirs(a.results, exist_ok=True)
            log_path = os.path.join(a.results, name + ".error.log")
            with open(log_path, "w") as f:
                f.write(traceback.format_exc())
            failed.append("{}: the experiment stopped on an error in its code (traceback: {})".format(name, log_path))
            continue
        print("== {}: {:.0f} s, {} runs; {}".format(name, time.time() - start, runner.count,
                                                   os.path.join(s.out, "finding.md")), flush=True)
    # The study's front page, from every experiment's results there (this run's and earlier).
    tree_results = os.path.join(os.path.dirname(here), "results")
    same_tree = os.path.isdir(a.results) and os.path.isdir(tree_results) and os.path.samefile(a.results, tree_results)
    summary.write(a.results, os.path.join(os.path.dirname(here), "README.md") if same_tree else None)
    for f in failed:
        print("ringtmp figures: " + f, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
