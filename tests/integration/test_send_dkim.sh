#!/bin/bash
# envoi send with DKIM and S/MIME: what aiosmtpd (DATA, and BDAT with PIPELINING) and smtp-sink
# receive verifies with Debian's python3-dkim (the public keys made by openssl here, given
# directly), with rsa-sha256 and ed25519-sha256 keys, from the options and from a config
# account, for composed messages (one with a 1.5 MB attachment), --raw files with bare LF line
# ends and dot lines, and --dry-run output; the DKIM-Signature field comes first. S/MIME
# signed and encrypted messages are verified and decrypted by openssl cms, also when DKIM signs
# the S/MIME result. Missing DKIM options are usage errors (64), unusable keys and certificates
# configuration errors (78).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi
export XDG_CONFIG_HOME=$T/xdg


# ---- keys and certificates, made here ---------------------------------------------------------
K=$T/keys
mkdir -p "$K"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$K/rsa.pem" 2>/dev/null
openssl pkey -in "$K/rsa.pem" -pubout -out "$K/rsa.pub" 2>/dev/null
openssl genpkey -algorithm ED25519 -out "$K/ed.pem" 2>/dev/null
openssl pkey -in "$K/ed.pem" -pubout -out "$K/ed.pub" 2>/dev/null
chmod 600 "$K"/*.pem
RSA_KEY="example.org:rsa2024:$K/rsa.pub"
ED_KEY="example.org:ed2024:$K/ed.pub"

make_cert() { # NAME EMAIL: a key and a certificate for EMAIL signed by the test CA
    openssl req -new -newkey rsa:2048 -nodes -keyout "$K/$1.key" -subj "/CN=$1/emailAddress=$2" \
        -out "$K/$1.csr" 2>/dev/null
    printf 'subjectAltName=email:%s\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\n' \
        "$2" >"$K/$1.ext"
    openssl x509 -req -in "$K/$1.csr" -CA "$K/ca.crt" -CAkey "$K/ca.key" -CAcreateserial \
        -days 30 -extfile "$K/$1.ext" -out "$K/$1.crt" 2>/dev/null
    chmod 600 "$K/$1.key"
}
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$K/ca.key" -subj "/CN=envoi test CA" \
    -days 30 -out "$K/ca.crt" 2>/dev/null
make_cert alice sender@example.org
make_cert bob rcpt@example.org

# ---- peers ------------------------------------------------------------------------------------
DATA=$T/data
DATA_PORT=$(free_port)
require "aiosmtpd (DATA) started" start_aiosmtpd "$DATA" "$DATA_PORT" --save "$DATA/saved"
BDAT=$T/bdat
BDAT_PORT=$(free_port)
require "aiosmtpd (CHUNKING, PIPELINING) started" \
    start_aiosmtpd "$BDAT" "$BDAT_PORT" --chunking --pipelining --save "$BDAT/saved"
SINK=$T/sink
SINK_PORT=$(free_port)
require "smtp-sink started" start_smtp_sink "$SINK" "$SINK_PORT" --save --no-auth

# The newest message aiosmtpd saved in DIR.
last_saved() { # DIR
    find "$1/saved" -name 'msg-*.eml' 2>/dev/null | sort | tail -1
}

printf '%s\n' 'Hello,' '.' '..leading dots' 'a line with trailing space   ' '' '' >"$T/text.txt"
head -c 1572864 /dev/urandom >"$T/big.bin"

SEND=(--security none --timeout 20 --from 'Sender <sender@example.org>' --to rcpt@example.org
    --subject 'signed' --text "$T/text.txt")
RSA_OPTS=(--dkim-domain example.org --dkim-selector rsa2024 --dkim-key "$K/rsa.pem")
ED_OPTS=(--dkim-domain example.org --dkim-selector ed2024 --dkim-key "$K/ed.pem")

# ---- DKIM from the options --------------------------------------------------------------------
assert_exit 0 "rsa-sha256: composed message to aiosmtpd (DATA)" \
    "$ENVOI" send --server "127.0.0.1:$DATA_PORT" "${SEND[@]}" "${RSA_OPTS[@]}"
MSG=$(last_saved "$DATA")
assert_dkim "rsa-sha256: the received message verifies, DKIM-Signature first" "$MSG" --first \
    "$RSA_KEY"
assert_contains "rsa-sha256: a=rsa-sha256, c=relaxed/relaxed" "$(tr -d '\r\n\t ' <"$MSG")" \
    "a=rsa-sha256;"
assert_not_contains "no l= tag" "$(sed '/^\r$/q' "$MSG" | tr -d '\r\n\t ')" ";l="

assert_exit 0 "ed25519-sha256: composed message to aiosmtpd (BDAT, PIPELINING)" \
    "$ENVOI" send --server "127.0.0.1:$BDAT_PORT" "${SEND[@]}" "${ED_OPTS[@]}"
MSG=$(last_saved "$BDAT")
assert_dkim "ed25519-sha256: the received message verifies" "$MSG" --first "$ED_KEY"
assert_contains "ed25519-sha256: a=ed25519-sha256" "$(tr -d '\r\n\t ' <"$MSG")" "a=ed25519-sha256;"

before=$(list_files "$SINK/spool")
assert_exit 0 "rsa-sha256: composed message to smtp-sink (DATA, dot-stuffing)" \
    "$ENVOI" send --server "127.0.0.1:$SINK_PORT" "${SEND[@]}" "${RSA_OPTS[@]}"
dump=$(new_file_since "$SINK/spool" "$before")
if [[ -n $dump ]]; then
    "${MAILTOOL[@]}" sink-message "$dump" "$T/sink.eml"
    assert_dkim "smtp-sink: the message verifies (dot lines unstuffed)" "$T/sink.eml" --lf --first \
        "$RSA_KEY"
else
    fail "smtp-sink saved the message"
fi

# A large attachment: the message is streamed (read twice: once to sign, once to send).
assert_exit 0 "a message with a 1.5 MB attachment, signed" \
    "$ENVOI" send --server "127.0.0.1:$DATA_PORT" "${SEND[@]}" --attach "$T/big.bin" \
    "${ED_OPTS[@]}"
MSG=$(last_saved "$DATA")
assert_dkim "the message with the attachment verifies" "$MSG" --first "$ED_KEY"
"${PY[@]}" - "$MSG" "$T/big.bin" >"$T/att.out" 2>&1 <<'EOF'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
att = [p for p in m.walk() if p.get_filename() == "big.bin"]
print("same" if att and att[0].get_payload(decode=True) == open(sys.argv[2], "rb").read() else "differs")
EOF
assert_eq "the attachment arrived whole" same "$(cat "$T/att.out")"

# ---- --raw with bare LF line ends -------------------------------------------------------------
printf '%s\n' 'From: Sender <sender@example.org>' 'To: rcpt@example.org' 'Subject: raw, LF' \
    'Date: Mon, 02 Jan 2006 15:04:05 +0000' 'Message-ID: <raw-lf@example.org>' '' '.' \
    '..two' 'text   with  spaces  ' '' >"$T/raw-lf.eml"
printf 'no newline at the end' >>"$T/raw-lf.eml"
for port in "$DATA_PORT" "$BDAT_PORT"; do
    assert_exit 0 "--raw with bare LF, signed, to port $port" "$ENVOI" send \
        --server "127.0.0.1:$port" --security none --timeout 20 --raw "$T/raw-lf.eml" \
        --from sender@example.org --to rcpt@example.org "${RSA_OPTS[@]}"
done
assert_dkim "--raw LF: the message received over DATA verifies" "$(last_saved "$DATA")" --first \
    "$RSA_KEY"
assert_dkim "--raw LF: the message received over BDAT verifies" "$(last_saved "$BDAT")" --first \
    "$RSA_KEY"

# ---- --dry-run --------------------------------------------------------------------------------
assert_exit 0 "--dry-run with DKIM" "$ENVOI" send --dry-run "${SEND[@]}" "${RSA_OPTS[@]}"
cp "$T/.out" "$T/dry.eml"
assert_dkim "--dry-run prints the signed message, and it verifies" "$T/dry.eml" --first "$RSA_KEY"
assert_exit 0 "--dry-run --raw (bare LF) with DKIM" "$ENVOI" send --dry-run --raw "$T/raw-lf.eml" \
    --from sender@example.org --to rcpt@example.org "${ED_OPTS[@]}"
cp "$T/.out" "$T/dry-raw.eml"
assert_dkim "--dry-run --raw output verifies" "$T/dry-raw.eml" --first "$ED_KEY"

# ---- a config account -------------------------------------------------------------------------
mkdir -p "$XDG_CONFIG_HOME/envoi"
cat >"$XDG_CONFIG_HOME/envoi/config" <<EOF
[account signer]
server = 127.0.0.1:$DATA_PORT
security = none
from = sender@example.org
dkim-domain = example.org
dkim-selector = ed2024
dkim-key = $K/ed.pem

[account half]
server = 127.0.0.1:$DATA_PORT
security = none
from = sender@example.org
dkim-domain = example.org

[account smime]
server = 127.0.0.1:$DATA_PORT
security = none
from = sender@example.org
smime-cert = $K/alice.crt
smime-key = $K/alice.key
EOF
assert_exit 0 "the account's dkim-* keys sign" "$ENVOI" send --account signer --to rcpt@example.org \
    --subject 'from the account' --text "$T/text.txt"
assert_dkim "the message signed through the account verifies" "$(last_saved "$DATA")" --first \
    "$ED_KEY"
assert_exit 0 "an option overrides the account's selector and key" "$ENVOI" send --account signer \
    --to rcpt@example.org --subject 'override' --text "$T/text.txt" --dkim-selector rsa2024 \
    --dkim-key "$K/rsa.pem"
assert_dkim "signed with the options' key" "$(last_saved "$DATA")" "$RSA_KEY"
assert_exit 78 "an account with dkim-domain alone: configuration error" "$ENVOI" send \
    --account half --to rcpt@example.org --subject x --text "$T/text.txt"
assert_contains "it names the missing key" "$ERR" "dkim-selector"

# ---- usage and key errors ---------------------------------------------------------------------
assert_exit 64 "--dkim-domain without the others" "$ENVOI" send --dry-run "${SEND[@]}" \
    --dkim-domain example.org
assert_contains "names the missing --dkim-selector" "$ERR" "--dkim-selector"
assert_exit 64 "--dkim-key missing" "$ENVOI" send --dry-run "${SEND[@]}" --dkim-domain example.org \
    --dkim-selector s
assert_contains "names the missing --dkim-key" "$ERR" "--dkim-key"
assert_exit 78 "a key file that does not exist" "$ENVOI" send --dry-run "${SEND[@]}" \
    --dkim-domain example.org --dkim-selector s --dkim-key "$K/none.pem"
assert_contains "names the key file" "$ERR" "$K/none.pem"
cp "$K/rsa.pem" "$K/open.pem"
chmod 644 "$K/open.pem"
assert_exit 78 "a key file readable by others" "$ENVOI" send --dry-run "${SEND[@]}" \
    --dkim-domain example.org --dkim-selector s --dkim-key "$K/open.pem"
printf 'not a key\n' >"$K/junk.pem"
chmod 600 "$K/junk.pem"
assert_exit 78 "a file that holds no key" "$ENVOI" send --dry-run "${SEND[@]}" \
    --dkim-domain example.org --dkim-selector s --dkim-key "$K/junk.pem"
assert_exit 64 "--smime-sign without a certificate" "$ENVOI" send --dry-run "${SEND[@]}" --smime-sign
assert_exit 64 "an unknown --smime-cipher" "$ENVOI" send --dry-run "${SEND[@]}" \
    --smime-encrypt-to "$K/bob.crt" --smime-cipher des
assert_exit 78 "--smime-encrypt-to a file that is no certificate" "$ENVOI" send --dry-run \
    "${SEND[@]}" --smime-encrypt-to "$K/junk.pem"

# ---- S/MIME -----------------------------------------------------------------------------------
SMIME_SIGN=(--smime-sign --smime-cert "$K/alice.crt" --smime-key "$K/alice.key")
assert_exit 0 "--smime-sign to aiosmtpd" "$ENVOI" send --server "127.0.0.1:$DATA_PORT" \
    "${SEND[@]}" "${SMIME_SIGN[@]}"
MSG=$(last_saved "$DATA")
run openssl cms -verify -in "$MSG" -CAfile "$K/ca.crt" -out "$T/verified.txt"
assert_eq "openssl cms verifies the S/MIME signature" 0 "$RC"
assert_contains "the signed content is the text" "$(cat "$T/verified.txt")" "..leading dots"
assert_contains "the outer header keeps the Subject" "$(cat "$MSG")" "Subject: signed"

assert_exit 0 "--smime-encrypt-to to aiosmtpd" "$ENVOI" send --server "127.0.0.1:$DATA_PORT" \
    "${SEND[@]}" --smime-encrypt-to "$K/bob.crt"
MSG=$(last_saved "$DATA")
run openssl cms -decrypt -in "$MSG" -recip "$K/bob.crt" -inkey "$K/bob.key" -out "$T/decrypted.txt"
assert_eq "openssl cms decrypts it with the recipient's key" 0 "$RC"
assert_contains "the decrypted content is the text" "$(cat "$T/decrypted.txt")" "..leading dots"
assert_not_contains "the text is not readable on the wire" "$(cat "$MSG")" "leading dots"

assert_exit 0 "--smime-encrypt-to with --smime-cert: also to ourselves, aes-128-cbc" \
    "$ENVOI" send --server "127.0.0.1:$DATA_PORT" "${SEND[@]}" --smime-encrypt-to "$K/bob.crt" \
    --smime-cert "$K/alice.crt" --smime-key "$K/alice.key" --smime-cipher aes-128-cbc
MSG=$(last_saved "$DATA")
run openssl cms -decrypt -in "$MSG" -recip "$K/alice.crt" -inkey "$K/alice.key" \
    -out "$T/self.txt"
assert_eq "the sender can decrypt it too" 0 "$RC"

# S/MIME signed, then DKIM over the result: both verify.
assert_exit 0 "--smime-sign with DKIM" "$ENVOI" send --server "127.0.0.1:$BDAT_PORT" "${SEND[@]}" \
    "${SMIME_SIGN[@]}" "${RSA_OPTS[@]}"
MSG=$(last_saved "$BDAT")
assert_dkim "S/MIME + DKIM: the DKIM signature verifies" "$MSG" --first "$RSA_KEY"
run openssl cms -verify -in "$MSG" -CAfile "$K/ca.crt" -out "$T/both.txt"
assert_eq "S/MIME + DKIM: openssl cms verifies the S/MIME signature" 0 "$RC"

# The account's smime-cert, signed and encrypted, --raw with bare LF, and DKIM.
assert_exit 0 "--raw LF, account's certificate, sign + encrypt + DKIM" "$ENVOI" send \
    --account smime --raw "$T/raw-lf.eml" --to rcpt@example.org --smime-sign \
    --smime-encrypt-to "$K/bob.crt" "${ED_OPTS[@]}"
MSG=$(last_saved "$DATA")
assert_dkim "sign + encrypt + DKIM: DKIM verifies" "$MSG" --first "$ED_KEY"
run openssl cms -decrypt -in "$MSG" -recip "$K/bob.crt" -inkey "$K/bob.key" -out "$T/inner.eml"
assert_eq "sign + encrypt: openssl cms decrypts" 0 "$RC"
run openssl cms -verify -in "$T/inner.eml" -CAfile "$K/ca.crt" -out "$T/inner.txt"
assert_eq "sign + encrypt: the inner signature verifies" 0 "$RC"
assert_contains "sign + encrypt: the inner text is the file's body" "$(cat "$T/inner.txt")" \
    "no newline at the end"

# --dry-run prints what would go: signed with S/MIME and DKIM.
assert_exit 0 "--dry-run with S/MIME and DKIM" "$ENVOI" send --dry-run "${SEND[@]}" \
    "${SMIME_SIGN[@]}" "${ED_OPTS[@]}"
cp "$T/.out" "$T/dry-smime.eml"
assert_dkim "--dry-run S/MIME + DKIM: DKIM verifies" "$T/dry-smime.eml" --first "$ED_KEY"
run openssl cms -verify -in "$T/dry-smime.eml" -CAfile "$K/ca.crt" -out /dev/null
assert_eq "--dry-run S/MIME + DKIM: the S/MIME signature verifies" 0 "$RC"

finish
