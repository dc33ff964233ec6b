#!/usr/bin/python3
"""Compares `envoi parse --json` with the mime4j corpus: for each NAME.msg, every body named in
NAME_decoded.xml (the structure mime4j expects, each leaf naming its NAME_decoded_*.txt|.bin
file) must be a leaf part of envoi's output at the same IMAP section path, with the same size
and SHA-256. Prints one "ok - ..." or "FAIL - ..." line per message; exits 1 if any failed."""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("corpus", help="directory with NAME.msg, NAME_decoded.xml and the bodies")
    p.add_argument("envoi", help="the envoi binary")
    p.add_argument("--allow", action="append", default=[], metavar="NAME=REASON",
                   help="a message where envoi differs on purpose, and why")
    return p.parse_args()


def join(prefix, n):
    return f"{prefix}.{n}" if prefix else str(n)


def content_of(entity):
    """The element that holds an entity's body: multipart, message, or a body."""
    for child in entity:
        if child.tag in ("multipart", "message", "text-body", "binary-body"):
            return child
    return None


def message_leaves(message, prefix, out):
    """Leaves of a message whose parts are numbered under prefix ("" for the top).
    IMAP numbering: a multipart body's children are prefix.1, prefix.2...; a single body,
    or an embedded message/rfc822, is prefix.1."""
    body = content_of(message)
    if body is None:
        return
    if body.tag == "multipart":
        multipart_leaves(body, prefix, out)
    elif body.tag == "message":
        message_leaves(body, join(prefix, 1), out)
    else:
        out.append((join(prefix, 1), body.get("name")))


def multipart_leaves(multipart, prefix, out):
    parts = [c for c in multipart if c.tag == "body-part"]
    for i, part in enumerate(parts, 1):
        entity_leaves(part, join(prefix, i), out)


def entity_leaves(entity, path, out):
    body = content_of(entity)
    if body is None:
        return
    if body.tag == "multipart":
        multipart_leaves(body, path, out)
    elif body.tag == "message":
        message_leaves(body, path, out)
    else:
        out.append((path, body.get("name")))


def expected_leaves(corpus, name):
    tree = ET.parse(os.path.join(corpus, name + "_decoded.xml"))
    out = []
    message_leaves(tree.getroot(), "", out)
    leaves = {}
    for path, file in out:
        with open(os.path.join(corpus, file), "rb") as f:
            data = f.read()
        leaves[path] = (file, len(data), hashlib.sha256(data).hexdigest())
    return leaves


def envoi_parse(envoi, path):
    run = subprocess.run([envoi, "parse", "--json", path], capture_output=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError(f"exit {run.returncode}: {run.stderr.decode(errors='replace')}")
    lines = run.stdout.decode("utf-8").splitlines()
    if len(lines) != 1:
        raise RuntimeError(f"{len(lines)} JSON objects instead of 1")
    return json.loads(lines[0])


def differences(expected, got):
    leaves = {p["path"]: p for p in got["parts"]}
    problems = []
    for path, (file, size, sha) in sorted(expected.items()):
        part = leaves.get(path)
        if part is None:
            problems.append(f"part {path} ({file}) missing; envoi's leaves: {sorted(leaves)}")
        elif part["sha256"] != sha:
            problems.append(f"part {path} ({file}): {part['size']} bytes, sha256 "
                            f"{str(part['sha256'])[:12]}... instead of {size} bytes, "
                            f"{sha[:12]}...")
    for path in sorted(set(leaves) - set(expected)):
        problems.append(f"extra part {path} ({leaves[path]['content_type']}, "
                        f"{leaves[path]['size']} bytes) not in the expected structure")
    return problems


def main():
    args = parse_args()
    allowed = dict(a.split("=", 1) for a in args.allow)
    names = sorted(f[:-4] for f in os.listdir(args.corpus) if f.endswith(".msg"))
    failed = 0
    for name in names:
        try:
            expected = expected_leaves(args.corpus, name)
            got = envoi_parse(args.envoi, os.path.join(args.corpus, name + ".msg"))
            problems = differences(expected, got)
        except (RuntimeError, ValueError, OSError, subprocess.TimeoutExpired, KeyError) as e:
            problems = [f"envoi parse failed: {e}"]
        if not problems:
            print(f"ok - {name}: {len(expected)} decoded bodies equal")
        elif name in allowed:
            print(f"ok - {name}: differs on purpose ({allowed[name]})")
            for p in problems:
                print(f"    # {p}")
        else:
            failed += 1
            print(f"FAIL - {name}")
            for p in problems:
                print(f"    {p}")
    for name in sorted(set(allowed) - set(names)):
        failed += 1
        print(f"FAIL - allowlist names {name}, which is not in the corpus")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
