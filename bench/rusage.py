#!/usr/bin/python3
"""Run a command and print its wall time, CPU time (user + sys of the child
and its descendants) and peak RSS as one key=value line, like smtp_blast."""
import argparse
import resource
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--messages", type=int, default=0,
                    help="messages the command sends, for msgs_per_s and cpu_ms_per_msg")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    n = args.messages
    sent = n if rc == 0 else 0
    print(f"sent={sent} failed={n - sent} seconds={wall:.4f} "
          f"msgs_per_s={(sent / wall if wall > 0 else 0):.1f} cpu_s={cpu:.4f} "
          f"cpu_ms_per_msg={(cpu * 1000 / n if n else 0):.4f} maxrss_kib={after.ru_maxrss} rc={rc}")
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
