#!/usr/bin/python3
"""A configurable SMTP server for envoi's tests, on aiosmtpd: SMTPUTF8, CHUNKING (BDAT),
refused recipients, STARTTLS or implicit TLS, AUTH PLAIN/LOGIN, and each message saved."""

import argparse
import asyncio
import json
import logging
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

REFUSE_REPLY = "550 5.1.1 <{}>: Recipient address rejected: User unknown in local table"
TEMPFAIL_REPLY = "450 4.2.0 <{}>: Recipient address rejected: Mailbox busy, try again later"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--smtputf8", action="store_true", help="advertise and accept SMTPUTF8")
    p.add_argument("--chunking", action="store_true", help="advertise CHUNKING, accept BDAT")
    p.add_argument("--pipelining", action="store_true", help="advertise PIPELINING")
    p.add_argument("--refuse", action="append", default=[], metavar="ADDR",
                   help="answer RCPT TO:<ADDR> with 550 5.1.1 (repeatable)")
    p.add_argument("--tempfail", action="append", default=[], metavar="ADDR",
                   help="answer RCPT TO:<ADDR> with 450 4.2.0 (repeatable)")
    p.add_argument("--tls-cert", help="certificate (PEM) for TLS")
    p.add_argument("--tls-key", help="private key (PEM) for TLS")
    p.add_argument("--starttls", action="store_true",
                   help="offer and require STARTTLS instead of implicit TLS")
    p.add_argument("--auth", metavar="USER:PASS", help="accept AUTH PLAIN/LOGIN for this user")
    p.add_argument("--auth-required", action="store_true", help="refuse MAIL before AUTH")
    p.add_argument("--save", metavar="DIR",
                   help="write msg-N.eml (raw content), msg-N.json (envelope), commands.log (verbs)")
    p.add_argument("--hostname", default="localhost")
    return p.parse_args()


class Recorder:
    """Saves messages and the verbs of the session (never arguments: they may hold secrets)."""

    def __init__(self, directory):
        self.dir = directory
        self.count = 0
        if directory:
            os.makedirs(directory, exist_ok=True)

    def command(self, verb):
        """One line per command: the verb, and " +" when more input was already waiting."""
        if self.dir:
            with open(os.path.join(self.dir, "commands.log"), "a", encoding="ascii") as f:
                f.write(verb + "\n")

    def message(self, server, session, envelope, transfer):
        if not self.dir:
            return
        self.count += 1
        base = os.path.join(self.dir, "msg-%04d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "rcpt_options": envelope.rcpt_options,
            "smtputf8": bool(envelope.smtp_utf8),
            "transfer": transfer,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "size": len(envelope.original_content),
        }
        tmp = base + ".json.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(meta, f, ensure_ascii=False, indent=1)
        os.rename(tmp, base + ".json")


class Handler:
    def __init__(self, args, recorder):
        self.refuse = {a.lower() for a in args.refuse}
        self.tempfail = {a.lower() for a in args.tempfail}
        self.offer_auth = bool(args.auth)
        self.extra_ehlo = []
        if args.pipelining:
            self.extra_ehlo.append("250-PIPELINING")
        if args.chunking:
            self.extra_ehlo.append("250-CHUNKING")
        self.recorder = recorder

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if not self.offer_auth:
            responses = [r for r in responses if not r.startswith("250-AUTH")]
        return responses[:-1] + self.extra_ehlo + responses[-1:]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return REFUSE_REPLY.format(address)
        if address.lower() in self.tempfail:
            return TEMPFAIL_REPLY.format(address)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        transfer = "BDAT" if getattr(envelope, "bdat", None) is not None else "DATA"
        self.recorder.message(server, session, envelope, transfer)
        return "250 2.0.0 Ok: queued as %d" % self.recorder.count


class TestSMTP(SMTP):
    """aiosmtpd's server plus BDAT (RFC 3030) and a log of the verbs received."""

    def __init__(self, handler, recorder, **kwargs):
        super().__init__(handler, **kwargs)
        self.recorder = recorder
        for verb, method in list(self._smtp_methods.items()):
            self._smtp_methods[verb] = self._recording(verb, method)

    def _recording(self, verb, method):
        async def wrapped(arg):
            # "+" marks a command that came while more input already waited: pipelined.
            ahead = len(getattr(self._reader, "_buffer", b"")) > 0
            self.recorder.command(verb + (" +" if ahead else ""))
            return await method(arg)
        return wrapped

    async def smtp_BDAT(self, arg):
        parts = (arg or "").split()
        if not parts or not parts[0].isdigit() or len(parts) > 2 or (
                len(parts) == 2 and parts[1].upper() != "LAST"):
            await self.push("501 5.5.4 Syntax: BDAT size [LAST]")
            self.transport.close()
            return
        chunk = await self._reader.readexactly(int(parts[0]))
        last = len(parts) == 2
        if not self.session.host_name:
            await self.push("503 5.5.1 Error: send EHLO first")
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
            return
        if getattr(self.envelope, "bdat", None) is None:
            self.envelope.bdat = bytearray()
        self.envelope.bdat += chunk
        if not last:
            await self.push("250 2.0.0 %d octets received" % len(chunk))
            return
        content = bytes(self.envelope.bdat)
        self.envelope.content = content
        self.envelope.original_content = content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push(status)


def make_authenticator(spec):
    user, _, password = spec.partition(":")

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok)
    return authenticator


def make_tls_context(args):
    if not args.tls_cert:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.tls_cert, args.tls_key)
    return ctx


def main():
    args = parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    recorder = Recorder(args.save)
    handler = Handler(args, recorder)
    tls = make_tls_context(args)
    starttls = bool(tls and args.starttls)
    kwargs = dict(
        hostname=args.hostname,
        enable_SMTPUTF8=args.smtputf8,
        decode_data=False,
        tls_context=tls if starttls else None,
        require_starttls=starttls,
        # Implicit TLS or a plain test server: AUTH may be offered at once.
        auth_require_tls=starttls,
        auth_required=args.auth_required,
        authenticator=make_authenticator(args.auth) if args.auth else None,
        loop=loop,
    )
    server = loop.run_until_complete(loop.create_server(
        lambda: TestSMTP(handler, recorder, **kwargs), host=args.host, port=args.port,
        ssl=None if starttls else tls))
    logging.info("listening on %s:%d", args.host, args.port)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
