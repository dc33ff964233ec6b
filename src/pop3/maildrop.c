/* The maildrop's listing: LIST and UIDL read once per session (in one round
 * trip when the server pipelines), STAT, and lookups by message number. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pop3/session.h"
#include "util/err.h"

void pop3_entries_free(envoi_pop3 *s)
{
    for (size_t i = 0; i < s->nentries; i++)
        free((char *)s->entries[i].uidl);
    free(s->entries);
    s->entries = NULL;
    s->nentries = 0;
    s->listed = false;
    s->pos = 0;
}

envoi_pop3_entry *pop3_entry(envoi_pop3 *s, unsigned number)
{
    size_t lo = 0, hi = s->nentries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->entries[mid].number == number)
            return &s->entries[mid];
        if (s->entries[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

struct listing {
    envoi_pop3_entry *entries;
    size_t n, cap;
};

static int list_line(void *ctx, const char *line, size_t len)
{
    struct listing *l = ctx;
    unsigned number;
    size_t size;
    if (pop3_parse_list_line(line, len, &number, &size) < 0)
        return ENVOI_EPROTOCOL;
    if (l->n && number <= l->entries[l->n - 1].number)
        return ENVOI_EPROTOCOL; /* numbers go up: lookups rely on it */
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        envoi_pop3_entry *e = realloc(l->entries, cap * sizeof *e);
        if (!e)
            return ENVOI_ENOMEM;
        l->entries = e;
        l->cap = cap;
    }
    l->entries[l->n++] = (envoi_pop3_entry){number, size, NULL, false};
    return 0;
}

static int uidl_line(void *ctx, const char *line, size_t len)
{
    envoi_pop3 *s = ctx;
    unsigned number;
    const char *uidl;
    size_t n;
    if (pop3_parse_uidl_line(line, len, &number, &uidl, &n) < 0)
        return ENVOI_EPROTOCOL;
    envoi_pop3_entry *e = pop3_entry(s, number);
    if (!e || e->uidl)
        return 0; /* a message LIST did not show, or shown twice: ignored */
    char *copy = strndup(uidl, n);
    if (!copy)
        return ENVOI_ENOMEM;
    e->uidl = copy;
    return 0;
}

static int read_or_break(envoi_pop3 *s, int rc, const char *what)
{
    if (rc == ENVOI_EPROTOCOL || rc == ENVOI_ENOMEM) {
        pop3_close(s, false);
        return rc;
    }
    return pop3_broken(s, rc, what);
}

int pop3_ensure_listed(envoi_pop3 *s)
{
    int rc = pop3_ready(s);
    if (rc < 0 || s->listed)
        return rc;
    bool want_uidl = !s->capa_known || (s->caps.flags & ENVOI_POP3_CAPA_UIDL);
    bool pipe = want_uidl && (s->caps.flags & ENVOI_POP3_CAPA_PIPELINING) && s->depth > 1;
    rc = envoi_pp_send(&s->pp, "LIST", 4, 4);
    if (rc == 0 && pipe)
        rc = envoi_pp_send(&s->pp, "UIDL", 4, 4);
    if (rc == 0)
        rc = envoi_pp_flush(&s->pp);
    if (rc < 0)
        return pop3_broken(s, rc, "LIST");
    struct listing l = {0};
    if ((rc = pop3_read_status(s)) < 0)
        return read_or_break(s, rc, "LIST");
    if (!s->st.ok) {
        rc = pop3_fail_status(s, ENVOI_EPERMFAIL, "LIST refused");
        if (pipe && pop3_read_status(s) == 0 && s->st.ok)
            pop3_read_lines(s, uidl_line, s); /* keep in step; nothing to attach it to */
        return rc;
    }
    if ((rc = pop3_read_lines(s, list_line, &l)) < 0) {
        free(l.entries);
        return read_or_break(s, rc, "LIST");
    }
    s->entries = l.entries;
    s->nentries = l.n;
    if (want_uidl && !pipe && (rc = pop3_send(s, "UIDL", SIZE_MAX)) < 0)
        return pop3_broken(s, rc, "UIDL");
    if (want_uidl) {
        if ((rc = pop3_read_status(s)) < 0)
            return read_or_break(s, rc, "UIDL");
        if (s->st.ok && (rc = pop3_read_lines(s, uidl_line, s)) < 0)
            return read_or_break(s, rc, "UIDL");
    }
    for (size_t i = 0; i < s->nentries; i++)
        if (!s->entries[i].uidl && !(s->entries[i].uidl = strdup("")))
            return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    s->listed = true;
    s->pos = 0;
    return 0;
}

int envoi_pop3_list(envoi_pop3 *s, const envoi_pop3_entry **entries, size_t *count)
{
    int rc = pop3_ensure_listed(s);
    if (rc < 0)
        return rc;
    if (entries)
        *entries = s->entries;
    if (count)
        *count = s->nentries;
    return 0;
}

static int parse_stat(const pop3_status *st, size_t *count, size_t *octets)
{
    /* "+OK nn mm": the same shape as a LIST line, message count first. */
    unsigned n;
    size_t size;
    if (st->text_len > 0 && st->text[0] == '0' &&
        (st->text_len == 1 || st->text[1] == ' ')) { /* an empty maildrop: "0 0" */
        *count = 0;
        *octets = 0;
        return 0;
    }
    if (pop3_parse_list_line(st->text, st->text_len, &n, &size) < 0)
        return ENVOI_EPROTOCOL;
    *count = n;
    *octets = size;
    return 0;
}

int envoi_pop3_stat(envoi_pop3 *s, size_t *count, size_t *octets)
{
    size_t c = 0, o = 0;
    int rc = pop3_simple(s, "STAT", "STAT");
    if (rc < 0)
        return rc;
    if (parse_stat(&s->st, &c, &o) < 0)
        return envoi_err_set(&s->err, ENVOI_EPROTOCOL, "malformed STAT reply");
    if (count)
        *count = c;
    if (octets)
        *octets = o;
    return 0;
}
