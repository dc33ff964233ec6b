#!/usr/bin/python3
"""The parser benchmark's Python side, doing the work parse_envoi does with the
email package (policy.default): message_from_bytes, every header of every part
decoded (str() of each), walk() into message/rfc822, every leaf decoded
(get_payload(decode=True); text also to str from its charset); or an mbox
streamed line by line into a BytesFeedParser, optionally only its first MiB."""
import argparse
import email
import os
import resource
import statistics
import sys
import time
from email import policy
from email.feedparser import BytesFeedParser


class Tally:
    def __init__(self):
        self.messages = self.failed = self.parts = self.leaves = 0
        self.headers = self.addresses = self.decoded_bytes = self.checksum = 0

    def line(self):
        return (f"messages={self.messages} failed={self.failed} parts={self.parts} "
                f"leaves={self.leaves} headers={self.headers} addresses={self.addresses} "
                f"decoded_bytes={self.decoded_bytes} checksum={self.checksum}")


ADDRESS_FIELDS = ("from", "sender", "reply-to", "to", "cc", "bcc")


def decode_headers(t, part):
    for name, value in part.items():
        t.checksum += len(str(value))
        t.headers += 1
        if name.lower() in ADDRESS_FIELDS:
            for addr in getattr(value, "addresses", ()):
                t.checksum += len(addr.display_name) + len(addr.addr_spec)
                t.addresses += 1


def decode_leaf(t, part, text):
    t.leaves += 1
    name = part.get_filename()
    if name:
        t.checksum += len(name)
    data = part.get_payload(decode=True)
    if data is None:
        return
    if text and part.get_content_maintype() == "text":
        try:
            data = data.decode(part.get_content_charset() or "us-ascii", "replace").encode()
        except LookupError:
            pass
    t.decoded_bytes += len(data)
    if data:
        t.checksum += data[0] + data[len(data) // 2] + data[-1]


def work(t, msg, text=True):
    t.messages += 1
    for part in msg.walk():  # walk() descends into message/rfc822 too
        t.parts += 1
        decode_headers(t, part)
        if part.get_content_type() == "message/rfc822":
            t.messages += 1
        elif not part.is_multipart():
            decode_leaf(t, part, text)


def load(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, n) for n in os.listdir(p) if not n.startswith("."))
        else:
            files.append(p)
    out = []
    for f in files:
        with open(f, "rb") as fh:
            out.append(fh.read())
    return out


def run_memory(args):
    data = load(args.paths)
    size = sum(len(d) for d in data)
    seconds, cpu = [], []
    for _ in range(args.passes):
        t = Tally()
        t0, c0 = time.monotonic(), time.process_time()
        for d in data:
            try:
                msg = email.message_from_bytes(d, policy=policy.default)
                work(t, msg)
            except Exception:  # a parse the package gives up on
                t.failed += 1
        seconds.append(time.monotonic() - t0)
        cpu.append(time.process_time() - c0)
    report("memory", size, seconds, cpu, t)


def mbox_messages(path, limit, used):
    """Each message of an mboxrd file as a parsed message, streamed; used[0]
    counts the bytes of the messages yielded."""
    parser = None
    read = 0
    previous_blank = True
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"From ") and previous_blank:
                if parser is not None:
                    used[0] = read
                    yield parser.close()
                if limit and read >= limit:
                    return
                parser = BytesFeedParser(policy=policy.default)
                read += len(line)
                previous_blank = False
                continue
            read += len(line)
            previous_blank = line in (b"\n", b"\r\n")
            if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
                line = line[1:]
            if parser is not None:
                parser.feed(line)
        if parser is not None:
            used[0] = read
            yield parser.close()


def run_mbox(args):
    limit = args.limit_mib * 1024 * 1024
    t = Tally()
    used = [0]
    t0, c0 = time.monotonic(), time.process_time()
    for msg in mbox_messages(args.mbox, limit, used):
        work(t, msg, text=False)
    report("mbox", used[0], [time.monotonic() - t0], [time.process_time() - c0], t)


def report(mode, size, seconds, cpu, t):
    mib = size / 2**20
    rates = [mib / s if s > 0 else 0 for s in seconds]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"tool=python mode={mode} bytes={size} passes={len(seconds)} "
          f"seconds={statistics.median(seconds):.4f} mib_per_s={statistics.median(rates):.2f} "
          f"cpu_s={statistics.median(cpu):.4f} {t.line()} maxrss_kib={rss} "
          f"runs={','.join(f'{r:.2f}' for r in rates)}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--mbox")
    ap.add_argument("--limit-mib", type=int, default=0,
                    help="with --mbox: stop at the first message past this many MiB")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    if bool(args.mbox) == bool(args.paths):
        ap.error("give PATH... or --mbox FILE")
    if args.mbox:
        run_mbox(args)
    else:
        run_memory(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
