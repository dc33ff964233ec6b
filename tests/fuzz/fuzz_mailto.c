/* Fuzz the mailto: URI parser: whatever it accepts builds into a URI that
 * parses again into the same fields, and no CR or LF ever reaches a field
 * other than the body. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/mailto.h"

static int same_text(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static void check_no_line_break(const char *s)
{
    if (s && strpbrk(s, "\r\n"))
        abort();
}

static void check_same(const envoi_mailto *a, const envoi_mailto *b)
{
    for (int l = ENVOI_MAILTO_TO; l <= ENVOI_MAILTO_BCC; l++) {
        envoi_mailto_list list = (envoi_mailto_list)l;
        size_t n = envoi_mailto_count(a, list);
        if (n != envoi_mailto_count(b, list))
            abort();
        for (size_t i = 0; i < n; i++) {
            check_no_line_break(envoi_mailto_get(a, list, i));
            if (!same_text(envoi_mailto_get(a, list, i), envoi_mailto_get(b, list, i)))
                abort();
        }
    }
    check_no_line_break(envoi_mailto_subject(a));
    if (!same_text(envoi_mailto_subject(a), envoi_mailto_subject(b)) ||
        !same_text(envoi_mailto_body(a), envoi_mailto_body(b)))
        abort();
    size_t n = envoi_mailto_header_count(a);
    if (n != envoi_mailto_header_count(b))
        abort();
    for (size_t i = 0; i < n; i++) {
        const char *an, *av, *bn, *bv;
        if (envoi_mailto_header(a, i, &an, &av) != 0 || envoi_mailto_header(b, i, &bn, &bv) != 0)
            abort();
        check_no_line_break(an);
        check_no_line_break(av);
        if (strcmp(an, bn) != 0 || strcmp(av, bv) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    envoi_mailto *first = NULL, *second = NULL;
    envoi_error err;
    if (envoi_mailto_parse((const char *)data, size, &first, &err) != 0)
        return 0;
    char *uri = NULL;
    if (envoi_mailto_build(first, &uri) != 0)
        abort();
    if (strlen(uri) > ENVOI_MAILTO_MAX_LEN) { /* raw UTF-8 and spaces grow when encoded */
        free(uri);
        envoi_mailto_free(first);
        return 0;
    }
    if (envoi_mailto_parse(uri, strlen(uri), &second, &err) != 0)
        abort();
    check_same(first, second);
    char *again = NULL;
    if (envoi_mailto_build(second, &again) != 0 || strcmp(uri, again) != 0)
        abort();
    free(again);
    free(uri);
    envoi_mailto_free(second);
    envoi_mailto_free(first);
    return 0;
}
