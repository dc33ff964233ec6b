#!/bin/bash
# envoid with its spool on a small tmpfs that fills up: a submission is refused with 507 and
# nothing half-written (the queue still holds exactly the messages acknowledged before), then
# accepted again once space is freed. Where a tmpfs cannot be mounted (not root, or a container
# that forbids it), the file size limit (RLIMIT_FSIZE) plays the full disk instead.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_envoid
export XDG_CONFIG_HOME=$T/xdg
DISK=$T/disk
mkdir -p "$DISK"
MOUNTED=false
if [[ ${ENVOI_TEST_NO_MOUNT:-} != 1 && $(id -u) == 0 ]] && mount -t tmpfs -o size=8m,mode=0700 tmpfs "$DISK" 2>/dev/null; then
    MOUNTED=true
    echo "umount -l '$DISK'" >>"$STOPS"
    LIMIT=unlimited
else
    echo "# no tmpfs could be mounted: the file size limit plays the full disk"
    LIMIT=2048 # KiB: no queue file (database or WAL) can grow past 2 MiB
fi

PORT=$(free_port)
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nworkers = 0\nmax-message-size = 4M\n' \
    "$DISK/spool" "$PORT" >"$T/envoi.conf"
# SIGXFSZ ignored (inherited through exec), so a write past the limit fails with EFBIG.
bash -c 'trap "" XFSZ; ulimit -f "$1"; shift; exec "$@"' _ "$LIMIT" \
    "$ENVOID" --foreground --config "$T/envoi.conf" </dev/null >/dev/null 2>"$T/envoid.log" &
PID=$!
echo "kill -TERM $PID" >>"$STOPS"
for _ in $(seq 100); do
    curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/v1/stats" && break
    sleep 0.1
done

submit() { # TEXT_SIZE: CODE and BODY set
    "${PY[@]}" -c 'import json,sys; print(json.dumps({"from":"a@example.org","to":"b@example.org",
      "subject":"fill","text":("z"*70+"\n")*(int(sys.argv[1])//71)}))' "$1" >"$T/msg.json"
    CODE=$(curl -s -o "$T/.body" -w '%{http_code}' --max-time 30 -H 'Content-Type: application/json' \
        --data-binary "@$T/msg.json" "http://127.0.0.1:$PORT/v1/messages")
    BODY=$(cat "$T/.body")
}
pending() {
    curl -s "http://127.0.0.1:$PORT/v1/stats" | "${PY[@]}" -c 'import json,sys; print(json.load(sys.stdin)["pending"])'
}

submit 1000
assert_eq "a message is accepted while there is room" 202 "$CODE"
if $MOUNTED; then
    dd if=/dev/zero of="$DISK/filler" bs=64k 2>/dev/null # until the tmpfs is full
    submit 1500000
else
    submit 3000000 # more than the 2 MiB a file may hold
fi
assert_eq "a submission on a full disk is refused with 507" 507 "$CODE"
assert_contains "it says the disk is full" "$BODY" "full"
assert_eq "nothing half-written: the queue holds the one acknowledged message" 1 "$(pending)"
if $MOUNTED; then
    rm -f "$DISK/filler"
    submit 1500000
    assert_eq "once space is freed, submissions are accepted again" 202 "$CODE"
    assert_eq "the queue holds both acknowledged messages" 2 "$(pending)"
else
    submit 1000
    assert_eq "a small message still fits and is accepted" 202 "$CODE"
    assert_eq "the queue holds both acknowledged messages" 2 "$(pending)"
fi
kill -TERM "$PID"
wait "$PID"
assert_eq "envoid stops with exit 0" 0 "$?"
finish
