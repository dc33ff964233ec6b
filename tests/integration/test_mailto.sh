#!/bin/bash
# envoi mailto: links built from options (UTF-8, line breaks, reserved characters), parsed back
# as text and JSON, CR/LF and malformed links refused with their exit codes, and --open handing
# the link to xdg-open: a recording fake first on PATH gets exactly the link; with no xdg-open
# on PATH, or one that fails, the error says there is no mail program (exit 69).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

nl=$'\n'
cr=$'\r'

mailto() { # ARGS...
    "${ENVOI_CMD[@]}" mailto "$@"
}

# ---- building --------------------------------------------------------------------------------
assert_exit 0 "simple link" mailto --to sales@example.org --subject 'Price list, please'
assert_eq "simple link: printed" 'mailto:sales@example.org?subject=Price%20list,%20please' "$OUT"

assert_exit 0 "link with cc, bcc, UTF-8, line breaks and reserved characters" \
    mailto --to 'a@example.org, b@example.org' --cc 'Zoë <zoe@bücher.example>' \
    --bcc c@example.org --subject 'a&b=c?d#e%f' --body "line 1${nl}line 2${cr}${nl}end" \
    --header 'In-Reply-To: <id@example.org>'
assert_eq "full link: every field encoded" \
    'mailto:a@example.org,b@example.org?cc=Zo%C3%AB%20%3Czoe@b%C3%BCcher.example%3E&bcc=c@example.org&subject=a%26b%3Dc%3Fd%23e%25f&In-Reply-To=%3Cid@example.org%3E&body=line%201%0D%0Aline%202%0D%0Aend' \
    "$OUT"
LINK=$OUT

printf 'from a file\nsecond line\n' >"$T/body.txt"
assert_exit 0 "--body-file" mailto --to a@example.org --body-file "$T/body.txt"
assert_eq "--body-file: LF became %0D%0A" \
    'mailto:a@example.org?body=from%20a%20file%0D%0Asecond%20line%0D%0A' "$OUT"
run_stdin "$T/body.txt" "$ENVOI" mailto --to a@example.org --body-file -
assert_eq "--body-file - reads standard input" \
    'mailto:a@example.org?body=from%20a%20file%0D%0Asecond%20line%0D%0A' "$OUT"

assert_exit 0 "--json" mailto --to a@example.org --json
assert_eq "--json: the link" '{"uri":"mailto:a@example.org"}' "$OUT"

# ---- parsing ---------------------------------------------------------------------------------
assert_exit 0 "--parse the link built above" mailto --parse "$LINK"
assert_eq "--parse: header lines, an empty line, the body" \
    "To: a@example.org
To: b@example.org
Cc: Zoë <zoe@bücher.example>
Bcc: c@example.org
Subject: a&b=c?d#e%f
In-Reply-To: <id@example.org>

line 1
line 2
end" "$OUT"

assert_exit 0 "--parse an RFC 6068 example with --json" \
    mailto --parse 'mailto:user@%E7%B4%8D%E8%B1%86.example.org?subject=Test&body=NATTO' --json
assert_eq "--parse --json: the fields" \
    '{"to":["user@納豆.example.org"],"cc":[],"bcc":[],"subject":"Test","headers":[],"body":"NATTO"}' \
    "$OUT"

assert_exit 0 "--parse: lists joined, any case, unknown fields kept" \
    mailto --parse 'MAILTO:a@x.example?To=b@x.example&CC=c@x.example&from=evil@x.example' --json
assert_eq "--parse: joined lists" \
    '{"to":["a@x.example","b@x.example"],"cc":["c@x.example"],"bcc":[],"subject":null,"headers":[{"name":"from","value":"evil@x.example"}],"body":null}' \
    "$OUT"

assert_exit 0 "--parse: control characters of the body" \
    mailto --parse 'mailto:a@x.example?body=%1B%5B2Jcleared%09tab'
assert_eq "--parse: an escape in the body cannot drive the terminal" \
    "To: a@x.example

\\x1B[2Jcleared	tab" "$OUT"

# ---- bad data: 65, with the reason -----------------------------------------------------------
assert_exit 65 "LF in --subject" mailto --to a@example.org --subject "hi${nl}Bcc: v@example.org"
assert_matches "LF in --subject: says why" "$ERR" "subject.*line break"
assert_eq "LF in --subject: no link printed" "" "$OUT"
assert_exit 65 "CRLF in --to" mailto --to "a@example.org${cr}${nl}Bcc: v@example.org"
assert_matches "CRLF in --to: says why" "$ERR" "--to.*line break"
assert_exit 65 "LF in --header" mailto --to a@example.org --header "X-A: b${nl}Bcc: v"
assert_exit 65 "--parse: encoded CRLF in the subject" \
    mailto --parse 'mailto:a@x.example?subject=hi%0D%0ABcc:%20v@x.example'
assert_matches "--parse: CRLF refused with a reason" "$ERR" "subject holds a line break"
assert_exit 65 "--parse: malformed percent escape" mailto --parse 'mailto:a@x.example?subject=50%'
assert_matches "--parse: bad escape named" "$ERR" "bad percent escape at offset 29"
assert_exit 65 "--parse: not a mailto URI" mailto --parse 'https://example.org/'
assert_matches "--parse: says it must start with mailto:" "$ERR" "mailto:"
printf 'bad \377 byte\n' >"$T/latin1.txt"
assert_exit 65 "--body-file not UTF-8" mailto --to a@example.org --body-file "$T/latin1.txt"

# ---- usage: 64; missing file: 66 -------------------------------------------------------------
assert_exit 64 "no field at all" mailto
assert_matches "no field: says what to give" "$ERR" "nothing to put"
assert_exit 64 "unknown option" mailto --to a@example.org --nope
assert_exit 64 "--to without a value" mailto --to
assert_exit 64 "--body with --body-file" mailto --body a --body-file "$T/body.txt"
assert_exit 64 "--parse with --to" mailto --parse mailto:a@x.example --to b@x.example
assert_exit 64 "--header without a colon" mailto --header nocolon
assert_exit 66 "--body-file missing" mailto --to a@example.org --body-file "$T/missing.txt"
assert_matches "--body-file missing: names the file" "$ERR" "missing.txt"

# ---- help ------------------------------------------------------------------------------------
assert_exit 0 "--help" mailto --help
assert_contains "--help: an example of building" "$OUT" "envoi mailto --to"
assert_contains "--help: an example of parsing" "$OUT" "envoi mailto --parse"
assert_contains "--help: --open" "$OUT" "xdg-open"
run "$ENVOI" --help
assert_contains "envoi --help lists mailto" "$OUT" "mailto "

# ---- --open ----------------------------------------------------------------------------------
# A fake xdg-open, first on PATH, records its arguments one per line.
mkdir -p "$T/bin" "$T/failbin" "$T/empty"
cat >"$T/bin/xdg-open" <<EOF
#!/bin/sh
: >"$T/opened"
for arg in "\$@"; do printf '%s\n' "\$arg" >>"$T/opened"; done
exit 0
EOF
chmod +x "$T/bin/xdg-open"
printf '#!/bin/sh\nexit 3\n' >"$T/failbin/xdg-open"
chmod +x "$T/failbin/xdg-open"

open_with_path() { # PATH ARGS...
    local path=$1
    shift
    timeout -k 5 "$ENVOI_RUN_TIMEOUT" env PATH="$path" "$ENVOI" mailto "$@"
}

assert_exit 0 "--open with xdg-open on PATH" open_with_path "$T/bin:$PATH" \
    --to 'a@example.org' --subject 'Zoë & co' --body "hi${nl}there" --open
assert_eq "--open: xdg-open got exactly the link, as one argument" \
    'mailto:a@example.org?subject=Zo%C3%AB%20%26%20co&body=hi%0D%0Athere' "$(cat "$T/opened")"
assert_eq "--open: says so" \
    'opened with xdg-open: mailto:a@example.org?subject=Zo%C3%AB%20%26%20co&body=hi%0D%0Athere' \
    "$OUT"
rm -f "$T/opened"
assert_exit 0 "--open --json" open_with_path "$T/bin:$PATH" --to a@example.org --open --json
assert_eq "--open --json: opened true" '{"uri":"mailto:a@example.org","opened":true}' "$OUT"
assert_eq "--open --json: handed over" "mailto:a@example.org" "$(cat "$T/opened")"

rm -f "$T/opened"
assert_exit 69 "--open with no xdg-open on PATH" open_with_path "$T/empty" \
    --to a@example.org --open
assert_matches "no xdg-open: says there is no mail program" "$ERR" "no mail program.*xdg-open"
assert_eq "no xdg-open: the link is still printed" "mailto:a@example.org" "$OUT"
assert_exit 69 "--open when xdg-open fails" open_with_path "$T/failbin" --to a@example.org --open
assert_matches "xdg-open failing: says no handler is set up" "$ERR" \
    "xdg-open failed \(exit status 3\).*no mail program"
assert_exit 69 "--open --json with no xdg-open" open_with_path "$T/empty" \
    --to a@example.org --open --json
assert_matches "--open --json with no xdg-open: opened false and the error" "$OUT" \
    '"opened":false,"error":"no mail program'

finish
