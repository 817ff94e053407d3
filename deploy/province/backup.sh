#!/usr/bin/env bash
# pgBackRest for the one-machine deployment, always against the current primary:
#   backup.sh stanza         create the stanza (once; up.sh does it)
#   backup.sh full|incr      take a backup
#   backup.sh drill          restore the latest backup into a scratch directory, start it on a
#                            spare port, and compare every table's row count with the live
#                            primary (taken at the backup's end, with writes paused by the caller)
set -euo pipefail
DIR="${PROVINCE_DIR:-/var/tmp/motcua-province}"
# shellcheck disable=SC1091
source "$DIR/ports.env"
# shellcheck disable=SC1091
source "$DIR/secrets.env"
read -r -a PGP <<<"$PG_PORTS"
read -r -a RESTP <<<"$REST_PORTS"
CONF="$DIR/pgbackrest/pgbackrest.conf"
BIN_DIR="$(ls -d /usr/lib/postgresql/15/bin)"

primary=""
for i in 0 1 2; do
  if curl -sf "http://127.0.0.1:${RESTP[$i]}/primary" >/dev/null; then primary=$((i + 1)); break; fi
done
[[ -n "$primary" ]] || { echo "no primary" >&2; exit 1; }
PG="--pg1-path=$DIR/pg$primary/data --pg1-port=${PGP[$((primary - 1))]} --pg1-socket-path=$DIR/pg$primary"
br() { runuser -u postgres -- pgbackrest --config="$CONF" --stanza=motcua $PG "$@"; }

counts() { # counts PORT HOST_OR_SOCKET: "table rows" for every table of the app's database
  PGPASSWORD="$SUPERUSER_PASSWORD" psql -h "$2" -p "$1" -U postgres -d motcua -At -F ' ' -c "
    select format('select %L, count(*) from %I.%I', schemaname || '.' || relname, schemaname, relname)
    from pg_stat_user_tables where schemaname in ('public', 'pgboss') order by 1" | while read -r q; do
    PGPASSWORD="$SUPERUSER_PASSWORD" psql -h "$2" -p "$1" -U postgres -d motcua -At -F ' ' -c "$q"
  done
}

case "${1:-}" in
  stanza) br stanza-create ;;
  full | incr) br --type="$1" backup ;;
  drill)
    started=$(date +%s)
    br --type=full backup
    # The live counts at the backup's end (the caller pauses writes for the drill).
    PGPASSWORD="$SUPERUSER_PASSWORD" psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d motcua -Atc "select pg_switch_wal()" >/dev/null
    counts "$PRIMARY_PORT" 127.0.0.1 >"$DIR/drill-live.txt"
    scratch="$DIR/drill"
    rm -rf "$scratch"
    mkdir -p "$scratch/data"
    chown -R postgres:postgres "$scratch"
    chmod 700 "$scratch/data"
    runuser -u postgres -- pgbackrest --config="$CONF" --stanza=motcua --pg1-path="$scratch/data" --type=immediate --target-action=promote restore
    port=$((PRIMARY_PORT + 9))
    runuser -u postgres -- "$BIN_DIR/pg_ctl" -D "$scratch/data" -l "$scratch/pg.log" -w -t 120 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$scratch -c archive_mode=off -c synchronous_standby_names=''" start >/dev/null
    for _ in $(seq 1 60); do PGPASSWORD="$SUPERUSER_PASSWORD" psql -h 127.0.0.1 -p "$port" -U postgres -d motcua -Atc "select not pg_is_in_recovery()" 2>/dev/null | grep -q t && break; sleep 1; done
    counts "$port" 127.0.0.1 >"$DIR/drill-restored.txt"
    runuser -u postgres -- "$BIN_DIR/pg_ctl" -D "$scratch/data" -m fast stop >/dev/null
    tables=$(wc -l <"$DIR/drill-live.txt")
    rows=$(awk '{s += $2} END {print s}' "$DIR/drill-live.txt")
    if diff -u "$DIR/drill-live.txt" "$DIR/drill-restored.txt"; then
      echo "restore drill: $tables tables, $rows rows, identical row counts; $(($(date +%s) - started)) s (backup + restore + start)"
    else
      echo "restore drill: ROW COUNTS DIFFER (above)" >&2
      exit 1
    fi
    ;;
  *) echo "usage: $0 stanza|full|incr|drill" >&2; exit 2 ;;
esac
