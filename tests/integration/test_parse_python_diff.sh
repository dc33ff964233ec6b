#!/bin/bash
# Differential test: envoi parse --json against Python's email package (policy.default) on the
# msg_*.txt messages of Python's own test data (Debian: libpython3.11-testsuite). Same decoded
# subject, From and To addresses, and leaf parts (content type, SHA-256 of the decoded bytes).
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


# Messages where envoi reads differently from Python on purpose, and why. Each difference is
# still printed (as comments) when the test runs.
shared_boundary="a nested multipart reuses its parent's boundary: envoi gives the parts that follow to the inner multipart, as the sender meant; Python leaves the inner multipart empty (a leaf of type multipart) and makes its parts siblings"
no_boundary_seen="the multipart's boundary never appears: envoi keeps its body as the preamble of a multipart without parts (as mime4j's corpus expects, missing-boundary.msg) with a boundary-not-found defect; Python makes the body a leaf of type multipart"
no_boundary_param="a multipart without a boundary parameter cannot hold parts: envoi reads its body as text/plain (same bytes) with a missing-boundary-parameter defect; Python keeps the type multipart on the leaf"
delivery_status="message/delivery-status (RFC 3464) is a block of status fields, not an embedded message: envoi keeps it as one leaf with its bytes; Python parses each field group as a message of its own (empty text/plain leaves)"
ALLOW=(
    "msg_15=$shared_boundary"
    "msg_16=$delivery_status"
    "msg_17=$no_boundary_seen"
    "msg_25=$no_boundary_param (the boundary parameter is cut off: '; bo' on a folded line)"
    "msg_31=$no_boundary_seen (the header says BOUNDARY_, the delimiters use BOUNDARY)"
    "msg_36=message/external-body points at data stored elsewhere and is not an embedded message: envoi keeps it as one leaf holding the access headers; Python descends into it as if it were one"
    "msg_37=consecutive delimiter lines enclose empty parts: envoi keeps each as an empty text/plain part (as mime4j's corpus expects, multipartemptypart.msg); Python drops them"
    "msg_39=$shared_boundary"
    "msg_41=$no_boundary_param"
    "msg_42=$no_boundary_seen (in the embedded message: '--BBB--' without an opening delimiter)"
    "msg_43=$delivery_status"
)

DATA=$("${PY[@]}" -c 'import os, test.test_email as t; print(os.path.dirname(t.__file__) + "/data")' \
    2>/dev/null) || DATA=
if [[ -z $DATA || ! -d $DATA ]]; then
    fail "Python's email test data present" "install libpython3.11-testsuite (scripts/deps)"
    finish
fi
echo "# test data: $DATA"
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
run_long_checker "${PY[@]}" "$HERE/parse_diff.py" "$ENVOI" --data "$DATA" "${allow_args[@]}"
finish
