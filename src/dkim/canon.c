/* DKIM canonicalization (RFC 6376 section 3.4): header fields, and the body
 * streamed through SHA-256 in pieces cut anywhere. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "dkim/canon.h"
#include "envoi/error.h"

static bool is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

static bool ends_with_crlf(const char *raw, size_t len)
{
    return len >= 2 && raw[len - 2] == '\r' && raw[len - 1] == '\n';
}

static int canon_simple(const char *raw, size_t len, bool without_crlf, envoi_buf *out)
{
    bool crlf = ends_with_crlf(raw, len);
    if (without_crlf && crlf)
        len -= 2;
    if (envoi_buf_append(out, raw, len) < 0)
        return ENVOI_ENOMEM;
    if (!without_crlf && !crlf)
        return envoi_buf_append(out, "\r\n", 2);
    return 0;
}

/* The value unfolded, runs of WSP made one SP, WSP at both ends dropped. */
static int append_relaxed_value(const char *v, size_t len, envoi_buf *out)
{
    bool pending_space = false;
    bool started = false;
    for (size_t i = 0; i < len; i++) {
        if (v[i] == '\r' && i + 1 < len && v[i + 1] == '\n') {
            i++;
            continue;
        }
        if (is_wsp(v[i])) {
            pending_space = started;
            continue;
        }
        if (pending_space && envoi_buf_append_char(out, ' ') < 0)
            return ENVOI_ENOMEM;
        if (envoi_buf_append_char(out, v[i]) < 0)
            return ENVOI_ENOMEM;
        pending_space = false;
        started = true;
    }
    return 0;
}

static int canon_relaxed(const char *raw, size_t len, bool without_crlf, envoi_buf *out)
{
    const char *colon = memchr(raw, ':', len);
    size_t name_len = colon ? (size_t)(colon - raw) : len;
    size_t n = name_len;
    while (n > 0 && is_wsp(raw[n - 1]))
        n--;
    for (size_t i = 0; i < n; i++) {
        char c = raw[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (envoi_buf_append_char(out, c) < 0)
            return ENVOI_ENOMEM;
    }
    if (colon) {
        if (envoi_buf_append_char(out, ':') < 0)
            return ENVOI_ENOMEM;
        if (append_relaxed_value(colon + 1, len - name_len - 1, out) < 0)
            return ENVOI_ENOMEM;
    }
    if (!without_crlf)
        return envoi_buf_append(out, "\r\n", 2);
    return 0;
}

int dkim_canon_field(envoi_dkim_canon c, const char *raw, size_t len, bool without_crlf,
                     envoi_buf *out)
{
    if (c == ENVOI_DKIM_SIMPLE)
        return canon_simple(raw, len, without_crlf, out);
    return canon_relaxed(raw, len, without_crlf, out);
}

/* ---- the body ---- */

#define BODY_CHUNK 4096

struct dkim_body {
    EVP_MD_CTX *md;
    envoi_dkim_canon canon;
    long long limit;           /* -1: none */
    unsigned long long total;  /* canonicalized octets produced */
    unsigned long long hashed; /* of which hashed (limit) */
    unsigned long long crlfs;  /* line ends held back: they may be trailing empty lines */
    bool pending_cr;           /* a CR whose LF may come in the next piece */
    bool pending_wsp;          /* relaxed: WSP seen inside the line, not yet written */
    bool any;                  /* something other than line ends was written */
    int failed;                /* a digest call failed */
    size_t used;
    unsigned char chunk[BODY_CHUNK];
};

dkim_body *dkim_body_new(envoi_dkim_canon c, long long limit)
{
    dkim_body *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->md = EVP_MD_CTX_new();
    if (!b->md || EVP_DigestInit_ex(b->md, EVP_sha256(), NULL) != 1) {
        dkim_body_free(b);
        return NULL;
    }
    b->canon = c;
    b->limit = limit;
    return b;
}

void dkim_body_free(dkim_body *b)
{
    if (!b)
        return;
    EVP_MD_CTX_free(b->md);
    free(b);
}

static void flush_chunk(dkim_body *b)
{
    if (b->used > 0 && EVP_DigestUpdate(b->md, b->chunk, b->used) != 1)
        b->failed = 1;
    b->used = 0;
}

/* One canonicalized octet: counted, and hashed within the limit. */
static void emit(dkim_body *b, unsigned char c)
{
    b->total++;
    if (b->limit >= 0 && b->hashed >= (unsigned long long)b->limit)
        return;
    b->hashed++;
    b->chunk[b->used++] = c;
    if (b->used == BODY_CHUNK)
        flush_chunk(b);
}

static void emit_held_crlfs(dkim_body *b)
{
    for (; b->crlfs > 0; b->crlfs--) {
        emit(b, '\r');
        emit(b, '\n');
    }
}

/* A byte of line content (not a line end). */
static void content(dkim_body *b, unsigned char c)
{
    if (b->canon == ENVOI_DKIM_RELAXED && (c == ' ' || c == '\t')) {
        b->pending_wsp = true;
        return;
    }
    emit_held_crlfs(b);
    if (b->pending_wsp)
        emit(b, ' ');
    b->pending_wsp = false;
    emit(b, c);
    b->any = true;
}

static void line_end(dkim_body *b)
{
    b->pending_wsp = false;
    b->crlfs++;
}

int dkim_body_update(dkim_body *b, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        if (b->pending_cr) {
            b->pending_cr = false;
            if (c == '\n') {
                line_end(b);
                continue;
            }
            content(b, '\r');
        }
        if (c == '\r')
            b->pending_cr = true;
        else if (c == '\n')
            line_end(b);
        else
            content(b, c);
    }
    return b->failed ? ENVOI_ENOMEM : 0;
}

int dkim_body_finish(dkim_body *b, unsigned char hash[32], unsigned long long *canon_len)
{
    if (b->pending_cr)
        content(b, '\r');
    b->pending_cr = false;
    /* The last non-empty line keeps one line end; trailing empty lines go.
     * An empty body is one CRLF in simple, nothing in relaxed. */
    if (b->any || b->canon == ENVOI_DKIM_SIMPLE) {
        emit(b, '\r');
        emit(b, '\n');
    }
    flush_chunk(b);
    unsigned int n = 0;
    int rc = b->failed ? ENVOI_ENOMEM : 0;
    if (rc == 0 && EVP_DigestFinal_ex(b->md, hash, &n) != 1)
        rc = ENVOI_ENOMEM;
    if (canon_len)
        *canon_len = b->total;
    dkim_body_free(b);
    return rc;
}
