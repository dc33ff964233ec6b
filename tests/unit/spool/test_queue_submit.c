/* The spool queue's submission: what is stored and read back, what is
 * refused before queuing, the paused spooler, a second handle on the same
 * queue, the file and its pragmas. */
#include "test_queue_helpers.h"

#include <ctype.h>

static void test_submit_then_info_round_trip(void **state)
{
    qfix *f = *state;
    static const char src[] = "From: a@example.org\r\n"
                              "Subject: =?utf-8?q?caf=C3=A9?=\r\n"
                              " and more\r\n"
                              "\r\n"
                              "body\r\n";
    const char *rcpts[] = {"b@example.net", "c@example.com"};
    spool_submission m = {.from = "a@example.org",
                          .recipients = rcpts,
                          .recipient_count = 2,
                          .source = src,
                          .source_len = sizeof src - 1,
                          .relay = "work"};
    char id[SPOOL_ID_SIZE];
    envoi_error err;
    assert_int_equal(spool_queue_submit(f->q, &m, id, &err), 0);

    spool_info info;
    assert_int_equal(spool_queue_info(f->q, id, &info, &err), 0);
    assert_string_equal(info.id, id);
    assert_int_equal(info.status, SPOOL_PENDING);
    assert_string_equal(info.from, "a@example.org");
    assert_string_equal(info.subject, "caf\xc3\xa9 and more");
    assert_int_equal(info.size, sizeof src - 1);
    assert_int_equal(info.attempts, 0);
    assert_true(info.submitted_ms > 0);
    assert_true(info.next_try_ms >= info.submitted_ms);
    assert_int_equal(info.done_ms, 0);
    assert_string_equal(info.reason, "");
    assert_int_equal(info.recipient_count, 2);
    assert_string_equal(info.recipients[0].address, "b@example.net");
    assert_string_equal(info.recipients[1].address, "c@example.com");
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_DEFERRED);
    spool_info_free(&info);

    void *source;
    size_t len;
    assert_int_equal(spool_queue_source(f->q, id, &source, &len, &err), 0);
    assert_int_equal(len, sizeof src - 1);
    assert_memory_equal(source, src, len);
    free(source);
}

static void test_ids_are_lowercase_base32_distinct_and_sortable(void **state)
{
    qfix *f = *state;
    char a[SPOOL_ID_SIZE], b[SPOOL_ID_SIZE];
    qsubmit_one(f->q, a);
    usleep(2000);
    qsubmit_one(f->q, b);
    assert_int_equal(strlen(a), 22);
    for (const char *p = a; *p; p++)
        assert_true(isdigit((unsigned char)*p) || (*p >= 'a' && *p <= 'z'));
    assert_string_not_equal(a, b);
    assert_true(strcmp(a, b) < 0);
}

static void test_unknown_id_is_not_found(void **state)
{
    qfix *f = *state;
    spool_info info;
    envoi_error err;
    assert_int_equal(spool_queue_info(f->q, "nosuchid", &info, &err), ENVOI_ENOTFOUND);
    assert_non_null(strstr(err.text, "nosuchid"));
    void *src;
    size_t len;
    assert_int_equal(spool_queue_source(f->q, "nosuchid", &src, &len, &err), ENVOI_ENOTFOUND);
    spool_attempt *a;
    size_t n;
    assert_int_equal(spool_queue_history(f->q, "nosuchid", &a, &n, &err), ENVOI_ENOTFOUND);
}

static int submit_with(qfix *f, const char *from, const char *const *rcpts, size_t n,
                       envoi_error *err)
{
    spool_submission m = {.from = from,
                          .recipients = rcpts,
                          .recipient_count = n,
                          .source = qmsg_source,
                          .source_len = sizeof qmsg_source - 1};
    char id[SPOOL_ID_SIZE] = "x";
    int rc = spool_queue_submit(f->q, &m, id, err);
    if (rc < 0)
        assert_string_equal(id, "");
    return rc;
}

static void test_submission_without_recipient_is_refused(void **state)
{
    qfix *f = *state;
    envoi_error err;
    assert_int_equal(submit_with(f, "a@example.org", NULL, 0, &err), ENVOI_EINVAL);
    assert_non_null(strstr(err.text, "no recipient"));
}

static void test_line_breaks_in_addresses_are_refused(void **state)
{
    qfix *f = *state;
    envoi_error err;
    const char *ok[] = {"b@example.net"};
    const char *bad[] = {"b@example.net", "c@example.net\r\nRCPT TO:<x@evil>"};
    const char *lf[] = {"b@example.net\n"};
    const char *empty[] = {""};
    assert_int_equal(submit_with(f, "a@example.org\r\nDATA", ok, 1, &err), ENVOI_EHEADER);
    assert_non_null(strstr(err.text, "sender"));
    assert_int_equal(submit_with(f, "a@example.org", bad, 2, &err), ENVOI_EHEADER);
    assert_non_null(strstr(err.text, "recipient 2"));
    assert_int_equal(submit_with(f, "a@example.org", lf, 1, &err), ENVOI_EHEADER);
    assert_int_equal(submit_with(f, "a@example.org", empty, 1, &err), ENVOI_EADDRESS);
    spool_counts c;
    assert_int_equal(spool_queue_counts(f->q, &c, &err), 0);
    assert_int_equal(c.pending, 0);
}

static void test_oversize_message_is_refused_naming_limit(void **state)
{
    qfix *f = *state;
    f->policy.max_message = 16;
    qfix_reopen(f);
    envoi_error err;
    const char *ok[] = {"b@example.net"};
    assert_int_equal(submit_with(f, "a@example.org", ok, 1, &err), ENVOI_ETOOBIG);
    assert_non_null(strstr(err.text, "limit of 16 bytes"));
}

static void test_paused_spooler_refuses_and_resumes(void **state)
{
    qfix *f = *state;
    envoi_error err;
    const char *ok[] = {"b@example.net"};
    assert_int_equal(spool_queue_set_paused(f->q, true, &err), 0);
    assert_int_equal(submit_with(f, "a@example.org", ok, 1, &err), ENVOI_ESTATE);
    assert_non_null(strstr(err.text, "the spooler is paused"));

    /* Kept in the database: still paused after reopening. */
    qfix_reopen(f);
    spool_counts c;
    assert_int_equal(spool_queue_counts(f->q, &c, &err), 0);
    assert_true(c.paused);
    assert_int_equal(c.pending, 0);
    assert_int_equal(submit_with(f, "a@example.org", ok, 1, &err), ENVOI_ESTATE);

    assert_int_equal(spool_queue_set_paused(f->q, false, &err), 0);
    assert_int_equal(submit_with(f, "a@example.org", ok, 1, &err), 0);
    assert_int_equal(spool_queue_counts(f->q, &c, &err), 0);
    assert_false(c.paused);
    assert_int_equal(c.pending, 1);
}

static void test_pause_by_another_handle_is_seen(void **state)
{
    qfix *f = *state;
    spool_queue *other;
    envoi_error err;
    const char *ok[] = {"b@example.net"};
    assert_int_equal(spool_queue_open(&other, f->spool, &f->policy, &err), 0);
    assert_int_equal(spool_queue_set_paused(other, true, &err), 0);
    assert_int_equal(submit_with(f, "a@example.org", ok, 1, &err), ENVOI_ESTATE);
    spool_queue_close(other);
}

static void test_second_handle_sees_first_handles_commits(void **state)
{
    qfix *f = *state;
    spool_queue *other;
    envoi_error err;
    assert_int_equal(spool_queue_open(&other, f->spool, &f->policy, &err), 0);
    char id[SPOOL_ID_SIZE], id2[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    spool_info info;
    assert_int_equal(spool_queue_info(other, id, &info, &err), 0);
    assert_string_equal(info.id, id);
    spool_info_free(&info);
    qsubmit_one(other, id2);
    assert_int_equal(spool_queue_info(f->q, id2, &info, &err), 0);
    spool_info_free(&info);
    spool_counts c;
    assert_int_equal(spool_queue_counts(other, &c, &err), 0);
    assert_int_equal(c.pending, 2);
    spool_queue_close(other);
}

static void test_open_creates_private_dir_wal_and_versioned_schema(void **state)
{
    qfix *f = *state;
    struct stat sb;
    assert_int_equal(stat(f->spool, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    char path[256];
    snprintf(path, sizeof path, "%s/queue.db", f->spool);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(qsql_int(f->spool, "SELECT value FROM meta WHERE key = 'schema_version'"), 2);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM sqlite_schema WHERE name IN"
                                        " ('messages', 'recipients', 'attempts', 'meta',"
                                        " 'messages_due')"),
                     5);
}

static void test_foreign_database_is_refused(void **state)
{
    qfix *f = *state;
    char dir[160], path[200];
    snprintf(dir, sizeof dir, "%s/other", f->dir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/queue.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    spool_queue *q = (spool_queue *)1;
    envoi_error err;
    assert_int_equal(spool_queue_open(&q, dir, NULL, &err), ENVOI_EFILE);
    assert_null(q);
    assert_non_null(strstr(err.text, "not an envoi spool queue"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_submit_then_info_round_trip, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_ids_are_lowercase_base32_distinct_and_sortable,
                                        qfix_setup, qfix_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_id_is_not_found, qfix_setup, qfix_teardown),
        cmocka_unit_test_setup_teardown(test_submission_without_recipient_is_refused, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_line_breaks_in_addresses_are_refused, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_oversize_message_is_refused_naming_limit, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_paused_spooler_refuses_and_resumes, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_pause_by_another_handle_is_seen, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_second_handle_sees_first_handles_commits, qfix_setup,
                                        qfix_teardown),
        cmocka_unit_test_setup_teardown(test_open_creates_private_dir_wal_and_versioned_schema,
                                        qfix_setup, qfix_teardown),
        cmocka_unit_test_setup_teardown(test_foreign_database_is_refused, qfix_setup,
                                        qfix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
