#!/usr/bin/python3
"""A scripted POP3 server for envoi's bad-input tests: two messages listed, the first sent
whole, the connection dropped in the middle of the second RETR (mode drop-retr), or every
message sent whole (mode ok). With --big-mib N the second message is generated, N MiB of
76-character lines streamed as they are sent (its SHA-256 is written to --big-sha256), and
--lie-size lists it as 100 bytes. Commands received are logged, one a line; DELE with its
number."""

import argparse
import asyncio
import hashlib

MESSAGES = [
    b"From: a@localhost\r\nSubject: first\r\nMessage-ID: <1@fault>\r\n\r\nfirst body\r\n",
    b"From: b@localhost\r\nSubject: second\r\nMessage-ID: <2@fault>\r\n\r\n" + b"x" * 5000
    + b"\r\nsecond body\r\n",
]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=["drop-retr", "ok"], required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--big-mib", type=int, default=0)
    p.add_argument("--big-sha256", help="where the big message's SHA-256 is written")
    p.add_argument("--lie-size", action="store_true")
    return p.parse_args()


BIG_HEAD = b"From: big@localhost\r\nSubject: big\r\nMessage-ID: <big@fault>\r\n\r\n"
BIG_LINE = b"y" * 76 + b"\r\n"
BIG_CHUNK = BIG_LINE * ((1 << 20) // len(BIG_LINE))  # about 1 MiB of whole lines


def big_size(mib):
    chunks = (mib << 20) // len(BIG_CHUNK)
    return len(BIG_HEAD) + chunks * len(BIG_CHUNK), chunks


def write_big_digest(args):
    """The SHA-256 of the big message as the client must save it (CRLF line ends)."""
    digest = hashlib.sha256(BIG_HEAD)
    for _ in range(big_size(args.big_mib)[1]):
        digest.update(BIG_CHUNK)
    with open(args.big_sha256, "w", encoding="ascii") as f:
        f.write(digest.hexdigest() + "\n")


def sizes(args):
    if not args.big_mib:
        return [len(m) for m in MESSAGES]
    return [len(MESSAGES[0]), 100 if args.lie_size else big_size(args.big_mib)[0]]


async def send_big(args, writer):
    writer.write(b"+OK\r\n" + BIG_HEAD)
    for _ in range(big_size(args.big_mib)[1]):
        writer.write(BIG_CHUNK)
        await writer.drain()
    writer.write(b".\r\n")


async def session(args, reader, writer):
    def send(text):
        writer.write(text if isinstance(text, bytes) else text.encode() + b"\r\n")

    send("+OK fault server ready")
    while True:
        line = await reader.readline()
        if not line:
            break
        words = line.decode("ascii", "replace").strip().split()
        verb = words[0].upper() if words else ""
        with open(args.log, "a", encoding="ascii") as f:
            f.write((" ".join(words[:2]).upper() if verb == "DELE" else verb) + "\n")
        if verb == "CAPA":
            send("+OK\r\nUSER\r\nUIDL\r\nTOP\r\nPIPELINING\r\n.")
        elif verb in ("USER", "PASS", "NOOP", "RSET", "DELE"):
            send("+OK")
        elif verb == "STAT":
            send("+OK %d %d" % (len(MESSAGES), sum(sizes(args))))
        elif verb == "LIST":
            send("+OK\r\n" + "".join("%d %d\r\n" % (i + 1, n) for i, n in
                                     enumerate(sizes(args))) + ".")
        elif verb == "UIDL":
            send("+OK\r\n" + "".join("%d uid-%d\r\n" % (i + 1, i + 1) for i in
                                     range(len(MESSAGES))) + ".")
        elif verb == "RETR" and len(words) == 2 and words[1] in ("1", "2"):
            n = int(words[1])
            if n == 2 and args.big_mib:
                await send_big(args, writer)
                continue
            body = MESSAGES[n - 1]
            if n == 2 and args.mode == "drop-retr":
                send(b"+OK\r\n" + body[: len(body) // 2])
                await writer.drain()
                writer.close()
                return
            send(b"+OK\r\n" + body + b".\r\n")
        elif verb == "QUIT":
            send("+OK bye")
            await writer.drain()
            break
        else:
            send("-ERR unknown command")
        await writer.drain()
    writer.close()


async def main():
    args = parse_args()
    if args.big_mib and args.big_sha256:
        write_big_digest(args)
    server = await asyncio.start_server(lambda r, w: session(args, r, w), args.host, args.port)
    async with server:
        await server.serve_forever()


asyncio.run(main())
