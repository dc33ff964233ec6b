#!/usr/bin/python3
"""Checks one object of `envoi parse --json` against what the message was composed from:
subject, addresses, message id, text and HTML bodies, and attachments and inline parts (name,
type, size and SHA-256 of the original file). Prints one "ok - ..." or "FAIL - ..." line per
check and exits 1 if any failed."""

import argparse
import hashlib
import json
import sys


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("json", help="file holding envoi parse --json output (one line)")
    p.add_argument("--label", default="", help="prefix of every line")
    p.add_argument("--subject")
    p.add_argument("--from", dest="from_", metavar="NAME|ADDR",
                   help="expected From as display name, '|', address (name may be empty)")
    p.add_argument("--to", action="append", default=[], metavar="NAME|ADDR")
    p.add_argument("--cc", action="append", default=[], metavar="NAME|ADDR")
    p.add_argument("--reply-to", action="append", default=[], metavar="NAME|ADDR")
    p.add_argument("--message-id")
    p.add_argument("--text", metavar="FILE", help="expected main text body (line ends: LF)")
    p.add_argument("--html", metavar="FILE", help="expected main HTML body")
    p.add_argument("--no-text", action="store_true", help="expect text to be null")
    p.add_argument("--no-html", action="store_true", help="expect html to be null")
    p.add_argument("--attach", action="append", default=[], metavar="NAME|FILE|TYPE",
                   help="an attachment named NAME, of type TYPE, whose bytes equal FILE's")
    p.add_argument("--inline", action="append", default=[], metavar="CID|FILE|TYPE",
                   help="a part with Content-ID CID whose bytes equal FILE's")
    p.add_argument("--parts", type=int, help="expected number of leaf parts")
    return p.parse_args()


class Checker:
    def __init__(self, label):
        self.label = label
        self.failed = 0

    def check(self, what, ok, expected=None, got=None):
        name = (self.label + ": " if self.label else "") + what
        if ok:
            print(f"ok - {name}")
            return
        self.failed += 1
        print(f"FAIL - {name}")
        if expected is not None or got is not None:
            print(f"    expected: {expected!r}")
            print(f"    got:      {got!r}")

    def equal(self, what, expected, got):
        self.check(what, expected == got, expected, got)


def address_list(specs):
    out = []
    for spec in specs:
        name, addr = spec.split("|", 1)
        out.append({"name": name or None, "address": addr})
    return out


def file_digest(path):
    with open(path, "rb") as f:
        data = f.read()
    return len(data), hashlib.sha256(data).hexdigest()


def normalized(text):
    return None if text is None else text.replace("\r\n", "\n")


def check_file_part(c, what, part, path, ctype):
    size, sha = file_digest(path)
    if part is None:
        c.check(f"{what} is a part", False, path, None)
        return
    c.equal(f"{what}: size", size, part["size"])
    c.equal(f"{what}: sha256", sha, part["sha256"])
    if ctype:
        c.equal(f"{what}: content type", ctype, part["content_type"])


def main():
    args = parse_args()
    c = Checker(args.label)
    with open(args.json, "rb") as f:
        lines = f.read().decode("utf-8").splitlines()
    c.equal("one JSON object", 1, len(lines))
    if not lines:
        return 1
    got = json.loads(lines[0])
    if args.subject is not None:
        c.equal("subject", args.subject, got["subject"])
    if args.from_ is not None:
        c.equal("from", address_list([args.from_]), got["from"])
    if args.to:
        c.equal("to", address_list(args.to), got["to"])
    if args.cc:
        c.equal("cc", address_list(args.cc), got["cc"])
    if args.reply_to:
        c.equal("reply_to", address_list(args.reply_to), got["reply_to"])
    if args.message_id is not None:
        c.equal("message_id", args.message_id, got["message_id"])
    c.check("date is ISO 8601 UTC",
            isinstance(got["date"], str) and len(got["date"]) == 20 and got["date"].endswith("Z"),
            "YYYY-MM-DDTHH:MM:SSZ", got["date"])
    if args.text:
        with open(args.text, encoding="utf-8") as f:
            c.equal("text", f.read(), normalized(got["text"]))
    if args.html:
        with open(args.html, encoding="utf-8") as f:
            c.equal("html", f.read(), normalized(got["html"]))
    if args.no_text:
        c.equal("text is null", None, got["text"])
    if args.no_html:
        c.equal("html is null", None, got["html"])
    by_name = {p["filename"]: p for p in got["parts"] if p["filename"] is not None}
    by_cid = {p["content_id"]: p for p in got["parts"] if p["content_id"] is not None}
    for spec in args.attach:
        name, path, ctype = (spec.split("|") + [""])[:3]
        part = by_name.get(name)
        check_file_part(c, f"attachment {name!r}", part, path, ctype)
        if part is not None:
            c.equal(f"attachment {name!r}: disposition", "attachment", part["disposition"])
    for spec in args.inline:
        cid, path, ctype = (spec.split("|") + [""])[:3]
        check_file_part(c, f"inline part <{cid}>", by_cid.get(cid), path, ctype)
    if args.parts is not None:
        c.equal("number of leaf parts", args.parts, len(got["parts"]))
    c.equal("no defects in a composed message", [], got["defects"])
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
