/* Decoders for header field bodies as real mail writes them: RFC 2047
 * encoded-words (also in the common broken forms), structured values with
 * RFC 2231 parameters, address lists, dates, message-id lists. Each is
 * lenient: it reads what it can, never fails on bad input (only ENVOI_ENOMEM),
 * and ORs MIME_DEFECT_... bits (mime/defect.h) into *defects. */
#ifndef ENVOI_MIME_DECODE_H
#define ENVOI_MIME_DECODE_H

#include <stddef.h>
#include <time.h>

#include "mime/parse_arena.h"
#include "util/buf.h"

/* An unstructured value (Subject, a display name, a comment) to UTF-8,
 * appended to out: encoded-words decoded (B and Q, any charset iconv knows,
 * inside quotes, adjacent words joined across split multibyte characters,
 * whitespace between adjacent encoded-words dropped); raw 8-bit text taken as
 * UTF-8 when valid, else as windows-1252. */
int mime_decode_unstructured(const char *s, size_t len, envoi_buf *out, unsigned *defects);

/* The first "ab" (the two bytes a, b) in s[0..len); NULL when none. A
 * memchr for a, then a look at the byte after it. */
const char *mime_find_pair(const char *s, size_t len, char a, char b);

typedef struct mime_param {
    char *name;  /* lowercase */
    char *value; /* UTF-8, continuations joined, charsets converted */
} mime_param;

typedef struct mime_params {
    char *value; /* the part before the first ';', trimmed, lowercase ("text/plain") */
    mime_param *items;
    size_t len;
    void *block; /* when set, everything above lives in this one allocation */
} mime_params;

/* "type/subtype; a=b; c*0*=utf-8''%C3%A9; d=\"q s\"" (Content-Type,
 * Content-Disposition). Duplicate parameters: the first wins. */
int mime_params_parse(const char *s, size_t len, mime_params *out, unsigned *defects);
/* mime_params_parse without its one-pass form for plain values: the same
 * results, for tests that compare the two. */
int mime_params_parse_general(const char *s, size_t len, mime_params *out, unsigned *defects);
const char *mime_params_get(const mime_params *p, const char *name);
void mime_params_free(mime_params *p);

typedef struct mime_addr {
    char *name; /* display name decoded to UTF-8, NULL when none */
    char *addr; /* addr-spec "local@domain" (quoted local part kept quoted), may be "" */
} mime_addr;

typedef struct mime_addr_list {
    mime_addr *items;
    size_t len;
    mime_arena *arena; /* set: items and strings live in this arena */
} mime_addr_list;

/* An address list: display names, groups (members flattened), comments,
 * quoted local parts, obsolete routes, missing commas / brackets repaired.
 * The items and strings are malloc'd; mime_addr_list_free releases them. */
int mime_addr_list_parse(const char *s, size_t len, mime_addr_list *out, unsigned *defects);
/* The same with the items and strings allocated in arena (not NULL): they
 * live as long as it does, and mime_addr_list_free only empties the list. */
int mime_addr_list_parse_in(mime_arena *arena, const char *s, size_t len, mime_addr_list *out,
                            unsigned *defects);
void mime_addr_list_free(mime_addr_list *l);
/* mime_addr_list_parse without its fast path for the common forms ("a@b",
 * "Name <a@b>"): the same results, for tests that compare the two. */
int mime_addr_list_parse_general(const char *s, size_t len, mime_addr_list *out, unsigned *defects);

/* A date in any form RFC 5322 and its obsolete syntax allow (also missing
 * weekday, 2-digit years, named zones, missing seconds), to UTC seconds.
 * Returns 0, or ENVOI_EINVAL when nothing usable is found. */
int mime_date_parse(const char *s, size_t len, time_t *out);
/* mime_date_parse without its fast path for the common form ("Mon, 2 Jan
 * 2006 15:04:05 -0700"): the same results, for tests that compare the two. */
int mime_date_parse_general(const char *s, size_t len, time_t *out);

typedef struct mime_id_list {
    char **items; /* without angle brackets */
    size_t len;
    mime_arena *arena; /* set: items and strings live in this arena */
} mime_id_list;

/* Message-ID, In-Reply-To, References: every <id>, also bare ids. The items
 * and strings are malloc'd; mime_id_list_free releases them. */
int mime_id_list_parse(const char *s, size_t len, mime_id_list *out, unsigned *defects);
/* The same with the items and strings allocated in arena (not NULL): they
 * live as long as it does, and mime_id_list_free only empties the list. */
int mime_id_list_parse_in(mime_arena *arena, const char *s, size_t len, mime_id_list *out,
                          unsigned *defects);
void mime_id_list_free(mime_id_list *l);
/* mime_id_list_parse without its fast path for ids of printable ASCII: the
 * same results, for tests that compare the two. */
int mime_id_list_parse_general(const char *s, size_t len, mime_id_list *out, unsigned *defects);

#endif
