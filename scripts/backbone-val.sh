#!/usr/bin/env bash
# How well a backbone's frozen features serve the suite, judged on val200 only (never on a test split):
# the linear probe's grid (suite/<task>/linear.conf: base-lr x weight-decay, trained on train800, read on
# val200) for each task, and the best grid point's val200 accuracy. Used to choose between pre-training
# recipes (models/README.md).
#
#   scripts/backbone-val.sh BACKBONE_DIR [TASK...]     default tasks: digits letters orientation count
#   scripts/backbone-val.sh pixels [TASK...]           the pixels method's grid instead (no backbone features)
#
# Prints one line per task: task, backbone, best val200 accuracy, the grid point that reached it.
# The runs go to runs/backbone-val/<backbone name>/<task>/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
backbone="${1:?usage: scripts/backbone-val.sh BACKBONE_DIR [TASK...]}"
shift
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=(digits letters orientation count)
name="$(basename "$backbone")"
if [ "$backbone" = pixels ]; then
  choice=(--set 'method="pixels"')
else
  choice=(--set "backbone=\"$backbone\"")
fi
for task in "${tasks[@]}"; do
  out="runs/backbone-val/$name/$task"
  ./provpt sweep -c "suite/$task/linear.conf" "${choice[@]}" --set "out=\"$out\"" \
      --set 'sweep.seeds=[1]' --set "name=\"val-$task\"" >/dev/null
  report="$(ls -t "$out"/*/report.json | head -1)"
  python3 - "$report" "$task" "$name" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
best = max(report["grid"], key=lambda r: r["best_val_acc"])
print(f"{sys.argv[2]:<12} {sys.argv[3]:<22} val200 {best['best_val_acc']:.4f}  "
      f"(base-lr {best['base_lr']}, weight-decay {best['weight_decay']})")
PY
done
