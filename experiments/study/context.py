"""What an experiment is handed: where its results go, how big a run to make, the seeds, the
runner, and the writers of its CSVs and its finding."""
import json
import os
import shutil

from study import tables

SIZES = ("tiny", "quick", "full")


class Study:
    def __init__(self, name, title, results_dir, size, seeds, runner, log, command):
        self.name = name
        self.title = title
        self.out = os.path.join(results_dir, name)
        self.size = size
        self.seeds = seeds
        self.runner = runner
        self.log = log
        self.command = command  # how this experiment's results were made, for the captions

    def pick(self, **by_size):
        """The value for this run's size: pick(tiny=[2, 3], quick=[2, 4, 8], full=[...])."""
        return by_size[self.size]

    def path(self, name):
        return os.path.join(self.out, name)

    def write_csv(self, name, header, rows):
        tables.write_csv(self.path(name), header, rows)
        return self.path(name)

    def read_csv(self, name):
        path = self.path(name)
        if not os.path.exists(path):
            raise FileNotFoundError("{}: missing (run `ringtmp figures --experiment {}` without --replot first)"
                                    .format(path, self.name))
        return tables.read_csv(path)

    def begin(self):
        """Starts the experiment's results afresh, in a folder beside the old ones."""
        self.final = self.out
        self.out = self.final + ".partial"
        shutil.rmtree(self.out, ignore_errors=True)
        os.makedirs(self.out)

    def commit(self):
        """The new results replace the old."""
        shutil.rmtree(self.final, ignore_errors=True)
        os.rename(self.out, self.final)
        self.out = self.final

    def write_finding(self, verdicts, figures, notes=(), claim=None):
        """finding.md: the verdict sentences (computed by the caller from the CSVs), each
        figure with its caption, the command that made them, and notes on method. `claim`:
        (the claim, its verdict computed from the data), also written to claim.json for the
        study's summary table."""
        lines = ["# {}: {}".format(self.name, self.title), ""]
        if claim:
            lines += ["**Claim:** {}. **Verdict:** {}.".format(*claim), ""]
        with open(self.path("claim.json"), "w") as f:
            json.dump({"experiment": self.name, "claim": claim[0] if claim else None,
                       "verdict": claim[1] if claim else None, "first_finding": verdicts[0] if verdicts else "",
                       "figures": [[png, caption] for png, caption in figures], "command": self.command}, f, indent=1)
            f.write("\n")
        lines += ["## Verdict", ""]
        lines += ["- " + v for v in verdicts]
        lines += ["", "## Figures", ""]
        for png, caption in figures:
            lines += ["![{}]({})".format(png, png), "", caption, ""]
        lines += ["Made by `{}`.".format(self.command)]
        if notes:
            lines += ["", "## Method", ""] + ["- " + n for n in notes]
        with open(self.path("finding.md"), "w") as f:
            f.write("\n".join(lines) + "\n")
