#!/usr/bin/env bash
# The mini-VTAB-1k evaluation suite as sweeps on a provpt daemon (suite/README.md).
#
#   scripts/suite.sh submit [TASK…]   queue every sweep file: linear for all tasks, then pixels, deep, shallow.
#                                      Safe to repeat: it adds only what is missing, and once a sweep's grid
#                                      is done it queues that sweep's final runs (every variant x each of its seeds).
#   scripts/suite.sh status           jobs per state
#   scripts/suite.sh collect [TASK…]  for each sweep with a finished variant (--partial): results/<task>/<sweep>/ (report, the final runs'
#                                      small files, commands.txt) and configs/<task>/<variant>.conf
#   scripts/suite.sh report           docs/RESULTS.md from results/ (with suite/notes.md, the authors' notes), and
#                                      docs/ASHA.md (ASHA replayed over the grids' curves)
#
# The daemon: PROVPT_URL, default http://127.0.0.1:8765 (start it with ./provpt serve).
set -uo pipefail
cd "$(dirname "$0")/.."
URL="${PROVPT_URL:-http://127.0.0.1:8765}"
# SUITE_SWEEPS="linear pixels deep" narrows submit and collect to those sweep kinds (e.g. to queue VPT-Shallow's
# grid only after the others' final runs, since the daemon runs jobs in the order they were queued)
read -r -a SWEEPS <<<"${SUITE_SWEEPS:-linear pixels deep shallow}"

tasks() {
  if [ $# -gt 0 ]; then
    printf '%s\n' "$@"
  else
    for d in suite/*/; do [ -f "$d/deep.conf" ] && basename "$d"; done
  fi
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
  submit)
    mapfile -t TASKS < <(tasks "$@")
    status=0
    for sweep in "${SWEEPS[@]}"; do
      for task in "${TASKS[@]}"; do
        file="suite/$task/$sweep.conf"
        [ -f "$file" ] || { echo "$file: missing" >&2; status=1; continue; }
        printf '%s: ' "$file"
        ./provpt sweep -c "$file" --submit --url "$URL" || status=1
      done
    done
    exit $status
    ;;
  status)
    ./provpt status --url "$URL" | grep -o '"state":"[a-z]*"' | cut -d'"' -f4 | sort | uniq -c
    ;;
  collect)
    mapfile -t TASKS < <(tasks "$@")
    status=0
    for task in "${TASKS[@]}"; do
      for sweep in "${SWEEPS[@]}"; do
        file="suite/$task/$sweep.conf"
        [ -f "$file" ] || continue
        err=$(mktemp)
        if ./provpt sweep -c "$file" --collect --partial --url "$URL" --out "results/$task/$sweep" \
            --configs "configs/$task" 2>"$err" >/dev/null; then
          echo "$file: collected into results/$task/$sweep, configs/$task"
        elif grep -q 'not done yet' "$err"; then
          echo "$file: skipped, not done yet ($(sed 's/.*not done yet //' "$err" | head -1))"
        else
          echo "$file: $(cat "$err")" >&2
          status=1
        fi
        rm -f "$err"
      done
    done
    exit $status
    ;;
  report)
    dirs=()
    for d in results/*/*/; do [ -f "$d/report.json" ] && dirs+=("${d%/}"); done
    [ ${#dirs[@]} -gt 0 ] || { echo "no collected sweep under results/ (scripts/suite.sh collect)" >&2; exit 2; }
    notes=()
    [ -f suite/notes.md ] && notes=(--notes suite/notes.md)
    ./provpt report "${dirs[@]}" --out docs/RESULTS.md "${notes[@]}" || exit $?
    # ASHA replayed over the grids' curves (report.json keeps them): docs/ASHA.md
    ./provpt asha-replay results --out docs/ASHA.md
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
