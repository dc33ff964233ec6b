#!/bin/bash
# envoi send over TLS to servers presenting a good certificate, one with the wrong name, an
# expired one and a self-signed one: each bad one is refused by default with the problem named,
# accepted with its own --ignore-cert relaxation, and still refused with any other one.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

CERTS=$T/certs
require "test certificates made" start_certs "$CERTS"
CA=$CERTS/ca.pem

declare -A PORT
for cert in localhost wrongname expired selfsigned; do
    PORT[$cert]=$(free_port)
    require "aiosmtpd with implicit TLS ($cert) started" start_aiosmtpd "$T/$cert" \
        "${PORT[$cert]}" --tls-cert "$CERTS/$cert.pem" --tls-key "$CERTS/$cert.key" \
        --save "$T/$cert/saved"
done
PORT[starttls-expired]=$(free_port)
require "aiosmtpd with STARTTLS (expired) started" start_aiosmtpd "$T/starttls-expired" \
    "${PORT[starttls-expired]}" --starttls --tls-cert "$CERTS/expired.pem" \
    --tls-key "$CERTS/expired.key" --save "$T/starttls-expired/saved"

printf 'certificate test\n' >"$T/body.txt"

send() { # HOST PORT SECURITY ARGS...
    local host=$1 port=$2 security=$3
    shift 3
    "${ENVOI_CMD[@]}" send --server "$host:$port" --security "$security" --ca-file "$CA" --timeout 20 \
        --from sender@example.org --to rcpt@example.org --subject "TLS test" \
        --text "$T/body.txt" "$@"
}

# Messages a server saved.
eml_count() { # SERVER
    find "$T/$1/saved" -name '*.eml' 2>/dev/null | grep -c . || true
}

# ---- the good certificate: trusted through --ca-file, by IP and by name -----------------
assert_exit 0 "good certificate, by address 127.0.0.1" send 127.0.0.1 "${PORT[localhost]}" tls
assert_exit 0 "good certificate, by name localhost" send localhost "${PORT[localhost]}" tls
assert_eq "good certificate: both messages arrived" 2 "$(eml_count localhost)"

# ---- each bad certificate ----------------------------------------------------------------
check_cert() { # SERVER SECURITY OWN_RELAXATION REASON_ERE
    local server=$1 security=$2 own=$3 reason=$4 other n
    local port=${PORT[$server]}
    assert_exit 69 "$server: refused by default" send 127.0.0.1 "$port" "$security"
    assert_matches "$server: the problem is named in stderr" "$ERR" "$reason"
    assert_eq "$server: nothing sent when refused" 0 "$(eml_count "$server")"
    for other in invalid name expired revocation; do
        [[ $other == "$own" ]] && continue
        assert_exit 69 "$server: still refused with --ignore-cert $other" \
            send 127.0.0.1 "$port" "$security" --ignore-cert "$other"
    done
    assert_eq "$server: nothing sent with other relaxations" 0 "$(eml_count "$server")"
    assert_exit 0 "$server: accepted with --ignore-cert $own" \
        send 127.0.0.1 "$port" "$security" --ignore-cert "$own"
    n=$(eml_count "$server")
    assert_eq "$server: the message arrived with --ignore-cert $own" 1 "$n"
}

check_cert wrongname tls name 'name|host|mismatch|wrong\.example'
check_cert expired tls expired 'expired'
check_cert selfsigned tls invalid 'self[- ]?signed|untrusted|not trusted|unable to get|issuer'
check_cert starttls-expired starttls expired 'expired'

# The relaxations combine: several at once accept what each covers.
assert_exit 0 "wrongname: accepted with --ignore-cert name,expired" \
    send 127.0.0.1 "${PORT[wrongname]}" tls --ignore-cert name,expired

# Without --ca-file the test CA is unknown: the good certificate is untrusted too.
assert_exit 69 "good certificate without --ca-file: untrusted" \
    "$ENVOI" send --server "127.0.0.1:${PORT[localhost]}" --security tls --timeout 20 \
    --from sender@example.org --to rcpt@example.org --subject "TLS test" --text "$T/body.txt"
assert_exit 0 "good certificate without --ca-file, --ignore-cert invalid: accepted" \
    "$ENVOI" send --server "127.0.0.1:${PORT[localhost]}" --security tls --timeout 20 \
    --ignore-cert invalid --from sender@example.org --to rcpt@example.org \
    --subject "TLS test" --text "$T/body.txt"

finish
