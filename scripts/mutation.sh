#!/usr/bin/env bash
# Mutation testing (pitest) of the core arithmetic: scripts/mutation.sh [TARGET_CLASSES [TARGET_TESTS]]
# Without arguments: the packages and tests of the "pitest" profile in pom.xml (idleness, rl, stats, actors and
# the results page's statistics) - slow on a small machine. With arguments: globs, comma-separated, e.g.
#   scripts/mutation.sh 'dev.provpt.stats.*,dev.provpt.idleness.*' 'dev.provpt.stats.*,dev.provpt.actors.ScorerActorTest'
# The report is written to target/pit-reports/ (index.html, mutations.csv); the score is printed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=()
[ $# -ge 1 ] && args+=("-DtargetClasses=$1")
[ $# -ge 2 ] && args+=("-DtargetTests=$2")
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
mvn -B -o -Ppitest test-compile org.pitest:pitest-maven:mutationCoverage "${args[@]}" | grep -E "^(>> |\[INFO\] (Generated|- Statistics)|Mutations|Ran|[A-Z][a-z]+ [0-9]+ mutations)|mutations|KILLED|SURVIVED|Line Coverage|Test strength|ERROR" || true
test -f target/pit-reports/mutations.csv
