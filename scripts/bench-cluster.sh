#!/usr/bin/env bash
# The cluster scheduling benchmark of docs/SCALING.md: an embedded PostgreSQL, three `provpt serve`
# cluster nodes on loopback with provpt.daemon.dry-run-jobs (a claimed job ends at once), and
# BENCH_JOBS (default 1000) jobs. Prints the JSON that target/cluster-bench.json keeps.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
mvn -B -q test -Dtest=ClusterBenchmark -Dbench.cluster=true -Dbench.cluster.jobs="${BENCH_JOBS:-1000}" \
  -Dsurefire.failIfNoSpecifiedTests=false > target/cluster-bench.log 2>&1 \
  || { tail -50 target/cluster-bench.log >&2; exit 1; }
cat target/cluster-bench.json
