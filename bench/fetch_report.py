#!/usr/bin/python3
"""Turn bench/fetch_run's raw results into the printed table, the ratios
against the goals and fetch_results.json (the same format as report.py's)."""
import re
import sys

import report

SECTIONS = [
    ("disk", "1. POP3 from Dovecot into a maildir on disk (every message synced)"),
    ("tmpfs", "2. the same into a maildir on tmpfs (Dovecot is the limit)"),
]
RATIOS = [
    ("envoi / mpop, on disk", "disk.envoi", "disk.mpop", 3.0, None),
    ("envoi / getmail6, on disk", "disk.envoi", "disk.getmail", 10.0, None),
    ("envoi / mpop, tmpfs", "tmpfs.envoi", "tmpfs.mpop", None, None),
    ("envoi / getmail6, tmpfs", "tmpfs.envoi", "tmpfs.getmail", None, None),
]


def read_store(path):
    """store_insert's "name: value" lines, as a dict of name to text."""
    figures = {}
    try:
        with open(path) as f:
            for line in f:
                name, sep, value = line.partition(":")
                if sep:
                    figures[re.sub(r"\s+", " ", name.strip())] = value.strip()
    except OSError:
        pass
    return figures


def main():
    args, runs, order, meta = report.start(__doc__, [("--store", "store_insert's output")])
    print(f"\nenvoi fetch bench: {meta.get('date', '')}, {meta.get('cpus', '?')} CPUs, "
          f"{meta.get('messages', '?')} messages of {meta.get('message_bytes', '?')} bytes, "
          f"{meta.get('dovecot', 'Dovecot')}, medians of {meta.get('reps', '?')} runs")
    for prefix, title in SECTIONS:
        report.print_section(runs, order, prefix, title)
    ratios = report.compute_ratios(runs, RATIOS)
    report.print_ratios(ratios)
    store = read_store(args.store) if args.store else {}
    if store:
        print(f"\n3. the mail store ({store.get('store_messages', '?')} messages)")
        for name, value in store.items():
            print(f"  {name:<40} {value}")
    doc = {"meta": meta, "benchmarks": {i: runs[i] for i in order}, "ratios": ratios,
           "store": store}
    return report.finish(args.json, doc, all(b["ok"] for b in runs.values()) and bool(store))


if __name__ == "__main__":
    sys.exit(main())
