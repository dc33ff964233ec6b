#!/bin/bash
# envoi list / fetch / store against Dovecot's POP3 (STLS and POP3S): messages delivered with
# dovecot-lda, listed (text and JSON), fetched into a maildir (byte for byte), an mbox and the
# store (then searched and shown raw), --unseen, --limit, --delete counted on the server, and a
# wrong password.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

DV=$T/dovecot
POP3=$(free_port)
POP3S=$(free_port)
require "Dovecot with POP3 started" start_dovecot "$DV" "$(free_port)" "$(free_port)" \
    "$(free_port)" "$POP3" "$POP3S"
CA=$DV/certs/ca.pem
secret_file "$T/alice.pass" 'alice-secret'
secret_file "$T/carol.pass" 'carol-secret'
secret_file "$T/wrong.pass" 'not-the-password'
chmod 600 "$T"/*.pass
export XDG_STATE_HOME=$T/state

# deliver USER N WORD: message N (LF line ends) into USER's INBOX; its CRLF form in $T/sent/N.
mkdir -p "$T/sent"
deliver() {
    local user=$1 n=$2 word=$3
    {
        printf 'From: Sender Number%s <sender%s@localhost>\n' "$n" "$n"
        printf 'To: %s@localhost\n' "$user"
        printf 'Subject: message %s about %s\n' "$n" "$word"
        printf 'Date: Sat, 21 Nov 2026 10:%02d:00 +0000\n' "$n"
        printf 'Message-ID: <%s.%s@envoi.test>\n\n' "$n" "$user"
        printf '.a line starting with a dot\n.\nFrom the start of a line\n'
        printf 'the body word is body%s%s\n' "$word" "$n"
    } >"$T/msg.eml"
    /usr/lib/dovecot/dovecot-lda -c "$DV/dovecot.conf" -d "$user" <"$T/msg.eml" || return 1
    sed 's/$/\r/' "$T/msg.eml" >"$T/sent/$n"
}

server_count() { # USER
    doveadm -c "$DV/dovecot.conf" -f flow mailbox status -u "$1" messages INBOX |
        sed 's/.*messages=//'
}

POP=(--server "127.0.0.1:$POP3" --security starttls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)
POPS=(--server "127.0.0.1:$POP3S" --security tls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)

for n in 1 2 3; do
    require "message $n delivered" deliver alice "$n" "apple"
done

# --- list -------------------------------------------------------------------------------------
assert_exit 0 "list over STLS" "$ENVOI" list "${POP[@]}"
assert_eq "list shows three lines" 3 "$(grep -c . <<<"$OUT")"
assert_contains "list shows the subject" "$OUT" "message 2 about apple"
assert_contains "list shows the sender" "$OUT" "Sender Number2 <sender2@localhost>"
assert_contains "list shows the date" "$OUT" "2026-11-21T10:02:00Z"
assert_exit 0 "list --json over POP3S" "$ENVOI" list "${POPS[@]}" --json
assert_eq "one JSON object per message" 3 "$(grep -c '^{' <<<"$OUT")"
assert_eq "JSON subject of message 3" "message 3 about apple" \
    "$(sed -n 3p <<<"$OUT" | "${PY[@]}" -c 'import json,sys; print(json.load(sys.stdin)["subject"])')"

# --- fetch into a maildir: byte for byte ------------------------------------------------------
assert_exit 0 "fetch --maildir" "$ENVOI" fetch "${POP[@]}" --maildir "$T/md"
assert_eq "three files in new/" 3 "$(count_files "$T/md/new")"
for n in 1 2 3; do
    got=$(grep -l "^Subject: message $n " "$T"/md/new/* | head -n 1)
    assert_files_equal "maildir message $n is what was delivered" "$T/sent/$n" "$got"
done
assert_eq "the server still has them (no --delete)" 3 "$(server_count alice)"

# --- mbox -----------------------------------------------------------------------------------
assert_exit 0 "fetch --mbox over POP3S" "$ENVOI" fetch "${POPS[@]}" --mbox "$T/mail.mbox"
assert_exit 0 "the mbox parses" "$ENVOI" parse --json "$T/mail.mbox"
assert_eq "three messages read back from the mbox" 3 "$(grep -c '^{' <<<"$OUT")"
assert_contains "mbox body kept its From line (mboxrd)" "$(cat "$T/mail.mbox")" \
    ">From the start of a line"

# --- store, search, show ----------------------------------------------------------------------
assert_exit 0 "fetch --store" "$ENVOI" fetch "${POP[@]}" --store "$T/mail.db"
assert_exit 0 "store search finds a subject word" "$ENVOI" store search apple --store "$T/mail.db"
assert_eq "three hits for the subject word" 3 "$(grep -c . <<<"$OUT")"
assert_exit 0 "store search finds a body word" "$ENVOI" store search bodyapple2 \
    --store "$T/mail.db" --json
assert_eq "one hit for the body word" 1 "$(grep -c . <<<"$OUT")"
id=$("${PY[@]}" -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])' <<<"$OUT")
timeout 20 "$ENVOI" store show "$id" --store "$T/mail.db" --raw >"$T/shown.eml"
assert_files_equal "store show --raw gives the bytes back" "$T/sent/2" "$T/shown.eml"
assert_exit 0 "store show --json" "$ENVOI" store show "$id" --store "$T/mail.db" --json
assert_contains "show --json has the subject" "$OUT" '"subject":"message 2 about apple"'
assert_exit 0 "fetching into the store again" "$ENVOI" fetch "${POP[@]}" --store "$T/mail.db"
assert_exit 0 "store search after the second fetch" "$ENVOI" store search apple \
    --store "$T/mail.db"
assert_eq "the same messages are stored once" 3 "$(grep -c . <<<"$OUT")"

# --- JSON, --limit ----------------------------------------------------------------------------
assert_exit 0 "fetch --json --limit 2" "$ENVOI" fetch "${POP[@]}" --json --limit 2
assert_eq "two messages printed" 2 "$(grep -c '^{' <<<"$OUT")"
assert_contains "printed as envoi parse --json" "$OUT" '"subject":"message 1 about apple"'

# --- --unseen ---------------------------------------------------------------------------------
SEEN=$T/seen.txt
assert_exit 0 "first --unseen fetch" "$ENVOI" fetch "${POP[@]}" --unseen --seen-file "$SEEN" \
    --maildir "$T/md2"
assert_eq "it gets all three" 3 "$(count_files "$T/md2/new")"
require "message 4 delivered" deliver alice 4 "banana"
assert_exit 0 "second --unseen fetch" "$ENVOI" fetch "${POP[@]}" --unseen --seen-file "$SEEN" \
    --maildir "$T/md2"
assert_eq "it gets only the new one" 4 "$(count_files "$T/md2/new")"
# Every fetch above over STLS remembered messages 1-3 in the default seen file.
assert_exit 0 "the default seen file is used" "$ENVOI" fetch "${POP[@]}" --unseen --maildir \
    "$T/md3"
assert_eq "only the message never fetched over STLS came" 1 "$(count_files "$T/md3/new")"
assert_exit 0 "a second fetch with the default seen file" "$ENVOI" fetch "${POP[@]}" --unseen \
    --maildir "$T/md3"
assert_eq "the second fetch got nothing new" 1 "$(count_files "$T/md3/new")"
assert_file_exists "the default seen file is under XDG_STATE_HOME" \
    "$XDG_STATE_HOME/envoi/seen/alice@127.0.0.1:$POP3"

# --- every login method on the command line ---------------------------------------------------
assert_exit 0 "list --auth APOP" "$ENVOI" list "${POP[@]}" --auth APOP -v
assert_contains "APOP was the login (password masked)" "$ERR" "> APOP alice ****"
assert_eq "list over APOP sees the four messages" 4 "$(grep -c . <<<"$OUT")"
assert_exit 0 "fetch --auth CRAM-MD5" "$ENVOI" fetch "${POPS[@]}" --auth CRAM-MD5 -v \
    --maildir "$T/md-cram"
assert_contains "CRAM-MD5 was the login" "$ERR" "> AUTH CRAM-MD5"
assert_eq "fetched over CRAM-MD5" 4 "$(count_files "$T/md-cram/new")"
for method in USER LOGIN PLAIN; do
    assert_exit 0 "list --auth $method" "$ENVOI" list "${POP[@]}" --auth "$method"
    assert_eq "list over $method sees the four messages" 4 "$(grep -c . <<<"$OUT")"
done
assert_exit 0 "without --auth, the strongest method in common" "$ENVOI" list "${POP[@]}" -v
assert_not_contains "no password in the trace" "$ERR" "alice-secret"

# --- the mbox user: her INBOX is an mbox file on the server ----------------------------------
deliver_carol() { # N: with the Return-Path an MTA adds at delivery
    printf 'Return-Path: <bounce@envoi.test>\nFrom: Dave <dave@localhost>\nTo: carol@localhost\n' |
        cat - <(printf 'Subject: carol %s\n\nbody %s\n' "$1" "$1") |
        /usr/lib/dovecot/dovecot-lda -c "$DV/dovecot.conf" -d carol -f bounce@envoi.test
}
for n in 1 2; do
    require "carol's message $n delivered" deliver_carol "$n"
done
CAROL=(--server "127.0.0.1:$POP3" --security starttls --ca-file "$CA" --user carol
    --password-file "$T/carol.pass" --timeout 20)
assert_exit 0 "fetch carol's mbox INBOX into a maildir" "$ENVOI" fetch "${CAROL[@]}" \
    --maildir "$T/md-carol"
assert_eq "both of carol's messages" 2 "$(count_files "$T/md-carol/new")"
assert_contains "carol's message 2 came whole" "$(cat "$T"/md-carol/new/*)" "body 2"
assert_exit 0 "fetch carol's messages into an mbox" "$ENVOI" fetch "${CAROL[@]}" \
    --mbox "$T/carol.mbox"
assert_eq "the mbox From lines name the Return-Path" 2 \
    "$(grep -c '^From bounce@envoi.test ' "$T/carol.mbox")"
assert_exit 0 "fetch carol --delete" "$ENVOI" fetch "${CAROL[@]}" --maildir "$T/md-carol2" \
    --delete
assert_eq "carol's mailbox is empty on the server" 0 "$(server_count carol)"

# --- wrong password ---------------------------------------------------------------------------
assert_exit 77 "wrong password" "$ENVOI" fetch --server "127.0.0.1:$POP3" --security starttls \
    --ca-file "$CA" --user alice --password-file "$T/wrong.pass" --maildir "$T/md4"
assert_eq "nothing saved after the refused login" 0 "$(count_files "$T/md4/new")"
assert_eq "the server still has four" 4 "$(server_count alice)"

# --- --delete ---------------------------------------------------------------------------------
assert_exit 0 "fetch --delete" "$ENVOI" fetch "${POPS[@]}" --maildir "$T/md5" --delete
assert_eq "the maildir has all four" 4 "$(count_files "$T/md5/new")"
assert_eq "messages left on the server" 0 "$(server_count alice)"

# --- IMAP-only options -----------------------------------------------------------------------
assert_exit 64 "--folder is refused with pop3" "$ENVOI" list --folder INBOX "${POP[@]}"

finish
