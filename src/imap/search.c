/* UID SEARCH: criteria built from a small structure (strings quoted, or
 * sent as literals when they are UTF-8) or given raw and checked, and the
 * result read as SEARCH numbers or an ESEARCH set (RFC 4731). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "imap/session.h"
#include "util/err.h"

enum { MAX_FOUND = 1 << 24 }; /* UIDs in one result */

struct found {
    envoi_imap *s;
    uint32_t *uids;
    size_t n, cap;
};

static int add_uid(struct found *f, uint64_t uid)
{
    if (uid == 0 || uid > UINT32_MAX || f->n >= MAX_FOUND)
        return ENVOI_EPROTOCOL;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 64;
        uint32_t *u = realloc(f->uids, cap * sizeof *u);
        if (!u)
            return ENVOI_ENOMEM;
        f->uids = u;
        f->cap = cap;
    }
    f->uids[f->n++] = (uint32_t)uid;
    return 0;
}

static const char *read_number(const char *p, const char *end, uint64_t *n)
{
    *n = 0;
    const char *start = p;
    while (p < end && *p >= '0' && *p <= '9' && *n <= UINT32_MAX)
        *n = *n * 10 + (uint64_t)(*p++ - '0');
    return p == start ? NULL : p;
}

/* "1:3,7,9:12" into f (ranges expanded, bounded by MAX_FOUND). */
static int add_set(struct found *f, const char *p, size_t len)
{
    const char *end = p + len;
    while (p < end) {
        uint64_t a, b;
        if (!(p = read_number(p, end, &a)))
            return ENVOI_EPROTOCOL;
        b = a;
        if (p < end && *p == ':' && !(p = read_number(p + 1, end, &b)))
            return ENVOI_EPROTOCOL;
        if (a > b) {
            uint64_t t = a;
            a = b;
            b = t;
        }
        if (b - a >= MAX_FOUND)
            return ENVOI_EPROTOCOL;
        for (uint64_t u = a; u <= b; u++) {
            int rc = add_uid(f, u);
            if (rc < 0)
                return rc;
        }
        if (p < end && *p++ != ',')
            return ENVOI_EPROTOCOL;
    }
    return 0;
}

/* "* ESEARCH (TAG "A0003") UID ALL 1:3,7" (RFC 4731). */
static int on_esearch(struct found *f, const imap_response *r)
{
    for (size_t i = 0; i + 1 < r->count; i++) {
        const imap_value *k = &r->values[i], *v = &r->values[i + 1];
        if (k->kind == IMAP_ATOM && k->len == 3 && !strncasecmp(k->data, "ALL", 3) &&
            (v->kind == IMAP_ATOM || v->kind == IMAP_NUMBER))
            return add_set(f, v->data, v->len);
    }
    return 0;
}

static int on_search(void *ctx, const imap_response *r, bool streamed)
{
    (void)streamed;
    struct found *f = ctx;
    int rc = 0;
    if (!strcmp(r->name, "ESEARCH"))
        rc = on_esearch(f, r);
    else if (!strcmp(r->name, "SEARCH"))
        for (size_t i = 0; rc == 0 && i < r->count; i++)
            if (r->values[i].kind == IMAP_NUMBER)
                rc = add_uid(f, r->values[i].number);
    return rc == ENVOI_EPROTOCOL ? envoi_err_set(&f->s->err, rc, "malformed SEARCH result") : rc;
}

static int run_search(envoi_imap *s, imap_cmd *c, uint32_t **uids, size_t *count)
{
    struct found f = {s, NULL, 0, 0};
    int rc = imap_run(s, c, on_search, &f);
    if (rc == 0)
        rc = imap_uid_sort(f.uids, f.n, uids, count);
    free(f.uids);
    if (rc == ENVOI_ENOMEM)
        envoi_err_set(&s->err, rc, "out of memory");
    return rc;
}

/* With ESEARCH the result comes as a compact set ("1:500,502"). */
static const char *search_verb(const envoi_imap *s)
{
    return imap_has_cap(s, "ESEARCH") ? "UID SEARCH RETURN (ALL)" : "UID SEARCH";
}

static void add_date(imap_cmd *c, const char *key, time_t t)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&t, &tm);
    imap_cmd_addf(c, " %s %d-%s-%d", key, tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

static void add_key(imap_cmd *c, const char *key, const char *value)
{
    if (!value)
        return;
    imap_cmd_addf(c, " %s ", key);
    imap_cmd_string(c, value, strlen(value), false);
}

int envoi_imap_search(envoi_imap *s, const envoi_imap_criteria *cr, uint32_t **uids, size_t *count)
{
    if (!uids || !count)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no place for the result");
    *uids = NULL;
    *count = 0;
    int rc = imap_need_selected(s);
    if (rc < 0)
        return rc;
    envoi_imap_criteria none = {0};
    if (!cr)
        cr = &none;
    bool utf8 = false;
    const char *strs[] = {cr->from, cr->to, cr->subject, cr->text};
    for (size_t i = 0; i < 4; i++)
        for (const char *p = strs[i]; p && *p; p++)
            utf8 |= (unsigned char)*p >= 0x80;
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, search_verb(s));
    imap_cmd_add(&c, utf8 ? " CHARSET UTF-8 ALL" : " ALL");
    if (cr->unseen)
        imap_cmd_add(&c, " UNSEEN");
    if (cr->flagged)
        imap_cmd_add(&c, " FLAGGED");
    if (cr->deleted)
        imap_cmd_add(&c, " DELETED");
    add_key(&c, "FROM", cr->from);
    add_key(&c, "TO", cr->to);
    add_key(&c, "SUBJECT", cr->subject);
    add_key(&c, "TEXT", cr->text);
    if (cr->since)
        add_date(&c, "SINCE", cr->since);
    if (cr->before)
        add_date(&c, "BEFORE", cr->before);
    rc = run_search(s, &c, uids, count);
    imap_cmd_free(&c);
    return rc;
}

/* ASCII, no control character, balanced parentheses outside quotes, closed quotes. */
static bool valid_criteria(const char *p)
{
    int depth = 0;
    bool quoted = false;
    for (; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch > 0x7e || (!quoted && ch == '{'))
            return false;
        if (quoted && ch == '\\' && p[1])
            p++;
        else if (ch == '"')
            quoted = !quoted;
        else if (!quoted && ch == '(')
            depth++;
        else if (!quoted && ch == ')' && --depth < 0)
            return false;
    }
    return !quoted && depth == 0;
}

int envoi_imap_search_raw(envoi_imap *s, const char *criteria, uint32_t **uids, size_t *count)
{
    if (!uids || !count || !criteria || !*criteria || !valid_criteria(criteria))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid search criteria");
    *uids = NULL;
    *count = 0;
    int rc = imap_need_selected(s);
    if (rc < 0)
        return rc;
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, search_verb(s));
    imap_cmd_add(&c, " ");
    imap_cmd_add(&c, criteria);
    rc = run_search(s, &c, uids, count);
    imap_cmd_free(&c);
    return rc;
}

int envoi_imap_uids_after(envoi_imap *s, uint32_t after, uint32_t **uids, size_t *count)
{
    if (!uids || !count)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no place for the result");
    *uids = NULL;
    *count = 0;
    if (after == UINT32_MAX)
        return 0;
    char criteria[32];
    snprintf(criteria, sizeof criteria, "UID %u:*", after + 1);
    int rc = envoi_imap_search_raw(s, criteria, uids, count);
    size_t k = 0;
    for (size_t i = 0; rc == 0 && i < *count; i++)
        if ((*uids)[i] > after)
            (*uids)[k++] = (*uids)[i];
    *count = rc == 0 ? k : 0;
    return rc;
}
