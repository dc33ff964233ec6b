/* Making one DKIM signature: the message fed whole or in pieces, its header
 * kept, its body hashed as it goes, then the field built and signed. */
#include <stdlib.h>
#include <string.h>

#include "dkim/sign.h"
#include "util/base64.h"

struct envoi_dkim_sign_state {
    envoi_dkim_signer *signer;
    envoi_buf head; /* the header section, through its empty line once found */
    size_t scan;    /* the next line start in head to look at */
    bool in_body;
    dkim_body *body;
    int failed;
};

envoi_dkim_sign_state *envoi_dkim_sign_begin(envoi_dkim_signer *k)
{
    if (!k)
        return NULL;
    if (!k->key) {
        dkim_sign_fail(k, ENVOI_ESTATE, "no signing key set");
        return NULL;
    }
    envoi_dkim_sign_state *st = calloc(1, sizeof *st);
    if (!st || !(st->body = dkim_body_new(k->body_canon, -1))) {
        free(st);
        dkim_sign_fail(k, ENVOI_ENOMEM, "out of memory");
        return NULL;
    }
    st->signer = k;
    return st;
}

void envoi_dkim_sign_abort(envoi_dkim_sign_state *st)
{
    if (!st)
        return;
    dkim_body_free(st->body);
    envoi_buf_free(&st->head);
    free(st);
}

/* Where the empty line ending the header section ends, or 0 when it has
 * not arrived yet. Moves st->scan over complete lines. */
static size_t find_header_end(envoi_dkim_sign_state *st)
{
    const char *d = st->head.data;
    size_t len = st->head.len;
    while (st->scan < len) {
        size_t p = st->scan;
        if (d[p] == '\n')
            return p + 1;
        if (d[p] == '\r') {
            if (p + 1 >= len)
                return 0;
            if (d[p + 1] == '\n')
                return p + 2;
        }
        const char *lf = memchr(d + p, '\n', len - p);
        if (!lf)
            return 0;
        st->scan = (size_t)(lf - d) + 1;
    }
    return 0;
}

int envoi_dkim_sign_update(envoi_dkim_sign_state *st, const void *data, size_t len)
{
    if (!st)
        return ENVOI_EINVAL;
    if (st->failed)
        return st->failed;
    int rc;
    if (st->in_body) {
        rc = dkim_body_update(st->body, data, len);
    } else {
        rc = envoi_buf_append(&st->head, data, len);
        size_t end = rc == 0 ? find_header_end(st) : 0;
        if (end > 0) {
            st->in_body = true;
            rc = dkim_body_update(st->body, st->head.data + end, st->head.len - end);
            envoi_buf_truncate(&st->head, end);
        }
    }
    if (rc < 0) {
        st->failed = rc;
        return dkim_sign_fail(st->signer, rc, "out of memory");
    }
    return 0;
}

static int count_from(const dkim_header *h)
{
    int n = 0;
    for (size_t i = 0; i < h->count; i++)
        n += dkim_field_is(&h->fields[i], "from", 4);
    return n;
}

/* The field with its b= value, given the header and the body hash. */
static int build_field(const envoi_dkim_signer *k, const dkim_header *h, dkim_sign_facts *facts,
                       envoi_buf *field)
{
    envoi_buf hlist = ENVOI_BUF_INIT, input = ENVOI_BUF_INIT, b = ENVOI_BUF_INIT;
    size_t col = 0;
    int rc = dkim_sign_h_list(k, h, &hlist);
    if (rc == 0)
        rc = dkim_sign_field_start(k, facts, hlist.data ? hlist.data : "from", field, &col);
    if (rc == 0)
        rc = dkim_header_input(h, hlist.data, k->header_canon, field->data, field->len, &input);
    if (rc == 0) {
        rc = dkim_key_sign(k->key, k->alg, input.data, input.len, &b);
        if (rc == ENVOI_EFORMAT)
            rc = dkim_sign_fail(k, rc, "the key refused to sign (OpenSSL)");
    }
    if (rc == 0)
        rc = dkim_sign_field_finish(field, col, b.data, b.len);
    envoi_buf_free(&hlist);
    envoi_buf_free(&input);
    envoi_buf_free(&b);
    return rc;
}

static int finish_signature(envoi_dkim_sign_state *st, char **field, size_t *field_len)
{
    const envoi_dkim_signer *k = st->signer;
    unsigned char hash[32];
    dkim_sign_facts facts = {k->when == (time_t)-1 ? time(NULL) : k->when, NULL, 0};
    dkim_body *body = st->body;
    st->body = NULL;
    int rc = dkim_body_finish(body, hash, &facts.body_len);
    if (rc < 0)
        return dkim_sign_fail(k, rc, "out of memory");
    dkim_header h;
    if (dkim_header_read(&h, st->head.data ? st->head.data : "", st->head.len) < 0)
        return dkim_sign_fail(k, ENVOI_ENOMEM, "out of memory");
    int froms = count_from(&h);
    if (froms != 1) {
        dkim_header_free(&h);
        return dkim_sign_fail(k, ENVOI_EINVAL,
                              froms == 0 ? "the message has no From field"
                                         : "the message has %d From fields, "
                                           "only one can be signed",
                              froms);
    }
    envoi_buf bh = ENVOI_BUF_INIT, out = ENVOI_BUF_INIT;
    rc = envoi_base64_encode(hash, sizeof hash, &bh);
    facts.bh = bh.data;
    if (rc == 0)
        rc = build_field(k, &h, &facts, &out);
    dkim_header_free(&h);
    envoi_buf_free(&bh);
    if (rc < 0) {
        envoi_buf_free(&out);
        if (rc == ENVOI_ENOMEM)
            dkim_sign_fail(k, rc, "out of memory");
        return rc;
    }
    *field = envoi_buf_steal(&out, field_len);
    return 0;
}

int envoi_dkim_sign_finish(envoi_dkim_sign_state *st, char **field, size_t *field_len)
{
    if (!st)
        return ENVOI_EINVAL;
    *field = NULL;
    if (field_len)
        *field_len = 0;
    int rc = st->failed ? st->failed : finish_signature(st, field, field_len);
    envoi_dkim_sign_abort(st);
    return rc;
}

int envoi_dkim_sign(envoi_dkim_signer *k, const void *source, size_t len, char **field,
                    size_t *field_len)
{
    envoi_dkim_sign_state *st = envoi_dkim_sign_begin(k);
    if (!st) {
        *field = NULL;
        return envoi_dkim_signer_error(k) ? envoi_dkim_signer_error(k)->code : ENVOI_EINVAL;
    }
    int rc = envoi_dkim_sign_update(st, source, len);
    if (rc < 0) {
        envoi_dkim_sign_abort(st);
        *field = NULL;
        return rc;
    }
    return envoi_dkim_sign_finish(st, field, field_len);
}
