/* Fuzz the Content-Type / Content-Disposition parameter parser: names come
 * out lowercase and unique, values as valid UTF-8 (a boundary keeps its raw
 * bytes), and every name can be looked up again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime/decode.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mime_params p;
    unsigned defects = 0;
    if (mime_params_parse((const char *)data, size, &p, &defects) != 0)
        return 0;
    if (!p.value || !envoi_utf8_valid(p.value, strlen(p.value)))
        abort();
    for (size_t i = 0; i < p.len; i++) {
        const char *name = p.items[i].name, *value = p.items[i].value;
        for (const char *c = name; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                abort();
        if (strcmp(name, "boundary") != 0 && !envoi_utf8_valid(value, strlen(value)))
            abort();
        if (mime_params_get(&p, name) != value)
            abort();
    }
    mime_params_free(&p);
    return 0;
}
