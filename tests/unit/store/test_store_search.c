/* Full-text search in the mail store: subject, address and body words, FTS5
 * syntax, the literal mode for user text, newest first, limits. */
#include "store_helpers.h"

#include "envoi/store.h"

typedef struct fixture {
    scratch s;
    envoi_store *st;
    int64_t invoice, party, hostile, undated;
} fixture;

static int64_t add_message(envoi_store *st, const char *text)
{
    int64_t id = 0;
    assert_int_equal(envoi_store_add(st, NULL, NULL, text, strlen(text), &id, NULL), 0);
    return id;
}

static int setup(void **state)
{
    if (scratch_setup(state) < 0)
        return -1;
    fixture *f = calloc(1, sizeof *f);
    f->s = *(scratch *)*state;
    free(*state);
    *state = f;
    if (envoi_store_open(scratch_path(&f->s, "mail.db"), &f->st, NULL) < 0)
        return -1;
    f->invoice = add_message(f->st, "From: Alice Liddell <alice@example.org>\r\n"
                                    "To: accounts@example.com\r\n"
                                    "Subject: Invoice 2026-11 for the project\r\n"
                                    "Date: Mon, 02 Nov 2026 10:00:00 +0000\r\n"
                                    "Content-Type: text/plain; charset=utf-8\r\n"
                                    "Content-Transfer-Encoding: base64\r\n\r\n"
                                    /* "Please pay by Friday, merci beaucoup" */
                                    "UGxlYXNlIHBheSBieSBGcmlkYXksIG1lcmNpIGJlYXVjb3Vw\r\n");
    f->party = add_message(f->st, "From: Bob <bob@example.net>\r\n"
                                  "To: Alice <alice@example.org>\r\n"
                                  "Subject: =?UTF-8?Q?F=C3=AAte_on_Friday?=\r\n"
                                  "Date: Sat, 21 Nov 2026 18:00:00 +0000\r\n"
                                  "Content-Type: text/html\r\n\r\n"
                                  "<p>Bring <b>cake</b> and music</p>\r\n");
    f->hostile = add_message(f->st, "From: mallory@example.com\r\n"
                                    "Subject: odd words\r\n"
                                    "Date: Sun, 01 Nov 2026 08:00:00 +0000\r\n\r\n"
                                    "\"a\" OR NOT b* were typed here\r\n");
    f->undated = add_message(f->st, "From: zed@example.com\r\nSubject: no date, Friday\r\n\r\n"
                                    "nothing\r\n");
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    envoi_store_close(f->st);
    scratch *s = malloc(sizeof *s);
    *s = f->s;
    free(f);
    *state = s;
    return scratch_teardown(state);
}

typedef struct hits {
    size_t n;
    int64_t id[16];
    int stop_after;
} hits;

static int collect(void *ctx, const envoi_store_message *row)
{
    hits *h = ctx;
    assert_null(row->raw);
    assert_non_null(row->sha256);
    h->id[h->n++] = row->id;
    return h->stop_after && (int)h->n == h->stop_after ? 1 : 0;
}

static hits search(fixture *f, const char *query, unsigned options)
{
    hits h = {0};
    assert_int_equal(envoi_store_search(f->st, query, options, 0, collect, &h), 0);
    return h;
}

static void test_subject_words_are_found(void **state)
{
    fixture *f = *state;
    hits h = search(f, "invoice", 0);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.id[0], f->invoice);
    /* Decoded subject, case and accents folded. */
    h = search(f, "fete", 0);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.id[0], f->party);
}

static void test_address_words_are_found(void **state)
{
    fixture *f = *state;
    hits h = search(f, "alice@example.org", ENVOI_STORE_LITERAL);
    assert_int_equal(h.n, 2);
    h = search(f, "addresses:liddell", 0);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.id[0], f->invoice);
    h = search(f, "mallory", 0);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.id[0], f->hostile);
}

static void test_decoded_body_words_are_found(void **state)
{
    fixture *f = *state;
    hits h = search(f, "beaucoup", 0); /* inside base64 */
    assert_int_equal(h.n, 1);
    assert_int_equal(h.id[0], f->invoice);
    h = search(f, "cake", 0); /* HTML, tags dropped */
    assert_int_equal(h.n, 1);
    assert_int_equal(h.id[0], f->party);
    h = search(f, "body:invoice", 0);
    assert_int_equal(h.n, 0);
}

static void test_results_come_newest_first_undated_last(void **state)
{
    fixture *f = *state;
    hits h = search(f, "friday", 0);
    assert_int_equal(h.n, 3);
    assert_int_equal(h.id[0], f->party);
    assert_int_equal(h.id[1], f->invoice);
    assert_int_equal(h.id[2], f->undated);
}

static void test_limit_and_early_stop(void **state)
{
    fixture *f = *state;
    hits h = {0};
    assert_int_equal(envoi_store_search(f->st, "friday", 0, 2, collect, &h), 0);
    assert_int_equal(h.n, 2);
    hits g = {.stop_after = 1};
    assert_int_equal(envoi_store_search(f->st, "friday", 0, 0, collect, &g), 0);
    assert_int_equal(g.n, 1);
}

static void test_fts_syntax_is_honoured(void **state)
{
    fixture *f = *state;
    assert_int_equal(search(f, "cake OR invoice", 0).n, 2);
    assert_int_equal(search(f, "friday NOT cake", 0).n, 2);
    assert_int_equal(search(f, "invo*", 0).n, 1);
    assert_int_equal(search(f, "\"bring cake\"", 0).n, 1);
}

static void test_bad_fts_syntax_is_an_invalid_argument(void **state)
{
    fixture *f = *state;
    hits h = {0};
    assert_int_equal(envoi_store_search(f->st, "\"unbalanced", 0, 0, collect, &h), ENVOI_EINVAL);
    assert_true(strlen(envoi_store_error(f->st)->text) > 0);
    assert_int_equal(envoi_store_search(f->st, "alice@example.org", 0, 0, collect, &h),
                     ENVOI_EINVAL);
    /* The store is still usable. */
    assert_int_equal(search(f, "cake", 0).n, 1);
}

static void test_literal_mode_quotes_hostile_input(void **state)
{
    fixture *f = *state;
    hits h = search(f, "\"a\" OR NOT b*", ENVOI_STORE_LITERAL);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.id[0], f->hostile);
    assert_int_equal(search(f, "NOT", ENVOI_STORE_LITERAL).n, 1);
    assert_int_equal(search(f, "invo*", ENVOI_STORE_LITERAL).n, 0);
    assert_int_equal(search(f, "\"\"\" ) ( : ^ -- ' ;", ENVOI_STORE_LITERAL).n, 0);
    assert_int_equal(search(f, "subject:invoice", ENVOI_STORE_LITERAL).n, 0);
    assert_int_equal(search(f, "   ", ENVOI_STORE_LITERAL).n, 0);
    assert_int_equal(search(f, "", 0).n, 0);
}

static void test_deleted_messages_leave_the_index(void **state)
{
    fixture *f = *state;
    assert_int_equal(envoi_store_delete(f->st, f->party), 0);
    assert_int_equal(search(f, "cake", 0).n, 0);
    assert_int_equal(search(f, "friday", 0).n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_subject_words_are_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_address_words_are_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decoded_body_words_are_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results_come_newest_first_undated_last, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_limit_and_early_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fts_syntax_is_honoured, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_fts_syntax_is_an_invalid_argument, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_literal_mode_quotes_hostile_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_messages_leave_the_index, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
