/* One conversation of the server level with one address: greeting, EHLO
 * (HELO when refused), MAIL FROM, RCPT TO, QUIT — never DATA — over the
 * shared line-protocol engine and SMTP reply parser. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "check/server.h"
#include "envoi/smtp.h"
#include "net/conn.h"
#include "proto/pp.h"
#include "smtp/ehlo.h"
#include "smtp/reply.h"
#include "util/buf.h"

typedef struct probe {
    const envoi_checker *c;
    const char *host;          /* the MX host name, or the literal */
    char ip[INET6_ADDRSTRLEN]; /* the address connected to */
    envoi_conn *conn;
    envoi_pp pp;
    envoi_error err;
    envoi_smtp_reply reply;
    envoi_smtp_caps caps;
    envoi_check_report *r;
    check_probe_outcome outcome;
    const char *step; /* the reply awaited, for error texts; NULL before the connection */
} probe;

/* "host (ip)", or the ip alone when the host is the literal. */
static void name_peer(const probe *p, char *out, size_t size)
{
    if (strstr(p->host, p->ip))
        snprintf(out, size, "%s", p->host);
    else
        snprintf(out, size, "%s (%s)", p->host, p->ip);
}

/* The conversation broke (connection, timeout, garbage): try the next. */
static int fail_broken(probe *p)
{
    char peer[CHECK_DNS_NAME_SIZE + INET6_ADDRSTRLEN + 4];
    name_peer(p, peer, sizeof peer);
    p->outcome = CHECK_PROBE_TRY_NEXT;
    p->r->reply_code = 0;
    p->r->enhanced[0] = '\0';
    if (p->step && p->err.code != ENVOI_OK)
        return checker_set_result(p->r, ENVOI_ADDR_ERROR, ENVOI_CHECK_SERVER,
                                  "%s: %s (waiting for %s)", peer, p->err.text, p->step);
    return checker_set_result(p->r, ENVOI_ADDR_ERROR, ENVOI_CHECK_SERVER, "%s: %s", peer,
                              p->err.text);
}

/* The reply in one line: "550 5.1.1 words". */
static int format_reply(const probe *p, envoi_buf *out)
{
    return envoi_smtp_reply_format(&p->reply, out);
}

/* A reply that ends the check, or lets the next server try: 4xx (deferred)
 * and anything but 5xx go on; a 5xx before RCPT refuses the probe. */
static int fail_reply(probe *p, const char *step)
{
    envoi_buf text = ENVOI_BUF_INIT;
    if (format_reply(p, &text) < 0)
        return ENVOI_ENOMEM;
    char peer[CHECK_DNS_NAME_SIZE + INET6_ADDRSTRLEN + 4];
    name_peer(p, peer, sizeof peer);
    p->r->reply_code = p->reply.code;
    snprintf(p->r->enhanced, sizeof p->r->enhanced, "%s", p->reply.enhanced);
    if (p->reply.code / 100 == 5) {
        p->outcome = CHECK_PROBE_REFUSED_PROBE;
        checker_set_result(p->r, ENVOI_ADDR_ERROR, ENVOI_CHECK_SERVER,
                           "%s refuses the check itself (not the address) at %s: %s", peer, step,
                           text.data);
    } else {
        p->outcome = CHECK_PROBE_TRY_NEXT;
        checker_set_result(p->r, ENVOI_ADDR_ERROR, ENVOI_CHECK_SERVER, "%s %s at %s: %s", peer,
                           p->reply.code / 100 == 4 ? "deferred the check"
                                                    : "answered what SMTP does not allow",
                           step, text.data);
    }
    envoi_buf_free(&text);
    return 0;
}

static int reply_line(void *ctx, const char *line, size_t len, envoi_error *err)
{
    return envoi_smtp_reply_add_line(ctx, line, len, err);
}

/* Read one reply; a negative code when the conversation broke. */
static int read_reply(probe *p)
{
    envoi_smtp_reply_reset(&p->reply);
    int rc = envoi_pp_read_response(&p->pp, reply_line, &p->reply);
    if (rc < 0)
        return rc;
    /* Taken even when not announced (aiosmtpd, some MTAs send them anyway):
     * only a code whose class matches the reply's is taken, and the report
     * keeps it apart from the words. */
    envoi_smtp_reply_take_enhanced(&p->reply);
    return 0;
}

/* Send one command line and read its reply. */
static int exchange(probe *p, const char *cmd)
{
    size_t len = strlen(cmd);
    int rc = envoi_pp_send(&p->pp, cmd, len, len);
    if (rc == 0)
        rc = envoi_pp_flush(&p->pp);
    if (rc == 0)
        rc = read_reply(p);
    return rc;
}

static bool is_ok(const probe *p)
{
    return p->reply.code / 100 == 2;
}

/* EHLO, or HELO when EHLO gets a 5xx. 0 with is_ok when greeted. */
static int say_hello(probe *p)
{
    char cmd[CHECKER_NAME_SIZE + 8];
    snprintf(cmd, sizeof cmd, "EHLO %s", p->c->helo);
    p->step = "the reply to EHLO";
    int rc = exchange(p, cmd);
    if (rc < 0 || p->reply.code / 100 != 5)
        return rc == 0 && is_ok(p) ? envoi_smtp_caps_parse(&p->caps, &p->reply) : rc;
    snprintf(cmd, sizeof cmd, "HELO %s", p->c->helo);
    p->step = "the reply to HELO";
    return exchange(p, cmd);
}

static bool has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* MAIL FROM and RCPT TO; the report says what RCPT got. */
static int ask(probe *p)
{
    bool utf8 = has_non_ascii(p->r->local_part) || has_non_ascii(p->c->mail_from);
    if (utf8 && !(p->caps.ext & ENVOI_SMTP_EXT_SMTPUTF8)) {
        p->err.code = ENVOI_OK;
        snprintf(p->err.text, sizeof p->err.text, "%s",
                 "the server does not accept internationalized addresses (no SMTPUTF8)");
        return fail_broken(p);
    }
    char cmd[CHECKER_ADDRESS_SIZE + sizeof p->r->local_part + sizeof p->r->domain + 32];
    snprintf(cmd, sizeof cmd, "MAIL FROM:<%s>%s", p->c->mail_from, utf8 ? " SMTPUTF8" : "");
    p->step = "the reply to MAIL FROM";
    int rc = exchange(p, cmd);
    if (rc < 0)
        return rc == ENVOI_ENOMEM ? rc : fail_broken(p);
    if (!is_ok(p))
        return fail_reply(p, "MAIL FROM");
    snprintf(cmd, sizeof cmd, "RCPT TO:<%s@%s>", p->r->local_part, p->r->domain);
    p->step = "the reply to RCPT TO";
    rc = exchange(p, cmd);
    if (rc < 0)
        return rc == ENVOI_ENOMEM ? rc : fail_broken(p);
    if (p->reply.code / 100 == 4 || (p->reply.code / 100 != 2 && p->reply.code / 100 != 5))
        return fail_reply(p, "RCPT TO");
    envoi_buf text = ENVOI_BUF_INIT;
    if (format_reply(p, &text) < 0)
        return ENVOI_ENOMEM;
    p->outcome = CHECK_PROBE_ANSWERED;
    p->r->reply_code = p->reply.code;
    snprintf(p->r->enhanced, sizeof p->r->enhanced, "%s", p->reply.enhanced);
    if (is_ok(p))
        checker_set_result(p->r, ENVOI_ADDR_VALID, ENVOI_CHECK_SERVER, "%s", "");
    else
        checker_set_result(p->r, ENVOI_ADDR_REFUSED, ENVOI_CHECK_SERVER, "%s", text.data);
    envoi_buf_free(&text);
    return 0;
}

/* Greeting, hello, then the question. */
static int converse(probe *p)
{
    p->step = "the greeting";
    int rc = read_reply(p);
    if (rc < 0)
        return rc == ENVOI_ENOMEM ? rc : fail_broken(p);
    if (!is_ok(p))
        return fail_reply(p, "the greeting");
    rc = say_hello(p);
    if (rc < 0)
        return rc == ENVOI_ENOMEM ? rc : fail_broken(p);
    if (!is_ok(p))
        return fail_reply(p, "EHLO/HELO");
    return ask(p);
}

static void address_text(const struct sockaddr_storage *addr, char *out, size_t size)
{
    const void *raw = addr->ss_family == AF_INET6
                          ? (const void *)&((const struct sockaddr_in6 *)addr)->sin6_addr
                          : (const void *)&((const struct sockaddr_in *)addr)->sin_addr;
    if (!inet_ntop(addr->ss_family, raw, out, (socklen_t)size))
        snprintf(out, size, "?");
}

int check_server_probe(const envoi_checker *c, const char *host,
                       const struct sockaddr_storage *addr, envoi_check_report *report,
                       check_probe_outcome *outcome)
{
    probe p;
    memset(&p, 0, sizeof p);
    p.c = c;
    p.host = host;
    p.r = report;
    address_text(addr, p.ip, sizeof p.ip);
    snprintf(report->mx, sizeof report->mx, "%s", host);
    envoi_pp_init(&p.pp, &p.err);
    int rc = envoi_conn_open(&p.conn, p.ip, c->smtp_port, c->smtp_timeout_ms, c->smtp_timeout_ms,
                             &p.err);
    if (rc == ENVOI_ENOMEM) {
        envoi_pp_free(&p.pp);
        return rc;
    }
    if (rc < 0) {
        rc = fail_broken(&p);
    } else {
        p.pp.conn = p.conn;
        rc = converse(&p);
        envoi_pp_hang_up(&p.pp, &p.conn, "QUIT");
    }
    *outcome = p.outcome;
    envoi_smtp_reply_free(&p.reply);
    envoi_smtp_caps_free(&p.caps);
    envoi_pp_free(&p.pp);
    return rc;
}
