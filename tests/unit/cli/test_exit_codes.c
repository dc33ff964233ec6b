/* Exit statuses: each ENVOI_E... code maps to its sysexits.h value, and a
 * temporary failure is always EX_TEMPFAIL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/exit_codes.h"

static void test_every_code_has_its_exit_status(void **state)
{
    (void)state;
    static const struct {
        int code;
        int status;
    } table[] = {
        {ENVOI_OK, 0},
        {ENVOI_ENOMEM, EX_OSERR},
        {ENVOI_EINVAL, EX_SOFTWARE},
        {ENVOI_EHEADER, EX_DATAERR},
        {ENVOI_EADDRESS, EX_DATAERR},
        {ENVOI_EFILE, EX_NOINPUT},
        {ENVOI_ERESOLVE, EX_TEMPFAIL},
        {ENVOI_ECONNECT, EX_TEMPFAIL},
        {ENVOI_ETIMEDOUT, EX_TEMPFAIL},
        {ENVOI_ECLOSED, EX_TEMPFAIL},
        {ENVOI_EIO, EX_TEMPFAIL},
        {ENVOI_ETLS, EX_PROTOCOL},
        {ENVOI_ECERT, EX_UNAVAILABLE},
        {ENVOI_ENOTLS, EX_UNAVAILABLE},
        {ENVOI_EPROTOCOL, EX_PROTOCOL},
        {ENVOI_EAUTH, EX_NOPERM},
        {ENVOI_ENOMECH, EX_UNAVAILABLE},
        {ENVOI_EAUTHPLAIN, EX_NOPERM},
        {ENVOI_ETEMPFAIL, EX_TEMPFAIL},
        {ENVOI_EPERMFAIL, EX_UNAVAILABLE},
        {ENVOI_ENORCPT, EX_UNAVAILABLE},
        {ENVOI_ETOOBIG, EX_UNAVAILABLE},
        {ENVOI_EUNSUPPORTED, EX_UNAVAILABLE},
        {ENVOI_ESTATE, EX_SOFTWARE},
        {ENVOI_ECONFIG, EX_CONFIG},
        {ENVOI_EIDNA, EX_DATAERR},
        {ENVOI_ENOTFOUND, EX_NOINPUT},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (cli_exit_for_code(table[i].code) != table[i].status)
            fail_msg("%s: exit %d, expected %d", envoi_err_name(table[i].code),
                     cli_exit_for_code(table[i].code), table[i].status);
    }
    assert_int_equal(cli_exit_for_code(-999), EX_SOFTWARE);
}

static void test_sysexits_values_are_the_documented_numbers(void **state)
{
    (void)state;
    assert_int_equal(EX_USAGE, 64);
    assert_int_equal(EX_DATAERR, 65);
    assert_int_equal(EX_NOINPUT, 66);
    assert_int_equal(EX_UNAVAILABLE, 69);
    assert_int_equal(EX_SOFTWARE, 70);
    assert_int_equal(EX_TEMPFAIL, 75);
    assert_int_equal(EX_PROTOCOL, 76);
    assert_int_equal(EX_NOPERM, 77);
    assert_int_equal(EX_CONFIG, 78);
}

static void test_a_4xx_reply_makes_any_refusal_temporary(void **state)
{
    (void)state;
    envoi_error err = {.code = ENVOI_ENORCPT, .reply_code = 450};
    assert_int_equal(cli_exit_for_error(&err), EX_TEMPFAIL);
    err.reply_code = 550;
    assert_int_equal(cli_exit_for_error(&err), EX_UNAVAILABLE);
    envoi_error auth = {.code = ENVOI_EAUTH, .reply_code = 454};
    assert_int_equal(cli_exit_for_error(&auth), EX_TEMPFAIL);
    auth.reply_code = 535;
    assert_int_equal(cli_exit_for_error(&auth), EX_NOPERM);
}

static void test_local_errors_keep_their_status(void **state)
{
    (void)state;
    envoi_error err = {.code = ENVOI_EADDRESS};
    assert_int_equal(cli_exit_for_error(&err), EX_DATAERR);
    err.code = ENVOI_ECONFIG;
    assert_int_equal(cli_exit_for_error(&err), EX_CONFIG);
    err.code = ENVOI_ETIMEDOUT;
    assert_int_equal(cli_exit_for_error(&err), EX_TEMPFAIL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_has_its_exit_status),
        cmocka_unit_test(test_sysexits_values_are_the_documented_numbers),
        cmocka_unit_test(test_a_4xx_reply_makes_any_refusal_temporary),
        cmocka_unit_test(test_local_errors_keep_their_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
