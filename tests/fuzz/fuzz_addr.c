/* Fuzz the address-list parser and the message-id list parser: whatever the
 * input, names and addresses come out as valid UTF-8 without NUL, and names
 * are never empty strings. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime/decode.h"
#include "util/utf8.h"

static void check(const char *s)
{
    if (!envoi_utf8_valid(s, strlen(s)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    unsigned defects = 0;
    mime_addr_list l;
    if (mime_addr_list_parse(s, size, &l, &defects) == 0) {
        for (size_t i = 0; i < l.len; i++) {
            if (!l.items[i].addr || (l.items[i].name && !*l.items[i].name))
                abort();
            check(l.items[i].addr);
            if (l.items[i].name)
                check(l.items[i].name);
        }
        mime_addr_list_free(&l);
    }
    mime_id_list ids;
    if (mime_id_list_parse(s, size, &ids, &defects) == 0) {
        for (size_t i = 0; i < ids.len; i++)
            if (!*ids.items[i] || strpbrk(ids.items[i], " \t\r\n<>"))
                abort();
        mime_id_list_free(&ids);
    }
    return 0;
}
