#!/usr/bin/env python3
"""An OAuth 2.0 token endpoint for envoi's tests, on loopback.

HTTPS (the test CA's localhost certificate) on --port:
  POST /token        the refresh-token grant (RFC 6749 section 6): checks client_id,
                     client_secret (when --client-secret is given) and the refresh token;
                     issues an access token of --expires-in seconds (changeable), and with
                     --rotate a new refresh token each time (the old one stops working).
                     Refusals are 400 {"error": "invalid_grant", ...} (or invalid_client).
Plain HTTP on --control-port (for Dovecot's oauth2 passdb and the test script):
  POST /introspect   RFC 7662 style: token=... -> {"active": true, "username": USER} while the
                     token is issued, not expired and not revoked, else {"active": false}
  GET  /stats        {"grants": N, "refused": N, "introspections": N, "tokens_seen": [...],
                     "refresh_seen": [...]} (every token issued)
  POST /revoke       revoke every access token issued so far
  POST /refuse       refuse every later grant (invalid_grant)
  POST /expires-in   body: seconds for the tokens issued next
The state lives in memory; the server runs until killed.
"""
import argparse
import json
import secrets
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {
    "grants": 0,
    "refused": 0,
    "introspections": 0,
    "tokens": {},  # access token -> (user, expiry)
    "revoked": set(),
    "refresh": None,
    "refresh_seen": [],
    "refuse": False,
    "expires_in": 3600,
}


def answer(handler, status, obj):
    body = json.dumps(obj).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Cache-Control", "no-store")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def read_form(handler):
    n = int(handler.headers.get("Content-Length", "0"))
    raw = handler.rfile.read(n).decode("ascii", "replace")
    return raw, urllib.parse.parse_qs(raw, keep_blank_values=True)


class TokenHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    opts = None

    def log_message(self, fmt, *args):
        sys.stderr.write("token: " + (fmt % args) + "\n")

    def do_POST(self):
        if self.path != "/token":
            answer(self, 404, {"error": "not_found"})
            return
        ctype = self.headers.get("Content-Type", "")
        raw, form = read_form(self)
        one = {k: v[0] for k, v in form.items()}
        o = self.opts
        with LOCK:
            if ctype.split(";")[0].strip() != "application/x-www-form-urlencoded":
                answer(self, 400, {"error": "invalid_request", "error_description": "not a form"})
                return
            if one.get("grant_type") != "refresh_token":
                answer(self, 400, {"error": "unsupported_grant_type"})
                return
            if one.get("client_id") != o.client_id or (
                o.client_secret is not None and one.get("client_secret") != o.client_secret
            ):
                STATE["refused"] += 1
                answer(self, 401, {"error": "invalid_client", "error_description": "unknown client"})
                return
            if o.scope is not None and one.get("scope") != o.scope:
                answer(self, 400, {"error": "invalid_scope"})
                return
            if STATE["refuse"] or one.get("refresh_token") != STATE["refresh"]:
                STATE["refused"] += 1
                answer(self, 400, {"error": "invalid_grant",
                                   "error_description": "the refresh token is not valid"})
                return
            STATE["grants"] += 1
            token = "at%d.%s" % (STATE["grants"], secrets.token_urlsafe(24))
            STATE["tokens"][token] = (o.user, time.time() + STATE["expires_in"])
            reply = {"access_token": token, "token_type": "Bearer",
                     "expires_in": STATE["expires_in"]}
            if o.rotate:
                STATE["refresh"] = "rt%d.%s" % (STATE["grants"], secrets.token_urlsafe(24))
                STATE["refresh_seen"].append(STATE["refresh"])
                reply["refresh_token"] = STATE["refresh"]
            answer(self, 200, reply)


class ControlHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("control: " + (fmt % args) + "\n")

    def do_GET(self):
        if self.path != "/stats":
            answer(self, 404, {})
            return
        with LOCK:
            answer(self, 200, {"grants": STATE["grants"], "refused": STATE["refused"],
                               "introspections": STATE["introspections"],
                               "tokens_seen": sorted(STATE["tokens"].keys()),
                               "refresh_seen": STATE["refresh_seen"]})

    def do_POST(self):
        raw, form = read_form(self)
        with LOCK:
            if self.path == "/introspect":
                STATE["introspections"] += 1
                token = form.get("token", [""])[0]
                entry = STATE["tokens"].get(token)
                if entry and entry[1] > time.time() and token not in STATE["revoked"]:
                    answer(self, 200, {"active": True, "username": entry[0]})
                else:
                    answer(self, 200, {"active": False})
            elif self.path == "/revoke":
                STATE["revoked"].update(STATE["tokens"].keys())
                answer(self, 200, {})
            elif self.path == "/refuse":
                STATE["refuse"] = True
                answer(self, 200, {})
            elif self.path == "/expires-in":
                STATE["expires_in"] = int(raw.strip())
                answer(self, 200, {})
            else:
                answer(self, 404, {})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--control-port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret")
    p.add_argument("--refresh-token", required=True)
    p.add_argument("--scope")
    p.add_argument("--user", required=True, help="the user the tokens are for")
    p.add_argument("--expires-in", type=int, default=3600)
    p.add_argument("--rotate", action="store_true")
    o = p.parse_args()
    STATE["refresh"] = o.refresh_token
    STATE["expires_in"] = o.expires_in
    TokenHandler.opts = o

    tls = ThreadingHTTPServer(("127.0.0.1", o.port), TokenHandler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(o.cert, o.key)
    tls.socket = ctx.wrap_socket(tls.socket, server_side=True)
    control = ThreadingHTTPServer(("127.0.0.1", o.control_port), ControlHandler)
    threading.Thread(target=control.serve_forever, daemon=True).start()
    print("ready", flush=True)
    tls.serve_forever()


if __name__ == "__main__":
    main()
