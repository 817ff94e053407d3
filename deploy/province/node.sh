#!/usr/bin/env bash
# Starts or stops one Patroni node of the one-machine deployment: node.sh start|stop|kill N
# (kill = kill -9 of Patroni and its PostgreSQL, as when the machine is lost).
set -euo pipefail
DIR="${PROVINCE_DIR:-/var/tmp/motcua-province}"
cmd="$1"
n="pg$2"
pidfile="$DIR/$n/patroni.pid"
case "$cmd" in
  start)
    if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then exit 0; fi
    # setpriv execs (no intermediate process): $! is Patroni's own pid, which kill needs.
    setsid setpriv --reuid=postgres --regid=postgres --init-groups patroni "$DIR/$n/patroni.yml" >>"$DIR/$n/patroni.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    ;;
  stop)
    [[ -f "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 1 60); do [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.5; done
    ;;
  kill)
    post=""
    [[ -f "$DIR/$n/data/postmaster.pid" ]] && post="$(head -1 "$DIR/$n/data/postmaster.pid")"
    [[ -f "$pidfile" ]] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    [[ -n "$post" ]] && kill -9 "$post" 2>/dev/null || true
    ;;
  *) echo "usage: $0 start|stop|kill N" >&2; exit 2 ;;
esac
