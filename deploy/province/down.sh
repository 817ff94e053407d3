#!/usr/bin/env bash
# Stops everything up.sh started (by the pid files it wrote); --purge also removes $PROVINCE_DIR.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="${PROVINCE_DIR:-/var/tmp/motcua-province}"
[[ -d "$DIR" ]] || exit 0
for i in 1 2; do "$HERE/app.sh" stop "$i" 2>/dev/null; done
[[ -f "$DIR/haproxy.pid" ]] && kill "$(cat "$DIR/haproxy.pid")" 2>/dev/null
[[ -f "$DIR/pgbouncer/pgbouncer.pid" ]] && kill "$(cat "$DIR/pgbouncer/pgbouncer.pid")" 2>/dev/null
for i in 1 2 3; do "$HERE/node.sh" stop "$i"; done
# A node whose Patroni was killed leaves its PostgreSQL: stop it by its own pid file.
for i in 1 2 3; do
  pm="$DIR/pg$i/data/postmaster.pid"
  [[ -f "$pm" ]] && kill -INT "$(head -1 "$pm")" 2>/dev/null
done
[[ -f "$DIR/etcd.pid" ]] && kill "$(cat "$DIR/etcd.pid")" 2>/dev/null
sleep 1
if [[ "${1:-}" == "--purge" ]]; then rm -rf "$DIR"; fi
echo "[province] stopped"
