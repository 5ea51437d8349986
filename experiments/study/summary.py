"""The study's front page: every experiment's claim, its computed verdict and its figures,
from the claim.json each experiment writes beside its finding.md. Written to
results/STUDY.md, and into the README between its study markers when the results are the
source tree's own (so the README's gallery is always the last run's, never typed)."""
import json
import os

BEGIN = "<!-- study:begin (written by ringtmp figures) -->"
END = "<!-- study:end -->"


def claims(results_dir):
    found = []
    for name in sorted(os.listdir(results_dir)):
        if name.endswith(".partial"):  # an experiment's run that has not finished
            continue
        path = os.path.join(results_dir, name, "claim.json")
        if os.path.isfile(path):
            with open(path) as f:
                found.append(json.load(f))
    return found


def page(found, prefix):
    """The summary table and the gallery, figure paths under `prefix`."""
    lines = ["| claim | verdict | figures |", "|---|---|---|"]
    for c in found:
        if c["claim"]:
            lines.append("| {} | {} | [{}]({}{}/finding.md) |".format(c["claim"], c["verdict"], c["experiment"], prefix,
                                                                     c["experiment"]))
    lines.append("")
    for c in found:
        lines += ["#### {}".format(c["experiment"]), ""]
        for png, caption in c["figures"]:
            lines += ["![{}]({}{}/{})".format(caption, prefix, c["experiment"], png), ""]
        lines += ["*{}.* {} (`{}`)".format(c["first_finding"][:1].upper() + c["first_finding"][1:],
                                          "Every verdict: [finding.md]({}{}/finding.md).".format(prefix, c["experiment"]),
                                          c["command"]), ""]
    return lines


def write(results_dir, readme):
    found = claims(results_dir)
    if not found:
        return
    with open(os.path.join(results_dir, "STUDY.md"), "w") as f:
        f.write("\n".join(["# The study: each claim, its verdict computed from the data, its figures", ""] +
                          page(found, "")) + "\n")
    if not readme or not os.path.isfile(readme):
        return
    with open(readme) as f:
        text = f.read()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return
    block = "\n".join([BEGIN, ""] + page(found, "results/") + [END])
    with open(readme, "w") as f:
        f.write(text[:start] + block + text[end + len(END):])
