#!/usr/bin/env bash
# Which of glyph-bank-vit8's recipe levers pays (models/README.md): each arm is the recipe
# (models/recipes/glyph-bank-vit8.conf) with one lever switched off, pre-trained on a shortened schedule
# (LEVER_EPOCHS epochs, default 8; LEVER_IMAGES instances per class and epoch, default 80), then judged on the
# suite's val200 splits only, never on a test split: the best val200 accuracy of each task's linear-probe grid
# (scripts/backbone-val.sh).
#
#   scripts/recipe-levers.sh [ARM...]       arms: full no-augment core-glyphs fixed-data masked-image both
#                                           (default: the first four)
#
#   full         the recipe as it is (shortened)
#   no-augment   without the stroke, contrast, noise and affine augmentation (pretrain.data.augment = false)
#   core-glyphs  35 glyph classes instead of the 472 of the glyph bank (235 classes in all instead of 672)
#   fixed-data   the same instances every epoch instead of fresh ones (pretrain.data.fresh-each-epoch = false)
#   masked-image self-supervised instead of supervised: SimMIM's masked-image modelling, no labels
#                (pretrain.objective = masked-image, 60% of the patches masked)
#   both         the supervised loss and SimMIM's summed, on one masked pass (pretrain.objective = both)
#
# Backbones go to runs/levers/<arm>/ (git-ignored, with a resumable state); one line per arm and task is
# appended to runs/levers/val200.txt, which models/README.md's lever table is drawn from. Tasks: LEVER_TASKS,
# default "digits letters orientation count".
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${LEVER_EPOCHS:-8}"
images="${LEVER_IMAGES:-80}"
read -r -a tasks <<<"${LEVER_TASKS:-digits letters orientation count}"
arms=("$@")
[ ${#arms[@]} -gt 0 ] || arms=(full no-augment core-glyphs fixed-data)
mkdir -p runs/levers
for arm in "${arms[@]}"; do
  case "$arm" in
    full) lever=() ;;
    no-augment) lever=(--set pretrain.data.augment=false) ;;
    core-glyphs) lever=(--set 'pretrain.data.glyph-set="core"' --set pretrain.model.upstream-classes=235) ;;
    fixed-data) lever=(--set pretrain.data.fresh-each-epoch=false) ;;
    masked-image) lever=(--set 'pretrain.objective="masked-image"') ;;
    both) lever=(--set 'pretrain.objective="both"') ;;
    *) echo "recipe-levers.sh: unknown arm '$arm' (full, no-augment, core-glyphs, fixed-data, masked-image, both)" >&2; exit 2 ;;
  esac
  out="runs/levers/$arm"
  if [ ! -f "$out/pretrain.json" ]; then
    ./provpt pretrain -c models/recipes/glyph-bank-vit8.conf --set "pretrain.out=\"$out\"" \
        --set "pretrain.epochs=$epochs" --set "pretrain.data.images-per-class=$images" "${lever[@]}"
  fi
  held_out=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print(p.get('test_accuracy_exported', '?'))" "$out/pretrain.json")
  echo "# $arm: $epochs epochs, $images instances per class, held-out upstream accuracy $held_out ($(date -u +%FT%TZ))" \
      >>runs/levers/val200.txt
  scripts/backbone-val.sh "$out" "${tasks[@]}" | sed "s/^/$arm /" | tee -a runs/levers/val200.txt
done
