#!/usr/bin/python3
"""An SMTP server that delivers each accepted message into Dovecot with dovecot-lda, one run
per recipient (local part = user); it answers 250 only when every delivery succeeded."""

import argparse
import asyncio
import logging
import sys

from aiosmtpd.smtp import SMTP

LDA = "/usr/lib/dovecot/dovecot-lda"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dovecot-conf", required=True, help="the dovecot.conf of the instance")
    p.add_argument("--lda", default=LDA)
    return p.parse_args()


class Handler:
    def __init__(self, conf, lda):
        self.conf = conf
        self.lda = lda

    async def deliver(self, sender, rcpt, content):
        user = rcpt.rpartition("@")[0] or rcpt
        proc = await asyncio.create_subprocess_exec(
            self.lda, "-c", self.conf, "-f", sender or "MAILER-DAEMON", "-a", rcpt, "-d", user,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await proc.communicate(content)
        text = (err or out).decode("utf-8", "replace").strip().replace("\r", " ").replace("\n", " ")
        return proc.returncode, text

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            code, text = await self.deliver(envelope.mail_from, rcpt, envelope.original_content)
            if code != 0:
                logging.error("dovecot-lda for %s exited %d: %s", rcpt, code, text)
                return "451 4.3.0 dovecot-lda failed for <%s> (exit %d): %s" % (
                    rcpt, code, text[:300] or "no message")
            logging.info("delivered to %s", rcpt)
        return "250 Ok: delivered"


def main():
    args = parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler(args.dovecot_conf, args.lda)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="localhost", enable_SMTPUTF8=True, decode_data=False,
                     loop=loop),
        host=args.host, port=args.port))
    logging.info("listening on %s:%d", args.host, args.port)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
