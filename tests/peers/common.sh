# Shared by the peer start scripts (sourced): wait for a port, stop a server by its pid file.
# Nothing here listens anywhere but on loopback.

PEER_PYTHON=${PEER_PYTHON:-/usr/bin/python3}
PEER_WAIT_SECONDS=${PEER_WAIT_SECONDS:-10}

# Debian's aiosmtpd lives in the system dist-packages; another python3 may come first on PATH.
# `env` execs the interpreter, so `"${PEER_PYTHON_CMD[@]}" ... &` leaves $! naming python
# itself (a shell function run in the background would leave a subshell's pid instead).
PEER_PYTHON_CMD=(env "PYTHONPATH=/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}"
    "$PEER_PYTHON")
peer_python() {
    "${PEER_PYTHON_CMD[@]}" "$@"
}

# Fail with a clear message when a peer's program is not installed.
peer_require() { # PATH DEBIAN_PACKAGE
    if [[ ! -x $1 ]]; then
        echo "$1 not found: install the Debian package $2 (scripts/deps does)" >&2
        return 1
    fi
}

# Fail unless the system Python has aiosmtpd.
peer_require_aiosmtpd() {
    peer_require "$PEER_PYTHON" python3 || return 1
    if ! peer_python -c 'import aiosmtpd' 2>/dev/null; then
        echo "aiosmtpd missing for $PEER_PYTHON: install python3-aiosmtpd (scripts/deps does)" >&2
        return 1
    fi
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
peer_port_open() { # PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Wait until PID listens on PORT; on timeout or death print LOG and fail.
peer_wait_port() { # NAME PID PORT LOG
    local name=$1 pid=$2 port=$3 log=$4 tries=$((PEER_WAIT_SECONDS * 20))
    while ((tries-- > 0)); do
        if ! peer_alive "$pid"; then
            echo "$name: exited before listening on port $port; log $log:" >&2
            cat "$log" >&2 2>/dev/null
            return 1
        fi
        if peer_port_open "$port"; then
            return 0
        fi
        sleep 0.05
    done
    echo "$name: not listening on port $port after ${PEER_WAIT_SECONDS}s; log $log:" >&2
    cat "$log" >&2 2>/dev/null
    kill "$pid" 2>/dev/null
    return 1
}

# True while PID runs; a zombie counts as gone (whoever reaps it may be slow to).
peer_alive() { # PID
    local stat
    read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# Kill the process named in PIDFILE (TERM, then KILL after a bounded wait) and remove the file.
# Safe under `set -e`: a process already gone is not an error.
peer_stop_pidfile() { # PIDFILE [WAIT_SECONDS]
    local pidfile=$1 pid tries=$((${2:-5} * 20))
    [[ -f $pidfile ]] || return 0
    pid=$(<"$pidfile")
    rm -f "$pidfile"
    [[ $pid =~ ^[0-9]+$ ]] || return 0
    kill "$pid" 2>/dev/null || return 0
    while ((tries-- > 0)) && peer_alive "$pid"; do
        sleep 0.05
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 0
}
