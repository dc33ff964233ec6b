#!/bin/bash
# envoi queue and envoi send --async against a real envoid on loopback: a message handed over
# gets an id and becomes sent in the capture mailbox; list, show, status and stats as text and
# JSON; pause refuses submissions until resume; a message kept pending by a relay that is down is
# retried and cancelled; unknown ids (66); envoid not running (75 with the hint); a token-protected
# envoid reached through [spool] token-file (and refused without it: 77); usage errors (64).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_envoi
require_envoid
export XDG_CONFIG_HOME=$T/xdg # no config but the ones named here

# A value from JSON text: a Python expression over d.
jf() { # JSON EXPR
    "${PY[@]}" -c 'import json,sys; d=json.loads(sys.argv[1]); r=eval(sys.argv[2]); print(json.dumps(r) if isinstance(r,(dict,list,bool)) or r is None else r)' "$1" "$2" 2>/dev/null
}

# envoi queue status ID until it is not pending (at most 60 s); prints the last status.
final_status() { # ID ARGS...
    local id=$1 status=
    shift
    for _ in $(seq 600); do
        status=$("${ENVOI_CMD[@]}" queue status "$id" "$@" 2>/dev/null)
        [[ $status != pending ]] && break
        sleep 0.1
    done
    echo "$status"
}

# envoi queue show --json ID until it has at least N attempts (at most 60 s); prints attempts.
wait_attempts() { # N ID ARGS...
    local want=$1 id=$2 n=0
    shift 2
    for _ in $(seq 600); do
        n=$(jf "$("${ENVOI_CMD[@]}" queue show "$id" --json "$@" 2>/dev/null)" 'd["attempts"]')
        [[ -n $n && $n -ge $want ]] && break
        sleep 0.1
    done
    echo "$n"
}

printf 'Hello from the queue.\n' >"$T/body.txt"

# --- usage ----------------------------------------------------------------------------------------
assert_exit 0 "envoi queue --help" "$ENVOI" queue --help
assert_contains "the help lists the subcommands" "$OUT" "status ID   one word"
assert_contains "the help documents exit 66" "$OUT" "66  no such message"
assert_exit 0 "envoi help queue" "$ENVOI" help queue
assert_exit 0 "envoi --help" "$ENVOI" --help
assert_contains "envoi --help names queue" "$OUT" "queue     the spooler's queue"
assert_exit 0 "envoi send --help" "$ENVOI" send --help
assert_contains "envoi send --help documents --async" "$OUT" "--async"
assert_exit 64 "no subcommand" "$ENVOI" queue
assert_contains "it lists the subcommands" "$ERR" "list, show, status"
assert_exit 64 "an unknown subcommand" "$ENVOI" queue frobnicate
assert_contains "it names the subcommand" "$ERR" "unknown subcommand 'frobnicate'"
assert_exit 64 "show without an id" "$ENVOI" queue show
assert_contains "it says an id is needed" "$ERR" "needs a message id"
assert_exit 64 "an id with characters ids do not have" "$ENVOI" queue status '../stats'
assert_contains "it names the id" "$ERR" "'../stats' is not a message id"
assert_exit 64 "a limit over 1000" "$ENVOI" queue list --limit 5000
assert_contains "it names the option" "$ERR" "--limit 5000"
assert_exit 64 "a status that is not one" "$ENVOI" queue list --status lost
assert_exit 64 "--status on another subcommand" "$ENVOI" queue stats --status sent
assert_exit 64 "a bad --spooler" "$ENVOI" queue stats --spooler 'http://127.0.0.1'
assert_contains "it names the address" "$ERR" "spooler address 'http://127.0.0.1'"
assert_exit 64 "send --async with --server" "$ENVOI" send --async --server 127.0.0.1:25 \
    --from a@example.org --to b@example.org --text "$T/body.txt"
assert_contains "it says why" "$ERR" "--server cannot be combined"
assert_exit 64 "--spooler without --async" "$ENVOI" send --spooler 127.0.0.1:8025 \
    --server 127.0.0.1:25 --from a@example.org --to b@example.org --text "$T/body.txt"
assert_contains "it says what goes with it" "$ERR" "--spooler goes with --async"

# --- envoid not running ---------------------------------------------------------------------------
DEAD=$(free_port)
assert_exit 75 "queue stats with no envoid" "$ENVOI" queue stats --spooler "127.0.0.1:$DEAD"
assert_contains "it names the address" "$ERR" "envoid at 127.0.0.1:$DEAD"
assert_contains "it gives the hint" "$ERR" "is envoid running? (make run)"
assert_exit 75 "send --async with no envoid" "$ENVOI" send --async --spooler "127.0.0.1:$DEAD" \
    --from a@example.org --to b@example.org --text "$T/body.txt"
assert_contains "it gives the hint" "$ERR" "is envoid running? (make run)"
assert_exit 75 "send --async --json with no envoid" "$ENVOI" send --async --json \
    --spooler "127.0.0.1:$DEAD" --from a@example.org --to b@example.org --text "$T/body.txt"
assert_eq "the failure is JSON too" "error ENVOI_ECONNECT" "$(jf "$OUT" 'd["status"]+" "+d["error"]["code"]')"

# --- envoid with the capture mailbox, found through [spool] listen ------------------------------
PORT=$(free_port)
SPOOL=$T/spool
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nworkers = 1\n' "$SPOOL" "$PORT" >"$T/capture.conf"
C=(--config "$T/capture.conf")
require "envoid started on 127.0.0.1:$PORT" start_envoid "$T/capture.log" "$PORT" "${C[@]}"

assert_exit 0 "send --async" "$ENVOI" send --async "${C[@]}" --from 'Zoé <zoe@example.org>' \
    --to bob@example.org --cc carol@example.org --bcc '"Doe, Dave" <dave@example.org>' \
    --subject 'Queued report' --text "$T/body.txt"
ID1=$OUT
assert_matches "it prints the id" "$ID1" '^[0-9a-z]+$'
assert_eq "the message becomes sent" sent "$(final_status "$ID1" "${C[@]}")"
assert_exit 0 "queue status of a sent message" "$ENVOI" queue status "$ID1" "${C[@]}"
assert_eq "status prints one word" sent "$OUT"
CAPTURED=$(grep -l "Subject: Queued report" "$SPOOL"/capture/new/* 2>/dev/null | head -1)
assert_file_exists "the capture mailbox holds it" "$CAPTURED"
SRC=$(sqlite3 -cmd '.timeout 5000' "$SPOOL/queue.db" "SELECT source FROM sources WHERE message='$ID1'")
assert_contains "the queued source is the composed message" "$SRC" "Hello from the queue."
assert_contains "with its Cc" "$SRC" "Cc: carol@example.org"
assert_not_contains "without its Bcc" "$SRC" "dave@example.org"

assert_exit 0 "queue show" "$ENVOI" queue show "$ID1" "${C[@]}"
assert_matches "show prints the status" "$OUT" "status: +sent"
assert_matches "show prints the sender" "$OUT" "from: +zoe@example.org"
assert_matches "show prints the subject" "$OUT" "subject: +Queued report"
assert_contains "show counts the recipients" "$OUT" "recipients: 3"
assert_contains "show prints a recipient with its reply" "$OUT" "  bob@example.org  sent  250"
assert_contains "the Bcc recipient is in the envelope" "$OUT" "  dave@example.org  sent"
assert_contains "show prints the history" "$OUT" "history:    1 attempt"
assert_exit 0 "queue show --json" "$ENVOI" queue show "$ID1" --json "${C[@]}"
assert_eq "show --json has the recipients" \
    '["bob@example.org", "carol@example.org", "dave@example.org"]' \
    "$(jf "$OUT" '[r["address"] for r in d["recipients"]]')"
assert_eq "show --json has one attempt" 1 "$(jf "$OUT" 'len(d["history"])')"
assert_exit 0 "queue status --json" "$ENVOI" queue status "$ID1" --json "${C[@]}"
assert_eq "status --json has the id and status" "$ID1 sent" "$(jf "$OUT" 'd["id"]+" "+d["status"]')"

assert_exit 0 "send --async --json" "$ENVOI" send --async --json "${C[@]}" \
    --from a@example.org --to b@example.org --subject 'Second one' --text "$T/body.txt"
ID2=$(jf "$OUT" 'd["id"]')
assert_matches "send --async --json gives the id" "$ID2" '^[0-9a-z]+$'
assert_eq "and the status pending" pending "$(jf "$OUT" 'd["status"]')"
assert_eq "the second message becomes sent" sent "$(final_status "$ID2" "${C[@]}")"

# A raw message that is not UTF-8 (JSON cannot carry it) is stored byte for byte.
printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: latin\r\n\r\ncaf\xe9\r\n' >"$T/latin.eml"
assert_exit 0 "send --async --raw of a Latin-1 message" "$ENVOI" send --async "${C[@]}" \
    --raw "$T/latin.eml" --from a@example.org --to '"Doe, Jane" <jane@example.org>'
ID3=$OUT
sqlite3 -cmd '.timeout 5000' "$SPOOL/queue.db" \
    "SELECT writefile('$T/latin.got', source) FROM sources WHERE message='$ID3'" >/dev/null
assert_files_equal "the raw source is queued byte for byte" "$T/latin.eml" "$T/latin.got"
assert_exit 0 "queue show of the raw message" "$ENVOI" queue show "$ID3" --json "${C[@]}"
assert_eq "its envelope recipient is the bare address" '["jane@example.org"]' \
    "$(jf "$OUT" '[r["address"] for r in d["recipients"]]')"
final_status "$ID3" "${C[@]}" >/dev/null

assert_exit 0 "queue list" "$ENVOI" queue list "${C[@]}"
assert_matches "list prints a header" "$(head -1 <<<"$OUT")" '^ID +STATUS +TRIES +SUBMITTED \(UTC\) +FROM +SUBJECT$'
assert_matches "list prints the first message" "$OUT" "$ID1 +sent +1 +[0-9-]+ [0-9:]+ +zoe@example.org +Queued report"
assert_eq "list shows the three messages, newest first" "$ID3 $ID2 $ID1" \
    "$(tail -n +2 <<<"$OUT" | awk '{print $1}' | xargs)"
assert_exit 0 "queue list --json --limit 1" "$ENVOI" queue list --json --limit 1 "${C[@]}"
assert_eq "the page holds the newest message" "$ID3" "$(jf "$OUT" '" ".join(m["id"] for m in d["messages"])')"
assert_exit 0 "queue list --offset 2" "$ENVOI" queue list --json --offset 2 "${C[@]}"
assert_eq "the offset skips the newest" "$ID1" "$(jf "$OUT" '" ".join(m["id"] for m in d["messages"])')"
assert_exit 0 "queue list --search" "$ENVOI" queue list --search 'second' --json "${C[@]}"
assert_eq "the search finds the subject" "$ID2" "$(jf "$OUT" '" ".join(m["id"] for m in d["messages"])')"
assert_exit 0 "queue list --status pending" "$ENVOI" queue list --status pending "${C[@]}"
assert_eq "no message is pending" "no messages" "$OUT"

assert_exit 0 "queue stats" "$ENVOI" queue stats "${C[@]}"
assert_matches "stats counts the sent messages" "$OUT" "sent: +3"
assert_matches "stats says submissions are not paused" "$OUT" "paused: +no"
assert_exit 0 "queue stats --listen" "$ENVOI" queue stats --json --listen "127.0.0.1:$PORT"
assert_eq "--listen names envoid's address" 3 "$(jf "$OUT" 'd["sent"]')"
assert_exit 0 "queue stats --json" "$ENVOI" queue stats --json "${C[@]}"
assert_eq "stats --json" "3 0 False" "$(jf "$OUT" '" ".join(map(str,[d["sent"],d["pending"],d["paused"]]))')"

assert_exit 66 "queue status of an unknown id" "$ENVOI" queue status 0000nosuchmessage "${C[@]}"
assert_contains "it names the id" "$ERR" "no message 0000nosuchmessage"
assert_exit 66 "queue retry of an unknown id" "$ENVOI" queue retry 0000nosuchmessage "${C[@]}"
assert_exit 69 "cancel of a sent message" "$ENVOI" queue cancel "$ID1" "${C[@]}"
assert_contains "it says why" "$ERR" "sent"

# --- pause and resume -----------------------------------------------------------------------------
assert_exit 0 "queue pause" "$ENVOI" queue pause "${C[@]}"
assert_contains "pause says what it does" "$OUT" "new submissions are refused"
assert_exit 0 "queue stats --json while paused" "$ENVOI" queue stats --json "${C[@]}"
assert_eq "stats says paused" true "$(jf "$OUT" 'd["paused"]')"
assert_exit 75 "send --async while paused" "$ENVOI" send --async "${C[@]}" \
    --from a@example.org --to b@example.org --subject 'refused' --text "$T/body.txt"
assert_contains "it says envoid is paused" "$ERR" "paused"
assert_exit 0 "queue resume --json" "$ENVOI" queue resume --json "${C[@]}"
assert_eq "resume --json" false "$(jf "$OUT" 'd["paused"]')"
assert_exit 0 "send --async after resume" "$ENVOI" send --async "${C[@]}" \
    --from a@example.org --to b@example.org --subject 'accepted again' --text "$T/body.txt"
assert_eq "no message named 'refused' was queued" 0 \
    "$(sqlite3 -cmd '.timeout 5000' "$SPOOL/queue.db" "SELECT count(*) FROM messages WHERE subject='refused'")"
stop_envoid "$ENVOID_PID"

# --- a relay that is down: a pending message, retried, then cancelled ---------------------------
CLOSED=$(free_port)
PORT2=$(free_port)
cat >"$T/down.conf" <<EOF
[account down]
server = 127.0.0.1:$CLOSED
security = none

[spool]
dir = $T/spool-down
listen = 127.0.0.1:$PORT2
relay = down
workers = 1
EOF
D=(--config "$T/down.conf")
require "envoid with a relay that is down" start_envoid "$T/down.log" "$PORT2" "${D[@]}"
assert_exit 0 "send --async through it" "$ENVOI" send --async "${D[@]}" \
    --from a@example.org --to b@example.org --subject 'stuck' --text "$T/body.txt"
ID4=$OUT
assert_eq "it is tried once" 1 "$(wait_attempts 1 "$ID4" "${D[@]}")"
assert_exit 0 "queue status" "$ENVOI" queue status "$ID4" "${D[@]}"
assert_eq "it stays pending" pending "$OUT"
assert_exit 0 "queue show" "$ENVOI" queue show "$ID4" "${D[@]}"
assert_matches "show gives the next try" "$OUT" "next try: +[0-9-]+ [0-9:]+ UTC"
assert_contains "show gives the attempt with the relay" "$OUT" "history:    1 attempt"
assert_exit 0 "queue list --status pending" "$ENVOI" queue list --status pending "${D[@]}"
assert_matches "list shows it pending with its try" "$OUT" "$ID4 +pending +1 "
assert_exit 0 "queue retry" "$ENVOI" queue retry "$ID4" "${D[@]}"
assert_eq "retry prints the id and status" "$ID4 pending" "$OUT"
# The retried attempt done (the worker's lease let go), the next try is minutes away.
assert_eq "retry has it tried again at once" 2 "$(wait_attempts 2 "$ID4" "${D[@]}")"
assert_exit 0 "queue cancel" "$ENVOI" queue cancel "$ID4" "${D[@]}"
assert_eq "cancel prints the id and status" "$ID4 cancelled" "$OUT"
assert_exit 0 "queue status after cancel" "$ENVOI" queue status "$ID4" "${D[@]}"
assert_eq "it is cancelled" cancelled "$OUT"
assert_exit 0 "queue stats --json" "$ENVOI" queue stats --json "${D[@]}"
assert_eq "stats counts it cancelled" "1 0" "$(jf "$OUT" '" ".join(map(str,[d["cancelled"],d["pending"]]))')"
assert_exit 69 "cancel again" "$ENVOI" queue cancel "$ID4" "${D[@]}"
stop_envoid "$ENVOID_PID"

# --- a token-protected envoid ---------------------------------------------------------------------
PORT3=$(free_port)
TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$TOKEN" >"$T/token"
chmod 600 "$T/token"
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\ntoken-file = %s\nworkers = 1\n' \
    "$T/spool-token" "$PORT3" "$T/token" >"$T/token.conf"
K=(--config "$T/token.conf")
require "envoid with a token" start_envoid "$T/token.log" "$PORT3" "${K[@]}"
assert_exit 0 "queue stats with [spool] token-file" "$ENVOI" queue stats "${K[@]}"
assert_matches "it answers" "$OUT" "paused: +no"
assert_exit 0 "send --async with [spool] token-file" "$ENVOI" send --async "${K[@]}" \
    --from a@example.org --to b@example.org --subject 'with a token' --text "$T/body.txt"
ID5=$OUT
assert_eq "it becomes sent" sent "$(final_status "$ID5" "${K[@]}")"
assert_exit 77 "queue stats without the token" "$ENVOI" queue stats --spooler "127.0.0.1:$PORT3"
assert_contains "it says the token was refused" "$ERR" "token-file"
printf 'wrong-token-wrong-token\n' >"$T/wrong"
assert_exit 77 "queue stats with a wrong --token-file" "$ENVOI" queue stats \
    --spooler "127.0.0.1:$PORT3" --token-file "$T/wrong"
assert_exit 0 "queue stats with --token-file" "$ENVOI" queue stats --json \
    --spooler "127.0.0.1:$PORT3" --token-file "$T/token"
assert_exit 78 "a token file that cannot be read" "$ENVOI" queue stats \
    --spooler "127.0.0.1:$PORT3" --token-file "$T/missing"
assert_contains "it names the file" "$ERR" "$T/missing"
assert_not_contains "the token is never printed" "$(cat "$T/token.log") $ERR" "$TOKEN"
stop_envoid "$ENVOID_PID"

finish
