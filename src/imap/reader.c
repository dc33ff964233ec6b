/* Reading one whole IMAP response from the connection: its lines and the
 * literals they announce (held up to a limit, or streamed to a sink when
 * they are FETCH bodies), parsed, with the session's own bookkeeping of
 * what the server reports (capabilities, EXISTS, EXPUNGE, FLAGS, BYE,
 * response codes such as ALERT and UIDVALIDITY). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/session.h"
#include "util/err.h"

enum { KEEP_BUFFER = 1 << 20 };

/* ---- reading responses ---------------------------------------------------- */

/* Does the line end in "{N}" or "{N+}"? Sets *size and *open (the offset
 * of '{'). */
static int literal_at_end(envoi_imap *s, const char *line, size_t len, uint64_t *size, size_t *open)
{
    if (len < 3 || line[len - 1] != '}')
        return 0;
    size_t j = len - 1;
    if (line[j - 1] == '+')
        j--;
    size_t end = j;
    while (j > 0 && line[j - 1] >= '0' && line[j - 1] <= '9')
        j--;
    if (j == 0 || j == end || line[j - 1] != '{' || end - j > 19)
        return end - j > 19 ? envoi_err_set(&s->err, ENVOI_EPROTOCOL,
                                            "IMAP response: literal size too large")
                            : 0;
    uint64_t n = 0;
    for (size_t i = j; i < end; i++)
        n = n * 10 + (uint64_t)(line[i] - '0');
    *size = n;
    *open = j - 1;
    return 1;
}

/* The FETCH item name just before offset `at` of the response so far
 * ("BODY[]", "BODY[HEADER.FIELDS (A B)]", "BODY[]<0>"): its offset and
 * length in *start and *len; true when it is a body item. */
static bool body_item_before(const char *buf, size_t at, size_t *start, size_t *len)
{
    size_t i = at;
    if (i > 0 && buf[i - 1] == ' ')
        i--;
    int depth = 0;
    size_t end = i;
    while (i > 0) {
        char c = buf[i - 1];
        if (c == ']' || c == '>')
            depth++;
        else if ((c == '[' || c == '<') && depth > 0)
            depth--;
        else if ((c == ' ' || c == '(') && depth == 0)
            break;
        i--;
    }
    size_t n = end - i;
    *start = i;
    *len = n;
    return (n >= 5 && !strncasecmp(buf + i, "BODY[", 5)) ||
           (n >= 7 && !strncasecmp(buf + i, "BINARY[", 7));
}

/* "* N FETCH (": N, and the offset after the '('; 0 when not a FETCH. */
static uint32_t fetch_seq(const char *buf, size_t len, size_t *items)
{
    if (len < 4 || buf[0] != '*' || buf[1] != ' ')
        return 0;
    size_t i = 2;
    uint64_t n = 0;
    while (i < len && buf[i] >= '0' && buf[i] <= '9' && n < UINT32_MAX)
        n = n * 10 + (uint64_t)(buf[i++] - '0');
    if (n == 0 || n > UINT32_MAX || len - i < 8 || strncasecmp(buf + i, " FETCH (", 8))
        return 0;
    *items = i + 8;
    return (uint32_t)n;
}

/* The UID of a FETCH response read so far, when one came before `end`:
 * walks the item list (name value pairs) skipping nested lists, quoted
 * strings and literals. 0 when not (yet) given. */
static uint32_t uid_before(const char *p, const char *end)
{
    int depth = 0;
    bool name = true, is_uid = false;
    while (p < end) {
        const char *v = p;
        if (*p == ' ') {
            p++;
            continue;
        }
        if (*p == '(') {
            depth++;
            p++;
            continue;
        }
        if (*p == ')') {
            if (--depth < 0)
                return 0;
            p++;
        } else if (*p == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\')
                    p++;
            p++;
        } else if (*p == '{') {
            uint64_t n = 0;
            for (p++; p < end && *p >= '0' && *p <= '9' && n < (1ull << 60); p++)
                n = n * 10 + (uint64_t)(*p - '0');
            p = memchr(p, '\n', (size_t)(end - p));
            if (!p || n > (uint64_t)(end - p))
                return 0;
            p += 1 + n;
        } else {
            int br = 0;
            while (p < end && (br || (*p != ' ' && *p != '(' && *p != ')'))) {
                if (*p == '[')
                    br++;
                else if (*p == ']' && br)
                    br--;
                p++;
            }
            if (depth == 0 && !name && is_uid) {
                uint64_t n = 0;
                for (const char *q = v; q < p && *q >= '0' && *q <= '9'; q++)
                    n = n * 10 + (uint64_t)(*q - '0');
                return n <= UINT32_MAX ? (uint32_t)n : 0;
            }
            if (depth == 0 && name)
                is_uid = (size_t)(p - v) == 3 && !strncasecmp(v, "UID", 3);
        }
        if (depth == 0)
            name = !name;
    }
    return 0;
}

/* Read n literal bytes from the connection to the sink (or nowhere once
 * the sink failed). */
static int stream_literal(envoi_imap *s, uint64_t n)
{
    while (n) {
        const char *data;
        size_t len;
        int rc = envoi_conn_peek(s->conn, &data, &len, &s->err);
        if (rc < 0)
            return rc;
        if (len > n)
            len = (size_t)n;
        if (!s->sink_rc && s->sink->data && (rc = s->sink->data(s->sink->ctx, data, len)) < 0)
            s->sink_rc = rc;
        envoi_conn_consume(s->conn, len);
        n -= len;
    }
    return 0;
}

/* The longest line, and the most bytes one response may hold in memory
 * (bodies streamed to a sink aside): the literal limit, at least
 * IMAP_MAX_LINE (a SEARCH result of many UIDs is one long line). */
static size_t response_limit(const envoi_imap *s)
{
    uint64_t n = s->max_literal < IMAP_MAX_LINE ? IMAP_MAX_LINE : s->max_literal;
    return n > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)n;
}

static int too_big(envoi_imap *s, uint64_t n)
{
    envoi_err_set(&s->err, ENVOI_EPROTOCOL,
                  "the server sent a literal of %llu bytes, more than the limit of %llu",
                  (unsigned long long)n, (unsigned long long)s->max_literal);
    imap_close(s);
    return ENVOI_EPROTOCOL;
}

/* A literal announced at the end of the line just read: streamed when it
 * is a FETCH body and the sink takes it, else appended. */
static int take_literal(envoi_imap *s, uint64_t n, size_t open)
{
    size_t items;
    uint32_t seq = s->sink ? fetch_seq(s->resp.data, s->resp.len, &items) : 0;
    size_t item = 0, item_len = 0;
    if (seq && body_item_before(s->resp.data, open, &item, &item_len)) {
        uint32_t uid = uid_before(s->resp.data + items, s->resp.data + open);
        int want = s->sink->begin
                       ? s->sink->begin(s->sink->ctx, seq, uid, s->resp.data + item, item_len, n)
                       : 1;
        if (want < 0 && !s->sink_rc)
            s->sink_rc = want;
        if (want != 0) {
            envoi_buf_truncate(&s->resp, open);
            if (envoi_buf_append(&s->resp, "NIL", 3) < 0)
                return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
            s->streamed = true;
            int rc = stream_literal(s, n);
            return rc < 0 ? imap_broken(s, rc) : 0;
        }
    }
    if (n > s->max_literal || n > response_limit(s) - s->resp.len)
        return too_big(s, n);
    if (envoi_buf_reserve(&s->resp, (size_t)n + 1) < 0)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory for a literal of %llu bytes",
                             (unsigned long long)n);
    int rc = envoi_conn_read_exact(s->conn, s->resp.data + s->resp.len, (size_t)n, &s->err);
    if (rc < 0)
        return imap_broken(s, rc);
    s->resp.len += (size_t)n;
    s->resp.data[s->resp.len] = '\0';
    return 0;
}

static int read_raw(envoi_imap *s)
{
    if (s->resp.cap > KEEP_BUFFER) /* a large response is not kept around */
        envoi_buf_free(&s->resp);
    envoi_buf_clear(&s->resp);
    s->streamed = false;
    s->sink_rc = 0;
    for (;;) {
        const char *line;
        size_t len;
        int rc = envoi_conn_read_line(s->conn, &line, &len, response_limit(s), &s->err);
        if (rc == ENVOI_ETIMEDOUT && s->soft_timeout && s->resp.len == 0)
            return rc;
        if (rc < 0)
            return rc == ENVOI_EPROTOCOL ? (imap_close(s), rc) : imap_broken(s, rc);
        imap_trace_add(s, line, len, false);
        imap_trace_end(s, false);
        size_t start = s->resp.len;
        if (envoi_buf_append(&s->resp, line, len) < 0 || envoi_buf_append(&s->resp, "\r\n", 2) < 0)
            return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
        if (s->resp.len > response_limit(s)) {
            envoi_err_set(&s->err, ENVOI_EPROTOCOL,
                          "response from the server larger than %zu bytes", response_limit(s));
            imap_close(s);
            return ENVOI_EPROTOCOL;
        }
        uint64_t n = 0;
        size_t open = 0;
        rc = literal_at_end(s, s->resp.data + start, len, &n, &open);
        if (rc < 0)
            return (imap_close(s), rc);
        if (rc == 0)
            return 0;
        if ((rc = take_literal(s, n, start + open)) < 0)
            return rc;
    }
}

static void set_caps(envoi_imap *s, const imap_value *v, size_t n)
{
    envoi_buf_clear(&s->caps);
    envoi_buf_append(&s->caps, " ", 1);
    s->caps_fresh = true;
    for (size_t i = 0; i < n; i++) {
        if (v[i].kind != IMAP_ATOM && v[i].kind != IMAP_NUMBER)
            continue;
        for (size_t k = 0; k < v[i].len; k++) {
            char c = v[i].data[k];
            envoi_buf_append_char(&s->caps, c >= 'a' && c <= 'z' ? (char)(c - 32) : c);
        }
        envoi_buf_append(&s->caps, " ", 1);
    }
}

static uint32_t arg_number(const imap_response *r)
{
    if (r->code_count < 1 || r->code_args[0].kind != IMAP_NUMBER ||
        r->code_args[0].number > UINT32_MAX)
        return 0;
    return (uint32_t)r->code_args[0].number;
}

static void note_code(envoi_imap *s, const imap_response *r)
{
    if (!r->code[0])
        return;
    if (!strcmp(r->code, "ALERT")) {
        envoi_buf_append_str(&s->alerts, r->text);
        envoi_buf_append(&s->alerts, "\n", 1);
    } else if (!strcmp(r->code, "CAPABILITY")) {
        set_caps(s, r->code_args, r->code_count);
    } else if (!strcmp(r->code, "APPENDUID") && r->code_count >= 2 &&
               r->code_args[1].kind == IMAP_NUMBER && r->code_args[1].number <= UINT32_MAX) {
        s->appenduid = (uint32_t)r->code_args[1].number;
    } else if (!strcmp(r->code, "UIDVALIDITY")) {
        s->mbox.uidvalidity = arg_number(r);
    } else if (!strcmp(r->code, "UIDNEXT")) {
        s->mbox.uidnext = arg_number(r);
    } else if (!strcmp(r->code, "UNSEEN")) {
        s->mbox.unseen = arg_number(r);
    } else if (!strcmp(r->code, "PERMANENTFLAGS") && r->code_count == 1) {
        s->mbox.permanentflags = imap_flags_of(&r->code_args[0]);
    } else if (!strcmp(r->code, "READ-ONLY")) {
        s->mbox.read_only = true;
    } else if (!strcmp(r->code, "READ-WRITE")) {
        s->mbox.read_only = false;
    }
}

static void note_untagged(envoi_imap *s, const imap_response *r)
{
    if (r->status == IMAP_STATUS_BYE) {
        s->bye = true;
        envoi_buf_clear(&s->bye_text);
        envoi_pp_quote(&s->bye_text, r->text, strlen(r->text), 800);
    }
    if (r->status != IMAP_STATUS_NONE)
        return;
    uint32_t n = r->has_number && r->number <= UINT32_MAX ? (uint32_t)r->number : 0;
    if (!strcmp(r->name, "CAPABILITY"))
        set_caps(s, r->values, r->count);
    else if (r->has_number && !strcmp(r->name, "EXISTS"))
        s->mbox.exists = n;
    else if (r->has_number && !strcmp(r->name, "RECENT"))
        s->mbox.recent = n;
    else if (r->has_number && !strcmp(r->name, "EXPUNGE") && s->mbox.exists)
        s->mbox.exists--;
    else if (!strcmp(r->name, "FLAGS") && r->count == 1)
        s->mbox.flags = imap_flags_of(&r->values[0]);
    else if (!strcmp(r->name, "FETCH"))
        imap_note_flags(s, r);
}

int imap_read_response(envoi_imap *s, imap_response *r)
{
    memset(r, 0, sizeof *r);
    if (!s->conn)
        return envoi_err_set(&s->err, ENVOI_ESTATE, "not connected");
    int rc = read_raw(s);
    if (rc < 0)
        return rc;
    rc = imap_response_parse(s->resp.data, s->resp.len, r, &s->err);
    if (rc < 0) {
        imap_close(s);
        return rc;
    }
    note_code(s, r);
    if (r->kind == IMAP_RESP_UNTAGGED)
        note_untagged(s, r);
    return 0;
}
