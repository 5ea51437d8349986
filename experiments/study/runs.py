"""Runs of `ringtmp sim` for the experiments: each run a folder named after the binary and
its settings (so experiments that need the same run share it, and a rebuilt binary runs it
afresh), run at most `jobs` at a time (one simulation is one process on one core), read
back as its summary.json, nodes.csv, iterations.csv and evaluations.csv."""
import concurrent.futures
import csv
import hashlib
import json
import os
import subprocess


# The file a command's folder gets last (sim, launch: core/metrics/run_writer.cpp; maxmodel: its
# table): a folder without it is unfinished.
DONE = {"sim": "timeline.json", "launch": "timeline.json", "maxmodel": "maxmodel.csv", "validate": "validate.json"}


class RunFailed(Exception):
    pass


class Refused:
    """A run ringtmp refused (exit 2: bad settings, e.g. a model that does not fit the
    devices), for callers that chart what can run and say why the rest could not."""

    def __init__(self, folder, flags, reason):
        self.folder = folder
        self.flags = flags
        self.reason = reason


class Run:
    """One finished run folder."""

    def __init__(self, folder, flags):
        self.folder = folder
        self.flags = flags
        self.summary = {}
        if os.path.exists(os.path.join(folder, "summary.json")):
            with open(os.path.join(folder, "summary.json")) as f:
                self.summary = json.load(f)

    def rows(self, name):
        with open(os.path.join(self.folder, name), newline="") as f:
            return list(csv.DictReader(f))

    def nodes(self):
        return self.rows("nodes.csv")

    def devices(self):
        """The devices the run occupied: its nodes, but co-located servers share theirs."""
        return int(self.summary.get("devices", len(self.nodes())))

    def iterations(self):
        return self.rows("iterations.csv")

    def evaluations(self):
        return self.rows("evaluations.csv")


def file_digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tree_digest(folder):
    """One digest of every file below `folder` (names and contents)."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            h.update(os.path.relpath(path, folder).encode() + b"\0" + file_digest(path).encode())
    return h.hexdigest()


def flag_list(flags):
    """{"nodes": 8, "timing-only": True} -> ["--nodes=8", "--timing-only=true"], in key order
    (the = form: a boolean flag takes no separate value)."""
    out = []
    for key in sorted(flags):
        value = flags[key]
        if isinstance(value, bool):
            value = "true" if value else "false"
        out.append("--{}={}".format(key, value))
    return out


class Runner:
    """Runs an experiment's simulations into `runs_dir`, `jobs` at a time."""

    def __init__(self, binary, runs_dir, jobs, log, platforms_dir):
        self.binary = binary
        self.runs_dir = runs_dir
        self.jobs = max(1, jobs)
        self.log = log
        self.count = 0
        st = os.stat(binary)
        # The binary and every profile it may read: a rebuilt binary or an edited profile
        # makes every run afresh.
        self.identity = "{}:{}:{}:{}".format(os.path.realpath(binary), st.st_size, st.st_mtime_ns,
                                             tree_digest(platforms_dir))

    def folder(self, command, flags):
        # A flag naming a file (a network profile an experiment wrote) counts by its contents.
        files = {k: file_digest(v) for k, v in flags.items() if isinstance(v, str) and os.path.isfile(v)}
        key = json.dumps([self.identity, command, sorted(flags.items()), sorted(files.items())], default=str)
        return os.path.join(self.runs_dir, command + "-" + hashlib.sha256(key.encode()).hexdigest()[:16])

    def _run(self, command, flags, refusals):
        folder = self.folder(command, flags)
        if os.path.exists(os.path.join(folder, DONE[command])):
            return Run(folder, flags)  # made by this binary with these settings already
        refused = folder + ".refused"
        if refusals and os.path.exists(refused):
            with open(refused) as f:
                return Refused(folder, flags, f.read().strip())
        args = [self.binary, command] + flag_list(flags) + ["--out=" + folder, "--overwrite=true"]
        done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            with open(folder + ".log", "w") as f:
                f.write(" ".join(args) + "\n" + done.stdout)
            lines = [line for line in done.stdout.splitlines() if line.strip()]
            # ringtmp's own error line if there is one, else the last line.
            last = [line for line in lines if line.startswith("ringtmp ")][-1:] or lines[-1:] or ["no output"]
            if refusals and done.returncode == 2:
                reason = last[0].split(": ", 1)[-1]
                with open(refused, "w") as f:
                    f.write(reason + "\n")
                return Refused(folder, flags, reason)
            raise RunFailed("a {} run failed (exit {}): {} (command and output: {}.log)".format(
                command, done.returncode, last[0], folder))
        return Run(folder, flags)

    def many(self, command, flag_sets, jobs=None, refusals=False):
        """Runs every flag set (a list of dicts); returns their Runs in the same order. The
        same settings asked twice are run once (two runs into one folder would collide).
        `jobs`: at most this many at a time (1 for what measures this machine's clock).
        `refusals`: a run ringtmp refuses (exit 2) comes back as a Refused, not an error."""
        os.makedirs(self.runs_dir, exist_ok=True)
        self.count += len(flag_sets)
        unique = {}
        for f in flag_sets:
            unique.setdefault(self.folder(command, f), f)
        fresh = sum(not (os.path.exists(os.path.join(folder, DONE[command])) or
                         refusals and os.path.exists(folder + ".refused")) for folder in unique)
        jobs = min(self.jobs, jobs or self.jobs)
        self.log("  {} {} runs ({} distinct, {} made already), {} at a time".format(
            len(flag_sets), command, len(unique), len(unique) - fresh, jobs))
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            done = dict(zip(unique, pool.map(lambda f: self._run(command, f, refusals), unique.values())))
        return [done[self.folder(command, f)] for f in flag_sets]

    def sims(self, flag_sets, refusals=False):
        return self.many("sim", flag_sets, refusals=refusals)
