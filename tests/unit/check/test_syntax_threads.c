/* The syntax level of the address checks from several threads at once,
 * including the first use that loads the public suffix list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/check.h"

enum { THREADS = 8, ROUNDS = 300 };

static const char *const cases[][2] = {
    {"jane@example.org", "valid"},      {"j\xc3\xb6ran@m\xc3\xbcnchen.de", "valid"},
    {"a@[IPv6:2001:db8::1]", "valid"},  {"a@co.uk", "syntax"},
    {"a@example.invalidtld", "syntax"}, {"\"unbalanced@example.org", "syntax"},
};

static void *run(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        size_t k = (size_t)i % (sizeof cases / sizeof cases[0]);
        envoi_check_report r;
        if (envoi_address_check_syntax(cases[k][0], &r) != 0 ||
            strcmp(envoi_check_result_name(r.result), cases[k][1]) != 0)
            return (void *)cases[k][0];
    }
    return NULL;
}

static void test_threads_agree(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, run, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *bad = NULL;
        assert_int_equal(pthread_join(t[i], &bad), 0);
        if (bad)
            fail_msg("wrong verdict for %s", (const char *)bad);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
