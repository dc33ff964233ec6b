/* A bump allocator for one parsed IMAP response (or envelope): the values,
 * their items and their bytes come from a first region sized from the input
 * and, when that is not enough, from larger blocks; one free releases all. */
#ifndef ENVOI_IMAP_ARENA_H
#define ENVOI_IMAP_ARENA_H

#include <stddef.h>

typedef struct imap_arena imap_arena;

/* A new arena whose first region holds hint bytes; NULL when out of memory. */
imap_arena *imap_arena_new(size_t hint);
/* size bytes aligned for any object (not zeroed); NULL when out of memory. */
void *imap_arena_alloc(imap_arena *a, size_t size);
/* size bytes without alignment (string bytes); NULL when out of memory. */
char *imap_arena_chars(imap_arena *a, size_t size);
/* A NUL-terminated copy of s[0..len); NULL when out of memory. */
char *imap_arena_strndup(imap_arena *a, const char *s, size_t len);
void imap_arena_free(imap_arena *a);

#endif
