/* Leases given back by owner name, as restarted workers do after a crash:
 * only that owner's, due again at once, with no attempt counted. */
#include "test_queue_helpers.h"

#define MINUTE_MS 60000

static void drop(spool_lease *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spool_lease_free(&l[i]);
    free(l);
}

static size_t lease_n(qfix *f, const char *owner, size_t max)
{
    spool_lease *l = NULL;
    size_t n = 0;
    envoi_error err;
    assert_int_equal(spool_queue_lease(f->q, owner, max, MINUTE_MS, &l, &n, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(l[i].attempts, 0);
    drop(l, n);
    return n;
}

static void test_release_owner_gives_back_only_that_owners_leases(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    for (int i = 0; i < 3; i++)
        qsubmit_one(f->q, id);
    assert_int_equal(lease_n(f, "envoid-1", 2), 2);
    assert_int_equal(lease_n(f, "envoid-2", 5), 1);
    assert_int_equal(lease_n(f, "envoid-3", 5), 0);

    size_t count = 99;
    envoi_error err;
    assert_int_equal(spool_queue_release_owner(f->q, "envoid-1", &count, &err), 0);
    assert_int_equal(count, 2);
    assert_int_equal(spool_queue_next_due_ms(f->q), 0);
    /* Due at once, untried; the other owner's lease is still held. */
    assert_int_equal(lease_n(f, "envoid-3", 5), 2);

    spool_counts c;
    assert_int_equal(spool_queue_counts(f->q, &c, &err), 0);
    assert_int_equal(c.pending, 3);
}

static void test_release_owner_with_nothing_held(void **state)
{
    qfix *f = *state;
    char id[SPOOL_ID_SIZE];
    qsubmit_one(f->q, id);
    size_t count = 99;
    envoi_error err;
    assert_int_equal(spool_queue_release_owner(f->q, "nobody", &count, &err), 0);
    assert_int_equal(count, 0);
    assert_int_equal(spool_queue_release_owner(f->q, "nobody", NULL, &err), 0);
    assert_int_equal(spool_queue_release_owner(f->q, "", &count, &err), ENVOI_EINVAL);
    spool_info info;
    assert_int_equal(spool_queue_info(f->q, id, &info, &err), 0);
    assert_int_equal(info.attempts, 0);
    spool_info_free(&info);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, qfix_setup, qfix_teardown)
    const struct CMUnitTest tests[] = {
        T(test_release_owner_gives_back_only_that_owners_leases),
        T(test_release_owner_with_nothing_held),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
