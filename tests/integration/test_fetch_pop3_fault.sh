#!/bin/bash
# envoi fetch --delete against a POP3 server that drops the connection in the middle of the
# second RETR: exit 75, the first message saved, nothing deleted (no DELE sent, no QUIT).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

fetch() { # PORT MAILDIR
    "${ENVOI_CMD[@]}" fetch --server "127.0.0.1:$1" --security none --allow-plaintext-auth \
        --user u --password-file "$T/pass" --timeout 10 --seen-file "$T/seen" \
        --maildir "$2" --delete
}
secret_file "$T/pass" 'secret'
chmod 600 "$T/pass"

PORT=$(free_port)
require "fault server started" start_pop3_fault "$T/drop" "$PORT" drop-retr
assert_exit 75 "a connection dropped mid-RETR is a temporary failure" fetch "$PORT" "$T/md"
assert_contains "the error says the connection ended" "$ERR" "127.0.0.1:$PORT"
assert_eq "the first message is saved" 1 "$(count_files "$T/md/new")"
assert_contains "the saved one is the first" "$(cat "$T"/md/new/*)" "Subject: first"
assert_eq "nothing of the broken second message in tmp/" 0 "$(count_files "$T/md/tmp")"
assert_not_contains "no DELE was sent" "$(cat "$T/drop/commands.log")" "DELE"
assert_not_contains "no QUIT was sent" "$(cat "$T/drop/commands.log")" "QUIT"
assert_eq "the first message is remembered as seen" "uid-1" "$(cat "$T/seen")"

PORT=$(free_port)
require "well-behaved server started" start_pop3_fault "$T/ok" "$PORT" ok
assert_exit 0 "the same fetch against a server that behaves" fetch "$PORT" "$T/md-ok"
assert_eq "both messages saved" 2 "$(count_files "$T/md-ok/new")"
assert_eq "both deleted, then QUIT" "DELE 1 DELE 2 QUIT" \
    "$(grep -E '^(DELE [0-9]+|QUIT)$' "$T/ok/commands.log" | tr '\n' ' ' | sed 's/ $//')"

# A full disk, as a file size limit: SIGXFSZ ignored, write(2) then fails with EFBIG. The
# second message (5 KiB) cannot be written into a 4 KiB limit.
fetch_limited() { # PORT MAILDIR
    (
        trap '' XFSZ
        ulimit -f 4
        fetch "$@"
    )
}
assert_exit 74 "a failed write is an I/O error" fetch_limited "$PORT" "$T/md-full"
assert_contains "the error names the maildir" "$ERR" "$T/md-full/tmp/"
assert_eq "the message written before is saved" 1 "$(count_files "$T/md-full/new")"
assert_eq "no partial file left in tmp/" 0 "$(count_files "$T/md-full/tmp")"
assert_eq "no DELE after the failure (only the earlier run's two)" 2 \
    "$(grep -c '^DELE ' "$T/ok/commands.log")"

finish
