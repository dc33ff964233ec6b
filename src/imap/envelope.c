/* The ENVELOPE of a FETCH response: date, subject, the six address lists
 * (RFC 3501 group syntax kept as start and end markers), In-Reply-To and
 * Message-ID; display names, group names and the subject decoded from
 * RFC 2047 to UTF-8. */
#include "imap/response.h"

#include <string.h>

#include "imap/arena.h"
#include "mime/decode.h"
#include "util/err.h"

struct reader {
    imap_arena *arena;
    envoi_buf scratch; /* decoding space, reused */
    envoi_error *err;
};

static int fail(struct reader *rd, const char *what)
{
    return envoi_err_set(rd->err, ENVOI_EPROTOCOL, "IMAP ENVELOPE: %s", what);
}

static int nomem(struct reader *rd)
{
    return envoi_err_set(rd->err, ENVOI_ENOMEM, "out of memory reading an IMAP ENVELOPE");
}

/* Does the text need RFC 2047 or 8-bit decoding? */
static bool needs_decoding(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80 || (s[i] == '=' && i + 1 < len && s[i + 1] == '?'))
            return true;
    return false;
}

/* An nstring field: NULL for NIL, else a copy (decoded when asked). */
static int read_nstring(struct reader *rd, const imap_value *v, bool decode, const char **out,
                        const char *what)
{
    *out = NULL;
    if (v->kind == IMAP_NIL)
        return 0;
    if (v->kind != IMAP_STRING && v->kind != IMAP_ATOM && v->kind != IMAP_NUMBER)
        return fail(rd, what);
    const char *s = v->data;
    size_t len = v->len;
    if (decode && needs_decoding(s, len)) {
        unsigned defects = 0;
        envoi_buf_clear(&rd->scratch);
        if (mime_decode_unstructured(s, len, &rd->scratch, &defects) < 0)
            return nomem(rd);
        s = rd->scratch.data ? rd->scratch.data : "";
        len = rd->scratch.len;
    }
    char *copy = imap_arena_strndup(rd->arena, s, len);
    if (!copy)
        return nomem(rd);
    *out = copy;
    return 0;
}

/* One address: (name adl mailbox host). */
static int read_address(struct reader *rd, const imap_value *v, imap_address *a)
{
    if (v->kind != IMAP_LIST || v->count != 4)
        return fail(rd, "an address is not a list of four fields");
    int rc = read_nstring(rd, &v->items[3], false, &a->host, "address host is not a string");
    if (rc == 0)
        rc = read_nstring(rd, &v->items[0], true, &a->name, "address name is not a string");
    /* Without a host, the mailbox field is a group's name: a phrase. */
    if (rc == 0)
        rc = read_nstring(rd, &v->items[2], a->host == NULL, &a->mailbox,
                          "address mailbox is not a string");
    if (rc == 0 && v->items[1].kind != IMAP_NIL && v->items[1].kind != IMAP_STRING &&
        v->items[1].kind != IMAP_ATOM)
        rc = fail(rd, "address route is not a string");
    return rc;
}

static int read_addresses(struct reader *rd, const imap_value *v, imap_address **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (v->kind == IMAP_NIL)
        return 0;
    if (v->kind != IMAP_LIST)
        return fail(rd, "an address list is neither NIL nor a list");
    if (v->count == 0)
        return 0;
    imap_address *a = imap_arena_alloc(rd->arena, v->count * sizeof *a);
    if (!a)
        return nomem(rd);
    for (size_t i = 0; i < v->count; i++) {
        int rc = read_address(rd, &v->items[i], &a[i]);
        if (rc < 0)
            return rc;
    }
    *out = a;
    *n = v->count;
    return 0;
}

static int read_envelope(struct reader *rd, const imap_value *v, imap_envelope *e)
{
    if (v->kind != IMAP_LIST || v->count < 10)
        return fail(rd, "not a list of ten fields");
    const imap_value *f = v->items;
    int rc = read_nstring(rd, &f[0], false, &e->date, "date is not a string");
    if (rc == 0)
        rc = read_nstring(rd, &f[1], true, &e->subject, "subject is not a string");
    struct {
        imap_address **list;
        size_t *n;
    } lists[] = {
        {&e->from, &e->nfrom}, {&e->sender, &e->nsender}, {&e->reply_to, &e->nreply_to},
        {&e->to, &e->nto},     {&e->cc, &e->ncc},         {&e->bcc, &e->nbcc},
    };
    for (size_t i = 0; rc == 0 && i < 6; i++)
        rc = read_addresses(rd, &f[2 + i], lists[i].list, lists[i].n);
    if (rc == 0)
        rc = read_nstring(rd, &f[8], false, &e->in_reply_to, "in-reply-to is not a string");
    if (rc == 0)
        rc = read_nstring(rd, &f[9], false, &e->message_id, "message-id is not a string");
    return rc;
}

int imap_envelope_read(const imap_value *v, imap_envelope *out, envoi_error *err)
{
    memset(out, 0, sizeof *out);
    if (!v)
        return envoi_err_set(err, ENVOI_EINVAL, "IMAP ENVELOPE: no value");
    struct reader rd = {imap_arena_new(1024), ENVOI_BUF_INIT, err};
    if (!rd.arena)
        return nomem(&rd);
    int rc = read_envelope(&rd, v, out);
    envoi_buf_free(&rd.scratch);
    if (rc < 0) {
        imap_arena_free(rd.arena);
        memset(out, 0, sizeof *out);
        return rc;
    }
    out->arena_ = rd.arena;
    return 0;
}

void imap_envelope_free(imap_envelope *e)
{
    if (!e)
        return;
    imap_arena_free(e->arena_);
    memset(e, 0, sizeof *e);
}
