#!/usr/bin/env python3
"""The two Wi-Fi profile numbers fitted to ns-3 (experiments/wifi_ns3/README.md).

    fit.py NS3_CSV SIM_LOSSLESS_CSV PROFILE_INI STANDARD

- air_latency_s: the MAC's fixed cost of one air hop. From ns-3's ping-pong of 1 KB and
  4 KB (four air hops a round trip): the median round / 4, less the bytes' time at the
  profile's bandwidth_bps, averaged over the two sizes.
- air_efficiency: the share of air time left as N transfers contend. From the ring
  pattern (every station sends to its successor at once: N transfers on the air for the
  whole round), at each N: sim / ns-3 over the messages from 256 KB (geometric mean; the
  simulator run without contention loss, SIM_LOSSLESS_CSV), capped at 1 (the simulator
  never gains air from contention). Only the ring is fitted; ps, all-reduce and the
  small messages are left to check the fit.
Prints the profile lines to paste, with the fit's inputs.
"""
import csv
import math
import statistics
import sys
from collections import defaultdict


def medians(path, standard):
    rounds = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            if row["standard"] == standard:
                rounds[(row["pattern"], int(row["stations"]), int(row["bytes"]))].append(float(row["seconds"]))
    return {k: statistics.median(v) for k, v in rounds.items()}


def profile_number(path, key):
    with open(path) as f:
        for line in f:
            k, _, v = line.partition("=")
            if k.strip() == key:
                return float(v)
    sys.exit(f"fit.py: {path} has no {key}")


def main():
    ns3_csv, sim_csv, profile, standard = sys.argv[1:5]
    ns3, sim = medians(ns3_csv, standard), medians(sim_csv, standard)
    bandwidth = profile_number(profile, "bandwidth_bps")

    per_hop = []
    for size in (1024, 4096):
        round_trip = ns3[("pingpong", 2, size)]
        per_hop.append(round_trip / 4 - 8 * size / bandwidth)
        print(f"# ping-pong {size} B: ns-3 {round_trip * 1e3:.3f} ms a round trip, "
              f"{per_hop[-1] * 1e6:.0f} us an air hop beyond the bytes' time")
    print(f"air_latency_s = {statistics.mean(per_hop):.6f}")

    points = []
    for n in sorted({k[1] for k in ns3 if k[0] == "ring"}):
        ratios = [sim[k] / ns3[k] for k in ns3 if k[0] == "ring" and k[1] == n and k[2] >= 256 * 1024 and k in sim]
        if not ratios:
            continue
        mean = math.exp(statistics.mean(math.log(r) for r in ratios))
        print(f"# ring N={n}: sim / ns-3 = " + ", ".join(f"{r:.3f}" for r in ratios) + f"; geometric mean {mean:.3f}")
        points.append(f"{n}:{min(1.0, mean):.3f}")
    print("air_efficiency = " + " ".join(points))


if __name__ == "__main__":
    main()
