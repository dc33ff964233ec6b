/* POP3 status lines (RFC 1939) and their response codes (RFC 2449). */
#include <ctype.h>
#include <string.h>

#include "pop3/wire.h"

static void take_code(pop3_status *st)
{
    const char *t = st->text;
    size_t n = st->text_len;
    if (n < 3 || t[0] != '[')
        return;
    const char *close = memchr(t, ']', n < sizeof st->code + 1 ? n : sizeof st->code + 1);
    size_t k = close ? (size_t)(close - t) - 1 : 0;
    if (k == 0 || k >= sizeof st->code)
        return;
    for (size_t i = 0; i < k; i++) {
        unsigned char c = (unsigned char)t[1 + i];
        if (c <= 0x20 || c >= 0x7f)
            return;
        st->code[i] = (char)toupper(c);
    }
    st->code[k] = '\0';
}

int pop3_status_parse(const char *line, size_t len, pop3_status *st)
{
    memset(st, 0, sizeof *st);
    size_t skip;
    if (len >= 3 && memcmp(line, "+OK", 3) == 0) {
        st->ok = true;
        skip = 3;
    } else if (len >= 4 && memcmp(line, "-ERR", 4) == 0) {
        skip = 4;
    } else {
        return ENVOI_EPROTOCOL;
    }
    if (len > skip && line[skip] != ' ')
        return ENVOI_EPROTOCOL;
    if (len > skip)
        skip++;
    st->text = line + skip;
    st->text_len = len - skip;
    take_code(st);
    return 0;
}
