/* Fuzz target: the OAuth token endpoint's answer read by the bounded JSON
 * reader (every member walked, the token members kept). */
#include <stddef.h>
#include <stdint.h>

#include "oauth/oauth_impl.h"

static int any_member(void *ctx, const char *key, const oauth_json_value *v)
{
    (void)key;
    size_t *count = ctx;
    *count += v->len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t count = 0;
    oauth_json_object((const char *)data, size, any_member, &count);
    oauth_answer a;
    if (oauth_answer_read((const char *)data, size, &a) == 0) {
        if (a.access_token)
            oauth_token_is_valid(a.access_token);
        oauth_answer_free(&a);
    }
    return 0;
}
