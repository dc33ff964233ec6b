#!/bin/bash
# envoid's dashboard: the page at / (public, under a strict Content-Security-Policy), the
# capture mailbox endpoints (list, parsed message, sandboxed HTML, attachment download with a
# safe name), a message's source; then the page itself driven in headless Chromium
# (tests/dashboard/dashboard_test.js with playwright-core): token, counts, list, search, a
# message's history, a captured HTML body whose script must not run, an attachment, retry of
# a failed message; screenshots kept in $ENVOI_BUILD/artifacts.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ENVOI_BUILD=${ENVOI_BUILD:-$ENVOI_TESTS/../build}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ARTIFACTS=$ENVOI_BUILD/artifacts
require_envoid
export XDG_CONFIG_HOME=$T/xdg

jf() { # JSON EXPR
    "${PY[@]}" -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

AUTH=()
api() { # PATH [CURL ARGS...]
    local path=$1
    shift
    curl -s --max-time 30 "${AUTH[@]}" "$@" "http://127.0.0.1:$PORT$path"
}

submit_json() { # JSON -> prints the id
    api /v1/messages -H 'Content-Type: application/json' --data-binary "$1" |
        { read -r body; jf "$body" 'd["id"]'; }
}

submit_raw() { # FILE -> prints the id
    api "/v1/messages?from=ann@example.org&to=bob@example.org" \
        -H 'Content-Type: message/rfc822' --data-binary "@$1" | { read -r body; jf "$body" 'd["id"]'; }
}

# The status of a message once it is no longer pending (or "pending" after 60 s).
final_status() { # ID
    local status=pending body
    for _ in $(seq 600); do
        body=$(api "/v1/messages/$1")
        status=$(jf "$body" 'd["status"]')
        [[ $status != pending ]] && break
        sleep 0.1
    done
    echo "$status"
}

SPOOL=$T/spool
TOKEN=dashboard-token-$RANDOM$RANDOM$RANDOM
printf '%s\n' "$TOKEN" >"$T/token"
chmod 600 "$T/token"

# --- a failed message: the spool first served with a relay that refuses every recipient --------
FAULT_PORT=$(free_port)
require "a relay refusing every recipient" start_fault_server "$T/fault" "$FAULT_PORT" refuse-all
PORT=$(free_port)
cat >"$T/refuse.conf" <<EOF
[account refuser]
server = 127.0.0.1:$FAULT_PORT
security = none


[spool]
dir = $SPOOL
listen = 127.0.0.1:$PORT
relay = refuser
workers = 1
token-file = $T/token
EOF
AUTH=(-H "Authorization: Bearer $TOKEN")
require "envoid with the refusing relay" start_envoid "$T/refuse.log" "$PORT" --config "$T/refuse.conf"
ERROR_ID=$(submit_json '{"from":"ann@example.org","to":["nobody@example.org"],"subject":"refused by the relay","text":"this one fails"}')
assert_matches "the message to fail is accepted" "$ERROR_ID" '^[0-9a-z]+$'
assert_eq "the relay's 550 makes it an error" error "$(final_status "$ERROR_ID")"
# Its delivery status notification goes the same way: nothing left pending before the switch.
for _ in $(seq 300); do
    [[ $(jf "$(api /v1/stats)" 'd["pending"]') == 0 ]] && break
    sleep 0.1
done
stop_envoid "$ENVOID_PID"
assert_eq "that envoid stops with exit 0" 0 "$EXIT_STATUS"

# --- the same spool with no relay: the capture mailbox ---------------------------------------------
PORT=$(free_port)
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nworkers = 2\ntoken-file = %s\n' \
    "$SPOOL" "$PORT" "$T/token" >"$T/capture.conf"
require "envoid with the capture mailbox" start_envoid "$T/capture.log" "$PORT" \
    --config "$T/capture.conf"

PLAIN_ID=$(submit_json '{"from":"ann@example.org","to":["bob@example.org"],"subject":"Quarterly figures","text":"numbers attached later"}')
HTML_ID=$(submit_json '{"from":"ann@example.org","to":["bob@example.org"],"subject":"An HTML newsletter","text":"plain version","html":"<h1>Newsletter</h1><p id=\"m\">captured html</p><script>document.getElementById(\"m\").textContent=\"PWNED\";try{parent.document.body.dataset.pwned=\"script\"}catch(e){}window.pwned=1</script><img src=\"x\" onerror=\"document.body.dataset.pwned=&quot;img&quot;\">"}')
ATTACH_FILE=$T/attach.eml
ATTACH_BYTES='%PDF-1.4 a small document'
{
    printf 'From: Ann <ann@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: The report, attached\r\n'
    printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    printf -- '--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe report is attached.\r\n'
    printf -- '--b1\r\nContent-Type: application/pdf; name="r\xc3\xa9port.pdf"\r\n'
    printf 'Content-Disposition: attachment; filename="../../etc/r\xc3\xa9port.pdf"\r\n'
    printf 'Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b1--\r\n' \
        "$(printf '%s' "$ATTACH_BYTES" | base64 -w0)"
} >"$ATTACH_FILE"
ATTACH_ID=$(submit_raw "$ATTACH_FILE")
for id in "$PLAIN_ID" "$HTML_ID" "$ATTACH_ID"; do
    assert_eq "message $id is delivered to the capture mailbox" sent "$(final_status "$id")"
done

# --- the endpoints, from the outside ----------------------------------------------------------------
HEADERS=$(curl -s -D - -o "$T/page.html" "http://127.0.0.1:$PORT/")
assert_contains "GET / serves the page without the token" "$HEADERS" "200 OK"
assert_contains "as HTML" "$HEADERS" "Content-Type: text/html"
assert_matches "under a policy allowing only its own script" "$HEADERS" \
    "Content-Security-Policy: default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+';"
assert_contains "that no other site may frame" "$HEADERS" "frame-ancestors 'none'"
assert_not_contains "the page names no other site" "$(cat "$T/page.html")" "://"
assert_eq "the API still wants the token" 401 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/capture")"

LIST=$(api /v1/capture)
assert_eq "the capture mailbox lists the three messages" 3 "$(jf "$LIST" 'd["total"]')"
assert_eq "newest first" "$ATTACH_ID" "$(jf "$LIST" 'd["messages"][0]["id"]')"
SHOW=$(api "/v1/capture/$HTML_ID")
assert_eq "a captured message is parsed: its subject" "An HTML newsletter" "$(jf "$SHOW" 'd["subject"]')"
assert_eq "its text body" "plain version" "$(jf "$SHOW" 'd["text"].strip()')"
assert_contains "its HTML body, as data" "$(jf "$SHOW" 'd["html"]')" "<script>"
HEADERS=$(curl -s -D - -o "$T/body.html" "${AUTH[@]}" "http://127.0.0.1:$PORT/v1/capture/$HTML_ID/html")
assert_contains "the HTML body alone is served sandboxed" "$HEADERS" \
    "Content-Security-Policy: sandbox; default-src 'none'"
SHOW=$(api "/v1/capture/$ATTACH_ID")
assert_eq "the attachment is listed" "../../etc/réport.pdf" "$(jf "$SHOW" 'd["attachments"][0]["filename"]')"
assert_eq "with a name to save it under" "réport.pdf" "$(jf "$SHOW" 'd["attachments"][0]["save_as"]')"
HEADERS=$(curl -s -D - -o "$T/attachment" "${AUTH[@]}" \
    "http://127.0.0.1:$PORT/v1/capture/$ATTACH_ID/attachments/0")
assert_contains "it downloads as an attachment with a safe name" "$HEADERS" \
    "Content-Disposition: attachment; filename=\"r_port.pdf\"; filename*=UTF-8''r%C3%A9port.pdf"
assert_contains "as bytes, never rendered" "$HEADERS" "Content-Type: application/octet-stream"
assert_eq "its decoded bytes" "$ATTACH_BYTES" "$(cat "$T/attachment")"
assert_eq "a second attachment that is not there is 404" 404 "$(api \
    "/v1/capture/$ATTACH_ID/attachments/1" -o /dev/null -w '%{http_code}')"
assert_eq "an unknown captured id is 404" 404 "$(api /v1/capture/zzzz -o /dev/null -w '%{http_code}')"
assert_contains "a message's source" "$(api "/v1/messages/$PLAIN_ID/source")" \
    "Subject: Quarterly figures"

# --- the page in headless Chromium -----------------------------------------------------------------
NODE_DIR=$ENVOI_BUILD/node
install_playwright() {
    [[ -d $NODE_DIR/node_modules/playwright-core ]] && return 0
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && npm install --no-save --no-audit --no-fund playwright-core@1 >"$T/npm.log" 2>&1)
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    fail "node and npm present (scripts/deps installs them)"
elif [[ ! -x $CHROMIUM ]]; then
    fail "chromium present at $CHROMIUM (scripts/deps installs it)"
elif ! install_playwright; then
    fail "playwright-core installed from npm" "$(tail -5 "$T/npm.log")"
else
    mkdir -p "$ARTIFACTS"
    NODE_PATH=$NODE_DIR/node_modules ENVOID_URL="http://127.0.0.1:$PORT/" ENVOID_TOKEN=$TOKEN \
        DASH_PLAIN_ID=$PLAIN_ID DASH_PLAIN_SEARCH=quarterly DASH_HTML_ID=$HTML_ID \
        DASH_ATTACH_ID=$ATTACH_ID DASH_ATTACH_NAME=réport.pdf DASH_ATTACH_SIZE=${#ATTACH_BYTES} \
        DASH_ERROR_ID=$ERROR_ID DASH_ARTIFACTS=$ARTIFACTS CHROMIUM=$CHROMIUM \
        timeout -k 5 240 node "$ENVOI_TESTS/dashboard/dashboard_test.js" >"$T/browser.out" 2>&1
    RC=$?
    sed 's/^/    /' "$T/browser.out"
    assert_eq "the browser run passes every check" 0 "$RC"
    assert_not_contains "no check failed in the browser" "$(cat "$T/browser.out")" "FAIL -"
    assert_file_exists "the screenshot is kept" "$ARTIFACTS/dashboard.png"
    echo "# screenshot: $ARTIFACTS/dashboard.png"
fi

assert_eq "the retried message went to the capture mailbox" sent "$(final_status "$ERROR_ID")"
stop_envoid "$ENVOID_PID"
assert_eq "envoid stops with exit 0" 0 "$EXIT_STATUS"
finish
