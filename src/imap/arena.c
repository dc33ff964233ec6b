/* The per-response bump allocator (see arena.h). */
#include "imap/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_MIN_BLOCK 4096

typedef struct arena_block {
    struct arena_block *prev;
    alignas(max_align_t) char data[];
} arena_block;

struct imap_arena {
    arena_block *blocks; /* regions allocated after the first */
    char *next;          /* free space of the current region */
    size_t left;
    size_t last; /* size of the last region, for geometric growth */
    alignas(max_align_t) char first[];
};

imap_arena *imap_arena_new(size_t hint)
{
    if (hint > SIZE_MAX / 2)
        return NULL;
    imap_arena *a = malloc(sizeof *a + hint);
    if (!a)
        return NULL;
    a->blocks = NULL;
    a->next = a->first;
    a->left = hint;
    a->last = hint;
    return a;
}

/* Make the current region hold at least size more bytes (plus alignment). */
static int grow(imap_arena *a, size_t size)
{
    size_t want = a->last < SIZE_MAX / 4 ? a->last * 2 : a->last;
    if (want < ARENA_MIN_BLOCK)
        want = ARENA_MIN_BLOCK;
    if (size > SIZE_MAX / 2 - sizeof(arena_block))
        return -1;
    if (want < size + alignof(max_align_t))
        want = size + alignof(max_align_t);
    arena_block *b = malloc(sizeof *b + want);
    if (!b)
        return -1;
    b->prev = a->blocks;
    a->blocks = b;
    a->next = b->data;
    a->left = want;
    a->last = want;
    return 0;
}

void *imap_arena_alloc(imap_arena *a, size_t size)
{
    size_t align = alignof(max_align_t);
    size_t pad = (align - ((uintptr_t)a->next & (align - 1))) & (align - 1);
    if (size > SIZE_MAX / 2)
        return NULL;
    if (size + pad > a->left) {
        if (grow(a, size) < 0)
            return NULL;
        pad = 0;
    }
    char *p = a->next + pad;
    a->next = p + size;
    a->left -= size + pad;
    return p;
}

char *imap_arena_chars(imap_arena *a, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;
    if (size > a->left && grow(a, size) < 0)
        return NULL;
    char *p = a->next;
    a->next += size;
    a->left -= size;
    return p;
}

char *imap_arena_strndup(imap_arena *a, const char *s, size_t len)
{
    char *p = imap_arena_chars(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void imap_arena_free(imap_arena *a)
{
    if (!a)
        return;
    arena_block *b = a->blocks;
    while (b) {
        arena_block *prev = b->prev;
        free(b);
        b = prev;
    }
    free(a);
}
