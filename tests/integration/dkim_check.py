#!/usr/bin/python3
"""Check the DKIM signatures of a message with Debian's python3-dkim, an
independent verifier, the key records built from key files instead of DNS.

Usage: dkim_check.py MESSAGE [--lf] [--first] KEY...
  KEY      DOMAIN:SELECTOR:FILE.pem, the key of that selector, or FILE.pem,
           the key of whatever selector a signature names; the file holds a
           public or a private key (its public half is published)
  --lf     read bare LF line ends as CRLF (an smtp-sink dump, a file signed
           with LF line ends); --crlf is the same
  --first  the first header field must be DKIM-Signature
Prints one line per signature; exit 0 when every signature verifies, 1 when
one does not (or there is none), 2 on a usage error.
"""
import base64
import re
import sys

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519


def public_key(pem_path):
    with open(pem_path, "rb") as f:
        data = f.read()
    try:
        return serialization.load_pem_public_key(data)
    except ValueError:
        return serialization.load_pem_private_key(data, password=None).public_key()


def key_record(pem_path):
    """The TXT record (v=DKIM1; k=...; p=...) publishing the key of pem_path."""
    key = public_key(pem_path)
    if isinstance(key, ed25519.Ed25519PublicKey):
        # RFC 8463: p= is the raw 32-byte public key.
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return b"v=DKIM1; k=ed25519; p=" + base64.b64encode(raw)
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, lf, first, records, any_name = args[0], False, False, {}, None
    for a in args[1:]:
        if a in ("--lf", "--crlf"):
            lf = True
        elif a == "--first":
            first = True
        elif a.count(":") >= 2:
            domain, selector, pem = a.split(":", 2)
            records[("%s._domainkey.%s." % (selector, domain)).lower().encode()] = key_record(pem)
        else:
            any_name = key_record(a)
    with open(path, "rb") as f:
        msg = f.read()
    if lf:
        msg = re.sub(rb"\r?\n", b"\r\n", msg)

    def dnsfunc(name, timeout=5):
        if isinstance(name, str):
            name = name.encode()
        if not name.endswith(b"."):
            name += b"."
        return records.get(name.lower(), any_name)

    ok = True
    if first and not msg.lower().startswith(b"dkim-signature:"):
        print("the first header field is not DKIM-Signature: %r" % msg[:60])
        ok = False
    head = msg.split(b"\r\n\r\n", 1)[0]
    count = len(re.findall(rb"(?im)^dkim-signature:", head))
    if count == 0:
        print("no DKIM-Signature field")
        return 1
    for i in range(count):
        d = dkim.DKIM(msg)
        try:
            good = d.verify(idx=i, dnsfunc=dnsfunc)
        except dkim.DKIMException as e:
            good = False
            print("signature %d: %s" % (i, e))
        sig = d.signature_fields if hasattr(d, "signature_fields") else {}
        print("signature %d: d=%s s=%s a=%s %s" % (
            i, sig.get(b"d", b"?").decode(), sig.get(b"s", b"?").decode(),
            sig.get(b"a", b"?").decode(), "pass" if good else "fail"))
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
