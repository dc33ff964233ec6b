#!/bin/bash
# Round trip: envoi send --dry-run composes a message with every composition feature, envoi parse
# --json reads it back: subject, addresses, message id, text, HTML, attachment names, types,
# sizes and SHA-256 are the originals. Also a text-only, an HTML-only and an attachment-only
# message, an empty attachment, and the same message read from standard input.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi
ROUNDTRIP=("${PY[@]}" "$HERE/parse_roundtrip.py")

# ---- the originals ----------------------------------------------------------------------
long_line=$(printf 'word%.0s ' {1..60})
printf 'Grüße aus Köln — ünïcödé ✓\nA line longer than any SMTP line should be: %s\n.\nFrom the start of a line\n\ttab and trailing space \nend\n' \
    "$long_line" >"$T/body.txt"
printf '<html><body><p>Grüße <b>aus</b> Köln</p><img src="cid:logo@example.org"></body></html>\n' \
    >"$T/body.html"
head -c 300000 /dev/urandom >"$T/random.bin"
printf 'col1,col2\r\n1,2\r\nlast line without newline' >"$T/table.csv"
printf '\x89PNG\r\n\x1a\n%s' "$(head -c 2000 /dev/urandom | base64 -w0)" >"$T/logo.png"
: >"$T/empty.dat"
printf 'plain\n' >"$T/plain.txt"

SUBJECT='Rückmeldung zum Angebot — Fragen über Fragen, und eine sehr lange Betreffzeile ✓ 日本語'
UNAME='Jörg Müller'
LONGNAME='Jahresbericht über das Geschäftsjahr mit einem sehr langen Dateinamen — Übersicht.csv'

compose_full() {
    "${ENVOI_CMD[@]}" send --dry-run \
        --from "$UNAME <joerg@example.org>" \
        --to 'bob@example.org' --to '"Doe, Jane" <jane@example.org>' \
        --cc 'Carol <carol@example.org>' --bcc 'hidden@example.org' \
        --reply-to 'Replies <replies@example.org>' \
        --subject "$SUBJECT" --text "$T/body.txt" --html "$T/body.html" \
        --attach "$T/random.bin;name=data.bin;type=application/octet-stream" \
        --attach "$T/table.csv;name=$LONGNAME;type=text/csv" \
        --attach "$T/empty.dat" \
        --inline "$T/logo.png;cid=logo@example.org;type=image/png" \
        --header 'X-Custom: value' --priority high --read-receipt \
        --message-id 'roundtrip.1@example.org' --in-reply-to 'parent@example.org' \
        --references 'root@example.org parent@example.org'
}

assert_exit 0 "full message composed (dry run)" compose_full
cp "$T/.out" "$T/full.eml"
assert_exit 0 "full message parsed" "$ENVOI" parse --json "$T/full.eml"
printf '%s\n' "$OUT" >"$T/full.json"
run_checker "${ROUNDTRIP[@]}" "$T/full.json" --label full \
    --subject "$SUBJECT" --from "$UNAME|joerg@example.org" \
    --to '|bob@example.org' --to 'Doe, Jane|jane@example.org' \
    --cc 'Carol|carol@example.org' --reply-to 'Replies|replies@example.org' \
    --message-id 'roundtrip.1@example.org' --text "$T/body.txt" --html "$T/body.html" \
    --attach "data.bin|$T/random.bin|application/octet-stream" \
    --attach "$LONGNAME|$T/table.csv|text/csv" \
    --attach "empty.dat|$T/empty.dat" \
    --inline "logo@example.org|$T/logo.png|image/png" --parts 6
assert_not_contains "full: Bcc is not in the message" "$OUT" "hidden@example.org"

run_stdin "$T/full.eml" "$ENVOI" parse --json -
assert_eq "full message from standard input: the same object" "$(cat "$T/full.json")" "$OUT"

# ---- simpler shapes ---------------------------------------------------------------------
assert_exit 0 "text-only message composed" "${ENVOI_CMD[@]}" send --dry-run \
    --from a@example.org --to b@example.org --subject 'plain' --text "$T/plain.txt"
cp "$T/.out" "$T/plain.eml"
assert_exit 0 "text-only message parsed" "$ENVOI" parse --json "$T/plain.eml"
printf '%s\n' "$OUT" >"$T/plain.json"
run_checker "${ROUNDTRIP[@]}" "$T/plain.json" --label text-only --subject plain \
    --from '|a@example.org' --to '|b@example.org' --text "$T/plain.txt" --no-html --parts 1
assert_contains "text-only: the body is part 1" "$OUT" '"path":"1"'

assert_exit 0 "HTML-only message composed" "${ENVOI_CMD[@]}" send --dry-run \
    --from a@example.org --to b@example.org --subject 'html' --html "$T/body.html"
cp "$T/.out" "$T/html.eml"
assert_exit 0 "HTML-only message parsed" "$ENVOI" parse --json "$T/html.eml"
printf '%s\n' "$OUT" >"$T/html.json"
run_checker "${ROUNDTRIP[@]}" "$T/html.json" --label html-only --subject html \
    --html "$T/body.html" --no-text --parts 1

assert_exit 0 "attachments-only message composed" "${ENVOI_CMD[@]}" send --dry-run \
    --from a@example.org --to b@example.org --subject 'files' \
    --attach "$T/random.bin" --attach "$T/table.csv;name=t.csv"
cp "$T/.out" "$T/files.eml"
assert_exit 0 "attachments-only message parsed" "$ENVOI" parse --json "$T/files.eml"
printf '%s\n' "$OUT" >"$T/files.json"
run_checker "${ROUNDTRIP[@]}" "$T/files.json" --label attachments-only --subject files \
    --attach "random.bin|$T/random.bin" --attach "t.csv|$T/table.csv" --no-html

finish
