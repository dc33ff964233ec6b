#!/usr/bin/python3
"""Checks a delivered message with Python's email package (policy.default) against what the
test sent; prints one "ok - ..." or "FAIL - ..." line per check and exits 1 if any failed."""

import argparse
import email
import hashlib
import sys
from email import policy


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("message", help="the message file (e.g. from a Maildir)")
    p.add_argument("--label", default="", help="prefix of every line")
    p.add_argument("--subject", help="expected decoded Subject")
    p.add_argument("--from", dest="from_", metavar="ADDR", help="expected From address")
    p.add_argument("--to", action="append", default=[], metavar="ADDR",
                   help="an address expected in To")
    p.add_argument("--cc", action="append", default=[], metavar="ADDR")
    p.add_argument("--text", metavar="FILE", help="expected text/plain body")
    p.add_argument("--html", metavar="FILE", help="expected text/html body")
    p.add_argument("--attach", action="append", default=[], metavar="NAME=FILE",
                   help="an attachment named NAME whose decoded bytes equal FILE's")
    p.add_argument("--inline", action="append", default=[], metavar="CID=FILE",
                   help="a part with Content-ID <CID> whose decoded bytes equal FILE's")
    p.add_argument("--absent-header", action="append", default=[], metavar="NAME",
                   help="a header that must not be there (e.g. Bcc)")
    p.add_argument("--header", action="append", default=[], metavar="NAME=VALUE",
                   help="a header that must be there with this (decoded) value")
    return p.parse_args()


class Checker:
    def __init__(self, label):
        self.label = label
        self.failed = 0

    def check(self, what, ok, expected=None, got=None):
        name = (self.label + ": " if self.label else "") + what
        if ok:
            print("ok - " + name)
            return
        self.failed += 1
        print("FAIL - " + name)
        if expected is not None or got is not None:
            print("    expected: %r" % (expected,))
            print("    got:      %r" % (got,))


def normalize_text(s):
    """Line ends and the final newline may change on the way; the rest must not."""
    return s.replace("\r\n", "\n").rstrip("\n")


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_message(path):
    """Parse as text when the file is UTF-8: the bytes parser leaves raw UTF-8 headers
    (RFC 6532, sent with SMTPUTF8) as surrogate escapes instead of text."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return email.message_from_string(data.decode("utf-8"), policy=policy.default)
    except UnicodeDecodeError:
        return email.message_from_bytes(data, policy=policy.default)


def check_line_lengths(c, path):
    """RFC 5322: no line over 998 octets; header lines folded near 78 where they can be."""
    with open(path, "rb") as f:
        lines = f.read().replace(b"\r\n", b"\n").split(b"\n")
    longest = max(len(line) for line in lines)
    c.check("no line over 998 octets", longest <= 998, "<= 998", longest)
    head = lines[:lines.index(b"")] if b"" in lines else lines
    # Received lines come from the servers on the way, not from the sender.
    long_headers = [h for h in head if len(h) > 78 and b" " in h.strip()
                    and not h.startswith(b"Received:")]
    c.check("header lines folded at 78", not long_headers, [], long_headers)


def leaf_parts(msg):
    return [p for p in msg.walk() if not p.is_multipart()]


def body_part(msg, subtype):
    """The first text/SUBTYPE leaf that is not an attachment."""
    for part in leaf_parts(msg):
        if part.get_content_type() == "text/" + subtype and \
                part.get_content_disposition() != "attachment":
            return part
    return None


def addresses(msg, name):
    header = msg[name]
    if header is None:
        return []
    return [a.addr_spec.lower() for a in header.addresses]


def check_addresses(c, msg, name, wanted):
    got = addresses(msg, name)
    for addr in wanted:
        c.check("%s has %s" % (name, addr), addr.lower() in got, addr, got)


def check_body(c, msg, subtype, path):
    part = body_part(msg, subtype)
    c.check("a text/%s part" % subtype, part is not None)
    if part is None:
        return
    want = normalize_text(read_text(path))
    got = normalize_text(part.get_content())
    c.check("text/%s body decoded equals %s" % (subtype, path), got == want, want, got)


def check_attachment(c, msg, spec):
    name, _, path = spec.partition("=")
    parts = [p for p in leaf_parts(msg) if p.get_filename() == name]
    c.check("an attachment named %r" % name, len(parts) == 1,
            1, [p.get_filename() for p in leaf_parts(msg)])
    if len(parts) != 1:
        return
    part = parts[0]
    c.check("%r disposition attachment" % name,
            part.get_content_disposition() == "attachment",
            "attachment", part.get_content_disposition())
    got = hashlib.sha256(part.get_payload(decode=True) or b"").hexdigest()
    c.check("%r bytes (sha256) equal %s" % (name, path), got == sha256_file(path),
            sha256_file(path), got)


def check_inline(c, msg, spec):
    cid, _, path = spec.partition("=")
    parts = [p for p in leaf_parts(msg)
             if (p["Content-ID"] or "").strip() == "<%s>" % cid]
    c.check("a part with Content-ID <%s>" % cid, len(parts) == 1,
            1, [p["Content-ID"] for p in leaf_parts(msg)])
    if len(parts) != 1:
        return
    got = hashlib.sha256(parts[0].get_payload(decode=True) or b"").hexdigest()
    c.check("<%s> bytes (sha256) equal %s" % (cid, path), got == sha256_file(path),
            sha256_file(path), got)
    related = [p for p in msg.walk() if p.get_content_type() == "multipart/related"]
    c.check("<%s> inside multipart/related" % cid,
            any(parts[0] in list(r.walk()) for r in related))


def main():
    args = parse_args()
    c = Checker(args.label)
    msg = read_message(args.message)
    c.check("parsed without defects", not any(p.defects for p in msg.walk()), [],
            [p.defects for p in msg.walk() if p.defects])
    check_line_lengths(c, args.message)
    if args.subject is not None:
        c.check("Subject decoded", str(msg["Subject"]) == args.subject,
                args.subject, str(msg["Subject"]))
    if args.from_:
        check_addresses(c, msg, "From", [args.from_])
    check_addresses(c, msg, "To", args.to)
    check_addresses(c, msg, "Cc", args.cc)
    if args.text:
        check_body(c, msg, "plain", args.text)
    if args.html:
        check_body(c, msg, "html", args.html)
    if args.text and args.html:
        c.check("text and HTML as multipart/alternative",
                any(p.get_content_type() == "multipart/alternative" for p in msg.walk()))
    for spec in args.attach:
        check_attachment(c, msg, spec)
    for spec in args.inline:
        check_inline(c, msg, spec)
    for name in args.absent_header:
        c.check("no %s header" % name, msg[name] is None, None, msg[name])
    for spec in args.header:
        name, _, value = spec.partition("=")
        c.check("%s: %s" % (name, value), str(msg[name]) == value, value, msg[name])
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
