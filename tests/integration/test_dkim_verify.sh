#!/bin/bash
# envoi dkim verify against a real DNS server: dnsmasq (tests/peers/dns.sh) serves the TXT key
# records of keys made here with openssl, and messages signed here by python3-dkim (dkim.sign)
# are checked with --nameserver: RSA and Ed25519 pass in both canonicalizations, a changed body
# fails, a revoked key and a missing key (NXDOMAIN) are permerrors, a nameserver that fails
# (SERVFAIL) or is not there gives temperror and exit 75; --key, standard input and --json.
# shellcheck disable=SC2317 # functions called through require
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_envoi

Z=example.com

# ---- keys, records and signed messages --------------------------------------------------

make_keys() {
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa.pem" 2>/dev/null &&
        openssl genpkey -algorithm ED25519 -out "$T/ed.pem" &&
        RSA_P=$(openssl pkey -in "$T/rsa.pem" -pubout -outform DER | base64 -w0) &&
        ED_P=$(openssl pkey -in "$T/ed.pem" -pubout -outform DER | tail -c 32 | base64 -w0)
}
require "keys made with openssl" make_keys
RSA_RECORD="v=DKIM1; k=rsa; p=$RSA_P"
ED_RECORD="v=DKIM1; k=ed25519; p=$ED_P"
printf '%s\n' "$RSA_RECORD" >"$T/rsa.txt"

# Sign $T/plain.eml as OUT with python3-dkim: SELECTOR DOMAIN KEY(rsa|ed) CANON(h/b).
sign() { # OUT SELECTOR DOMAIN KEY CANON
    "${PY[@]}" - "$T" "$@" <<'PYEOF'
import base64, subprocess, sys
import dkim
t, out, sel, dom, key, canon = sys.argv[1:]
msg = open(t + "/plain.eml", "rb").read()
if key == "rsa":
    priv, alg = open(t + "/rsa.pem", "rb").read(), b"rsa-sha256"
else:
    der = subprocess.run(["openssl", "pkey", "-in", t + "/ed.pem", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    priv, alg = base64.b64encode(der[-32:]), b"ed25519-sha256"
h, b = canon.split("/")
sig = dkim.sign(msg, sel.encode(), dom.encode(), priv, canonicalize=(h.encode(), b.encode()),
                signature_algorithm=alg, include_headers=[b"from", b"to", b"subject", b"date"])
open(out, "wb").write(sig + msg)
PYEOF
}

printf '%s\r\n' "From: Jane <jane@$Z>" "To: john@example.net" "Subject: DKIM over DNS" \
    "Date: Fri, 06 Mar 2026 10:00:00 +0000" "" "Signed with a key served by dnsmasq." \
    >"$T/plain.eml"
require "python3-dkim signs (rsa relaxed)" sign "$T/rsa_relaxed.eml" rsa $Z rsa relaxed/relaxed
require "python3-dkim signs (rsa simple)" sign "$T/rsa_simple.eml" rsa $Z rsa simple/simple
require "python3-dkim signs (ed25519 relaxed)" sign "$T/ed_relaxed.eml" ed $Z ed relaxed/relaxed
require "python3-dkim signs (ed25519 simple)" sign "$T/ed_simple.eml" ed $Z ed simple/simple
require "python3-dkim signs (revoked key)" sign "$T/revoked.eml" revoked $Z rsa relaxed/relaxed
require "python3-dkim signs (no key)" sign "$T/nokey.eml" missing $Z rsa relaxed/relaxed
require "python3-dkim signs (failing zone)" sign "$T/servfail.eml" rsa slow.$Z rsa relaxed/relaxed
sed 's/served by dnsmasq/served by someone else/' "$T/rsa_relaxed.eml" >"$T/changed.eml"

# ---- the DNS server -----------------------------------------------------------------------

# The RSA record is cut into character-strings of at most 255 octets (as zone files must);
# the verifier joins them.
split_record() { # TEXT -> comma-separated pieces of 200 characters
    local text=$1 out=""
    while [[ -n $text ]]; do
        out+=${out:+,}${text:0:200}
        text=${text:200}
    done
    printf '%s' "$out"
}
DNS_PORT=$(free_port)
register_stop dns "$T/dns"
require "DNS server (dnsmasq) starts" "$ENVOI_PEERS/dns.sh" start "$T/dns" "$DNS_PORT" \
    --local=/$Z/ \
    "--txt-record=rsa._domainkey.$Z,$(split_record "$RSA_RECORD")" \
    "--txt-record=ed._domainkey.$Z,$ED_RECORD" \
    "--txt-record=revoked._domainkey.$Z,v=DKIM1; k=rsa; p=" \
    "--server=/slow.$Z/127.0.0.1#9"
NS=(--nameserver "127.0.0.1:$DNS_PORT" --timeout 5)

# ---- verdicts -----------------------------------------------------------------------------

for f in rsa_relaxed rsa_simple ed_relaxed ed_simple; do
    assert_exit 0 "$f.eml passes with the key from DNS" "$ENVOI" dkim verify "${NS[@]}" "$T/$f.eml"
    assert_contains "$f.eml: one pass line" "$OUT" "$T/$f.eml: pass d=$Z s=${f%%_*} a="
done
assert_ok "python3-dkim's own verifier agrees on rsa_relaxed.eml" "${PY[@]}" -c '
import sys, dkim
rec = open(sys.argv[2], "rb").read().strip()
ok = dkim.verify(open(sys.argv[1], "rb").read(), dnsfunc=lambda name, timeout=5: rec)
sys.exit(0 if ok else 1)' "$T/rsa_relaxed.eml" "$T/rsa.txt"

assert_exit 65 "a changed body fails" "$ENVOI" dkim verify "${NS[@]}" "$T/changed.eml"
assert_contains "the reason is the body hash" "$OUT" "fail d=$Z s=rsa a=rsa-sha256: body hash mismatch"

assert_exit 65 "a revoked key is a permerror" "$ENVOI" dkim verify "${NS[@]}" "$T/revoked.eml"
assert_contains "revoked named" "$OUT" "permerror d=$Z s=revoked a=rsa-sha256: the key revoked._domainkey.$Z is revoked"

assert_exit 65 "no key in DNS (NXDOMAIN) is a permerror" "$ENVOI" dkim verify "${NS[@]}" "$T/nokey.eml"
assert_contains "NXDOMAIN named" "$OUT" "permerror d=$Z s=missing a=rsa-sha256: no key for missing._domainkey.$Z (NXDOMAIN)"

assert_exit 75 "a failing nameserver (SERVFAIL) is a temperror" \
    "$ENVOI" dkim verify "${NS[@]}" "$T/servfail.eml"
assert_contains "temperror named" "$OUT" "temperror d=slow.$Z s=rsa"

DEAD=$(free_port)
assert_exit 75 "no nameserver at all is a temperror" \
    "$ENVOI" dkim verify --nameserver "127.0.0.1:$DEAD" --timeout 2 "$T/rsa_relaxed.eml"
assert_contains "temperror, key not fetched" "$OUT" "temperror d=$Z s=rsa a=rsa-sha256: the key could not be fetched"

assert_exit 0 "the same with --key needs no DNS" \
    "$ENVOI" dkim verify --nameserver "127.0.0.1:$DEAD" --timeout 2 \
    --key "rsa._domainkey.$Z=@$T/rsa.txt" "$T/rsa_relaxed.eml"
assert_exit 0 "--key with the record inline" "$ENVOI" dkim verify --nameserver "127.0.0.1:$DEAD" \
    --key "ed._domainkey.$Z=$ED_RECORD" "$T/ed_simple.eml"

assert_exit 65 "one message without a pass among several: 65" \
    "$ENVOI" dkim verify "${NS[@]}" "$T/rsa_relaxed.eml" "$T/changed.eml"
assert_exit 75 "a temperror beside a fail: 75" \
    "$ENVOI" dkim verify "${NS[@]}" "$T/changed.eml" "$T/servfail.eml"
run_stdin "$T/ed_relaxed.eml" "$ENVOI" dkim verify "${NS[@]}" -
assert_eq "standard input verified (exit)" 0 "$RC"
assert_contains "standard input verified" "$OUT" "-: pass d=$Z s=ed a=ed25519-sha256"

printf 'From: a@%s\r\n\r\nno signature\r\n' "$Z" >"$T/unsigned.eml"
assert_exit 65 "a message without signature" "$ENVOI" dkim verify "${NS[@]}" "$T/unsigned.eml"
assert_contains "said so" "$OUT" "none: no DKIM-Signature field"

assert_exit 0 "--json" "$ENVOI" dkim verify "${NS[@]}" --json "$T/rsa_relaxed.eml"
assert_ok "the JSON says pass with d=, s=, identity" "${PY[@]}" -c '
import json, sys
d = json.loads(sys.argv[1])
s = d[0]["signatures"][0]
assert d[0]["pass"] is True and s["result"] == "pass", d
assert s["domain"] == "example.com" and s["selector"] == "rsa" and s["identity"] == "@example.com", s
assert isinstance(s["signed_at"], int) and s["reason"] == "", s' "$OUT"

# ---- usage --------------------------------------------------------------------------------

assert_exit 64 "no file is a usage error" "$ENVOI" dkim verify
assert_exit 64 "a --key without ._domainkey. is a usage error" \
    "$ENVOI" dkim verify --key "rsa.$Z=p=" "$T/rsa_relaxed.eml"
assert_contains "and says what is expected" "$ERR" "SELECTOR._domainkey.DOMAIN=RECORD"
assert_exit 64 "a bad --timeout" "$ENVOI" dkim verify --timeout never "$T/rsa_relaxed.eml"
assert_exit 64 "a bad --nameserver" "$ENVOI" dkim verify --nameserver nowhere "$T/rsa_relaxed.eml"
assert_exit 66 "a missing file" "$ENVOI" dkim verify "${NS[@]}" "$T/none.eml"
assert_exit 66 "a missing key file" "$ENVOI" dkim verify --key "rsa._domainkey.$Z=@$T/none.txt" \
    "$T/rsa_relaxed.eml"
assert_exit 0 "--help" "$ENVOI" dkim verify --help
assert_contains "--help names the options" "$OUT" "--nameserver ADDR"

finish
