/* Where one IMAP response ends in a byte buffer: its lines, and the literal
 * data that a line ending in "{N}" (or "{N+}", "~{N}") announces. */
#include "imap/response.h"

#include <string.h>

#include "util/err.h"

/* Does line[0..len) (line end removed) end in a literal announcement? Sets
 * *size and returns 1 when it does, 0 when not, ENVOI_EPROTOCOL when the
 * announced size does not fit in 64 bits. */
static int literal_size(const char *line, size_t len, uint64_t *size, envoi_error *err)
{
    if (len < 3 || line[len - 1] != '}')
        return 0;
    size_t j = len - 1;
    if (line[j - 1] == '+')
        j--;
    size_t digits_end = j;
    while (j > 0 && line[j - 1] >= '0' && line[j - 1] <= '9')
        j--;
    if (j == 0 || j == digits_end || line[j - 1] != '{')
        return 0;
    uint64_t n = 0;
    for (size_t i = j; i < digits_end; i++) {
        unsigned d = (unsigned)(line[i] - '0');
        if (n > (UINT64_MAX - d) / 10)
            return envoi_err_set(err, ENVOI_EPROTOCOL,
                                 "IMAP response: literal size %.*s does not fit in 64 bits",
                                 (int)(digits_end - j > 40 ? 40 : digits_end - j), line + j);
        n = n * 10 + d;
    }
    *size = n;
    return 1;
}

int imap_frame(const char *buf, size_t len, uint64_t max_literal, size_t *total, envoi_error *err)
{
    size_t pos = 0;
    if (len == 0) {
        *total = 1;
        return 0;
    }
    for (;;) {
        size_t avail = len - pos;
        size_t scan = avail < (size_t)IMAP_MAX_LINE + 2 ? avail : (size_t)IMAP_MAX_LINE + 2;
        const char *nl = memchr(buf + pos, '\n', scan);
        if (!nl) {
            if (avail > (size_t)IMAP_MAX_LINE + 1)
                return envoi_err_set(err, ENVOI_EPROTOCOL,
                                     "IMAP response: line longer than %u bytes", IMAP_MAX_LINE);
            *total = len + 1;
            return 0;
        }
        size_t end = (size_t)(nl - buf), line_len = end - pos;
        if (line_len && buf[end - 1] == '\r')
            line_len--;
        if (line_len > IMAP_MAX_LINE)
            return envoi_err_set(err, ENVOI_EPROTOCOL, "IMAP response: line longer than %u bytes",
                                 IMAP_MAX_LINE);
        uint64_t size = 0;
        int lit = literal_size(buf + pos, line_len, &size, err);
        if (lit < 0)
            return lit;
        if (lit == 0) {
            *total = end + 1;
            return 1;
        }
        if (size > max_literal)
            return envoi_err_set(err, ENVOI_EPROTOCOL,
                                 "IMAP response: literal of %llu bytes is larger than the limit "
                                 "of %llu",
                                 (unsigned long long)size, (unsigned long long)max_literal);
        if (size > SIZE_MAX - 2 - (end + 1))
            return envoi_err_set(err, ENVOI_EPROTOCOL,
                                 "IMAP response: literal of %llu bytes cannot be held in memory",
                                 (unsigned long long)size);
        pos = end + 1 + (size_t)size;
        if (pos >= len) {
            *total = pos + 1;
            return 0;
        }
    }
}
