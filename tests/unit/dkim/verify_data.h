/* What the DKIM verifier's unit tests share: the fixtures of data/ (made by
 * data/make_fixtures.sh with openssl and python3-dkim) read into memory, and
 * a verifier that knows their keys, so no DNS is asked. */
#ifndef ENVOI_TESTS_DKIM_VERIFY_DATA_H
#define ENVOI_TESTS_DKIM_VERIFY_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/dkim.h"
#include "util/buf.h"

/* data/NAME read whole (NUL-terminated; the test fails when it is missing). */
__attribute__((unused)) static char *dkim_data(const char *name, size_t *len)
{
    envoi_buf path = ENVOI_BUF_INIT, text = ENVOI_BUF_INIT;
    const char *slash = strrchr(__FILE__, '/');
    envoi_buf_append(&path, __FILE__, slash ? (size_t)(slash + 1 - __FILE__) : 0);
    envoi_buf_printf(&path, "data/%s", name);
    FILE *f = fopen(path.data, "rb");
    if (!f) {
        fprintf(stderr, "missing fixture %s\n", path.data);
        abort();
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        envoi_buf_append(&text, chunk, n);
    fclose(f);
    envoi_buf_free(&path);
    envoi_buf_append(&text, "", 0);
    return envoi_buf_steal(&text, len);
}

/* The key record of data/NAME, its line end dropped. */
__attribute__((unused)) static char *dkim_record(const char *name)
{
    size_t len;
    char *r = dkim_data(name, &len);
    while (len > 0 && (r[len - 1] == '\n' || r[len - 1] == '\r'))
        r[--len] = '\0';
    return r;
}

__attribute__((unused)) static void dkim_add_file_key(envoi_dkim_verifier *v, const char *domain,
                                                      const char *selector, const char *file)
{
    char *r = dkim_record(file);
    if (envoi_dkim_verifier_add_key(v, domain, selector, r) != 0)
        abort();
    free(r);
}

/* A verifier with the fixtures' keys under example.com: rsa, ed, wrong (not
 * the signer's key), revoked (p= empty); DNS pointed nowhere useful. */
__attribute__((unused)) static envoi_dkim_verifier *dkim_test_verifier(void)
{
    envoi_dkim_verifier *v = envoi_dkim_verifier_new();
    if (!v)
        abort();
    dkim_add_file_key(v, "example.com", "rsa", "rsa.txt");
    dkim_add_file_key(v, "example.com", "ed", "ed.txt");
    dkim_add_file_key(v, "example.com", "wrong", "rsa2.txt");
    if (envoi_dkim_verifier_add_key(v, "example.com", "revoked", "v=DKIM1; k=rsa; p=") != 0)
        abort();
    return v;
}

#endif
