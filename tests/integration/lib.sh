# Shared by the integration tests (sourced): a temp dir per script, free ports, peers that are
# always stopped, assertions that say what was expected and what came, and a summary line.
#
# Environment (set by ctest; defaults let a script run by hand from a build directory):
#   ENVOI        the envoi binary          ENVOI_PEERS  tests/peers
#   ENVOI_TESTS  tests/                    ENVOI_KEEP=1 keep the temp dir for a look after

set -u
set -o pipefail

ENVOI_TESTS=${ENVOI_TESTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ENVOI_PEERS=${ENVOI_PEERS:-$ENVOI_TESTS/peers}
ENVOI=${ENVOI:-$ENVOI_TESTS/../build/bin/envoi}
ENVOI_RUN_TIMEOUT=${ENVOI_RUN_TIMEOUT:-30}
# envoi with a bounded run time, for the tests' own shell functions.
# shellcheck disable=SC2034 # used by the test scripts
ENVOI_CMD=(timeout -k 5 "$ENVOI_RUN_TIMEOUT" "$ENVOI")
PY=(env "PYTHONPATH=/usr/lib/python3/dist-packages" /usr/bin/python3)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034
MAILTOOL=("${PY[@]}" "$HERE/mailtool.py")
# shellcheck disable=SC2034
CHECK_MAIL=("${PY[@]}" "$HERE/check_mail.py")

TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/envoi-$TEST_NAME.XXXXXX")
# Peers drop privileges (smtp-sink runs as nobody, dovecot-lda as the mail user): let them in.
chmod 755 "$T"
PASSED=0
FAILED=0
STOPS=$T/.stops   # commands that stop the peers started, one a line, run at exit
USED_PORTS=" "
: >"$STOPS"

# Run the stop commands, newest first.
stop_all() {
    if [[ -f $STOPS ]]; then
        tac "$STOPS" | bash >/dev/null 2>&1
        : >"$STOPS"
    fi
}

cleanup() {
    stop_all
    kill -KILL "$WATCHDOG" 2>/dev/null
    if [[ ${ENVOI_KEEP:-0} == 1 ]]; then
        echo "# temp dir kept: $T"
    else
        rm -rf "$T"
    fi
}

# If this shell is killed outright (say by a test runner's timeout), nothing traps it: a
# watchdog stops the peers and removes the temp dir once the shell is gone.
start_watchdog() {
    local parent=$$
    (
        trap '' INT TERM HUP
        while kill -0 "$parent" 2>/dev/null; do
            sleep 1
        done
        [[ -f $STOPS ]] && tac "$STOPS" | bash
        [[ ${ENVOI_KEEP:-0} == 1 ]] || rm -rf "$T"
    ) </dev/null >/dev/null 2>&1 &
    WATCHDOG=$!
    disown "$WATCHDOG" # no "Killed" notice when cleanup ends it
}
start_watchdog
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- reporting --------------------------------------------------------------------------

pass() { # DESCRIPTION
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}

fail() { # DESCRIPTION [DETAIL...]
    FAILED=$((FAILED + 1))
    echo "FAIL - $1"
    shift
    local line
    for line in "$@"; do
        printf '    %s\n' "$line"
    done
}

# Print the summary line and exit non-zero when anything failed (or nothing ran).
finish() {
    echo "$TEST_NAME: $PASSED passed, $FAILED failed"
    if ((FAILED > 0 || PASSED == 0)); then
        exit 1
    fi
    exit 0
}

# Stop here (with the summary) when a step everything after depends on failed.
require() { # DESCRIPTION CMD...
    local what=$1
    shift
    if ! "$@"; then
        fail "$what" "command: $*"
        finish
    fi
}

# The independent DKIM verifier: Debian's python3-dkim, keys from files (see dkim_check.py).
DKIM_CHECK=("${PY[@]}" "$ENVOI_TESTS/integration/dkim_check.py")

# Does every DKIM signature of FILE verify with python3-dkim?
assert_dkim() { # DESCRIPTION FILE [dkim_check.py options and keys...]
    local what=$1 file=$2 out
    shift 2
    if [[ -z $file || ! -f $file ]]; then
        fail "$what" "no message file"
        return
    fi
    if out=$(timeout -k 5 30 "${DKIM_CHECK[@]}" "$file" "$@" 2>&1); then
        pass "$what"
    else
        fail "$what" "$out"
    fi
}

# A file only its owner can read (envoi refuses password files others can read).
secret_file() { # PATH TEXT
    (umask 077 && printf '%s\n' "$2" >"$1")
}

# ---- assertions -------------------------------------------------------------------------

assert_eq() { # DESCRIPTION EXPECTED GOT
    if [[ $2 == "$3" ]]; then
        pass "$1"
    else
        fail "$1" "expected: $(printf '%q' "$2")" "got:      $(printf '%q' "$3")"
    fi
}

assert_contains() { # DESCRIPTION HAYSTACK NEEDLE
    if [[ $2 == *"$3"* ]]; then
        pass "$1"
    else
        fail "$1" "expected to contain: $3" "got: $(printf '%s' "$2" | head -c 2000)"
    fi
}

assert_not_contains() { # DESCRIPTION HAYSTACK NEEDLE
    if [[ $2 != *"$3"* ]]; then
        pass "$1"
    else
        fail "$1" "expected not to contain: $3" "got: $(printf '%s' "$2" | head -c 2000)"
    fi
}

# Case-insensitive extended regular expression match.
assert_matches() { # DESCRIPTION TEXT ERE
    if grep -qiE -- "$3" <<<"$2"; then
        pass "$1"
    else
        fail "$1" "expected to match (case-insensitive): $3" \
            "got: $(printf '%s' "$2" | head -c 2000)"
    fi
}

assert_file_exists() { # DESCRIPTION PATH
    if [[ -e $2 ]]; then
        pass "$1"
    else
        fail "$1" "expected file: $2"
    fi
}

assert_files_equal() { # DESCRIPTION EXPECTED_FILE GOT_FILE
    if cmp -s "$2" "$3"; then
        pass "$1"
    else
        fail "$1" "files differ: $2 (expected) vs $3 (got)" \
            "$(diff -u <(cat -A "$2") <(cat -A "$3") | head -40)"
    fi
}

# Pass when CMD succeeds (bounded time); on failure show its output.
assert_ok() { # DESCRIPTION CMD...
    local what=$1 out
    shift
    if out=$(timeout -k 5 30 "$@" 2>&1); then
        pass "$what"
    else
        fail "$what" "command: $(printf '%q ' "$@")" "$(head -c 2000 <<<"$out")"
    fi
}

# Run CMD (with a bounded time) and check its exit status; leaves RC, OUT, ERR set.
assert_exit() { # CODE DESCRIPTION CMD...
    local want=$1 what=$2
    shift 2
    run "$@"
    if [[ $RC == "$want" ]]; then
        pass "$what (exit $RC)"
    else
        fail "$what" "command: $(printf '%q ' "$@")" "expected exit: $want" "got exit:      $RC" \
            "stdout: $(head -c 1500 <<<"$OUT")" "stderr: $(head -c 1500 <<<"$ERR")"
    fi
}

# Run CMD with a bounded time; RC, OUT (stdout) and ERR (stderr) hold what happened.
# CMD may be a shell function of the test; it then bounds its own time (use ENVOI_CMD).
run() { # CMD...
    if declare -F -- "$1" >/dev/null; then
        "$@" >"$T/.out" 2>"$T/.err" </dev/null
    else
        timeout -k 5 "$ENVOI_RUN_TIMEOUT" "$@" >"$T/.out" 2>"$T/.err" </dev/null
    fi
    RC=$?
    OUT=$(cat "$T/.out")
    ERR=$(cat "$T/.err")
}

# Like run, with standard input from a file.
run_stdin() { # FILE CMD...
    local input=$1
    shift
    timeout -k 5 "$ENVOI_RUN_TIMEOUT" "$@" >"$T/.out" 2>"$T/.err" <"$input"
    RC=$?
    OUT=$(cat "$T/.out")
    ERR=$(cat "$T/.err")
}

# ---- ports and peers --------------------------------------------------------------------

# A TCP port free on 127.0.0.1 (and ::1 when there is IPv6), not handed out before here.
free_port() {
    local port
    while :; do
        port=$("${PY[@]}" - <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
try:
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s6.bind(("::1", port))
    s6.close()
except OSError as e:
    if e.errno == 98:  # in use on ::1
        port = 0
s.close()
print(port)
EOF
        )
        if [[ $port != 0 && $USED_PORTS != *" $port "* ]]; then
            USED_PORTS+="$port "
            echo "$port"
            return 0
        fi
    done
}

# Each start_* first records how to stop what it starts, so a failed start is cleaned too.
register_stop() { # KIND DIR
    printf "'%s/%s.sh' stop '%s'\n" "$ENVOI_PEERS" "$1" "$2" >>"$STOPS"
}

# start_certs DIR: test certificates (see peers/certs.sh).
start_certs() {
    "$ENVOI_PEERS/certs.sh" "$1"
}

# start_dovecot DIR SUB_PORT SUBS_PORT RELAY_PORT [POP3 POP3S IMAP IMAPS]
start_dovecot() {
    register_stop dovecot "$1"
    "$ENVOI_PEERS/dovecot.sh" start "$@"
}

# start_aiosmtpd DIR PORT [aiosmtpd_server.py options]
start_aiosmtpd() {
    register_stop aiosmtpd "$1"
    "$ENVOI_PEERS/aiosmtpd.sh" start "$@"
}

# start_smtp_sink DIR PORT [--save] [--no-auth] [smtp-sink options]
start_smtp_sink() {
    register_stop smtp_sink "$1"
    "$ENVOI_PEERS/smtp_sink.sh" start "$@"
}

# Stop one peer now (it stays registered; stopping twice is harmless).
stop_peer() { # KIND DIR   (KIND: dovecot, aiosmtpd, smtp_sink)
    "$ENVOI_PEERS/$1.sh" stop "$2"
}

# ---- envoi ------------------------------------------------------------------------------

require_envoi() {
    if [[ ! -x $ENVOI ]]; then
        fail "envoi binary present" "not executable: $ENVOI"
        finish
    fi
}

# envoid of the build (ENVOID overrides it); the test ends, failed, when it is missing.
require_envoid() {
    ENVOID=${ENVOID:-${ENVOI_BUILD:-$ENVOI_TESTS/../build}/bin/envoid}
    if [[ ! -x $ENVOID ]]; then
        fail "envoid binary present" "not executable: $ENVOID"
        finish
    fi
}

# Start CMD in the background (stderr to LOG), stopped at exit; wait (20 s at most) until it
# answers HTTP on 127.0.0.1:PORT. Sets ENVOID_PID; 1 when it exited or never answered.
start_http_daemon() { # LOG PORT CMD...
    local log=$1 port=$2
    shift 2
    "$@" </dev/null >/dev/null 2>"$log" &
    ENVOID_PID=$!
    echo "kill -TERM $ENVOID_PID" >>"$STOPS"
    for _ in $(seq 400); do
        kill -0 "$ENVOID_PID" 2>/dev/null || return 1
        curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" && return 0
        sleep 0.05
    done
    return 1
}

# envoid --foreground ARGS, as start_http_daemon starts it.
start_envoid() { # LOG PORT ARGS...
    local log=$1 port=$2
    shift 2
    start_http_daemon "$log" "$port" "$ENVOID" --foreground "$@"
}

# Stop it with SIGTERM and wait for it: its exit status in EXIT_STATUS.
stop_envoid() { # PID
    kill -TERM "$1"
    wait "$1"
    EXIT_STATUS=$?
}

# The files in DIR (sorted), one per line; empty when none.
list_files() { # DIR
    find "$1" -maxdepth 1 -type f 2>/dev/null | sort
}

count_files() { # DIR
    list_files "$1" | grep -c . || true
}

# Run a checker that prints "ok - ..." / "FAIL - ..." lines (check_mail.py); count its lines.
run_checker() { # CMD...
    local out rc line failed_before=$FAILED
    out=$(timeout -k 5 30 "$@" 2>&1)
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

# The newest file that appeared in DIR since LIST_BEFORE (output of list_files) was taken.
new_file_since() { # DIR LIST_BEFORE
    comm -13 <(printf '%s\n' "$2" | sort) <(list_files "$1") | grep . | tail -n 1
}

# start_fault_server DIR PORT MODE (see peers/fault_server.py)
start_fault_server() {
    register_stop fault_server "$1"
    "$ENVOI_PEERS/fault_server.sh" start "$@"
}

# start_scripted SERVER DIR PORT MODE [SERVER OPTIONS...]: one of the scripted servers of
# tests/peers (pop3_fault_server.py, imap_fault_server.py), logging the commands it gets in
# DIR/commands.log.
start_scripted() {
    local server=$1 dir=$2 port=$3 mode=$4
    shift 4
    mkdir -p "$dir"
    : >"$dir/commands.log"
    "${PY[@]}" "$ENVOI_PEERS/$server" --port "$port" --mode "$mode" \
        --log "$dir/commands.log" "$@" </dev/null >"$dir/server.log" 2>&1 &
    echo "kill $!" >>"$STOPS"
    local i
    for i in $(seq 300); do # a big message's digest comes first
        if "${PY[@]}" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
            "$port" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

start_pop3_fault() { start_scripted pop3_fault_server.py "$@"; } # DIR PORT MODE [OPTIONS...]
start_imap_fault() { start_scripted imap_fault_server.py "$@"; } # DIR PORT MODE [OPTIONS...]
