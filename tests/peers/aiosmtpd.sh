#!/bin/bash
# Starts or stops aiosmtpd_server.py (see its --help) on 127.0.0.1 for envoi's tests.
#
# Usage: aiosmtpd.sh start DIR PORT [aiosmtpd_server.py options...]
#        aiosmtpd.sh stop DIR
# Writes DIR/aiosmtpd.pid and DIR/aiosmtpd.log.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/peers/common.sh
. "$here/common.sh"

start() {
    local dir=${1:?DIR} port=${2:?PORT}
    shift 2
    peer_require_aiosmtpd
    mkdir -p "$dir"
    "${PEER_PYTHON_CMD[@]}" "$here/aiosmtpd_server.py" --port "$port" "$@" \
        </dev/null >"$dir/aiosmtpd.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/aiosmtpd.pid"
    peer_wait_port aiosmtpd "$pid" "$port" "$dir/aiosmtpd.log"
}

case ${1:-} in
start) shift; start "$@" ;;
stop) peer_stop_pidfile "${2:?DIR}/aiosmtpd.pid" ;;
*) echo "usage: $0 start DIR PORT [options] | stop DIR" >&2; exit 64 ;;
esac
