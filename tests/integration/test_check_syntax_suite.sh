#!/bin/bash
# The syntax level of the address checks against a public test suite: Dominic Sayers' isemail
# cases (tests.json of the npm package isemail 1.2.0, fetched with npm into the build directory,
# never copied into the repository). Each case's expected verdict (valid for SMTP: a diagnosis
# below isemail's threshold 16) is compared with envoi's, and the differences must be exactly
# the ones docs/address-syntax.md lists with their reasons, so a regression fails.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$ENVOI_TESTS/.." && pwd)
BUILD=${ENVOI_BUILD:-$ROOT/build}
DOC=$ROOT/docs/address-syntax.md
SUITE_DIR=$BUILD/isemail-suite
SUITE_VERSION=1.2.0

# The driver, built with the build's own compiler and sanitizers against its libenvoi.so.
cache_value() { # NAME
    sed -n "s/^$1:[A-Z]*=//p" "$BUILD/CMakeCache.txt"
}
CC_BUILD=$(cache_value CMAKE_C_COMPILER)
[[ -x $CC_BUILD ]] || CC_BUILD=cc
SAN=()
[[ $(cache_value ENVOI_SANITIZE) == ON ]] && SAN=("-fsanitize=address,undefined" -fno-omit-frame-pointer)
require "the syntax driver builds against $BUILD/lib/libenvoi.so" \
    "$CC_BUILD" -std=c11 -Wall -Wextra -Wpedantic -Werror "${SAN[@]}" -I"$ROOT/include" \
    -I"$BUILD/include" "$ROOT/tests/tools/check_syntax.c" -o "$T/check_syntax" \
    -L"$BUILD/lib" -lenvoi -Wl,-rpath,"$BUILD/lib"

fetch_suite() {
    [[ -f $SUITE_DIR/package/test/tests.json ]] && return 0
    rm -rf "$SUITE_DIR" && mkdir -p "$SUITE_DIR" || return 1
    (cd "$SUITE_DIR" && npm pack --silent "isemail@$SUITE_VERSION" >"$T/npm.log" 2>&1 &&
        tar xzf "isemail-$SUITE_VERSION.tgz") || return 1
    [[ -f $SUITE_DIR/package/test/tests.json ]]
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    fail "node and npm present (scripts/deps installs them)"
    finish
fi
if ! fetch_suite; then
    fail "isemail@$SUITE_VERSION fetched from npm" "$(tail -5 "$T/npm.log" 2>/dev/null)"
    finish
fi
pass "isemail@$SUITE_VERSION fetched from npm, with its test cases"

# The diagnoses' numbers from the package itself (the cases name them).
require "isemail's diagnoses read with node" bash -c \
    "cd '$SUITE_DIR/package' && node -e 'process.stdout.write(JSON.stringify(require(\"./lib/isemail\").diagnoses))' >'$T/diagnoses.json'"

"${PY[@]}" - "$SUITE_DIR/package/test/tests.json" "$T/diagnoses.json" "$T/check_syntax" "$DOC" \
    "$T" <<'PYEOF' >"$T/py.log" 2>&1
import json, re, subprocess, sys
tests_file, diag_file, driver, doc, out = sys.argv[1:6]
cases = json.load(open(tests_file, encoding="utf-8"))
diag = json.load(open(diag_file, encoding="utf-8"))
feed = "".join(a.encode("utf-8").hex() + "\n" for a, _ in cases)
proc = subprocess.run([driver], input=feed.encode(), capture_output=True, timeout=120)
lines = proc.stdout.decode("utf-8", "replace").splitlines()
if proc.returncode != 0 or len(lines) != len(cases):
    sys.exit(f"driver failed: exit {proc.returncode}, {len(lines)} verdicts for {len(cases)} "
             f"cases; {proc.stderr.decode(errors='replace')[-2000:]}")
found, details = [], {}
for (address, name), line in zip(cases, lines):
    verdict, _, reason = line.partition("\t")
    expected = "valid" if diag[name] < 16 else "invalid"
    got = "valid" if verdict == "valid" else "invalid"
    if expected != got:
        key = f"{json.dumps(address, ensure_ascii=False)} {got}"
        found.append(key)
        details[key] = f"isemail: {name}; envoi: {verdict}: {reason}"
documented, missing_reason = [], []
row = re.compile(r"^\|\s*(`+)\s?(.*?)\s?\1\s*\|\s*(valid|invalid)\s*\|\s*(\S[^|]*?)\s*\|\s*(.*?)\s*\|\s*$")
for text in open(doc, encoding="utf-8"):
    m = row.match(text)
    if m:
        key = f"{json.dumps(json.loads(m.group(2)), ensure_ascii=False)} {m.group(3)}"
        documented.append(key)
        if not m.group(5):
            missing_reason.append(key)
open(f"{out}/found", "w", encoding="utf-8").write("".join(k + "\n" for k in sorted(found)))
open(f"{out}/documented", "w", encoding="utf-8").write("".join(k + "\n" for k in sorted(documented)))
open(f"{out}/details", "w", encoding="utf-8").write(
    "".join(f"{k}  ({details[k]})\n" for k in sorted(found)))
open(f"{out}/no_reason", "w", encoding="utf-8").write("".join(k + "\n" for k in missing_reason))
print(len(cases))
PYEOF
rc=$?
if ((rc != 0)); then
    fail "every isemail case checked by envoi's syntax level" "$(tail -5 "$T/py.log")"
    finish
fi
COUNT=$(tail -1 "$T/py.log")
assert_matches "the suite has its ~185 cases" "$COUNT" '^1[5-9][0-9]$'
assert_matches "docs/address-syntax.md lists differences" "$(wc -l <"$T/documented")" '^[1-9][0-9]*$'
assert_eq "every documented difference has a reason" "" "$(cat "$T/no_reason")"
if diff -u "$T/documented" "$T/found" >"$T/diff"; then
    pass "the differences with isemail are exactly the $(wc -l <"$T/found") of docs/address-syntax.md"
else
    fail "the differences with isemail are exactly those of docs/address-syntax.md" \
        "--- documented, +++ found now:" "$(tail -n +3 "$T/diff")" "details:" "$(cat "$T/details")"
fi
# A few verdicts the table depends on, named.
VERDICTS=$(printf '%s\n' "$(printf 'test@iana.org' | od -An -tx1 | tr -d ' \n')" \
    "$(printf 'test@io' | od -An -tx1 | tr -d ' \n')" | "$T/check_syntax")
assert_contains "test@iana.org is valid" "$VERDICTS" "valid	"
assert_contains "test@io: a top-level domain is not a mail domain" "$VERDICTS" \
    "syntax	the domain io is a top-level domain, not a mail domain"
finish
