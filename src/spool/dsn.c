/* Building an RFC 3464 delivery status notification by hand (the message
 * builder has no multipart/report): CRLF line ends, a random boundary
 * checked against the content, long fields folded. */
#include "spool/dsn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "envoi/error.h"
#include "mime/header_write.h"
#include "mime/messageid.h"
#include "util/time.h"

enum { BOUNDARY_SIZE = 40, HOST_MAX = 256, WORDS_MAX = 900 };

bool spool_dsn_wanted(const char *sender)
{
    return sender && *sender && strcmp(sender, "<>") != 0;
}

static bool is_dns_name(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > 253 || s[0] == '.' || s[0] == '-' || s[len - 1] == '.')
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == len &&
           !strstr(s, "..");
}

void spool_dsn_hostname(char *out, size_t size)
{
    char host[HOST_MAX + 1] = "";
    if (gethostname(host, HOST_MAX) < 0 || !is_dns_name(host))
        snprintf(host, sizeof host, "localhost");
    snprintf(out, size, "%s", host);
}

/* Length of an "x.y.z" enhanced code at p (class digit, 1-3 digits, 1-3
 * digits), 0 when there is none. */
static size_t enhanced_len(const char *p)
{
    size_t i = 1;
    if (!isdigit((unsigned char)p[0]) || p[1] != '.')
        return 0;
    for (int part = 0; part < 2; part++) {
        size_t start = ++i;
        while (isdigit((unsigned char)p[i]) && i - start < 3)
            i++;
        if (i == start || (part == 0 && p[i] != '.'))
            return 0;
    }
    return p[i] == '\0' || p[i] == ' ' ? i : 0;
}

void spool_dsn_status(const spool_dsn_rcpt *r, char *out, size_t size)
{
    char want = r->delayed ? '4' : '5';
    const char *p = r->reply ? r->reply : "";
    if (r->reply_code && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
        isdigit((unsigned char)p[2]) && p[3] == ' ') {
        size_t n = enhanced_len(p + 4);
        if (n && p[4] == want) {
            snprintf(out, size, "%.*s", (int)n, p + 4);
            return;
        }
    }
    snprintf(out, size, "%s", r->delayed ? "4.0.0" : r->expired ? "5.4.7" : "5.0.0");
}

static void date_of(int64_t ms, char *out, size_t size)
{
    time_t t = ms > 0 ? (time_t)(ms / 1000) : time(NULL);
    if (envoi_time_rfc5322(t, out, size) < 0)
        snprintf(out, size, "Thu, 01 Jan 1970 00:00:00 +0000");
}

static bool has_8bit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

/* "Name: words" folded at spaces, the words cut to a sane length and any
 * control character made a space. */
static int put_field(envoi_buf *out, const char *name, const char *prefix, const char *words)
{
    mime_hdr h;
    mime_hdr_begin(&h, out, name);
    if (prefix)
        mime_hdr_word(&h, " ", 1, prefix, strlen(prefix));
    size_t n = strnlen(words, WORDS_MAX);
    for (size_t i = 0; i < n;) {
        while (i < n && ((unsigned char)words[i] <= ' ' || words[i] == 0x7f))
            i++;
        size_t start = i;
        while (i < n && (unsigned char)words[i] > ' ' && words[i] != 0x7f)
            i++;
        if (i > start)
            mime_hdr_word(&h, " ", 1, words + start, i - start);
    }
    return mime_hdr_end(&h);
}

/* The original header block (up to the first empty line), CRLF line ends. */
static int put_headers(envoi_buf *out, const char *src, size_t len)
{
    int rc = 0;
    size_t i = 0;
    while (i < len && rc == 0) {
        const char *nl = memchr(src + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - src) : len, k = end;
        if (k > i && src[k - 1] == '\r')
            k--;
        if (k == i)
            break;
        rc = envoi_buf_append(out, src + i, k - i);
        if (rc == 0)
            rc = envoi_buf_append(out, "\r\n", 2);
        i = nl ? end + 1 : len;
    }
    return rc;
}

/* Text indented by 4 and wrapped at spaces near 76 columns. */
static int put_wrapped(envoi_buf *b, const char *words)
{
    size_t n = strnlen(words, WORDS_MAX), col = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        while (i < n && (unsigned char)words[i] <= ' ')
            i++;
        size_t start = i;
        while (i < n && (unsigned char)words[i] > ' ')
            i++;
        if (i == start)
            break;
        if (col && col + 1 + (i - start) > 76) {
            rc = envoi_buf_append(b, "\r\n", 2);
            col = 0;
        }
        if (rc == 0)
            rc = envoi_buf_append_str(b, col ? " " : "    ");
        if (rc == 0)
            rc = envoi_buf_append(b, words + start, i - start);
        col += (col ? 1 : 4) + (i - start);
    }
    return rc == 0 ? envoi_buf_append(b, "\r\n", 2) : rc;
}

static int put_notice(envoi_buf *b, const spool_dsn *d, const char *host, bool any_failed)
{
    int rc = envoi_buf_printf(b, "A delivery report from the envoi spooler at %s.\r\n\r\n", host);
    if (rc == 0 && any_failed)
        rc = envoi_buf_append_str(b, "Your message could not be delivered to one or more of its "
                                     "recipients.\r\nThe reason for each is below.\r\n");
    else if (rc == 0)
        rc = envoi_buf_append_str(b, "Your message could not be delivered yet to one or more "
                                     "recipients.\r\nIt is still being retried: no action is "
                                     "needed.\r\n");
    if (rc == 0 && d->queue_id)
        rc = envoi_buf_printf(b, "\r\nQueue id: %s\r\n", d->queue_id);
    for (size_t i = 0; i < d->rcpt_count && rc == 0; i++) {
        const spool_dsn_rcpt *r = &d->rcpts[i];
        rc = envoi_buf_printf(b, "\r\n<%s>:%s\r\n", r->recipient,
                              r->delayed   ? " delayed, still being retried"
                              : r->expired ? " gave up after retrying"
                                           : "");
        if (rc == 0)
            rc = put_wrapped(b, r->reply && *r->reply ? r->reply : "no reason given");
    }
    return rc;
}

static int put_rcpt_block(envoi_buf *b, const spool_dsn *d, const spool_dsn_rcpt *r,
                          const char *last)
{
    char status[16];
    spool_dsn_status(r, status, sizeof status);
    int rc = envoi_buf_printf(b, "\r\nFinal-Recipient: rfc822; %s\r\nAction: %s\r\nStatus: %s\r\n",
                              r->recipient, r->delayed ? "delayed" : "failed", status);
    if (rc == 0 && d->remote_mta && *d->remote_mta)
        rc = envoi_buf_printf(b, "Remote-MTA: dns; %s\r\n", d->remote_mta);
    if (rc == 0 && r->reply && *r->reply)
        rc = put_field(b, "Diagnostic-Code", r->reply_code ? "smtp;" : "X-Envoi;", r->reply);
    if (rc == 0)
        rc = envoi_buf_printf(b, "Last-Attempt-Date: %s\r\n", last);
    return rc;
}

static int put_status(envoi_buf *b, const spool_dsn *d, const char *host)
{
    char arrival[ENVOI_RFC5322_DATE_SIZE], last[ENVOI_RFC5322_DATE_SIZE];
    date_of(d->arrival_ms, arrival, sizeof arrival);
    date_of(d->last_attempt_ms, last, sizeof last);
    int rc = envoi_buf_printf(b, "Reporting-MTA: dns; %s\r\n", host);
    if (rc == 0 && d->queue_id)
        rc = envoi_buf_printf(b, "X-Envoi-Queue-ID: %s\r\n", d->queue_id);
    if (rc == 0)
        rc = envoi_buf_printf(b, "Arrival-Date: %s\r\n", arrival);
    for (size_t i = 0; i < d->rcpt_count && rc == 0; i++)
        rc = put_rcpt_block(b, d, &d->rcpts[i], last);
    return rc;
}

static bool collides(const char *boundary, const envoi_buf *parts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (parts[i].data && memmem(parts[i].data, parts[i].len, boundary, strlen(boundary)))
            return true;
    return false;
}

static int put_top(envoi_buf *out, const spool_dsn *d, const char *host, const char *boundary,
                   bool any_failed)
{
    char date[ENVOI_RFC5322_DATE_SIZE];
    date_of(0, date, sizeof date);
    char *id = NULL;
    int rc = mime_messageid_generate(&id);
    if (rc == 0)
        rc = envoi_buf_printf(out,
                              "From: Mail Delivery System <MAILER-DAEMON@%s>\r\n"
                              "To: <%s>\r\n"
                              "Subject: %s\r\n"
                              "Date: %s\r\n"
                              "Message-ID: <%s>\r\n"
                              "Auto-Submitted: auto-replied\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: multipart/report; report-type=delivery-status;\r\n"
                              "\tboundary=\"%s\"\r\n"
                              "\r\n"
                              "This is a MIME-encapsulated message.\r\n",
                              host, d->sender,
                              any_failed ? "Undelivered Mail Returned to Sender"
                                         : "Delayed Mail (still being retried)",
                              date, id, boundary);
    free(id);
    return rc;
}

static int put_part(envoi_buf *out, const char *boundary, const char *headers,
                    const envoi_buf *body)
{
    int rc = envoi_buf_printf(out, "\r\n--%s\r\n%s\r\n", boundary, headers);
    if (rc == 0 && body->len)
        rc = envoi_buf_append(out, body->data, body->len);
    return rc;
}

static int assemble(envoi_buf *out, const spool_dsn *d, const char *host, envoi_buf parts[3])
{
    bool any_failed = false;
    for (size_t i = 0; i < d->rcpt_count; i++)
        any_failed |= !d->rcpts[i].delayed;
    char boundary[BOUNDARY_SIZE];
    int rc = 0;
    for (int tries = 0; rc == 0; tries++) {
        rc = mime_boundary_generate(boundary, sizeof boundary);
        if (rc == 0 && !collides(boundary, parts, 3))
            break;
        if (tries == 8)
            rc = ENVOI_EINVAL;
    }
    bool text8 = has_8bit(parts[0].data, parts[0].len);
    bool status8 = has_8bit(parts[1].data, parts[1].len);
    bool hdrs8 = has_8bit(parts[2].data, parts[2].len);
    char h[3][160];
    snprintf(h[0], sizeof h[0],
             "Content-Type: text/plain; charset=%s\r\nContent-Description: Notification\r\n%s",
             text8 ? "utf-8" : "us-ascii", text8 ? "Content-Transfer-Encoding: 8bit\r\n" : "");
    snprintf(h[1], sizeof h[1],
             "Content-Type: message/delivery-status\r\nContent-Description: Delivery report\r\n%s",
             status8 ? "Content-Transfer-Encoding: 8bit\r\n" : "");
    snprintf(h[2], sizeof h[2],
             "Content-Type: text/rfc822-headers\r\nContent-Description: Undelivered Message "
             "Headers\r\n%s",
             hdrs8 ? "Content-Transfer-Encoding: 8bit\r\n" : "");
    if (rc == 0)
        rc = put_top(out, d, host, boundary, any_failed);
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = put_part(out, boundary, h[i], &parts[i]);
    if (rc == 0)
        rc = envoi_buf_printf(out, "\r\n--%s--\r\n", boundary);
    return rc;
}

int spool_dsn_build(const spool_dsn *d, envoi_buf *out)
{
    if (!d || !spool_dsn_wanted(d->sender) || !d->rcpts || d->rcpt_count == 0 ||
        strpbrk(d->sender, "\r\n"))
        return ENVOI_EINVAL;
    for (size_t i = 0; i < d->rcpt_count; i++)
        if (!d->rcpts[i].recipient || strpbrk(d->rcpts[i].recipient, "\r\n"))
            return ENVOI_EINVAL;
    char host[HOST_MAX + 1];
    if (d->reporting_mta && is_dns_name(d->reporting_mta))
        snprintf(host, sizeof host, "%s", d->reporting_mta);
    else
        spool_dsn_hostname(host, sizeof host);
    envoi_buf parts[3] = {ENVOI_BUF_INIT, ENVOI_BUF_INIT, ENVOI_BUF_INIT};
    bool any_failed = false;
    for (size_t i = 0; i < d->rcpt_count; i++)
        any_failed |= !d->rcpts[i].delayed;
    int rc = put_notice(&parts[0], d, host, any_failed);
    if (rc == 0)
        rc = put_status(&parts[1], d, host);
    if (rc == 0)
        rc = put_headers(&parts[2], d->source ? d->source : "", d->source ? d->source_len : 0);
    size_t mark = out->len;
    if (rc == 0)
        rc = assemble(out, d, host, parts);
    if (rc < 0)
        envoi_buf_truncate(out, mark);
    for (int i = 0; i < 3; i++)
        envoi_buf_free(&parts[i]);
    return rc;
}
