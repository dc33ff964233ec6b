#!/bin/bash
# envoi send given bad input or a bad server: CR/LF in a header or address, an address without
# @, unreadable files, no STARTTLS when it is required, AUTH over plain text, and scripted
# faults (garbage, silence, a connection dropped mid-DATA, every recipient refused). Each gives
# its sysexits.h code and a clear message, sends nothing it should not, and never hangs.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

OK=$T/ok
OK_PORT=$(free_port)
require "aiosmtpd started" start_aiosmtpd "$OK" "$OK_PORT" --auth alice:secret --save "$OK/saved"

printf 'body\n' >"$T/body.txt"
secret_file "$T/pass" 'secret'
nl=$'\n'
cr=$'\r'

send_ok() { # ARGS... (to the well-behaved server)
    "${ENVOI_CMD[@]}" send --server "127.0.0.1:$OK_PORT" --security none --timeout 10 "$@"
}

messages_saved() {
    find "$OK/saved" -name '*.eml' 2>/dev/null | grep -c . || true
}

verbs_seen() { # DIR
    tr "\n" " " 2>/dev/null <"$1/commands.log"
}

# ---- CR/LF in what becomes a header: EX_DATAERR, nothing sent ---------------------------
assert_exit 65 "LF in --subject" send_ok --from a@example.org --to b@example.org \
    --subject "hello${nl}Bcc: victim@example.org" --text "$T/body.txt"
assert_matches "LF in --subject: the message says why" "$ERR" "subject|header|CR|LF|line"
assert_exit 65 "CR in --subject" send_ok --from a@example.org --to b@example.org \
    --subject "hello${cr}there" --text "$T/body.txt"
assert_exit 65 "CRLF in --to" send_ok --from a@example.org \
    --to "b@example.org${cr}${nl}RCPT TO:<c@example.org>" --subject s --text "$T/body.txt"
assert_exit 65 "LF in --from" send_ok --from "a@example.org${nl}x" --to b@example.org \
    --subject s --text "$T/body.txt"
assert_exit 65 "LF in a --header value" send_ok --from a@example.org --to b@example.org \
    --subject s --header "X-Test: one${nl}X-Injected: two" --text "$T/body.txt"
assert_exit 65 "address without @" send_ok --from a@example.org --to nobody \
    --subject s --text "$T/body.txt"
assert_matches "address without @: the address is named" "$ERR" "nobody"
assert_exit 65 "--from without @" send_ok --from nobody --to b@example.org \
    --subject s --text "$T/body.txt"
assert_eq "bad headers and addresses: no message reached the server" 0 "$(messages_saved)"
assert_not_contains "bad headers and addresses: no MAIL command reached the server" \
    "$(verbs_seen "$OK/saved")" "MAIL"

# ---- unreadable files: EX_NOINPUT --------------------------------------------------------
assert_exit 66 "attachment that does not exist" send_ok --from a@example.org \
    --to b@example.org --subject s --text "$T/body.txt" --attach "$T/missing.pdf"
assert_contains "missing attachment: the file is named" "$ERR" "missing.pdf"
mkdir -p "$T/a-directory"
assert_exit 66 "attachment that is a directory" send_ok --from a@example.org \
    --to b@example.org --subject s --text "$T/body.txt" --attach "$T/a-directory"
assert_exit 66 "--text file that does not exist" send_ok --from a@example.org \
    --to b@example.org --subject s --text "$T/missing.txt"
assert_exit 66 "--raw file that does not exist" send_ok --from a@example.org \
    --to b@example.org --raw "$T/missing.eml"
assert_eq "unreadable files: no message reached the server" 0 "$(messages_saved)"

# ---- usage errors: EX_USAGE --------------------------------------------------------------
assert_exit 64 "unknown option" "$ENVOI" send --no-such-option
assert_exit 64 "bad --security value" send_ok --security sometimes --from a@example.org \
    --to b@example.org --subject s --text "$T/body.txt"

# ---- STARTTLS required but not offered: no AUTH, nothing sent ---------------------------
: >"$OK/saved/commands.log"
assert_exit 69 "--security starttls, server offers no STARTTLS" \
    "$ENVOI" send --server "127.0.0.1:$OK_PORT" --security starttls --user alice \
    --password-file "$T/pass" --timeout 10 --from a@example.org --to b@example.org \
    --subject s --text "$T/body.txt"
assert_matches "no STARTTLS: the message says so" "$ERR" "STARTTLS"
verbs=$(verbs_seen "$OK/saved")
assert_not_contains "no STARTTLS: AUTH was not sent" "$verbs" "AUTH"
assert_not_contains "no STARTTLS: MAIL was not sent" "$verbs" "MAIL"
assert_eq "no STARTTLS: nothing delivered" 0 "$(messages_saved)"

# ---- AUTH over an unencrypted connection: refused unless allowed ------------------------
: >"$OK/saved/commands.log"
assert_exit 77 "AUTH over plain text refused by default" \
    "$ENVOI" send --server "127.0.0.1:$OK_PORT" --security none --user alice \
    --password-file "$T/pass" --timeout 10 --from a@example.org --to b@example.org \
    --subject s --text "$T/body.txt"
assert_not_contains "plain-text AUTH refused: AUTH was not sent" \
    "$(verbs_seen "$OK/saved")" "AUTH"
assert_exit 0 "AUTH over plain text with --allow-plaintext-auth" \
    "$ENVOI" send --server "127.0.0.1:$OK_PORT" --security none --allow-plaintext-auth \
    --user alice --password-file "$T/pass" --timeout 10 --from a@example.org \
    --to b@example.org --subject s --text "$T/body.txt"
assert_contains "--allow-plaintext-auth: AUTH was sent" "$(verbs_seen "$OK/saved")" "AUTH"
assert_eq "--allow-plaintext-auth: delivered" 1 "$(messages_saved)"

# ---- nobody listening: EX_TEMPFAIL -------------------------------------------------------
closed_port=$(free_port)
assert_exit 75 "connection refused" "$ENVOI" send --server "127.0.0.1:$closed_port" \
    --security none --timeout 10 --from a@example.org --to b@example.org --subject s \
    --text "$T/body.txt"

# ---- scripted faulty servers -------------------------------------------------------------
fault() { # MODE EXPECTED_EXIT DESCRIPTION [STDERR_ERE]
    local mode=$1 want=$2 what=$3 reason=${4:-}
    local dir=$T/fault-$mode port
    port=$(free_port)
    if ! start_fault_server "$dir" "$port" "$mode"; then
        fail "fault server $mode started"
        return
    fi
    assert_exit "$want" "$what" "$ENVOI" send --server "127.0.0.1:$port" --security none \
        --timeout 2 --from a@example.org --to b@example.org --subject s --text "$T/body.txt"
    if [[ -n $reason ]]; then
        assert_matches "$mode: stderr explains" "$ERR" "$reason"
    fi
    stop_peer fault_server "$dir"
}

fault garbage 76 "greeting that is not SMTP: EX_PROTOCOL"
fault bad-reply 76 "reply line that is not SMTP: EX_PROTOCOL"
fault close 75 "connection closed before the greeting: EX_TEMPFAIL"
fault stall-greeting 75 "server never greets: timeout, EX_TEMPFAIL" "time"
fault stall-mail 75 "server stalls after EHLO: timeout, EX_TEMPFAIL" "time"
fault drop-data 75 "connection dropped in the middle of DATA: EX_TEMPFAIL" "clos"
assert_not_contains "drop-data: the recipient the server accepted (250) is not called refused" \
    "$ERR" "refused"
fault refuse-all 69 "every recipient refused: EX_UNAVAILABLE" "no such user here"

finish
