#!/usr/bin/python3
"""Python smtplib as a peer: sends the message smtp-source -l LENGTH would
send, COUNT times over one reused connection; prints a key=value line like
smtp_blast. With --write FILE it only writes that message to FILE."""
import argparse
import resource
import smtplib
import sys
import time

FROM = "bench@localhost"
TO = "sink@localhost"
LINE = 78


def build_message(length):
    """From, To, Date, Message-Id and a body of LENGTH bytes in 78-character
    lines, CRLF line ends: the same shape as smtp-source's and smtp_blast's."""
    head = (f"From: <{FROM}>\r\nTo: <{TO}>\r\n"
            f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())}\r\n"
            f"Message-Id: <blast.{int(time.time())}.py@localhost>\r\n\r\n")
    body = []
    left = length
    while left > 2:
        n = min(LINE, left - 2)
        body.append("X" * n + "\r\n")
        left -= n + 2
    return (head + "".join(body)).encode("ascii")


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-m", "--messages", type=int, default=1)
    ap.add_argument("-l", "--length", type=int, default=10240)
    ap.add_argument("--write", metavar="FILE")
    ap.add_argument("target", nargs="?", help="HOST:PORT")
    args = ap.parse_args()
    data = build_message(args.length)
    if args.write:
        with open(args.write, "wb") as f:
            f.write(data)
        return 0
    if not args.target:
        ap.error("HOST:PORT needed")
    host, port = args.target.rsplit(":", 1)
    sent = failed = 0
    cpu0, t0 = cpu_seconds(), time.monotonic()
    with smtplib.SMTP(host, int(port), local_hostname="localhost", timeout=60) as s:
        for _ in range(args.messages):
            try:
                s.sendmail(FROM, [TO], data)
                sent += 1
            except smtplib.SMTPException as e:
                failed += 1
                print(f"smtplib_blast: {e}", file=sys.stderr)
    wall, cpu = time.monotonic() - t0, cpu_seconds() - cpu0
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"mode=smtplib sessions=1 messages={args.messages} length={args.length} sent={sent} "
          f"failed={failed} seconds={wall:.4f} msgs_per_s={sent / wall:.1f} cpu_s={cpu:.4f} "
          f"cpu_ms_per_msg={cpu * 1000 / max(sent, 1):.4f} maxrss_kib={maxrss}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
