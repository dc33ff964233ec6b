/* Scan listings of LIST and unique-id listings of UIDL (RFC 1939). */
#include <limits.h>
#include <stdint.h>

#include "pop3/wire.h"

/* Decimal digits at *p (at least one, no overflow past max). */
static int read_number(const char *line, size_t len, size_t *p, uintmax_t max, uintmax_t *out)
{
    size_t start = *p;
    uintmax_t v = 0;
    while (*p < len && line[*p] >= '0' && line[*p] <= '9') {
        unsigned d = (unsigned)(line[*p] - '0');
        if (v > (max - d) / 10)
            return ENVOI_EPROTOCOL;
        v = v * 10 + d;
        (*p)++;
    }
    if (*p == start)
        return ENVOI_EPROTOCOL;
    *out = v;
    return 0;
}

static int read_msgno(const char *line, size_t len, size_t *p, unsigned *number)
{
    uintmax_t v;
    if (read_number(line, len, p, UINT_MAX, &v) < 0 || v == 0 || *p >= len || line[*p] != ' ')
        return ENVOI_EPROTOCOL;
    (*p)++;
    *number = (unsigned)v;
    return 0;
}

int pop3_parse_list_line(const char *line, size_t len, unsigned *number, size_t *size)
{
    size_t p = 0;
    uintmax_t v;
    if (read_msgno(line, len, &p, number) < 0 || read_number(line, len, &p, SIZE_MAX, &v) < 0)
        return ENVOI_EPROTOCOL;
    if (p < len && line[p] != ' ')
        return ENVOI_EPROTOCOL;
    *size = (size_t)v;
    return 0;
}

int pop3_parse_uidl_line(const char *line, size_t len, unsigned *number, const char **uidl,
                         size_t *uidl_len)
{
    size_t p = 0;
    if (read_msgno(line, len, &p, number) < 0)
        return ENVOI_EPROTOCOL;
    size_t n = len - p;
    if (n < 1 || n > 70)
        return ENVOI_EPROTOCOL;
    for (size_t i = p; i < len; i++)
        if ((unsigned char)line[i] < 0x21 || (unsigned char)line[i] > 0x7e)
            return ENVOI_EPROTOCOL;
    *uidl = line + p;
    *uidl_len = n;
    return 0;
}
