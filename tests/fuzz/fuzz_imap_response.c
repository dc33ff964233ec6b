/* Fuzz the IMAP response reader: the input is framed into responses (each
 * framing checked against framing of its prefixes), each response parsed,
 * and every value handed to every typed reader (ENVELOPE, BODYSTRUCTURE,
 * flags, INTERNALDATE, FETCH items, modified UTF-7 both ways, with the
 * round trip of names that decode checked). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap/response.h"

static void check_mutf7(const imap_value *v)
{
    char *dec = NULL;
    if (imap_mutf7_decode(v->data, v->len, &dec) != 0)
        return;
    char *enc = NULL, *again = NULL;
    if (imap_mutf7_encode(dec, strlen(dec), &enc) != 0)
        abort();
    if (imap_mutf7_decode(enc, strlen(enc), &again) != 0 || strcmp(again, dec) != 0)
        abort();
    /* An ASCII name that decodes has one spelling: its encoding is itself. */
    bool ascii = strlen(v->data) == v->len;
    for (size_t i = 0; ascii && i < v->len; i++)
        ascii = (unsigned char)v->data[i] < 0x80;
    if (ascii && strcmp(enc, v->data) != 0)
        abort();
    free(dec);
    free(enc);
    free(again);
}

static void check_bodystructure(const imap_value *v)
{
    imap_body *parts = NULL;
    size_t n = 0;
    envoi_error err;
    if (imap_bodystructure_read(v, &parts, &n, &err) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].parent != SIZE_MAX && parts[i].parent >= i)
            abort();
        const char *s[] = {parts[i].charset,  parts[i].name,        parts[i].id,
                           parts[i].encoding, parts[i].description, parts[i].disposition};
        for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
            if (s[k] && strlen(s[k]) > 1000000)
                abort();
        if (strlen(parts[i].section) >= sizeof parts[i].section)
            abort();
    }
    free(parts);
}

static void check_envelope(const imap_value *v)
{
    imap_envelope e;
    envoi_error err;
    if (imap_envelope_read(v, &e, &err) != 0)
        return;
    for (size_t i = 0; i < e.nto; i++)
        if (e.to[i].name && strlen(e.to[i].name) > 1000000)
            abort();
    imap_envelope_free(&e);
}

static void walk(const imap_value *v, unsigned depth)
{
    if (depth > IMAP_MAX_DEPTH + 1)
        abort();
    unsigned mask;
    time_t t;
    imap_flags_mask(v, &mask);
    imap_parse_internaldate(v, &t);
    check_envelope(v);
    check_bodystructure(v);
    if (v->kind == IMAP_ATOM || v->kind == IMAP_STRING || v->kind == IMAP_NUMBER) {
        if (!v->data || v->data[v->len] != '\0')
            abort();
        check_mutf7(v);
    }
    if (v->kind == IMAP_LIST)
        for (size_t i = 0; i < v->count; i++)
            walk(&v->items[i], depth + 1);
}

static void check_response(const char *data, size_t len)
{
    imap_response r;
    envoi_error err;
    if (imap_response_parse(data, len, &r, &err) != 0)
        return;
    if (strlen(r.tag) >= sizeof r.tag || strlen(r.name) >= sizeof r.name || !r.text)
        abort();
    for (size_t i = 0; i < r.code_count; i++)
        walk(&r.code_args[i], 0);
    for (size_t i = 0; i < r.count; i++)
        walk(&r.values[i], 0);
    if (r.count && r.values[0].kind == IMAP_LIST) {
        const imap_value *list = &r.values[0];
        for (size_t i = 0; i + 1 < list->count; i += 2)
            if (list->items[i].kind == IMAP_ATOM &&
                imap_fetch_item(&r, list->items[i].data) == NULL)
                abort();
    }
    imap_fetch_item(&r, "BODY.PEEK[HEADER]");
    imap_response_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    size_t left = size;
    while (left > 0) {
        size_t total = 0, again = 0;
        envoi_error err;
        int rc = imap_frame(p, left, 1u << 20, &total, &err);
        if (rc <= 0) {
            /* Incomplete or refused: parse what is there anyway. */
            check_response(p, left);
            break;
        }
        if (total == 0 || total > left)
            abort();
        /* A prefix of a response is never a whole one. */
        if (imap_frame(p, total - 1, 1u << 20, &again, &err) == 1)
            abort();
        check_response(p, total);
        p += total;
        left -= total;
    }
    return 0;
}
