/* A bump allocator per parsed message: many small strings and parts, one
 * free. */
#ifndef ENVOI_MIME_PARSE_ARENA_H
#define ENVOI_MIME_PARSE_ARENA_H

#include <stddef.h>

typedef struct mime_arena_block mime_arena_block;

typedef struct mime_arena {
    mime_arena_block *head;
    mime_arena_block *big; /* blocks of their own for large requests (mapped) */
    char *next;            /* free space in head */
    size_t left;
} mime_arena;

/* size bytes aligned for any object, zeroed; NULL when out of memory. */
void *mime_arena_alloc(mime_arena *a, size_t size);
/* The same, not zeroed (large body buffers). */
void *mime_arena_alloc_raw(mime_arena *a, size_t size);
/* A NUL-terminated copy of s[0..len). */
char *mime_arena_strndup(mime_arena *a, const char *s, size_t len);
void mime_arena_free(mime_arena *a);

#define MIME_BIG_ALLOC (1024 * 1024) /* from this size, buffers are mapped */

/* A large buffer mapped on its own, asking for transparent huge pages (few
 * page faults for a large body); *maplen is what mime_big_free needs. NULL
 * when the mapping fails (then use malloc). */
void *mime_big_alloc(size_t size, size_t *maplen);
void mime_big_free(void *p, size_t maplen);

#endif
