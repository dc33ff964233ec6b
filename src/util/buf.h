/* Growable byte buffer: every string built at run time goes through one, so
 * lengths are always known and no write is unbounded. */
#ifndef ENVOI_UTIL_BUF_H
#define ENVOI_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct envoi_buf {
    char *data; /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
} envoi_buf;

#define ENVOI_BUF_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Each returns 0 or ENVOI_ENOMEM; on failure the buffer is unchanged. */
int envoi_buf_reserve(envoi_buf *b, size_t extra);
int envoi_buf_append(envoi_buf *b, const void *data, size_t len);
int envoi_buf_append_str(envoi_buf *b, const char *s);
int envoi_buf_append_char(envoi_buf *b, char c);
int envoi_buf_printf(envoi_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int envoi_buf_vprintf(envoi_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Drop the first n bytes. */
void envoi_buf_consume(envoi_buf *b, size_t n);
void envoi_buf_clear(envoi_buf *b);
/* Keep the first n bytes (nothing happens when there are fewer). */
void envoi_buf_truncate(envoi_buf *b, size_t n);
/* Release memory; with _wipe the contents are zeroed first (secrets). */
void envoi_buf_free(envoi_buf *b);
void envoi_buf_wipe_free(envoi_buf *b);
/* Hand the data to the caller (NUL-terminated, free() it); buffer reset. */
char *envoi_buf_steal(envoi_buf *b, size_t *len);

#endif
