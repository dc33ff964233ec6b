/* Calls to envoid's API as "envoi queue" and "envoi send --async" make them,
 * against scripted servers on loopback: the spooler's token and timeout on
 * the request, HTTP statuses and failures as errors and exit codes, the
 * hint when envoid cannot be reached; and the spooler address forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include <cmocka.h>

#include "cli/queue_call.h"
#include "unit/net/net_fixture.c"
#include "unit/spool/http_peer.c"

/* GET /v1/messages/abc through the spooler at the peer hp. */
static int call(http_peer *hp, const char *token, int timeout_ms, json_t **out, envoi_error *err)
{
    test_peer p;
    test_peer_start(&p, http_peer_run, hp);
    cli_spooler sp = {0};
    char where[64];
    snprintf(where, sizeof where, "127.0.0.1:%u", p.port);
    assert_int_equal(cli_spooler_set_address(&sp, where, err), 0);
    sp.token = token ? strdup(token) : NULL;
    sp.timeout_ms = timeout_ms;
    int rc = cli_queue_call(&sp, "GET", "/v1/messages/abc", NULL, NULL, 0, out, err);
    cli_spooler_free(&sp); /* a stalling peer sees the close */
    assert_null(sp.token);
    test_peer_join(&p);
    return rc;
}

static void the_spoolers_token_goes_as_a_bearer(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"id\":\"abc123\"}"}};
    json_t *out = NULL;
    envoi_error err = {0};
    assert_int_equal(call(&hp, "s3cret-token-0123456789", 0, &out, &err), 0);
    assert_string_equal(json_string_value(json_object_get(out, "id")), "abc123");
    assert_received(&hp, (const char *[]){"GET /v1/messages/abc HTTP/1.1\r\n",
                                          "\r\nAuthorization: Bearer s3cret-token-0123456789\r\n",
                                          NULL});
    json_decref(out);
}

static void the_spoolers_timeout_is_kept(void **state)
{
    (void)state;
    http_peer hp = {.stall = true};
    json_t *out = NULL;
    envoi_error err = {0};
    assert_int_equal(call(&hp, NULL, 200, &out, &err), ENVOI_ETIMEDOUT);
    assert_null(out);
    assert_int_equal(cli_queue_exit(&err), EX_TEMPFAIL);
}

static void statuses_become_errors_with_envoids_words(void **state)
{
    (void)state;
    static const struct {
        const char *answer;
        int code;
        int exit_status;
    } cases[] = {
        {"HTTP/1.1 404 Not Found\r\nContent-Length: 27\r\n\r\n{\"error\":\"no such message\"}",
         ENVOI_ENOTFOUND, EX_NOINPUT},
        {"HTTP/1.1 503 Unavailable\r\nContent-Length: 22\r\n\r\n{\"error\":\"the paused\"}",
         ENVOI_ESTATE, EX_TEMPFAIL},
        {"HTTP/1.1 409 Conflict\r\nContent-Length: 20\r\n\r\n{\"error\":\"not now!\"}",
         ENVOI_ESTATE, EX_UNAVAILABLE},
        {"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", ENVOI_EAUTH, EX_NOPERM},
        {"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", ENVOI_EINVAL, EX_DATAERR},
        {"HTTP/1.1 413 Too Big\r\nContent-Length: 0\r\n\r\n", ENVOI_ETOOBIG, EX_UNAVAILABLE},
        {"HTTP/1.1 500 Oops\r\nContent-Length: 5\r\n\r\noops!", ENVOI_ETEMPFAIL, EX_TEMPFAIL},
        {"HTTP/1.1 507 Full\r\nContent-Length: 0\r\n\r\n", ENVOI_EFILE, EX_TEMPFAIL},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n[1,2]", ENVOI_EPROTOCOL, EX_PROTOCOL},
        {"220 mail.example.org ESMTP ready\r\n", ENVOI_EPROTOCOL, EX_PROTOCOL},
        {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"half\":", ENVOI_ECLOSED, EX_TEMPFAIL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_peer hp = {.answer = {cases[i].answer}};
        json_t *out = NULL;
        envoi_error err = {0};
        assert_int_equal(call(&hp, NULL, 0, &out, &err), cases[i].code);
        assert_null(out);
        assert_int_equal(cli_queue_exit(&err), cases[i].exit_status);
    }
    http_peer hp = {.answer = {cases[0].answer}};
    json_t *out = NULL;
    envoi_error err = {0};
    call(&hp, NULL, 0, &out, &err);
    assert_string_equal(err.text, "no such message");
    assert_int_equal(err.reply_code, 404);
}

static void unreachable_envoid_gets_the_hint(void **state)
{
    (void)state;
    unsigned port = 0;
    int fd = test_listen("127.0.0.1", false, &port); /* bound, not listening: refused */
    assert_true(fd >= 0);
    cli_spooler sp = {0};
    envoi_error err = {0};
    char where[64];
    snprintf(where, sizeof where, "127.0.0.1:%u", port);
    assert_int_equal(cli_spooler_set_address(&sp, where, &err), 0);
    json_t *out = NULL;
    assert_int_equal(cli_queue_call(&sp, "GET", "/v1/stats", NULL, NULL, 0, &out, &err),
                     ENVOI_ECONNECT);
    assert_int_equal(cli_queue_exit(&err), EX_TEMPFAIL);
    char text[2048] = "";
    FILE *f = fmemopen(text, sizeof text, "w");
    cli_queue_report(f, "queue", &sp, &err);
    fclose(f);
    assert_non_null(strstr(text, "envoi: queue: envoid at 127.0.0.1:"));
    assert_non_null(strstr(text, "is envoid running? (make run)"));
    cli_spooler_free(&sp);
    close(fd);
}

static void address_forms(void **state)
{
    (void)state;
    cli_spooler sp = {0};
    envoi_error err = {0};
    assert_int_equal(cli_spooler_set_address(&sp, "http://127.0.0.1:8025", &err), 0);
    assert_string_equal(sp.host, "127.0.0.1");
    assert_int_equal(sp.port, 8025);
    assert_string_equal(sp.label, "127.0.0.1:8025");
    assert_int_equal(cli_spooler_set_address(&sp, "[::1]:9000", &err), 0);
    assert_string_equal(sp.host, "::1");
    assert_string_equal(sp.label, "[::1]:9000");
    assert_int_equal(cli_spooler_set_address(&sp, "0.0.0.0:8025", &err), 0);
    assert_string_equal(sp.host, "127.0.0.1");
    assert_int_equal(cli_spooler_set_address(&sp, "http://[::]:8025/", &err), 0);
    assert_string_equal(sp.host, "::1");
    assert_int_equal(cli_spooler_set_address(&sp, "localhost:25", &err), 0);
    assert_string_equal(sp.label, "localhost:25");
    static const char *const bad[] = {
        "127.0.0.1", "https://127.0.0.1:8025", "ftp://h:1", "h:0",  "h:65536",
        ":8025",     "h:80/prefix/",           "[::1]8025", "h:8x", "a b:1",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(cli_spooler_set_address(&sp, bad[i], &err), ENVOI_EINVAL);
        assert_non_null(strstr(err.text, "spooler address"));
    }
    assert_string_equal(sp.label, "localhost:25"); /* a refused address changes nothing */
    cli_spooler_free(&sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_spoolers_token_goes_as_a_bearer),
        cmocka_unit_test(the_spoolers_timeout_is_kept),
        cmocka_unit_test(statuses_become_errors_with_envoids_words),
        cmocka_unit_test(unreachable_envoid_gets_the_hint),
        cmocka_unit_test(address_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
