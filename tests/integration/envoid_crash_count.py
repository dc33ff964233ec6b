#!/usr/bin/python3
"""Counts what a relay received against what envoid acknowledged, for the crash test.

Reads the submitter's record (lines "ack SEQ ID", "lost SEQ", "refused SEQ CODE") and every
message file in the relay's dump directory (each carries "X-Seq: N"), and prints one
"key value" line per count: acknowledged, lost, delivered (whole messages), partial (dumps
cut short, not counted as delivered), delivered_distinct,
missing (acknowledged, never delivered), duplicates (deliveries beyond the first),
unknown (a number never tried, or refused), lost_delivered (no answer, yet queued and
delivered). With --missing FILE, writes the numbers missing there, one a line."""

import argparse
import os
import re
import sys

SEQ = re.compile(rb"^X-Seq: (\d+)\r?$", re.M)
BODY = re.compile(rb"^message number (\d+)\r?$", re.M)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--record", required=True)
    p.add_argument("--dumps", required=True)
    p.add_argument("--missing")
    return p.parse_args()


def read_record(path):
    acked, lost, refused = {}, set(), set()
    with open(path, encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "ack":
                acked[int(parts[1])] = parts[2]
            elif parts[0] == "lost":
                lost.add(int(parts[1]))
            elif parts[0] == "refused":
                refused.add(int(parts[1]))
    return acked, lost, refused


def read_dumps(directory):
    """Only whole messages count: a dump cut short (its body line missing) is partial."""
    delivered = {}
    files = partial = 0
    for name in os.listdir(directory):
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
        head, body = SEQ.search(data), BODY.search(data)
        if head and body and head.group(1) != body.group(1):
            head = None
        if head and not body:
            partial += 1
            continue
        files += 1
        seq = int(head.group(1)) if head else -1
        delivered[seq] = delivered.get(seq, 0) + 1
    return files, partial, delivered


def main():
    args = parse_args()
    acked, lost, refused = read_record(args.record)
    files, partial, delivered = read_dumps(args.dumps)
    missing = sorted(s for s in acked if s not in delivered)
    counts = {
        "acknowledged": len(acked),
        "lost": len(lost),
        "delivered": files,
        "partial": partial,
        "delivered_distinct": len(delivered),
        "missing": len(missing),
        "duplicates": sum(n - 1 for n in delivered.values()),
        "unknown": sum(1 for s in delivered if s not in acked and s not in lost),
        "lost_delivered": sum(1 for s in delivered if s in lost),
    }
    for key, value in counts.items():
        print(key, value)
    if args.missing:
        with open(args.missing, "w", encoding="ascii") as f:
            f.write("".join("%d %s\n" % (s, acked[s]) for s in missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
