#!/bin/bash
# OAuth 2.0 refresh tokens end to end: an HTTPS token endpoint on loopback (oauth_server.py)
# and Dovecot accepting its tokens through the oauth2 passdb. envoi send (submission), list and
# fetch (IMAP, POP3) get a token with the account's refresh token; the cache file (mode 0600)
# lets a second run reuse it (no new grant), a token about to expire is refreshed, a token the
# server refuses is replaced once, a refused grant exits 77, an endpoint whose certificate comes
# from an unknown CA is refused, envoid's relay delivers with the account's tokens, and neither
# tokens nor secrets ever appear in -v output or logs.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi
require_envoid

export XDG_CACHE_HOME=$T/cache
export XDG_CONFIG_HOME=$T/xdg
TOKEN_PORT=$(free_port)
CONTROL_PORT=$(free_port)
export ENVOI_DOVECOT_OAUTH_URL="http://127.0.0.1:$CONTROL_PORT/introspect"

DV=$T/dovecot
SUB=$(free_port)
POP3=$(free_port)
IMAP=$(free_port)
require "certificates made" start_certs "$DV/certs"
CA=$DV/certs/ca.pem
REFRESH='rt0.the-first-refresh-token'
CLIENT_SECRET='client-secret-value-42'

start_token_server() { # EXTRA OPTIONS...
    "${PY[@]}" "$ENVOI_PEERS/oauth_server.py" --port "$TOKEN_PORT" --control-port "$CONTROL_PORT" \
        --cert "$DV/certs/localhost.pem" --key "$DV/certs/localhost.key" --client-id envoi-test \
        --client-secret "$CLIENT_SECRET" --refresh-token "$REFRESH" --user alice "$@" \
        </dev/null >"$T/oauth.out" 2>"$T/oauth.log" &
    TOKEN_PID=$!
    echo "kill $TOKEN_PID" >>"$STOPS"
    for _ in $(seq 100); do
        grep -q ready "$T/oauth.out" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
control() { # METHOD PATH [BODY]
    curl -s --max-time 10 -X "$1" ${3:+--data-binary "$3"} "http://127.0.0.1:$CONTROL_PORT$2"
}
stat_of() { # FIELD
    control GET /stats | "${PY[@]}" -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

require "token endpoint started" start_token_server --rotate
require "Dovecot with OAuth started" start_dovecot "$DV" "$SUB" "$(free_port)" "$(free_port)" \
    "$POP3" "" "$IMAP" ""
secret_file "$T/refresh" "$REFRESH"
secret_file "$T/client-secret" "$CLIENT_SECRET"

write_config() { # FILE ENDPOINT_CA [EXTRA LINES]
    cat >"$1" <<EOF
[account work]
server = 127.0.0.1:$SUB
security = starttls
ca-file = $CA
user = alice
from = alice@localhost
timeout = 20
oauth-token-endpoint = https://127.0.0.1:$TOKEN_PORT/token
oauth-client-id = envoi-test
oauth-client-secret-file = $T/client-secret
oauth-refresh-token-file = $T/refresh
${2:+oauth-ca-file = $2}
${3:-}
EOF
}
write_config "$T/config" "$CA"
CACHE=$T/cache/envoi/oauth-work.json
SEND=("$ENVOI" send --config "$T/config" --to alice@localhost)
IMAPS=(--config "$T/config" --protocol imap --server "127.0.0.1:$IMAP" --security starttls)
POPS=(--config "$T/config" --protocol pop3 --server "127.0.0.1:$POP3" --security starttls)

# --- send: the first grant, the cache file --------------------------------------------------------
assert_exit 0 "send with a refreshed token" "${SEND[@]}" --subject "oauth one" --text - -v
assert_eq "one grant so far" 1 "$(stat_of grants)"
assert_matches "XOAUTH2 or OAUTHBEARER was used" "$ERR" "AUTH (XOAUTH2|OAUTHBEARER)"
ALL_ERR=$ERR
assert_file_exists "the cache file is written" "$CACHE"
assert_eq "the cache file is its owner's only" 600 "$(stat -c %a "$CACHE")"
assert_not_contains "the rotated refresh token is not the first" "$(cat "$CACHE")" "$REFRESH"

# --- a second run reuses the cached token -----------------------------------------------------------
assert_exit 0 "list over IMAP with the cached token" "$ENVOI" list "${IMAPS[@]}" -v
ALL_ERR+=$ERR
assert_contains "the message sent is listed" "$OUT" "oauth one"
assert_eq "no new grant for a cached token" 1 "$(stat_of grants)"

# --- a token about to expire is refreshed (the rotated refresh token is used) ------------------------
control POST /expires-in 30 >/dev/null # under the 60 s margin: stale as soon as it is issued
control POST /revoke >/dev/null        # so the next run needs a new one
assert_exit 0 "fetch over POP3 (the revoked token replaced)" "$ENVOI" fetch "${POPS[@]}" \
    --maildir "$T/md" -v
ALL_ERR+=$ERR
assert_eq "the POP3 fetch got the message" 1 "$(count_files "$T/md/new")"
assert_eq "a new grant" 2 "$(stat_of grants)"
assert_exit 0 "list with a token expiring within the margin" "$ENVOI" list "${IMAPS[@]}" -v
assert_eq "it is refreshed before use" 3 "$(stat_of grants)"
assert_eq "and the server took the first token offered" 1 "$(grep -c AUTHENTICATE <<<"$ERR")"
control POST /expires-in 3600 >/dev/null

# --- a token the server refuses: invalidated, one refresh, success --------------------------------
assert_exit 0 "list once more (fresh token cached)" "$ENVOI" list "${IMAPS[@]}"
GRANTS=$(stat_of grants)
control POST /revoke >/dev/null
assert_exit 0 "IMAP with a revoked cached token succeeds" "$ENVOI" list "${IMAPS[@]}" -v
ALL_ERR+=$ERR
assert_eq "exactly one refresh after the refusal" $((GRANTS + 1)) "$(stat_of grants)"
control POST /revoke >/dev/null
assert_exit 0 "send with a revoked cached token succeeds" "${SEND[@]}" --subject "oauth two" \
    --text - -v
ALL_ERR+=$ERR
assert_eq "again one refresh" $((GRANTS + 2)) "$(stat_of grants)"
control POST /revoke >/dev/null
assert_exit 0 "POP3 with a revoked cached token succeeds" "$ENVOI" list "${POPS[@]}"
assert_eq "and one refresh for POP3" $((GRANTS + 3)) "$(stat_of grants)"

# --- the spooler: envoid's relay account uses the provider ------------------------------------------
SPORT=$(free_port)
cat "$T/config" >"$T/envoid.conf"
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nrelay = work\nworkers = 2\n' "$T/spool" \
    "$SPORT" >>"$T/envoid.conf"
control POST /revoke >/dev/null
GRANTS=$(stat_of grants)
if start_envoid "$T/envoid.log" "$SPORT" --config "$T/envoid.conf"; then
    pass "envoid with an OAuth relay started"
    ID=$(curl -s --max-time 30 -H 'Content-Type: application/json' --data-binary \
        '{"from":"alice@localhost","to":["alice@localhost"],"subject":"oauth spooled","text":"hi"}' \
        "http://127.0.0.1:$SPORT/v1/messages" |
        "${PY[@]}" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    status=pending
    for _ in $(seq 300); do
        status=$(curl -s --max-time 10 "http://127.0.0.1:$SPORT/v1/messages/$ID" |
            "${PY[@]}" -c 'import json,sys; print(json.load(sys.stdin)["status"])')
        [[ $status != pending ]] && break
        sleep 0.1
    done
    assert_eq "the spooled message is sent" sent "$status"
    assert_eq "envoid refreshed the revoked token once" $((GRANTS + 1)) "$(stat_of grants)"
    stop_envoid "$ENVOID_PID"
else
    fail "envoid with an OAuth relay started" "$(cat "$T/envoid.log")"
fi
assert_exit 0 "the spooled message arrived" "$ENVOI" list "${IMAPS[@]}"
assert_contains "it is in alice's INBOX" "$OUT" "oauth spooled"

# --- refusals --------------------------------------------------------------------------------------
write_config "$T/noca.config" "" "oauth-cache = none"
assert_exit 69 "an endpoint certificate from an unknown CA is refused" "$ENVOI" list \
    --config "$T/noca.config" --protocol imap --server "127.0.0.1:$IMAP"
assert_matches "the error names the certificate" "$ERR" "certif"
ALL_ERR+=$ERR

chmod 644 "$CACHE"
assert_exit 78 "a cache file others can read is refused" "$ENVOI" list "${IMAPS[@]}"
assert_contains "the error names the cache file" "$ERR" "oauth-work.json"
chmod 600 "$CACHE"

control POST /revoke >/dev/null
control POST /refuse >/dev/null
assert_exit 77 "a refused grant exits 77" "$ENVOI" list "${IMAPS[@]}" -v
assert_contains "the endpoint's error code is shown" "$ERR" "invalid_grant"
ALL_ERR+=$ERR
ALL_ERR+=$(cat "$T/envoid.log" "$DV"/*.log 2>/dev/null)

# --- no secret anywhere ------------------------------------------------------------------------------
LEAK=none
for tok in $REFRESH $CLIENT_SECRET $(control GET /stats | "${PY[@]}" -c \
    'import json,sys; d=json.load(sys.stdin); print(" ".join(d["tokens_seen"] + d["refresh_seen"]))'); do
    [[ $ALL_ERR == *"$tok"* ]] && LEAK=$tok
done
assert_eq "no token or secret in -v output or logs" none "$LEAK"
finish
