#!/usr/bin/python3
"""A scripted SMTP server that misbehaves in one chosen way, for envoi's bad-input tests:
garbage greeting, silence, a dropped connection mid-DATA, every recipient refused..."""

import argparse
import asyncio
import sys

MODES = {
    "garbage": "answers the connection with text that is not SMTP",
    "close": "closes the connection at once, before any greeting",
    "stall-greeting": "accepts the connection and never says anything",
    "stall-mail": "greets, answers EHLO, then never answers MAIL",
    "drop-data": "closes the connection in the middle of the message data",
    "refuse-all": "answers every RCPT with 550 5.1.1",
    "bad-reply": "answers MAIL with a line that is not a reply",
    "ok": "behaves (a plain SMTP server that accepts everything)",
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                epilog="modes: " + "; ".join("%s: %s" % kv for kv in MODES.items()))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=sorted(MODES), required=True)
    p.add_argument("--log", help="append the verbs received here, one per line")
    return p.parse_args()


class Session:
    def __init__(self, args, reader, writer):
        self.args, self.reader, self.writer = args, reader, writer

    def log(self, verb):
        if self.args.log:
            with open(self.args.log, "a", encoding="ascii") as f:
                f.write(verb + "\n")

    async def reply(self, text):
        self.writer.write(text.encode() + b"\r\n")
        await self.writer.drain()

    async def stall(self):
        # Keep reading (and ignoring) until the client gives up.
        while await self.reader.read(4096):
            pass

    async def data(self):
        await self.reply("354 End data with <CR><LF>.<CR><LF>")
        if self.args.mode == "drop-data":
            await self.reader.read(1)
            self.writer.transport.abort()
            return False
        while True:
            line = await self.reader.readline()
            if not line or line == b".\r\n":
                break
        await self.reply("250 2.0.0 Ok: queued")
        return True

    async def run(self):
        mode = self.args.mode
        if mode == "close":
            self.writer.transport.abort()
            return
        if mode == "garbage":
            await self.reply("HTTP/1.1 400 Bad Request")
            await self.reply("this is not an SMTP server")
            await self.stall()
            return
        if mode == "stall-greeting":
            await self.stall()
            return
        await self.reply("220 localhost ESMTP fault server")
        while True:
            line = await self.reader.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
            self.log(verb)
            if verb in ("EHLO", "HELO"):
                await self.reply("250-localhost\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES")
            elif verb == "MAIL" and mode == "stall-mail":
                await self.stall()
                return
            elif verb == "MAIL" and mode == "bad-reply":
                await self.reply("hello? 2.1.0 what")
            elif verb == "MAIL":
                await self.reply("250 2.1.0 Ok")
            elif verb == "RCPT" and mode == "refuse-all":
                await self.reply("550 5.1.1 Recipient address rejected: no such user here")
            elif verb in ("RCPT", "RSET", "NOOP"):
                await self.reply("250 2.0.0 Ok")
            elif verb == "DATA":
                if not await self.data():
                    return
            elif verb == "QUIT":
                await self.reply("221 2.0.0 Bye")
                self.writer.close()
                return
            else:
                await self.reply("502 5.5.2 Error: command not recognized")


def main():
    args = parse_args()
    loop = asyncio.new_event_loop()

    async def handle(reader, writer):
        try:
            await Session(args, reader, writer).run()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = loop.run_until_complete(asyncio.start_server(handle, args.host, args.port))
    print("fault server (%s) on %s:%d" % (args.mode, args.host, args.port), file=sys.stderr,
          flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
