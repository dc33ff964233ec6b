/* A queue written by an earlier envoi (schema version 1, the sources in the
 * messages' rows) is migrated when opened: version 2, every source moved to
 * the sources table byte for byte, the pending mail still leased and
 * delivered from it. */
#include "test_queue_helpers.h"

static void exec_sql(const char *spool, const char *sql)
{
    char path[256];
    snprintf(path, sizeof path, "%s/queue.db", spool);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s\n", msg ? msg : "?");
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_close(db);
}

/* Turn the fixture's queue back into a version 1 queue. */
static void make_version_1(qfix *f)
{
    spool_queue_close(f->q);
    f->q = NULL;
    exec_sql(f->spool, "ALTER TABLE messages ADD COLUMN source BLOB;"
                       "UPDATE messages SET source ="
                       " (SELECT source FROM sources WHERE message = messages.id);"
                       "DROP TABLE sources;"
                       "UPDATE meta SET value = 1 WHERE key = 'schema_version';");
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM sqlite_schema"
                                        " WHERE name = 'sources'"),
                     0);
}

static void test_version_1_queue_is_migrated(void **state)
{
    qfix *f = *state;
    char ids[3][SPOOL_ID_SIZE];
    for (int i = 0; i < 3; i++)
        qsubmit_one(f->q, ids[i]);
    make_version_1(f);
    qfix_reopen(f);
    assert_int_equal(qsql_int(f->spool, "SELECT value FROM meta WHERE key = 'schema_version'"), 2);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM sources"), 3);
    assert_int_equal(qsql_int(f->spool, "SELECT count(*) FROM pragma_table_info('messages')"
                                        " WHERE name = 'source'"),
                     0);
    /* Each source came across byte for byte, and leasing still finds it. */
    for (int i = 0; i < 3; i++) {
        void *src = NULL;
        size_t len = 0;
        envoi_error err;
        assert_int_equal(spool_queue_source(f->q, ids[i], &src, &len, &err), 0);
        assert_int_equal(len, sizeof qmsg_source - 1);
        assert_memory_equal(src, qmsg_source, len);
        free(src);
    }
    spool_lease *leases = NULL;
    size_t count = 0;
    envoi_error err;
    assert_int_equal(spool_queue_lease(f->q, "w", 10, 60000, &leases, &count, &err), 0);
    assert_int_equal(count, 3);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(leases[i].source_len, sizeof qmsg_source - 1);
        assert_memory_equal(leases[i].source, qmsg_source, leases[i].source_len);
        spool_lease_free(&leases[i]);
    }
    free(leases);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_version_1_queue_is_migrated, qfix_setup,
                                        qfix_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
