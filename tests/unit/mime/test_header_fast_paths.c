/* Header fields read in one pass: names and values split once, values that
 * decode to themselves used as they are, the common Content-Type form read
 * without the full parameter parser, with the results the full readers give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/parse.h"
#include "mime/decode.h"
#include "mime/defect.h"

static envoi_message *parse_msg(const char *text)
{
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(text, strlen(text), &m), 0);
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

static void plain_value_is_its_own_decoded_form(void **state)
{
    (void)state;
    envoi_message *m = parse_msg("Subject: a plain subject, longer than a word\r\n"
                                 "X-Tab: a\tb = c\r\n\r\nbody\r\n");
    const envoi_part *root = envoi_message_root(m);
    const char *raw = envoi_part_header(root, "subject");
    assert_string_equal(raw, "a plain subject, longer than a word");
    assert_ptr_equal(envoi_part_header_decoded(root, "Subject"), raw);
    assert_string_equal(envoi_part_header_decoded(root, "x-tab"), "a\tb = c");
    envoi_message_free(m);
}

static void encoded_word_past_the_first_eight_bytes_is_decoded(void **state)
{
    (void)state;
    envoi_message *m = parse_msg("Subject: 12345678 =?utf-8?q?caf=C3=A9?=\r\n\r\n");
    const envoi_part *root = envoi_message_root(m);
    assert_string_equal(envoi_part_header_decoded(root, "Subject"), "12345678 caf\xc3\xa9");
    envoi_message_free(m);
}

static void eight_bit_and_controls_take_the_decoder(void **state)
{
    (void)state;
    envoi_message *m = parse_msg("Subject: abcdefgh caf\xe9\r\n"
                                 "X-Del: abcdefgh\x7fz\r\n\r\n");
    const envoi_part *root = envoi_message_root(m);
    assert_string_equal(envoi_part_header_decoded(root, "Subject"), "abcdefgh caf\xc3\xa9");
    assert_ptr_not_equal(envoi_part_header_decoded(root, "X-Del"),
                         envoi_part_header(root, "X-Del"));
    envoi_message_free(m);
}

static void nul_and_bare_cr_in_values_are_defects(void **state)
{
    (void)state;
    static const char text[] = "X-Nul: abcdefgh\0ij\r\nX-Cr: abcdefgh\rij\r\n\r\n";
    envoi_message *m = NULL;
    assert_int_equal(envoi_message_parse(text, sizeof text - 1, &m), 0);
    const envoi_part *root = envoi_message_root(m);
    assert_string_equal(envoi_part_header(root, "X-Nul"), "abcdefgh ij");
    assert_true(has_defect(m, "nul-byte"));
    assert_true(has_defect(m, "bare-cr"));
    envoi_message_free(m);
}

static void folded_and_single_line_fields_unfold_alike(void **state)
{
    (void)state;
    envoi_message *m = parse_msg("To:   a@example.com  \r\n"
                                 "Cc: b@example.com,\r\n\tc@example.com\r\n"
                                 "Name-With-Space  : v\r\n\r\n");
    const envoi_part *root = envoi_message_root(m);
    assert_string_equal(envoi_part_header(root, "to"), "a@example.com");
    assert_string_equal(envoi_part_header(root, "CC"), "b@example.com,\tc@example.com");
    assert_string_equal(envoi_part_header(root, "name-with-space"), "v");
    assert_int_equal(envoi_part_header_count(root), 3);
    envoi_message_free(m);
}

static void repeated_name_finds_the_first_field(void **state)
{
    (void)state;
    envoi_message *m = parse_msg("Received: one\r\nX: y\r\nreceived: two\r\n\r\n");
    const envoi_part *root = envoi_message_root(m);
    const char *name = NULL, *value = NULL;
    assert_int_equal(envoi_part_header_at(root, 2, &name, &value), 0);
    assert_string_equal(value, "two");
    assert_string_equal(envoi_part_header_decoded(root, name), "one");
    envoi_message_free(m);
}

static mime_params p;
static unsigned defects;

static void params(const char *s)
{
    mime_params_free(&p);
    defects = 0;
    assert_int_equal(mime_params_parse(s, strlen(s), &p, &defects), 0);
}

static void simple_content_type_reads_in_order(void **state)
{
    (void)state;
    params("Text/Plain; Charset=\"UTF-8\" ; format=flowed;");
    assert_string_equal(p.value, "text/plain");
    assert_int_equal(p.len, 2);
    assert_string_equal(p.items[0].name, "charset");
    assert_string_equal(p.items[0].value, "UTF-8");
    assert_string_equal(p.items[1].name, "format");
    assert_string_equal(p.items[1].value, "flowed");
    assert_int_equal(defects, 0);
    params("multipart/mixed; boundary=\"----=_Part_1 x\"");
    assert_string_equal(mime_params_get(&p, "boundary"), "----=_Part_1 x");
    mime_params_free(&p);
}

static void other_forms_still_read_fully(void **state)
{
    (void)state;
    params("text/plain; charset=a; charset=b");
    assert_string_equal(mime_params_get(&p, "charset"), "a");
    assert_true(defects & MIME_DEFECT_BAD_PARAM);
    params("application/pdf; name=\"=?utf-8?q?caf=C3=A9?=.pdf\"");
    assert_string_equal(mime_params_get(&p, "name"), "caf\xc3\xa9.pdf");
    params("multipart/mixed; boundary=----=_Part_2");
    assert_string_equal(mime_params_get(&p, "boundary"), "----=_Part_2");
    params("attachment; filename*=utf-8''caf%C3%A9.txt");
    assert_string_equal(mime_params_get(&p, "filename"), "caf\xc3\xa9.txt");
    params("text/plain; (comment) charset=x");
    assert_string_equal(mime_params_get(&p, "charset"), "x");
    mime_params_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_value_is_its_own_decoded_form),
        cmocka_unit_test(encoded_word_past_the_first_eight_bytes_is_decoded),
        cmocka_unit_test(eight_bit_and_controls_take_the_decoder),
        cmocka_unit_test(nul_and_bare_cr_in_values_are_defects),
        cmocka_unit_test(folded_and_single_line_fields_unfold_alike),
        cmocka_unit_test(repeated_name_finds_the_first_field),
        cmocka_unit_test(simple_content_type_reads_in_order),
        cmocka_unit_test(other_forms_still_read_fully),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
