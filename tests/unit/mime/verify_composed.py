#!/usr/bin/python3
"""Independent check of messages composed by envoi: each DIR/NAME.eml is
parsed with Python's email package (policy=email.policy.default) and compared
with the expectations in DIR/NAME.json. Exit status 0 when all match."""
import email
import email.policy
import hashlib
import json
import pathlib
import sys


def addresses(msg, name):
    header = msg[name]
    if header is None:
        return []
    return [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses]


def text_of(part):
    if part is None:
        return None
    return part.get_content().replace("\r\n", "\n")


def leaf_parts(msg, bodies):
    for part in msg.walk():
        if part.is_multipart() or any(part is b for b in bodies):
            continue
        yield part


def check(eml, expected):
    raw = eml.read_bytes()
    problems = []
    for n, line in enumerate(raw.split(b"\r\n")):
        if len(line) > 998:
            problems.append(f"line {n + 1} is {len(line)} octets")
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("bare LF in the source")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for part in msg.walk():
        if part.defects:
            problems.append(f"defects in {part.get_content_type()}: {part.defects}")
    if str(msg["Subject"]) != expected["subject"]:
        problems.append(f"subject {str(msg['Subject'])!r} != {expected['subject']!r}")
    for key, name in (("from", "From"), ("to", "To"), ("cc", "Cc"), ("reply_to", "Reply-To")):
        got = addresses(msg, name)
        if got != expected.get(key, []):
            problems.append(f"{name}: {got} != {expected.get(key, [])}")
    if msg["Bcc"] is not None and not expected.get("bcc_written"):
        problems.append("Bcc written")
    for name, value in expected.get("headers", {}).items():
        if str(msg[name]) != value:
            problems.append(f"{name}: {str(msg[name])!r} != {value!r}")
    if msg.get_content_type() != expected["content_type"]:
        problems.append(f"content type {msg.get_content_type()} != {expected['content_type']}")
    plain = msg.get_body(("plain",)) if expected.get("text") is not None else None
    html = msg.get_body(("html",)) if expected.get("html") is not None else None
    if text_of(plain) != expected.get("text"):
        problems.append(f"text {text_of(plain)!r} != {expected.get('text')!r}")
    if text_of(html) != expected.get("html"):
        problems.append(f"html {text_of(html)!r} != {expected.get('html')!r}")
    got = []
    for part in leaf_parts(msg, [plain, html]):
        cid = part["Content-ID"]
        got.append({
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "disposition": part.get_content_disposition(),
            "cid": str(cid).strip("<>") if cid is not None else None,
            "sha256": hashlib.sha256(part.get_payload(decode=True)).hexdigest(),
        })
    if got != expected.get("parts", []):
        problems.append(f"parts {got} != {expected.get('parts', [])}")
    return problems


def main():
    directory = pathlib.Path(sys.argv[1])
    failed = 0
    emls = sorted(directory.glob("*.eml"))
    if not emls:
        print("no messages in", directory)
        return 1
    for eml in emls:
        expected = json.loads(eml.with_suffix(".json").read_text(encoding="utf-8"))
        problems = check(eml, expected)
        for p in problems:
            print(f"{eml.name}: {p}")
        failed += bool(problems)
    print(f"{len(emls) - failed}/{len(emls)} messages match")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
