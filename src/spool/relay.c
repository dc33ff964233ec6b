/* Relay settings for delivery workers, and the classification of an SMTP
 * attempt into an outcome per recipient (see relay.h). */
#include "spool/relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/secret.h"

enum {
    DEFAULT_CONNECT_MS = 30 * 1000,
    DEFAULT_TIMEOUT_MS = 5 * 60 * 1000,
};

static int dup_field(const char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return 0;
    char *copy = strdup(src);
    if (!copy)
        return ENVOI_ENOMEM;
    *dst = copy;
    return 0;
}

int spool_relay_copy(spool_relay *out, const spool_relay *r)
{
    *out = *r;
    int rc = dup_field(&out->name, r->name);
    if (rc == 0)
        rc = dup_field(&out->host, r->host);
    if (rc == 0)
        rc = dup_field(&out->user, r->user);
    if (rc == 0)
        rc = dup_field(&out->password, r->password);
    if (rc == 0)
        rc = dup_field(&out->token, r->token);
    if (rc == 0)
        rc = dup_field(&out->ca_file, r->ca_file);
    if (rc == 0)
        rc = dup_field(&out->helo, r->helo);
    if (rc < 0) {
        /* Fields not reached yet still point at the caller's strings. */
        const char **f[] = {&out->name,  &out->host,    &out->user, &out->password,
                            &out->token, &out->ca_file, &out->helo};
        const char *const orig[] = {r->name,  r->host,    r->user, r->password,
                                    r->token, r->ca_file, r->helo};
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
            if (*f[i] == orig[i])
                *f[i] = NULL;
        spool_relay_clear(out);
    }
    return rc;
}

void spool_relay_clear(spool_relay *r)
{
    free((char *)r->name);
    free((char *)r->host);
    free((char *)r->user);
    envoi_secret_free((char *)r->password);
    envoi_secret_free((char *)r->token);
    free((char *)r->ca_file);
    free((char *)r->helo);
    memset(r, 0, sizeof *r);
}

int spool_relay_configure(const spool_relay *r, envoi_smtp *s)
{
    int rc = envoi_smtp_set_server(s, r->host, r->port);
    if (rc == 0)
        rc = envoi_smtp_set_security(s, r->security);
    if (rc == 0 && r->user && r->oauth)
        rc = envoi_smtp_set_oauth(s, r->user, r->oauth);
    else if (rc == 0 && r->user && r->token)
        rc = envoi_smtp_set_oauth_token(s, r->user, r->token);
    else if (rc == 0 && r->user && r->password)
        rc = envoi_smtp_set_login(s, r->user, r->password);
    if (rc == 0 && r->ca_file)
        rc = envoi_smtp_set_ca_file(s, r->ca_file);
    if (rc == 0)
        rc = envoi_smtp_set_ignore_cert(s, r->ignore_cert);
    if (rc == 0)
        rc = envoi_smtp_set_connect_timeout(s, r->connect_timeout_ms > 0 ? r->connect_timeout_ms
                                                                         : DEFAULT_CONNECT_MS);
    if (rc == 0)
        rc = envoi_smtp_set_timeout(s, r->timeout_ms > 0 ? r->timeout_ms : DEFAULT_TIMEOUT_MS);
    if (rc == 0 && r->helo)
        rc = envoi_smtp_set_helo_name(s, r->helo);
    if (rc == 0)
        rc = envoi_smtp_set_partial_send(s, true);
    if (rc == 0 && r->dkim)
        rc = envoi_smtp_set_dkim(s, r->dkim);
    return rc;
}

int spool_relay_label(const spool_relay *r, char *out, size_t size)
{
    const char *name = r->name && *r->name ? r->name : "default";
    int n = r->host ? snprintf(out, size, "%s (%s:%u)", name, r->host, r->port)
                    : snprintf(out, size, "%s (capture)", name);
    return n < 0 ? ENVOI_EINVAL : 0;
}

void spool_outcomes_free(spool_outcomes *o)
{
    for (size_t i = 0; o->texts && i < o->n; i++)
        free(o->texts[i]);
    free(o->texts);
    free(o->results);
    free(o->summary);
    memset(o, 0, sizeof *o);
}

static int outcomes_alloc(spool_outcomes *o, size_t n)
{
    memset(o, 0, sizeof *o);
    o->results = calloc(n ? n : 1, sizeof *o->results);
    o->texts = calloc(n ? n : 1, sizeof *o->texts);
    o->n = n;
    if (!o->results || !o->texts) {
        spool_outcomes_free(o);
        return ENVOI_ENOMEM;
    }
    return 0;
}

/* "550 5.1.1 words" (the parts that exist) as a new string. */
static char *format_reply(int code, const char *enhanced, const char *text)
{
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = 0;
    if (code)
        rc = envoi_buf_printf(&b, "%03d", code);
    if (rc == 0 && enhanced && *enhanced)
        rc = envoi_buf_printf(&b, "%s%s", b.len ? " " : "", enhanced);
    if (rc == 0 && text && *text)
        rc = envoi_buf_printf(&b, "%s%s", b.len ? " " : "", text);
    if (rc == 0 && !b.data)
        rc = envoi_buf_append_str(&b, "");
    if (rc < 0) {
        envoi_buf_free(&b);
        return NULL;
    }
    return envoi_buf_steal(&b, NULL);
}

static int set_result(spool_outcomes *o, size_t i, const char *rcpt, spool_outcome outcome,
                      int code, char *text)
{
    if (!text)
        return ENVOI_ENOMEM;
    free(o->texts[i]);
    o->texts[i] = text;
    o->results[i] = (spool_rcpt_result){rcpt, outcome, code, text};
    if (outcome == SPOOL_OUT_SENT)
        o->sent++;
    else if (outcome == SPOOL_OUT_DEFERRED)
        o->deferred++;
    else
        o->failed++;
    return 0;
}

static spool_outcome outcome_of_code(int code)
{
    if (code / 100 == 2)
        return SPOOL_OUT_SENT;
    return code / 100 == 5 ? SPOOL_OUT_FAILED : SPOOL_OUT_DEFERRED;
}

/* A failure with no reply behind it: retry later, unless it is about the
 * message itself and can never work (bad address, too big, needs an
 * extension the relay lacks). */
static spool_outcome outcome_of_local(int rc)
{
    switch (rc) {
    case ENVOI_EADDRESS:
    case ENVOI_EIDNA:
    case ENVOI_ETOOBIG:
    case ENVOI_EUNSUPPORTED:
    case ENVOI_EHEADER:
        return SPOOL_OUT_FAILED;
    default:
        return SPOOL_OUT_DEFERRED;
    }
}

/* The outcome that the transaction's own failure gives a recipient that has
 * no verdict of its own. */
static spool_outcome outcome_of_error(int rc, const envoi_error *err)
{
    if (err->reply_code >= 200 && err->reply_code < 600 && err->reply_code / 100 != 2 &&
        err->reply_code / 100 != 3)
        return outcome_of_code(err->reply_code);
    return outcome_of_local(rc);
}

/* The session's record of recipient i, when it is about that address. */
static bool status_matches(const envoi_rcpt_status *st, size_t count, size_t i, const char *addr)
{
    return st && i < count && st[i].address && strcmp(st[i].address, addr) == 0;
}

/* The library names a refused MAIL FROM this way (smtp/txn.c); a pipelined
 * envelope then has its RCPTs answered too (503), which must not count. */
static bool failed_at_mail(int rc, const envoi_error *err)
{
    return rc < 0 && strncmp(err->text, "sender refused (MAIL FROM)", 26) == 0;
}

static int summarize(spool_outcomes *o, int rc, const envoi_error *err, const char *last_reply)
{
    if (rc == 0 && last_reply && *last_reply) {
        o->summary = strdup(last_reply);
        o->reply_code = atoi(last_reply);
    } else if (rc == 0) {
        o->summary = strdup("accepted");
    } else {
        o->summary = format_reply(err->reply_code, err->enhanced, err->text);
        o->reply_code = err->reply_code;
    }
    return o->summary ? 0 : ENVOI_ENOMEM;
}

int spool_classify(int rc, const envoi_error *err, const envoi_rcpt_status *st, size_t count,
                   const char *last_reply, const char *const *rcpts, size_t n, spool_outcomes *out)
{
    int r = outcomes_alloc(out, n);
    if (r < 0)
        return r;
    bool whole_only = failed_at_mail(rc, err);
    spool_outcome whole = outcome_of_error(rc, err);
    for (size_t i = 0; i < n && r == 0; i++) {
        bool known = status_matches(st, count, i, rcpts[i]);
        const envoi_rcpt_status *s = known ? &st[i] : NULL;
        if (rc == 0 && s && s->accepted) {
            r = set_result(out, i, rcpts[i], SPOOL_OUT_SENT, atoi(last_reply ? last_reply : "0"),
                           strdup(last_reply && *last_reply ? last_reply : "accepted"));
        } else if (!whole_only && s && s->reply_code >= 400 && s->reply_code < 600) {
            /* Refused at RCPT: its own verdict, whatever became of the rest. */
            r = set_result(out, i, rcpts[i], outcome_of_code(s->reply_code), s->reply_code,
                           format_reply(s->reply_code, s->enhanced, s->text));
        } else if (rc == 0) {
            /* Accepted at RCPT but not sent, or never answered. */
            r = set_result(out, i, rcpts[i], SPOOL_OUT_DEFERRED, 0,
                           strdup("no verdict from the relay for this recipient"));
        } else {
            r = set_result(out, i, rcpts[i], whole, err->reply_code,
                           format_reply(err->reply_code, err->enhanced, err->text));
        }
    }
    if (r == 0)
        r = summarize(out, rc, err, last_reply);
    if (r < 0)
        spool_outcomes_free(out);
    return r;
}

int spool_classify_session(const envoi_smtp *s, int rc, const char *const *rcpts, size_t n,
                           spool_outcomes *out)
{
    size_t count = 0;
    const envoi_rcpt_status *st = envoi_smtp_recipients(s, &count);
    return spool_classify(rc, envoi_smtp_error(s), st, count, envoi_smtp_last_reply(s), rcpts, n,
                          out);
}

int spool_outcomes_all(spool_outcome outcome, int reply_code, const char *reply,
                       const char *const *rcpts, size_t n, spool_outcomes *out)
{
    int r = outcomes_alloc(out, n);
    for (size_t i = 0; i < n && r == 0; i++)
        r = set_result(out, i, rcpts[i], outcome, reply_code, strdup(reply));
    if (r == 0 && !(out->summary = strdup(reply)))
        r = ENVOI_ENOMEM;
    out->reply_code = reply_code;
    if (r < 0 && out->results)
        spool_outcomes_free(out);
    return r;
}
