#!/bin/bash
# envoi send to aiosmtpd: SMTPUTF8 for a UTF-8 local part, IDNA for a UTF-8 domain otherwise,
# refused (550) and deferred (450) recipients with their exit codes, the server's words and a
# per-recipient --json result, and --partial sending to the accepted ones only.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

U8=$T/utf8
U8_PORT=$(free_port)
require "aiosmtpd with SMTPUTF8 started" start_aiosmtpd "$U8" "$U8_PORT" --smtputf8 \
    --pipelining --refuse nobody@example.org --tempfail busy@example.org --save "$U8/saved"
ASCII=$T/ascii
ASCII_PORT=$(free_port)
require "aiosmtpd without SMTPUTF8 started" start_aiosmtpd "$ASCII" "$ASCII_PORT" \
    --save "$ASCII/saved"

printf 'Hallo Jörg,\nein Test.\n' >"$T/body.txt"

send() { # PORT ARGS...
    local port=$1
    shift
    "${ENVOI_CMD[@]}" send --server "127.0.0.1:$port" --security none --timeout 20 \
        --from sender@example.org --text "$T/body.txt" "$@"
}

saved() { # SERVER_DIR N -> the envelope JSON of message N
    local f
    f=$(printf '%s/saved/msg-%04d.json' "$1" "$2")
    [[ -f $f ]] && cat "$f"
}

# ---- SMTPUTF8 -------------------------------------------------------------------------------
assert_exit 0 "UTF-8 local part to an SMTPUTF8 server" \
    send "$U8_PORT" --to 'Jörg <jörg@example.org>' --subject 'SMTPUTF8 ✓'
meta=$(saved "$U8" 1)
assert_contains "SMTPUTF8: the recipient is saved as UTF-8" "$meta" '"jörg@example.org"'
assert_contains "SMTPUTF8: MAIL FROM carried SMTPUTF8" "$meta" '"smtputf8": true'
if [[ -f $U8/saved/msg-0001.eml ]]; then
    run_checker "${CHECK_MAIL[@]}" "$U8/saved/msg-0001.eml" --label smtputf8 \
        --subject 'SMTPUTF8 ✓' --to 'jörg@example.org' --from sender@example.org \
        --text "$T/body.txt"
fi

assert_exit 0 "ASCII addresses: no SMTPUTF8 asked for" \
    send "$U8_PORT" --to plain@example.org --subject 'plain'
assert_contains "ASCII addresses: MAIL FROM without SMTPUTF8" "$(saved "$U8" 2)" \
    '"smtputf8": false'

assert_exit 0 "UTF-8 domain to a server without SMTPUTF8: IDNA" \
    send "$ASCII_PORT" --to 'user@bücher.example' --subject 'IDNA'
assert_contains "IDNA: the domain went as its A-label" "$(saved "$ASCII" 1)" \
    '"user@xn--bcher-kva.example"'

assert_exit 69 "UTF-8 local part to a server without SMTPUTF8: refused before sending" \
    send "$ASCII_PORT" --to 'jörg@example.org' --subject 'no SMTPUTF8'
assert_matches "no SMTPUTF8: the reason is named" "$ERR" "SMTPUTF8"
assert_eq "no SMTPUTF8: nothing saved" "" "$(saved "$ASCII" 2)"

# ---- refused recipients -----------------------------------------------------------------
assert_exit 69 "the only recipient refused with 550" \
    send "$U8_PORT" --to nobody@example.org --subject 'refused'
assert_contains "refused: the reply code in stderr" "$ERR" "550"
assert_contains "refused: the enhanced status in stderr" "$ERR" "5.1.1"
assert_contains "refused: the server's words in stderr" "$ERR" "User unknown in local table"
assert_eq "refused: nothing saved" "" "$(saved "$U8" 3)"

assert_exit 69 "one of two recipients refused, without --partial: nothing sent" \
    send "$U8_PORT" --to ok@example.org --to nobody@example.org --subject 'one refused' --json
cp "$T/.out" "$T/refused.json"
assert_contains "one refused: the refused address in stderr or JSON" "$ERR$OUT" \
    "nobody@example.org"
assert_eq "one refused, without --partial: nothing saved" "" "$(saved "$U8" 3)"
if "${MAILTOOL[@]}" json-valid "$T/refused.json" >/dev/null 2>&1; then
    pass "--json on failure parses"
    assert_ok "--json: the refused recipient has 550" \
        "${MAILTOOL[@]}" json-recipient "$T/refused.json" nobody@example.org \
        code=550 accepted=false
    assert_ok "--json: the accepted recipient has 250" \
        "${MAILTOOL[@]}" json-recipient "$T/refused.json" ok@example.org code=250
else
    fail "--json on failure parses" "stdout: $OUT"
fi

assert_exit 0 "one of two recipients refused, with --partial: sent to the other" \
    send "$U8_PORT" --to ok@example.org --to nobody@example.org --subject 'partial' \
    --partial --json
cp "$T/.out" "$T/partial.json"
meta=$(saved "$U8" 3)
assert_contains "--partial: the accepted recipient got it" "$meta" '"ok@example.org"'
assert_not_contains "--partial: the refused one is not in the envelope" "$meta" "nobody@"
assert_ok "--partial --json: the refused recipient has 550" \
    "${MAILTOOL[@]}" json-recipient "$T/partial.json" nobody@example.org \
    code=550 accepted=false

# ---- a deferred recipient: temporary failure -----------------------------------------------
assert_exit 75 "the only recipient deferred with 450: EX_TEMPFAIL" \
    send "$U8_PORT" --to busy@example.org --subject 'deferred'
assert_contains "deferred: the reply in stderr" "$ERR" "450"
assert_contains "deferred: the server's words in stderr" "$ERR" "try again later"
assert_eq "deferred: nothing saved" "" "$(saved "$U8" 4)"

finish
