#!/usr/bin/env bash
# The three-node fault run of docs/ARCHITECTURE.md ("Faults"): Debian's PostgreSQL server on a private
# loopback port in a temporary directory, three `provpt serve` cluster nodes on it (127.0.0.1 only),
# six jobs, and faults at moments drawn from a printed seed: SIGKILL of a training node, SIGKILL of
# the oldest member, SIGSTOP past the lease then SIGCONT, and PostgreSQL restarts of 2 s to half the
# lease and of longer than the lease (the driver is src/test/java/dev/provpt/daemon/ClusterChaos.java).
# Checks: every job done exactly once, metrics gap-free and duplicate-free, the deterministic vpt-deep
# job equal to an uninterrupted run. Everything it started is stopped on exit; the node logs and
# PostgreSQL's are kept in target/chaos-nodes/, the driver's output in target/chaos-cluster.log.
# Settings (environment): CHAOS_SEED (replay a run), CHAOS_LEASE_S (20), CHAOS_EPOCHS (30),
# CHAOS_DETERMINISTIC_EPOCHS (20), PG_PORT (a free port by default).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$bin" ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y -q postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  else
    echo "chaos-cluster.sh: no PostgreSQL server under /usr/lib/postgresql/*/bin; install Debian's postgresql" >&2
    exit 1
  fi
fi
port=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
work=$(mktemp -d /tmp/provpt-chaos.XXXXXX)
data="$work/pg"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then  # initdb refuses root: the server runs as the postgres user
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
pg_ctl() { "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -l "$work/pg.log" -w "$@"; }
cleanup() {
  # the nodes, should the driver die before its finally block: only processes running from $work
  for pid in $(ps -eo pid=,args= | awk -v w="$work/driver/nodes/" 'index($0, w) {print $1}'); do
    kill -9 "$pid" 2>/dev/null || true
  done
  pg_ctl stop -m immediate >/dev/null 2>&1 || true
  mkdir -p target/chaos-nodes && cp "$work"/driver/nodes/*.log "$work/pg.log" target/chaos-nodes/ 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

"${as_pg[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
pg_opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work"
pg_ctl -o "$pg_opts" start >/dev/null
"${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres provpt_chaos
echo "chaos-cluster.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($data)"

stop="${as_pg[*]} $bin/pg_ctl -D $data -l $work/pg.log -w stop -m fast >/dev/null"
start="${as_pg[*]} $bin/pg_ctl -D $data -l $work/pg.log -w -o '$pg_opts' start >/dev/null"
seed_opt=()
[[ -n "${CHAOS_SEED:-}" ]] && seed_opt=(-Dchaos.seed="$CHAOS_SEED")
mkdir -p target
mkdir -p "$work/driver"
log=target/chaos-cluster.log
status=0
# the nodes are the test JVM's children: it kills them in a finally block, and they die with it
mvn -B -q -o test -Dtest=ClusterChaos -Dchaos.cluster=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dchaos.database="jdbc:postgresql://127.0.0.1:$port/provpt_chaos" -Dchaos.pg.stop="$stop" -Dchaos.pg.start="$start" \
  -Dchaos.lease-s="${CHAOS_LEASE_S:-20}" -Dchaos.epochs="${CHAOS_EPOCHS:-30}" -Dchaos.work="$work/driver" \
  -Dchaos.deterministic-epochs="${CHAOS_DETERMINISTIC_EPOCHS:-20}" "${seed_opt[@]}" > "$log" 2>&1 || status=$?
grep -h '^ClusterChaos:' "$log" target/surefire-reports/*ClusterChaos-output.txt 2>/dev/null | awk '!seen[$0]++' || true
if [[ $status -ne 0 ]]; then
  grep -hE 'Tests run|AssertionError|expected' "$log" | head -20 >&2
  echo "chaos-cluster.sh: FAILED (full output in $log)" >&2
fi
exit $status
