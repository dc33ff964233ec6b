#!/bin/bash
# envoi send through Dovecot's submission service (STARTTLS and implicit TLS; AUTH PLAIN, LOGIN,
# CRAM-MD5), delivered into Maildirs and read back: headers, bodies and attachments checked
# after decoding; a Bcc recipient gets the message without a Bcc header; a wrong password fails.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

DV=$T/dovecot
SUB=$(free_port)
SUBS=$(free_port)
RELAY=$(free_port)
require "Dovecot and its delivery relay started" start_dovecot "$DV" "$SUB" "$SUBS" "$RELAY"
CA=$DV/certs/ca.pem
ALICE_NEW=$DV/mail/alice/Maildir/new
BOB_NEW=$DV/mail/bob/Maildir/new

secret_file "$T/alice.pass" 'alice-secret'
secret_file "$T/wrong.pass" 'not-the-password'
chmod 600 "$T"/*.pass

# The message: UTF-8 text (with lines a careless client would mangle), HTML showing an
# inline image, a binary attachment of random bytes, and one with a non-ASCII file name.
cat >"$T/body.txt" <<'EOF'
Grüße aus envoi — ünïcödé text, 日本語も.
.a line starting with a dot
.
From the start of a line
Last line.
EOF
cat >"$T/body.html" <<'EOF'
<html><body><p>Grüße, <b>HTML</b> part.</p><img src="cid:logo@envoi.test" alt="logo"></body></html>
EOF
head -c 70000 /dev/urandom >"$T/random.bin"
head -c 3000 /dev/urandom >"$T/logo.png"
head -c 500 /dev/urandom >"$T/second.dat"
SUBJECT='Prüfung: envoi → Dovecot ✓ (a subject long enough to be folded over more than one line)'

send_full() { # DESCRIPTION SECURITY PORT AUTH
    assert_exit 0 "$1" "$ENVOI" send --server "127.0.0.1:$3" --security "$2" --ca-file "$CA" \
        --user alice --password-file "$T/alice.pass" --auth "$4" --timeout 20 \
        --from 'Alice Sender <alice@localhost>' --to 'Alice <alice@localhost>' \
        --bcc bob@localhost --subject "$SUBJECT" --text "$T/body.txt" --html "$T/body.html" \
        --attach "$T/random.bin" --attach "$T/second.dat;name=Données résumé.dat" \
        --inline "$T/logo.png;cid=logo@envoi.test"
}

check_full() { # LABEL FILE [extra check_mail options]
    local label=$1 file=$2
    shift 2
    run_checker "${CHECK_MAIL[@]}" "$file" --label "$label" \
        --subject "$SUBJECT" --from alice@localhost --to alice@localhost \
        --text "$T/body.txt" --html "$T/body.html" \
        --attach "random.bin=$T/random.bin" --attach "Données résumé.dat=$T/second.dat" \
        --inline "logo@envoi.test=$T/logo.png" --absent-header Bcc "$@"
}

# --- STARTTLS + AUTH PLAIN: the whole message, read back from both Maildirs ---------------
alice_before=$(list_files "$ALICE_NEW")
bob_before=$(list_files "$BOB_NEW")
send_full "STARTTLS, AUTH PLAIN, text+HTML+attachments+inline" starttls "$SUB" PLAIN
alice_msg=$(new_file_since "$ALICE_NEW" "$alice_before")
bob_msg=$(new_file_since "$BOB_NEW" "$bob_before")
if [[ -n $alice_msg ]]; then
    pass "delivered to alice's Maildir"
    check_full "starttls/alice" "$alice_msg"
else
    fail "delivered to alice's Maildir" "nothing new in $ALICE_NEW"
fi
if [[ -n $bob_msg ]]; then
    pass "Bcc recipient bob delivered"
    check_full "starttls/bob (Bcc)" "$bob_msg"
else
    fail "Bcc recipient bob delivered" "nothing new in $BOB_NEW"
fi
if [[ -n $alice_msg ]]; then
    assert_not_contains "bob's address appears nowhere in alice's copy" \
        "$(cat "$alice_msg")" "bob@localhost"
fi

# --- implicit TLS + AUTH LOGIN ------------------------------------------------------------
alice_before=$(list_files "$ALICE_NEW")
send_full "implicit TLS, AUTH LOGIN" tls "$SUBS" LOGIN
alice_msg=$(new_file_since "$ALICE_NEW" "$alice_before")
if [[ -n $alice_msg ]]; then
    pass "implicit TLS: delivered"
    check_full "tls/alice" "$alice_msg"
else
    fail "implicit TLS: delivered" "nothing new in $ALICE_NEW"
fi

# --- CHUNKING: Dovecot offers it, so the body goes in BDAT chunks, not DATA ---------------
trace=$("${ENVOI_CMD[@]}" send -v --server "127.0.0.1:$SUB" --security starttls --ca-file "$CA" \
    --user alice --password-file "$T/alice.pass" --timeout 20 --from alice@localhost \
    --to alice@localhost --subject 'chunked' --text "$T/body.txt" 2>&1)
assert_contains "Dovecot announces CHUNKING after STARTTLS" "$trace" "CHUNKING"
assert_contains "the body is sent with BDAT ... LAST" "$trace" "BDAT"
assert_not_contains "no DATA command when CHUNKING is offered" "$trace" "> DATA"
assert_not_contains "the password never appears in the trace" "$trace" "alice-secret"

# --- CRAM-MD5 (STARTTLS) and CRAM-MD5 over implicit TLS, text only, password from env -----
alice_before=$(list_files "$ALICE_NEW")
assert_exit 0 "STARTTLS, AUTH CRAM-MD5, password from ENVOI_PASSWORD" \
    env ENVOI_PASSWORD=alice-secret "$ENVOI" send --server "127.0.0.1:$SUB" --security starttls \
    --ca-file "$CA" --user alice --auth CRAM-MD5 --timeout 20 --from alice@localhost \
    --to alice@localhost --subject 'CRAM-MD5 ok' --text "$T/body.txt"
alice_msg=$(new_file_since "$ALICE_NEW" "$alice_before")
if [[ -n $alice_msg ]]; then
    pass "CRAM-MD5: delivered"
    run_checker "${CHECK_MAIL[@]}" "$alice_msg" --label cram-md5 \
        --subject 'CRAM-MD5 ok' --from alice@localhost --to alice@localhost --text "$T/body.txt"
else
    fail "CRAM-MD5: delivered" "nothing new in $ALICE_NEW"
fi

alice_before=$(list_files "$ALICE_NEW")
assert_exit 0 "implicit TLS, strongest mechanism chosen by default" \
    "$ENVOI" send --server "127.0.0.1:$SUBS" --security tls --ca-file "$CA" --user alice \
    --password-file "$T/alice.pass" --timeout 20 --from alice@localhost --to alice@localhost \
    --subject 'default mechanism' --text "$T/body.txt"
assert_eq "default mechanism: one message delivered" 1 \
    "$(comm -13 <(printf '%s\n' "$alice_before" | sort) <(list_files "$ALICE_NEW") | grep -c .)"
assert_matches "default mechanism: the strongest in common, CRAM-MD5, was used" \
    "$(grep 'submission-login: Info: Login:' "$DV/dovecot.log" | tail -n 1)" "method=CRAM-MD5"

# --- wrong password: EX_NOPERM (77), the server's words, nothing delivered ----------------
alice_before=$(list_files "$ALICE_NEW")
for mech in PLAIN LOGIN CRAM-MD5; do
    assert_exit 77 "wrong password, AUTH $mech, refused" \
        "$ENVOI" send --server "127.0.0.1:$SUB" --security starttls --ca-file "$CA" \
        --user alice --password-file "$T/wrong.pass" --auth "$mech" --timeout 20 \
        --from alice@localhost --to alice@localhost --subject 'must not arrive' \
        --text "$T/body.txt"
    assert_contains "wrong password, AUTH $mech: server's reply code in stderr" "$ERR" "535"
    assert_matches "wrong password, AUTH $mech: server's words in stderr" "$ERR" \
        "authentication failed"
    assert_not_contains "wrong password, AUTH $mech: password not echoed" "$ERR$OUT" \
        "not-the-password"
done
assert_eq "wrong password: nothing delivered" "$alice_before" "$(list_files "$ALICE_NEW")"

# --- the test CA is needed: without --ca-file the certificate is not trusted -------------
assert_exit 69 "without --ca-file the test CA is not trusted" \
    "$ENVOI" send --server "127.0.0.1:$SUBS" --security tls --user alice \
    --password-file "$T/alice.pass" --timeout 20 --from alice@localhost --to alice@localhost \
    --subject 'untrusted' --text "$T/body.txt"
assert_matches "untrusted certificate: the reason is named" "$ERR" "certificate|verif|trust"

finish
