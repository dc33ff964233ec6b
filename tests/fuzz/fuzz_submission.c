/* Fuzz envoid's submission reader: the input is an HTTP JSON body (the first
 * byte picks a small or a large size limit). Whatever it accepts must have
 * an envelope without line breaks, at least one recipient and a source of
 * the length it says that the message parser reads back. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "daemon/submission.h"
#include "envoi/parse.h"

static void check_line(const char *s)
{
    if (!s || strpbrk(s, "\r\n"))
        __builtin_trap(); /* an envelope with a line break: SMTP injection */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t max_message = (data[0] & 1) ? 256 : (size_t)1 << 20;
    envoid_submission sub;
    envoi_error err;
    memset(&sub, 0, sizeof sub);
    if (envoid_submission_from_json((const char *)data + 1, size - 1, max_message, &sub, &err) ==
        0) {
        check_line(sub.from);
        if (sub.recipient_count == 0 || sub.source_len > max_message ||
            strlen(sub.source) != sub.source_len)
            __builtin_trap();
        for (size_t i = 0; i < sub.recipient_count; i++)
            check_line(sub.recipients[i]);
        envoi_message *msg = NULL;
        if (envoi_message_parse(sub.source, sub.source_len, &msg) == 0)
            envoi_message_free(msg);
    } else if (err.text[0] == '\0') {
        __builtin_trap(); /* every refusal says what is wrong */
    }
    envoid_submission_free(&sub);
    return 0;
}
