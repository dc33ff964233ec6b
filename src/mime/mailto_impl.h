/* The mailto handle inside: its fields, and the checks and list splitting
 * that building and parsing share. */
#ifndef ENVOI_MIME_MAILTO_IMPL_H
#define ENVOI_MIME_MAILTO_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "envoi/mailto.h"

/* A growable array of owned strings. */
typedef struct mailto_strs {
    char **items;
    size_t len;
    size_t cap;
} mailto_strs;

struct envoi_mailto {
    mailto_strs lists[3]; /* indexed by envoi_mailto_list */
    char *subject;
    char *body;
    mailto_strs names; /* other header fields, names[i] with values[i] */
    mailto_strs values;
};

/* 0 when s[0..len) may be a header value: ENVOI_EHEADER for CR or LF
 * (unless body), ENVOI_EINVAL for NUL, other control characters but tab
 * (unless body) or bytes that are not UTF-8. */
int mailto_check_value(const char *s, size_t len, bool body);
/* 0 when name[0..len) is a header field name: printable ASCII, no ':'. */
int mailto_check_name(const char *name, size_t len);
/* Split text[0..len) at the commas outside quotes and angle brackets, trim
 * spaces and tabs, skip empty items, append the rest to the list. *added
 * counts them. 0 or ENVOI_ENOMEM (checks are the caller's). */
int mailto_split_into(envoi_mailto *m, envoi_mailto_list list, const char *text, size_t len,
                      size_t *added);
/* Replace *field with a copy of s[0..len), line ends made CRLF when crlf. */
int mailto_store(char **field, const char *s, size_t len, bool crlf);
/* Append a copy of s[0..len) to a. */
int mailto_strs_push(mailto_strs *a, const char *s, size_t len);
/* ASCII case-insensitive comparison of name[0..len) with a lowercase word. */
bool mailto_name_is(const char *name, size_t len, const char *word);

#endif
