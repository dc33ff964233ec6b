#!/bin/bash
# envoi fetch --protocol imap --delete against a scripted IMAP server: a connection dropped in
# the middle of the second message is exit 75 with the first saved and nothing flagged or
# expunged; a full disk is exit 74 with nothing deleted; a server that behaves gets \Deleted
# and UID EXPUNGE after the commit, or EXPUNGE when it lacks UIDPLUS.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

secret_file "$T/pass" 'secret'
chmod 600 "$T/pass"

fetch() { # PORT MAILDIR [OPTIONS...]
    local port=$1 md=$2
    shift 2
    "${ENVOI_CMD[@]}" fetch --protocol imap --server "127.0.0.1:$port" --security none \
        --allow-plaintext-auth --user u --password-file "$T/pass" --timeout 10 \
        --maildir "$md" "$@"
}

PORT=$(free_port)
require "fault server started" start_imap_fault "$T/drop" "$PORT" drop-fetch
assert_exit 75 "a connection dropped mid-message is a temporary failure" fetch "$PORT" \
    "$T/md" --delete
assert_contains "the error says the connection ended" "$ERR" "closed the connection"
assert_eq "the first message is saved" 1 "$(count_files "$T/md/new")"
assert_contains "the saved one is the first" "$(cat "$T"/md/new/*)" "Subject: first"
assert_eq "nothing of the broken second message in tmp/" 0 "$(count_files "$T/md/tmp")"
assert_not_contains "nothing was flagged" "$(cat "$T/drop/commands.log")" "STORE"
assert_not_contains "nothing was expunged" "$(cat "$T/drop/commands.log")" "EXPUNGE"

PORT=$(free_port)
require "well-behaved server started" start_imap_fault "$T/ok" "$PORT" ok
assert_exit 0 "the same fetch against a server that behaves" fetch "$PORT" "$T/md-ok" --delete
assert_eq "both messages saved" 2 "$(count_files "$T/md-ok/new")"
assert_eq "flagged, then expunged by UID" 'UID STORE 1:2 +FLAGS.SILENT (\Deleted)|UID EXPUNGE 1:2' \
    "$(grep -E '^UID (STORE|EXPUNGE)' "$T/ok/commands.log" | tr '\n' '|' | sed 's/|$//')"
assert_matches "the folder was selected read-write" "$(cat "$T/ok/commands.log")" 'SELECT "?INBOX'

: >"$T/ok/commands.log"
assert_exit 0 "a fetch without --delete" fetch "$PORT" "$T/md-seen"
assert_eq "the fetched messages get \\Seen" 'UID STORE 1:2 +FLAGS.SILENT (\Seen)' \
    "$(grep -E '^UID STORE' "$T/ok/commands.log")"
assert_matches "bodies were fetched with BODY.PEEK" "$(cat "$T/ok/commands.log")" 'BODY\.PEEK\[\]'

# A full disk, as a file size limit: SIGXFSZ ignored, write(2) then fails with EFBIG. The
# second message (5 KiB) cannot be written into a 4 KiB limit.
: >"$T/ok/commands.log"
fetch_limited() {
    (
        trap '' XFSZ
        ulimit -f 4
        fetch "$@"
    )
}
assert_exit 74 "a failed write is an I/O error" fetch_limited "$PORT" "$T/md-full" --delete
assert_contains "the error names the maildir" "$ERR" "$T/md-full/tmp/"
assert_eq "the message written before is saved" 1 "$(count_files "$T/md-full/new")"
assert_not_contains "nothing deleted after the failure" "$(cat "$T/ok/commands.log")" "Deleted"
assert_not_contains "nothing expunged after the failure" "$(cat "$T/ok/commands.log")" "EXPUNGE"

PORT=$(free_port)
require "server without UIDPLUS started" start_imap_fault "$T/plain" "$PORT" ok --no-uidplus
assert_exit 0 "fetch --delete without UIDPLUS" fetch "$PORT" "$T/md-plain" --delete
assert_eq "both messages saved" 2 "$(count_files "$T/md-plain/new")"
assert_eq "flagged, then EXPUNGE" 'UID STORE 1:2 +FLAGS.SILENT (\Deleted)|EXPUNGE' \
    "$(grep -E '^(UID STORE|EXPUNGE)' "$T/plain/commands.log" | tr '\n' '|' | sed 's/|$//')"

finish
