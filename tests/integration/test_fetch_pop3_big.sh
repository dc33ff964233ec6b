#!/bin/bash
# envoi fetch of a multi-gigabyte message (ENVOI_TEST_BIG_MIB, default 2100 MiB: past 2 GiB)
# from the scripted POP3 server: into a maildir and an mbox it is streamed to disk, byte for
# byte, in a few MiB of memory; --store and --json, which hold a message whole, leave it on
# the server with a clear error (exit 65) and save the other, whether LIST tells its size or
# lies about it; with --delete only the saved message is deleted.
# The peak RSS is checked in plain builds (ASan's shadow memory is not the program's).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

BIG_MIB=${ENVOI_TEST_BIG_MIB:-2100}
RSS_LIMIT_KIB=$((64 * 1024))
asan_build() { "${PY[@]}" -c 'import sys; sys.exit(b"__asan_init" not in open(sys.argv[1], "rb").read())' "$ENVOI"; }

secret_file "$T/pass" 'secret'
chmod 600 "$T/pass"

# peak_rss CMD...: run CMD; RC is its exit status, RSS its peak resident size in KiB.
peak_rss() {
    local out
    out=$("${PY[@]}" -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@")
    RC=${out% *}
    RSS=${out#* }
}
FETCH=(--security none --allow-plaintext-auth --user u --password-file "$T/pass" --timeout 60
    --seen-file "$T/seen")

PORT=$(free_port)
require "POP3 server with a $BIG_MIB MiB message started" start_pop3_fault "$T/big" "$PORT" ok \
    --big-mib "$BIG_MIB" --big-sha256 "$T/big.sha256"
WANT=$(cat "$T/big.sha256")

# --- maildir: streamed to disk ----------------------------------------------------------------
peak_rss timeout 600 "$ENVOI" fetch --server "127.0.0.1:$PORT" "${FETCH[@]}" --maildir "$T/md"
assert_eq "fetch --maildir of the big message succeeds" 0 "$RC"
assert_eq "both messages in new/" 2 "$(count_files "$T/md/new")"
big=$(grep -L '^Subject: first' "$T"/md/new/* | head -n 1)
assert_eq "the big message is saved byte for byte" "$WANT" "$(sha256sum <"$big" | cut -d' ' -f1)"
if ! asan_build; then
    assert_ok "maildir: peak RSS ${RSS} KiB under $RSS_LIMIT_KIB KiB" test "$RSS" -lt "$RSS_LIMIT_KIB"
fi
rm -rf "$T/md"

# --- mbox: streamed, quoted, the From line from the header block ------------------------------
peak_rss timeout 600 "$ENVOI" fetch --server "127.0.0.1:$PORT" "${FETCH[@]}" --mbox "$T/big.mbox"
assert_eq "fetch --mbox of the big message succeeds" 0 "$RC"
assert_eq "two From lines in the mbox" 2 "$(grep -c '^From ' "$T/big.mbox")"
if ! asan_build; then
    assert_ok "mbox: peak RSS ${RSS} KiB under $RSS_LIMIT_KIB KiB" test "$RSS" -lt "$RSS_LIMIT_KIB"
fi
# Every line of the body arrived: the server sends chunks of whole 78-byte lines (76 + CRLF).
lines_per_chunk=$(((1 << 20) / 78))
want_lines=$((((BIG_MIB << 20) / (lines_per_chunk * 78)) * lines_per_chunk))
assert_eq "every line of the big message is in the mbox" "$want_lines" \
    "$(grep -c -E $'^y{76}\r?$' "$T/big.mbox")"
rm -f "$T/big.mbox"

# --- store and JSON hold a message whole: the big one stays on the server ---------------------
assert_exit 65 "fetch --store --delete: too large is a data error" "$ENVOI" fetch \
    --server "127.0.0.1:$PORT" "${FETCH[@]}" --store "$T/mail.db" --delete
assert_contains "the error names the message and the limit" "$ERR" "message 2 is larger than 256 MiB"
assert_eq "the big message was not even retrieved (RETR only in the two fetches above)" 5 \
    "$(grep -c '^RETR$' "$T/big/commands.log")"
assert_exit 0 "the store has the other message" "$ENVOI" store search first --store "$T/mail.db"
assert_eq "one message stored" 1 "$(grep -c . <<<"$OUT")"
assert_eq "only message 1 was deleted" "DELE 1" "$(grep '^DELE' "$T/big/commands.log")"

# A LIST that says 100 bytes: the size shows only as the message arrives.
PORT2=$(free_port)
require "POP3 server lying about the big message's size" start_pop3_fault "$T/lie" "$PORT2" ok \
    --big-mib 300 --lie-size
assert_exit 65 "fetch --json of a message larger than it was listed" "$ENVOI" fetch \
    --server "127.0.0.1:$PORT2" "${FETCH[@]}" --json
assert_contains "the error names the message" "$ERR" "message 2 is larger than 256 MiB"
assert_eq "the other message is printed" 1 "$(grep -c '^{' <<<"$OUT")"
assert_exit 65 "fetch --store --delete of it" "$ENVOI" fetch --server "127.0.0.1:$PORT2" \
    "${FETCH[@]}" --store "$T/lie.db" --delete
assert_eq "only message 1 was deleted" "DELE 1" "$(grep '^DELE' "$T/lie/commands.log")"

finish
