/* The mail store's database: schema created and versioned on open, reopened
 * as is, and clear errors for paths and files it cannot use. */
#include "store_helpers.h"

#include <sqlite3.h>

#include "envoi/store.h"

static const char simple[] = "From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n";

static int pragma_int(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void test_open_creates_versioned_schema_and_reopens(void **state)
{
    scratch *s = *state;
    char path[512];
    snprintf(path, sizeof path, "%s", scratch_path(s, "mail.db"));
    envoi_store *st;
    envoi_error err;
    assert_int_equal(envoi_store_open(path, &st, &err), 0);
    uint64_t n = 99;
    assert_int_equal(envoi_store_count(st, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(envoi_store_add(st, "acct", "u1", simple, sizeof simple - 1, NULL, NULL), 0);
    envoi_store_close(st);

    assert_int_equal(pragma_int(path, "PRAGMA user_version"), 1);
    assert_int_equal(pragma_int(path, "SELECT count(*) FROM sqlite_schema WHERE name IN"
                                      " ('messages', 'attachments', 'messages_fts')"),
                     3);

    assert_int_equal(envoi_store_open(path, &st, &err), 0);
    assert_int_equal(envoi_store_count(st, &n), 0);
    assert_int_equal(n, 1);
    bool found = false;
    assert_int_equal(envoi_store_has_uidl(st, "acct", "u1", &found), 0);
    assert_true(found);
    envoi_store_close(st);
}

static void test_open_uses_wal_journal(void **state)
{
    scratch *s = *state;
    envoi_store *st;
    assert_int_equal(envoi_store_open(scratch_path(s, "wal.db"), &st, NULL), 0);
    envoi_store_close(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(scratch_path(s, "wal.db"), &db), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void test_open_in_missing_directory_fails_naming_path(void **state)
{
    scratch *s = *state;
    envoi_store *st = (envoi_store *)1;
    envoi_error err;
    const char *path = scratch_path(s, "no/such/dir/mail.db");
    assert_int_equal(envoi_store_open(path, &st, &err), ENVOI_EFILE);
    assert_null(st);
    assert_int_equal(err.code, ENVOI_EFILE);
    assert_non_null(strstr(err.text, "no/such/dir/mail.db"));
}

static void test_open_unwritable_path_fails(void **state)
{
    (void)state;
    envoi_store *st;
    envoi_error err;
    /* A directory given as the database file. */
    assert_int_equal(envoi_store_open("/", &st, &err), ENVOI_EFILE);
    assert_null(st);
    assert_true(strlen(err.text) > 0);
}

static void test_open_corrupt_file_fails_with_sqlite_message(void **state)
{
    scratch *s = *state;
    char junk[8192];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)('a' + i % 26);
    write_whole(scratch_path(s, "junk.db"), junk, sizeof junk);
    envoi_store *st;
    envoi_error err;
    assert_int_equal(envoi_store_open(scratch_path(s, "junk.db"), &st, &err), ENVOI_EFILE);
    assert_null(st);
    assert_non_null(strstr(err.text, "not a database"));
    assert_non_null(strstr(err.text, "junk.db"));
}

static void test_open_foreign_database_is_refused(void **state)
{
    scratch *s = *state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(scratch_path(s, "other.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    envoi_store *st;
    envoi_error err;
    assert_int_equal(envoi_store_open(scratch_path(s, "other.db"), &st, &err), ENVOI_EFILE);
    assert_non_null(strstr(err.text, "not an envoi mail store"));
}

static void test_open_newer_schema_is_refused(void **state)
{
    scratch *s = *state;
    envoi_store *st;
    assert_int_equal(envoi_store_open(scratch_path(s, "new.db"), &st, NULL), 0);
    envoi_store_close(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(scratch_path(s, "new.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    envoi_error err;
    assert_int_equal(envoi_store_open(scratch_path(s, "new.db"), &st, &err), ENVOI_EUNSUPPORTED);
    assert_non_null(strstr(err.text, "version 7"));
}

static void test_two_handles_share_one_database(void **state)
{
    scratch *s = *state;
    char path[512];
    snprintf(path, sizeof path, "%s", scratch_path(s, "shared.db"));
    envoi_store *a, *b;
    assert_int_equal(envoi_store_open(path, &a, NULL), 0);
    assert_int_equal(envoi_store_open(path, &b, NULL), 0);
    assert_int_equal(envoi_store_add(a, NULL, "x", simple, sizeof simple - 1, NULL, NULL), 0);
    bool found = false;
    assert_int_equal(envoi_store_has_uidl(b, NULL, "x", &found), 0);
    assert_true(found);
    envoi_store_close(a);
    envoi_store_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_creates_versioned_schema_and_reopens,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_open_uses_wal_journal, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_open_in_missing_directory_fails_naming_path,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_open_unwritable_path_fails, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_open_corrupt_file_fails_with_sqlite_message,
                                        scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_open_foreign_database_is_refused, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_open_newer_schema_is_refused, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_two_handles_share_one_database, scratch_setup,
                                        scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
