#!/bin/bash
# Where passwords come from and where they never go: a password file its group or others can
# read is refused (option and config), password-env reads the variable it names (and says so
# when it is unset), the password keys exclude each other; -v and --trace FILE show the
# SMTP, POP3 and IMAP dialogues against Dovecot with every AUTH payload masked (PLAIN, LOGIN,
# CRAM-MD5, USER/PASS, APOP, IMAP LOGIN), and the trace file is private (mode 0600, no symlink).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

DV=$T/dovecot
SUB=$(free_port)
POP3=$(free_port)
IMAP=$(free_port)
require "Dovecot with submission, POP3 and IMAP started" start_dovecot "$DV" "$SUB" \
    "$(free_port)" "$(free_port)" "$POP3" "" "$IMAP" ""
CA=$DV/certs/ca.pem
PASSWORD=alice-secret
# What a careless trace would show: the password, and AUTH PLAIN's and LOGIN's base64 of it.
PLAIN_B64=$(printf '\0alice\0%s' "$PASSWORD" | base64 -w0)
LOGIN_B64=$(printf '%s' "$PASSWORD" | base64 -w0)

secret_file "$T/alice.pass" "$PASSWORD"
printf '%s\n' "$PASSWORD" >"$T/loose.pass"
chmod 644 "$T/loose.pass"

echo body >"$T/body.txt"
SEND=(send --server "127.0.0.1:$SUB" --security starttls --ca-file "$CA" --user alice
    --timeout 20 --from alice@localhost --to alice@localhost --subject secrets --text "$T/body.txt")

# --- a password file others can read is refused -------------------------------------------------
assert_exit 78 "--password-file readable by others: refused before connecting" \
    "$ENVOI" "${SEND[@]}" --password-file "$T/loose.pass"
assert_contains "the error names the file and the cure" "$ERR" "chmod 600 $T/loose.pass"
assert_contains "and says why" "$ERR" "can be read by group or others"

cat >"$T/loose.conf" <<EOF
[account default]
server = 127.0.0.1:$SUB
security = starttls
ca-file = $CA
user = alice
password-file = $T/loose.pass
EOF
assert_exit 78 "password-file of the config readable by others: refused" \
    "$ENVOI" send --config "$T/loose.conf" --from alice@localhost \
    --to alice@localhost --subject x --text "$T/body.txt"
assert_contains "it names the file" "$ERR" "$T/loose.pass"

chmod 640 "$T/loose.pass"
assert_exit 78 "group-readable is refused too" \
    "$ENVOI" "${SEND[@]}" --password-file "$T/loose.pass"
chmod 600 "$T/loose.pass"
assert_exit 0 "the same file at mode 0600 is accepted" \
    "$ENVOI" "${SEND[@]}" --password-file "$T/loose.pass"

# --- password-env ------------------------------------------------------------------------------
cat >"$T/env.conf" <<EOF
[account default]
server = 127.0.0.1:$SUB
security = starttls
ca-file = $CA
user = alice
password-env = ALICE_MAIL_PASSWORD
EOF
before=$(count_files "$DV/mail/alice/Maildir/new")
assert_exit 0 "password-env: the password from the variable it names" \
    env ALICE_MAIL_PASSWORD="$PASSWORD" "$ENVOI" send \
    --config "$T/env.conf" --from alice@localhost --to alice@localhost --subject env --text "$T/body.txt"
assert_eq "the message reached alice's Maildir" "$((before + 1))" \
    "$(count_files "$DV/mail/alice/Maildir/new")"
assert_exit 78 "password-env naming an unset variable: a configuration error" \
    env -u ALICE_MAIL_PASSWORD "$ENVOI" send --config "$T/env.conf" \
    --from alice@localhost --to alice@localhost --subject env --text "$T/body.txt"
assert_contains "it names the variable" "$ERR" "ALICE_MAIL_PASSWORD is not set"

cat >"$T/both.conf" <<EOF
[account default]
server = 127.0.0.1:$SUB
user = alice
password-file = $T/alice.pass
password-env = ALICE_MAIL_PASSWORD
EOF
assert_exit 78 "two password keys in one account are refused" \
    "$ENVOI" send --config "$T/both.conf" --from alice@localhost \
    --to alice@localhost --subject x --text "$T/body.txt"
assert_contains "the error says they are exclusive" "$ERR" \
    "password-file and password-env are exclusive"

# --- traces: never a secret ----------------------------------------------------------------------
# check_trace LABEL TEXT: the dialogue is there, the secret in no form.
check_trace() {
    assert_not_contains "$1: no password" "$2" "$PASSWORD"
    assert_not_contains "$1: no AUTH PLAIN payload" "$2" "$PLAIN_B64"
    assert_not_contains "$1: no AUTH LOGIN payload" "$2" "$LOGIN_B64"
}

for mech in PLAIN LOGIN CRAM-MD5; do
    assert_exit 0 "send -v with AUTH $mech" "$ENVOI" "${SEND[@]}" \
        --password-file "$T/alice.pass" --auth "$mech" -v
    assert_contains "-v $mech: the AUTH command is traced" "$ERR" "> AUTH $mech"
    assert_contains "-v $mech: the server's acceptance too" "$ERR" "< 235"
    check_trace "-v $mech" "$ERR"
done

rm -f "$T/smtp.trace"
assert_exit 0 "send --trace FILE" "$ENVOI" "${SEND[@]}" \
    --password-file "$T/alice.pass" --auth PLAIN --trace "$T/smtp.trace"
assert_file_exists "the trace file is written" "$T/smtp.trace"
assert_eq "the trace file is private (0600)" "600" "$(stat -c %a "$T/smtp.trace")"
trace=$(cat "$T/smtp.trace")
assert_matches "lines are time-stamped" "$trace" '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} > EHLO '
assert_contains "the AUTH line is there, masked" "$trace" "> AUTH PLAIN"
check_trace "--trace (SMTP)" "$trace"
assert_not_contains "--trace keeps standard error free of the dialogue" "$ERR" "> EHLO"

printf 'old content\n' >"$T/reused.trace"
chmod 644 "$T/reused.trace"
assert_exit 0 "--trace over an existing file" "$ENVOI" "${SEND[@]}" \
    --password-file "$T/alice.pass" --trace "$T/reused.trace"
assert_eq "an existing trace file is made private" "600" "$(stat -c %a "$T/reused.trace")"
assert_not_contains "and emptied first" "$(cat "$T/reused.trace")" "old content"

ln -s "$T/elsewhere" "$T/link.trace"
assert_exit 66 "--trace on a symbolic link is refused" "$ENVOI" \
    "${SEND[@]}" --password-file "$T/alice.pass" --trace "$T/link.trace"
assert_contains "the error names the trace file" "$ERR" "--trace $T/link.trace"
assert_eq "nothing was created through the link" "no" "$([[ -e $T/elsewhere ]] && echo yes || echo no)"

POP=(--protocol pop3 --server "127.0.0.1:$POP3" --security starttls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)
for mech in USER APOP PLAIN; do
    assert_exit 0 "list --protocol pop3 -v, $mech" "$ENVOI" list "${POP[@]}" --auth "$mech" -v
    check_trace "POP3 $mech" "$ERR"
done
assert_contains "POP3 USER/PASS: PASS is masked" "$(
    "$ENVOI" list "${POP[@]}" --auth USER -v 2>&1 >/dev/null
)" "> PASS ****"

rm -f "$T/pop.trace" "$T/imap.trace"
assert_exit 0 "list --protocol pop3 --trace FILE" "$ENVOI" list "${POP[@]}" --trace "$T/pop.trace"
check_trace "--trace (POP3)" "$(cat "$T/pop.trace")"
assert_contains "the POP3 dialogue is in the file" "$(cat "$T/pop.trace")" "> STLS"

IM=(--protocol imap --server "127.0.0.1:$IMAP" --security starttls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)
for mech in LOGIN-COMMAND PLAIN; do
    assert_exit 0 "list --protocol imap -v, $mech" "$ENVOI" list "${IM[@]}" --auth "$mech" -v
    check_trace "IMAP $mech" "$ERR"
done
assert_exit 0 "folders --trace FILE" "$ENVOI" folders list "${IM[@]}" --trace "$T/imap.trace"
assert_eq "the IMAP trace file is private" "600" "$(stat -c %a "$T/imap.trace")"
check_trace "--trace (IMAP)" "$(cat "$T/imap.trace")"
assert_contains "the IMAP dialogue is in the file" "$(cat "$T/imap.trace")" "STARTTLS"

finish
