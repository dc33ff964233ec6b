#!/bin/bash
# Regenerate the DKIM verifier's fixtures: keys made with openssl, messages
# signed by python3-dkim (dkim.sign). Run from this directory; the unit tests
# read the files it writes (keys *.pem, records *.txt, messages *.eml).
# rfc8463.eml is the example message of RFC 8463 appendix A, kept as is.
set -euo pipefail
PY=(env "PYTHONPATH=/usr/lib/python3/dist-packages" /usr/bin/python3)
[[ -f rsa.pem ]] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem
[[ -f rsa2.pem ]] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2.pem
[[ -f rsa512.pem ]] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out rsa512.pem
[[ -f ed.pem ]] || openssl genpkey -algorithm ED25519 -out ed.pem
for k in rsa rsa2 rsa512; do
    printf 'v=DKIM1; k=rsa; p=%s\n' "$(openssl pkey -in $k.pem -pubout -outform DER | base64 -w0)" >$k.txt
done
# The same RSA key as a bare RSAPublicKey (PKCS#1), as some records hold it.
printf 'k=rsa; p=%s\n' \
    "$(openssl rsa -in rsa.pem -RSAPublicKey_out -outform DER 2>/dev/null | base64 -w0)" >rsa_pkcs1.txt
printf 'v=DKIM1; k=ed25519; p=%s\n' \
    "$(openssl pkey -in ed.pem -pubout -outform DER | tail -c 32 | base64 -w0)" >ed.txt
"${PY[@]}" - <<'PYEOF'
import base64, subprocess, time
import dkim

def der_seed(path):
    der = subprocess.run(["openssl", "pkey", "-in", path, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.b64encode(der[-32:])

rsa = open("rsa.pem", "rb").read()
ed = der_seed("ed.pem")
msg = (b"From: Jane Doe <jane@example.com>\r\n"
       b"To: John Roe <john@example.net>\r\n"
       b"Subject:  Lunch   on\r\n\tFriday?\r\n"
       b"Date: Fri, 06 Mar 2026 10:00:00 +0000\r\n"
       b"Message-ID: <lunch-1@example.com>\r\n"
       b"\r\n"
       b"Shall we meet  at noon? \r\n"
       b"\r\n"
       b"Jane\r\n"
       b"\r\n\r\n")
HEADERS = [b"from", b"to", b"subject", b"date", b"message-id"]

def sign(m, sel, key, canon, alg=b"rsa-sha256", **kw):
    return dkim.sign(m, sel, b"example.com", key, canonicalize=canon,
                     signature_algorithm=alg, include_headers=HEADERS, **kw) + m

def write(name, data):
    open(name, "wb").write(data)

R, S = b"relaxed", b"simple"
write("rsa_relaxed.eml", sign(msg, b"rsa", rsa, (R, R)))
write("rsa_simple.eml", sign(msg, b"rsa", rsa, (S, S)))
write("ed_relaxed.eml", sign(msg, b"ed", ed, (R, R), b"ed25519-sha256"))
write("ed_simple.eml", sign(msg, b"ed", ed, (S, S), b"ed25519-sha256"))
write("rsa_sha1.eml", sign(msg, b"rsa", rsa, (R, R), b"rsa-sha1"))
# l= signed, then a line added after the signed body.
write("length.eml", sign(msg, b"rsa", rsa, (R, R), length=True) + b"P.S. appended\r\n")
# Three signatures: a good Ed25519 one, one under a revoked key, one under a key
# that is not the signer's.
m = sign(msg, b"ed", ed, (R, R), b"ed25519-sha256")
m = sign(m, b"revoked", rsa, (R, S))
m = sign(m, b"wrong", rsa, (S, R))
write("multi.eml", m)
# x= in the past: signed in September 2020 (t=1600000000), expiring a day later.
class Expiring(dkim.DKIM):
    def gen_header(self, fields, *args):
        fields = fields[:-1] + [(b"x", b"1600086400"), fields[-1]]
        return super().gen_header(fields, *args)

clock = dkim.time
dkim.time = type("Clock", (), {"time": staticmethod(lambda: 1600000000)})
d = Expiring(msg, signature_algorithm=b"rsa-sha256")
write("expired.eml", d.sign(b"rsa", b"example.com", rsa, canonicalize=(R, R),
                            include_headers=HEADERS) + msg)
dkim.time = clock

# python3-dkim itself accepts what should pass.
keys = {b"rsa": "rsa.txt", b"ed": "ed.txt"}
def dns(name, timeout=5):
    return open(keys[name.split(b".")[0]], "rb").read().strip()
for name in ("rsa_relaxed.eml", "rsa_simple.eml", "ed_relaxed.eml", "ed_simple.eml"):
    assert dkim.verify(open(name, "rb").read(), dnsfunc=dns), name
PYEOF
