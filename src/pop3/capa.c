/* The CAPA response (RFC 2449): one capability per line, the SASL line
 * listing the mechanisms. */
#include <string.h>
#include <strings.h>

#include "pop3/wire.h"

void pop3_caps_reset(pop3_caps *c)
{
    c->flags = 0;
    envoi_buf_clear(&c->sasl);
    envoi_buf_clear(&c->lines);
}

void pop3_caps_free(pop3_caps *c)
{
    envoi_buf_free(&c->sasl);
    envoi_buf_free(&c->lines);
    c->flags = 0;
}

static const struct {
    const char *name;
    int flag;
} names[] = {
    {"TOP", ENVOI_POP3_CAPA_TOP},
    {"UIDL", ENVOI_POP3_CAPA_UIDL},
    {"USER", ENVOI_POP3_CAPA_USER},
    {"SASL", ENVOI_POP3_CAPA_SASL},
    {"STLS", ENVOI_POP3_CAPA_STLS},
    {"PIPELINING", ENVOI_POP3_CAPA_PIPELINING},
    {"RESP-CODES", ENVOI_POP3_CAPA_RESP_CODES},
    {"AUTH-RESP-CODE", ENVOI_POP3_CAPA_AUTH_RESP_CODE},
    {"EXPIRE", ENVOI_POP3_CAPA_EXPIRE},
    {"LOGIN-DELAY", ENVOI_POP3_CAPA_LOGIN_DELAY},
    {"UTF8", ENVOI_POP3_CAPA_UTF8},
};

int pop3_caps_add_line(pop3_caps *c, const char *line, size_t len)
{
    if ((c->lines.len && envoi_buf_append_char(&c->lines, '\n') < 0) ||
        envoi_buf_append(&c->lines, line, len) < 0)
        return ENVOI_ENOMEM;
    size_t word = 0;
    while (word < len && line[word] != ' ' && line[word] != '\t')
        word++;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i].name) != word || strncasecmp(line, names[i].name, word) != 0)
            continue;
        c->flags |= names[i].flag;
        if (names[i].flag != ENVOI_POP3_CAPA_SASL)
            break;
        for (size_t p = word; p < len;) {
            while (p < len && (line[p] == ' ' || line[p] == '\t'))
                p++;
            size_t start = p;
            while (p < len && line[p] != ' ' && line[p] != '\t')
                p++;
            if (p == start)
                break;
            if ((c->sasl.len && envoi_buf_append_char(&c->sasl, ' ') < 0) ||
                envoi_buf_append(&c->sasl, line + start, p - start) < 0)
                return ENVOI_ENOMEM;
        }
        break;
    }
    return 0;
}
