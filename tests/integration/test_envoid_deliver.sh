#!/bin/bash
# envoid's delivery workers as the daemon starts them: with no relay, a message submitted over
# HTTP lands in the capture maildir under the spool directory and becomes "sent"; with
# [spool] relay naming an [account], it goes to that server (smtp-sink, which saves what it
# gets) and becomes "sent"; a relay naming no account stops envoid at start (exit 78).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_envoid
export XDG_CONFIG_HOME=$T/xdg

jf() { # JSON EXPR
    "${PY[@]}" -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

submit() { # PORT SUBJECT -> prints the id
    curl -s --max-time 30 -H 'Content-Type: application/json' --data-binary \
        "{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"bcc\":\"c@example.org\",\"subject\":\"$2\",\"text\":\"hello\"}" \
        "http://127.0.0.1:$1/v1/messages" | { read -r body; jf "$body" 'd["id"]'; }
}

# The status of a message once it is no longer pending (or "pending" after 60 s).
final_status() { # PORT ID
    local i status=pending body
    for i in $(seq 600); do
        body=$(curl -s --max-time 10 "http://127.0.0.1:$1/v1/messages/$2")
        status=$(jf "$body" 'd["status"]')
        [[ $status != pending ]] && break
        sleep 0.1
    done
    echo "$status"
}

# --- no relay: the capture mailbox ----------------------------------------------------------------
PORT=$(free_port)
SPOOL=$T/spool
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nworkers = 2\n' "$SPOOL" "$PORT" >"$T/capture.conf"
require "envoid with the capture mailbox" start_envoid "$T/capture.log" "$PORT" \
    --config "$T/capture.conf"
ID=$(submit "$PORT" "to the capture mailbox")
assert_matches "the message is accepted" "$ID" '^[0-9a-z]+$'
assert_eq "it becomes sent" sent "$(final_status "$PORT" "$ID")"
CAPTURED=$(grep -l "Subject: to the capture mailbox" "$SPOOL"/capture/new/* 2>/dev/null | head -1)
assert_file_exists "the capture maildir holds it" "$CAPTURED"
if [[ -n $CAPTURED ]]; then
    assert_contains "with its Bcc recipient in the envelope" "$(cat "$CAPTURED")" "c@example.org"
fi
assert_contains "the delivery is logged with the id" "$(cat "$T/capture.log")" "$ID"
stop_envoid "$ENVOID_PID"
assert_eq "envoid stops with exit 0" 0 "$EXIT_STATUS"

# --- a relay from the config: smtp-sink -----------------------------------------------------------
SINK=$T/sink
SINK_PORT=$(free_port)
require "smtp-sink started" start_smtp_sink "$SINK" "$SINK_PORT" --save --no-auth
PORT=$(free_port)
cat >"$T/relay.conf" <<EOF
[account sink]
server = 127.0.0.1:$SINK_PORT
security = none

[spool]
dir = $T/spool-relay
listen = 127.0.0.1:$PORT
relay = sink
workers = 2
EOF
require "envoid with a relay" start_envoid "$T/relay.log" "$PORT" --config "$T/relay.conf"
ID=$(submit "$PORT" "through the relay")
assert_eq "the relayed message becomes sent" sent "$(final_status "$PORT" "$ID")"
SAVED=$(grep -l "Subject: through the relay" "$SINK"/spool/* 2>/dev/null | head -1)
assert_file_exists "smtp-sink got it" "$SAVED"
BODY=$(curl -s "http://127.0.0.1:$PORT/v1/messages/$ID")
assert_eq "one attempt is in its history" 1 "$(jf "$BODY" 'len(d["history"])')"
assert_matches "with the relay's 250 reply" "$(jf "$BODY" 'd["history"][0]["reply_code"]')" '^250$'
stop_envoid "$ENVOID_PID"
assert_eq "envoid stops with exit 0" 0 "$EXIT_STATUS"

# --- a relay naming no account ---------------------------------------------------------------------
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nrelay = nowhere\n' "$T/spool-bad" \
    "$(free_port)" >"$T/bad.conf"
assert_exit 78 "a relay with no [account] stops envoid at start" "$ENVOID" --config "$T/bad.conf"
assert_contains "it names the relay" "$ERR" "nowhere"

finish
