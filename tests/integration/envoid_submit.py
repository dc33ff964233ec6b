#!/usr/bin/python3
"""Submits numbered messages to envoid over HTTP keep-alive from several threads until COUNT
have been acknowledged (202), riding out envoid being killed and restarted: a request that
gets no answer is not retried with the same number; the next one takes a new number.

Each message carries its number in X-Seq and in its Message-ID. Writes to --out one line per
number tried: "ack SEQ ID" for an acknowledged one, "lost SEQ" for one that got no answer
(envoid died under it: it may or may not have been queued), "refused SEQ CODE" for any other
answer. Prints a summary line to stdout."""

import argparse
import http.client
import json
import threading
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, required=True, help="acknowledgements wanted")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--out", required=True)
    p.add_argument("--deadline", type=float, default=300, help="give up after this many seconds")
    return p.parse_args()


def message(seq):
    return ("From: Crash Test <crash@example.org>\r\n"
            "To: sink@example.org\r\n"
            "Subject: crash test %d\r\n"
            "Message-ID: <seq-%d@crash.example.org>\r\n"
            "X-Seq: %d\r\n"
            "\r\n"
            "message number %d\r\n" % (seq, seq, seq, seq)).encode()


class Submitter:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.next_seq = 1
        self.acked = 0
        self.lines = []
        self.counts = {"ack": 0, "lost": 0, "refused": 0}
        self.stop_at = time.monotonic() + args.deadline

    def take_seq(self):
        with self.lock:
            if self.acked >= self.args.count or time.monotonic() > self.stop_at:
                return None
            seq = self.next_seq
            self.next_seq += 1
            return seq

    def note(self, kind, line):
        with self.lock:
            self.lines.append(line)
            self.counts[kind] += 1
            if kind == "ack":
                self.acked += 1

    def post(self, conn, seq):
        path = "/v1/messages?from=crash@example.org&to=sink@example.org"
        conn.request("POST", path, body=message(seq),
                     headers={"Content-Type": "message/rfc822", "Connection": "keep-alive"})
        resp = conn.getresponse()
        return resp.status, resp.read()

    def run_thread(self):
        conn = None
        while True:
            seq = self.take_seq()
            if seq is None:
                break
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.args.port, timeout=30)
                status, body = self.post(conn, seq)
            except (OSError, http.client.HTTPException):
                # envoid is down or died mid-request: this number's fate is unknown.
                self.note("lost", "lost %d" % seq)
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.02)
                continue
            if status == 202:
                self.note("ack", "ack %d %s" % (seq, json.loads(body)["id"]))
            else:
                self.note("refused", "refused %d %d" % (seq, status))
                time.sleep(0.02)
        if conn is not None:
            conn.close()

    def run(self):
        threads = [threading.Thread(target=self.run_thread) for _ in range(self.args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with open(self.args.out, "w", encoding="ascii") as f:
            f.write("\n".join(self.lines) + "\n")
        print("tried=%d acknowledged=%d lost=%d refused=%d" %
              (self.next_seq - 1, self.counts["ack"], self.counts["lost"], self.counts["refused"]))
        return 0 if self.acked >= self.args.count else 1


if __name__ == "__main__":
    raise SystemExit(Submitter(parse_args()).run())
