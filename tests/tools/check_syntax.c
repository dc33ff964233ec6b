/* Test driver for the syntax level of the address checks: reads one address
 * a line, hex-encoded (so CR, LF and any byte can be given), and prints
 * "valid" or "syntax" (or "error"), a tab, and the reason. */
#include <stdio.h>
#include <string.h>

#include "envoi/check.h"

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode the hex line into out (NUL-terminated); -1 when malformed. */
static int decode(const char *line, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; line[i] && line[i] != '\n'; i += 2) {
        int hi = hex_value((unsigned char)line[i]);
        int lo = line[i + 1] ? hex_value((unsigned char)line[i + 1]) : -1;
        if (hi < 0 || lo < 0 || n + 1 >= size)
            return -1;
        out[n++] = (char)(hi << 4 | lo);
    }
    out[n] = '\0';
    return 0;
}

int main(void)
{
    static char line[8192], address[4096];
    while (fgets(line, sizeof line, stdin)) {
        envoi_check_report r;
        if (decode(line, address, sizeof address) != 0 ||
            envoi_address_check_syntax(address, &r) != 0) {
            fprintf(stderr, "check_syntax: malformed input line\n");
            return 2;
        }
        printf("%s\t%s\n", envoi_check_result_name(r.result), r.reason);
    }
    return 0;
}
