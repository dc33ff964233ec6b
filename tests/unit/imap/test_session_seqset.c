/* UID sets for batched commands: UIDs sorted and deduplicated, written as
 * compact sequence sets cut into batches of a bounded number of UIDs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "imap/session.h"

static void uids_are_sorted_and_deduplicated_and_zero_dropped(void **state)
{
    (void)state;
    const uint32_t in[] = {9, 3, 0, 3, 4294967295u, 1};
    uint32_t *out;
    size_t n;
    assert_int_equal(imap_uid_sort(in, 6, &out, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(out[0], 1);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 9);
    assert_int_equal(out[3], 4294967295u);
    free(out);
    assert_int_equal(imap_uid_sort(NULL, 0, &out, &n), 0);
    assert_int_equal(n, 0);
    free(out);
}

static void runs_become_ranges(void **state)
{
    (void)state;
    const uint32_t uids[] = {1, 2, 3, 5, 7, 8, 10};
    envoi_buf b = ENVOI_BUF_INIT;
    size_t at = 0;
    assert_int_equal(imap_seqset(&b, uids, 7, &at, 100), 0);
    assert_string_equal(b.data, "1:3,5,7:8,10");
    assert_int_equal(at, 7);
    envoi_buf_free(&b);
}

static void batches_hold_at_most_max_uids(void **state)
{
    (void)state;
    uint32_t uids[130];
    for (uint32_t i = 0; i < 130; i++)
        uids[i] = i + 1;
    envoi_buf b = ENVOI_BUF_INIT;
    size_t at = 0;
    assert_int_equal(imap_seqset(&b, uids, 130, &at, 64), 0);
    assert_string_equal(b.data, "1:64");
    assert_int_equal(imap_seqset(&b, uids, 130, &at, 64), 0);
    assert_string_equal(b.data, "65:128");
    assert_int_equal(imap_seqset(&b, uids, 130, &at, 64), 0);
    assert_string_equal(b.data, "129:130");
    assert_int_equal(at, 130);
    envoi_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uids_are_sorted_and_deduplicated_and_zero_dropped),
        cmocka_unit_test(runs_become_ranges),
        cmocka_unit_test(batches_hold_at_most_max_uids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
