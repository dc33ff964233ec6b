#!/usr/bin/python3
"""Write the inputs of the parser benchmark into a directory, the same bytes on
every run (fixed seed): ordinary/ (about 2,400 messages, about 8 MiB: generated
mail of realistic variety plus the mime4j corpus and Python's own test
messages), large/ (20 messages with a 5 MiB base64 attachment each) and mbox
(both sets repeated to the requested size, mboxrd quoting)."""
import argparse
import base64
import glob
import os
import random
import sys
from email import encoders
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate

SEED = 20240611
GENERATED = 2320  # plus the mime4j and Python test messages: about 2,400
LARGE = 20
LARGE_BYTES = 5 * 1024 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))
MIME4J = os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared", "corpus", "mime4j")
PY_TESTS = "/usr/lib/python3.11/test/test_email/data"

WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at "
         "which but have an they you were her she there been one all we their has would when if "
         "so no what up out more about into than them can only other new some time could these "
         "two may then do first any my now such like our over man me even most made after also "
         "did many before must through back years where much your way well down should because "
         "each just those people how too little state good very make world still own see men "
         "work long get here between both life being under never day same another know while "
         "last might us great old year off come since against go came right used take three "
         "meeting invoice report project schedule budget review release server backup quarter "
         "contract shipment delivery customer account password update attached please regards "
         "thanks tomorrow monday friday agenda draft minutes proposal deadline").split()
# Text a charset can encode, for bodies, subjects and display names.
LOCAL = {
    "utf-8": ("Grüße aus Köln, naïve café — ½ € ✓ Привет мир 你好 世界 こんにちは 😀 "
              "Zürich São Paulo Łódź Ærø Ísland ğüşıöç").split(),
    "iso-8859-1": "Grüße aus Köln naïve café déjà vu Señor año über Straße façade crème".split(),
    "windows-1252": "“quoted” ‘single’ – dash — long … € price ™ Grüße café".split(),
    "iso-2022-jp": "こんにちは 会議 資料 添付 確認 お願い します 東京 今日 明日 予定".split(),
    "koi8-r": "Привет мир отчёт встреча завтра документ письмо счёт проект Москва".split(),
}
FIRST = "Alice Bob Carol Dave Eve Frank Grace Heidi Ivan Judy Mallory Oscar Peggy Trent".split()
LAST = "Smith Jones Brown Taylor Wilson Martin Müller Dupont García Rossi Novak Tanaka".split()
DOMAINS = "example.com example.org example.net mail.example.de lists.example.org".split()


def put_content_headers_last(msg):
    """Trace and address headers first, as mail arrives; MIME-Version only at
    the top."""
    for part in msg.walk():
        if part is not msg:
            del part["MIME-Version"]
    content = [h for h in msg._headers
               if h[0].lower().startswith("content-") or h[0].lower() == "mime-version"]
    msg._headers = [h for h in msg._headers if h not in content] + content


class Maker:
    """Builds one message after another from one seeded random source."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        random.seed(seed)  # the email package draws its boundaries from here
        self.count = 0

    def words(self, n, charset="us-ascii"):
        r = self.r
        local = LOCAL.get(charset)
        out = []
        for _ in range(n):
            if local and r.random() < 0.3:
                out.append(r.choice(local))
            else:
                out.append(r.choice(WORDS))
        return out

    def paragraph(self, charset, lines=None):
        r = self.r
        lines = lines or r.randint(1, 8)
        return "\n".join(" ".join(self.words(r.randint(6, 13), charset)) for _ in range(lines))

    def text(self, charset, paragraphs):
        return "\n\n".join(self.paragraph(charset) for _ in range(paragraphs)) + "\n"

    def charset(self):
        r = self.r.random()
        if r < 0.45:
            return "us-ascii"
        if r < 0.75:
            return "utf-8"
        if r < 0.85:
            return "iso-8859-1"
        if r < 0.91:
            return "windows-1252"
        if r < 0.96:
            return "koi8-r"
        return "iso-2022-jp"

    def address(self, encoded=False):
        r = self.r
        first, last = r.choice(FIRST), r.choice(LAST)
        addr = f"{first.lower()}.{last.lower().encode('ascii', 'ignore').decode()}@{r.choice(DOMAINS)}"
        style = r.random()
        if encoded:
            cs = self.charset()
            if cs == "us-ascii":
                cs = "utf-8"
            name = " ".join(self.words(2, cs))
            return formataddr((name, addr), charset=cs)
        if style < 0.15:
            return addr
        if style < 0.3:
            return f"<{addr}>"
        if style < 0.4:
            plain = last.encode("ascii", "ignore").decode()
            return f'"{plain}, {first}" <{addr}>'
        return formataddr((f"{first} {last}", addr))

    def addresses(self, n):
        return ", ".join(self.address(self.r.random() < 0.15) for _ in range(n))

    def subject(self):
        r = self.r
        prefix = r.choice(["", "", "Re: ", "Fwd: ", "RE: ", "AW: "])
        cs = self.charset()
        words = " ".join(self.words(r.randint(3, 10), cs))
        if cs == "us-ascii":
            return prefix + words.capitalize()
        h = Header(prefix, "us-ascii") if prefix else Header()
        h.append(words, cs)
        return h

    def msgid(self):
        self.count += 1
        return f"<{self.r.getrandbits(64):016x}.{self.count}@{self.r.choice(DOMAINS)}>"

    def date(self):
        return formatdate(1_500_000_000 + self.r.randint(0, 200_000_000),
                          localtime=False, usegmt=self.r.random() < 0.5)

    def headers(self, msg):
        r = self.r
        for hop in range(r.randint(1, 5)):
            msg["Received"] = (f"from mx{hop}.{r.choice(DOMAINS)} (mx{hop}.{r.choice(DOMAINS)} "
                               f"[192.0.2.{r.randint(1, 254)}])\n\tby mail.{r.choice(DOMAINS)} "
                               f"with ESMTPS id {r.getrandbits(40):x}\n\tfor "
                               f"<user@{r.choice(DOMAINS)}>; {self.date()}")
        if r.random() < 0.4:
            sig = base64.b64encode(r.randbytes(128)).decode()
            msg["DKIM-Signature"] = (f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={r.choice(DOMAINS)}; "
                                     "s=sel1; h=from:to:subject:date:message-id; bh="
                                     f"{base64.b64encode(r.randbytes(32)).decode()}; b={sig}")
        msg["From"] = self.address(r.random() < 0.3)
        msg["To"] = self.addresses(r.choice([1, 1, 1, 2, 3, 6]))
        if r.random() < 0.3:
            msg["Cc"] = self.addresses(r.randint(1, 4))
        if r.random() < 0.05:
            msg["Reply-To"] = "Team: " + self.addresses(2) + ";"
        msg["Subject"] = self.subject()
        msg["Date"] = self.date()
        msg["Message-ID"] = self.msgid()
        if r.random() < 0.35:
            refs = [self.msgid() for _ in range(r.randint(1, 6))]
            msg["In-Reply-To"] = refs[-1]
            msg["References"] = " ".join(refs)
        if r.random() < 0.2:
            msg["List-Id"] = f"Project list <project.{r.choice(DOMAINS)}>"
            msg["List-Unsubscribe"] = f"<mailto:leave@{r.choice(DOMAINS)}>"
        if r.random() < 0.5:
            msg["X-Mailer"] = r.choice(["Thunderbird 115.3", "Apple Mail (2.3731)",
                                        "Microsoft Outlook 16.0", "Mutt/2.2.9"])

    def text_part(self, subtype="plain", paragraphs=None):
        r = self.r
        cs = self.charset()
        body = self.text(cs, paragraphs or r.randint(1, 5))
        if subtype == "html":
            body = ("<html><head><meta charset=\"%s\"></head><body>\n<p>" % cs
                    + body.replace("\n\n", "</p>\n<p>") + "</p>\n</body></html>\n")
        charset = Charset(cs)
        if cs in ("utf-8", "iso-8859-1", "windows-1252"):
            charset.body_encoding = r.choice([QP, QP, BASE64, None])
        if cs == "us-ascii":
            charset.body_encoding = None
        return MIMEText(body, subtype, charset)

    def attachment(self):
        r = self.r
        kind = r.random()
        size = int(r.expovariate(1 / 1200)) + 200
        if kind < 0.5:
            part = MIMEApplication(r.randbytes(size), "pdf")
            ext = "pdf"
        elif kind < 0.7:
            part = MIMEBase("image", "png")
            part.set_payload(r.randbytes(size))
            encoders.encode_base64(part)
            ext = "png"
        else:
            part = MIMEText(self.text("us-ascii", 3), "csv", "utf-8")
            ext = "csv"
        name = "_".join(self.words(2, "utf-8" if r.random() < 0.3 else "us-ascii")) + "." + ext
        if name.isascii():
            part.add_header("Content-Disposition", "attachment", filename=name)
        elif r.random() < 0.5:
            part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        else:
            part["Content-Disposition"] = "attachment; filename=\"%s\"" % Header(name, "utf-8").encode()
        return part

    def alternative(self):
        alt = MIMEMultipart("alternative")
        alt.attach(self.text_part("plain"))
        alt.attach(self.text_part("html"))
        return alt

    def message(self, depth=0):
        r = self.r
        shape = r.random()
        if shape < 0.45:
            msg = self.text_part("plain")
        elif shape < 0.70:
            msg = self.alternative()
        elif shape < 0.85:
            msg = MIMEMultipart("mixed")
            msg.attach(self.alternative() if r.random() < 0.5 else self.text_part())
            for _ in range(r.randint(1, 3)):
                msg.attach(self.attachment())
        elif shape < 0.93:
            msg = MIMEMultipart("mixed")
            related = MIMEMultipart("related")
            related.attach(self.text_part("html"))
            img = MIMEBase("image", "gif")
            img.set_payload(r.randbytes(r.randint(300, 3000)))
            encoders.encode_base64(img)
            img["Content-ID"] = self.msgid()
            related.attach(img)
            inner = MIMEMultipart("alternative")
            inner.attach(self.text_part("plain"))
            inner.attach(related)
            msg.attach(inner)
            msg.attach(self.attachment())
        elif depth == 0:
            msg = MIMEMultipart("mixed")
            msg.attach(self.text_part("plain", 1))
            msg.attach(MIMEMessage(self.message(depth + 1)))
        else:
            msg = self.text_part("plain")
        self.headers(msg)
        put_content_headers_last(msg)
        return msg

    def source(self):
        msg = self.message()
        crlf = self.r.random() < 0.25
        policy = compat32.clone(linesep="\r\n" if crlf else "\n", max_line_length=78)
        return msg.as_bytes(policy=policy)

    def break_message(self, data):
        """A malformed variant of a good message, as real mail can be."""
        r = self.r
        lf = b"\r\n" if b"\r\n" in data else b"\n"
        kind = r.randrange(8)
        head, sep, body = data.partition(lf + lf)
        end = data.rfind(b"==--")
        if kind == 0 and end > 0:  # missing end boundary
            return data[: data.rfind(b"\n", 0, end) + 1]
        if kind == 1:  # bare CR line ends
            return data.replace(lf, b"\r")
        if kind == 2:  # truncated base64 and garbage
            return data[: len(data) * 2 // 3] + b"!!==@@\x00"
        if kind == 3:  # raw 8-bit header
            return b"Subject: caf\xe9 cr\xe8me br\xfbl\xe9e\n" + data
        if kind == 4:  # no blank line after the headers
            return head + lf + body
        if kind == 5:  # NUL bytes in the body
            return data.replace(b" the ", b" th\x00e ", 3)
        if kind == 6:  # a line of 100 KB
            return head + sep + b"x" * 100_000 + lf + body
        return data.replace(b"Content-Type: multipart/", b"Content-Type: multipart/", 1).replace(
            b"boundary=\"", b"boundary=\"x", 1)  # boundary that never occurs


def ordinary(maker):
    out = []
    for i in range(GENERATED):
        data = maker.source()
        if i % 97 == 13:
            data = maker.break_message(data)
        out.append(data)
    for pattern in (os.path.join(MIME4J, "*.msg"), os.path.join(PY_TESTS, "msg_*.txt")):
        for path in sorted(glob.glob(pattern)):
            with open(path, "rb") as f:
                out.append(f.read())
    return out


def large(maker):
    out = []
    for i in range(LARGE):
        msg = MIMEMultipart("mixed")
        msg.attach(maker.text_part("plain", 2))
        att = MIMEApplication(maker.r.randbytes(LARGE_BYTES), "octet-stream")
        att.add_header("Content-Disposition", "attachment", filename=f"archive-{i:02d}.bin")
        msg.attach(att)
        maker.headers(msg)
        put_content_headers_last(msg)
        out.append(msg.as_bytes(policy=compat32.clone(linesep="\n")))
    return out


def mboxrd(data):
    """One mbox entry: a From line, the message with LF line ends and
    mboxrd-quoted ">*From " lines, and a blank line."""
    data = data.replace(b"\r\n", b"\n")
    lines = data.split(b"\n")
    for i, line in enumerate(lines):
        if line.lstrip(b">").startswith(b"From "):
            lines[i] = b">" + line
    body = b"\n".join(lines)
    if not body.endswith(b"\n"):
        body += b"\n"
    return b"From bench@example.com Sat Jan  6 12:00:00 2024\n" + body + b"\n"


def starts_with_header(data):
    name, colon, _ = data[:200].partition(b":")
    return bool(colon) and bool(name) and b" " not in name and b"\n" not in name


def write_mbox(path, small, big, mib):
    """small and big interleaved evenly, repeated until mib MiB are written.
    Messages that do not start with a header field are left out: GMime's mbox
    mode stops at them."""
    small = [m for m in small if starts_with_header(m)]
    step = max(1, len(small) // max(1, len(big)))
    entries = []
    for i, data in enumerate(small):
        entries.append(mboxrd(data))
        if i % step == step - 1 and i // step < len(big):
            entries.append(mboxrd(big[i // step]))
    unit = b"".join(entries)
    target = mib * 1024 * 1024
    written = count = 0
    with open(path, "wb") as f:
        while written + len(unit) <= target:
            f.write(unit)
            written += len(unit)
            count += len(entries)
        for e in entries:
            if written >= target:
                break
            f.write(e)
            written += len(e)
            count += 1
    return written, count


def save(directory, messages):
    os.makedirs(directory, exist_ok=True)
    for i, data in enumerate(messages):
        with open(os.path.join(directory, f"{i:05d}.eml"), "wb") as f:
            f.write(data)
    return sum(len(m) for m in messages)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("dir")
    ap.add_argument("--mbox-mib", type=int, default=1024, help="size of the mbox; 0: none")
    args = ap.parse_args()
    maker = Maker(SEED)
    small = ordinary(maker)
    big = large(maker)
    n1 = save(os.path.join(args.dir, "ordinary"), small)
    n2 = save(os.path.join(args.dir, "large"), big)
    print(f"ordinary: {len(small)} messages, {n1 / 2**20:.1f} MiB", file=sys.stderr)
    print(f"large: {len(big)} messages, {n2 / 2**20:.1f} MiB", file=sys.stderr)
    if args.mbox_mib > 0:
        n3, count = write_mbox(os.path.join(args.dir, "mbox"), small, big, args.mbox_mib)
        print(f"mbox: {count} messages, {n3 / 2**20:.1f} MiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
