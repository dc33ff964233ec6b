#!/bin/bash
# envoi parse against the mime4j corpus (../shared/corpus/mime4j beside the repository): every
# message is parsed, and every decoded leaf body equals the NAME_decoded_*.txt|.bin file that
# NAME_decoded.xml places at the same part (compared by size and SHA-256).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

# Run a checker that prints "ok - ..." / "FAIL - ..." lines; count them. Unlike run_checker it
# allows the time a checker needs that runs envoi once per message (slow under sanitizers).
run_long_checker() { # CMD...
    local out rc line failed_before=$FAILED
    out=$(timeout -k 5 600 "$@" 2>&1)
    rc=$?
    while IFS= read -r line; do
        case $line in
        "ok - "*) PASSED=$((PASSED + 1)) ;;
        "FAIL - "*) FAILED=$((FAILED + 1)) ;;
        esac
        printf '%s\n' "$line"
    done <<<"$out"
    if ((rc != 0 && FAILED == failed_before)); then
        fail "checker ran: $(printf '%q ' "$@")" "exit $rc"
    fi
}


# The corpus lives in shared/, beside the repository's top directory.
find_corpus() {
    local top
    top=$(git -C "$ENVOI_TESTS" rev-parse --show-toplevel 2>/dev/null) || top=$ENVOI_TESTS/..
    local dir
    for dir in "$top/../shared/corpus/mime4j" "$ENVOI_TESTS/../../shared/corpus/mime4j" \
        /work/shared/corpus/mime4j; do
        if [[ -f $dir/basic-plain.msg ]]; then
            (cd "$dir" && pwd)
            return 0
        fi
    done
    return 1
}
CORPUS=$(find_corpus) || {
    fail "mime4j corpus present" "not found beside the repository (../shared/corpus/mime4j)"
    finish
}
echo "# corpus: $CORPUS"

# Messages where envoi reads differently from mime4j on purpose, and why. mime4j's expected
# bodies for malformed header blocks depend on its configuration: the same input
# (malformedHeader-nocrlfcrlf.msg and malformedHeaderStartsBody-nocrlfcrlf.msg are identical)
# has two different expected bodies, so no single reading can match both. envoi ends the header
# block at the first line that is not a header field and reads the rest as the body, as
# Python's email package does (the body is kept, with a missing-header-separator defect).
header_end='a line that is not a header field ends the header block and starts the body (as Python reads it); mime4j drops such lines as malformed fields'
ALLOW=(
    "basic-plain-with-bad-header-separator=a blank line holding a space ends the header block: the body starts after it (as Python reads it); mime4j takes it as a folded line and drops the following lines as malformed fields"
    "malformedHeader-nocrlfcrlf=$header_end"
    "malformedHeader-noheader=a message with no header field is all body (as Python reads it); mime4j's default mode drops its first lines as malformed fields"
    "malformedHeaderStartsBody-nocrlfcrlf=$header_end (mime4j's body-start mode still drops the AnotherHeader: line)"
    "malformedHeaderStartsBody-noheader=a message with no header field is all body (as Python reads it); mime4j drops its first line"
)

if ((${#ALLOW[@]})); then
    echo "# allowed differences:"
    for entry in "${ALLOW[@]}"; do
        echo "#   ${entry%%=*}: ${entry#*=}"
    done
fi
allow_args=()
for entry in "${ALLOW[@]}"; do
    allow_args+=(--allow "$entry")
done
run_long_checker "${PY[@]}" "$HERE/parse_mime4j.py" "$CORPUS" "$ENVOI" "${allow_args[@]}"
finish
