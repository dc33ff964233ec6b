/* Reading the few members the spool needs from envoid's JSON answers,
 * without a JSON library in libenvoi: a top-level object's members by name,
 * strings decoded into bounded arrays. */
#ifndef ENVOI_SPOOL_SPOOL_JSON_H
#define ENVOI_SPOOL_SPOOL_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum spool_json_type {
    SPOOL_JSON_STRING,
    SPOOL_JSON_NUMBER,
    SPOOL_JSON_LITERAL, /* true, false, null */
    SPOOL_JSON_NESTED,  /* an object or an array */
} spool_json_type;

typedef struct spool_json_value {
    spool_json_type type;
    const char *start; /* strings: inside the quotes, escapes not decoded */
    size_t len;
} spool_json_value;

/* The member key of the top-level object in text[0..len). 0 when found,
 * ENVOI_ENOTFOUND when absent, ENVOI_EPROTOCOL when the text is not a JSON
 * object. */
int spool_json_member(const char *text, size_t len, const char *key, spool_json_value *out);
/* Decode a string value into dst (NUL-terminated, cut at a character
 * boundary when too long). ENVOI_EINVAL when v is not a string. */
int spool_json_string(const spool_json_value *v, char *dst, size_t size);
/* A non-negative integer value. ENVOI_EINVAL when it is not one. */
int spool_json_uint(const spool_json_value *v, uint64_t *out);
/* A time as envoid writes it ("2024-05-01T12:00:00.123Z") in Unix
 * milliseconds; null gives 0. ENVOI_EINVAL otherwise. */
int spool_json_time(const spool_json_value *v, int64_t *out);

#endif
