#!/usr/bin/env bash
# The province deployment on ONE machine, for tests and trials (docs: deploy/province/README.md):
# from Debian's packages an etcd member, three PostgreSQL 15 nodes under Patroni with synchronous
# replication, HAProxy to the primary (and to the replicas), PgBouncer for the job queue,
# pgBackRest for backups, and two app instances behind HAProxy. Every process runs from
# $PROVINCE_DIR (default /var/tmp/motcua-province) and is stopped by down.sh.
#
#   deploy/province/up.sh [--demo]     --demo: import the units and seed the demo commune
#
# Ports (PROVINCE_PORT_BASE, default 15000, shifts them all): app front +8080, app instances
# +8081/+8082, PostgreSQL primary via HAProxy +0, replicas +1, HAProxy stats +7000, PgBouncer
# +1432, PostgreSQL nodes +431..+433, Patroni REST +3008..+3010, etcd client +2379 / peer +2380.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DIR="${PROVINCE_DIR:-/var/tmp/motcua-province}"
B="${PROVINCE_PORT_BASE:-15000}"
HOST=127.0.0.1
DEMO=0
[[ "${1:-}" == "--demo" ]] && DEMO=1

log() { printf '[province] %s\n' "$*"; }

# 1. Debian packages (PostgreSQL 15 itself is Debian's postgresql-15).
need=()
for p in postgresql-15 patroni etcd-server etcd-client haproxy pgbouncer pgbackrest curl; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
BIN_DIR="$(ls -d /usr/lib/postgresql/15/bin)"

mkdir -p "$DIR"
chown postgres:postgres "$DIR"
chmod 700 "$DIR"
as_pg() { runuser -u postgres -- "$@"; }

# 2. Secrets, made once.
if [[ ! -f "$DIR/secrets.env" ]]; then
  umask 077
  {
    echo "SUPERUSER_PASSWORD=$(openssl rand -hex 16)"
    echo "REPLICATION_PASSWORD=$(openssl rand -hex 16)"
    echo "MOTCUA_DATA_KEY=$(openssl rand -hex 32)"
    echo "SESSION_SECRET=$(openssl rand -hex 24)"
  } >"$DIR/secrets.env"
  umask 022
fi
# shellcheck disable=SC1091
source "$DIR/secrets.env"

cat >"$DIR/ports.env" <<EOF
PROVINCE_DIR=$DIR
HTTP_PORT=$((B + 8080))
APP1_PORT=$((B + 8081))
APP2_PORT=$((B + 8082))
PRIMARY_PORT=$((B + 0))
REPLICA_PORT=$((B + 1))
STATS_PORT=$((B + 7000))
PGBOUNCER_PORT=$((B + 1432))
PG_PORTS="$((B + 431)) $((B + 432)) $((B + 433))"
REST_PORTS="$((B + 3008)) $((B + 3009)) $((B + 3010))"
ETCD_PORT=$((B + 2379))
EOF
# shellcheck disable=SC1091
source "$DIR/ports.env"
read -r -a PGP <<<"$PG_PORTS"
read -r -a RESTP <<<"$REST_PORTS"

fill() { # fill TEMPLATE OUT KEY=VALUE...
  local tpl="$1" out="$2"
  shift 2
  local text
  text="$(cat "$tpl")"
  for kv in "$@"; do text="${text//@${kv%%=*}@/${kv#*=}}"; done
  printf '%s\n' "$text" >"$out"
}

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# 3. pgBackRest's configuration (the repository lives beside the cluster here).
mkdir -p "$DIR/pgbackrest/repo" "$DIR/pgbackrest/log" "$DIR/pgbackrest/lock" "$DIR/pgbackrest/spool"
fill "$HERE/pgbackrest.conf.in" "$DIR/pgbackrest/pgbackrest.conf" "REPO_DIR=$DIR/pgbackrest/repo" "RUN_DIR=$DIR/pgbackrest"
chown -R postgres:postgres "$DIR/pgbackrest"

# 4. etcd (one member; three on separate machines in production).
mkdir -p "$DIR/etcd"
chown postgres:postgres "$DIR/etcd"
chmod 700 "$DIR/etcd"
if ! running "$DIR/etcd.pid"; then
  log "starting etcd on $ETCD_PORT"
  setsid setpriv --reuid=postgres --regid=postgres --init-groups etcd --name e1 --data-dir "$DIR/etcd/data" \
    --listen-client-urls "http://$HOST:$ETCD_PORT" --advertise-client-urls "http://$HOST:$ETCD_PORT" \
    --listen-peer-urls "http://$HOST:$((ETCD_PORT + 1))" --initial-advertise-peer-urls "http://$HOST:$((ETCD_PORT + 1))" \
    --initial-cluster "e1=http://$HOST:$((ETCD_PORT + 1))" --initial-cluster-state new \
    >"$DIR/etcd/etcd.log" 2>&1 </dev/null &
  echo $! >"$DIR/etcd.pid"
  for _ in $(seq 1 50); do curl -sf "http://$HOST:$ETCD_PORT/health" >/dev/null && break; sleep 0.2; done
fi

# 5. Three PostgreSQL nodes under Patroni.
for i in 1 2 3; do
  n="pg$i"
  mkdir -p "$DIR/$n"
  chown postgres:postgres "$DIR/$n"
  chmod 700 "$DIR/$n"
  fill "$HERE/patroni.yml.in" "$DIR/$n/patroni.yml" \
    "NAME=$n" "HOST=$HOST" "REST_PORT=${RESTP[$((i - 1))]}" "PG_PORT=${PGP[$((i - 1))]}" "ETCD_HOSTS=$HOST:$ETCD_PORT" "NET=127.0.0.1/32" \
    "DATA_DIR=$DIR/$n/data" "BIN_DIR=$BIN_DIR" "RUN_DIR=$DIR/$n" "SUPERUSER_PASSWORD=$SUPERUSER_PASSWORD" \
    "REPLICATION_PASSWORD=$REPLICATION_PASSWORD" "PGBACKREST_CONF=$DIR/pgbackrest/pgbackrest.conf"
  chown postgres:postgres "$DIR/$n/patroni.yml"
  chmod 600 "$DIR/$n/patroni.yml"
done
"$HERE/node.sh" start 1
log "waiting for the first primary"
for _ in $(seq 1 120); do curl -sf "http://$HOST:${RESTP[0]}/primary" >/dev/null && break; sleep 0.5; done
"$HERE/node.sh" start 2
"$HERE/node.sh" start 3
log "waiting for a synchronous standby"
for _ in $(seq 1 240); do
  curl -sf "http://$HOST:${RESTP[0]}/cluster" | grep -q '"sync_standby"' && break
  sleep 0.5
done

# 6. HAProxy: the primary, the replicas and the app instances.
servers() { # servers PREFIX
  for i in 1 2 3; do echo "  server pg$i $HOST:${PGP[$((i - 1))]} check port ${RESTP[$((i - 1))]}"; done
}
fill "$HERE/haproxy.cfg.in" "$DIR/haproxy.cfg" "HOST=$HOST" "STATS_PORT=$STATS_PORT" "PRIMARY_PORT=$PRIMARY_PORT" "REPLICA_PORT=$REPLICA_PORT" "HTTP_PORT=$HTTP_PORT" \
  "PRIMARY_SERVERS=$(servers)" "REPLICA_SERVERS=$(servers)" \
  "APP_SERVERS=$(printf '  server app1 %s:%s check\n  server app2 %s:%s check' "$HOST" "$APP1_PORT" "$HOST" "$APP2_PORT")"
if running "$DIR/haproxy.pid"; then kill "$(cat "$DIR/haproxy.pid")"; sleep 0.5; fi
log "starting HAProxy: http $HTTP_PORT, primary $PRIMARY_PORT, replicas $REPLICA_PORT, stats $STATS_PORT"
haproxy -f "$DIR/haproxy.cfg" -D -p "$DIR/haproxy.pid"
for _ in $(seq 1 40); do PGPASSWORD="$SUPERUSER_PASSWORD" psql -h $HOST -p "$PRIMARY_PORT" -U postgres -Atc "select 1" postgres >/dev/null 2>&1 && break; sleep 0.5; done

# 7. PgBouncer (transaction pooling) for the job queue.
mkdir -p "$DIR/pgbouncer"
printf '"postgres" "%s"\n' "$SUPERUSER_PASSWORD" >"$DIR/pgbouncer/userlist.txt"
fill "$HERE/pgbouncer.ini.in" "$DIR/pgbouncer/pgbouncer.ini" "HOST=$HOST" "PRIMARY_PORT=$PRIMARY_PORT" "PGBOUNCER_PORT=$PGBOUNCER_PORT" "RUN_DIR=$DIR/pgbouncer"
chown -R postgres:postgres "$DIR/pgbouncer"
chmod 600 "$DIR/pgbouncer/userlist.txt"
if ! running "$DIR/pgbouncer/pgbouncer.pid"; then
  log "starting PgBouncer on $PGBOUNCER_PORT"
  as_pg pgbouncer -d "$DIR/pgbouncer/pgbouncer.ini"
fi

# 8. The database, the backup stanza, the schema (and the demo commune).
export PGPASSWORD="$SUPERUSER_PASSWORD"
psql -h $HOST -p "$PRIMARY_PORT" -U postgres -Atc "select 1 from pg_database where datname = 'motcua'" postgres | grep -q 1 ||
  psql -h $HOST -p "$PRIMARY_PORT" -U postgres -c "create database motcua" postgres >/dev/null
"$HERE/backup.sh" stanza >/dev/null
DB_URL="postgresql://postgres:$SUPERUSER_PASSWORD@$HOST:$PRIMARY_PORT/motcua"
JOBS_URL="postgresql://postgres:$SUPERUSER_PASSWORD@$HOST:$PGBOUNCER_PORT/motcua"
cat >"$DIR/app.env" <<EOF
NODE_ENV=production
HOST=$HOST
DATABASE_URL=$DB_URL
JOBS_DATABASE_URL=$JOBS_URL
MOTCUA_DATA_KEY=$MOTCUA_DATA_KEY
SESSION_SECRET=$SESSION_SECRET
PUBLIC_URL=http://$HOST:$HTTP_PORT
TRUST_PROXY=1
LOG_LEVEL=${PROVINCE_LOG_LEVEL:-warn}
SHUTDOWN_DELAY_MS=2000
SUBMISSIONS_PER_ADDRESS=${SUBMISSIONS_PER_ADDRESS:-30}
SUBMISSIONS_PER_PHONE=${SUBMISSIONS_PER_PHONE:-6}
EOF
chmod 600 "$DIR/app.env"
set -a
# shellcheck disable=SC1091
source "$DIR/app.env"
set +a
(cd "$REPO" && node bin/motcua.js migrate >/dev/null)
if ((DEMO)); then
  log "importing the units and the demo commune"
  (cd "$REPO" && NODE_ENV=development node bin/motcua.js units import >/dev/null && NODE_ENV=development node bin/motcua.js seed --demo >/dev/null)
fi

# 9. Two app instances, each restarted when it dies (as systemd's Restart=always would).
for i in 1 2; do
  port_var="APP${i}_PORT"
  "$HERE/app.sh" start "$i" "${!port_var}"
done
for i in 1 2; do
  port_var="APP${i}_PORT"
  for _ in $(seq 1 120); do curl -sf "http://$HOST:${!port_var}/readyz" >/dev/null && break; sleep 0.5; done
done
log "ready: http://$HOST:$HTTP_PORT (instances $APP1_PORT, $APP2_PORT); patronictl -c $DIR/pg1/patroni.yml list"
as_pg patronictl -c "$DIR/pg1/patroni.yml" list
