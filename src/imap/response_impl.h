/* The state shared by the IMAP response lexer (generic values) and the
 * response-line parser: the input, the arena the values go to, and the stack
 * on which the items of open lists are gathered. */
#ifndef ENVOI_IMAP_RESPONSE_IMPL_H
#define ENVOI_IMAP_RESPONSE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "imap/arena.h"
#include "imap/response.h"

#define IMAP_LOCAL_STACK 32

typedef struct imap_parser {
    const char *buf, *p, *end;
    imap_arena *arena;
    envoi_error *err;
    bool quiet;   /* a tentative parse: failures do not touch err */
    bool in_code; /* inside "[CODE ...]": ']' ends an atom */
    unsigned depth;
    size_t values;     /* values made so far (bounded by IMAP_MAX_ITEMS) */
    imap_value *stack; /* items of the lists being read */
    size_t n, cap;
    imap_value local[IMAP_LOCAL_STACK];
} imap_parser;

void imap_parser_init(imap_parser *ps, const char *buf, size_t len, imap_arena *arena,
                      envoi_error *err);
void imap_parser_release(imap_parser *ps);
/* Report malformed input at the current position; returns ENVOI_EPROTOCOL. */
int imap_parser_fail(imap_parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int imap_parser_nomem(imap_parser *ps);
/* Is the parser at the end of the line (CRLF, LF, or the end of the data)? */
bool imap_parser_at_eol(const imap_parser *ps);
/* Values separated by spaces up to close: ')' (consumed), ']' (consumed) or
 * '\n' (the end of the line, not consumed); the items go to the arena. */
int imap_parse_values(imap_parser *ps, char close, imap_value **items, size_t *count);

#endif
