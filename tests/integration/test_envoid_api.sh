#!/bin/bash
# envoid's HTTP JSON API over real HTTP on loopback: structured, raw and message/rfc822
# submissions (checked in the queue's database), status, list with filters, stats, pause and
# resume, retry and cancel, every kind of bad request (malformed JSON, missing fields, header
# injection, oversize, unknown ids), the bearer token off loopback, and a SIGTERM after which
# a second envoid finds every acknowledged message.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_envoid
export XDG_CONFIG_HOME=$T/xdg # no config but the ones named here

# One request: CODE gets the HTTP status, BODY the answer.
http() { # METHOD PATH [curl options...]
    local method=$1 path=$2
    shift 2
    CODE=$(curl -s -o "$T/.body" -w '%{http_code}' --max-time 30 -X "$method" "$@" \
        "http://127.0.0.1:$PORT$path")
    BODY=$(cat "$T/.body")
}

post_json() { # PATH JSON [curl options...]
    local path=$1 json=$2
    shift 2
    http POST "$path" -H 'Content-Type: application/json' --data-binary "$json" "$@"
}

# A value from the JSON text: a Python expression over d.
jf() { # JSON EXPR
    "${PY[@]}" -c 'import json,sys; d=json.loads(sys.argv[1]); r=eval(sys.argv[2]); print(json.dumps(r) if isinstance(r,(dict,list,bool)) or r is None else r)' "$1" "$2" 2>/dev/null
}

sql() { # SQL
    sqlite3 -cmd '.timeout 5000' "$SPOOL/queue.db" "$1"
}

# --- usage ----------------------------------------------------------------------------------------
assert_exit 0 "envoid --help" "$ENVOID" --help
assert_contains "the help names --listen" "$OUT" "--listen ADDR:PORT"
assert_exit 0 "envoid --version" "$ENVOID" --version
assert_matches "the version is printed" "$OUT" '^envoid [0-9]+\.[0-9]+'
assert_exit 64 "an unknown option" "$ENVOID" --frobnicate
assert_contains "it names the option" "$ERR" "--frobnicate"
assert_exit 78 "a listen address that is not one" "$ENVOID" --listen nowhere --spool-dir "$T/x"
assert_contains "it says what is wrong" "$ERR" "listen address 'nowhere'"
printf '[spool]\ncolour = blue\n' >"$T/bad.conf"
assert_exit 78 "an unknown [spool] key" "$ENVOID" --config "$T/bad.conf"
assert_contains "it names the file, line and key" "$ERR" "bad.conf:2: [spool] colour"

# --- a daemon configured by a config file ---------------------------------------------------------
PORT=$(free_port)
SPOOL=$T/spool
cat >"$T/envoi.conf" <<EOF
[spool]
dir = $SPOOL
listen = 127.0.0.1:$PORT
max-message-size = 64K
workers = 0
EOF
require "envoid started on 127.0.0.1:$PORT" start_envoid "$T/envoid.log" "$PORT" \
    --config "$T/envoi.conf"
MAIN_PID=$ENVOID_PID
ACKED=()

# --- structured submission ------------------------------------------------------------------------
post_json /v1/messages '{"from":"Zoé <zoe@example.org>","to":["Bob <bob@example.org>"],
  "cc":"carol@example.org","bcc":["dave@example.org"],"subject":"Réunion demain",
  "text":"Bonjour,\nà demain.\n","html":"<p>Bonjour</p>","headers":{"X-Campaign":"spring"}}'
assert_eq "a structured message is accepted (202)" 202 "$CODE"
ID1=$(jf "$BODY" 'd["id"]')
assert_matches "it gets an id of [0-9a-z]" "$ID1" '^[0-9a-z]+$'
assert_eq "its status is pending" pending "$(jf "$BODY" 'd["status"]')"
ACKED+=("$ID1")

http GET "/v1/messages/$ID1"
assert_eq "its status can be read (200)" 200 "$CODE"
assert_eq "status pending" pending "$(jf "$BODY" 'd["status"]')"
assert_eq "the envelope sender is the From address" zoe@example.org "$(jf "$BODY" 'd["from"]')"
assert_eq "the subject is decoded" "Réunion demain" "$(jf "$BODY" 'd["subject"]')"
assert_eq "To, Cc and Bcc are the recipients" \
    '["bob@example.org", "carol@example.org", "dave@example.org"]' \
    "$(jf "$BODY" '[r["address"] for r in d["recipients"]]')"
assert_eq "no attempt yet" "[]" "$(jf "$BODY" 'd["history"]')"
SRC=$(sql "SELECT source FROM sources WHERE message='$ID1'")
assert_contains "the stored source has the To header" "$SRC" "To: Bob <bob@example.org>"
assert_contains "the stored source has the custom header" "$SRC" "X-Campaign: spring"
assert_contains "the stored source is multipart/alternative" "$SRC" "multipart/alternative"
assert_not_contains "Bcc is only in the envelope" "$SRC" "dave@example.org"
assert_contains "the submission is logged" "$(cat "$T/envoid.log")" "submitted id=$ID1"

# --- raw submissions ------------------------------------------------------------------------------
RAW=$'From: a@example.org\r\nTo: b@example.org\r\nSubject: raw one\r\n\r\nbody\r\n'
RAW_JSON=$("${PY[@]}" -c 'import json,sys; print(json.dumps({"from":"a@example.org",
  "recipients":["b@example.org","x@example.net"],"raw":sys.argv[1]}))' "$RAW")
post_json /v1/messages "$RAW_JSON"
assert_eq "a raw message in JSON is accepted (202)" 202 "$CODE"
ID2=$(jf "$BODY" 'd["id"]')
ACKED+=("$ID2")
printf '%s' "$RAW" >"$T/raw.expected"
sql "SELECT writefile('$T/raw.got', source) FROM sources WHERE message='$ID2'" >/dev/null
assert_files_equal "the raw source is stored byte for byte" "$T/raw.expected" "$T/raw.got"
http GET "/v1/messages/$ID2"
assert_eq "the raw message's envelope recipients" '["b@example.org", "x@example.net"]' \
    "$(jf "$BODY" '[r["address"] for r in d["recipients"]]')"

printf 'From: c@example.org\r\nSubject: rfc822 body\r\n\r\nhello\r\n' >"$T/m.eml"
http POST "/v1/messages?from=c@example.org&to=d@example.org&to=e@example.org,f@example.org" \
    -H 'Content-Type: message/rfc822' --data-binary "@$T/m.eml"
assert_eq "a message/rfc822 body with ?from=&to= is accepted (202)" 202 "$CODE"
ID3=$(jf "$BODY" 'd["id"]')
ACKED+=("$ID3")
http GET "/v1/messages/$ID3"
assert_eq "repeated and comma-separated to= are all recipients" \
    '["d@example.org", "e@example.org", "f@example.org"]' \
    "$(jf "$BODY" '[r["address"] for r in d["recipients"]]')"
http POST "/v1/messages?from=c@example.org" -H 'Content-Type: message/rfc822' \
    --data-binary "@$T/m.eml"
assert_eq "message/rfc822 without to= is refused (400)" 400 "$CODE"
assert_contains "it names to" "$BODY" "to: missing"

# --- concurrent submissions -----------------------------------------------------------------------
for i in $(seq 20); do
    curl -s --max-time 30 -H 'Content-Type: application/json' -o "$T/conc.$i" \
        --data-binary "{\"from\":\"p@example.org\",\"to\":\"q$i@example.org\",\"subject\":\"concurrent $i\",\"text\":\"n $i\"}" \
        "http://127.0.0.1:$PORT/v1/messages" &
done
wait_ok=1
for job in $(jobs -p); do
    [[ $job == "$MAIN_PID" ]] && continue
    wait "$job" || wait_ok=0
done
CONC_IDS=$(cat "$T"/conc.* | "${PY[@]}" -c 'import json,sys
ids=[json.loads(l)["id"] for l in sys.stdin.read().replace("}{","}\n{").splitlines() if l.strip()]
print(len(set(ids)))')
assert_eq "20 concurrent submissions get 20 distinct ids" 20 "$CONC_IDS"
for f in "$T"/conc.*; do
    ACKED+=("$(jf "$(cat "$f")" 'd["id"]')")
done

# --- list, filters, stats -------------------------------------------------------------------------
http GET "/v1/messages?q=R%C3%A9union"
assert_eq "list with a search (200)" 200 "$CODE"
assert_eq "the search finds the one message" "[\"$ID1\"]" "$(jf "$BODY" '[m["id"] for m in d["messages"]]')"
http GET "/v1/messages?status=pending&limit=2"
assert_eq "limit=2 gives two messages" 2 "$(jf "$BODY" 'len(d["messages"])')"
http GET "/v1/messages?status=pending&limit=5&offset=0"
FIRST5=$(jf "$BODY" '[m["id"] for m in d["messages"]]')
http GET "/v1/messages?status=pending&limit=2&offset=2"
assert_eq "offset=2 continues the list" "$(jf "$FIRST5" 'd[2:4]')" \
    "$(jf "$BODY" '[m["id"] for m in d["messages"]]')"
http GET "/v1/messages?status=sent"
assert_eq "nothing is sent yet" "[]" "$(jf "$BODY" 'd["messages"]')"
http GET "/v1/messages?status=lost"
assert_eq "an unknown status filter is refused (400)" 400 "$CODE"
assert_contains "it names the filter" "$BODY" "status:"
http GET "/v1/messages?limit=abc"
assert_eq "a bad limit is refused (400)" 400 "$CODE"
http GET /v1/stats
assert_eq "stats (200)" 200 "$CODE"
assert_eq "stats count every pending message" "${#ACKED[@]}" "$(jf "$BODY" 'd["pending"]')"
assert_eq "stats say not paused" false "$(jf "$BODY" 'd["paused"]')"

# --- pause and resume -----------------------------------------------------------------------------
http POST /v1/pause
assert_eq "pause (200)" 200 "$CODE"
assert_eq "pause answers paused" true "$(jf "$BODY" 'd["paused"]')"
http GET /v1/stats
assert_eq "stats say paused" true "$(jf "$BODY" 'd["paused"]')"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org","subject":"while paused"}'
assert_eq "a submission while paused is refused (503)" 503 "$CODE"
assert_contains "it says the spooler is paused" "$BODY" "paused"
assert_eq "nothing was queued while paused" 0 \
    "$(sql "SELECT count(*) FROM messages WHERE subject='while paused'")"
http GET "/v1/messages/$ID1"
assert_eq "status can still be read while paused" 200 "$CODE"
http POST /v1/resume
assert_eq "resume (200)" 200 "$CODE"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org","subject":"after resume"}'
assert_eq "after resume submissions are accepted (202)" 202 "$CODE"
ID4=$(jf "$BODY" 'd["id"]')
ACKED+=("$ID4")

# --- retry and cancel -----------------------------------------------------------------------------
http POST "/v1/messages/$ID2/retry"
assert_eq "retry of a pending message (200)" 200 "$CODE"
assert_eq "it stays pending" pending "$(jf "$BODY" 'd["status"]')"
http POST "/v1/messages/$ID4/cancel"
assert_eq "cancel of a pending message (200)" 200 "$CODE"
assert_eq "it is cancelled" cancelled "$(jf "$BODY" 'd["status"]')"
assert_eq "the database says cancelled" cancelled \
    "$(http GET "/v1/messages/$ID4"; jf "$BODY" 'd["status"]')"
http POST "/v1/messages/$ID4/cancel"
assert_eq "cancelling twice is a conflict (409)" 409 "$CODE"
assert_contains "with an error text" "$BODY" '"error"'
http POST "/v1/messages/$ID4/retry"
assert_eq "retrying a cancelled message is a conflict (409)" 409 "$CODE"
http GET "/v1/messages?status=cancelled"
assert_eq "list status=cancelled" "[\"$ID4\"]" "$(jf "$BODY" '[m["id"] for m in d["messages"]]')"
http GET "/v1/messages/$ID4/retry"
assert_eq "GET on retry is not allowed (405)" 405 "$CODE"

# --- bad requests ---------------------------------------------------------------------------------
COUNT_BEFORE=$(sql "SELECT count(*) FROM messages")
post_json /v1/messages '{"from": "a@example.org", "to": ['
assert_eq "malformed JSON (400)" 400 "$CODE"
assert_contains "it says malformed JSON" "$BODY" "malformed JSON"
post_json /v1/messages '["a@example.org"]'
assert_eq "JSON that is not an object (400)" 400 "$CODE"
post_json /v1/messages '{"to":"b@example.org","subject":"x"}'
assert_eq "no from (400)" 400 "$CODE"
assert_contains "it names from" "$BODY" "from: missing"
post_json /v1/messages '{"from":"a@example.org","subject":"x"}'
assert_eq "no recipient (400)" 400 "$CODE"
assert_contains "it names to" "$BODY" "to: missing"
post_json /v1/messages '{"from":"a@example.org","to":["b@example.org","not an address"]}'
assert_eq "a bad address (400)" 400 "$CODE"
assert_contains "it names the field and the address" "$BODY" "to[1]: 'not an address'"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org","subject":"hi\r\nBcc: victim@example.org"}'
assert_eq "CRLF in the subject (header injection) is refused (400)" 400 "$CODE"
assert_contains "it names the subject" "$BODY" "subject: CR, LF"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org","headers":{"X-A":"1\nBcc: v@example.org"}}'
assert_eq "LF in a custom header (header injection) is refused (400)" 400 "$CODE"
assert_contains "it names the header" "$BODY" "headers: X-A"
post_json /v1/messages '{"from":"a@example.org\r\nRCPT TO:<v@example.org>","to":"b@example.org"}'
assert_eq "CRLF in the sender is refused (400)" 400 "$CODE"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org","headers":{"Bcc":"v@example.org"}}'
assert_eq "a Bcc custom header is refused (400)" 400 "$CODE"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org","subjet":"typo"}'
assert_eq "an unknown field (400)" 400 "$CODE"
assert_contains "it names the field" "$BODY" "subjet: unknown field"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org","subject":7}'
assert_eq "a field of the wrong type (400)" 400 "$CODE"
post_json /v1/messages '{"from":"a@example.org","recipients":["b@example.org"],"raw":"no header here"}'
assert_eq "raw text that is not a message (400)" 400 "$CODE"
post_json /v1/messages '{"from":"a@example.org","raw":"Subject: x\r\n\r\nx"}'
assert_eq "raw without recipients (400)" 400 "$CODE"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org","text":"a\u0000b"}'
assert_eq "a NUL in JSON text is refused (400)" 400 "$CODE"
http POST /v1/messages -H 'Content-Type: text/plain' --data-binary 'hello'
assert_eq "an unknown Content-Type (415)" 415 "$CODE"
assert_eq "no bad request was queued" "$COUNT_BEFORE" "$(sql "SELECT count(*) FROM messages")"

# --- sizes ----------------------------------------------------------------------------------------
BIG_RAW=$("${PY[@]}" -c 'import json; print(json.dumps({"from":"a@example.org",
  "recipients":["b@example.org"],"raw":"Subject: big\r\n\r\n" + ("x"*76 + "\r\n")*1000}))')
post_json /v1/messages "$BIG_RAW"
assert_eq "a message over max-message-size (64K) is refused (413)" 413 "$CODE"
assert_contains "it gives the limit" "$BODY" "65536"
"${PY[@]}" -c 'print("{\"from\":\"a@example.org\",\"to\":\"b@example.org\",\"text\":\"" + "y"*400000 + "\"}")' >"$T/huge.json"
http POST /v1/messages -H 'Content-Type: application/json' --data-binary "@$T/huge.json"
assert_eq "a request body over the body limit is refused (413)" 413 "$CODE"
head -c 30000000 /dev/zero | tr '\0' 'z' >"$T/giant.eml"
http POST "/v1/messages?from=a@example.org&to=b@example.org" -H 'Content-Type: message/rfc822' \
    --data-binary "@$T/giant.eml"
assert_eq "a 30 MB body is refused before it is read (413)" 413 "$CODE"
assert_eq "no oversize message was queued" "$COUNT_BEFORE" "$(sql "SELECT count(*) FROM messages")"

# --- unknown ids and paths ------------------------------------------------------------------------
http GET /v1/messages/0000000000000000000000
assert_eq "an unknown id (404)" 404 "$CODE"
assert_contains "with an error text" "$BODY" "no such message"
http GET "/v1/messages/..%2F..%2Fetc"
assert_eq "an id that is not one (404)" 404 "$CODE"
http POST /v1/messages/0000000000000000000000/cancel
assert_eq "cancel of an unknown id (404)" 404 "$CODE"
http GET /v2/nothing
assert_eq "an unknown path (404)" 404 "$CODE"
http DELETE /v1/messages
assert_eq "a method not allowed (405)" 405 "$CODE"
http GET /v1/stats
assert_eq "envoid still answers after every bad request" 200 "$CODE"

# --- the same port twice --------------------------------------------------------------------------
assert_exit 69 "a second envoid on a port in use" "$ENVOID" --listen "127.0.0.1:$PORT" \
    --spool-dir "$T/spool2"

# --- SIGTERM, then a second envoid finds every acknowledged message -------------------------------
# Submissions under way when SIGTERM comes: those answered 202 must all be in the queue.
LATE=()
for i in $(seq 30); do
    curl -s --max-time 60 -o "$T/late.$i" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary "{\"from\":\"p@example.org\",\"to\":\"late$i@example.org\",\"text\":\"x\"}" \
        "http://127.0.0.1:$PORT/v1/messages" >"$T/late.$i.code" 2>/dev/null &
    LATE+=($!)
done
stop_envoid "$MAIN_PID"
wait "${LATE[@]}"
LATE_ACKED=0
for i in $(seq 30); do
    if [[ $(cat "$T/late.$i.code") == 202 ]]; then
        ACKED+=("$(jf "$(cat "$T/late.$i")" 'd["id"]')")
        LATE_ACKED=$((LATE_ACKED + 1))
    fi
done
echo "# $LATE_ACKED of 30 submissions made during the stop were acknowledged"
assert_eq "SIGTERM stops envoid with exit 0" 0 "$EXIT_STATUS"
assert_contains "the stop is logged" "$(cat "$T/envoid.log")" "stopped: queue closed"
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/v1/stats"; then
    fail "nothing listens after the stop"
else
    pass "nothing listens after the stop"
fi
ACK_COUNT=${#ACKED[@]}
in_db=0
for id in "${ACKED[@]}"; do
    [[ $(sql "SELECT count(*) FROM messages WHERE id='$id'") == 1 ]] && in_db=$((in_db + 1))
done
assert_eq "the database holds every acknowledged message" "$ACK_COUNT" "$in_db"
PORT=$(free_port)
require "a second envoid on the same spool" start_envoid "$T/envoid2.log" "$PORT" \
    --spool-dir "$SPOOL" --listen "127.0.0.1:$PORT"
found=0
for id in "${ACKED[@]}"; do
    http GET "/v1/messages/$id"
    [[ $CODE == 200 ]] && found=$((found + 1))
done
assert_eq "every acknowledged message is there after the restart" "$ACK_COUNT" "$found"
stop_envoid "$ENVOID_PID"
assert_eq "the second envoid stops with exit 0" 0 "$EXIT_STATUS"

# --- the bearer token off loopback ----------------------------------------------------------------
PORT=$(free_port)
assert_exit 78 "listening off loopback without a token is refused" "$ENVOID" \
    --listen "0.0.0.0:$PORT" --spool-dir "$T/spool3"
assert_contains "it says a token-file is needed" "$ERR" "token-file"
TOKEN=tok-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$TOKEN" >"$T/token"
chmod 644 "$T/token"
printf '[spool]\ndir = %s\nlisten = 0.0.0.0:%s\ntoken-file = %s\n' "$T/spool3" "$PORT" \
    "$T/token" >"$T/token.conf"
assert_exit 78 "a token file others can read is refused" "$ENVOID" --config "$T/token.conf"
assert_contains "it says why" "$ERR" "readable by group or others"
chmod 600 "$T/token"
require "envoid on 0.0.0.0 with a token" start_envoid "$T/envoid3.log" "$PORT" \
    --config "$T/token.conf"
http GET /v1/stats
assert_eq "no token: 401" 401 "$CODE"
http GET /v1/stats -H "Authorization: Bearer wrong-token-wrong-token"
assert_eq "a wrong token: 401" 401 "$CODE"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org"}'
assert_eq "a submission without the token: 401" 401 "$CODE"
http GET /v1/stats -H "Authorization: Bearer $TOKEN"
assert_eq "the right token: 200" 200 "$CODE"
post_json /v1/messages '{"from":"a@example.org","to":"b@example.org"}' \
    -H "Authorization: Bearer $TOKEN"
assert_eq "a submission with the token: 202" 202 "$CODE"
assert_not_contains "the token is never logged" "$(cat "$T/envoid3.log")" "$TOKEN"
stop_envoid "$ENVOID_PID"
assert_eq "it stops with exit 0" 0 "$EXIT_STATUS"

finish
