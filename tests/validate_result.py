#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Validate foliobench run.json files against results/schema/run.schema.json
(schema_version 2; run-v1.schema.json for version 1 files) and check what
the schema cannot: statistics agree with the raw samples,
the CSV has one row per cell.  usage: validate_result.py RUN_DIR..."""
import csv
import json
import math
import os
import statistics
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = {v: json.load(open(os.path.join(HERE, "..", "results", "schema", name)))
           for v, name in ((1, "run-v1.schema.json"), (2, "run.schema.json"))}


def check(run_dir):
    doc = json.load(open(os.path.join(run_dir, "run.json")))
    version = doc.get("schema_version")
    assert version in SCHEMAS, f"schema_version {version!r}: allowed {sorted(SCHEMAS)}"
    jsonschema.validate(doc, SCHEMAS[version])
    for cell in doc["cells"]:
        if cell["status"] != "ok":
            continue
        gbps = [cell["bytes_per_sample"] / ns for ns in cell["samples_ns"]]
        st = cell["stats"]
        assert st["n"] == len(gbps), "n differs from the samples"
        assert math.isclose(st["mean"], statistics.fmean(gbps), rel_tol=1e-9), "mean"
        if len(gbps) > 1:
            assert math.isclose(st["sd"], statistics.stdev(gbps), rel_tol=1e-6), "sd"
        assert math.isclose(st["median"], statistics.median(gbps), rel_tol=1e-9), "median"
        cfg = cell["config"]
        size, count = ("record_size", "record_count") if "record_size" in cfg else \
                      ("folio_size", "folio_count")
        assert cfg["total_bytes"] == cfg[size] * cfg[count], "total"
        assert cell["bytes_per_sample"] == cfg["total_bytes"], "bytes per sample"
    rows = list(csv.DictReader(open(os.path.join(run_dir, "cells.csv"))))
    assert len(rows) == len(doc["cells"]), "CSV rows != cells"
    for row, cell in zip(rows, doc["cells"]):
        assert row["mode"] == cell["config"].get("mode", ""), "CSV mode"
        if cell["stats"]["mean"] is not None:
            assert math.isclose(float(row["mean_gbps"]), cell["stats"]["mean"], rel_tol=1e-12)
    return len(doc["cells"])


if __name__ == "__main__":
    for d in sys.argv[1:]:
        print(f"{d}: valid, {check(d)} cells")
