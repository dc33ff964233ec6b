/* Content-Transfer-Encoding choice from counts over the content (see encoding_choice.h). */
#include "mime/encoding_choice.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_7BIT 998

void mime_scan_init(mime_scan *s)
{
    memset(s, 0, sizeof *s);
}

static void end_line(mime_scan *s)
{
    if (s->line > s->max_line)
        s->max_line = s->line;
    s->line = 0;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* True when none of the eight bytes needs counting: all printable ASCII other
 * than '=' and DEL (so no control, line end, 8-bit byte or escape). */
static bool word_is_plain(uint64_t w)
{
    uint64_t below_space = (w - ONES * 0x20) & ~w;
    uint64_t eq = w ^ (ONES * '=');
    uint64_t del = w ^ (ONES * 0x7f);
    uint64_t is_eq = (eq - ONES) & ~eq;
    uint64_t is_del = (del - ONES) & ~del;
    return ((w | below_space | is_eq | is_del) & HIGHS) == 0;
}

static void scan_byte(mime_scan *s, unsigned char c)
{
    if (s->prev_cr && c != '\n') {
        s->bare_cr++;
        end_line(s);
    }
    if (c == '\n') {
        if (!s->prev_cr)
            s->bare_lf++;
        end_line(s);
    } else if (c != '\r') {
        s->line++;
        if (c >= 0x80)
            s->nonascii++;
        else if (c == 0)
            s->nuls++;
        else if ((c < 32 && c != '\t') || c == 127)
            s->controls++;
        else if (c == '=')
            s->escapes++;
    }
    s->prev_cr = c == '\r';
}

void mime_scan_update(mime_scan *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->len += len;
    size_t i = 0;
    while (i < len) {
        if (!s->prev_cr && len - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (word_is_plain(w)) {
                s->line += 8;
                i += 8;
                continue;
            }
        }
        scan_byte(s, p[i++]);
    }
}

void mime_scan_final(mime_scan *s)
{
    if (s->prev_cr)
        s->bare_cr++;
    s->prev_cr = false;
    end_line(s);
}

static bool fits_7bit(const mime_scan *s)
{
    return s->nonascii == 0 && s->controls == 0 && s->nuls == 0 && s->bare_cr == 0 &&
           s->bare_lf == 0 && s->max_line <= LINE_MAX_7BIT;
}

/* Quoted-printable no longer than base64? Each escape costs three characters. */
static bool qp_is_shorter(const mime_scan *s)
{
    size_t escaped = s->nonascii + s->controls + s->nuls + s->bare_cr + s->bare_lf + s->escapes;
    size_t qp = s->len + 2 * escaped + s->len / 75 * 3;
    size_t b64 = (s->len + 2) / 3 * 4 + s->len / 57 * 2;
    return qp <= b64;
}

mime_cte mime_cte_for_body(const mime_scan *s)
{
    if (fits_7bit(s))
        return MIME_CTE_7BIT;
    return qp_is_shorter(s) ? MIME_CTE_QP : MIME_CTE_BASE64;
}

static bool is_text_type(const char *type)
{
    return strncasecmp(type, "text/", 5) == 0;
}

mime_cte mime_cte_for_data(const mime_scan *s, const char *type)
{
    if (!is_text_type(type))
        return MIME_CTE_BASE64;
    return mime_cte_for_body(s);
}

mime_cte mime_cte_for_file(const mime_scan *first, const char *type)
{
    if (!is_text_type(type) || first->nuls > 0)
        return MIME_CTE_BASE64;
    return qp_is_shorter(first) ? MIME_CTE_QP : MIME_CTE_BASE64;
}

const char *mime_cte_name(mime_cte cte)
{
    switch (cte) {
    case MIME_CTE_7BIT:
        return "7bit";
    case MIME_CTE_QP:
        return "quoted-printable";
    default:
        return "base64";
    }
}
