#!/bin/bash
# envoid's content filter over real HTTP: a filter that accepts (and sees the envelope), one
# that rejects with a reason (422, nothing queued), one that rewrites (the queued source shows
# it), one that times out, crashes or asks to try later (503, nothing queued), one that stops
# reading a 10 MB message early (no deadlock), one that writes without end (bounded, refused);
# a verdict line per message in the log; and the log through syslog(3) (--syslog and
# [spool] log = syslog), read from a /dev/log of the test's own in a private mount namespace.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_envoid
export XDG_CONFIG_HOME=$T/xdg # no config but the ones named here

# One submission of FILE as message/rfc822 to RCPT: CODE, BODY.
submit() { # FILE RCPT
    CODE=$(curl -s -o "$T/.body" -w '%{http_code}' --max-time 60 -X POST \
        -H 'Content-Type: message/rfc822' --data-binary "@$1" \
        "http://127.0.0.1:$PORT/v1/messages?from=sender@example.org&to=$2")
    BODY=$(cat "$T/.body")
}

jf() { # JSON EXPR
    "${PY[@]}" -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' \
        "$1" "$2" 2>/dev/null
}

queued() { # the number of messages in the queue
    sqlite3 -cmd '.timeout 5000' "$SPOOL/queue.db" "SELECT count(*) FROM messages"
}

# --- the filter: one script, its behaviour chosen by the first recipient --------------------------
cat >"$T/filter.sh" <<'EOF'
#!/bin/sh
case $ENVOI_RECIPIENTS in
accept@*)
    printf 'from=%s rcpts=%s size=%s\n' "$ENVOI_FROM" "$ENVOI_RECIPIENTS" "$ENVOI_SIZE" \
        >"$FILTER_SEEN"
    cat >>"$FILTER_SEEN" ;;
reject@*)
    cat >/dev/null
    echo "list policy: attachments are not allowed" >&2
    echo "second line" >&2
    exit 65 ;;
rewrite@*)
    printf 'X-List: envoi-test\r\n'
    cat
    printf -- '-- \r\nTo unsubscribe, write to list-off@example.org\r\n' ;;
slow@*) sleep 30 ;;
later@*) echo "database busy" >&2; exit 75 ;;
crash@*) kill -SEGV $$ ;;
partial@*) head -c 100 >/dev/null; echo "too long for this list" >&2; exit 3 ;;
huge@*) cat >/dev/null; yes 'X-Spam: y' ;;
notmail@*) cat >/dev/null; printf '\r\n\r\nno header\r\n' ;;
*) cat >/dev/null ;;
esac
EOF
chmod 755 "$T/filter.sh"
export FILTER_SEEN=$T/seen

PORT=$(free_port)
SPOOL=$T/spool
cat >"$T/envoi.conf" <<EOF
[spool]
dir = $SPOOL
listen = 127.0.0.1:$PORT
max-message-size = 12M
workers = 0
filter = $T/filter.sh
filter-timeout = 2
EOF
require "envoid started with a filter" start_http_daemon "$T/envoid.log" "$PORT" \
    "$ENVOID" --foreground --config "$T/envoi.conf"
MAIN_PID=$ENVOID_PID
assert_contains "the filter is logged at start" "$(cat "$T/envoid.log")" "content filter on timeout=2s"

printf 'From: sender@example.org\r\nSubject: filtered\r\n\r\nhello list\r\n' >"$T/m.eml"
SIZE=$(stat -c %s "$T/m.eml")

# --- accept -----------------------------------------------------------------------------------
submit "$T/m.eml" "accept@example.org,other@example.org"
assert_eq "an accepting filter: 202" 202 "$CODE"
ID=$(jf "$BODY" 'd["id"]')
assert_eq "the filter saw the envelope" \
    "from=sender@example.org rcpts=accept@example.org other@example.org size=$SIZE" \
    "$(head -n 1 "$T/seen")"
tail -n +2 "$T/seen" >"$T/seen.src"
assert_files_equal "the filter read the message on stdin" "$T/m.eml" "$T/seen.src"
curl -s -o "$T/q.src" "http://127.0.0.1:$PORT/v1/messages/$ID/source"
assert_files_equal "the queued source is unchanged" "$T/m.eml" "$T/q.src"
assert_eq "one message queued" 1 "$(queued)"

# --- reject -----------------------------------------------------------------------------------
submit "$T/m.eml" reject@example.org
assert_eq "a rejecting filter: 422" 422 "$CODE"
assert_eq "the reason is the first line of its stderr" \
    "list policy: attachments are not allowed" "$(jf "$BODY" 'd["error"]')"
assert_eq "nothing more queued after a rejection" 1 "$(queued)"

# --- rewrite ----------------------------------------------------------------------------------
submit "$T/m.eml" rewrite@example.org
assert_eq "a rewriting filter: 202" 202 "$CODE"
ID=$(jf "$BODY" 'd["id"]')
{
    printf 'X-List: envoi-test\r\n'
    cat "$T/m.eml"
    printf -- '-- \r\nTo unsubscribe, write to list-off@example.org\r\n'
} >"$T/rewritten.expected"
curl -s -o "$T/q.src" "http://127.0.0.1:$PORT/v1/messages/$ID/source"
assert_files_equal "the queued source is the filter's output (header and footer)" \
    "$T/rewritten.expected" "$T/q.src"
assert_eq "the rewritten message is queued" 2 "$(queued)"
submit "$T/m.eml" notmail@example.org
assert_eq "a rewrite that is not a message: 422" 422 "$CODE"
assert_contains "it says why" "$BODY" "not a message source"
assert_contains "the log says the rewrite was refused" "$(cat "$T/envoid.log")" \
    "filter verdict=rewrite from=<sender@example.org> recipients=1 size=$SIZE new-size=15 refused="

# --- temporary failures -----------------------------------------------------------------------
submit "$T/m.eml" slow@example.org
assert_eq "a filter past its timeout: 503" 503 "$CODE"
assert_contains "it says the filter failed" "$BODY" "filter failed"
assert_contains "and that it timed out" "$BODY" "timed out"
submit "$T/m.eml" crash@example.org
assert_eq "a crashing filter: 503" 503 "$CODE"
assert_contains "it names the signal" "$BODY" "SIGSEGV"
submit "$T/m.eml" later@example.org
assert_eq "a filter exiting 75 (EX_TEMPFAIL): 503" 503 "$CODE"
assert_eq "nothing queued after failures" 2 "$(queued)"

# --- big messages -----------------------------------------------------------------------------
{
    printf 'From: sender@example.org\r\nSubject: big\r\n\r\n'
    head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
} >"$T/big.eml"
submit "$T/big.eml" partial@example.org
assert_eq "a filter that reads 100 bytes of 10 MB and exits 3: 422" 422 "$CODE"
assert_eq "with its reason" "too long for this list" "$(jf "$BODY" 'd["error"]')"
submit "$T/big.eml" accept@example.org
assert_eq "a 10 MB message through an accepting filter: 202" 202 "$CODE"
tail -n +2 "$T/seen" >"$T/seen.src"
assert_files_equal "the filter read all 10 MB" "$T/big.eml" "$T/seen.src"
submit "$T/m.eml" huge@example.org
assert_eq "a filter writing without end: 413" 413 "$CODE"
assert_contains "it names the limit" "$BODY" "over the limit of 12582912 bytes"
assert_eq "nothing queued for it" 3 "$(queued)"
assert_ok "envoid is still running" kill -0 "$MAIN_PID"

# --- the log ----------------------------------------------------------------------------------
LOG=$(cat "$T/envoid.log")
assert_contains "a verdict line for an acceptance" "$LOG" \
    "filter verdict=accept from=<sender@example.org> recipients=2 size=$SIZE"
assert_contains "a verdict line for a rejection, with the reason" "$LOG" \
    "filter verdict=reject from=<sender@example.org> recipients=1 size=$SIZE exit=65 reason=\"list policy: attachments are not allowed\""
assert_contains "a verdict line for a rewrite" "$LOG" \
    "filter verdict=rewrite from=<sender@example.org> recipients=1 size=$SIZE new-size=$(stat -c %s "$T/rewritten.expected")"
assert_matches "a warning for a timeout" "$LOG" 'warning filter verdict=fail .*timed out after 2000 ms'
assert_contains "a verdict line for an overflow" "$LOG" "filter verdict=toobig"
VERDICTS=$(grep -c 'filter verdict=' "$T/envoid.log")
assert_eq "one verdict line per submission" 10 "$VERDICTS"
stop_envoid "$MAIN_PID"
assert_eq "envoid stops cleanly" 0 "$EXIT_STATUS"
assert_eq "no filter left running" "" "$(pgrep -f "$T/filter.sh" || true)"

# --- bad settings -----------------------------------------------------------------------------
printf '[spool]\nfilter-timeout = soon\n' >"$T/bad.conf"
assert_exit 78 "a filter-timeout that is not seconds" "$ENVOID" --config "$T/bad.conf"
assert_contains "it names the key" "$ERR" "[spool] filter-timeout"
printf '[spool]\nlog = journal\n' >"$T/bad.conf"
assert_exit 78 "an unknown log target" "$ENVOID" --config "$T/bad.conf"
assert_contains "it names the key" "$ERR" "[spool] log"
assert_exit 0 "envoid --help" "$ENVOID" --help
assert_contains "the help names --syslog" "$OUT" "--syslog"
assert_contains "the help names the filter" "$OUT" "ENVOI_RECIPIENTS"

# --- syslog -----------------------------------------------------------------------------------
# syslog(3) writes to /dev/log only: in a private mount namespace, /dev is a directory of the
# test's own whose log is a datagram socket read here.
syslog_envoid() { # LOG PORT CONF ARGS...
    local log=$1 port=$2 conf=$3
    shift 3
    # shellcheck disable=SC2016 # the inner shell expands them
    start_http_daemon "$log" "$port" unshare -m bash -c '
        set -e
        mount --make-rprivate /
        for n in null zero random urandom; do mount --bind "/dev/$n" "$1/dev/$n"; done
        mount --bind "$1/log.sock" "$1/dev/log"
        mount --rbind "$1/dev" /dev
        shift
        exec "$@"' _ "$T" "$ENVOID" --config "$conf" "$@"
}

if ! unshare -m true 2>/dev/null; then
    echo "# skip: no mount namespace here (unshare -m), syslog is checked by the unit tests only"
    finish
fi
mkdir -p "$T/dev"
touch "$T/dev/null" "$T/dev/zero" "$T/dev/random" "$T/dev/urandom" "$T/dev/log"
"${PY[@]}" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536) + b"\n")
' "$T/log.sock" "$T/syslog.txt" &
SYSLOG_PID=$!
echo "kill $SYSLOG_PID" >>"$STOPS"
for _ in $(seq 50); do
    [[ -e $T/syslog.txt.ready ]] && break
    sleep 0.1
done

PORT=$(free_port)
SPOOL=$T/spool2
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nworkers = 0\nfilter = %s\n' \
    "$SPOOL" "$PORT" "$T/filter.sh" >"$T/syslog.conf"
require "envoid started with --syslog" syslog_envoid "$T/syslog-stderr.log" "$PORT" \
    "$T/syslog.conf" --syslog
submit "$T/m.eml" accept@example.org
assert_eq "a submission with syslog: 202" 202 "$CODE"
ID=$(jf "$BODY" 'd["id"]')
submit "$T/m.eml" crash@example.org
stop_envoid "$ENVOID_PID"
assert_eq "envoid --syslog stops cleanly" 0 "$EXIT_STATUS"
SYSLOG=$(cat "$T/syslog.txt")
# <22>: facility mail (2) * 8 + info (6); <20>: mail + warning (4).
assert_matches "the start reached syslog as mail.info with ident envoid" "$SYSLOG" \
    '^<22>.*envoid\[[0-9]+\]: listening on http://127\.0\.0\.1:'"$PORT"
assert_matches "the submission reached syslog" "$SYSLOG" "^<22>.*envoid\[[0-9]+\]: submitted id=$ID"
assert_matches "a failed filter is mail.warning" "$SYSLOG" \
    '^<20>.*envoid\[[0-9]+\]: warning: filter verdict=fail'
assert_not_contains "nothing on stderr" "$(cat "$T/syslog-stderr.log")" "listening on"

PORT=$(free_port)
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nworkers = 0\nlog = syslog\n' \
    "$SPOOL" "$PORT" >"$T/syslog2.conf"
: >"$T/syslog.txt"
require "envoid started with log = syslog" syslog_envoid "$T/syslog2-stderr.log" "$PORT" \
    "$T/syslog2.conf"
stop_envoid "$ENVOID_PID"
assert_eq "and stops cleanly" 0 "$EXIT_STATUS"
assert_matches "[spool] log = syslog sends the lines to syslog" "$(cat "$T/syslog.txt")" \
    '^<22>.*envoid\[[0-9]+\]: stopped: queue closed'

finish
