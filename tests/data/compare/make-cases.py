#!/usr/bin/python3
"""Derive the edited cases of the gate's tests from recorded runs.

Recorded once on a 2-vCPU AMD EPYC VM with the real CLI (see README.md):
  base.json, new-unchanged.json, runs/run-{1..4}.json
Derived here, by editing samples of new-unchanged.json (the rest of each file
stays as recorded; each edited cell's stats are recomputed from its samples):
  new-regressed.json  batched 2M: every iteration 1.25x as long (GB/s -20%)
  new-improved.json   per-page 4K: every iteration 0.8x as long (GB/s +25%)
usage: make-cases.py  (in this directory; rewrites the derived files and
compacts the recorded ones)."""
import json
import math
import statistics

T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]


def restat(cell):
    g = [cell["bytes_per_sample"] / ns for ns in cell["samples_ns"]]
    m, sd = statistics.fmean(g), statistics.stdev(g)
    half = T95[len(g) - 2] * sd / math.sqrt(len(g))
    cell["stats"].update(n=len(g), mean=m, sd=sd, median=statistics.median(g), min=min(g),
                         max=max(g), ci95_lo=m - half, ci95_hi=m + half)


def edit(src, dst, mode, size, factor):
    d = json.load(open(src))
    for c in d["cells"]:
        if c["config"]["mode"] == mode and c["config"]["folio_size"] == size:
            c["samples_ns"] = [ns * factor for ns in c["samples_ns"]]
            restat(c)
    json.dump(d, open(dst, "w"))


for f in ["base.json", "new-unchanged.json"] + ["runs/run-%d.json" % i for i in range(1, 5)]:
    json.dump(json.load(open(f)), open(f, "w"))
edit("new-unchanged.json", "new-regressed.json", "batched", 2 << 20, 1.25)
edit("new-unchanged.json", "new-improved.json", "per-page", 4096, 0.8)
