/* Header folding at 78 columns (never over 998) and RFC 2047 encoded-words:
 * round trip through a small decoder, word length, whole characters, B or Q. */
#include "unit/mime/helpers.h"

#include "util/base64.h"
#include "util/buf.h"
#include "util/utf8.h"

/* Decode one encoded-word (without checking more than the test needs). */
static void decode_word(const char *w, size_t len, envoi_buf *out)
{
    assert_true(len <= 75);
    assert_true(strncasecmp(w, "=?utf-8?", 8) == 0);
    char enc = (char)(w[8] | 0x20);
    const char *text = w + 10;
    size_t tlen = len - 12;
    assert_memory_equal(w + len - 2, "?=", 2);
    envoi_buf raw = ENVOI_BUF_INIT;
    if (enc == 'b') {
        assert_int_equal(envoi_base64_decode(text, tlen, &raw), 0);
    } else {
        assert_int_equal(enc, 'q');
        for (size_t i = 0; i < tlen; i++) {
            if (text[i] == '_') {
                envoi_buf_append_char(&raw, ' ');
            } else if (text[i] == '=') {
                char hex[3] = {text[i + 1], text[i + 2], 0};
                envoi_buf_append_char(&raw, (char)strtol(hex, NULL, 16));
                i += 2;
            } else {
                envoi_buf_append_char(&raw, text[i]);
            }
        }
    }
    /* Never a character split across two words. */
    assert_true(envoi_utf8_valid(raw.data ? raw.data : "", raw.len));
    envoi_buf_append(out, raw.data ? raw.data : "", raw.len);
    envoi_buf_free(&raw);
}

static bool is_encoded_word(const char *w, size_t len)
{
    return len > 12 && strncmp(w, "=?", 2) == 0 && strncmp(w + len - 2, "?=", 2) == 0;
}

/* Decode an unfolded unstructured value: whitespace between two encoded-words is dropped. */
static char *decode_2047(const char *v)
{
    envoi_buf out = ENVOI_BUF_INIT;
    size_t i = 0, len = strlen(v);
    bool prev_encoded = false;
    while (i < len) {
        size_t ws = i;
        while (i < len && (v[i] == ' ' || v[i] == '\t'))
            i++;
        size_t w = i;
        while (i < len && v[i] != ' ' && v[i] != '\t')
            i++;
        bool enc = is_encoded_word(v + w, i - w);
        if (!(enc && prev_encoded))
            envoi_buf_append(&out, v + ws, w - ws);
        if (enc)
            decode_word(v + w, i - w, &out);
        else
            envoi_buf_append(&out, v + w, i - w);
        prev_encoded = enc;
    }
    envoi_buf_reserve(&out, 0);
    return envoi_buf_steal(&out, NULL);
}

static char *compose_subject(const char *subject, size_t *len)
{
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "a@example.org"), 0);
    assert_int_equal(envoi_message_set_subject(m, subject), 0);
    char *s = compose(m, len);
    envoi_message_free(m);
    return s;
}

/* Header block lines are at most 78 octets. */
static void assert_header_lines_within(const char *s, size_t max)
{
    char *block = header_block(s);
    check_lines(block, strlen(block), max);
    free(block);
}

static void check_subject_round_trip(const char *subject)
{
    size_t len;
    char *s = compose_subject(subject, &len);
    check_lines(s, len, 998);
    assert_header_lines_within(s, 78);
    char *v = header_value(s, "Subject");
    char *back = decode_2047(v);
    assert_string_equal(back, subject);
    free(back);
    free(v);
    free(s);
}

static void long_ascii_subject_folds_at_spaces_within_78(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    while (b.len < 2000)
        envoi_buf_append_str(&b, b.len ? " lorem ipsum" : "Start");
    check_subject_round_trip(b.data);
    size_t len;
    char *s = compose_subject(b.data, &len);
    char *v = header_value(s, "Subject");
    assert_string_equal(v, b.data); /* plain words, no encoding */
    free(v);
    free(s);
    envoi_buf_free(&b);
}

static void subject_of_one_2000_character_word_still_folds(void **state)
{
    (void)state;
    char word[2001];
    for (int i = 0; i < 2000; i++)
        word[i] = (char)('a' + i % 26);
    word[2000] = '\0';
    check_subject_round_trip(word);
}

static void non_ascii_subjects_round_trip_with_whole_characters(void **state)
{
    (void)state;
    check_subject_round_trip("Grüße aus Köln");
    check_subject_round_trip(
        "日本語のテキストがとても長い件名になりますように日本語のテキストがとて"
        "も長い件名になりますように日本語のテキスト");
    /* clang-format is not stable on literals of wide emoji */
    // clang-format off
    check_subject_round_trip("emoji "
                             "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰"
                             "😘😗😙😚😋😛😝😜🤪🤨🧐🤓😎🥸🤩"
                             "🥳 "
                             "end");
    // clang-format on
    check_subject_round_trip("mixed ascii words and ünïcödé words, then =?utf-8?q?fake?= text");
    check_subject_round_trip("spacing  kept\tas   given");
    check_subject_round_trip("control\x01 character");
}

static void encoding_is_q_for_mostly_ascii_and_b_for_mostly_not(void **state)
{
    (void)state;
    size_t len;
    char *s = compose_subject("Verantwortungsübernahme", &len);
    char *v = header_value(s, "Subject");
    assert_string_equal(v, "=?utf-8?q?Verantwortungs=C3=BCbernahme?=");
    free(v);
    free(s);
    s = compose_subject("日本語", &len);
    v = header_value(s, "Subject");
    assert_string_equal(v, "=?utf-8?b?5pel5pys6Kqe?=");
    free(v);
    free(s);
}

static void display_names_are_quoted_or_encoded(void **state)
{
    (void)state;
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "\"Doe, John Q.\" <j@example.org>"), 0);
    assert_int_equal(envoi_message_add_to(m, "Plain Name <p@example.org>"), 0);
    assert_int_equal(envoi_message_add_to(m, "\"Say \\\"hi\\\"\" <s@example.org>"), 0);
    assert_int_equal(envoi_message_add_cc(m, "Zoë <z@example.org>"), 0);
    char *s = compose(m, NULL), *v;
    assert_string_equal(v = header_value(s, "From"), "\"Doe, John Q.\" <j@example.org>");
    free(v);
    assert_string_equal(v = header_value(s, "To"),
                        "Plain Name <p@example.org>, \"Say \\\"hi\\\"\" <s@example.org>");
    free(v);
    assert_string_equal(v = header_value(s, "Cc"), "=?utf-8?q?Zo=C3=AB?= <z@example.org>");
    free(v);
    free(s);
    envoi_message_free(m);
}

static void address_lists_fold_between_addresses(void **state)
{
    (void)state;
    envoi_message *m = envoi_message_new();
    char mb[96];
    for (int i = 0; i < 40; i++) {
        snprintf(mb, sizeof mb, "Person %d <person.%d@example.org>", i, i);
        assert_int_equal(envoi_message_add_to(m, mb), 0);
    }
    size_t len;
    char *s = compose(m, &len);
    assert_header_lines_within(s, 78);
    char *block = header_block(s);
    /* Every address sits whole on one line. */
    for (char *p = strchr(block, '<'); p; p = strchr(p + 1, '<')) {
        char *gt = strchr(p, '>'), *eol = strstr(p, "\r\n");
        assert_true(gt < eol);
    }
    free(block);
    char *v = header_value(s, "To");
    assert_non_null(strstr(v, "Person 0 <person.0@example.org>, Person 1 <person.1@example.org>"));
    assert_int_equal(count_str(v, "@example.org>"), 40);
    free(v);
    free(s);
    envoi_message_free(m);
}

static void no_line_ever_exceeds_998_octets(void **state)
{
    (void)state;
    envoi_message *m = envoi_message_new();
    char big[1500];
    memset(big, 'v', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char name[77];
    memset(name, 'N', 76);
    name[76] = '\0';
    assert_int_equal(envoi_message_add_header(m, name, big), 0);
    assert_int_equal(envoi_message_add_header(m, "X-Long", big), 0);
    char local[65], addr[512];
    memset(local, 'l', 64);
    local[64] = '\0';
    snprintf(addr, sizeof addr, "%s <%s@example.org>", big + 1400, local);
    assert_int_equal(envoi_message_add_to(m, addr), 0);
    envoi_buf text = ENVOI_BUF_INIT;
    for (int i = 0; i < 3000; i++)
        envoi_buf_append_char(&text, 'x');
    assert_int_equal(envoi_message_set_text(m, text.data, text.len), 0);
    assert_int_equal(envoi_message_attach_data(m, text.data, text.len, big + 1300, "text/plain"),
                     0);
    size_t len;
    char *s = compose(m, &len);
    check_lines(s, len, 998);
    char *v = header_value(s, "X-Long");
    char *back = decode_2047(v);
    assert_string_equal(back, big);
    free(back);
    free(v);
    free(s);
    envoi_buf_free(&text);
    envoi_message_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_ascii_subject_folds_at_spaces_within_78),
        cmocka_unit_test(subject_of_one_2000_character_word_still_folds),
        cmocka_unit_test(non_ascii_subjects_round_trip_with_whole_characters),
        cmocka_unit_test(encoding_is_q_for_mostly_ascii_and_b_for_mostly_not),
        cmocka_unit_test(display_names_are_quoted_or_encoded),
        cmocka_unit_test(address_lists_fold_between_addresses),
        cmocka_unit_test(no_line_ever_exceeds_998_octets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
