#!/bin/bash
# envoid's delivery when its relay misbehaves, statuses read through the HTTP API: the relay
# down then up (pending with a failed attempt, then sent); 4xx for a recipient then 2xx (the one
# accepted stays sent and is not sent again); 5xx for some recipients (status error, the sent
# ones stay sent, a delivery status notification to the sender with the server's words); a
# relay that stalls (deferred, the reason names the timeout) and one that drops the connection
# mid-message (deferred). Retries are made due at once with POST /v1/messages/{id}/retry.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_envoid
export XDG_CONFIG_HOME=$T/xdg

# One request: CODE gets the HTTP status, BODY the answer.
http() { # METHOD PATH [curl options...]
    local method=$1 path=$2
    shift 2
    CODE=$(curl -s -o "$T/.body" -w '%{http_code}' --max-time 30 -X "$method" "$@" \
        "http://127.0.0.1:$PORT$path")
    BODY=$(cat "$T/.body")
}

# A value from the JSON text: a Python expression over d.
jf() { # JSON EXPR
    "${PY[@]}" -c 'import json,sys; d=json.loads(sys.argv[1]); r=eval(sys.argv[2]); print(json.dumps(r) if isinstance(r,(dict,list,bool)) or r is None else r)' "$1" "$2" 2>/dev/null
}

submit() { # JSON -> ID (empty on failure)
    http POST /v1/messages -H 'Content-Type: application/json' --data-binary "$1"
    [[ $CODE == 202 ]] && jf "$BODY" 'd["id"]'
}

# Wait (at most 60 s) until the message has at least N attempts in its history and is no longer
# leased by a worker; BODY holds its last status.
wait_attempts() { # ID N
    for _ in $(seq 600); do
        http GET "/v1/messages/$1"
        if [[ $CODE == 200 && $(jf "$BODY" 'len(d["history"])') -ge $2 ]] &&
            [[ $(jf "$BODY" 'd["attempts"]') -ge $2 ]]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# Wait (at most 60 s) until the message's status is no longer pending; BODY holds it.
wait_done() { # ID
    for _ in $(seq 600); do
        http GET "/v1/messages/$1"
        [[ $CODE == 200 && $(jf "$BODY" 'd["status"]') != pending ]] && return 0
        sleep 0.1
    done
    return 1
}

# Retry now; a worker may still hold the message for a moment after recording it (409).
retry_now() { # ID
    for _ in $(seq 50); do
        http POST "/v1/messages/$1/retry"
        [[ $CODE == 200 ]] && return 0
        sleep 0.1
    done
    return 1
}

rcpt() { # JSON ADDRESS FIELD: a recipient's field
    jf "$1" "[r[\"$3\"] for r in d[\"recipients\"] if r[\"address\"] == \"$2\"][0]"
}

# --- one envoid, one relay port where the servers take turns --------------------------------------
RELAY_PORT=$(free_port)
PORT=$(free_port)
SPOOL=$T/spool
cat >"$T/envoi.conf" <<EOF
[account relay]
server = 127.0.0.1:$RELAY_PORT
security = none
timeout = 2
connect-timeout = 2

[spool]
dir = $SPOOL
listen = 127.0.0.1:$PORT
relay = relay
workers = 1
EOF
require "envoid started" start_envoid "$T/envoid.log" "$PORT" --config "$T/envoi.conf"

# --- the relay down, then up ----------------------------------------------------------------------
ID=$(submit '{"from":"alice@example.org","to":"down@example.org","subject":"relay down","text":"x"}')
assert_matches "a message is accepted while the relay is down" "$ID" '^[0-9a-z]+$'
require "an attempt is made" wait_attempts "$ID" 1
assert_eq "with the relay down it stays pending" pending "$(jf "$BODY" 'd["status"]')"
assert_eq "one attempt is counted" 1 "$(jf "$BODY" 'd["attempts"]')"
assert_eq "the attempt has no reply code (no server)" 0 "$(jf "$BODY" 'd["history"][0]["reply_code"]')"
assert_matches "the history says the connection failed" \
    "$(jf "$BODY" 'd["history"][0]["summary"]')" 'connect|refused'
assert_eq "the recipient is pending" pending "$(rcpt "$BODY" down@example.org status)"
assert_matches "a next try is set" "$(jf "$BODY" 'd["next_try"]')" '^[0-9]{4}-'
assert_eq "the next try is minutes away (backoff), not now" true \
    "$(jf "$BODY" '__import__("datetime").datetime.fromisoformat(d["next_try"].replace("Z","+00:00")).timestamp() - __import__("time").time() > 60')"
SINK=$T/sink
require "smtp-sink started on the relay's port" start_smtp_sink "$SINK" "$RELAY_PORT" --save --no-auth
require "a retry is made due now" retry_now "$ID"
require "it is delivered" wait_done "$ID"
assert_eq "with the relay up it becomes sent" sent "$(jf "$BODY" 'd["status"]')"
assert_eq "two attempts in its history" 2 "$(jf "$BODY" 'len(d["history"])')"
assert_eq "the second attempt got 250" 250 "$(jf "$BODY" 'd["history"][1]["reply_code"]')"
assert_matches "its reason is the relay's reply" "$(jf "$BODY" 'd["reason"]')" '^250'
assert_eq "the recipient is sent" sent "$(rcpt "$BODY" down@example.org status)"
assert_eq "smtp-sink got it once" 1 "$(grep -l 'Subject: relay down' "$SINK"/spool/* 2>/dev/null | wc -l)"
stop_peer smtp_sink "$SINK"

# --- 4xx for one recipient, then 2xx --------------------------------------------------------------
BUSY=$T/busy
require "aiosmtpd answering 450 for busy@" start_aiosmtpd "$BUSY" "$RELAY_PORT" \
    --tempfail busy@example.org --save "$BUSY/saved"
ID=$(submit '{"from":"alice@example.org","to":["ok@example.org","busy@example.org"],"subject":"tempfail","text":"x"}')
require "an attempt is made" wait_attempts "$ID" 1
assert_eq "after a 450 it stays pending" pending "$(jf "$BODY" 'd["status"]')"
assert_eq "the accepted recipient is sent" sent "$(rcpt "$BODY" ok@example.org status)"
assert_eq "the busy recipient is pending" pending "$(rcpt "$BODY" busy@example.org status)"
assert_eq "with the 450 code" 450 "$(rcpt "$BODY" busy@example.org reply_code)"
assert_contains "and the server's words" "$(rcpt "$BODY" busy@example.org reply)" "Mailbox busy"
assert_eq "the relay got the message for ok@ only" '["ok@example.org"]' \
    "$(jf "$(cat "$BUSY/saved/msg-0001.json" 2>/dev/null)" 'd["rcpt_tos"]')"
stop_peer aiosmtpd "$BUSY"
FINE=$T/fine
require "aiosmtpd accepting everyone" start_aiosmtpd "$FINE" "$RELAY_PORT" --save "$FINE/saved"
require "a retry is made due now" retry_now "$ID"
require "it is delivered" wait_done "$ID"
assert_eq "after the 2xx it is sent" sent "$(jf "$BODY" 'd["status"]')"
assert_eq "both recipients are sent" '["sent", "sent"]' "$(jf "$BODY" '[r["status"] for r in d["recipients"]]')"
assert_eq "the history has the two attempts" 2 "$(jf "$BODY" 'len(d["history"])')"
assert_eq "the retry went to busy@ alone (ok@ is not sent twice)" '["busy@example.org"]' \
    "$(jf "$(cat "$FINE/saved/msg-0001.json" 2>/dev/null)" 'd["rcpt_tos"]')"
stop_peer aiosmtpd "$FINE"

# --- 5xx for some recipients: error, and a notification to the sender -----------------------------
REFUSE=$T/refuse
require "aiosmtpd refusing gone@ (550)" start_aiosmtpd "$REFUSE" "$RELAY_PORT" \
    --refuse gone@example.org --save "$REFUSE/saved"
ID=$(submit '{"from":"Alice <alice@example.org>","to":["kept@example.org","gone@example.org"],"subject":"partly refused","text":"hello"}')
require "it is tried" wait_done "$ID"
assert_eq "a 5xx recipient makes the message error" error "$(jf "$BODY" 'd["status"]')"
assert_eq "one attempt only (5xx is not retried)" 1 "$(jf "$BODY" 'd["attempts"]')"
assert_eq "the accepted recipient stays sent" sent "$(rcpt "$BODY" kept@example.org status)"
assert_eq "the refused one is failed" failed "$(rcpt "$BODY" gone@example.org status)"
assert_eq "with the 550 code" 550 "$(rcpt "$BODY" gone@example.org reply_code)"
assert_contains "and the server's words" "$(rcpt "$BODY" gone@example.org reply)" \
    "Recipient address rejected: User unknown"
assert_contains "the reason names the refusal" "$(jf "$BODY" 'd["reason"]')" "550"
# The notification is queued with the null sender and delivered through the same relay.
DSN_FILE=
for _ in $(seq 300); do
    DSN_FILE=$(grep -lE '"mail_from": "(<>)?"' "$REFUSE"/saved/msg-*.json 2>/dev/null | head -1)
    [[ -n $DSN_FILE ]] && break
    sleep 0.1
done
assert_file_exists "a notification reached the relay" "$DSN_FILE"
if [[ -n $DSN_FILE ]]; then
    assert_eq "it goes to the sender" '["alice@example.org"]' "$(jf "$(cat "$DSN_FILE")" 'd["rcpt_tos"]')"
    DSN_EML=${DSN_FILE%.json}.eml
    assert_ok "it is a multipart/report naming gone@ alone, with Status 5.x.x and the server's words" \
        "${PY[@]}" - "$DSN_EML" "$ID" <<'EOF'
import email, email.policy, re, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
def need(cond, what):
    if not cond:
        sys.exit("not so: " + what)
need(msg.get_content_type() == "multipart/report", "Content-Type multipart/report")
need(msg.get_param("report-type") == "delivery-status", "report-type=delivery-status")
parts = {p.get_content_type(): p for p in msg.walk()}
need("message/delivery-status" in parts, "a message/delivery-status part")
status = parts["message/delivery-status"]
text = "".join(p.as_string() for p in status.get_payload()) if status.is_multipart() else status.get_payload()
text = re.sub(r"\r?\n[ \t]+", " ", text)
need("Final-Recipient: rfc822; gone@example.org" in text, "Final-Recipient gone@ in:\n" + text)
need("kept@example.org" not in text, "kept@ not named")
need("X-Envoi-Queue-ID: " + sys.argv[2] in text, "the failed message's queue id")
need(re.search(r"^Action: failed", text, re.M), "Action: failed")
need(re.search(r"^Status: 5\.\d+\.\d+", text, re.M), "Status 5.x.x")
need(re.search(r"^Diagnostic-Code: smtp; ?550 5\.1\.1 .*Recipient address rejected: User unknown", text, re.M),
     "Diagnostic-Code with the server's words in:\n" + text)
need(any(p.get_content_type() in ("message/rfc822", "text/rfc822-headers") for p in msg.walk()),
     "the original message or its headers")
need("partly refused" in msg.as_string(), "the original subject somewhere")
EOF
fi
http GET "/v1/messages?q=alice@example.org"
DSN_IDS=$(jf "$BODY" '[m["id"] for m in d["messages"] if m["from"] == ""]')
assert_eq "the notification is in the queue from the null sender, and sent" '["sent"]' \
    "$(for id in $(jf "$DSN_IDS" ' " ".join(d)'); do
        http GET "/v1/messages/$id"; jf "$BODY" 'd["status"]'
    done | "${PY[@]}" -c 'import json,sys; print(json.dumps([l.strip() for l in sys.stdin if l.strip()]))')"
stop_peer aiosmtpd "$REFUSE"

# --- a relay that stalls: a timeout, deferred ------------------------------------------------------
STALL=$T/stall
require "a server that never answers MAIL" start_fault_server "$STALL" "$RELAY_PORT" stall-mail
ID=$(submit '{"from":"alice@example.org","to":"slow@example.org","subject":"stalled","text":"x"}')
require "an attempt is made" wait_attempts "$ID" 1
assert_eq "after a timeout it stays pending" pending "$(jf "$BODY" 'd["status"]')"
assert_matches "the attempt's reason names the timeout" \
    "$(jf "$BODY" 'd["history"][0]["summary"]')" 'time(d)? ?out'
assert_matches "so does the recipient's" "$(rcpt "$BODY" slow@example.org reply)" 'time(d)? ?out'
assert_eq "the stalled server saw MAIL" MAIL "$(grep -x MAIL "$STALL/commands.log" | head -1)"
stop_peer fault_server "$STALL"

# --- a relay that drops the connection mid-message: deferred ---------------------------------------
DROP=$T/drop
require "a server that drops the connection in DATA" start_fault_server "$DROP" "$RELAY_PORT" drop-data
require "a retry of the stalled message is made due now" retry_now "$ID"
require "a second attempt is made" wait_attempts "$ID" 2
assert_eq "after a dropped connection it stays pending" pending "$(jf "$BODY" 'd["status"]')"
assert_matches "the attempt's reason names the broken connection" \
    "$(jf "$BODY" 'd["history"][1]["summary"]')" 'clos|connection|reset|end of'
stop_peer fault_server "$DROP"

# --- and finally up: the same message is sent ------------------------------------------------------
LAST=$T/last
require "aiosmtpd accepting everyone" start_aiosmtpd "$LAST" "$RELAY_PORT" --save "$LAST/saved"
require "a retry is made due now" retry_now "$ID"
require "it is delivered" wait_done "$ID"
assert_eq "it becomes sent" sent "$(jf "$BODY" 'd["status"]')"
assert_eq "after three attempts" 3 "$(jf "$BODY" 'd["attempts"]')"
assert_contains "each attempt is logged with the id" "$(grep -c "id=$ID relay=" "$T/envoid.log")" 3
kill -TERM "$ENVOID_PID"
wait "$ENVOID_PID"
assert_eq "envoid stops with exit 0" 0 "$?"

finish
