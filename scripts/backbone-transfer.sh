#!/usr/bin/env bash
# Transfer check of the shipped backbones: the linear probe and VPT-Deep (the settings of the default
# experiment before the suite, docs/idleness/shapes10-pro-vpt.conf, trained on train800val200, seed 1)
# on three suite tasks, per backbone.
# Writes OUT/<backbone>/<task>/compare.json (and the runs), then prints a Markdown table.
#
#   scripts/backbone-transfer.sh [OUT]        (default OUT: transfer)
#   scripts/backbone-transfer.sh --table OUT  only print the table of finished checks
set -euo pipefail
cd "$(dirname "$0")/.."
BACKBONES=(fmnist-vit8 fractal-glyphs-vit8)
TASKS=(digits letters location-x)
table_only=false
if [ "${1:-}" = "--table" ]; then table_only=true; shift; fi
OUT="${1:-transfer}"
if ! $table_only; then
  for b in "${BACKBONES[@]}"; do
    for t in "${TASKS[@]}"; do
      ./provpt compare -c docs/idleness/shapes10-pro-vpt.conf --set data.kind=suite --set data.suite.task="$t" --set data.train-on-train-val=true \
        --set backbone="models/$b" --variant linear:method=linear --variant vpt-deep:method=vpt-deep \
        --seeds 1 --out "$OUT/$b/$t" >&2
    done
  done
fi
python3 - "$OUT" "${BACKBONES[@]}" -- "${TASKS[@]}" <<'PY'
import json, sys, os
args = sys.argv[2:]; cut = args.index("--")
out, backbones, tasks = sys.argv[1], args[:cut], args[cut + 1:]
print("| backbone | method | " + " | ".join(tasks) + " |")
print("|---|---|" + "---|" * len(tasks))
for b in backbones:
    for method in ("linear", "vpt-deep"):
        cells = []
        for t in tasks:
            path = os.path.join(out, b, t, "compare.json")
            acc = None
            if os.path.exists(path):
                for row in json.load(open(path))["rows"]:
                    if row["variant"] == method:
                        acc = row["testMean"]
            cells.append("—" if acc is None else f"{acc:.4f}")
        print(f"| `{b}` | {method} | " + " | ".join(cells) + " |")
PY
