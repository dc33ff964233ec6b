/* The connection settings shared by the protocol sessions: validation of
 * each setter, a login replacing the other kind of secret, and opening
 * without a server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "proto/endpoint.h"

static void test_server_with_line_break_or_bad_port_is_refused(void **state)
{
    (void)state;
    proto_endpoint e;
    envoi_error err;
    proto_endpoint_init(&e, 1000, 2000);
    assert_int_equal(proto_endpoint_set_server(&e, "mail.example.org\r\nQUIT", 25, &err),
                     ENVOI_EINVAL);
    assert_int_equal(proto_endpoint_set_server(&e, "", 25, &err), ENVOI_EINVAL);
    assert_int_equal(proto_endpoint_set_server(&e, "mail.example.org", 65536, &err), ENVOI_EINVAL);
    assert_null(e.host);
    assert_int_equal(proto_endpoint_set_server(&e, "mail.example.org", 587, &err), 0);
    assert_string_equal(e.host, "mail.example.org");
    assert_int_equal(e.port, 587);
    proto_endpoint_free(&e);
    assert_null(e.host);
    assert_int_equal(e.connect_ms, 1000);
    assert_int_equal(e.io_ms, 2000);
}

static void test_login_replaces_the_other_secret(void **state)
{
    (void)state;
    proto_endpoint e;
    envoi_error err;
    proto_endpoint_init(&e, 1000, 2000);
    assert_int_equal(proto_endpoint_set_login(&e, "alice", "pw", false, &err), 0);
    assert_string_equal(e.password, "pw");
    assert_int_equal(proto_endpoint_set_login(&e, "alice", "tok", true, &err), 0);
    assert_null(e.password);
    assert_string_equal(e.token, "tok");
    assert_int_equal(proto_endpoint_set_login(&e, "alice", "a\nb", false, &err), ENVOI_EINVAL);
    assert_int_equal(proto_endpoint_set_login(&e, "al\rice", "pw", false, &err), ENVOI_EINVAL);
    assert_string_equal(e.token, "tok"); /* unchanged by a refused call */
    proto_endpoint_free(&e);
}

static void test_security_and_timeouts_are_checked(void **state)
{
    (void)state;
    proto_endpoint e;
    envoi_error err;
    proto_endpoint_init(&e, 1000, 2000);
    assert_int_equal(proto_endpoint_set_security(&e, (envoi_security)42, &err), ENVOI_EINVAL);
    assert_int_equal(proto_endpoint_set_security(&e, ENVOI_SECURITY_TLS, &err), 0);
    assert_int_equal(e.security, ENVOI_SECURITY_TLS);
    assert_int_equal(proto_endpoint_set_connect_timeout(&e, 0, &err), ENVOI_EINVAL);
    assert_int_equal(proto_endpoint_set_timeout(&e, NULL, -5, &err), ENVOI_EINVAL);
    assert_int_equal(proto_endpoint_set_timeout(&e, NULL, 5, &err), 0);
    assert_int_equal(e.io_ms, 5);
    proto_endpoint_free(&e);
}

static void test_open_without_server_says_so(void **state)
{
    (void)state;
    proto_endpoint e;
    envoi_error err;
    envoi_conn *conn = (envoi_conn *)&e;
    proto_endpoint_init(&e, 1000, 2000);
    assert_int_equal(proto_endpoint_open(&e, 25, &conn, &err), ENVOI_EINVAL);
    assert_null(conn);
    assert_string_equal(err.text, "no server set");
    proto_endpoint_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_with_line_break_or_bad_port_is_refused),
        cmocka_unit_test(test_login_replaces_the_other_secret),
        cmocka_unit_test(test_security_and_timeouts_are_checked),
        cmocka_unit_test(test_open_without_server_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
