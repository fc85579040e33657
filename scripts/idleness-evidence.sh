#!/usr/bin/env bash
# Regenerates docs/IDLENESS.md: the idleness audit (every estimator against each prompt's exact
# removal effect at epochs 2, 10 and 30 of PRO-VPT runs on the default task, 3 seeds) and PRO-VPT
# with each estimator (online and, for two of them, pass scoring) against VPT-Deep on the default
# task (3 seeds).
#
#   scripts/idleness-evidence.sh              # run both (about 1.5 hours on 2 cores), then write the doc
#   SKIP_RUNS=1 scripts/idleness-evidence.sh  # only re-assemble the doc from $EVIDENCE_DIR
#
# EVIDENCE_DIR (default runs/idleness-evidence) holds the runs, idleness-audit.* and compare.*.
set -euo pipefail
cd "$(dirname "$0")/.."
EVIDENCE_DIR=${EVIDENCE_DIR:-runs/idleness-evidence}

AUDIT=(idleness-audit -c docs/idleness/shapes10-pro-vpt.conf --epochs 2,10,30 --seeds 1,2,3 --out "$EVIDENCE_DIR/audit")
COMPARE=(compare -c docs/idleness/shapes10-pro-vpt.conf --seeds 1,2,3 --out "$EVIDENCE_DIR/compare"
  --variant vpt-deep:method=vpt-deep
  --variant input-gate:method=pro-vpt,pro-vpt.idleness=input-gate
  --variant scaled-input-gate:method=pro-vpt,pro-vpt.idleness=scaled-input-gate
  --variant attention-gate:method=pro-vpt,pro-vpt.idleness=attention-gate
  --variant leave-one-out:method=pro-vpt,pro-vpt.idleness=leave-one-out,pro-vpt.scoring-subset=128
  --variant input-gate-pass:method=pro-vpt,pro-vpt.idleness=input-gate,pro-vpt.scoring=pass
  --variant attention-gate-pass:method=pro-vpt,pro-vpt.idleness=attention-gate,pro-vpt.scoring=pass)

if [ -z "${SKIP_RUNS:-}" ]; then
  ./provpt "${AUDIT[@]}"
  ./provpt "${COMPARE[@]}"
fi

mkdir -p docs/idleness
cp "$EVIDENCE_DIR"/audit/idleness-*.png docs/idleness/
cp "$EVIDENCE_DIR"/audit/idleness-audit.json docs/idleness/
cp "$EVIDENCE_DIR"/compare/compare.json docs/idleness/

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), \
$(java -version 2>&1 | head -1), written $(date -u +%Y-%m-%d)"
# substitute each @NAME@ line of the template with a file's content or a value
awk -v audit="$EVIDENCE_DIR/audit/idleness-audit.md" -v compare="$EVIDENCE_DIR/compare/compare.md" \
    -v auditCommand="./provpt ${AUDIT[*]}" -v compareCommand="./provpt ${COMPARE[*]}" -v machine="$machine" '
  $0 == "@AUDIT_TABLE@" { while ((getline line < audit) > 0) print line; next }
  $0 == "@COMPARE_TABLE@" { while ((getline line < compare) > 0) print line; next }
  { gsub(/@AUDIT_COMMAND@/, auditCommand); gsub(/@COMPARE_COMMAND@/, compareCommand); gsub(/@MACHINE@/, machine); print }
' scripts/idleness-doc.md.in > docs/IDLENESS.md
echo "wrote docs/IDLENESS.md"
