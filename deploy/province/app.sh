#!/usr/bin/env bash
# One app instance of the one-machine deployment, restarted a second after it dies (what
# systemd's Restart=always does on a real machine): app.sh start|stop N PORT, app.sh kill N (-9).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DIR="${PROVINCE_DIR:-/var/tmp/motcua-province}"
cmd="$1"
i="$2"
mkdir -p "$DIR/app$i"
case "$cmd" in
  start)
    port="$3"
    if [[ -f "$DIR/app$i/loop.pid" ]] && kill -0 "$(cat "$DIR/app$i/loop.pid")" 2>/dev/null; then exit 0; fi
    rm -f "$DIR/app$i/stopped"
    (
      set -a
      # shellcheck disable=SC1091
      source "$DIR/app.env"
      set +a
      export PORT="$port" DATA_DIR="$DIR/app$i/data"
      cd "$REPO"
      while [[ ! -f "$DIR/app$i/stopped" ]]; do
        node bin/motcua.js serve >>"$DIR/app$i/app.log" 2>&1 &
        echo $! >"$DIR/app$i/node.pid"
        wait $! || true
        [[ -f "$DIR/app$i/stopped" ]] || sleep 1
      done
    ) </dev/null &
    echo $! >"$DIR/app$i/loop.pid"
    ;;
  stop)
    touch "$DIR/app$i/stopped"
    [[ -f "$DIR/app$i/node.pid" ]] && kill "$(cat "$DIR/app$i/node.pid")" 2>/dev/null || true
    for _ in $(seq 1 60); do [[ -f "$DIR/app$i/loop.pid" ]] && kill -0 "$(cat "$DIR/app$i/loop.pid")" 2>/dev/null || break; sleep 0.5; done
    ;;
  kill)
    kill -9 "$(cat "$DIR/app$i/node.pid")"
    ;;
  *) echo "usage: $0 start N PORT | stop N | kill N" >&2; exit 2 ;;
esac
