#!/bin/bash
# envoi folders against Dovecot's IMAP (STARTTLS and IMAPS): folders with non-ASCII names created,
# listed (text, JSON, --status), renamed, subscribed and unsubscribed, deleted, each checked on
# the server with doveadm; a missing folder, a wrong password and --protocol pop3.
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

IM=(--server "127.0.0.1:$IMAP" --security starttls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)
IMS=(--protocol imap --server "127.0.0.1:$IMAPS" --security tls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)

# The folders on the server, one per line (-s: the subscribed ones).
server_folders() { # [-s]
    doveadm -c "$DV/dovecot.conf" mailbox list -u alice "$@"
}
has_line() { grep -qxF -- "$2" <<<"$1"; } # TEXT LINE

# --- usage --------------------------------------------------------------------------------------
assert_exit 0 "envoi help folders" "$ENVOI" help folders
assert_contains "the help names the actions" "$OUT" "envoi folders rename OLD NEW"
assert_exit 0 "envoi folders --help" "$ENVOI" folders --help
assert_contains "the help names --status" "$OUT" "--status"
assert_exit 64 "--protocol pop3 is a usage error" "$ENVOI" folders list --protocol pop3 "${IM[@]}"
assert_contains "it says why" "$ERR" "imap"
assert_exit 64 "no action" "$ENVOI" folders "${IM[@]}"
assert_exit 64 "an unknown action" "$ENVOI" folders remove X "${IM[@]}"
assert_exit 64 "rename needs two names" "$ENVOI" folders rename X "${IM[@]}"

# --- list: INBOX and its delimiter --------------------------------------------------------------
assert_exit 0 "folders list over STARTTLS" "$ENVOI" folders list "${IM[@]}"
assert_matches "INBOX is listed" "$OUT" $'^INBOX\t'
D=$(grep -m1 $'^INBOX\t' <<<"$OUT" | cut -f2)
assert_matches "the delimiter is one character" "$D" '^.$'
FOLDER='Reçus été'
PARENT='台北'
CHILD="台北${D}子"

# --- create ---------------------------------------------------------------------------------------
assert_exit 0 "create a folder with accents" "$ENVOI" folders create "$FOLDER" "${IM[@]}"
assert_eq "create prints nothing" "" "$OUT"
assert_exit 0 "create a child folder in Chinese over IMAPS" "$ENVOI" folders create "$CHILD" \
    "${IMS[@]}"
LIST=$(server_folders)
if has_line "$LIST" "$FOLDER"; then pass "the server has '$FOLDER'"; else
    fail "the server has '$FOLDER'" "$LIST"
fi
if has_line "$LIST" "$CHILD"; then pass "the server has '$CHILD'"; else
    fail "the server has '$CHILD'" "$LIST"
fi
assert_exit 69 "create a folder that already exists" "$ENVOI" folders create "$FOLDER" "${IM[@]}"
assert_contains "the server's words are shown" "$ERR" "exists"

# --- list: text, JSON, --status -------------------------------------------------------------------
assert_exit 0 "folders list" "$ENVOI" folders list "${IM[@]}"
assert_contains "the accented folder is listed in UTF-8" "$OUT" "$FOLDER"$'\t'"$D"$'\t'
assert_contains "the child folder is listed in UTF-8" "$OUT" "$CHILD"$'\t'
assert_contains "the parent has children" "$(grep -F "$PARENT"$'\t' <<<"$OUT")" '\HasChildren'
assert_exit 0 "folders list --json over IMAPS" "$ENVOI" folders list "${IMS[@]}" --json
JSON=$OUT
assert_eq "JSON of the child folder" "$CHILD $D True" \
    "$("${PY[@]}" -c 'import json,sys
for line in sys.stdin:
    o = json.loads(line)
    if o["name"] == sys.argv[1]:
        print(o["name"], o["delimiter"], o["selectable"])' "$CHILD" <<<"$JSON")"
assert_contains "the wire name is modified UTF-7" "$JSON" '"wire":"Re&AOc-us &AOk-t&AOk-"'
# Special use (RFC 6154): the test Dovecot marks Sent, Trash, Drafts and Junk once they exist;
# what envoi shows is exactly what the server announces in its LIST responses (seen with -v).
for f in Sent Trash Drafts Junk; do
    assert_exit 0 "create $f" "$ENVOI" folders create "$f" "${IM[@]}"
done
assert_exit 0 "folders list --json after creating them" "$ENVOI" folders list "${IM[@]}" --json
JSON=$OUT
assert_eq "each of them has its special use in JSON" \
    "Drafts=\\Drafts Junk=\\Junk Sent=\\Sent Trash=\\Trash " \
    "$("${PY[@]}" -c 'import json,sys
for line in sys.stdin:
    o = json.loads(line)
    if o["special_use"]:
        print(o["name"] + "=" + " ".join(o["special_use"]))' <<<"$JSON" | sort | tr '\n' ' ')"
assert_exit 0 "folders list -v" "$ENVOI" folders list -v "${IM[@]}"
assert_matches "the text shows Sent's special use" "$(grep $'^Sent\t' <<<"$OUT")" '\\Sent'
assert_contains "the trace shows the LIST" "$ERR" 'LIST "" "*"'
SPECIAL_RE='\\(Sent|Trash|Drafts|Junk|Archive|All|Flagged)'
ANNOUNCED=$(grep -E '^< \* LIST ' <<<"$ERR" | grep -oE "$SPECIAL_RE" | sort | tr '\n' ' ')
TEXT_SPECIAL=$(cut -f3 <<<"$OUT" | grep -oE "$SPECIAL_RE" | sort | tr '\n' ' ')
JSON_SPECIAL=$("${PY[@]}" -c 'import json,sys
for line in sys.stdin:
    for a in json.loads(line)["special_use"]:
        print(a)' <<<"$JSON" | sort | tr '\n' ' ')
assert_eq "the text shows the special use the server announced" "$ANNOUNCED" "$TEXT_SPECIAL"
assert_eq "the JSON shows the same special use" "$ANNOUNCED" "$JSON_SPECIAL"
require "a message delivered into the folder" /usr/lib/dovecot/dovecot-lda -c "$DV/dovecot.conf" \
    -d alice -m "$FOLDER" <<<$'From: a@localhost\nSubject: hello\n\nbody'
assert_exit 0 "folders list --status" "$ENVOI" folders list --status "${IM[@]}"
assert_contains "the folder counts one message, one unseen" "$OUT" "$FOLDER"$'\t'"$D"$'\t'
assert_matches "the counts are at the end of its line" "$(grep -F "$FOLDER" <<<"$OUT")" \
    $'\t1\t1$'
assert_exit 0 "folders list --status --json" "$ENVOI" folders list --status --json "${IMS[@]}"
assert_contains "JSON has the counts" "$(grep -F "$FOLDER" <<<"$OUT")" '"messages":1,"unseen":1'

# --- rename ---------------------------------------------------------------------------------------
RENAMED='Reçus 2026'
assert_exit 0 "rename" "$ENVOI" folders rename "$FOLDER" "$RENAMED" "${IM[@]}"
LIST=$(server_folders)
if has_line "$LIST" "$RENAMED" && ! has_line "$LIST" "$FOLDER"; then
    pass "the server has the new name only"
else
    fail "the server has the new name only" "$LIST"
fi
assert_exit 69 "rename a folder that does not exist" "$ENVOI" folders rename "$FOLDER" X "${IM[@]}"

# --- subscribe / unsubscribe ----------------------------------------------------------------------
assert_exit 0 "subscribe" "$ENVOI" folders subscribe "$RENAMED" "${IMS[@]}"
if has_line "$(server_folders -s)" "$RENAMED"; then pass "the server lists it as subscribed"; else
    fail "the server lists it as subscribed" "$(server_folders -s)"
fi
assert_exit 0 "unsubscribe" "$ENVOI" folders unsubscribe "$RENAMED" "${IM[@]}"
if has_line "$(server_folders -s)" "$RENAMED"; then
    fail "the server no longer lists it as subscribed" "$(server_folders -s)"
else pass "the server no longer lists it as subscribed"; fi

# --- delete ---------------------------------------------------------------------------------------
assert_exit 0 "delete" "$ENVOI" folders delete "$RENAMED" "${IM[@]}"
assert_exit 0 "delete the child" "$ENVOI" folders delete "$CHILD" "${IMS[@]}"
LIST=$(server_folders)
if has_line "$LIST" "$RENAMED" || has_line "$LIST" "$CHILD"; then
    fail "the server no longer has them" "$LIST"
else pass "the server no longer has them"; fi
assert_exit 69 "delete a folder that does not exist" "$ENVOI" folders delete "No such" "${IM[@]}"
assert_contains "the server's words are shown" "$ERR" "Mailbox doesn't exist: No such"
assert_contains "the command is named" "$ERR" "envoi: folders:"
assert_exit 69 "delete INBOX, which the server refuses" "$ENVOI" folders delete INBOX "${IMS[@]}"
assert_contains "the refusal is the server's" "$ERR" "INBOX"

# --- login ----------------------------------------------------------------------------------------
assert_exit 77 "a wrong password" "$ENVOI" folders list "${IM[@]}" --password-file "$T/wrong.pass"
assert_not_contains "no password in the error" "$ERR" "not-the-password"

finish
