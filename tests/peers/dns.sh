#!/bin/bash
# dnsmasq on 127.0.0.1 and ::1 serving envoi's test zones (tests/peers/dns/zones.conf).
#
# Usage: dns.sh start DIR PORT [dnsmasq options...]
#        dns.sh stop DIR
# Listens on UDP and TCP PORT of 127.0.0.1 and ::1, answers only from the zones
# (no upstream, no /etc/hosts, no DHCP, nothing of the system's dnsmasq touched);
# extra options add records, e.g. --mx-host=x.test,mx.x.test,10 --host-record=mx.x.test,127.0.0.6
# Writes DIR/dns.pid and DIR/dns.log (every query logged).
#
# Names (all under .test; any other .test name is NXDOMAIN, names outside .test REFUSED):
#   mx.test          MX 10 mx-a.mx.test (127.0.0.2), MX 20 mx-b.mx.test (127.0.0.3)
#   backup.test      MX 10 down.backup.test (127.0.0.5), MX 20 up.backup.test (127.0.0.2)
#   nullmx.test      MX 0 .  (null MX, RFC 7505)
#   a-only.test      A 127.0.0.4, no MX      aaaa-only.test  AAAA ::1, no MX
#   both.test        A 127.0.0.4 and AAAA ::1, no MX
#   nodata.test      TXT only: neither MX nor address
#   none.test        NXDOMAIN (as any unlisted .test name)
#   alias.test       CNAME a-only.test       alias2.test     CNAME alias.test
#   mxalias.test     CNAME mx.test
#   nohost.test      MX 10 ghost.nohost.test, which does not exist
#   many.test        20 MX h01..h20.many.test, preferences 1..20 (answer over TCP)
#   slow.test        never answered (forwarded to 127.0.0.1 port 9): times out
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/peers/common.sh
. "$here/common.sh"

start() {
    local dir=${1:?DIR} port=${2:?PORT}
    shift 2
    peer_require /usr/sbin/dnsmasq dnsmasq-base
    mkdir -p "$dir"
    /usr/sbin/dnsmasq --keep-in-foreground --conf-file="$here/dns/zones.conf" \
        --port="$port" --listen-address=127.0.0.1 --listen-address=::1 --bind-interfaces \
        --no-resolv --no-hosts --no-poll --no-negcache --user=nobody --group=nogroup \
        --pid-file= --log-queries --log-facility=- "$@" \
        </dev/null >"$dir/dns.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/dns.pid"
    peer_wait_port dnsmasq "$pid" "$port" "$dir/dns.log"
}

case ${1:-} in
start) shift; start "$@" ;;
stop) peer_stop_pidfile "${2:?DIR}/dns.pid" ;;
*) echo "usage: $0 start DIR PORT [dnsmasq options] | stop DIR" >&2; exit 64 ;;
esac
