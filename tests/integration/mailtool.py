#!/usr/bin/python3
"""Small helpers for the integration tests: take the message out of an smtp-sink dump,
normalize line ends, and look into envoi's --json output."""

import json
import sys


def sink_message(dump_path, out_path):
    """smtp-sink writes X-* lines and a three-line Received header before the message and an
    empty line after it; write the message alone (LF line ends, as smtp-sink stores it)."""
    with open(dump_path, "rb") as f:
        lines = f.read().split(b"\n")
    i = 0
    while i < len(lines) and lines[i].startswith(b"X-"):
        i += 1
    if i < len(lines) and lines[i].startswith(b"Received:"):
        i += 1
        while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
            i += 1
    body = b"\n".join(lines[i:])
    if body.endswith(b"\n\n"):
        body = body[:-1]
    with open(out_path, "wb") as f:
        f.write(body)


def sink_envelope(dump_path):
    """The MAIL and RCPT arguments smtp-sink recorded, one per line."""
    with open(dump_path, "rb") as f:
        for line in f.read().split(b"\n"):
            if line.startswith(b"X-Mail-Args: ") or line.startswith(b"X-Rcpt-Args: "):
                print(line.decode("utf-8", "replace"))
            elif not line.startswith(b"X-"):
                break


def normalize(in_path, out_path, *drop_headers):
    """CRLF to LF; drop the named header fields (with their folded lines) from the header."""
    with open(in_path, "rb") as f:
        data = f.read().replace(b"\r\n", b"\n")
    head, sep, body = data.partition(b"\n\n")
    drop = [h.lower().encode() + b":" for h in drop_headers]
    kept, skipping = [], False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and skipping:
            continue
        skipping = any(line.lower().startswith(d) for d in drop)
        if not skipping:
            kept.append(line)
    with open(out_path, "wb") as f:
        f.write(b"\n".join(kept) + sep + body)


def walk(node):
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def json_recipient(json_path, address, *expectations):
    """Exit 0 when an object of the JSON has "address": ADDRESS and, for each KEY=VALUE given,
    a KEY whose JSON value is VALUE (e.g. code=550 accepted=false); print that object."""
    with open(json_path, encoding="utf-8") as f:
        doc = json.load(f)
    found = [n for n in walk(doc) if isinstance(n, dict)
             and str(n.get("address", "")).lower() == address.lower()]
    if not found:
        print("no object with \"address\": %r in %s" % (address, json_path))
        return 1
    for node in found:
        wrong = []
        for spec in expectations:
            key, _, want = spec.partition("=")
            got = json.dumps(node.get(key), ensure_ascii=False).strip('"')
            if got != want:
                wrong.append("%s: expected %s, got %s" % (key, want, got))
        if not wrong:
            print(json.dumps(node, ensure_ascii=False))
            return 0
    print("; ".join(wrong) + " in " + json.dumps(found, ensure_ascii=False))
    return 1


def crlf_only(path):
    """Exit 0 when every line of the file ends with CRLF (no bare CR or LF)."""
    with open(path, "rb") as f:
        data = f.read()
    rest = data.replace(b"\r\n", b"")
    if b"\r" in rest or b"\n" in rest or not data.endswith(b"\r\n"):
        print("bare CR or LF in %s" % path)
        return 1
    return 0


def json_valid(json_path):
    with open(json_path, encoding="utf-8") as f:
        json.load(f)
    return 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "sink-message":
        sink_message(*args)
    elif cmd == "sink-envelope":
        sink_envelope(*args)
    elif cmd == "normalize":
        normalize(*args)
    elif cmd == "json-recipient":
        return json_recipient(*args)
    elif cmd == "crlf-only":
        return crlf_only(*args)
    elif cmd == "json-valid":
        return json_valid(*args)
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main())
