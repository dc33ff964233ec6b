#!/bin/bash
# envoi extract on a message whose attachment names attack the file system: path traversal with
# / and \ (also RFC 2231 encoded), absolute paths, "..", hidden files, control characters, very
# long and duplicate names. Nothing is written outside DIR, no file is overwritten (nor written
# through a symbolic link), each saved file holds the decoded bytes; exit codes for bad input.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

BOX=$T/box          # everything a traversal could reach
OUTDIR=$BOX/a/b/out # where extract writes
mkdir -p "$BOX/a/b"
printf 'victim\n' >"$BOX/victim"
long=$(printf 'L%.0s' {1..300})
esc=$'\x1b'

# One attachment part: NAME_PARAMS are the Content-Disposition parameters, BODY the bytes.
part() { # CONTENT_TYPE DISPOSITION BODY
    printf -- '--BOUNDARY\r\nContent-Type: %s\r\nContent-Disposition: %s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n' \
        "$1" "$2" "$(printf '%s' "$3" | base64 -w 76)"
}
{
    printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: hostile names\r\n'
    printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="BOUNDARY"\r\n\r\n'
    printf -- '--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nthe body, not saved\r\n'
    part application/octet-stream 'attachment; filename="../../etc/passwd"' 'traversal-slash'
    part application/octet-stream 'attachment; filename="..\\..\\victim"' 'traversal-backslash'
    part application/octet-stream 'attachment; filename="/abs/path/x.sh"' 'absolute'
    part application/pdf 'attachment; filename=".."' 'dotdot'
    part text/plain "attachment; filename*=utf-8''%2E%2E%2F%2E%2E%2Fencoded.txt" 'rfc2231'
    part text/plain 'attachment; filename="=?utf-8?q?=2E=2E=2Fsneaky=2Etxt?="' 'rfc2047'
    part text/plain 'attachment; filename=".htaccess"' 'hidden'
    part text/plain "attachment; filename=\"a${esc}[31mred.txt\"" 'control'
    part text/plain 'attachment; filename="same.txt"' 'same-1'
    part text/plain 'attachment; filename="same.txt"' 'same-2'
    part application/octet-stream "attachment; filename=\"$long.bin\"" 'long'
    part text/plain $'attachment; filename="R\xc3\xa9sum\xc3\xa9.txt"' 'utf8'
    part image/png 'inline; filename="pic.png"' 'inline-named'
    printf -- '--BOUNDARY\r\nContent-Type: image/gif\r\nContent-ID: <nameless@x>\r\n'
    printf 'Content-Disposition: inline\r\n\r\nGIF89a\r\n'
    printf -- '--BOUNDARY--\r\n'
} >"$T/hostile.eml"

# A symbolic link where the first file would go: it must not be written through.
mkdir -p "$OUTDIR"
ln -s "$BOX/victim" "$OUTDIR/passwd"

assert_exit 0 "extract the hostile message" "$ENVOI" extract "$T/hostile.eml" --dir "$OUTDIR"
listing=$OUT

# ---- nothing outside DIR ----------------------------------------------------------------
outside=$(find "$BOX" -path "$OUTDIR" -prune -o -type f -print | sort)
assert_eq "nothing written outside DIR" "$BOX/victim" "$outside"
assert_eq "the symlink target is unchanged" "victim" "$(cat "$BOX/victim")"
assert_eq "nothing created in DIR's subdirectories" "" \
    "$(find "$OUTDIR" -mindepth 1 -type d)"
assert_eq "no file name starts with a dot" "" "$(find "$OUTDIR" -name '.*')"
assert_eq "no control character in a name" "" \
    "$(find "$OUTDIR" -name "*[[:cntrl:]]*")"

# ---- names and contents -----------------------------------------------------------------
saved_as() { # NAME CONTENT
    if [[ -f $OUTDIR/$1 && $(cat "$OUTDIR/$1") == "$2" ]]; then
        pass "saved as '$1'"
    else
        fail "saved as '$1'" "content: $2" "files: $(find "$OUTDIR" -mindepth 1 -printf '%f|')"
    fi
}
saved_as 'passwd (1)' traversal-slash
saved_as 'victim' traversal-backslash
saved_as 'x.sh' absolute
saved_as 'part-5.pdf' dotdot
saved_as 'encoded.txt' rfc2231
saved_as 'htaccess' hidden
control_saved=$(grep -rlx control "$OUTDIR")
assert_matches "the name with an escape sequence is saved without it" \
    "$(basename "$control_saved")" '^a_?\[31mred\.txt$'
saved_as 'same.txt' same-1
saved_as 'same (1).txt' same-2
saved_as 'Résumé.txt' utf8
saved_as 'pic.png' inline-named
long_saved=$(find "$OUTDIR" -name 'LLLL*')
assert_eq "a very long name is cut to 200 bytes with its extension" \
    "$(printf 'L%.0s' {1..196}).bin" "$(basename "$long_saved")"
assert_eq "the RFC 2047 name is saved in DIR" "1" \
    "$(grep -rlx rfc2047 "$OUTDIR" | grep -c .)"
assert_eq "the body and the nameless inline part are not saved" 13 "$(count_files "$OUTDIR")"
assert_eq "each saved path is printed" 13 "$(grep -c . <<<"$listing")"
assert_contains "printed paths are under DIR" "$listing" "$OUTDIR/same (1).txt"

# ---- a second run never overwrites --------------------------------------------------------
assert_exit 0 "extract again into the same DIR" "$ENVOI" extract "$T/hostile.eml" --dir "$OUTDIR"
assert_eq "the second run adds copies" 26 "$(count_files "$OUTDIR")"
saved_as 'same.txt' same-1
saved_as 'same (2).txt' same-1
saved_as 'same (3).txt' same-2

# ---- --json and standard input ----------------------------------------------------------
run_stdin "$T/hostile.eml" "$ENVOI" extract - --dir "$T/json-out" --json
assert_eq "extract from standard input with --json (exit)" 0 "$RC"
json=$OUT
check_json() {
    "${PY[@]}" - "$json" "$T/json-out" <<'PYEOF'
import hashlib, json, os, sys
doc = json.loads(sys.argv[1])
assert doc["dir"] == sys.argv[2], doc["dir"]
assert len(doc["files"]) == 13, len(doc["files"])
for f in doc["files"]:
    assert set(f) == {"path", "part", "filename", "content_type", "size", "sha256"}, f
    with open(f["path"], "rb") as fh:
        data = fh.read()
    assert os.path.dirname(f["path"]) == sys.argv[2], f["path"]
    assert f["size"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest(), f
first = doc["files"][0]
assert first["filename"] == "../../etc/passwd" and first["part"] == "2", first
PYEOF
}
if err=$(check_json 2>&1); then
    pass "--json lists each file with part, name, type, size and sha256"
else
    fail "--json lists each file with part, name, type, size and sha256" "$err" "$json"
fi

# ---- exit codes -------------------------------------------------------------------------
assert_exit 66 "a missing message file" "$ENVOI" extract "$T/missing.eml" --dir "$T/x"
assert_contains "missing file: named" "$ERR" "missing.eml"
assert_exit 66 "a directory as the message" "$ENVOI" extract "$T" --dir "$T/x"
printf 'plain file\n' >"$T/a-file"
assert_exit 73 "DIR under a regular file cannot be made" "$ENVOI" extract "$T/hostile.eml" \
    --dir "$T/a-file/sub"
assert_exit 73 "DIR is a regular file" "$ENVOI" extract "$T/hostile.eml" --dir "$T/a-file"
assert_exit 64 "no --dir" "$ENVOI" extract "$T/hostile.eml"
assert_exit 64 "no message file" "$ENVOI" extract --dir "$T/x"
assert_exit 64 "an unknown option" "$ENVOI" extract "$T/hostile.eml" --dir "$T/x" --bogus
assert_exit 64 "two message files" "$ENVOI" extract "$T/hostile.eml" "$T/hostile.eml" --dir "$T/x"
assert_exit 0 "extract --help" "$ENVOI" extract --help
assert_contains "help names --dir" "$OUT" "--dir DIR"
finish
