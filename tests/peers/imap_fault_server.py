#!/usr/bin/python3
"""A scripted IMAP server for envoi's bad-input tests: one folder with two messages, the
first sent whole, the connection dropped in the middle of the second message (mode
drop-fetch), or every message sent whole (mode ok). Plain text, LOGIN command only; with
--no-uidplus the server lacks UIDPLUS, with --read-only SELECT opens the folder read-only.
UID SEARCH answers with the UIDs of a "UID set" key, else all of them. Commands received are
logged, one a line, without their tag (the LOGIN password masked)."""

import argparse
import asyncio

MESSAGES = [
    b"From: a@localhost\r\nSubject: first\r\nMessage-ID: <1@fault>\r\n\r\nfirst body\r\n",
    b"From: b@localhost\r\nSubject: second\r\nMessage-ID: <2@fault>\r\n\r\n" + b"x" * 5000
    + b"\r\nsecond body\r\n",
]
UIDS = [1, 2]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=["drop-fetch", "ok"], required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--no-uidplus", action="store_true")
    p.add_argument("--read-only", action="store_true")
    return p.parse_args()


def uid_set(text):
    """The UIDs of an IMAP sequence set such as 1:*, 1,2 or 2:2 that the folder has."""
    found = set()
    for part in text.split(","):
        lo, _, hi = part.partition(":")
        lo = max(UIDS) if lo == "*" else int(lo)
        hi = lo if not hi else max(UIDS) if hi == "*" else int(hi)
        found.update(u for u in UIDS if min(lo, hi) <= u <= max(lo, hi))
    return sorted(found)


def envelope(i):
    subject = b"first" if i == 0 else b"second"
    return (b'ENVELOPE (NIL "' + subject + b'" NIL NIL NIL NIL NIL NIL NIL "<'
            + str(i + 1).encode() + b'@fault>")')


class Session:
    def __init__(self, args, writer):
        self.args = args
        self.writer = writer

    def capabilities(self):
        return b"IMAP4rev1 LITERAL+" + (b"" if self.args.no_uidplus else b" UIDPLUS")

    def log(self, words):
        if words[0].upper() == "LOGIN":
            words = words[:2] + ["****"]
        with open(self.args.log, "a", encoding="utf-8") as f:
            f.write(" ".join(words) + "\n")

    def fetch(self, uids, items):
        """UID FETCH: the listing items, or the message bodies; False when dropped."""
        for uid in uids:
            i = UIDS.index(uid)
            if "RFC822.SIZE" in items:  # a listing, brief or with envelopes
                line = b"* %d FETCH (UID %d RFC822.SIZE %d FLAGS ()" % (i + 1, uid, len(MESSAGES[i]))
                if "ENVELOPE" in items:
                    line += b' INTERNALDATE "22-Nov-2026 01:00:00 +0000" ' + envelope(i)
                self.writer.write(line + b")\r\n")
                continue
            data = MESSAGES[i]
            self.writer.write(b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (i + 1, uid, len(data)))
            if self.args.mode == "drop-fetch" and i == 1:
                self.writer.write(data[: len(data) // 2])
                return False
            self.writer.write(data + b")\r\n")
        return True

    def answer(self, tag, words):
        """The response to one command; False to close the connection."""
        cmd = words[0].upper()
        if cmd == "UID" and len(words) > 2:
            sub = words[1].upper()
            if sub == "FETCH" and not self.fetch(uid_set(words[2]), " ".join(words[3:])):
                return False
            if sub == "SEARCH":
                keys = [w.upper() for w in words[2:]]
                found = uid_set(words[2 + keys.index("UID") + 1]) if "UID" in keys else UIDS
                self.writer.write(b"* SEARCH" + b"".join(b" %d" % u for u in found) + b"\r\n")
            self.writer.write(tag + b" OK UID %s done\r\n" % sub.encode())
        elif cmd == "CAPABILITY":
            self.writer.write(b"* CAPABILITY " + self.capabilities() + b"\r\n" + tag + b" OK\r\n")
        elif cmd in ("SELECT", "EXAMINE"):
            self.writer.write(b"* FLAGS (\\Seen \\Deleted)\r\n* 2 EXISTS\r\n* 0 RECENT\r\n"
                              b"* OK [PERMANENTFLAGS (\\Seen \\Deleted)] ok\r\n"
                              b"* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 3] ok\r\n")
            read_only = cmd == "EXAMINE" or self.args.read_only
            mode = b"READ-ONLY" if read_only else b"READ-WRITE"
            self.writer.write(tag + b" OK [" + mode + b"] done\r\n")
        elif cmd == "LOGOUT":
            self.writer.write(b"* BYE bye\r\n" + tag + b" OK done\r\n")
            return False
        else:  # LOGIN, NOOP, EXPUNGE, UNSELECT...
            self.writer.write(tag + b" OK done\r\n")
        return True


async def serve(args, reader, writer):
    session = Session(args, writer)
    writer.write(b"* OK [CAPABILITY " + session.capabilities() + b"] fault server ready\r\n")
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            words = line.decode("utf-8", "replace").split()
            if len(words) < 2:
                writer.write(b"* BAD empty command\r\n")
                continue
            session.log(words[1:])
            if not session.answer(words[0].encode(), words[1:]):
                break
            await writer.drain()
        await writer.drain()
    finally:
        writer.close()


async def main():
    args = parse_args()
    server = await asyncio.start_server(lambda r, w: serve(args, r, w), args.host, args.port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
