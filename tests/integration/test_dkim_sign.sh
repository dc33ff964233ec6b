#!/bin/bash
# envoi dkim sign: RSA 2048 and Ed25519 keys made by openssl, messages signed in both
# canonicalizations, with and without over-signing, a multipart message from
# `envoi send --dry-run`, bare-LF input, l=, i=, x=; every signature checked by an independent
# verifier (Debian's python3-dkim, tests/integration/dkim_check.py, the key record built from
# the key file). A changed body, a changed Subject and a second From (From over-signed) must
# fail verification. Bad keys, options and messages get their sysexits codes.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi


sign() { # ARGS...
    "${ENVOI_CMD[@]}" dkim sign "$@"
}

# Does the signed message FILE verify with KEY? Passes when the verdict is WANT (pass|fail).
assert_verdict() { # WANT DESCRIPTION FILE KEY [--crlf]
    local want=$1 what=$2 out rc
    shift 2
    out=$(timeout -k 5 30 "${DKIM_CHECK[@]}" "$@" 2>&1)
    rc=$?
    if [[ $want == pass && $rc == 0 ]] || [[ $want == fail && $rc == 1 ]]; then
        pass "$what"
    else
        fail "$what" "expected verdict: $want" "got (exit $rc): $out"
    fi
}

# The message of FILE without its first header field (the signature, with its folded lines).
strip_signature() { # FILE
    awk 'NR == 1 { next } !done && /^[ \t]/ { next } { done = 1; print }' "$1"
}

# Every line of the DKIM-Signature field fits in 78 columns (plus CRLF).
assert_field_folded() { # DESCRIPTION FILE
    local longest
    longest=$(awk 'NR > 1 && !/^[ \t]/ { exit } { sub(/\r$/, ""); if (length > m) m = length }
                   END { print m }' "$2")
    if ((longest <= 78)); then
        pass "$1"
    else
        fail "$1" "longest line of the field: $longest"
    fi
}

# ---- keys and messages ---------------------------------------------------------------------
(umask 077 &&
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa.pem" 2>/dev/null &&
    openssl genpkey -algorithm ED25519 -out "$T/ed.pem" 2>/dev/null)
require "openssl made an RSA and an Ed25519 key" test -s "$T/rsa.pem" -a -s "$T/ed.pem"

printf '%s\r\n' \
    'From: Joe SixPack <joe@football.example.com>' \
    'To: Suzie Q <suzie@shopping.example.net>' \
    'Subject: Is dinner ready?' \
    'Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)' \
    'Message-ID: <20030712040037.46341.5F8J@football.example.com>' \
    '' \
    'Hi.' \
    '' \
    'We lost the game.  Are you hungry yet?   ' \
    '' \
    'Joe.' '' '' >"$T/msg.eml"

# ---- both keys, both canonicalizations, over-signing or not --------------------------------
for key in rsa ed; do
    alg=rsa-sha256
    [[ $key == ed ]] && alg=ed25519-sha256
    for canon in relaxed/relaxed simple/simple relaxed/simple; do
        out=$T/signed-$key-${canon/\//-}.eml
        assert_exit 0 "$key $canon: signed" sign "$T/msg.eml" --domain football.example.com \
            --selector sel --key "$T/$key.pem" --canonicalization "$canon"
        printf '%s\n' "$OUT" >"$out"
        assert_contains "$key $canon: a= and c= in the field" "$OUT" "a=$alg; c=$canon;"
        assert_verdict pass "$key $canon: python3-dkim verifies the signature" "$out" "$T/$key.pem"
        assert_field_folded "$key $canon: the field is folded at 78 columns" "$out"
    done
    out=$T/signed-$key-plain.eml
    assert_exit 0 "$key: signed without over-signing" sign "$T/msg.eml" \
        --domain football.example.com --selector sel --key "$T/$key.pem" \
        --headers from:to:subject:date:message-id
    printf '%s\n' "$OUT" >"$out"
    assert_contains "$key: h= lists each field once" "$(tr -d '\r\n\t ' <"$out")" \
        "h=from:to:subject:date:message-id;"
    assert_verdict pass "$key: python3-dkim verifies the signature without over-signing" \
        "$out" "$T/$key.pem"
done

# The signed output is the field followed by the message exactly as it came.
sign "$T/msg.eml" --domain football.example.com --selector sel --key "$T/ed.pem" \
    >"$T/signed.eml" 2>"$T/sign.err"
strip_signature "$T/signed.eml" >"$T/unsigned.eml"
assert_files_equal "the message after the field is the input unchanged" "$T/msg.eml" \
    "$T/unsigned.eml"
assert_contains "default h= over-signs the fields present" "$(tr -d '\r\n\t ' <"$T/signed.eml")" \
    "h=from:from:subject:subject:date:date:to:to:message-id:message-id;"

# ---- tampering must fail -------------------------------------------------------------------
for key in rsa ed; do
    good=$T/signed-$key-relaxed-relaxed.eml
    sed 's/hungry yet/hungry now/' "$good" >"$T/tampered-body.eml"
    assert_verdict fail "$key: a changed body fails verification" "$T/tampered-body.eml" \
        "$T/$key.pem"
    sed 's/^Subject: Is dinner ready?/Subject: Is lunch ready?/' "$good" >"$T/tampered-subj.eml"
    assert_verdict fail "$key: a changed Subject fails verification" "$T/tampered-subj.eml" \
        "$T/$key.pem"
    # A second From put above the original one: the extra h= entry of the over-signed From
    # now finds it.
    awk '/^From:/ && !done { printf "From: Mallory <ceo@football.example.com>\r\n"; done = 1 }
         { print }' "$good" >"$T/second-from.eml"
    assert_verdict fail "$key: a second From fails verification when From is over-signed" \
        "$T/second-from.eml" "$T/$key.pem"
    sed 's/^Subject: Is dinner ready?/Subject: Wire the money\r\nSubject: Is dinner ready?/' \
        "$good" >"$T/second-subject.eml"
    assert_verdict fail "$key: a second Subject fails verification when over-signed" \
        "$T/second-subject.eml" "$T/$key.pem"
    # The control: signed once, the original Subject (the last one) still verifies.
    sed 's/^Subject: Is dinner ready?/Subject: Wire the money\r\nSubject: Is dinner ready?/' \
        "$T/signed-$key-plain.eml" >"$T/second-subject-plain.eml"
    assert_verdict pass "$key: a Subject added above verifies when Subject is not over-signed" \
        "$T/second-subject-plain.eml" "$T/$key.pem"
done

# ---- a multipart message from envoi send --dry-run ------------------------------------------
printf 'Plain text, with trailing blanks   \nand a second line.\n' >"$T/body.txt"
printf '<p>HTML <b>part</b></p>\n' >"$T/body.html"
head -c 3000 /dev/urandom >"$T/data.bin"
assert_exit 0 "send --dry-run builds a multipart message" "${ENVOI_CMD[@]}" send --dry-run \
    --from 'Zoë <zoe@example.org>' --to bob@example.net --subject 'Multipart, signed' \
    --text "$T/body.txt" --html "$T/body.html" --attach "$T/data.bin"
printf '%s\n' "$OUT" >"$T/multi.eml"
assert_contains "the dry-run message is multipart" "$OUT" "multipart/"
for key in rsa ed; do
    for canon in relaxed simple; do
        run_stdin "$T/multi.eml" "$ENVOI" dkim sign - --domain example.org --selector m \
            --key "$T/$key.pem" --canonicalization "$canon"
        assert_eq "$key $canon: multipart message signed from standard input" 0 "$RC"
        printf '%s\n' "$OUT" >"$T/multi-signed.eml"
        assert_verdict pass "$key $canon: python3-dkim verifies the multipart message" \
            "$T/multi-signed.eml" "$T/$key.pem"
    done
done

# ---- bare LF input ---------------------------------------------------------------------------
tr -d '\r' <"$T/msg.eml" >"$T/lf.eml"
for canon in relaxed simple; do
    sign "$T/lf.eml" --domain football.example.com --selector sel --key "$T/rsa.pem" \
        --canonicalization "$canon" >"$T/lf-signed.eml"
    if grep -q $'\r' "$T/lf-signed.eml"; then
        fail "bare LF $canon: the field keeps the message's bare LF line ends"
    else
        pass "bare LF $canon: the field keeps the message's bare LF line ends"
    fi
    assert_verdict pass "bare LF $canon: verifies once the line ends are CRLF" \
        "$T/lf-signed.eml" "$T/rsa.pem" --crlf
done

# ---- l=, i=, x=, t= -------------------------------------------------------------------------
assert_exit 0 "signed with l=, i=, x= and a fixed t=" sign "$T/msg.eml" \
    --domain football.example.com --selector sel --key "$T/ed.pem" --body-length \
    --identity joe@news.football.example.com --expire 86400 --time 1700000000
printf '%s\n' "$OUT" >"$T/tags.eml"
flat=$(tr -d '\r\n\t ' <"$T/tags.eml")
assert_contains "t=, x=, i= and l= in the field" "$flat" \
    "t=1700000000;x=1700086400;i=joe@news.football.example.com;l=54;"
# x= is in the past for this verifier, so only l= is checked against python3-dkim here.
assert_exit 0 "signed with l= at the current time" sign "$T/msg.eml" \
    --domain football.example.com --selector sel --key "$T/ed.pem" --body-length
printf '%s\n' "$OUT" >"$T/l.eml"
assert_verdict pass "l=: python3-dkim verifies" "$T/l.eml" "$T/ed.pem"
printf 'Appended by a list.\r\n' >>"$T/l.eml"
assert_verdict pass "l=: text appended after the signed length still verifies" "$T/l.eml" \
    "$T/ed.pem"
assert_exit 0 "signed with i= and x= at the current time" sign "$T/msg.eml" \
    --domain football.example.com --selector sel --key "$T/rsa.pem" \
    --identity @football.example.com --expire 3600
printf '%s\n' "$OUT" >"$T/ix.eml"
assert_verdict pass "i= and x=: python3-dkim verifies" "$T/ix.eml" "$T/rsa.pem"

# ---- refusals ------------------------------------------------------------------------------
cp "$T/ed.pem" "$T/open.pem" && chmod 644 "$T/open.pem"
assert_exit 78 "a key readable by others is refused" sign "$T/msg.eml" --domain example.org \
    --selector s --key "$T/open.pem"
assert_contains "the refusal names the mode problem" "$ERR" "readable by group or others"
(umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/ec.pem" 2>/dev/null)
assert_exit 78 "an EC key is refused" sign "$T/msg.eml" --domain example.org --selector s \
    --key "$T/ec.pem"
assert_contains "the refusal names RSA and Ed25519" "$ERR" "RSA or an Ed25519"
(umask 077 && printf 'not a key\n' >"$T/junk.pem")
assert_exit 78 "a file without a key is refused" sign "$T/msg.eml" --domain example.org \
    --selector s --key "$T/junk.pem"
assert_exit 78 "a missing key file" sign "$T/msg.eml" --domain example.org --selector s \
    --key "$T/none.pem"
assert_exit 78 "--algorithm that the key does not sign" sign "$T/msg.eml" \
    --domain example.org --selector s --key "$T/ed.pem" --algorithm rsa-sha256
assert_contains "the mismatch is named" "$ERR" "signs ed25519-sha256, not rsa-sha256"
assert_exit 0 "--algorithm that the key signs" sign "$T/msg.eml" --domain example.org \
    --selector s --key "$T/ed.pem" --algorithm ed25519-sha256
assert_exit 64 "--domain missing" sign "$T/msg.eml" --selector s --key "$T/ed.pem"
assert_exit 64 "a bad domain" sign "$T/msg.eml" --domain 'exa mple.org' --selector s \
    --key "$T/ed.pem"
assert_exit 64 "a bad canonicalization" sign "$T/msg.eml" --domain example.org --selector s \
    --key "$T/ed.pem" --canonicalization relaxed/loose
assert_exit 64 "a header list without From" sign "$T/msg.eml" --domain example.org \
    --selector s --key "$T/ed.pem" --headers to:subject
assert_exit 64 "an identity outside the domain" sign "$T/msg.eml" --domain example.org \
    --selector s --key "$T/ed.pem" --identity joe@example.net
assert_exit 64 "an unknown option" sign "$T/msg.eml" --domain example.org --selector s \
    --key "$T/ed.pem" --frobnicate
assert_exit 66 "a message file that does not exist" sign "$T/nothing.eml" \
    --domain example.org --selector s --key "$T/ed.pem"
printf 'To: a@example.org\r\nSubject: no author\r\n\r\nbody\r\n' >"$T/nofrom.eml"
assert_exit 65 "a message without From" sign "$T/nofrom.eml" --domain example.org \
    --selector s --key "$T/ed.pem"
assert_contains "the refusal names From" "$ERR" "no From field"
printf 'From: a@example.org\r\nFrom: b@example.org\r\n\r\nbody\r\n' >"$T/twofrom.eml"
assert_exit 65 "a message with two From fields" sign "$T/twofrom.eml" --domain example.org \
    --selector s --key "$T/ed.pem"
assert_exit 64 "envoi dkim without subcommand" "$ENVOI" dkim
assert_exit 64 "envoi dkim with an unknown subcommand" "$ENVOI" dkim frob
assert_exit 0 "envoi dkim sign --help" "$ENVOI" dkim sign --help
assert_contains "the help lists the options" "$OUT" "--canonicalization HEADER/BODY"
assert_exit 0 "envoi help dkim" "$ENVOI" help dkim
assert_contains "the overview names both subcommands" "$OUT" "envoi dkim verify"

finish
