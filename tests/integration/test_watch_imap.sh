#!/bin/bash
# envoi watch against Dovecot's IMAP: a message delivered while it waits in IDLE is printed
# (text and JSON) or fetched into a maildir and flagged \Seen; --unseen takes what is already
# there; --exec gets ENVOI_NEW_COUNT; a server-side disconnect (doveadm kick) is followed by a
# new connection; SIGTERM ends it with LOGOUT and exit 0; without IDLE it polls with NOOP.
# Each waiting step is bounded; no timing is asserted.
# Strings with $ in single quotes are meant for another shell (--exec), not this one.
# shellcheck disable=SC2016,SC2317
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

DV=$T/dovecot
IMAP=$(free_port)
IMAPS=$(free_port)
require "Dovecot with IMAP started" start_dovecot "$DV" "$(free_port)" "$(free_port)" \
    "$(free_port)" "" "" "$IMAP" "$IMAPS"
CA=$DV/certs/ca.pem
secret_file "$T/alice.pass" 'alice-secret'
chmod 600 "$T"/*.pass
CONF=$DV/dovecot.conf

IM=(--server "127.0.0.1:$IMAP" --security starttls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)
IMS=(--server "127.0.0.1:$IMAPS" --security tls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)

deliver() { # SUBJECT [FOLDER]
    printf 'From: Sender <sender@localhost>\nTo: alice@localhost\nSubject: %s\n\nbody of %s\n' \
        "$1" "$1" | /usr/lib/dovecot/dovecot-lda -c "$CONF" -d alice -m "${2:-INBOX}"
}
server_flags_of() { # SUBJECT
    doveadm -c "$CONF" -f flow fetch -u alice flags mailbox INBOX header subject "$1" |
        sed 's/^flags=//'
}

# start_watch NAME ARGS...: envoi watch in the background (stdout NAME.out, stderr NAME.err);
# its pid in WPID, killed at exit if still running.
start_watch() {
    local name=$1
    shift
    "$ENVOI" watch "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null &
    WPID=$!
    echo "kill -KILL $WPID" >>"$STOPS"
}
# wait_for FILE TEXT [COUNT]: until FILE has COUNT (default 1) lines with TEXT; 1 after 20 s.
wait_for() {
    local _
    for _ in $(seq 200); do
        if (($(grep -cF -- "$2" "$1" 2>/dev/null) >= ${3:-1})); then
            return 0
        fi
        sleep 0.1
    done
    return 1
}
# wait_exit PID: its exit status in WRC once it ended (124 after 20 s, then killed).
wait_exit() {
    local _
    for _ in $(seq 200); do
        if ! kill -0 "$1" 2>/dev/null; then
            wait "$1"
            WRC=$?
            return 0
        fi
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    WRC=124
    return 1
}
show() { # NAME: what the watch printed, for a failure's detail
    echo "stdout: $(head -c 1500 "$T/$1.out")"
    echo "stderr: $(tail -c 1500 "$T/$1.err")"
}

# --- usage ----------------------------------------------------------------------------------------
assert_exit 64 "--idle-minutes 30" "$ENVOI" watch --idle-minutes 30 "${IM[@]}"
assert_contains "it says why" "$ERR" "30"
assert_exit 64 "--poll 0" "$ENVOI" watch --poll 0 "${IM[@]}"
assert_exit 64 "--json with a maildir" "$ENVOI" watch --json --maildir "$T/x" "${IM[@]}"
assert_exit 64 "--headers-only without a destination" "$ENVOI" watch --headers-only "${IM[@]}"
assert_exit 64 "an argument" "$ENVOI" watch INBOX "${IM[@]}"
assert_exit 69 "a folder that does not exist" "$ENVOI" watch --folder "No such" --once "${IM[@]}"

# --- print the message delivered while in IDLE -----------------------------------------------
require "an old message delivered" deliver "already there"
start_watch w1 --once -v "${IM[@]}"
if wait_for "$T/w1.err" "< + idling"; then pass "watch is in IDLE"; else
    fail "watch is in IDLE" "$(show w1)"
fi
require "a new message delivered" deliver "first news"
wait_exit "$WPID"
assert_eq "watch --once ended by itself with 0" 0 "$WRC"
OUT=$(cat "$T/w1.out")
assert_eq "one line: the new message only" 1 "$(grep -c . <<<"$OUT")"
assert_matches "UID, size, date, From, Subject tab separated" "$OUT" \
    $'^2\t[0-9]+\t[-0-9T:Z]+\tSender <sender@localhost>\tfirst news$'
assert_contains "the session ended with LOGOUT" "$(cat "$T/w1.err")" "LOGOUT"

# --- JSON and --exec --------------------------------------------------------------------------
start_watch w2 --once -v --json --exec "echo \"count=\$ENVOI_NEW_COUNT\" >'$T/w2.exec'" \
    "${IMS[@]}"
if wait_for "$T/w2.err" "< + idling"; then pass "watch --json is in IDLE"; else
    fail "watch --json is in IDLE" "$(show w2)"
fi
require "a message for JSON delivered" deliver "json news"
wait_exit "$WPID"
assert_eq "watch --once --json --exec ended with 0" 0 "$WRC"
assert_eq "JSON Lines as list --json" "3 json news sender@localhost False" \
    "$("${PY[@]}" -c 'import json,sys; o=json.loads(sys.stdin.readline())
print(o["uid"], o["subject"], o["from"][0]["address"], o["seen"])' <"$T/w2.out")"
assert_eq "--exec ran with ENVOI_NEW_COUNT" "count=1" "$(cat "$T/w2.exec" 2>/dev/null)"

# --- fetch into a maildir, then \Seen ---------------------------------------------------------
start_watch w3 --once -v --maildir "$T/md" "${IM[@]}"
if wait_for "$T/w3.err" "< + idling"; then pass "watch --maildir is in IDLE"; else
    fail "watch --maildir is in IDLE" "$(show w3)"
fi
require "a message to fetch delivered" deliver "fetch me"
wait_exit "$WPID"
assert_eq "watch --once --maildir ended with 0" 0 "$WRC"
assert_eq "one message in the maildir" 1 "$(count_files "$T/md/new")"
assert_contains "it is the new one" "$(cat "$T"/md/new/* 2>/dev/null)" "Subject: fetch me"
assert_contains "the server has it \\Seen" "$(server_flags_of "fetch me")" '\Seen'
assert_not_contains "the old one is not \\Seen" "$(server_flags_of "already there")" '\Seen'
assert_contains "retrieved with BODY.PEEK" "$(cat "$T/w3.err")" "BODY.PEEK[]"

# --- --unseen: what is already there ----------------------------------------------------------
start_watch w4 --once --unseen --maildir "$T/md4" "${IM[@]}"
wait_exit "$WPID"
assert_eq "watch --once --unseen ended with 0 at once" 0 "$WRC"
assert_eq "the unseen messages were fetched (not the \\Seen one)" 3 "$(count_files "$T/md4/new")"
assert_contains "the old one is \\Seen now" "$(server_flags_of "already there")" '\Seen'

# --- a server-side disconnect, then SIGTERM ---------------------------------------------------
start_watch w5 -v "${IM[@]}"
if wait_for "$T/w5.err" "< + idling"; then pass "watch (no --once) is in IDLE"; else
    fail "watch (no --once) is in IDLE" "$(show w5)"
fi
require "alice kicked on the server" doveadm -c "$CONF" kick alice >/dev/null
if wait_for "$T/w5.err" "connecting again in 1 s"; then pass "it says it connects again"; else
    fail "it says it connects again" "$(show w5)"
fi
if wait_for "$T/w5.err" "< + idling" 2; then pass "it is in IDLE again"; else
    fail "it is in IDLE again" "$(show w5)"
fi
require "a message delivered after the reconnection" deliver "after the kick"
if wait_for "$T/w5.out" "after the kick"; then pass "the message is printed"; else
    fail "the message is printed" "$(show w5)"
fi
kill -TERM "$WPID"
wait_exit "$WPID"
assert_eq "SIGTERM ends it with 0" 0 "$WRC"
assert_contains "with LOGOUT" "$(cat "$T/w5.err")" "LOGOUT"
assert_eq "it printed that message only" 1 "$(grep -c . "$T/w5.out")"

# --- SIGINT --------------------------------------------------------------------------------------
start_watch w6 -v "${IMS[@]}"
if wait_for "$T/w6.err" "< + idling"; then pass "watch over IMAPS is in IDLE"; else
    fail "watch over IMAPS is in IDLE" "$(show w6)"
fi
kill -INT "$WPID"
wait_exit "$WPID"
assert_eq "SIGINT ends it with 0" 0 "$WRC"
assert_eq "nothing printed" "" "$(cat "$T/w6.out")"

# --- without IDLE: NOOP polls -----------------------------------------------------------------
# The test Dovecot is told to announce no IDLE to new sessions.
CAPS="IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT"
CAPS+=" CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE ESEARCH LITERAL+ MOVE"
printf 'protocol imap {\n  imap_capability = %s\n}\n' "$CAPS" >>"$CONF"
require "Dovecot reloaded without IDLE" doveadm -c "$CONF" reload
# Whether a new session is offered IDLE after login (in the LOGIN's OK).
offers_idle() {
    "$ENVOI" folders list -v "${IM[@]}" 2>&1 | grep -q '^< A[0-9]* OK \[CAPABILITY[^]]* IDLE'
}
for _ in $(seq 50); do # the reload is asynchronous: until a new session lacks IDLE
    offers_idle || break
    sleep 0.2
done
start_watch w7 --once -v --poll 1 "${IM[@]}"
if wait_for "$T/w7.err" "NOOP"; then pass "watch polls with NOOP"; else
    fail "watch polls with NOOP" "$(show w7)"
fi
assert_not_contains "no IDLE was sent" "$(cat "$T/w7.err")" "IDLE"
require "a message for the poller delivered" deliver "polled news"
wait_exit "$WPID"
assert_eq "watch --once --poll ended with 0" 0 "$WRC"
assert_contains "the polled message is printed" "$(cat "$T/w7.out")" $'\tpolled news'

finish
