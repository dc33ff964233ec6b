/* Fuzz the syntax level of the address checks: whatever the bytes, a report
 * comes back with a readable reason; a valid address has a local part and
 * an A-label domain within the limits, and checking it again with that
 * domain gives the same verdict and domain. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/check.h"
#include "util/utf8.h"

static void check_text(const char *s)
{
    if (!envoi_utf8_valid(s, strlen(s)))
        abort();
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            abort();
}

static void check_valid(const char *address, const envoi_check_report *r)
{
    size_t local = strlen(r->local_part), domain = strlen(r->domain);
    if (local == 0 || local > 64 || domain == 0 || domain > 255 || r->reason[0])
        abort();
    if (!envoi_utf8_valid(address, strlen(address)) ||
        strncmp(address, r->local_part, local) != 0 || address[local] != '@')
        abort();
    if (r->domain[0] != '[')
        for (const char *p = r->domain; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
                abort();
    char again[512];
    memcpy(again, r->local_part, local);
    again[local] = '@';
    memcpy(again + local + 1, r->domain, domain + 1);
    envoi_check_report r2;
    if (envoi_address_check_syntax(again, &r2) != 0 || r2.result != ENVOI_ADDR_VALID ||
        strcmp(r2.domain, r->domain) != 0 || strcmp(r2.local_part, r->local_part) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    envoi_check_report r;
    if (envoi_address_check_syntax(s, &r) != 0)
        abort();
    if (r.result == ENVOI_ADDR_VALID)
        check_valid(s, &r);
    else if (r.result != ENVOI_ADDR_SYNTAX || !r.reason[0] || r.local_part[0] || r.domain[0])
        abort();
    check_text(r.reason);
    free(s);
    return 0;
}
