#!/bin/bash
# envoid DKIM-signs at delivery: with a relay account that has dkim-domain, dkim-selector and
# dkim-key, every message it delivers (to aiosmtpd, and to smtp-sink) verifies with Debian's
# python3-dkim (the public key given directly): messages submitted over HTTP (composed, and
# raw with bare LF line ends) and by "envoi send --async" (unsigned, and signed already by
# envoi send: both signatures then verify). A relay account whose key cannot be used stops
# envoid at start with a clear error and exit 78.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi
require_envoid
export XDG_CONFIG_HOME=$T/xdg


jf() { # JSON EXPR
    "${PY[@]}" -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# POST a JSON body to envoid; prints the id.
submit_json() { # PORT JSON
    curl -s --max-time 30 -H 'Content-Type: application/json' --data-binary "$2" \
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

# The message aiosmtpd saved in DIR whose Subject is SUBJECT.
saved_with() { # DIR SUBJECT
    grep -l "^Subject: $2" "$1"/saved/msg-*.eml 2>/dev/null | head -1
}

K=$T/keys
mkdir -p "$K"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/rsa.pem" 2>/dev/null
openssl pkey -in "$K/rsa.pem" -pubout -out "$K/rsa.pub" 2>/dev/null
openssl genpkey -algorithm ED25519 -out "$K/ed.pem" 2>/dev/null
openssl pkey -in "$K/ed.pem" -pubout -out "$K/ed.pub" 2>/dev/null
chmod 600 "$K"/*.pem
RSA_KEY="example.org:relay:$K/rsa.pub"
ED_KEY="example.org:client:$K/ed.pub"

# ---- envoid relaying to aiosmtpd (PIPELINING: the batch path) ----------------------------------
PEER=$T/peer
PEER_PORT=$(free_port)
require "aiosmtpd started" start_aiosmtpd "$PEER" "$PEER_PORT" --pipelining --save "$PEER/saved"
PORT=$(free_port)
cat >"$T/envoid.conf" <<EOF
[account relay]
server = 127.0.0.1:$PEER_PORT
security = none
dkim-domain = example.org
dkim-selector = relay
dkim-key = $K/rsa.pem

[spool]
dir = $T/spool
listen = 127.0.0.1:$PORT
relay = relay
workers = 2
EOF
require "envoid with a signing relay" start_envoid "$T/envoid.log" "$PORT" --config "$T/envoid.conf"

IDS=()
for i in 1 2 3 4 5; do
    IDS+=("$(submit_json "$PORT" "{\"from\":\"a@example.org\",\"to\":[\"b@example.org\"],\"subject\":\"http $i\",\"text\":\"hello $i\\n.\\n..dots\\n\"}")")
done
RAW=$'From: a@example.org\nTo: b@example.org\nSubject: http raw\nMessage-ID: <raw@example.org>\n\nbare LF body\n.\nend'
RAW_JSON=$("${PY[@]}" -c 'import json,sys; print(json.dumps({"from":"a@example.org","recipients":["b@example.org"],"raw":sys.argv[1]}))' "$RAW")
IDS+=("$(submit_json "$PORT" "$RAW_JSON")")
for id in "${IDS[@]}"; do
    assert_eq "message $id is sent" sent "$(final_status "$PORT" "$id")"
done
for i in 1 2 3 4 5; do
    assert_dkim "HTTP message $i: the delivered message verifies, DKIM-Signature first" \
        "$(saved_with "$PEER" "http $i")" --first "$RSA_KEY"
done
assert_dkim "HTTP raw message with bare LF: verifies" "$(saved_with "$PEER" "http raw")" --first \
    "$RSA_KEY"

# envoi send --async: unsigned by envoi send, signed by envoid.
mkdir -p "$XDG_CONFIG_HOME/envoi"
printf '[spool]\nlisten = 127.0.0.1:%s\n' "$PORT" >"$XDG_CONFIG_HOME/envoi/config"
printf 'sent with --async\n' >"$T/text.txt"
assert_exit 0 "envoi send --async" "$ENVOI" send --async --from a@example.org --to b@example.org \
    --subject 'async plain' --text "$T/text.txt"
ID=$OUT
assert_eq "the --async message is sent" sent "$(final_status "$PORT" "$ID")"
assert_dkim "--async message: signed by envoid, verifies" "$(saved_with "$PEER" "async plain")" \
    --first "$RSA_KEY"

# envoi send --async --dkim-*: signed by envoi send, then by envoid; both verify.
assert_exit 0 "envoi send --async with its own DKIM key" "$ENVOI" send --async \
    --from a@example.org --to b@example.org --subject 'async signed' --text "$T/text.txt" \
    --dkim-domain example.org --dkim-selector client --dkim-key "$K/ed.pem"
ID=$OUT
assert_eq "the signed --async message is sent" sent "$(final_status "$PORT" "$ID")"
MSG=$(saved_with "$PEER" "async signed")
assert_dkim "--async signed twice: both signatures verify" "$MSG" --first "$RSA_KEY" "$ED_KEY"
assert_eq "two DKIM-Signature fields" 2 "$(grep -ci '^DKIM-Signature:' "$MSG")"
stop_envoid "$ENVOID_PID"
assert_eq "envoid stops with exit 0" 0 "$EXIT_STATUS"

# ---- envoid relaying to smtp-sink (DATA, dot-stuffing) -----------------------------------------
SINK=$T/sink
SINK_PORT=$(free_port)
require "smtp-sink started" start_smtp_sink "$SINK" "$SINK_PORT" --save --no-auth
PORT=$(free_port)
cat >"$T/sink.conf" <<EOF
[account sink]
server = 127.0.0.1:$SINK_PORT
security = none
dkim-domain = example.org
dkim-selector = client
dkim-key = $K/ed.pem

[spool]
dir = $T/spool-sink
listen = 127.0.0.1:$PORT
relay = sink
workers = 1
EOF
require "envoid relaying to smtp-sink" start_envoid "$T/sink.log" "$PORT" --config "$T/sink.conf"
ID=$(submit_json "$PORT" '{"from":"a@example.org","to":["b@example.org"],"subject":"to the sink","text":".\n..\nend\n"}')
assert_eq "the message to smtp-sink is sent" sent "$(final_status "$PORT" "$ID")"
DUMP=$(grep -l "Subject: to the sink" "$SINK"/spool/* 2>/dev/null | head -1)
if [[ -n $DUMP ]]; then
    "${MAILTOOL[@]}" sink-message "$DUMP" "$T/sink.eml"
    assert_dkim "smtp-sink: ed25519-sha256 signature verifies" "$T/sink.eml" --lf --first "$ED_KEY"
else
    fail "smtp-sink saved the message"
fi
stop_envoid "$ENVOID_PID"

# ---- unusable keys stop envoid at start -------------------------------------------------------
bad_start() { # DESCRIPTION KEY-LINES NEEDLE
    local port
    port=$(free_port)
    printf '[account bad]\nserver = 127.0.0.1:%s\nsecurity = none\n%s\n[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nrelay = bad\n' \
        "$PEER_PORT" "$2" "$T/spool-bad" "$port" >"$T/bad.conf"
    run "$ENVOID" --foreground --config "$T/bad.conf"
    assert_eq "$1: envoid exits 78" 78 "$RC"
    assert_contains "$1: the error says why" "$ERR" "$3"
}
bad_start "a missing key file" \
    "dkim-domain = example.org"$'\n'"dkim-selector = s"$'\n'"dkim-key = $K/none.pem" "$K/none.pem"
bad_start "dkim-key missing" "dkim-domain = example.org"$'\n'"dkim-selector = s" "dkim-key"
cp "$K/rsa.pem" "$K/open.pem"
chmod 644 "$K/open.pem"
bad_start "a key readable by others" \
    "dkim-domain = example.org"$'\n'"dkim-selector = s"$'\n'"dkim-key = $K/open.pem" "$K/open.pem"

finish
