#!/bin/bash
# envoi sendmail (and envoi called as "sendmail") into aiosmtpd through the default account: the
# envelope (-f, -t recipients with the command line's, Bcc recipients) and the delivered bytes
# (Bcc gone, From from -F and the account added, Date and Message-ID added, CRLF line ends, a
# lone "." ending the message unless -i, dots kept); refused (69) and deferred (75) recipients, a
# server down (75); into envoid's capture mailbox and a spool directory with [sendmail] mode =
# queue; usage (64), recipients without a domain (67) and configuration (78) errors.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ENVOID=${ENVOID:-${ENVOI_BUILD:-$ENVOI_TESTS/../build}/bin/envoid}
require_envoi
export XDG_CONFIG_HOME=$T/xdg # no config but the ones named here
mkdir -p "$T/bin"
ln -s "$ENVOI" "$T/bin/sendmail"
SENDMAIL=$T/bin/sendmail

S=$T/smtp
PORT=$(free_port)
require "aiosmtpd started" start_aiosmtpd "$S" "$PORT" --refuse nobody@example.org \
    --tempfail busy@example.org --save "$S/saved"
CONF=$T/direct.conf
printf '[account main]\nserver = 127.0.0.1:%s\nsecurity = none\ntimeout = 20\nfrom = Main Desk <desk@example.org>\n' \
    "$PORT" >"$CONF"

N=0 # messages saved so far
# envoi sendmail with the direct config and stdin from FILE; RC, OUT, ERR set.
sm() { # FILE ARGS...
    local input=$1
    shift
    run_stdin "$input" "$ENVOI" sendmail -C "$CONF" "$@"
}
meta() { # N -> the envelope JSON of message N
    cat "$(printf '%s/saved/msg-%04d.json' "$S" "$1")" 2>/dev/null
}
eml() { # N -> the path of message N
    printf '%s/saved/msg-%04d.eml' "$S" "$1"
}
# A value from JSON text: a Python expression over d.
jf() { # JSON EXPR
    "${PY[@]}" -c 'import json,sys; d=json.loads(sys.argv[1]); r=eval(sys.argv[2]); print(json.dumps(r) if isinstance(r,(dict,list,bool)) or r is None else r)' "$1" "$2" 2>/dev/null
}
# How many LF in FILE are not after a CR.
bare_lf() { # FILE
    "${PY[@]}" -c 'import sys; d=open(sys.argv[1],"rb").read(); print(d.count(b"\n")-d.count(b"\r\n"))' "$1"
}
# The count of header fields named NAME in FILE's header.
field_count() { # FILE NAME
    "${PY[@]}" -c 'import sys,email; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(len(m.get_all(sys.argv[2]) or []))' "$1" "$2"
}

# ---- help and usage -------------------------------------------------------------------------
assert_exit 0 "envoi sendmail --help" "$ENVOI" sendmail --help
assert_contains "the help names -t" "$OUT" "-t              recipients from To, Cc and Bcc"
assert_contains "the help lists what is ignored" "$OUT" "Accepted and ignored: -bm"
assert_exit 0 "envoi help sendmail" "$ENVOI" help sendmail
assert_exit 0 "envoi --help" "$ENVOI" --help
assert_contains "envoi --help names sendmail" "$OUT" "sendmail  send a message read on standard"
printf 'Subject: x\n\nx\n' >"$T/x.txt"
assert_exit 64 "no recipient and no -t" "$ENVOI" sendmail -C "$CONF"
assert_contains "it says how to name them" "$ERR" "no recipient: name them on the command line or use -t"
sm "$T/x.txt" -t
assert_eq "-t with no To, Cc, Bcc: exit 64" 64 "$RC"
assert_contains "it says none was found" "$ERR" "no recipient on the command line nor in To, Cc or Bcc"
assert_exit 64 "an unknown option" "$ENVOI" sendmail -C "$CONF" -q bob@example.org
assert_contains "it names the option" "$ERR" "unknown option '-q'"
assert_exit 64 "a mode other than -bm" "$ENVOI" sendmail -C "$CONF" -bs
assert_contains "it names the mode" "$ERR" "-bs is not supported"
assert_exit 64 "an unknown -o option" "$ENVOI" sendmail -C "$CONF" -oZ bob@example.org
assert_contains "it names it" "$ERR" "unknown option '-oZ'"
assert_exit 64 "-f without its value" "$ENVOI" sendmail -C "$CONF" -f
assert_contains "it says a value is needed" "$ERR" "-f needs a value"
sm "$T/x.txt" 'not an address@'
assert_eq "a recipient that is not an address: exit 64" 64 "$RC"
sm "$T/x.txt" root
assert_eq "a recipient without a domain: exit 67" 67 "$RC"
assert_contains "it says why" "$ERR" "recipient 'root': no domain"

# ---- configuration errors ------------------------------------------------------------------
run_stdin "$T/x.txt" "$ENVOI" sendmail bob@example.org
assert_eq "no config file: exit 78" 78 "$RC"
assert_contains "it names the files looked for" "$ERR" "no config file"
printf '[account a]\nserver = 127.0.0.1:%s\n[account b]\nserver = 127.0.0.1:%s\n' "$PORT" "$PORT" >"$T/two.conf"
run_stdin "$T/x.txt" "$ENVOI" sendmail -C "$T/two.conf" bob@example.org
assert_eq "two accounts and no default: exit 78" 78 "$RC"
assert_contains "it says how to name one" "$ERR" "no account to send through"
printf '[sendmail]\nmode = later\n' >"$T/badmode.conf"
run_stdin "$T/x.txt" "$ENVOI" sendmail -C "$T/badmode.conf" bob@example.org
assert_eq "a bad [sendmail] mode: exit 78" 78 "$RC"
assert_contains "it names the file, line and key" "$ERR" "badmode.conf:2: [sendmail] mode: expected direct or queue"
printf '[sendmail]\nmood = queue\n' >"$T/badkey.conf"
run_stdin "$T/x.txt" "$ENVOI" sendmail -C "$T/badkey.conf" bob@example.org
assert_eq "an unknown [sendmail] key: exit 78" 78 "$RC"
assert_contains "it names the key" "$ERR" "[sendmail] mood: unknown key"

# ---- direct: -t, Bcc, -F, added fields, the lone dot --------------------------------------
printf 'To: Bob <bob@example.org>\nCc: carol@example.org, Team: dave@example.org, "Doe, Eve" <eve@example.org>;\nBcc: hidden@example.org\nSubject: sendmail -t\n\nHello\n.. two dots\n. a dot and a space\n.\nnot sent\n' >"$T/t.txt"
sm "$T/t.txt" -t -F 'Jörg Müller' -odi -oem -oQ/var/spool -bm extra@example.org
assert_eq "-t with the command line's recipient: exit 0" 0 "$RC"
N=$((N + 1))
M=$(meta $N)
assert_eq "the envelope sender is the account's from" desk@example.org "$(jf "$M" 'd["mail_from"]')"
assert_eq "the recipients: command line, To, Cc with its group, Bcc" \
    '["extra@example.org", "bob@example.org", "carol@example.org", "dave@example.org", "eve@example.org", "hidden@example.org"]' \
    "$(jf "$M" 'd["rcpt_tos"]')"
F=$(eml $N)
assert_not_contains "Bcc is not in the delivered message" "$(cat "$F")" "hidden@example.org"
assert_eq "one From added" 1 "$(field_count "$F" From)"
assert_contains "From: -F's name (encoded) with the account's address" "$(cat "$F")" \
    "From: =?utf-8?b?SsO2cmcgTcO8bGxlcg==?= <desk@example.org>"
assert_eq "a Date added" 1 "$(field_count "$F" Date)"
assert_eq "a Message-ID added" 1 "$(field_count "$F" Message-ID)"
assert_eq "every line ends in CRLF" 0 "$(bare_lf "$F")"
assert_contains "a line of two dots arrives whole" "$(cat "$F")" $'\r\n.. two dots\r\n'
assert_contains "a line starting '. ' arrives whole" "$(cat "$F")" $'\r\n. a dot and a space\r'
assert_not_contains "a lone '.' ended the message (no -i)" "$(cat "$F")" "not sent"

sm "$T/t.txt" -i bob@example.org
assert_eq "-i: exit 0" 0 "$RC"
N=$((N + 1))
F=$(eml $N)
assert_contains "-i: the lone '.' line is part of the message" "$(cat "$F")" $'\r\n.\r\nnot sent\r'
assert_eq "-i without -t: only the command line's recipient" '["bob@example.org"]' "$(jf "$(meta $N)" 'd["rcpt_tos"]')"
assert_not_contains "without -t Bcc is removed too" "$(cat "$F")" "hidden@example.org"

sm "$T/t.txt" -oi bob@example.org
N=$((N + 1))
assert_contains "-oi is -i" "$(cat "$(eml $N)")" "not sent"

# ---- -f, existing fields kept, the sendmail link ------------------------------------------
printf 'From: Author <author@example.org>\nDate: Mon, 2 Mar 2026 10:00:00 +0100\nMessage-ID: <fixed@example.org>\nSubject: kept\n\nbody\n' >"$T/f.txt"
sm "$T/f.txt" -f bounce@example.org -F Ignored bob@example.org
assert_eq "-f: exit 0" 0 "$RC"
N=$((N + 1))
F=$(eml $N)
assert_eq "-f sets the envelope sender" bounce@example.org "$(jf "$(meta $N)" 'd["mail_from"]')"
assert_eq "the message's From is kept, alone" 1 "$(field_count "$F" From)"
assert_contains "the message's From is unchanged" "$(cat "$F")" "From: Author <author@example.org>"
assert_contains "its Date is unchanged" "$(cat "$F")" "Date: Mon, 2 Mar 2026 10:00:00 +0100"
assert_eq "no second Message-ID" 1 "$(field_count "$F" Message-ID)"

run_stdin "$T/f.txt" "$SENDMAIL" -C "$CONF" -fbounce2@example.org -- bob@example.org
assert_eq "called as sendmail, -fFROM attached: exit 0" 0 "$RC"
N=$((N + 1))
assert_eq "-fFROM sets the envelope sender" bounce2@example.org "$(jf "$(meta $N)" 'd["mail_from"]')"

run_stdin "$T/x.txt" "$SENDMAIL" -C "$CONF" -f '<>' bob@example.org
N=$((N + 1))
assert_eq "-f '<>': the null sender (MAIL FROM:<>)" "<>" "$(jf "$(meta $N)" 'd["mail_from"]')"
assert_contains "-f '<>': From is still the account's" "$(cat "$(eml $N)")" "From: Main Desk <desk@example.org>"

if [[ -L ${ENVOI%/*}/sendmail ]]; then
    pass "the build has a sendmail link next to envoi"
else
    fail "the build has a sendmail link next to envoi" "missing: ${ENVOI%/*}/sendmail"
fi

# A message with no header at all: the body starts at once.
printf 'just a body line\n' >"$T/nohdr.txt"
sm "$T/nohdr.txt" bob@example.org
N=$((N + 1))
F=$(eml $N)
assert_contains "no header: From, Date, Message-ID added before the body" "$(cat "$F")" $'\r\n\r\njust a body line\r'
assert_eq "no header: one From" 1 "$(field_count "$F" From)"

# ---- refused, deferred, unreachable -------------------------------------------------------
sm "$T/x.txt" nobody@example.org
assert_eq "the recipient refused (550): exit 69" 69 "$RC"
assert_contains "the refusal is reported" "$ERR" "nobody@example.org"
sm "$T/x.txt" busy@example.org
assert_eq "the recipient deferred (450): exit 75" 75 "$RC"
DEAD=$(free_port)
printf '[account main]\nserver = 127.0.0.1:%s\nsecurity = none\nfrom = a@example.org\n' "$DEAD" >"$T/dead.conf"
run_stdin "$T/x.txt" "$ENVOI" sendmail -C "$T/dead.conf" bob@example.org
assert_eq "no server listening: exit 75" 75 "$RC"
assert_contains "it names the server" "$ERR" "127.0.0.1 port $DEAD"
assert_eq "nothing more was saved" "" "$(meta $((N + 1)))"

# ---- queue mode -----------------------------------------------------------------------------
QPORT=$(free_port)
SPOOL=$T/spool
printf '[spool]\ndir = %s\nlisten = 127.0.0.1:%s\nworkers = 1\n[sendmail]\nmode = queue\n' "$SPOOL" "$QPORT" >"$T/queue.conf"
run_stdin "$T/x.txt" "$ENVOI" sendmail -C "$T/queue.conf" bob@example.org
assert_eq "queue mode, envoid not running: exit 75" 75 "$RC"
assert_contains "it names envoid's address" "$ERR" "127.0.0.1:$QPORT"
assert_contains "it gives the hint" "$ERR" "(is envoid running?)"

if [[ -x $ENVOID ]]; then
    "$ENVOID" --foreground --config "$T/queue.conf" </dev/null >/dev/null 2>"$T/envoid.log" &
    EPID=$!
    echo "kill -TERM $EPID" >>"$STOPS"
    for _ in $(seq 100); do
        curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$QPORT/v1/stats" && break
        sleep 0.1
    done
    printf 'To: Queue Reader <reader@example.org>\nBcc: secret@example.org\nSubject: through the queue\n\nQueued body.\n' >"$T/q.txt"
    run_stdin "$T/q.txt" "$ENVOI" sendmail -C "$T/queue.conf" -t -v -f queue@example.org
    assert_eq "queue mode into envoid: exit 0" 0 "$RC"
    assert_matches "-v prints the id" "$ERR" "queued in http://127.0.0.1:$QPORT as [0-9a-z]+"
    ID=$(grep -oE 'as [0-9a-z]+$' <<<"$ERR" | cut -c4-)
    status=
    for _ in $(seq 300); do
        status=$("${ENVOI_CMD[@]}" queue status "$ID" --config "$T/queue.conf" 2>/dev/null)
        [[ $status != pending ]] && break
        sleep 0.1
    done
    assert_eq "the queued message becomes sent" sent "$status"
    CAPTURED=$(grep -l "Subject: through the queue" "$SPOOL"/capture/new/* 2>/dev/null | head -1)
    assert_file_exists "envoid's capture mailbox holds it" "$CAPTURED"
    if [[ -n $CAPTURED ]]; then
        assert_not_contains "the captured message has no Bcc field" "$(cat "$CAPTURED")" "Bcc:"
        assert_contains "the captured message has a Message-ID" "$(cat "$CAPTURED")" "Message-ID: <"
    fi
    assert_ok "the queue shows the Bcc recipient in the envelope" \
        bash -c "'$ENVOI' queue show '$ID' --config '$T/queue.conf' | grep -q 'secret@example.org'"
    assert_ok "the queue shows -f as the sender" \
        bash -c "'$ENVOI' queue show '$ID' --config '$T/queue.conf' | grep -qE 'from: +queue@example.org'"
else
    fail "envoid binary present" "not executable: $ENVOID"
fi

# ---- direct mode with the account's DKIM keys: what arrives verifies -------------------------
openssl genpkey -algorithm ed25519 -out "$T/dkim.pem" 2>/dev/null && chmod 600 "$T/dkim.pem"
printf '[account main]\nserver = 127.0.0.1:%s\nsecurity = none\ntimeout = 20\nfrom = desk@example.org\ndkim-domain = example.org\ndkim-selector = desk\ndkim-key = %s\n' \
    "$PORT" "$T/dkim.pem" >"$T/dkim.conf"
printf 'Subject: signed by sendmail\nTo: someone@example.org\n\nA PHP mail() body.\n' >"$T/dkim.txt"
run_stdin "$T/dkim.txt" "$ENVOI" sendmail -C "$T/dkim.conf" -t
assert_eq "sendmail with the account's dkim-* keys: exit 0" 0 "$RC"
N=$((N + 1))
assert_dkim "the message arrives DKIM-signed first, and python3-dkim verifies it" "$(eml $N)" \
    --lf --first "example.org:desk:$T/dkim.pem"
printf '[account main]\nserver = 127.0.0.1:%s\nsecurity = none\nfrom = desk@example.org\ndkim-domain = example.org\ndkim-selector = desk\n' \
    "$PORT" >"$T/dkim-half.conf"
run_stdin "$T/dkim.txt" "$ENVOI" sendmail -C "$T/dkim-half.conf" -t
assert_eq "dkim-domain and dkim-selector without dkim-key: exit 78" 78 "$RC"
assert_contains "it names the missing key" "$ERR" "dkim-key"

DIRSPOOL=$T/dirspool
printf '[sendmail]\nmode = queue\nspool = %s\n' "$DIRSPOOL" >"$T/dir.conf"
run_stdin "$T/x.txt" "$ENVOI" sendmail -C "$T/dir.conf" dir@example.org
assert_eq "queue mode into a spool directory: exit 0" 0 "$RC"
assert_eq "the directory's queue holds it, for dir@example.org" 1 \
    "$(sqlite3 -cmd '.timeout 5000' "$DIRSPOOL/queue.db" "SELECT count(*) FROM recipients WHERE address='dir@example.org'" 2>&1)"

finish
