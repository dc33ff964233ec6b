/* What POP3 servers send, read strictly: status lines with their RESP-CODE,
 * CAPA lines, LIST and UIDL lines; and the APOP digest. Pure functions, no
 * connection: the fuzz target and the unit tests call them directly. */
#ifndef ENVOI_POP3_WIRE_H
#define ENVOI_POP3_WIRE_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/pop3.h"
#include "util/buf.h"

/* A status line: "+OK" or "-ERR", then optionally a space and text. */
typedef struct pop3_status {
    bool ok;
    char code[16];    /* RESP-CODE (RFC 2449) in upper case, "" when none */
    const char *text; /* after the indicator (and its space); points into the line */
    size_t text_len;
} pop3_status;

/* ENVOI_EPROTOCOL when the line is neither. */
int pop3_status_parse(const char *line, size_t len, pop3_status *st);

typedef struct pop3_caps {
    int flags;      /* ENVOI_POP3_CAPA_... */
    envoi_buf sasl; /* SASL mechanisms, space separated */
    envoi_buf lines;
} pop3_caps;

void pop3_caps_reset(pop3_caps *c);
void pop3_caps_free(pop3_caps *c);
/* One line of a CAPA response (without its line end). */
int pop3_caps_add_line(pop3_caps *c, const char *line, size_t len);

/* "N SIZE [anything]" (LIST) and "N UIDL" (UIDL). ENVOI_EPROTOCOL when the
 * line is not one; the UIDL is 1 to 70 bytes 0x21..0x7E and points into the
 * line. */
int pop3_parse_list_line(const char *line, size_t len, unsigned *number, size_t *size);
int pop3_parse_uidl_line(const char *line, size_t len, unsigned *number, const char **uidl,
                         size_t *uidl_len);

/* The timestamp "<...>" of a greeting; false when there is none. */
bool pop3_apop_timestamp(const char *text, size_t len, const char **ts, size_t *ts_len);
/* Lower-case hex MD5 of timestamp and password into hex[33]. */
int pop3_apop_digest(const char *ts, size_t ts_len, const char *password, char hex[33]);

#endif
