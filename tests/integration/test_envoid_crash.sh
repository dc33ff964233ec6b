#!/bin/bash
# envoid killed with SIGKILL at random moments (at least 20 times) while 10,000 messages are
# submitted over HTTP and delivered to smtp-sink (-d: one dump file per message), restarted on
# the same spool each time: every acknowledged message is delivered, none is lost, duplicates
# stay within the documented window (a crash between the relay's acceptance and the local
# commit: at most kills x workers x lease batch), the restarted workers take back the leases of
# the killed envoid at once, a second envoid on the same spool is refused, the queue's database
# is intact and every acknowledged message is "sent". Prints the counts.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_envoid
export XDG_CONFIG_HOME=$T/xdg

MESSAGES=${CRASH_MESSAGES:-10000} # acknowledgements wanted
MIN_KILLS=${CRASH_KILLS:-20}
WORKERS=4
LEASE_BATCH=128 # the delivery workers' default (src/spool/deliver.c): a batch is sent, then recorded at once
SUBMITTERS=8

# Start envoid (stderr appended to LOG) and wait until it answers; ENVOID_PID is set.
start_envoid() {
    "$ENVOID" --foreground --config "$T/envoi.conf" </dev/null >/dev/null 2>>"$T/envoid.log" &
    ENVOID_PID=$!
    echo "$ENVOID_PID" >"$T/envoid.pid"
    for _ in $(seq 400); do
        kill -0 "$ENVOID_PID" 2>/dev/null || return 1
        curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/v1/stats" && return 0
        sleep 0.025
    done
    return 1
}

# A random pause of 100 to 400 ms.
random_pause() {
    sleep "0.$(printf '%03d' $((100 + RANDOM % 300)))"
}

kill_and_restart() {
    kill -KILL "$ENVOID_PID"
    wait "$ENVOID_PID" 2>/dev/null
    KILLS=$((KILLS + 1))
    start_envoid
}

stat_field() { # FIELD
    curl -s --max-time 10 "http://127.0.0.1:$PORT/v1/stats" |
        "${PY[@]}" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" 2>/dev/null
}

# --- the relay and envoid ---------------------------------------------------------------------------
SINK=$T/sink
SINK_PORT=$(free_port)
require "smtp-sink started (dumping each message with -d)" start_smtp_sink "$SINK" "$SINK_PORT" \
    --save --no-auth
PORT=$(free_port)
SPOOL=$T/spool
cat >"$T/envoi.conf" <<EOF
[account sink]
server = 127.0.0.1:$SINK_PORT
security = none

[spool]
dir = $SPOOL
listen = 127.0.0.1:$PORT
relay = sink
workers = $WORKERS
EOF
echo "[ -f '$T/envoid.pid' ] && kill -TERM \$(cat '$T/envoid.pid')" >>"$STOPS"
require "envoid started with smtp-sink as its relay" start_envoid
# Its workers take back, at start, the leases their names held when the last one was killed:
# that is right only with one envoid per spool, which a lock on the spool ensures.
assert_exit 73 "a second envoid on the same spool is refused" "$ENVOID" --foreground \
    --spool-dir "$SPOOL" --listen "127.0.0.1:$(free_port)"
assert_contains "it says another envoid uses the spool" "$ERR" "another envoid is using it"

# --- submissions under fire -----------------------------------------------------------------------
"${PY[@]}" "$HERE/envoid_submit.py" --port "$PORT" --count "$MESSAGES" --threads "$SUBMITTERS" \
    --out "$T/record" --deadline 240 >"$T/submit.out" 2>&1 &
SUBMIT_PID=$!
echo "kill $SUBMIT_PID" >>"$STOPS"
KILLS=0
KILLS_AFTER_SUBMIT=0
START=$SECONDS
while kill -0 "$SUBMIT_PID" 2>/dev/null || ((KILLS < MIN_KILLS)); do
    ((SECONDS - START > 240)) && break
    random_pause
    submitting=0
    kill -0 "$SUBMIT_PID" 2>/dev/null && submitting=1
    if ! kill_and_restart; then
        fail "envoid restarted after kill $KILLS" "$(tail -n 5 "$T/envoid.log")"
        finish
    fi
    ((submitting)) || KILLS_AFTER_SUBMIT=$((KILLS_AFTER_SUBMIT + 1))
done
# A few more kills while the workers still deliver (when there is anything left to deliver).
for _ in 1 2 3; do
    [[ $(stat_field pending) == 0 ]] && break
    random_pause
    if ! kill_and_restart; then
        fail "envoid restarted after kill $KILLS" "$(tail -n 5 "$T/envoid.log")"
        finish
    fi
    KILLS_AFTER_SUBMIT=$((KILLS_AFTER_SUBMIT + 1))
done
wait "$SUBMIT_PID"
SUBMIT_RC=$?
echo "# submitter: $(cat "$T/submit.out")"
echo "# kills: $KILLS ($KILLS_AFTER_SUBMIT after the submissions ended)"
pass "envoid restarted on the same spool after each of the $KILLS kills"
assert_eq "the submitter got $MESSAGES acknowledgements" 0 "$SUBMIT_RC"
if ((KILLS >= MIN_KILLS)); then
    pass "envoid was killed with SIGKILL at least $MIN_KILLS times ($KILLS)"
else
    fail "envoid was killed with SIGKILL at least $MIN_KILLS times" "kills: $KILLS"
fi

RECLAIMED=$(grep -c "leased before a restart given back" "$T/envoid.log")
echo "# restarted workers took back leases of a killed envoid $RECLAIMED times"
if ((RECLAIMED > 0)); then
    pass "kills fell during deliveries, and the restarted workers took back the killed one's leases"
else
    fail "kills fell during deliveries, and the restarted workers took back the killed one's leases" \
        "no 'leased before a restart given back' line in the log"
fi

# --- the queue drains -----------------------------------------------------------------------------
pending=""
for _ in $(seq 600); do
    pending=$(stat_field pending)
    [[ $pending == 0 ]] && break
    sleep 0.2
done
assert_eq "the stats say nothing is pending in the end" 0 "$pending"
kill -TERM "$ENVOID_PID"
wait "$ENVOID_PID"
assert_eq "the last envoid stops with exit 0" 0 "$?"
rm -f "$T/envoid.pid"

# --- what smtp-sink got ---------------------------------------------------------------------------
"${PY[@]}" "$HERE/envoid_crash_count.py" --record "$T/record" --dumps "$SINK/spool" \
    --missing "$T/missing" >"$T/counts"
count() { awk -v k="$1" '$1 == k { print $2 }' "$T/counts"; }
ACKED=$(count acknowledged)
DUPS=$(count duplicates)
echo "# submitted $(($(count acknowledged) + $(count lost))), acknowledged $ACKED," \
    "no answer $(count lost) (of which delivered $(count lost_delivered))," \
    "delivered $(count delivered) ($(count delivered_distinct) distinct, $(count partial) cut short)," \
    "duplicates $DUPS," \
    "kills $KILLS"
if ((ACKED >= MESSAGES)); then
    pass "at least $MESSAGES messages acknowledged ($ACKED)"
else
    fail "at least $MESSAGES messages acknowledged" "acknowledged: $ACKED"
fi
assert_eq "every acknowledged message was delivered (none lost)" 0 "$(count missing)"
if [[ $(count missing) != 0 ]]; then
    echo "# missing (seq id): $(head -5 "$T/missing" | tr '\n' ' ')"
fi
assert_eq "nothing was delivered that was never submitted" 0 "$(count unknown)"
BOUND=$((KILLS * WORKERS * LEASE_BATCH))
if ((DUPS <= BOUND)); then
    pass "duplicates ($DUPS) within the window: at most kills x workers x lease batch ($BOUND)"
else
    fail "duplicates within the window (kills x workers x lease batch)" \
        "duplicates: $DUPS" "bound: $BOUND"
fi

# --- the queue's database -------------------------------------------------------------------------
sql() { sqlite3 -cmd '.timeout 5000' "$SPOOL/queue.db" "$1"; }
assert_eq "PRAGMA integrity_check says ok" ok "$(sql 'PRAGMA integrity_check')"
awk '$1 == "ack" { print $3 }' "$T/record" >"$T/acked-ids"
NOT_SENT=$(sqlite3 -cmd '.timeout 5000' "$SPOOL/queue.db" <<SQL
CREATE TEMP TABLE acked (id TEXT PRIMARY KEY);
.import '$T/acked-ids' acked
SELECT count(*) FROM acked LEFT JOIN messages m ON m.id = acked.id
 WHERE m.id IS NULL OR m.status != 1;
SQL
)
assert_eq "every acknowledged id is in the queue with status sent" 0 "$NOT_SENT"
assert_eq "no message is left pending or leased" 0 \
    "$(sql "SELECT count(*) FROM messages WHERE status = 0 OR lease_owner IS NOT NULL")"
assert_eq "no recipient of a sent message is left without its outcome" 0 \
    "$(sql "SELECT count(*) FROM recipients r JOIN messages m ON m.id = r.message
            WHERE m.status = 1 AND r.outcome != 0")"
IN_QUEUE=$(sql 'SELECT count(*) FROM messages')
if ((IN_QUEUE >= ACKED && IN_QUEUE <= ACKED + $(count lost))); then
    pass "the queue holds the acknowledged messages and at most the unanswered ones ($IN_QUEUE)"
else
    fail "the queue holds the acknowledged messages and at most the unanswered ones" \
        "in the queue: $IN_QUEUE" "acknowledged: $ACKED" "unanswered: $(count lost)"
fi

finish
