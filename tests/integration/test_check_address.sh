#!/bin/bash
# envoi check-address against real peers on loopback: a DNS server (dnsmasq, tests/peers/dns.sh)
# whose MX hosts resolve to 127.0.0.2..6, and SMTP servers on port 25 of those addresses:
# aiosmtpd (refuses and defers chosen recipients, SMTPUTF8, records every command), Postfix's
# smtp-sink (accepts all), a server that never answers, one that refuses MAIL before AUTH, and
# an address where nothing listens. Every result type, the JSON, the exit codes, and that no
# DATA was ever sent.
# shellcheck disable=SC2317 # functions called through require and run
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi
if ((EUID != 0)); then
    fail "runs as root (its SMTP peers listen on port 25 of 127.0.0.2 to 127.0.0.6)"
    finish
fi

# The names of the test zones are under example.com (reserved by RFC 2606, and its top-level
# domain is in the public suffix list, as the syntax level wants); our DNS server alone
# answers for them, with loopback addresses only.
Z=example.com
OK_ADDR=jane@mx.$Z        # accepted by aiosmtpd (127.0.0.2)
GONE=gone@mx.$Z           # refused by aiosmtpd: 550 5.1.1
BUSY=busy@mx.$Z           # deferred by aiosmtpd (450), then accepted by smtp-sink (127.0.0.3)

# ---- peers --------------------------------------------------------------------------------

# Wait (10 s at most) until something accepts connections on HOST port 25.
wait_port25() { # HOST
    "${PY[@]}" - "$1" <<'PYEOF'
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection((sys.argv[1], 25), 0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PYEOF
}

# Start CMD in the background (output to LOG), stopped at exit; wait for HOST:25.
start_on_25() { # HOST LOG CMD...
    local host=$1 log=$2
    shift 2
    "$@" </dev/null >"$log" 2>&1 &
    echo "kill $!" >>"$STOPS"
    wait_port25 "$host"
}

DNS_PORT=$(free_port)
register_stop dns "$T/dns"
require "DNS server (dnsmasq) starts" "$ENVOI_PEERS/dns.sh" start "$T/dns" "$DNS_PORT" \
    --local=/$Z/ \
    --mx-host=mx.$Z,mx-b.$Z,20 --mx-host=mx.$Z,mx-a.$Z,10 \
    --host-record=mx-a.$Z,127.0.0.2 --host-record=mx-b.$Z,127.0.0.3 \
    --mx-host=only-a.$Z,mx-a.$Z,10 \
    --mx-host=backup.$Z,down.$Z,10 --mx-host=backup.$Z,up.$Z,20 \
    --host-record=down.$Z,127.0.0.5 --host-record=up.$Z,127.0.0.2 \
    --mx-host=stall.$Z,silent.$Z,10 --host-record=silent.$Z,127.0.0.4 \
    --mx-host=strict.$Z,strict-mx.$Z,10 --host-record=strict-mx.$Z,127.0.0.6 \
    --mx-host=nullmx.$Z,.,0 \
    --host-record=fallback.$Z,127.0.0.3 \
    --mx-host=ghost.$Z,nowhere.$Z,10 \
    --server=/slow.$Z/127.0.0.1#9

mkdir -p "$T/a" "$T/strict" "$T/sink/spool"
chown nobody "$T/sink/spool"
require "aiosmtpd on 127.0.0.2:25 (refuses $GONE, defers $BUSY, SMTPUTF8)" \
    start_on_25 127.0.0.2 "$T/a/server.log" "${PY[@]}" "$ENVOI_PEERS/aiosmtpd_server.py" \
    --host 127.0.0.2 --port 25 --smtputf8 --refuse "$GONE" --refuse "gone@[127.0.0.2]" \
    --tempfail "$BUSY" --tempfail "busy@only-a.$Z" --save "$T/a"
require "smtp-sink on 127.0.0.3:25" \
    start_on_25 127.0.0.3 "$T/sink/server.log" /usr/sbin/smtp-sink -u nobody \
    -d "$T/sink/spool/%Y%m%d%H%M%S." 127.0.0.3:25 64
require "a server that never answers on 127.0.0.4:25" \
    start_on_25 127.0.0.4 "$T/stall.log" "${PY[@]}" "$ENVOI_PEERS/fault_server.py" \
    --host 127.0.0.4 --port 25 --mode stall-greeting
require "aiosmtpd on 127.0.0.6:25 (no SMTPUTF8, MAIL refused before AUTH)" \
    start_on_25 127.0.0.6 "$T/strict/server.log" "${PY[@]}" "$ENVOI_PEERS/aiosmtpd_server.py" \
    --host 127.0.0.6 --port 25 --auth u:p --auth-required --save "$T/strict"

# check-address with the test DNS server and a bounded wait.
ca() {
    "${ENVOI_CMD[@]}" check-address --nameserver "127.0.0.1:$DNS_PORT" "$@"
}

# ---- syntax level -------------------------------------------------------------------------

assert_exit 0 "syntax: a good address" ca "$OK_ADDR"
assert_eq "syntax: one line, valid" "$OK_ADDR: valid" "$OUT"
assert_exit 65 "syntax: a bad address" ca 'jane@@example.org'
assert_matches "syntax: 'incorrect syntax' and a reason" "$OUT" \
    '^jane@@example\.org: incorrect syntax: .+'
assert_exit 65 "syntax: a display name is not a bare address" ca 'Jane <jane@example.org>'
assert_contains "syntax: said so" "$OUT" "incorrect syntax"

# ---- domain level -------------------------------------------------------------------------

assert_exit 0 "domain: MX records" ca --level domain "$OK_ADDR"
assert_eq "domain: valid" "$OK_ADDR: valid" "$OUT"
assert_exit 0 "domain: no MX, A fallback" ca --level domain "x@fallback.$Z"
assert_exit 65 "domain: null MX" ca --level domain "x@nullmx.$Z"
assert_matches "domain: null MX refused" "$OUT" "^x@nullmx\.$Z: refused: .*null MX"
assert_exit 65 "domain: no such domain" ca --level domain "x@none.$Z"
assert_matches "domain: no such domain refused" "$OUT" "^x@none\.$Z: refused: .+"
assert_exit 75 "domain: DNS timeout is an error, not refused" \
    ca --level domain --timeout 1 "x@slow.$Z"
assert_matches "domain: timeout reported as error" "$OUT" "^x@slow\.$Z: error: .+"
assert_exit 0 "domain: an IP literal needs no DNS" \
    "${ENVOI_CMD[@]}" check-address --level domain --nameserver 127.0.0.1:9 'x@[192.0.2.1]'

# ---- server level -------------------------------------------------------------------------

: >"$T/a/commands.log"
assert_exit 0 "server: accepted by the best MX" ca --level server "$OK_ADDR"
assert_eq "server: valid" "$OK_ADDR: valid" "$OUT"
assert_eq "server: the probe's commands, never DATA" \
    "$(printf 'EHLO\nMAIL\nRCPT\nQUIT')" "$(cat "$T/a/commands.log")"

assert_exit 65 "server: refused with 550 5.1.1" ca --level server "$GONE"
assert_matches "server: refused with the server's words and enhanced code" "$OUT" \
    "^$GONE: refused: 550 5\.1\.1 .*User unknown"

assert_exit 0 "server: 450 at the first MX, the second (smtp-sink) accepts" \
    ca --level server "$BUSY"
assert_exit 75 "server: 450 at the only MX is an error" ca --level server "busy@only-a.$Z"
assert_matches "server: the deferral named" "$OUT" "^busy@only-a\.$Z: error: .*450"

assert_exit 0 "server: the first MX is down, the second answers" ca --level server "x@backup.$Z"
run ca --level server --json "x@backup.$Z"
assert_eq "server: the host that answered is in mx" "up.$Z" \
    "$("${PY[@]}" -c 'import json,sys; print(json.load(sys.stdin)[0]["mx"])' <<<"$OUT")"

assert_exit 0 "server: no MX, the domain's own address (smtp-sink)" \
    ca --level server "x@fallback.$Z"

assert_exit 75 "server: a server that never answers, bounded by --timeout 1" \
    ca --level server --timeout 1 "x@stall.$Z"
assert_matches "server: the timeout named" "$OUT" "^x@stall\.$Z: error: .*timed out"

assert_exit 75 "server: the MX host has no address" ca --level server "x@ghost.$Z"
assert_matches "server: said so" "$OUT" "^x@ghost\.$Z: error: .+"

: >"$T/strict/commands.log"
assert_exit 75 "server: 5xx to MAIL refuses the probe, not the address" \
    ca --level server "x@strict.$Z"
assert_matches "server: the probe's refusal named" "$OUT" \
    "^x@strict\.$Z: error: .*refuses the check.*530"
assert_not_contains "server: no RCPT after MAIL was refused" "$(cat "$T/strict/commands.log")" \
    RCPT

: >"$T/a/commands.log"
assert_exit 0 "server: UTF-8 local part with SMTPUTF8" ca --level server "jösé@mx.$Z"
assert_contains "server: aiosmtpd got the UTF-8 recipient" "$(cat "$T/a/server.log")" "jösé@mx.$Z"
assert_exit 75 "server: UTF-8 local part, no SMTPUTF8" ca --level server "jösé@strict.$Z"
assert_contains "server: said so" "$OUT" "does not accept internationalized addresses"

assert_exit 0 "server: IP literal, no DNS" \
    "${ENVOI_CMD[@]}" check-address --level server --nameserver 127.0.0.1:9 'x@[127.0.0.2]'
assert_exit 65 "server: IP literal, refused" \
    "${ENVOI_CMD[@]}" check-address --level server --nameserver 127.0.0.1:9 'gone@[127.0.0.2]'

# ---- several addresses, JSON, standard input ----------------------------------------------

assert_exit 65 "mixed valid and refused: 65" ca --level server "$OK_ADDR" "$GONE"
assert_eq "one line per address, in order" 2 "$(grep -c . <<<"$OUT")"
assert_exit 75 "refused and error: 75 wins" ca --level server --timeout 1 "$GONE" "x@stall.$Z"

run ca --level server --json "$OK_ADDR" "$GONE" 'bad@@x' "busy@only-a.$Z" "x@nullmx.$Z"
assert_eq "JSON: exit 75" 75 "$RC"
run_checker "${PY[@]}" - "$OUT" "$OK_ADDR" "$GONE" "busy@only-a.$Z" "x@nullmx.$Z" <<'PYEOF'
import json, sys
out, ok_addr, gone, busy, nullmx = sys.argv[1:]
def check(what, cond, got=None):
    print(("ok - " if cond else "FAIL - ") + "JSON: " + what + ("" if cond else "  got: %r" % (got,)))
try:
    a = json.loads(out)
except ValueError as e:
    print("FAIL - JSON: parses: %s" % e); sys.exit(0)
check("an array of 5", isinstance(a, list) and len(a) == 5, a)
keys = {"address", "result", "level", "reason", "domain", "mx", "reply_code", "enhanced"}
check("every object has the keys", all(set(o) == keys for o in a), a)
v, r, s, e, n = a
check("valid", (v["address"], v["result"], v["level"], v["reply_code"], v["reason"]) ==
      (ok_addr, "valid", "server", 250, None), v)
check("valid mx", v["mx"] == "mx-a.example.com", v)
check("refused", (r["result"], r["level"], r["reply_code"], r["enhanced"]) ==
      ("refused", "server", 550, "5.1.1"), r)
check("refused reason has the server's words", "User unknown" in (r["reason"] or ""), r)
check("syntax", (s["result"], s["level"], s["domain"], s["mx"]) ==
      ("syntax", "syntax", None, None), s)
check("error", (e["result"], e["level"], e["reply_code"], e["enhanced"]) ==
      ("error", "server", 450, "4.2.0"), e)
check("null MX", (n["result"], n["level"], n["domain"]) ==
      ("refused", "domain", "nullmx.example.com"), n)
PYEOF

printf '%s\n\n%s\r\n' "$OK_ADDR" "$GONE" >"$T/list.txt"
run_stdin "$T/list.txt" "$ENVOI" check-address --nameserver "127.0.0.1:$DNS_PORT" \
    --level server - "x@fallback.$Z"
assert_eq "stdin: exit 65" 65 "$RC"
assert_eq "stdin: the list's addresses, then the argument's" \
    "$(printf '%s: valid\n%s: refused' "$OK_ADDR" "$GONE")" "$(head -n 2 <<<"$OUT" | cut -d: -f1,2)"
assert_eq "stdin: three verdicts" 3 "$(grep -c . <<<"$OUT")"

# ---- the probe never sent a message -------------------------------------------------------

assert_not_contains "aiosmtpd (127.0.0.2) never got DATA" "$(cat "$T/a/commands.log")" DATA
assert_eq "aiosmtpd (127.0.0.2) saved no message" 0 \
    "$(find "$T/a" -maxdepth 1 -name 'msg-*' | grep -c . || true)"
assert_not_contains "aiosmtpd (127.0.0.6) never got DATA" "$(cat "$T/strict/commands.log")" DATA
assert_eq "smtp-sink saved no message" 0 "$(count_files "$T/sink/spool")"

# ---- usage --------------------------------------------------------------------------------

assert_exit 64 "usage: no address" "$ENVOI" check-address
assert_exit 64 "usage: bad level" "$ENVOI" check-address --level mx x@example.org
assert_contains "usage: names the value" "$ERR" "--level mx"
assert_exit 64 "usage: bad nameserver" "$ENVOI" check-address --nameserver nowhere x@example.org
assert_exit 64 "usage: bad timeout" "$ENVOI" check-address --timeout 0 x@example.org
assert_exit 64 "usage: bad port" "$ENVOI" check-address --port 70000 x@example.org
assert_exit 64 "usage: bad --from" "$ENVOI" check-address --from 'not an address' x@example.org
assert_exit 64 "usage: unknown option" "$ENVOI" check-address --frobnicate x@example.org
assert_exit 0 "help" "$ENVOI" check-address --help
assert_contains "help shows examples" "$OUT" "Examples:"
assert_exit 0 "envoi help check-address" "$ENVOI" help check-address

finish
