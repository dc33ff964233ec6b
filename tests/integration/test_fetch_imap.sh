#!/bin/bash
# envoi list / fetch --protocol imap against Dovecot's IMAP (STARTTLS and IMAPS): messages
# delivered with dovecot-lda, listed (text and JSON), fetched into a maildir (byte for byte), a
# folder with a non-ASCII name, --unseen by the server's \Seen flags, --store then searched,
# --delete counted on the server, and a wrong password.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

DV=$T/dovecot
IMAP=$(free_port)
IMAPS=$(free_port)
require "Dovecot with IMAP started" start_dovecot "$DV" "$(free_port)" "$(free_port)" \
    "$(free_port)" "" "" "$IMAP" "$IMAPS"
CA=$DV/certs/ca.pem
secret_file "$T/alice.pass" 'alice-secret'
secret_file "$T/wrong.pass" 'not-the-password'
chmod 600 "$T"/*.pass
FOLDER='Reçus été'

# deliver N WORD [FOLDER]: message N (LF line ends) into alice's INBOX (or FOLDER); its CRLF
# form in $T/sent/N.
mkdir -p "$T/sent"
deliver() {
    local n=$1 word=$2 folder=${3:-INBOX}
    {
        printf 'From: Sender Number%s <sender%s@localhost>\n' "$n" "$n"
        printf 'To: alice@localhost\n'
        printf 'Subject: message %s about %s\n' "$n" "$word"
        printf 'Date: Sat, 21 Nov 2026 10:%02d:00 +0000\n' "$n"
        printf 'Message-ID: <%s.alice@envoi.test>\n\n' "$n"
        printf '.a line starting with a dot\n.\nFrom the start of a line\n'
        printf 'the body word is body%s%s\n' "$word" "$n"
    } >"$T/msg.eml"
    /usr/lib/dovecot/dovecot-lda -c "$DV/dovecot.conf" -d alice -m "$folder" <"$T/msg.eml" ||
        return 1
    sed 's/$/\r/' "$T/msg.eml" >"$T/sent/$n"
}

server_count() { # [FOLDER]
    doveadm -c "$DV/dovecot.conf" -f flow mailbox status -u alice messages "${1:-INBOX}" |
        sed 's/.*messages=//'
}

IM=(--protocol imap --server "127.0.0.1:$IMAP" --security starttls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)
IMS=(--protocol imap --server "127.0.0.1:$IMAPS" --security tls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)

for n in 1 2 3; do
    require "message $n delivered" deliver "$n" "apple"
done

# --- list -------------------------------------------------------------------------------------
assert_exit 0 "list over STARTTLS" "$ENVOI" list "${IM[@]}"
assert_eq "list shows three lines" 3 "$(grep -c . <<<"$OUT")"
assert_contains "list shows the subject" "$OUT" "message 2 about apple"
assert_contains "list shows the sender" "$OUT" "Sender Number2 <sender2@localhost>"
assert_contains "list shows the date" "$OUT" "2026-11-21T10:02:00Z"
assert_matches "list starts with the UID" "$(sed -n 1p <<<"$OUT")" $'^1\t[0-9]+\t'
assert_exit 0 "list --json over IMAPS" "$ENVOI" list "${IMS[@]}" --json
assert_eq "one JSON object per message" 3 "$(grep -c '^{' <<<"$OUT")"
assert_eq "JSON subject, sender and seen of message 3" "message 3 about apple sender3@localhost False" \
    "$(sed -n 3p <<<"$OUT" | "${PY[@]}" -c 'import json,sys; o=json.load(sys.stdin)
print(o["subject"], o["from"][0]["address"], o["seen"])')"
assert_exit 0 "list -v shows the IMAP trace" "$ENVOI" list "${IM[@]}" -v
assert_contains "the folder was examined" "$ERR" 'EXAMINE "INBOX"'
assert_not_contains "no password in the trace" "$ERR" "alice-secret"

# --- fetch into a maildir: byte for byte, then \Seen ------------------------------------------
assert_exit 0 "fetch --maildir" "$ENVOI" fetch "${IM[@]}" --maildir "$T/md" -v
assert_contains "retrieval uses BODY.PEEK" "$ERR" "BODY.PEEK[]"
assert_eq "three files in new/" 3 "$(count_files "$T/md/new")"
for n in 1 2 3; do
    got=$(grep -l "^Subject: message $n " "$T"/md/new/* | head -n 1)
    assert_files_equal "maildir message $n is what was delivered" "$T/sent/$n" "$got"
done
assert_eq "the server still has them (no --delete)" 3 "$(server_count)"
assert_exit 0 "list --json after the fetch" "$ENVOI" list "${IM[@]}" --json
assert_eq "the fetched messages are \\Seen" 3 "$(grep -c '"seen":true' <<<"$OUT")"

# --- --unseen: the server's \Seen decides -----------------------------------------------------
require "message 4 delivered" deliver 4 "banana"
assert_exit 0 "fetch --unseen" "$ENVOI" fetch "${IMS[@]}" --unseen --maildir "$T/md2"
assert_eq "it gets only the new one" 1 "$(count_files "$T/md2/new")"
assert_contains "the new one is message 4" "$(cat "$T"/md2/new/*)" "message 4 about banana"
assert_exit 0 "a second fetch --unseen" "$ENVOI" fetch "${IMS[@]}" --unseen --maildir "$T/md2"
assert_eq "the second fetch got nothing new" 1 "$(count_files "$T/md2/new")"
assert_exit 64 "--seen-file is refused with imap" "$ENVOI" fetch "${IM[@]}" --unseen \
    --seen-file "$T/seen" --maildir "$T/md2"
assert_exit 64 "--folder is refused with pop3" "$ENVOI" list --protocol pop3 \
    --server "127.0.0.1:$IMAP" --folder Junk

# --- a folder with a non-ASCII name -----------------------------------------------------------
require "the folder is created" doveadm -c "$DV/dovecot.conf" mailbox create -u alice "$FOLDER"
require "message 5 delivered into it" deliver 5 "cherry" "$FOLDER"
assert_exit 0 "list --folder" "$ENVOI" list "${IM[@]}" --folder "$FOLDER"
assert_eq "the folder holds one message" 1 "$(grep -c . <<<"$OUT")"
assert_contains "it is message 5" "$OUT" "message 5 about cherry"
assert_exit 0 "fetch --folder" "$ENVOI" fetch "${IMS[@]}" --folder "$FOLDER" --maildir "$T/md3"
assert_eq "one message fetched from the folder" 1 "$(count_files "$T/md3/new")"
assert_files_equal "the folder's message is what was delivered" "$T/sent/5" \
    "$(list_files "$T/md3/new" | head -n 1)"
assert_exit 69 "a folder that does not exist" "$ENVOI" list "${IM[@]}" --folder "No such"

# --- store, search ----------------------------------------------------------------------------
assert_exit 0 "fetch --store" "$ENVOI" fetch "${IM[@]}" --store "$T/mail.db"
assert_exit 0 "store search finds a subject word" "$ENVOI" store search apple --store "$T/mail.db"
assert_eq "three hits for the subject word" 3 "$(grep -c . <<<"$OUT")"
assert_exit 0 "store search finds a body word" "$ENVOI" store search bodybanana4 \
    --store "$T/mail.db"
assert_eq "one hit for the body word" 1 "$(grep -c . <<<"$OUT")"
assert_exit 0 "fetching into the store again" "$ENVOI" fetch "${IM[@]}" --store "$T/mail.db"
assert_exit 0 "store search after the second fetch" "$ENVOI" store search apple \
    --store "$T/mail.db"
assert_eq "the same messages are stored once" 3 "$(grep -c . <<<"$OUT")"

# --- JSON, --limit, --headers-only ------------------------------------------------------------
assert_exit 0 "fetch --json --limit 2" "$ENVOI" fetch "${IM[@]}" --json --limit 2
assert_eq "two messages printed" 2 "$(grep -c '^{' <<<"$OUT")"
assert_contains "printed as envoi parse --json" "$OUT" '"subject":"message 1 about apple"'
assert_exit 0 "fetch --headers-only" "$ENVOI" fetch "${IM[@]}" --headers-only --maildir \
    "$T/md-headers" -v
assert_contains "--headers-only examines the folder" "$ERR" 'EXAMINE "INBOX"'
assert_not_contains "only the header blocks came" "$(cat "$T"/md-headers/new/*)" "body word"

# --- wrong password ---------------------------------------------------------------------------
assert_exit 77 "wrong password" "$ENVOI" fetch --protocol imap --server "127.0.0.1:$IMAP" \
    --security starttls --ca-file "$CA" --user alice --password-file "$T/wrong.pass" \
    --maildir "$T/md4"
assert_eq "nothing saved after the refused login" 0 "$(count_files "$T/md4/new")"
assert_eq "the server still has four" 4 "$(server_count)"

# --- --delete ---------------------------------------------------------------------------------
printf 'not a folder\n' >"$T/plain-file"
assert_exit 73 "fetch --delete into a maildir that cannot be made" "$ENVOI" fetch "${IM[@]}" \
    --maildir "$T/plain-file/md" --delete
assert_eq "nothing deleted when nothing was saved" 4 "$(server_count)"
assert_exit 0 "fetch --delete" "$ENVOI" fetch "${IMS[@]}" --maildir "$T/md5" --delete -v
assert_contains "UID EXPUNGE (Dovecot has UIDPLUS)" "$ERR" "UID EXPUNGE"
assert_eq "the maildir has all four" 4 "$(count_files "$T/md5/new")"
assert_eq "messages left on the server" 0 "$(server_count)"
assert_eq "the other folder is untouched" 1 "$(server_count "$FOLDER")"

finish
