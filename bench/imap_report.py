#!/usr/bin/python3
"""Turn bench/imap_run's raw results into the printed table, the ratios
against the goals and imap_results.json (the same format as report.py's)."""
import sys

import report

SECTIONS = [
    ("disk", "1. IMAP from Dovecot into a maildir on disk (every message synced)"),
    ("tmpfs", "2. the same into a maildir on tmpfs, and the bare fetch (the server's limit)"),
]
RATIOS = [
    ("envoi / mbsync, on disk", "disk.envoi", "disk.mbsync", 1.5, None),
    ("envoi / offlineimap3, on disk", "disk.envoi", "disk.offlineimap", 5.0, None),
    ("envoi on tmpfs / bare UID FETCH 1:*", "tmpfs.envoi", "tmpfs.bare", 0.8, None),
    ("envoi / mbsync, tmpfs", "tmpfs.envoi", "tmpfs.mbsync", None, None),
    ("envoi / offlineimap3, tmpfs", "tmpfs.envoi", "tmpfs.offlineimap", None, None),
    ("mbsync on tmpfs / bare UID FETCH 1:*", "tmpfs.mbsync", "tmpfs.bare", None, None),
]


def main():
    args, runs, order, meta = report.start(__doc__)
    oi = meta.get("offlineimap_messages")
    oi_note = f" (offlineimap3: {oi})" if oi and oi != meta.get("messages") else ""
    print(f"\nenvoi IMAP fetch bench: {meta.get('date', '')}, {meta.get('cpus', '?')} CPUs, "
          f"{meta.get('messages', '?')} messages{oi_note} of "
          f"{meta.get('message_bytes', '?')} bytes, {meta.get('dovecot', 'Dovecot')}, "
          f"medians of {meta.get('reps', '?')} runs")
    for prefix, title in SECTIONS:
        report.print_section(runs, order, prefix, title)
    ratios = report.compute_ratios(runs, RATIOS)
    report.print_ratios(ratios)
    doc = {"meta": meta, "benchmarks": {i: runs[i] for i in order}, "ratios": ratios}
    return report.finish(args.json, doc, runs and all(b["ok"] for b in runs.values()))


if __name__ == "__main__":
    sys.exit(main())
