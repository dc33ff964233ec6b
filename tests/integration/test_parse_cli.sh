#!/bin/bash
# envoi parse as a command: a message file, standard input, an mbox (one JSON object per
# message, ">From " unquoted), a maildir (cur/ then new/), several inputs in one run, the
# readable outline (control characters escaped), and the exit codes of bad input and usage.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

msg() { # SUBJECT BODY
    printf 'From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: %s\nDate: Sat, 21 Nov 2026 22:07:17 +0100\nMessage-ID: <%s@example.org>\n\n%s\n' \
        "$1" "${1// /-}" "$2"
}
json_field() { # FIELD (reads JSON lines on stdin, prints FIELD of each)
    "${PY[@]}" -c 'import json, sys
for line in sys.stdin:
    print(json.loads(line)[sys.argv[1]])' "$1"
}

msg one 'first body' >"$T/one.eml"
run "$ENVOI" parse --json "$T/one.eml"
assert_eq "a message file: exit 0" 0 "$RC"
assert_eq "a message file: one line" 1 "$(grep -c . <<<"$OUT")"
assert_eq "a message file: subject" one "$(json_field subject <<<"$OUT")"
assert_eq "a message file: date in UTC" 2026-11-21T21:07:17Z "$(json_field date <<<"$OUT")"
assert_eq "a message file: message id" one@example.org "$(json_field message_id <<<"$OUT")"

run_stdin "$T/one.eml" "$ENVOI" parse --json -
assert_eq "standard input: the same object" "$("$ENVOI" parse --json "$T/one.eml")" "$OUT"

# ---- mbox -------------------------------------------------------------------------------
{
    printf 'From ann@example.org Sat Nov 21 22:07:17 2026\n'
    msg 'first' 'body one'
    printf '\nFrom bob@example.org Sat Nov 21 22:08:17 2026\n'
    msg 'second' '>From here on, quoted'
    printf '\nFrom carol@example.org Sat Nov 21 22:09:17 2026\n'
    msg 'third' 'body three'
} >"$T/box.mbox"
run "$ENVOI" parse --json "$T/box.mbox"
assert_eq "an mbox: exit 0" 0 "$RC"
assert_eq "an mbox: one object per message" "first second third" \
    "$(json_field subject <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
assert_contains "an mbox: >From is unquoted" "$(json_field text <<<"$OUT")" "From here on, quoted"
run_stdin "$T/box.mbox" "$ENVOI" parse --json -
assert_eq "an mbox on standard input: three objects" 3 "$(grep -c . <<<"$OUT")"

# ---- maildir ----------------------------------------------------------------------------
mkdir -p "$T/Maildir/cur" "$T/Maildir/new" "$T/Maildir/tmp"
msg 'cur b' x >"$T/Maildir/cur/1700000002.M2.host:2,S"
msg 'cur a' x >"$T/Maildir/cur/1700000001.M1.host:2,S"
msg 'new c' x >"$T/Maildir/new/1700000003.M3.host"
msg 'in tmp' x >"$T/Maildir/tmp/1700000004.M4.host"
run "$ENVOI" parse --json "$T/Maildir"
assert_eq "a maildir: cur/ then new/, in name order, tmp/ skipped" "cur a|cur b|new c" \
    "$(json_field subject <<<"$OUT" | paste -sd '|')"
mkdir -p "$T/not-a-maildir"
assert_exit 66 "a directory that is no maildir" "$ENVOI" parse "$T/not-a-maildir"

# ---- several inputs, one unreadable -------------------------------------------------------
run "$ENVOI" parse --json "$T/one.eml" "$T/missing.eml" "$T/box.mbox"
assert_eq "a missing file among others: exit 66" 66 "$RC"
assert_eq "a missing file among others: the others are read" 4 "$(grep -c . <<<"$OUT")"
assert_contains "a missing file among others: named" "$ERR" "missing.eml"
assert_exit 0 "options may follow the files" "$ENVOI" parse "$T/one.eml" --json
assert_eq "options after the files: JSON" one "$(json_field subject <<<"$OUT")"

# ---- the outline ------------------------------------------------------------------------
{
    printf 'From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: evil \x1b]0;pwned\x07 title\n'
    printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n'
    printf -- '--b\nContent-Type: text/plain; charset=utf-8\n\nhello\n'
    printf -- '--b\nContent-Type: application/pdf; name=r.pdf\nContent-Disposition: attachment; filename=r.pdf\n'
    printf 'Content-Transfer-Encoding: base64\n\naGVsbG8=\n--b\n'
} >"$T/outline.eml"
assert_exit 0 "the outline" "$ENVOI" parse "$T/outline.eml"
assert_contains "outline: From" "$OUT" "From: Ann <ann@example.org>"
assert_contains "outline: To" "$OUT" "To: bob@example.org"
assert_contains "outline: the subject, control characters escaped" "$OUT" 'evil \x1b]0;pwned\x07 title'
assert_not_contains "outline: no raw escape reaches the terminal" "$OUT" $'\x1b'
assert_contains "outline: the multipart" "$OUT" "multipart/mixed"
assert_contains "outline: the attachment with its name and size" "$OUT" \
    '2 application/pdf  attachment  "r.pdf"  5 bytes'
assert_contains "outline: the defects" "$OUT" "Defects:"

# ---- usage ------------------------------------------------------------------------------
assert_exit 64 "no file" "$ENVOI" parse
assert_exit 64 "an unknown option" "$ENVOI" parse --bogus "$T/one.eml"
assert_exit 66 "a missing file" "$ENVOI" parse "$T/missing.eml"
assert_exit 0 "parse --help" "$ENVOI" parse --help
assert_contains "help: JSON Lines" "$OUT" "one per line"
assert_exit 0 "envoi help parse" "$ENVOI" help parse
assert_exit 0 "envoi --help lists parse and extract" "$ENVOI" --help
assert_contains "envoi --help: parse" "$OUT" "parse "
assert_contains "envoi --help: extract" "$OUT" "extract "
finish
