#!/bin/bash
# envoi send to Postfix's smtp-sink (PIPELINING, no CHUNKING: DATA with dot-stuffing) and to
# aiosmtpd servers with and without CHUNKING (BDAT) and PIPELINING: what arrives equals the
# --raw file and the --dry-run output byte for byte, lines starting with '.' included; the
# envelope is complete; the envelope is pipelined only when the server offers it.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

SINK=$T/sink
SINK_PORT=$(free_port)
require "smtp-sink started" start_smtp_sink "$SINK" "$SINK_PORT" --save --no-auth
CHUNK=$T/chunking
CHUNK_PORT=$(free_port)
require "aiosmtpd with CHUNKING started" \
    start_aiosmtpd "$CHUNK" "$CHUNK_PORT" --chunking --pipelining --save "$CHUNK/saved"
DATA=$T/data
DATA_PORT=$(free_port)
require "aiosmtpd without CHUNKING or PIPELINING started" \
    start_aiosmtpd "$DATA" "$DATA_PORT" --save "$DATA/saved"


# A message whose lines test dot-stuffing: a lone dot, dots at the start, a dot at the end.
printf '%s\r\n' \
    'From: Sender <sender@example.org>' \
    'To: Receiver <rcpt@example.org>' \
    'Subject: dots' \
    'Date: Mon, 02 Jan 2006 15:04:05 +0000' \
    'Message-ID: <raw-dots@example.org>' \
    'MIME-Version: 1.0' \
    'Content-Type: text/plain; charset=us-ascii' \
    '' \
    '.' \
    '..' \
    '.leading dot' \
    '...three dots' \
    'middle . dot' \
    'ends with a dot.' \
    ' .space then dot' \
    '.' >"$T/raw.eml"
printf '%s\n' '.' '..' '.leading dot' '...three dots' 'end.' '.' >"$T/dots.txt"

send_raw() { # PORT
    assert_exit 0 "--raw to port $1" "$ENVOI" send --server "127.0.0.1:$1" --security none \
        --timeout 20 --raw "$T/raw.eml" --from sender@example.org --to rcpt@example.org \
        --cc copy@example.org --bcc hidden@example.org
}

COMPOSE=(--from 'Sender <sender@example.org>' --to rcpt@example.org --cc copy@example.org
    --bcc hidden@example.org --subject 'dots, composed' --text "$T/dots.txt"
    --message-id '<composed-dots@example.org>')

# The dry run prints the message that would be sent; Date is the only field that may differ.
assert_exit 0 "--dry-run prints the composed message" "$ENVOI" send --dry-run "${COMPOSE[@]}"
cp "$T/.out" "$T/dry.eml"
assert_contains "--dry-run: the message is on stdout" "$OUT" "Subject: dots, composed"
"${MAILTOOL[@]}" normalize "$T/dry.eml" "$T/dry.norm" Date
assert_not_contains "--dry-run: no Bcc header" "$(sed '/^\r\{0,1\}$/q' "$T/dry.eml")" "hidden@"

send_composed() { # PORT
    assert_exit 0 "composed message to port $1" "$ENVOI" send --server "127.0.0.1:$1" \
        --security none --timeout 20 "${COMPOSE[@]}"
}

# ---- smtp-sink: PIPELINING, DATA ----------------------------------------------------------
before=$(list_files "$SINK/spool")
send_raw "$SINK_PORT"
dump=$(new_file_since "$SINK/spool" "$before")
if [[ -n $dump ]]; then
    pass "smtp-sink saved the --raw message"
    "${MAILTOOL[@]}" sink-message "$dump" "$T/sink-raw.eml"
    "${MAILTOOL[@]}" normalize "$T/raw.eml" "$T/raw.norm"
    assert_files_equal "smtp-sink: --raw message arrived byte for byte (dot lines unstuffed)" \
        "$T/raw.norm" "$T/sink-raw.eml"
    env=$("${MAILTOOL[@]}" sink-envelope "$dump")
    assert_contains "smtp-sink: MAIL FROM sender" "$env" "X-Mail-Args: <sender@example.org>"
    for r in rcpt copy hidden; do
        assert_contains "smtp-sink: RCPT TO $r" "$env" "X-Rcpt-Args: <$r@example.org>"
    done
else
    fail "smtp-sink saved the --raw message" "nothing new in $SINK/spool"
fi

before=$(list_files "$SINK/spool")
send_composed "$SINK_PORT"
dump=$(new_file_since "$SINK/spool" "$before")
if [[ -n $dump ]]; then
    pass "smtp-sink saved the composed message"
    "${MAILTOOL[@]}" sink-message "$dump" "$T/sink-composed.eml"
    "${MAILTOOL[@]}" normalize "$T/sink-composed.eml" "$T/sink-composed.norm" Date
    assert_files_equal "smtp-sink: composed message equals --dry-run output (but Date)" \
        "$T/dry.norm" "$T/sink-composed.norm"
    assert_eq "smtp-sink: three RCPT TO" 3 \
        "$("${MAILTOOL[@]}" sink-envelope "$dump" | grep -c '^X-Rcpt-Args:')"
else
    fail "smtp-sink saved the composed message" "nothing new in $SINK/spool"
fi

# --json on success: valid JSON naming each recipient.
assert_exit 0 "--json result on success" "$ENVOI" send --server "127.0.0.1:$SINK_PORT" \
    --security none --timeout 20 --json "${COMPOSE[@]}"
cp "$T/.out" "$T/ok.json"
if "${MAILTOOL[@]}" json-valid "$T/ok.json" 2>/dev/null; then
    pass "--json output parses"
    for r in rcpt copy hidden; do
        assert_ok "--json: $r accepted" "${MAILTOOL[@]}" json-recipient "$T/ok.json" \
            "$r@example.org" code=250 accepted=true
    done
else
    fail "--json output parses" "got: $OUT"
fi

# ---- aiosmtpd with CHUNKING: BDAT, no dot-stuffing on the wire ------------------------------
send_raw "$CHUNK_PORT"
if [[ -f $CHUNK/saved/msg-0001.json ]]; then
    meta=$(cat "$CHUNK/saved/msg-0001.json")
    assert_contains "CHUNKING offered: sent with BDAT" "$meta" '"transfer": "BDAT"'
    assert_files_equal "BDAT: --raw message arrived byte for byte" \
        "$T/raw.eml" "$CHUNK/saved/msg-0001.eml"
    assert_contains "BDAT: envelope has the Bcc recipient" "$meta" '"hidden@example.org"'
else
    fail "CHUNKING server saved the --raw message" "no $CHUNK/saved/msg-0001.json"
fi
send_composed "$CHUNK_PORT"
if [[ -f $CHUNK/saved/msg-0002.json ]]; then
    assert_contains "composed with CHUNKING: sent with BDAT" \
        "$(cat "$CHUNK/saved/msg-0002.json")" '"transfer": "BDAT"'
    "${MAILTOOL[@]}" normalize "$CHUNK/saved/msg-0002.eml" "$T/chunk-composed.norm" Date
    assert_files_equal "BDAT: composed message equals --dry-run output (but Date)" \
        "$T/dry.norm" "$T/chunk-composed.norm"
    assert_ok "BDAT: line ends are CRLF only" "${MAILTOOL[@]}" crlf-only "$CHUNK/saved/msg-0002.eml"
else
    fail "CHUNKING server saved the composed message" "no $CHUNK/saved/msg-0002.json"
fi

# The server marks with "+" each command that arrived while more input already waited.
verbs=$(tr '\n' ' ' <"$CHUNK/saved/commands.log")
assert_contains "PIPELINING offered: MAIL and RCPT sent without waiting" "$verbs" "MAIL + RCPT +"

# ---- aiosmtpd without CHUNKING: DATA, bytes as received after unstuffing --------------------
send_raw "$DATA_PORT"
if [[ -f $DATA/saved/msg-0001.json ]]; then
    assert_contains "no CHUNKING: sent with DATA" "$(cat "$DATA/saved/msg-0001.json")" \
        '"transfer": "DATA"'
    assert_files_equal "DATA: --raw message arrived byte for byte" \
        "$T/raw.eml" "$DATA/saved/msg-0001.eml"
else
    fail "DATA server saved the --raw message" "no $DATA/saved/msg-0001.json"
fi
assert_not_contains "PIPELINING not offered: each command waited for its reply" \
    "$(tr '\n' ' ' <"$DATA/saved/commands.log")" "+"

finish
