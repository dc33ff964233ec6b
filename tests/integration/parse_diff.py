#!/usr/bin/python3
"""Differential test of `envoi parse --json` against Python's email package
(email.message_from_bytes with policy.default) on the msg_*.txt messages of Python's own test
data: the same decoded subject, From, To and Cc (display names and addresses), and leaf parts (content type and
SHA-256 of the decoded bytes, in order). Prints one "ok - ..." or "FAIL - ..." line per
message; exits 1 if any failed."""

import argparse
import email
import glob
import hashlib
import json
import os
import subprocess
import sys
from email import policy


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("envoi", help="the envoi binary")
    p.add_argument("--data", help="directory of msg_*.txt (default: Python's test_email/data)")
    p.add_argument("--allow", action="append", default=[], metavar="NAME=REASON",
                   help="a message where envoi differs on purpose, and why")
    return p.parse_args()


def python_test_data():
    import test.test_email  # noqa: F401 (Debian: libpython3.X-testsuite)
    return os.path.join(os.path.dirname(test.test_email.__file__), "data")


def raw_header(data, name):
    """The field as written (compat32 keeps comments), all occurrences joined."""
    values = email.message_from_bytes(data).get_all(name) or []
    return " ".join(str(v) for v in values)


def addresses(msg, name):
    """[(display name or None, addr-spec)] of every address of the field."""
    try:
        header = msg[name]
    except Exception as e:  # policy.default raises on some malformed headers
        return f"<python error: {e}>"
    if header is None:
        return []
    try:
        # Python spells the empty address of "MAILER-DAEMON <>" as "<>"; envoi as "".
        return [(a.display_name or None, a.addr_spec if a.addr_spec != "<>" else "")
                for a in header.addresses]
    except Exception as e:
        return f"<python error: {e}>"


def subject(msg):
    try:
        s = msg["subject"]
    except Exception as e:
        return f"<python error: {e}>"
    return None if s is None else str(s)


def python_leaves(msg):
    leaves = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if data is None:
            data = b""
        leaves.append((part.get_content_type(), hashlib.sha256(data).hexdigest(), len(data)))
    return leaves


def python_view(path):
    with open(path, "rb") as f:
        data = f.read()
    msg = email.message_from_bytes(data, policy=policy.default)
    return {
        "raw": {f: raw_header(data, f) for f in ("from", "to", "cc")},
        "subject": subject(msg),
        "from": addresses(msg, "from"),
        "to": addresses(msg, "to"),
        "cc": addresses(msg, "cc"),
        "leaves": python_leaves(msg),
    }


def envoi_view(envoi, path):
    run = subprocess.run([envoi, "parse", "--json", path], capture_output=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError(f"exit {run.returncode}: {run.stderr.decode(errors='replace')}")
    lines = run.stdout.decode("utf-8").splitlines()
    if len(lines) != 1:
        raise RuntimeError(f"{len(lines)} JSON objects instead of 1")
    got = json.loads(lines[0])
    return {
        "subject": got["subject"],
        "from": [(a["name"], a["address"]) for a in got["from"]],
        "to": [(a["name"], a["address"]) for a in got["to"]],
        "cc": [(a["name"], a["address"]) for a in got["cc"]],
        "leaves": [(p["content_type"], p["sha256"], p["size"]) for p in got["parts"]],
    }


def leaf_text(leaf):
    return f"{leaf[0]} {leaf[2]} bytes {leaf[1][:12]}..."


def comment_names_accepted(py, ev, field):
    """envoi takes the comment of the old form "addr (Full Name)" as the display name, as mail
    readers show it; Python gives no name. Accept that, and only that, difference."""
    if not isinstance(py[field], list) or len(py[field]) != len(ev[field]):
        return False
    for (pname, paddr), (ename, eaddr) in zip(py[field], ev[field]):
        if paddr != eaddr:
            return False
        if pname != ename and not (pname is None and f"({ename})" in py["raw"][field]):
            return False
    return True


def differences(py, ev):
    problems = []
    for field in ("subject", "from", "to", "cc"):
        if field != "subject" and comment_names_accepted(py, ev, field):
            continue
        if py[field] != ev[field]:
            problems.append(f"{field}: python {py[field]!r}, envoi {ev[field]!r}")
    if len(py["leaves"]) != len(ev["leaves"]):
        problems.append(f"leaf parts: python {len(py['leaves'])}, envoi {len(ev['leaves'])}")
    for i, (p, e) in enumerate(zip(py["leaves"], ev["leaves"]), 1):
        if p != e:
            problems.append(f"leaf {i}: python {leaf_text(p)}, envoi {leaf_text(e)}")
    return problems


def main():
    args = parse_args()
    data = args.data or python_test_data()
    allowed = dict(a.split("=", 1) for a in args.allow)
    files = sorted(glob.glob(os.path.join(data, "msg_*.txt")))
    if not files:
        print(f"FAIL - no msg_*.txt in {data}")
        return 1
    print("# names: envoi takes the comment of \"addr (Full Name)\" as the display name, "
          "Python gives none; that difference alone is accepted")
    names = set()
    failed = 0
    for path in files:
        name = os.path.basename(path)[:-4]
        names.add(name)
        try:
            problems = differences(python_view(path), envoi_view(args.envoi, path))
        except (RuntimeError, ValueError, KeyError, OSError, subprocess.TimeoutExpired) as e:
            problems = [f"envoi parse failed: {e}"]
        if not problems:
            print(f"ok - {name}: same subject, addresses and leaf parts")
        elif name in allowed:
            print(f"ok - {name}: differs on purpose ({allowed[name]})")
            for p in problems:
                print(f"    # {p}")
        else:
            failed += 1
            print(f"FAIL - {name}")
            for p in problems:
                print(f"    {p}")
    for name in sorted(set(allowed) - names):
        failed += 1
        print(f"FAIL - allowlist names {name}, which is not in the test data")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
