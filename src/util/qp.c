/* Quoted-printable encoding and decoding (see qp.h). */
#include "util/qp.h"

#include "envoi/error.h"
#include "util/hex.h"

#define QP_MAX_COL 75 /* one more for the '=' of a soft break makes 76 */

static const char hex[] = "0123456789ABCDEF";

void envoi_qp_enc_init(envoi_qp_enc *e)
{
    e->col = 0;
    e->pend_ws = -1;
    e->pend_cr = false;
}

size_t envoi_qp_enc_bound(size_t len)
{
    /* Each byte may cost a soft break and an escape; pending bytes two more. */
    return (len + 2) * 6 + 8;
}

static size_t put_token(envoi_qp_enc *e, const char *tok, size_t n, char *out)
{
    size_t w = 0;
    if (e->col + n > QP_MAX_COL) {
        out[w++] = '=';
        out[w++] = '\r';
        out[w++] = '\n';
        e->col = 0;
    }
    for (size_t i = 0; i < n; i++)
        out[w++] = tok[i];
    e->col += n;
    return w;
}

static size_t put_escaped(envoi_qp_enc *e, unsigned char c, char *out)
{
    char tok[3] = {'=', hex[c >> 4], hex[c & 15]};
    return put_token(e, tok, 3, out);
}

static size_t put_literal(envoi_qp_enc *e, unsigned char c, char *out)
{
    char tok = (char)c;
    return put_token(e, &tok, 1, out);
}

static size_t flush_ws(envoi_qp_enc *e, bool line_ends, char *out)
{
    if (e->pend_ws < 0)
        return 0;
    unsigned char c = (unsigned char)e->pend_ws;
    e->pend_ws = -1;
    return line_ends ? put_escaped(e, c, out) : put_literal(e, c, out);
}

static bool is_literal(unsigned char c)
{
    return c >= 33 && c <= 126 && c != '=';
}

static size_t encode_byte(envoi_qp_enc *e, unsigned char c, char *out)
{
    size_t w = 0;
    if (e->pend_cr) {
        e->pend_cr = false;
        if (c == '\n') {
            w += flush_ws(e, true, out + w);
            out[w++] = '\r';
            out[w++] = '\n';
            e->col = 0;
            return w;
        }
        w += flush_ws(e, false, out + w);
        w += put_escaped(e, '\r', out + w);
    }
    if (c == '\r') {
        e->pend_cr = true;
        return w;
    }
    w += flush_ws(e, false, out + w);
    if (c == ' ' || c == '\t')
        e->pend_ws = c;
    else if (is_literal(c))
        w += put_literal(e, c, out + w);
    else
        w += put_escaped(e, c, out + w);
    return w;
}

size_t envoi_qp_enc_update(envoi_qp_enc *e, const void *in, size_t len, char *out)
{
    const unsigned char *p = in;
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        w += encode_byte(e, p[i], out + w);
    return w;
}

size_t envoi_qp_enc_final(envoi_qp_enc *e, char *out)
{
    size_t w = 0;
    if (e->pend_cr) {
        e->pend_cr = false;
        w += flush_ws(e, false, out + w);
        w += put_escaped(e, '\r', out + w);
    }
    w += flush_ws(e, true, out + w);
    return w;
}

int envoi_qp_encode(const void *in, size_t len, envoi_buf *out)
{
    if (envoi_buf_reserve(out, envoi_qp_enc_bound(len)) < 0)
        return ENVOI_ENOMEM;
    envoi_qp_enc e;
    envoi_qp_enc_init(&e);
    size_t w = envoi_qp_enc_update(&e, in, len, out->data + out->len);
    w += envoi_qp_enc_final(&e, out->data + out->len + w);
    out->len += w;
    out->data[out->len] = '\0';
    return 0;
}

/* Length of a soft line break starting at in[i] ("=" then optional
 * whitespace then CRLF or LF), or 0 when there is none. */
static size_t soft_break_len(const char *in, size_t len, size_t i)
{
    size_t j = i + 1;
    while (j < len && (in[j] == ' ' || in[j] == '\t'))
        j++;
    if (j < len && in[j] == '\n')
        return j + 1 - i;
    if (j + 1 < len && in[j] == '\r' && in[j + 1] == '\n')
        return j + 2 - i;
    if (j == len)
        return j - i;
    return 0;
}

int envoi_qp_decode(const char *in, size_t len, envoi_buf *out)
{
    if (envoi_buf_reserve(out, len) < 0)
        return ENVOI_ENOMEM;
    size_t i = 0;
    while (i < len) {
        char c = in[i];
        if (c != '=') {
            out->data[out->len++] = c;
            i++;
            continue;
        }
        size_t soft = soft_break_len(in, len, i);
        if (soft) {
            i += soft;
            continue;
        }
        int hi = i + 1 < len ? envoi_hex_value(in[i + 1]) : -1;
        int lo = i + 2 < len ? envoi_hex_value(in[i + 2]) : -1;
        if (hi >= 0 && lo >= 0) {
            out->data[out->len++] = (char)(hi << 4 | lo);
            i += 3;
        } else {
            out->data[out->len++] = '=';
            i++;
        }
    }
    out->data[out->len] = '\0';
    return 0;
}
