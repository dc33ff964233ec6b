/* Shared helpers for the mime unit tests: composing to a string, checking
 * lines, reading header fields back, temp files and digests. */
#ifndef ENVOI_TEST_MIME_HELPERS_H
#define ENVOI_TEST_MIME_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <ftw.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "envoi/message.h"

__attribute__((noinline, unused)) static char *compose(envoi_message *m, size_t *len)
{
    char *s = NULL;
    size_t n = 0;
    assert_int_equal(envoi_message_to_string(m, &s, &n), 0);
    assert_non_null(s);
    assert_int_equal(strlen(s), n);
    if (len)
        *len = n;
    return s;
}

/* Every line ends in CRLF, none is longer than max (without CRLF); returns the longest. */
static inline size_t check_lines(const char *s, size_t len, size_t max)
{
    size_t longest = 0, start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\r') {
            assert_true(i + 1 < len && s[i + 1] == '\n');
            size_t l = i - start;
            if (l > longest)
                longest = l;
            assert_true(l <= max);
            i++;
            start = i + 1;
        } else {
            assert_true(s[i] != '\n');
        }
    }
    assert_int_equal(start, len); /* ends with CRLF */
    return longest;
}

/* The header block (up to the first empty line), NUL-terminated copy. */
static inline char *header_block(const char *s)
{
    const char *end = strstr(s, "\r\n\r\n");
    assert_non_null(end);
    return strndup(s, (size_t)(end - s) + 2);
}

/* The unfolded value of the first field called name in the header block at
 * s (leading space removed), or NULL. */
static inline char *header_value(const char *s, const char *name)
{
    char *block = header_block(s);
    size_t nlen = strlen(name);
    char *result = NULL;
    for (char *line = block; *line;) {
        char *eol = strstr(line, "\r\n");
        if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
            size_t cap = strlen(line) + 1, n = 0;
            result = malloc(cap);
            const char *p = line + nlen + 1;
            while (*p) {
                if (p[0] == '\r' && p[1] == '\n') {
                    if (p[2] != ' ' && p[2] != '\t')
                        break;
                    p += 2;
                    continue;
                }
                result[n++] = *p++;
            }
            result[n] = '\0';
            if (result[0] == ' ')
                memmove(result, result + 1, n);
            break;
        }
        line = eol + 2;
    }
    free(block);
    return result;
}

static inline size_t count_str(const char *hay, const char *needle)
{
    size_t n = 0, nl = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + nl, needle))
        n++;
    return n;
}

static inline char *make_temp_dir(void)
{
    char tmpl[] = "/tmp/envoi-mime-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static inline char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static inline void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static inline int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static inline void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL), 1);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

#endif

#ifndef ENVOI_TEST_MIME_PART_BODY
#define ENVOI_TEST_MIME_PART_BODY
/* The raw body of the first part whose header block contains marker: from
 * after its blank line up to the CRLF before the next boundary (or the end). */
__attribute__((unused)) static char *part_body(const char *s, const char *marker)
{
    const char *m = strstr(s, marker);
    assert_non_null(m);
    const char *start = strstr(m, "\r\n\r\n");
    assert_non_null(start);
    start += 4;
    const char *end = strstr(start, "\r\n--");
    if (!end)
        end = start + strlen(start);
    return strndup(start, (size_t)(end - start));
}
#endif
