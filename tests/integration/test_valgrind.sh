#!/bin/bash
# envoi under valgrind (memcheck, full leak check): a --dry-run of a message with every feature,
# sends to smtp-sink and through Dovecot submission (STARTTLS + AUTH, a wrong password), a
# connection dropped mid-DATA, a stalled server, refused certificates; then what was delivered
# read back over POP3 (list, fetch into a maildir, an mbox, the store and JSON), the store
# searched and shown, the mbox parsed, and a POP3 connection dropped mid-RETR. Each run must end with
# envoi's own exit code and valgrind must report nothing. Skipped without valgrind or on a
# sanitizer build (the two do not mix).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

skip() { # REASON
    echo "skip - $1"
    echo "$TEST_NAME: skipped ($1)"
    exit 0
}

VALGRIND=$(command -v valgrind) || skip "valgrind is not installed (Debian package valgrind)"
if [[ -n ${ENVOI_BUILD:-} && -f $ENVOI_BUILD/CMakeCache.txt ]] &&
    grep -q '^ENVOI_SANITIZE:BOOL=ON' "$ENVOI_BUILD/CMakeCache.txt"; then
    skip "sanitizer build (ENVOI_SANITIZE=ON): valgrind cannot run AddressSanitizer binaries"
fi
if nm "$ENVOI" 2>/dev/null | grep -q '__asan_init'; then
    skip "$ENVOI is built with AddressSanitizer: valgrind cannot run it"
fi

VG_LOGS=$T/valgrind
mkdir -p "$VG_LOGS"
# Exit status valgrind gives when it found an error; envoi never uses it (sysexits.h codes).
VG_ERROR=99

# envoi under valgrind; its report goes to VG_LOGS/LABEL.PID.log.
# shellcheck disable=SC2317 # run through assert_exit
vg_envoi() { # LABEL ARGS...
    local label=$1
    shift
    timeout -k 5 60 "$VALGRIND" --error-exitcode="$VG_ERROR" --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --track-fds=no -q \
        --log-file="$VG_LOGS/$label.%p.log" "$ENVOI" "$@"
}

# Run envoi under valgrind; pass when it exits CODE and valgrind's report is empty.
check_vg() { # CODE LABEL DESCRIPTION ARGS...
    local want=$1 label=$2 what=$3 report
    shift 3
    assert_exit "$want" "$what" vg_envoi "$label" "$@"
    if [[ $RC == "$VG_ERROR" ]]; then
        echo "    (exit $VG_ERROR: valgrind found errors, see below)"
    fi
    report=$(cat "$VG_LOGS/$label".*.log 2>/dev/null)
    if [[ -z $report ]]; then
        pass "$what: valgrind reported nothing"
    else
        fail "$what: valgrind reported nothing" "$(head -c 4000 <<<"$report")"
    fi
}

# ---- peers ----------------------------------------------------------------------------------
SINK=$T/sink
SINK_PORT=$(free_port)
require "smtp-sink started" start_smtp_sink "$SINK" "$SINK_PORT" --save --no-auth
DV=$T/dovecot
SUB=$(free_port)
SUBS=$(free_port)
RELAY=$(free_port)
POP3=$(free_port)
require "Dovecot and its delivery relay started" start_dovecot "$DV" "$SUB" "$SUBS" "$RELAY" \
    "$POP3" ""
CA=$DV/certs/ca.pem
EXPIRED=$T/expired
EXPIRED_PORT=$(free_port)
require "aiosmtpd with STARTTLS and an expired certificate started" \
    start_aiosmtpd "$EXPIRED" "$EXPIRED_PORT" --starttls --tls-cert "$DV/certs/expired.pem" \
    --tls-key "$DV/certs/expired.key" --save "$EXPIRED/saved"
DROP=$T/drop-data
DROP_PORT=$(free_port)
require "fault server (drop-data) started" start_fault_server "$DROP" "$DROP_PORT" drop-data
STALL=$T/stall-mail
STALL_PORT=$(free_port)
require "fault server (stall-mail) started" start_fault_server "$STALL" "$STALL_PORT" stall-mail

# ---- the message ------------------------------------------------------------------------------
cat >"$T/body.txt" <<'EOF'
Grüße aus envoi — ünïcödé text.
.a line starting with a dot
Last line.
EOF
cat >"$T/body.html" <<'EOF'
<html><body><p>Grüße, <b>HTML</b>.</p><img src="cid:logo@envoi.test" alt="logo"></body></html>
EOF
head -c 20000 /dev/urandom >"$T/random.bin"
head -c 3000 /dev/urandom >"$T/logo.png"
secret_file "$T/alice.pass" 'alice-secret'
secret_file "$T/wrong.pass" 'not-the-password'
chmod 600 "$T"/*.pass

FULL=(--from 'Alice Sender <alice@localhost>' --to 'Alice <alice@localhost>' --cc bob@localhost
    --reply-to 'Réponse <reply@localhost>' --subject 'Prüfung: envoi unter valgrind ✓'
    --text "$T/body.txt" --html "$T/body.html" --attach "$T/random.bin;name=Données.bin"
    --inline "$T/logo.png;cid=logo@envoi.test" --header 'X-Envoi-Test: wert mit Ümlaut'
    --priority high --read-receipt)
SHORT=(--from alice@localhost --to alice@localhost --subject 'valgrind' --text "$T/body.txt")

# ---- runs -----------------------------------------------------------------------------------
check_vg 0 dry-run "--dry-run of a message with every feature" send --dry-run "${FULL[@]}"
assert_contains "--dry-run: the message was printed" "$OUT" "X-Envoi-Test:"

before=$(list_files "$SINK/spool")
check_vg 0 smtp-sink "send to smtp-sink" send --server "127.0.0.1:$SINK_PORT" \
    --security none --timeout 20 "${FULL[@]}"
assert_ok "smtp-sink saved the message" test -n "$(new_file_since "$SINK/spool" "$before")"

before=$(list_files "$DV/mail/alice/Maildir/new")
check_vg 0 dovecot "STARTTLS + AUTH PLAIN through Dovecot submission" send \
    --server "127.0.0.1:$SUB" --security starttls --ca-file "$CA" --user alice \
    --password-file "$T/alice.pass" --auth PLAIN --timeout 20 "${FULL[@]}"
assert_ok "Dovecot delivered the message to alice" \
    test -n "$(new_file_since "$DV/mail/alice/Maildir/new" "$before")"

check_vg 0 dovecot-tls "implicit TLS + AUTH CRAM-MD5 through Dovecot submission" send \
    --server "127.0.0.1:$SUBS" --security tls --ca-file "$CA" --user alice \
    --password-file "$T/alice.pass" --auth CRAM-MD5 --timeout 20 "${SHORT[@]}"

check_vg 77 wrong-password "wrong password refused (EX_NOPERM)" send \
    --server "127.0.0.1:$SUB" --security starttls --ca-file "$CA" --user alice \
    --password-file "$T/wrong.pass" --auth LOGIN --timeout 20 "${SHORT[@]}"

check_vg 75 drop-data "connection dropped mid-DATA (EX_TEMPFAIL)" send \
    --server "127.0.0.1:$DROP_PORT" --security none --timeout 20 "${FULL[@]}"

check_vg 75 stall "server stalls after EHLO, --timeout 2 (EX_TEMPFAIL)" send \
    --server "127.0.0.1:$STALL_PORT" --security none --timeout 2 "${SHORT[@]}"
assert_matches "stall: stderr names the timeout" "$ERR" "time"

check_vg 69 untrusted "certificate of an unknown CA refused (EX_UNAVAILABLE)" send \
    --server "127.0.0.1:$SUBS" --security tls --user alice --password-file "$T/alice.pass" \
    --timeout 20 "${SHORT[@]}"

check_vg 69 expired "expired certificate refused after STARTTLS (EX_UNAVAILABLE)" send \
    --server "127.0.0.1:$EXPIRED_PORT" --security starttls --ca-file "$CA" --timeout 20 \
    "${SHORT[@]}"
assert_matches "expired: stderr names the problem" "$ERR" "expired"

# ---- receiving: POP3, the destinations, the store ---------------------------------------------
POP=(--server "127.0.0.1:$POP3" --security starttls --ca-file "$CA" --user alice
    --password-file "$T/alice.pass" --timeout 20)
check_vg 0 list "list over STLS" list "${POP[@]}"
assert_contains "list: the message sent above" "$OUT" "valgrind"
POP+=(--seen-file "$T/seen")
check_vg 0 fetch-maildir "fetch --maildir" fetch "${POP[@]}" --maildir "$T/md"
assert_ok "fetch: messages in the maildir" test "$(count_files "$T/md/new")" -gt 0
check_vg 0 fetch-mbox "fetch --mbox --auth CRAM-MD5" fetch "${POP[@]}" --auth CRAM-MD5 \
    --mbox "$T/mail.mbox"
check_vg 0 fetch-store "fetch --store --auth APOP" fetch "${POP[@]}" --auth APOP \
    --store "$T/mail.db"
check_vg 0 fetch-json "fetch --json --headers-only --limit 2" fetch "${POP[@]}" --json \
    --headers-only --limit 2
assert_contains "fetch --json: a message printed" "$OUT" '"subject":'
check_vg 0 store-search "store search" store search valgrind --store "$T/mail.db" --json
id=$(sed -n 's/^{"id":\([0-9]*\).*/\1/p' <<<"$OUT" | head -n 1)
check_vg 0 store-show "store show --json" store show "${id:-1}" --store "$T/mail.db" --json
assert_contains "store show: the subject" "$OUT" '"subject":'
check_vg 0 parse-mbox "parse --json of the fetched mbox" parse --json "$T/mail.mbox"
secret_file "$T/pop.pass" 'secret'
chmod 600 "$T/pop.pass"
DROP3=$(free_port)
require "POP3 fault server (drop-retr) started" start_pop3_fault "$T/drop3" "$DROP3" drop-retr
check_vg 75 pop3-drop "POP3 connection dropped mid-RETR (EX_TEMPFAIL)" fetch \
    --server "127.0.0.1:$DROP3" --security none --allow-plaintext-auth --user u \
    --password-file "$T/pop.pass" --timeout 20 --seen-file "$T/seen3" --maildir "$T/md3" --delete

finish
