#!/bin/bash
# envoi flag and envoi move against Dovecot's IMAP (STARTTLS and IMAPS): every system flag and
# keywords added and removed, messages picked by UID, --from, --subject, --unseen, --since,
# --before and both together, UIDs that match nothing, usage errors, --expunge of the picked
# messages only, move and --copy between folders (one with a non-ASCII name) and to a missing
# folder; each checked on the server with doveadm. A scripted server then shows what Dovecot
# does not: a flag outside PERMANENTFLAGS, no UIDPLUS, no MOVE, a read-only folder.
# Keywords such as $Label1 are written in single quotes on purpose.
# shellcheck disable=SC2016,SC2317
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
chmod 600 "$T"/*.pass
CONF=$DV/dovecot.conf

IM=(--server "127.0.0.1:$IMAP" --security starttls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)
IMS=(--server "127.0.0.1:$IMAPS" --security tls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)

# deliver FROM SUBJECT [FOLDER]: a message into alice's INBOX (or FOLDER) with dovecot-lda.
deliver() {
    printf 'From: %s\nTo: alice@localhost\nSubject: %s\n\nabout %s\n' "$1" "$2" "$2" |
        /usr/lib/dovecot/dovecot-lda -c "$CONF" -d alice -m "${3:-INBOX}"
}
# append_dated DAY FROM SUBJECT: a message APPENDed over IMAPS with that internal date.
append_dated() {
    "${PY[@]}" - "$IMAPS" "$CA" "$@" <<'EOF'
import imaplib, ssl, sys, time, calendar
port, ca, day, sender, subject = sys.argv[1:]
ctx = ssl.create_default_context(cafile=ca)
m = imaplib.IMAP4_SSL("127.0.0.1", int(port), ssl_context=ctx)
m.login("alice", "alice-secret")
msg = ("From: %s\r\nTo: alice@localhost\r\nSubject: %s\r\n\r\nold\r\n" % (sender, subject)).encode()
when = calendar.timegm(time.strptime(day, "%Y-%m-%d")) + 12 * 3600
typ, _ = m.append("INBOX", None, imaplib.Time2Internaldate(when), msg)
m.logout()
sys.exit(0 if typ == "OK" else 1)
EOF
}
# The flags of message UID in FOLDER (default INBOX), as doveadm shows them.
server_flags() { # UID [FOLDER]
    doveadm -c "$CONF" -f flow fetch -u alice flags mailbox "${2:-INBOX}" uid "$1" |
        sed 's/^flags=//'
}
# The UIDs of FOLDER matching a doveadm search query, space separated.
server_uids() { # FOLDER QUERY...
    local folder=$1
    shift
    doveadm -c "$CONF" -f flow fetch -u alice uid mailbox "$folder" "$@" | sed 's/^uid=//' |
        tr '\n' ' ' | sed 's/ $//'
}
server_count() { # FOLDER
    doveadm -c "$CONF" -f flow mailbox status -u alice messages "$1" | sed 's/.*messages=//'
}
server_subjects() { # FOLDER
    doveadm -c "$CONF" -f flow fetch -u alice hdr.subject mailbox "$1" all |
        sed 's/^hdr.subject=//' | sort | tr '\n' '|'
}
# The "uids" of envoi's --json output, space separated.
json_uids() {
    "${PY[@]}" -c 'import json,sys; print(" ".join(str(u) for u in json.load(sys.stdin)["uids"]))'
}

require "message 1 delivered" deliver "News <letters@news.test>" "weekly news"
require "message 2 delivered" deliver "Bob <bob@work.test>" "meeting notes"
require "message 3 delivered" deliver "Carol <carol@work.test>" "invoice 42"
require "message 4 delivered" deliver "News <letters@news.test>" "daily digest"
require "message 5 appended with a 2020 date" append_dated 2020-01-15 "dave@old.test" "old letter"

# --- usage --------------------------------------------------------------------------------------
for c in flag move watch; do
    assert_exit 0 "envoi help $c" "$ENVOI" help "$c"
    assert_contains "its help shows the exit statuses" "$OUT" "Exit status"
done
assert_exit 0 "envoi --help" "$ENVOI" --help
assert_contains "the commands are listed" "$OUT" "  watch "
assert_exit 0 "envoi folders --help" "$ENVOI" folders --help
assert_not_contains "the folders help has no pop3 defaults" "$OUT" "995"
assert_not_contains "nor APOP" "$OUT" "APOP"
assert_not_contains "nor --protocol pop3|imap" "$OUT" "--protocol pop3|imap"
assert_contains "it gives the IMAP ports" "$OUT" "993"
assert_exit 64 "flag without UIDs or a selection" "$ENVOI" flag --add seen "${IM[@]}"
assert_contains "it says how to name the whole folder" "$ERR" "--all"
assert_exit 64 "a bad UID set" "$ENVOI" flag 4x --add seen "${IM[@]}"
assert_contains "the bad set is named" "$ERR" "'4x'"
assert_exit 64 "UID 0" "$ENVOI" flag 0:3 --add seen "${IM[@]}"
assert_exit 64 "a flag that is not one" "$ENVOI" flag 1 --add '\Foo' "${IM[@]}"
assert_contains "the bad flag is named" "$ERR" '\Foo'
assert_exit 64 "a keyword that is not an atom" "$ENVOI" flag 1 --add 'my label' "${IM[@]}"
assert_contains "the bad keyword is named" "$ERR" "'my label'"
assert_exit 64 "a bad date" "$ENVOI" flag --since 2026-13-01 --add seen "${IM[@]}"
assert_contains "the bad date is named" "$ERR" "'2026-13-01'"
assert_exit 64 "flag without --add or --remove" "$ENVOI" flag 1 "${IM[@]}"
assert_exit 64 "--expunge without --add deleted" "$ENVOI" flag 1 --add seen --expunge "${IM[@]}"
assert_exit 64 "flag --protocol pop3" "$ENVOI" flag 1 --add seen --protocol pop3 "${IM[@]}"
assert_exit 64 "move without --to" "$ENVOI" move 1 "${IM[@]}"
assert_exit 64 "move without UIDs or a selection" "$ENVOI" move --to Archive "${IM[@]}"
assert_eq "nothing changed by the usage errors" "" "$(server_uids INBOX seen)"

# --- every system flag, added and removed ---------------------------------------------------------
for f in seen answered flagged deleted draft; do
    assert_exit 0 "flag --add $f" "$ENVOI" flag 1 --add "$f" "${IM[@]}"
done
assert_eq "flag prints nothing" "" "$OUT"
FLAGS=$(server_flags 1)
for f in '\Seen' '\Answered' '\Flagged' '\Deleted' '\Draft'; do
    assert_contains "the server has $f on message 1" "$FLAGS" "$f"
done
assert_exit 0 "flag --remove all five at once over IMAPS" "$ENVOI" flag 1 \
    --remove 'Seen,\ANSWERED,flagged,\deleted,draft' "${IMS[@]}"
FLAGS=$(server_flags 1)
for f in '\Seen' '\Answered' '\Flagged' '\Deleted' '\Draft'; do
    assert_not_contains "the server no longer has $f on message 1" "$FLAGS" "$f"
done
assert_exit 0 "flag --add keywords" "$ENVOI" flag 1 --add '$Label1,Junk' "${IM[@]}"
assert_contains "the server has \$Label1" "$(server_flags 1)" '$Label1'
assert_contains "the server has Junk" "$(server_flags 1)" 'Junk'
assert_exit 0 "flag --remove a keyword --json" "$ENVOI" flag 1 --remove '$Label1' --json \
    "${IM[@]}"
assert_eq "the JSON result" '{"folder":"INBOX","uids":[1],"added":[],"removed":["$Label1"]}' "$OUT"
assert_not_contains "the server no longer has \$Label1" "$(server_flags 1)" '$Label1'
assert_contains "Junk stays" "$(server_flags 1)" 'Junk'

# --- selection ------------------------------------------------------------------------------------
assert_exit 0 "flag --from --add flagged --json" "$ENVOI" flag --from news.test --add flagged \
    --json "${IM[@]}"
assert_eq "the messages from news.test were picked" "1 4" "$(json_uids <<<"$OUT")"
assert_eq "the server has them flagged, only them" "1 4" "$(server_uids INBOX flagged)"
assert_exit 0 "flag --subject" "$ENVOI" flag --subject invoice --add '$Invoice' "${IM[@]}"
assert_eq "the server has the keyword on the invoice only" "3" \
    "$(server_uids INBOX keyword '$Invoice')"
assert_exit 0 "flag 2 --add seen" "$ENVOI" flag 2 --add '\SEEN' "${IM[@]}"
UNSEEN=$(server_uids INBOX unseen)
assert_exit 0 "flag --unseen" "$ENVOI" flag --unseen --add '$Todo' --json "${IM[@]}"
assert_eq "the unseen messages were picked" "$UNSEEN" "$(json_uids <<<"$OUT")"
assert_eq "the server has the keyword on the unseen ones" "$UNSEEN" \
    "$(server_uids INBOX keyword '$Todo')"
assert_exit 0 "flag --since" "$ENVOI" flag --since 2021-01-01 --add '$New' "${IM[@]}"
assert_eq "received since 2021: all but the 2020 one" "1 2 3 4" \
    "$(server_uids INBOX keyword '$New')"
assert_exit 0 "flag --before" "$ENVOI" flag --before 2021-01-01 --add '$Old' "${IMS[@]}"
assert_eq "received before 2021: the 2020 one" "5" "$(server_uids INBOX keyword '$Old')"
assert_exit 0 "UIDs and a selection together" "$ENVOI" flag 1:3 --from work.test \
    --add '$Work' --json "${IM[@]}"
assert_eq "the UIDs that also match" "2 3" "$(json_uids <<<"$OUT")"
assert_eq "the server agrees" "2 3" "$(server_uids INBOX keyword '$Work')"
assert_exit 0 "a UID that matches nothing" "$ENVOI" flag 999 --add seen --json "${IM[@]}"
assert_contains "it is said" "$ERR" "no message matched"
assert_eq "the JSON names no UID" "" "$(json_uids <<<"$OUT")"
assert_exit 0 "a range above the highest UID" "$ENVOI" flag '100:*' --add '$High' "${IM[@]}"
assert_eq "nothing got the keyword (not even the highest)" "" \
    "$(server_uids INBOX keyword '$High')"
assert_exit 0 "a selection that matches nothing" "$ENVOI" flag --subject "no such words" \
    --add seen "${IM[@]}"
assert_contains "it is said" "$ERR" "no message matched"

# --- --expunge ------------------------------------------------------------------------------------
assert_exit 0 "message 2 marked deleted, not expunged" "$ENVOI" flag 2 --add deleted "${IM[@]}"
assert_exit 0 "flag --add deleted --expunge" "$ENVOI" flag --subject "daily digest" \
    --add deleted --expunge -v "${IM[@]}"
assert_contains "UID EXPUNGE of the picked message" "$ERR" "UID EXPUNGE 4"
assert_eq "the server no longer has it" "" "$(server_uids INBOX uid 4)"
assert_eq "message 2 (deleted, not picked) is still there" "2" "$(server_uids INBOX uid 2)"
assert_exit 0 "message 2 undeleted" "$ENVOI" flag 2 --remove deleted "${IM[@]}"

# --- move and copy --------------------------------------------------------------------------------
FOLDER='Reçus été'
require "folder Archive created" doveadm -c "$CONF" mailbox create -u alice Archive
require "folder '$FOLDER' created" doveadm -c "$CONF" mailbox create -u alice "$FOLDER"
assert_exit 0 "move 3 --to Archive" "$ENVOI" move 3 --to Archive "${IM[@]}"
assert_eq "move prints nothing" "" "$OUT"
assert_eq "INBOX no longer has message 3" "" "$(server_uids INBOX uid 3)"
assert_eq "Archive has the invoice" "invoice 42|" "$(server_subjects Archive)"
assert_exit 0 "move --from to a non-ASCII folder --json" "$ENVOI" move --from news.test \
    --to "$FOLDER" --json "${IMS[@]}"
assert_eq "the JSON result" \
    "{\"folder\":\"INBOX\",\"to\":\"$FOLDER\",\"uids\":[1],\"copied\":false}" "$OUT"
assert_eq "the folder has the news" "weekly news|" "$(server_subjects "$FOLDER")"
assert_eq "the keywords moved with it" "Junk" \
    "$(doveadm -c "$CONF" -f flow fetch -u alice flags mailbox "$FOLDER" all | grep -o Junk)"
assert_exit 0 "move --copy" "$ENVOI" move 2 --to Archive --copy --json "${IM[@]}"
assert_contains "the JSON says copied" "$OUT" '"copied":true'
assert_eq "INBOX still has message 2" "2" "$(server_uids INBOX uid 2)"
assert_eq "Archive has both" "invoice 42|meeting notes|" "$(server_subjects Archive)"
assert_exit 0 "move --all out of the non-ASCII folder" "$ENVOI" move --all --folder "$FOLDER" \
    --to Archive "${IM[@]}"
assert_eq "the folder is empty" 0 "$(server_count "$FOLDER")"
assert_eq "Archive has three" 3 "$(server_count Archive)"
assert_exit 69 "move to a missing folder" "$ENVOI" move 2 --to "No such" "${IM[@]}"
assert_contains "the server's words are shown" "$ERR" "No such"
assert_contains "it says how to make the folder" "$ERR" "envoi folders create"
assert_eq "message 2 stayed in INBOX" "2" "$(server_uids INBOX uid 2)"
assert_exit 69 "move out of a missing folder" "$ENVOI" move --all --folder "No such" --to Archive \
    "${IM[@]}"
assert_exit 0 "move nothing" "$ENVOI" move 999 --to Archive "${IM[@]}"
assert_contains "it is said" "$ERR" "no message matched"
assert_eq "Archive still has three" 3 "$(server_count Archive)"

# --- a scripted server: PERMANENTFLAGS, no UIDPLUS, no MOVE, a read-only folder -------------------
FP=$(free_port)
require "scripted server without UIDPLUS and MOVE started" start_imap_fault "$T/plain" "$FP" ok \
    --no-uidplus
FA=(--server "127.0.0.1:$FP" --security none --allow-plaintext-auth --user u
    --password-file "$T/alice.pass" --timeout 10)
assert_exit 69 "a flag the folder cannot keep" "$ENVOI" flag 1 --add flagged "${FA[@]}"
assert_contains "it names the flag and PERMANENTFLAGS" "$ERR" \
    '\Flagged in INBOX (not in its PERMANENTFLAGS)'
assert_exit 69 "--expunge without UIDPLUS" "$ENVOI" flag 1 --add deleted --expunge "${FA[@]}"
assert_contains "it says why" "$ERR" "UIDPLUS"
assert_not_contains "nothing was stored" "$(cat "$T/plain/commands.log")" "STORE"
assert_exit 0 "flag a flag it keeps" "$ENVOI" flag 1 --add seen "${FA[@]}"
assert_contains "the STORE was sent" "$(cat "$T/plain/commands.log")" \
    'UID STORE 1 +FLAGS.SILENT (\Seen)'
assert_exit 0 "move without MOVE" "$ENVOI" move 2 --to Archive "${FA[@]}"
LOG=$(cat "$T/plain/commands.log")
assert_matches "UID COPY first" "$LOG" '^UID COPY 2 "?Archive"?$'
assert_contains "then \\Deleted" "$LOG" 'UID STORE 2 +FLAGS.SILENT (\Deleted)'
assert_matches "then EXPUNGE (no UIDPLUS)" "$LOG" '^EXPUNGE$'
assert_not_contains "no UID MOVE" "$LOG" "UID MOVE"

RP=$(free_port)
require "scripted server with a read-only folder started" start_imap_fault "$T/ro" "$RP" ok \
    --read-only
FR=(--server "127.0.0.1:$RP" --security none --allow-plaintext-auth --user u
    --password-file "$T/alice.pass" --timeout 10)
assert_exit 77 "flag in a read-only folder" "$ENVOI" flag 1 --add seen "${FR[@]}"
assert_contains "it says so" "$ERR" "read-only"
assert_exit 77 "move out of a read-only folder" "$ENVOI" move 1 --to Archive "${FR[@]}"
assert_contains "it suggests --copy" "$ERR" "--copy"
assert_exit 0 "copy out of a read-only folder" "$ENVOI" move 1 --to Archive --copy "${FR[@]}"
LOG=$(cat "$T/ro/commands.log")
assert_matches "UID COPY sent" "$LOG" '^UID COPY 1 "?Archive"?$'
assert_not_contains "nothing stored there" "$LOG" "STORE"

finish
