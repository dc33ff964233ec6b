/* Reading one DKIM-Signature field (RFC 6376 section 3.5): its tags, the
 * required ones present, each value checked; what is wrong becomes a
 * permerror naming it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dkim/verify.h"
#include "util/base64.h"

enum {
    TIME_DIGITS = 12,   /* t= and x=: enough until the year 33658 */
    LENGTH_DIGITS = 18, /* l=: fits a long long */
    DOMAIN_MAX = 253,
};

static int shown(size_t len)
{
    return (int)(len < 60 ? len : 60);
}

/* Where the value starts: after the name and the colon. */
static size_t value_offset(const dkim_field *f)
{
    const char *colon = memchr(f->raw, ':', f->len);
    return colon ? (size_t)(colon - f->raw) + 1 : f->len;
}

/* The field's length without its line end. */
static size_t content_len(const dkim_field *f)
{
    size_t n = f->len;
    if (n > 0 && f->raw[n - 1] == '\n')
        n--;
    if (n > 0 && f->raw[n - 1] == '\r')
        n--;
    return n;
}

static char *copy_value(const dkim_tag *t)
{
    return strndup(t->value, t->value_len);
}

/* A decimal number of 1..max_digits digits. */
static int read_number(const dkim_tag *t, size_t max_digits, unsigned long long *out)
{
    if (t->value_len == 0 || t->value_len > max_digits)
        return -1;
    unsigned long long n = 0;
    for (size_t i = 0; i < t->value_len; i++) {
        if (t->value[i] < '0' || t->value[i] > '9')
            return -1;
        n = n * 10 + (unsigned long long)(t->value[i] - '0');
    }
    *out = n;
    return 0;
}

/* Labels of letters, digits, '-' and '_' separated by dots. */
static bool valid_domain(const char *s)
{
    size_t len = strlen(s), label = 0;
    if (len == 0 || len > DOMAIN_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_') {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return label > 0;
}

/* The status's texts: d=, s=, a= and i= (or "@" d=). 0 or ENVOI_ENOMEM. */
static int fill_names(const dkim_sig *sig, envoi_dkim_status *st)
{
    const dkim_tag *d = dkim_tags_find(&sig->tags, "d");
    const dkim_tag *s = dkim_tags_find(&sig->tags, "s");
    const dkim_tag *a = dkim_tags_find(&sig->tags, "a");
    const dkim_tag *i = dkim_tags_find(&sig->tags, "i");
    if ((d && !(st->domain = copy_value(d))) || (s && !(st->selector = copy_value(s))) ||
        (a && !(st->algorithm = copy_value(a))) || (i && !(st->identity = copy_value(i))))
        return ENVOI_ENOMEM;
    if (!i && st->domain) {
        envoi_buf b = ENVOI_BUF_INIT;
        if (envoi_buf_printf(&b, "@%s", st->domain) < 0)
            return ENVOI_ENOMEM;
        st->identity = envoi_buf_steal(&b, NULL);
    }
    return 0;
}

static int check_required(const dkim_sig *sig, envoi_dkim_status *st)
{
    static const char *const required[] = {"v", "a", "b", "bh", "d", "h", "s"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!dkim_tags_find(&sig->tags, required[i]))
            return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "the signature has no %s= tag",
                                required[i]);
    const dkim_tag *v = dkim_tags_find(&sig->tags, "v");
    if (!dkim_tag_is(v, "1", false))
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "unknown signature version v=%.*s",
                            shown(v->value_len), v->value);
    return 0;
}

static int read_algorithm(dkim_sig *sig, envoi_dkim_status *st)
{
    const dkim_tag *a = dkim_tags_find(&sig->tags, "a");
    if (dkim_tag_is(a, "rsa-sha256", true))
        sig->alg = DKIM_ALG_RSA_SHA256;
    else if (dkim_tag_is(a, "ed25519-sha256", true))
        sig->alg = DKIM_ALG_ED25519_SHA256;
    else if (dkim_tag_is(a, "rsa-sha1", true))
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "rsa-sha1 is not accepted (RFC 8301)");
    else
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "unknown algorithm a=%.*s",
                            shown(a->value_len), a->value);
    return 0;
}

/* b= and bh=, base64 without their folding. */
static int read_hashes(dkim_sig *sig, envoi_dkim_status *st)
{
    envoi_buf text = ENVOI_BUF_INIT, bh = ENVOI_BUF_INIT;
    int rc = dkim_tag_compact(dkim_tags_find(&sig->tags, "b"), &text);
    if (rc == 0)
        rc = envoi_base64_decode(text.data, text.len, &sig->b);
    if (rc == ENVOI_EINVAL || (rc == 0 && sig->b.len == 0))
        rc = dkim_verdict(st, ENVOI_DKIM_PERMERROR, "b= is %s", rc == 0 ? "empty" : "not base64");
    envoi_buf_clear(&text);
    if (rc == 0)
        rc = dkim_tag_compact(dkim_tags_find(&sig->tags, "bh"), &text);
    if (rc == 0)
        rc = envoi_base64_decode(text.data, text.len, &bh);
    if (rc == ENVOI_EINVAL || (rc == 0 && bh.len != DKIM_HASH_SIZE))
        rc = dkim_verdict(st, ENVOI_DKIM_PERMERROR, "bh= is not a base64 SHA-256 hash");
    if (rc == 0)
        memcpy(sig->bh, bh.data, DKIM_HASH_SIZE);
    envoi_buf_free(&text);
    envoi_buf_free(&bh);
    return rc;
}

static int read_canon_word(const char *s, size_t len, envoi_dkim_canon *out)
{
    if (len == 6 && strncasecmp(s, "simple", 6) == 0)
        *out = ENVOI_DKIM_SIMPLE;
    else if (len == 7 && strncasecmp(s, "relaxed", 7) == 0)
        *out = ENVOI_DKIM_RELAXED;
    else
        return -1;
    return 0;
}

/* c=header[/body], simple/simple when absent. */
static int read_canon(dkim_sig *sig, envoi_dkim_status *st)
{
    sig->header_canon = sig->body_canon = ENVOI_DKIM_SIMPLE;
    const dkim_tag *c = dkim_tags_find(&sig->tags, "c");
    if (!c)
        return 0;
    const char *slash = memchr(c->value, '/', c->value_len);
    size_t first = slash ? (size_t)(slash - c->value) : c->value_len;
    if (read_canon_word(c->value, first, &sig->header_canon) < 0 ||
        (slash && read_canon_word(slash + 1, c->value_len - first - 1, &sig->body_canon) < 0))
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "unknown canonicalization c=%.*s",
                            shown(c->value_len), c->value);
    return 0;
}

/* d=, s=, h= (listing From) and i= (in d= or below). */
static int read_names(dkim_sig *sig, envoi_dkim_status *st)
{
    if (!valid_domain(st->domain))
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "d= is not a domain name");
    if (!valid_domain(st->selector))
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "s= is not a valid selector");
    sig->domain = st->domain;
    sig->selector = st->selector;
    if (dkim_tag_compact(dkim_tags_find(&sig->tags, "h"), &sig->headers) < 0)
        return ENVOI_ENOMEM;
    if (!dkim_list_has(sig->headers.data, sig->headers.len, "from"))
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "h= does not list the From field");
    if (!dkim_tags_find(&sig->tags, "i"))
        return 0;
    const char *at = strrchr(st->identity, '@');
    if (!at)
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "i= has no '@'");
    size_t il = strlen(at + 1), dl = strlen(st->domain);
    bool same = il == dl && strcasecmp(at + 1, st->domain) == 0;
    bool below =
        il > dl && at[1 + il - dl - 1] == '.' && strcasecmp(at + 1 + il - dl, st->domain) == 0;
    if (!same && !below)
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR,
                            "the domain of i= is neither d= nor a subdomain of it");
    return 0;
}

/* l=, q=, t= and x=. */
static int read_limits(dkim_sig *sig, envoi_dkim_status *st)
{
    unsigned long long n;
    const dkim_tag *l = dkim_tags_find(&sig->tags, "l");
    const dkim_tag *q = dkim_tags_find(&sig->tags, "q");
    const dkim_tag *t = dkim_tags_find(&sig->tags, "t");
    const dkim_tag *x = dkim_tags_find(&sig->tags, "x");
    sig->length = -1;
    sig->expires = (time_t)-1;
    if (l && read_number(l, LENGTH_DIGITS, &n) < 0)
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "l= is not a number of octets");
    if (l)
        sig->length = (long long)n;
    if (q && !dkim_list_has(q->value, q->value_len, "dns/txt"))
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "unknown query method q=%.*s",
                            shown(q->value_len), q->value);
    if (t && read_number(t, TIME_DIGITS, &n) < 0)
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "t= is not a time");
    if (t)
        st->signed_at = (time_t)n;
    if (x && read_number(x, TIME_DIGITS, &n) < 0)
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "x= is not a time");
    if (x)
        sig->expires = (time_t)n;
    if (t && x && sig->expires < st->signed_at)
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "x= is earlier than t=");
    return 0;
}

int dkim_sig_read(const dkim_field *f, dkim_sig *sig, envoi_dkim_status *st)
{
    memset(sig, 0, sizeof *sig);
    sig->field = f;
    sig->value_offset = value_offset(f);
    size_t end = content_len(f);
    char why[DKIM_TAGS_WHY_SIZE];
    const char *value = f->raw + sig->value_offset;
    size_t value_len = end > sig->value_offset ? end - sig->value_offset : 0;
    if (dkim_tags_parse(value, value_len, &sig->tags, why) < 0) {
        sig->tags.count = 0;
        return dkim_verdict(st, ENVOI_DKIM_PERMERROR, "malformed signature: %s", why);
    }
    int rc = fill_names(sig, st);
    if (rc == 0)
        rc = check_required(sig, st);
    if (rc == 0)
        rc = read_algorithm(sig, st);
    if (rc == 0)
        rc = read_names(sig, st);
    if (rc == 0)
        rc = read_canon(sig, st);
    if (rc == 0)
        rc = read_limits(sig, st);
    if (rc == 0)
        rc = read_hashes(sig, st);
    return rc;
}

void dkim_sig_free(dkim_sig *sig)
{
    envoi_buf_free(&sig->b);
    envoi_buf_free(&sig->headers);
}
