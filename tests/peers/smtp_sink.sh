#!/bin/bash
# Postfix's smtp-sink on 127.0.0.1 for envoi's tests (PIPELINING, 8BITMIME, DSN; no CHUNKING).
#
# Usage: smtp_sink.sh start DIR PORT [--save] [--no-auth] [smtp-sink options...]
#        smtp_sink.sh stop DIR
# --save     dump each message to DIR/spool/<time>.<random> (X-* and Received lines first)
# --no-auth  do not advertise AUTH (smtp-sink answers AUTH with 250, not 235)
# Other options go to smtp-sink as they are (e.g. -p no PIPELINING, -8 no 8BITMIME).
# Writes DIR/smtp_sink.pid and DIR/smtp_sink.log.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/peers/common.sh
. "$here/common.sh"

start() {
    local dir=${1:?DIR} port=${2:?PORT}
    shift 2
    peer_require /usr/sbin/smtp-sink postfix
    local opts=(-u nobody)
    while (($#)); do
        case $1 in
        --save)
            mkdir -p "$dir/spool"
            chown nobody "$dir/spool"
            opts+=(-d "$dir/spool/%Y%m%d%H%M%S.")
            ;;
        --no-auth) opts+=(-a) ;;
        *) opts+=("$1") ;;
        esac
        shift
    done
    mkdir -p "$dir"
    /usr/sbin/smtp-sink "${opts[@]}" "127.0.0.1:$port" 64 </dev/null >"$dir/smtp_sink.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/smtp_sink.pid"
    peer_wait_port smtp-sink "$pid" "$port" "$dir/smtp_sink.log"
}

case ${1:-} in
start) shift; start "$@" ;;
stop) peer_stop_pidfile "${2:?DIR}/smtp_sink.pid" ;;
*) echo "usage: $0 start DIR PORT [--save] [--no-auth] [opts] | stop DIR" >&2; exit 64 ;;
esac
