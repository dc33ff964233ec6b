#!/bin/bash
# Starts or stops fault_server.py (a scripted misbehaving SMTP server) on 127.0.0.1.
#
# Usage: fault_server.sh start DIR PORT MODE   (verbs received are logged to DIR/commands.log)
#        fault_server.sh stop DIR
# Writes DIR/fault_server.pid and DIR/fault_server.log.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/peers/common.sh
. "$here/common.sh"

start() {
    local dir=${1:?DIR} port=${2:?PORT} mode=${3:?MODE}
    peer_require "$PEER_PYTHON" python3
    mkdir -p "$dir"
    "${PEER_PYTHON_CMD[@]}" "$here/fault_server.py" --port "$port" --mode "$mode" \
        --log "$dir/commands.log" </dev/null >"$dir/fault_server.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/fault_server.pid"
    peer_wait_port fault_server "$pid" "$port" "$dir/fault_server.log"
}

case ${1:-} in
start) shift; start "$@" ;;
stop) peer_stop_pidfile "${2:?DIR}/fault_server.pid" ;;
*) echo "usage: $0 start DIR PORT MODE | stop DIR" >&2; exit 64 ;;
esac
