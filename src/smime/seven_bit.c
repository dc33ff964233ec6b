/* Making signed content 7bit-safe, so that a relay that downgrades 8bit
 * mail cannot break the signature: every leaf part whose body is sent as
 * is (no Content-Transfer-Encoding, 7bit, 8bit or binary) and holds bytes
 * over 127, NUL, or lines over 998 octets is re-encoded, text parts as
 * quoted-printable and others as base64. Multipart bodies are walked part
 * by part (preamble and epilogue kept); a message/rfc822 part is walked as
 * the message it holds. Everything else is copied byte for byte. */
#include <string.h>
#include <strings.h>

#include "mime/decode.h"
#include "smime/smime_impl.h"
#include "util/base64.h"
#include "util/qp.h"

#define DEPTH_MAX 16

static int entity_7bit(const char *e, size_t len, envoi_buf *out, int depth);

static bool needs_encoding(const char *s, size_t len)
{
    size_t line = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c == 0)
            return true;
        if (c == '\n')
            line = 0;
        else if (++line > 998)
            return true;
    }
    return false;
}

static bool identity_cte(const char *cte, size_t len)
{
    return len == 0 || (len == 4 && strncasecmp(cte, "7bit", 4) == 0) ||
           (len == 4 && strncasecmp(cte, "8bit", 4) == 0) ||
           (len == 6 && strncasecmp(cte, "binary", 6) == 0);
}

/* The header block without its Content-Transfer-Encoding field(s). */
static int copy_header_without_cte(const char *h, size_t hlen, envoi_buf *out)
{
    for (size_t i = 0; i < hlen;) {
        size_t e = i;
        do {
            const char *nl = memchr(h + e, '\n', hlen - e);
            e = nl ? (size_t)(nl - h) + 1 : hlen;
        } while (e < hlen && (h[e] == ' ' || h[e] == '\t'));
        bool cte = e - i > 26 && strncasecmp(h + i, "Content-Transfer-Encoding:", 26) == 0;
        bool blank = e - i == 2 && h[i] == '\r';
        if (!cte && !blank && envoi_buf_append(out, h + i, e - i) < 0)
            return ENVOI_ENOMEM;
        i = e;
    }
    return 0;
}

static int encode_leaf(const char *h, size_t hlen, const char *body, size_t blen, bool text,
                       envoi_buf *out)
{
    if (copy_header_without_cte(h, hlen, out) < 0)
        return ENVOI_ENOMEM;
    int rc = envoi_buf_append_str(out, text ? "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                                            : "Content-Transfer-Encoding: base64\r\n\r\n");
    if (rc < 0)
        return rc;
    if (text)
        return envoi_qp_encode(body, blen, out);
    envoi_b64_enc enc;
    envoi_b64_enc_init(&enc, 76);
    if (envoi_buf_reserve(out, envoi_b64_enc_bound(blen, 76) + 16) < 0)
        return ENVOI_ENOMEM;
    out->len += envoi_b64_enc_update(&enc, body, blen, out->data + out->len);
    out->len += envoi_b64_enc_final(&enc, out->data + out->len);
    out->data[out->len] = '\0';
    return envoi_buf_append(out, "\r\n", 2);
}

/* The body of a multipart: each part between delimiters made 7bit-safe. */
static int multipart_7bit(const char *s, size_t len, const char *b, envoi_buf *out, int depth)
{
    size_t blen = strlen(b);
    size_t part = (size_t)-1; /* start of the current part's content */
    size_t i = 0;
    while (i < len) {
        size_t eol = smime_next_line(s, len, i);
        if (!smime_is_delimiter(s, len, i, b, blen)) {
            i = eol;
            continue;
        }
        if (part == (size_t)-1) {
            if (envoi_buf_append(out, s, eol) < 0) /* preamble and first delimiter */
                return ENVOI_ENOMEM;
        } else {
            size_t end = i >= part + 2 ? i - 2 : part; /* the CRLF belongs to the delimiter */
            int rc = entity_7bit(s + part, end - part, out, depth + 1);
            if (rc < 0 || envoi_buf_append(out, s + end, eol - end) < 0)
                return rc < 0 ? rc : ENVOI_ENOMEM;
        }
        bool close = i + 2 + blen + 1 < len && s[i + 2 + blen] == '-' && s[i + 3 + blen] == '-';
        if (close)
            return envoi_buf_append(out, s + eol, len - eol); /* epilogue */
        part = eol;
        i = eol;
    }
    if (part == (size_t)-1)
        return envoi_buf_append(out, s, len);
    return entity_7bit(s + part, len - part, out, depth + 1); /* never closed */
}

static int entity_7bit(const char *e, size_t len, envoi_buf *out, int depth)
{
    size_t hend = smime_header_end(e, len);
    if (hend == len || depth > DEPTH_MAX)
        return envoi_buf_append(out, e, len);
    envoi_buf v = ENVOI_BUF_INIT;
    mime_params ct = {0};
    unsigned defects = 0;
    int rc = smime_header_get(e, hend, "Content-Type", &v);
    if (rc == 0)
        rc = mime_params_parse(v.data, v.len, &ct, &defects);
    else if (rc == ENVOI_ENOTFOUND)
        rc = 0;
    const char *type = ct.value ? ct.value : "text/plain";
    const char *boundary = mime_params_get(&ct, "boundary");
    const char *body = e + hend;
    size_t blen = len - hend;
    if (rc < 0) {
        /* nothing */
    } else if (strncmp(type, "multipart/", 10) == 0 && boundary && boundary[0]) {
        rc = envoi_buf_append(out, e, hend);
        if (rc == 0)
            rc = multipart_7bit(body, blen, boundary, out, depth);
    } else {
        int got = smime_header_get(e, hend, "Content-Transfer-Encoding", &v);
        bool identity = got == ENVOI_ENOTFOUND || (got == 0 && identity_cte(v.data, v.len));
        if (got == ENVOI_ENOMEM)
            rc = got;
        else if (identity && strcmp(type, "message/rfc822") == 0) {
            rc = envoi_buf_append(out, e, hend);
            if (rc == 0)
                rc = entity_7bit(body, blen, out, depth + 1);
        } else if (identity && needs_encoding(body, blen))
            rc = encode_leaf(e, hend, body, blen, strncmp(type, "text/", 5) == 0, out);
        else
            rc = envoi_buf_append(out, e, len);
    }
    mime_params_free(&ct);
    envoi_buf_free(&v);
    return rc;
}

int smime_make_7bit(envoi_buf *e)
{
    envoi_buf out = ENVOI_BUF_INIT;
    int rc = entity_7bit(e->data ? e->data : "", e->len, &out, 0);
    if (rc < 0) {
        envoi_buf_free(&out);
        return rc;
    }
    envoi_buf_free(e);
    *e = out;
    return 0;
}
