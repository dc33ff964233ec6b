#!/usr/bin/python3
"""A scripted POP3 server for envoi's bad-input tests: two messages listed, the first sent
whole, the connection dropped in the middle of the second RETR (mode drop-retr), or every
message sent whole (mode ok). Commands received are logged, one a line."""

import argparse
import asyncio

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
    return p.parse_args()


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
            f.write(verb + "\n")
        if verb == "CAPA":
            send("+OK\r\nUSER\r\nUIDL\r\nTOP\r\nPIPELINING\r\n.")
        elif verb in ("USER", "PASS", "NOOP", "RSET", "DELE"):
            send("+OK")
        elif verb == "STAT":
            send("+OK %d %d" % (len(MESSAGES), sum(map(len, MESSAGES))))
        elif verb == "LIST":
            send("+OK\r\n" + "".join("%d %d\r\n" % (i + 1, len(m)) for i, m in
                                     enumerate(MESSAGES)) + ".")
        elif verb == "UIDL":
            send("+OK\r\n" + "".join("%d uid-%d\r\n" % (i + 1, i + 1) for i in
                                     range(len(MESSAGES))) + ".")
        elif verb == "RETR" and len(words) == 2 and words[1] in ("1", "2"):
            n = int(words[1])
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
    server = await asyncio.start_server(lambda r, w: session(args, r, w), args.host, args.port)
    async with server:
        await server.serve_forever()


asyncio.run(main())
