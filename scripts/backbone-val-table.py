#!/usr/bin/env python3
"""The val200 check of models/README.md: per suite task, the best val200 accuracy of each linear-probe grid
(trained on train800 with the first seed, read on val200; never a test split) on each backbone, beside the
pixels method's grid.

    python3 scripts/backbone-val-table.py

Reads results/<task>/{pixels,linear}/report.json (the suite on today's backbone),
results/archive/fractal-glyphs-vit8/<task>/linear/report.json (the earlier backbone) and
models/transfer/glyph-bank-vit8/epoch9-val200.txt (scripts/backbone-val.sh on the state after epoch 9 of 24).
A cell is blank (—) where its input is missing."""
import json
import os
import re

TASKS = ["digits", "letters", "digits-noise", "digits-elastic-inverted", "letters-lowres", "location-x",
         "orientation", "count", "distance"]
EPOCH9 = "models/transfer/glyph-bank-vit8/epoch9-val200.txt"


def best(path):
    if not os.path.isfile(path):
        return None
    return max(r["best_val_acc"] for r in json.load(open(path))["grid"])


def epoch9():
    found = {}
    if os.path.isfile(EPOCH9):
        for line in open(EPOCH9):
            m = re.match(r"(\S+)\s+gb-e9\s+val200 ([0-9.]+)", line)
            if m:
                found[m.group(1)] = float(m.group(2))
    return found


def cell(x):
    return "—" if x is None else "%.3f" % x


def main():
    e9 = epoch9()
    print("| task | pixels | `fractal-glyphs-vit8` linear | `glyph-bank-vit8` linear, epoch 9 of 24 "
          "| `glyph-bank-vit8` linear, epoch 24 |")
    print("|---|---|---|---|---|")
    for t in TASKS:
        print("| %s | %s | %s | %s | %s |" % (t, cell(best("results/%s/pixels/report.json" % t)),
                                             cell(best("results/archive/fractal-glyphs-vit8/%s/linear/report.json" % t)),
                                             cell(e9.get(t)), cell(best("results/%s/linear/report.json" % t))))


if __name__ == "__main__":
    main()
