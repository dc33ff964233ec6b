/* The per-message bump allocator (see parse_arena.h). */
#include "mime/parse_arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BLOCK (16 * 1024)

struct mime_arena_block {
    mime_arena_block *prev;
    size_t maplen; /* big blocks: length of the mapping */
    alignas(max_align_t) char data[];
};

#define HUGE_PAGE ((size_t)2 << 20)

void *mime_big_alloc(size_t size, size_t *maplen)
{
    if (size > SIZE_MAX - 2 * HUGE_PAGE)
        return NULL;
    size_t len = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    char *m =
        mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    /* Keep the 2 MiB aligned part, so it can be backed by huge pages. */
    char *a = (char *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    size_t head = (size_t)(a - m);
    if (head)
        munmap(m, head);
    if (HUGE_PAGE - head)
        munmap(a + len, HUGE_PAGE - head);
    madvise(a, len, MADV_HUGEPAGE);
    *maplen = len;
    return a;
}

void mime_big_free(void *p, size_t maplen)
{
    if (p)
        munmap(p, maplen);
}

static void *big_block(mime_arena *a, size_t size)
{
    size_t maplen;
    mime_arena_block *b = mime_big_alloc(sizeof *b + size, &maplen);
    if (!b)
        return NULL;
    b->maplen = maplen;
    b->prev = a->big;
    a->big = b;
    return b->data;
}

void *mime_arena_alloc_raw(mime_arena *a, size_t size)
{
    size_t align = alignof(max_align_t);
    if (size > SIZE_MAX / 2)
        return NULL;
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    if (size >= MIME_BIG_ALLOC) {
        void *p = big_block(a, size);
        if (p)
            return p;
    }
    if (size > a->left) {
        /* Large requests get a block of their own; the current block stays in use. */
        size_t want = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
        mime_arena_block *b = malloc(sizeof *b + want);
        if (!b)
            return NULL;
        if (want == size && a->head) {
            b->prev = a->head->prev;
            a->head->prev = b;
            return b->data;
        }
        b->prev = a->head;
        a->head = b;
        a->next = b->data;
        a->left = want;
    }
    void *p = a->next;
    a->next += size;
    a->left -= size;
    return p;
}

void *mime_arena_alloc(mime_arena *a, size_t size)
{
    void *p = mime_arena_alloc_raw(a, size);
    if (p)
        memset(p, 0, size);
    return p;
}

char *mime_arena_strndup(mime_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = mime_arena_alloc_raw(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void mime_arena_free(mime_arena *a)
{
    mime_arena_block *b = a->head;
    while (b) {
        mime_arena_block *prev = b->prev;
        free(b);
        b = prev;
    }
    for (b = a->big; b;) {
        mime_arena_block *prev = b->prev;
        mime_big_free(b, b->maplen);
        b = prev;
    }
    a->big = NULL;
    a->head = NULL;
    a->next = NULL;
    a->left = 0;
}
