#!/usr/bin/env bash
# Imports a ViT-B/16-shaped checkpoint through `provpt import-vit` and benchmarks the result.
# The checkpoint is random (tools/vit_fixtures.py --vit-b16: exactly the shapes of the
# ImageNet-21k release's ViT-B_16.npz, 103 M parameters with its 21843-class head), because
# nothing is downloaded; speed and memory do not depend on the values. Needs python3-numpy.
# Give a real checkpoint as $1 to import that instead.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_OUT:-target/bench-vit-b16}"
mkdir -p "$out"
checkpoint="${1:-$out/random-vit-b16.npz}"
if [[ $# -eq 0 && ! -f "$checkpoint" ]]; then
  python3 tools/vit_fixtures.py --vit-b16 "$checkpoint"
fi

echo "== provpt import-vit (time -v)"
/usr/bin/time -v ./provpt import-vit --npz "$checkpoint" --out "$out/vit-b16" --force \
    2> "$out/import-time.txt" | tee "$out/import.txt"
grep -E 'Elapsed|Maximum resident' "$out/import-time.txt"
du -sh "$out/vit-b16"; ls -l "$out/vit-b16/saved_model.pb"

echo "== provpt bench on the imported backbone"
./provpt bench --backbone "$out/vit-b16" --no-epoch-cost --no-vitb \
    --batch "${BATCH:-4}" --steps "${STEPS:-3}" --prompts-per-block "${PROMPTS:-0,10,50}" | tee "$out/bench.jsonl"
