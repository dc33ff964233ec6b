#!/bin/bash
# envoi smime against openssl cms, both ways, with certificates made here by openssl: what envoi
# signs (detached, opaque, PKCS#12) openssl verifies, what envoi encrypts (AES-GCM, AES-CBC)
# openssl decrypts, sign-encrypt through both; what openssl signs and encrypts envoi verifies
# and decrypts. Verdicts: untrusted for an unknown CA, an expired certificate and a TLS-only
# one, bad for altered content; key files others can read refused. Then the S/MIME messages of
# python3-cryptography-vectors: every PKITS signed message gets the verdict openssl gives it
# (valid / untrusted / bad) with the PKITS trust anchor, and the enveloped PKCS#7 vector is
# read as encrypted (3DES) and not ours.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

C=$T/certs
require "test certificates made with openssl" bash "$ENVOI_PEERS/smime_certs.sh" "$C"

smime() { # ARGS...
    "${ENVOI_CMD[@]}" smime "$@"
}
json_field() { # JSON FIELD
    "${PY[@]}" -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(json.dumps(v) if not isinstance(v,str) else v)' "$1" "$2"
}
# The body of a message (after the first empty line), line ends as LF.
body_of() { # FILE
    tr -d '\r' <"$1" | sed '1,/^$/d'
}

MSG=$T/msg.eml
printf 'From: Ann <ann@example.org>\nTo: bob@example.org\nSubject: S/MIME test\nDate: Mon, 2 Jan 2023 10:00:00 +0000\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGrüße aus Köln\nsecond line\n' >"$MSG"

# ---- envoi signs, openssl verifies ---------------------------------------------------------
assert_exit 0 "sign (detached)" smime sign --cert "$C/signer.crt" --key "$C/signer.key" "$MSG"
printf '%s\n' "$OUT" >"$T/signed.eml"
assert_contains "sign: multipart/signed" "$OUT" "multipart/signed"
assert_contains "sign: outer Subject kept outside" "$(sed -n '1,/^\r*$/p' "$T/signed.eml")" "Subject: S/MIME test"
assert_contains "sign: 8bit text re-encoded quoted-printable" "$OUT" "Gr=C3=BC=C3=9Fe aus K=C3=B6ln"
assert_ok "openssl cms -verify accepts the detached signature" \
    openssl cms -verify -CAfile "$C/ca.crt" -in "$T/signed.eml" -out "$T/signed.out"
assert_contains "openssl: the signed content is the QP text part" "$(cat "$T/signed.out")" "quoted-printable"

assert_exit 0 "sign --opaque" smime sign --opaque --cert "$C/signer.crt" --key "$C/signer.key" "$MSG"
printf '%s\n' "$OUT" >"$T/opaque.eml"
assert_contains "opaque: application/pkcs7-mime signed-data" "$OUT" "smime-type=signed-data"
assert_ok "openssl cms -verify accepts the opaque signature" \
    openssl cms -verify -CAfile "$C/ca.crt" -in "$T/opaque.eml" -out "$T/opaque.out"

assert_exit 0 "sign with --pkcs12 and --password-file" smime sign --pkcs12 "$C/signer.p12" \
    --password-file "$C/pw.txt" "$MSG"
printf '%s\n' "$OUT" >"$T/p12.eml"
assert_ok "openssl verifies the PKCS#12 signer's signature" \
    openssl cms -verify -CAfile "$C/ca.crt" -in "$T/p12.eml" -out /dev/null
assert_exit 0 "sign with certificate and key in one file" smime sign --cert "$C/signer-both.pem" "$MSG"

# ---- envoi encrypts, openssl decrypts ------------------------------------------------------
for cipher in aes-256-gcm aes-128-gcm aes-256-cbc aes-128-cbc; do
    assert_exit 0 "encrypt $cipher" smime encrypt --cipher "$cipher" --to-cert "$C/rcpt.crt" "$MSG"
    printf '%s\n' "$OUT" >"$T/enc-$cipher.eml"
    case $cipher in
    *gcm) assert_contains "$cipher: authEnveloped-data" "$OUT" "smime-type=authEnveloped-data" ;;
    *) assert_contains "$cipher: enveloped-data" "$OUT" "smime-type=enveloped-data" ;;
    esac
    assert_not_contains "$cipher: the text is not readable" "$OUT" "second line"
    assert_ok "openssl cms -decrypt reads envoi's $cipher" openssl cms -decrypt \
        -recip "$C/rcpt.crt" -inkey "$C/rcpt.key" -in "$T/enc-$cipher.eml" -out "$T/dec-$cipher.out"
    assert_eq "$cipher: openssl gets the body back" "$(printf 'Grüße aus Köln\nsecond line')" \
        "$(body_of "$T/dec-$cipher.out")"
done
assert_exit 0 "encrypt to self with --cert (no key needed)" smime encrypt --to-cert "$C/rcpt.crt" \
    --cert "$C/signer.crt" "$MSG"
printf '%s\n' "$OUT" >"$T/self.eml"
assert_ok "the sender can read its own copy (openssl)" openssl cms -decrypt \
    -recip "$C/signer.crt" -inkey "$C/signer.key" -in "$T/self.eml" -out /dev/null

# ---- sign-encrypt through both ----------------------------------------------------------------
assert_exit 0 "sign-encrypt" smime sign-encrypt --cert "$C/signer.crt" --key "$C/signer.key" \
    --to-cert "$C/rcpt.crt" "$MSG"
printf '%s\n' "$OUT" >"$T/se.eml"
assert_ok "openssl decrypts then verifies envoi's sign-encrypt" bash -c \
    "openssl cms -decrypt -recip '$C/rcpt.crt' -inkey '$C/rcpt.key' -in '$T/se.eml' | openssl cms -verify -CAfile '$C/ca.crt' -out '$T/se.out'"
assert_exit 0 "envoi decrypts and verifies its own sign-encrypt" smime decrypt --json \
    --ca-file "$C/ca.crt" --cert "$C/rcpt.crt" --key "$C/rcpt.key" --output "$T/se-open.eml" "$T/se.eml"
assert_eq "sign-encrypt: signature valid" valid "$(json_field "$OUT" signature)"
assert_eq "sign-encrypt: decrypted" true "$(json_field "$OUT" decrypted)"
assert_eq "sign-encrypt: signer email" signer@example.org "$(json_field "$OUT" signer_email)"
assert_eq "sign-encrypt: cipher" aes-256-gcm "$(json_field "$OUT" cipher)"
assert_contains "sign-encrypt: inner text back" "$(cat "$T/se-open.eml")" "Gr=C3=BC=C3=9Fe aus K=C3=B6ln"
assert_contains "sign-encrypt: outer Subject kept" "$(cat "$T/se-open.eml")" "Subject: S/MIME test"
openssl cms -sign -signer "$C/signer.crt" -inkey "$C/signer.key" -in "$MSG" |
    openssl cms -encrypt -aes-256-cbc "$C/rcpt.crt" >"$T/ossl-se.eml"
assert_exit 0 "envoi opens openssl's signed-then-encrypted message" smime decrypt --json \
    --ca-file "$C/ca.crt" --cert "$C/rcpt.crt" --key "$C/rcpt.key" "$T/ossl-se.eml"
assert_eq "openssl sign-encrypt: valid" valid "$(json_field "$OUT" signature)"
assert_eq "openssl sign-encrypt: aes-256-cbc" aes-256-cbc "$(json_field "$OUT" cipher)"

# ---- openssl signs and encrypts, envoi reads -------------------------------------------------
openssl cms -sign -signer "$C/signer.crt" -inkey "$C/signer.key" -in "$MSG" >"$T/os.eml"
openssl cms -sign -nodetach -signer "$C/signer.crt" -inkey "$C/signer.key" -in "$MSG" >"$T/oso.eml"
assert_exit 0 "envoi verifies openssl's detached signature" smime verify --ca-file "$C/ca.crt" "$T/os.eml"
assert_contains "verify: says who signed" "$ERR" "good signature from signer@example.org"
assert_contains "verify: prints the inner message" "$OUT" "Grüße aus Köln"
assert_exit 0 "envoi verifies openssl's opaque signature" smime verify --json --ca-file "$C/ca.crt" "$T/oso.eml"
assert_eq "opaque: reported as opaque" true "$(json_field "$OUT" opaque)"
for c in aes-256-cbc aes-128-gcm aes-256-gcm; do
    openssl cms -encrypt -"$c" -in "$MSG" "$C/rcpt.crt" >"$T/oe-$c.eml"
    assert_exit 0 "envoi decrypts openssl's -$c" smime decrypt --cert "$C/rcpt.crt" \
        --key "$C/rcpt.key" --output "$T/oe-$c.out" "$T/oe-$c.eml"
    assert_eq "openssl -$c: body back" "$(printf 'Grüße aus Köln\nsecond line')" "$(body_of "$T/oe-$c.out")"
done

# ---- verdicts -------------------------------------------------------------------------------------
assert_exit 65 "verify without the CA: untrusted" smime verify --json "$T/os.eml"
assert_eq "no CA: untrusted" untrusted "$(json_field "$OUT" signature)"
assert_exit 65 "a signer of another CA: untrusted" bash -c \
    "$(printf '%q ' "$ENVOI") smime sign --cert '$C/stranger.crt' --key '$C/stranger.key' '$MSG' | $(printf '%q ' "$ENVOI") smime verify --ca-file '$C/ca.crt' -"
assert_contains "other CA: the reason names the issuer problem" "$ERR" "cannot be trusted: "
assert_exit 0 "sign with an expired certificate (signing still works)" smime sign \
    --cert "$C/expired.crt" --key "$C/expired.key" "$MSG"
printf '%s\n' "$OUT" >"$T/expired.eml"
assert_exit 65 "expired signer: exit 65" smime verify --json --ca-file "$C/ca.crt" "$T/expired.eml"
assert_eq "expired signer: untrusted" untrusted "$(json_field "$OUT" signature)"
assert_contains "expired signer: reason says expired" "$(json_field "$OUT" reason)" "expired"
assert_exit 0 "TLS-only certificate signs" smime sign --cert "$C/tlsonly.crt" --key "$C/tlsonly.key" "$MSG"
printf '%s\n' "$OUT" >"$T/tls.eml"
assert_exit 65 "TLS-only certificate: untrusted for mail" smime verify --json --ca-file "$C/ca.crt" "$T/tls.eml"
assert_eq "TLS-only: untrusted" untrusted "$(json_field "$OUT" signature)"
sed 's/second line/second lime/' "$T/os.eml" >"$T/tampered.eml"
assert_exit 65 "altered content: exit 65" smime verify --json --ca-file "$C/ca.crt" "$T/tampered.eml"
assert_eq "altered content: bad" bad "$(json_field "$OUT" signature)"
assert_exit 65 "an unsigned message: not signed" smime verify "$MSG"
assert_contains "unsigned: says so" "$ERR" "not signed"
assert_exit 78 "decrypt with a key it was not encrypted to" smime decrypt --cert "$C/stranger.crt" \
    --key "$C/stranger.key" "$T/enc-aes-256-gcm.eml"
assert_contains "wrong key: says no key fits" "$ERR" "not encrypted to our certificate"

# ---- key files ---------------------------------------------------------------------------------
cp "$C/signer.key" "$T/open.key"
chmod 644 "$T/open.key"
assert_exit 66 "a key file others can read is refused" smime sign --cert "$C/signer.crt" --key "$T/open.key" "$MSG"
assert_contains "refused key: the file is named" "$ERR" "$T/open.key"
assert_exit 78 "a key of another certificate" smime sign --cert "$C/signer.crt" --key "$C/rcpt.key" "$MSG"
assert_exit 64 "sign without a certificate: usage" smime sign "$MSG"
assert_exit 64 "an unknown cipher: usage" smime encrypt --cipher des --to-cert "$C/rcpt.crt" "$MSG"

# ---- python3-cryptography-vectors -------------------------------------------------------------
V=/usr/lib/python3/dist-packages/cryptography_vectors
PK=$V/x509/PKITS_data
if [[ -d $PK/smime ]]; then
    openssl x509 -inform DER -in "$PK/certs/TrustAnchorRootCertificate.crt" -out "$T/anchor.pem"
    assert_exit 0 "PKITS SignedValidSignaturesTest1: valid" smime verify --json \
        --ca-file "$T/anchor.pem" --output "$T/pkits1.eml" "$PK/smime/SignedValidSignaturesTest1.eml"
    assert_eq "PKITS ValidSignatures: signer subject" \
        "CN=Valid EE Certificate Test1,O=Test Certificates 2011,C=US" "$(json_field "$OUT" signer_subject)"
    assert_contains "PKITS ValidSignatures: the content" "$(cat "$T/pkits1.eml")" "This is a sample signed message."
    agree=0 differ=0 counts=""
    declare -A seen=()
    for f in "$PK"/smime/*.eml; do
        if openssl cms -verify -CAfile "$T/anchor.pem" -in "$f" -out /dev/null 2>/dev/null; then
            want=valid
        elif openssl cms -verify -noverify -in "$f" -out /dev/null 2>/dev/null; then
            want=untrusted
        else
            want=bad
        fi
        run "$ENVOI" smime verify --json --ca-file "$T/anchor.pem" "$f"
        got=$(json_field "$OUT" signature 2>/dev/null)
        if [[ $got == "$want" ]]; then
            agree=$((agree + 1))
            seen[$want]=$((${seen[$want]:-0} + 1))
        else
            differ=$((differ + 1))
            counts+=" $(basename "$f"): openssl $want, envoi $got;"
        fi
    done
    assert_eq "PKITS: every signed message gets openssl's verdict (${seen[valid]:-0} valid, ${seen[untrusted]:-0} untrusted)" \
        0 "$differ${counts}"
    assert_matches "PKITS: both valid and untrusted verdicts occur" "${seen[valid]:-0} ${seen[untrusted]:-0}" '^[1-9][0-9]* [1-9]'
    assert_exit 65 "PKITS SignedInvalidEESignatureTest3: untrusted" smime verify --json \
        --ca-file "$T/anchor.pem" "$PK/smime/SignedInvalidEESignatureTest3.eml"
    assert_eq "PKITS InvalidEESignature: untrusted" untrusted "$(json_field "$OUT" signature)"
    assert_exit 65 "PKITS SignedInvalidEEnotAfterDateTest6: untrusted" smime verify --json \
        --ca-file "$T/anchor.pem" "$PK/smime/SignedInvalidEEnotAfterDateTest6.eml"
    assert_contains "PKITS InvalidEEnotAfterDate: expired" "$(json_field "$OUT" reason)" "expired"
    # A PKITS end entity's PKCS#12 (password "password") signs; openssl verifies with the anchor.
    cp "$PK/pkcs12/ValidCertificatePathTest1EE.p12" "$T/pkits.p12"
    chmod 600 "$T/pkits.p12"
    secret_file "$T/pkits.pw" password
    assert_exit 0 "sign with the PKITS PKCS#12" smime sign --pkcs12 "$T/pkits.p12" \
        --password-file "$T/pkits.pw" "$MSG"
    printf '%s\n' "$OUT" >"$T/pkits-signed.eml"
    openssl x509 -inform DER -in "$PK/certs/GoodCACert.crt" -out "$T/goodca.pem"
    cat "$T/anchor.pem" "$T/goodca.pem" >"$T/pkits-cas.pem"
    assert_ok "openssl verifies the PKITS-key signature" openssl cms -verify -purpose any \
        -CAfile "$T/pkits-cas.pem" -in "$T/pkits-signed.eml" -out /dev/null
else
    fail "python3-cryptography-vectors: PKITS S/MIME messages not found in $PK/smime"
fi
if [[ -f $V/pkcs7/enveloped.pem ]]; then
    {
        printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: vector\r\nMIME-Version: 1.0\r\n'
        printf 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n'
        printf 'Content-Transfer-Encoding: base64\r\n\r\n'
        grep -v -- '-----' "$V/pkcs7/enveloped.pem"
    } >"$T/vector-env.eml"
    assert_exit 78 "cryptography-vectors enveloped.pem: not for our key" smime decrypt --json \
        --cert "$C/rcpt.crt" --key "$C/rcpt.key" "$T/vector-env.eml"
    assert_eq "enveloped.pem: encrypted" true "$(json_field "$OUT" encrypted)"
    assert_eq "enveloped.pem: not decrypted" false "$(json_field "$OUT" decrypted)"
    assert_eq "enveloped.pem: content cipher read from the structure" des-ede3-cbc "$(json_field "$OUT" cipher)"
fi

finish
