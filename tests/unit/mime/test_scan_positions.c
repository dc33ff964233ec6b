/* The vector scans of header values, header names and bodies find what they
 * look for at every position, across the boundaries of the blocks they read;
 * and header fields are found by name whatever the order of the calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "envoi/parse.h"

static envoi_message *parse_n(const char *text, size_t len)
{
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(text, len, &m), 0);
    assert_non_null(m);
    return m;
}

static bool has_defect(const envoi_message *m, const char *name)
{
    for (size_t i = 0; i < envoi_message_defect_count(m); i++)
        if (strcmp(envoi_message_defect_at(m, i)->name, name) == 0)
            return true;
    return false;
}

/* "X-V: " + pad letters + tail + pad2 letters, as a message with an empty body. */
static size_t header_message(char *buf, size_t size, size_t pad, const char *tail, size_t tail_len,
                             size_t pad2)
{
    size_t w = (size_t)snprintf(buf, size, "X-V: ");
    memset(buf + w, 'a', pad);
    w += pad;
    memcpy(buf + w, tail, tail_len);
    w += tail_len;
    memset(buf + w, 'b', pad2);
    w += pad2;
    memcpy(buf + w, "\r\n\r\n", 4);
    return w + 4;
}

static void encoded_word_found_at_every_offset(void **state)
{
    (void)state;
    static const char word[] = " =?utf-8?q?caf=C3=A9?= ";
    for (size_t pad = 1; pad < 48; pad++) {
        char text[256], want[128];
        size_t n = header_message(text, sizeof text, pad, word, sizeof word - 1, 3);
        envoi_message *m = parse_n(text, n);
        memset(want, 'a', pad);
        snprintf(want + pad, sizeof want - pad, " caf\xc3\xa9 bbb");
        assert_string_equal(envoi_part_header_decoded(envoi_message_root(m), "X-V"), want);
        envoi_message_free(m);
    }
}

static void equals_without_question_mark_is_plain_at_every_offset(void **state)
{
    (void)state;
    for (size_t pad = 1; pad < 48; pad++) {
        char text[256];
        size_t n = header_message(text, sizeof text, pad, "=x?=", 4, 1 + pad % 17);
        envoi_message *m = parse_n(text, n);
        const envoi_part *root = envoi_message_root(m);
        assert_ptr_equal(envoi_part_header_decoded(root, "X-V"), envoi_part_header(root, "X-V"));
        envoi_message_free(m);
    }
}

static void eight_bit_byte_decoded_at_every_offset(void **state)
{
    (void)state;
    for (size_t pad = 1; pad < 48; pad++) {
        char text[256], want[128];
        size_t n = header_message(text, sizeof text, pad, "\xe9", 1, 20);
        envoi_message *m = parse_n(text, n);
        memset(want, 'a', pad);
        memcpy(want + pad, "\xc3\xa9", 2);
        memset(want + pad + 2, 'b', 20);
        want[pad + 22] = '\0';
        assert_string_equal(envoi_part_header_decoded(envoi_message_root(m), "X-V"), want);
        envoi_message_free(m);
    }
}

static void nul_and_bare_cr_in_values_found_at_every_offset(void **state)
{
    (void)state;
    for (size_t pad = 1; pad < 48; pad++) {
        for (int kind = 0; kind < 3; kind++) {
            const char *tail = kind == 0 ? "\0" : kind == 1 ? "\r" : "\t";
            char text[256];
            size_t n = header_message(text, sizeof text, pad, tail, 1, 1 + pad % 19);
            envoi_message *m = parse_n(text, n);
            assert_int_equal(has_defect(m, "nul-byte"), kind == 0);
            assert_int_equal(has_defect(m, "bare-cr"), kind == 1);
            envoi_message_free(m);
        }
    }
}

static void long_field_names_read_whole(void **state)
{
    (void)state;
    for (size_t len = 1; len < 40; len++) {
        char text[256], name[64];
        memset(name, 'N', len);
        name[len] = '\0';
        snprintf(text, sizeof text, "%s: value\r\n%s-2 : other\r\n\r\n", name, name);
        envoi_message *m = parse_n(text, strlen(text));
        const envoi_part *root = envoi_message_root(m);
        assert_int_equal(envoi_part_header_count(root), 2);
        assert_string_equal(envoi_part_header(root, name), "value");
        const char *n2 = NULL;
        assert_int_equal(envoi_part_header_at(root, 1, &n2, NULL), 0);
        assert_int_equal(strlen(n2), len + 2);
        envoi_message_free(m);
    }
}

/* A one-part message whose body has c at offset pad (and CRLF line ends). */
static void body_control_found_at_every_offset(void **state)
{
    (void)state;
    for (size_t pad = 0; pad < 48; pad++) {
        for (int kind = 0; kind < 3; kind++) {
            char text[256];
            size_t w = (size_t)snprintf(text, sizeof text, "Subject: x\r\n\r\n");
            memset(text + w, 'a', pad);
            w += pad;
            const char *c = kind == 0 ? "\0" : kind == 1 ? "\r" : "\r\n";
            size_t cl = kind == 2 ? 2 : 1;
            memcpy(text + w, c, cl);
            w += cl;
            memcpy(text + w, "bbbbbbbbbbbbbbbbbbbbbbbb\r\n", 26);
            w += 26;
            envoi_message *m = parse_n(text, w);
            const void *data = NULL;
            size_t len = 0;
            assert_int_equal(envoi_part_body(envoi_message_root(m), &data, &len), 0);
            assert_int_equal(has_defect(m, "nul-byte"), kind == 0);
            assert_int_equal(has_defect(m, "bare-cr"), kind == 1);
            envoi_message_free(m);
        }
    }
}

static const char repeated[] = "Received: first\r\n"
                               "X-One: 1\r\n"
                               "received: second\r\n"
                               "X-Two: 2\r\n"
                               "RECEIVED: third\r\n\r\nbody\r\n";

static void repeated_field_names_give_the_first(void **state)
{
    (void)state;
    envoi_message *m = parse_n(repeated, sizeof repeated - 1);
    const envoi_part *root = envoi_message_root(m);
    for (size_t i = 0; i < envoi_part_header_count(root); i++) {
        const char *name = NULL, *value = NULL;
        assert_int_equal(envoi_part_header_at(root, i, &name, &value), 0);
        const char *want = strcasecmp(name, "received") == 0 ? "first" : value;
        assert_string_equal(envoi_part_header(root, name), want);
        assert_string_equal(envoi_part_header_decoded(root, name), want);
    }
    envoi_message_free(m);
}

static void names_looked_up_out_of_order(void **state)
{
    (void)state;
    envoi_message *m = parse_n(repeated, sizeof repeated - 1);
    const envoi_part *root = envoi_message_root(m);
    const char *names[5];
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(envoi_part_header_at(root, i, &names[i], NULL), 0);
    /* The last name given out is "RECEIVED"; look the others up after it. */
    assert_string_equal(envoi_part_header(root, names[3]), "2");
    assert_string_equal(envoi_part_header(root, names[1]), "1");
    assert_string_equal(envoi_part_header(root, names[2]), "first");
    assert_string_equal(envoi_part_header(root, names[4]), "first");
    assert_null(envoi_part_header(root, "X-Three"));
    envoi_message_free(m);
}

static void many_distinct_names_each_found(void **state)
{
    (void)state;
    char text[8192];
    size_t w = 0;
    for (int i = 0; i < 200; i++)
        w += (size_t)snprintf(text + w, sizeof text - w, "X-Field-%d: v%d\r\n", i, i);
    w += (size_t)snprintf(text + w, sizeof text - w, "\r\nbody\r\n");
    envoi_message *m = parse_n(text, w);
    const envoi_part *root = envoi_message_root(m);
    for (int i = 0; i < 200; i++) {
        char name[32], want[32];
        snprintf(name, sizeof name, "x-field-%d", i);
        snprintf(want, sizeof want, "v%d", i);
        assert_string_equal(envoi_part_header(root, name), want);
        const char *n = NULL;
        assert_int_equal(envoi_part_header_at(root, (size_t)i, &n, NULL), 0);
        assert_string_equal(envoi_part_header_decoded(root, n), want);
    }
    envoi_message_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encoded_word_found_at_every_offset),
        cmocka_unit_test(equals_without_question_mark_is_plain_at_every_offset),
        cmocka_unit_test(eight_bit_byte_decoded_at_every_offset),
        cmocka_unit_test(nul_and_bare_cr_in_values_found_at_every_offset),
        cmocka_unit_test(long_field_names_read_whole),
        cmocka_unit_test(body_control_found_at_every_offset),
        cmocka_unit_test(repeated_field_names_give_the_first),
        cmocka_unit_test(names_looked_up_out_of_order),
        cmocka_unit_test(many_distinct_names_each_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
