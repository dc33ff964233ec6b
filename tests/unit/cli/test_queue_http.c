/* The HTTP client of "envoi queue" against scripted servers on loopback:
 * the request it writes, answers with Content-Length, chunked or read to
 * the close, interim answers, bounds, broken and foreign answers; the
 * spooler address forms; HTTP statuses as errors and exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/queue_call.h"
#include "cli/queue_http.h"
#include "unit/net/net_fixture.c"

/* Read the request (headers, then a body of its Content-Length) into
 * received, then send each chunk of the answer and close. */
typedef struct http_peer {
    const char *answer[4];
    bool stall; /* read the request, then send nothing until the client gives up */
    char received[4096];
    size_t received_len;
} http_peer;

static size_t content_length(const char *req)
{
    const char *p = strstr(req, "Content-Length: ");
    return p ? (size_t)strtoul(p + 16, NULL, 10) : 0;
}

static void http_peer_run(int fd, void *arg)
{
    http_peer *hp = arg;
    char *r = hp->received;
    size_t cap = sizeof hp->received - 1;
    for (;;) {
        ssize_t n = read(fd, r + hp->received_len, cap - hp->received_len);
        if (n <= 0)
            return;
        hp->received_len += (size_t)n;
        r[hp->received_len] = '\0';
        const char *end = strstr(r, "\r\n\r\n");
        if (end && hp->received_len >= (size_t)(end + 4 - r) + content_length(r))
            break;
    }
    if (hp->stall) {
        char c;
        while (read(fd, &c, 1) > 0)
            ;
        return;
    }
    for (size_t i = 0; i < 4 && hp->answer[i]; i++) {
        test_send(fd, hp->answer[i], strlen(hp->answer[i]));
        usleep(20000);
    }
}

typedef struct exchange {
    test_peer peer;
    cli_spooler sp;
    cli_http_reply rep;
    envoi_error err;
} exchange;

static int request(exchange *x, http_peer *hp, const char *method, const char *target,
                   const char *body)
{
    memset(x, 0, sizeof *x);
    test_peer_start(&x->peer, http_peer_run, hp);
    char where[64];
    snprintf(where, sizeof where, "127.0.0.1:%u", x->peer.port);
    assert_int_equal(cli_spooler_set_address(&x->sp, where, &x->err), 0);
    x->sp.timeout_ms = 5000;
    int rc = cli_http_request(&x->sp, method, target, body ? "application/json" : NULL, body,
                              body ? strlen(body) : 0, &x->rep, &x->err);
    test_peer_join(&x->peer);
    return rc;
}

static void done(exchange *x)
{
    cli_http_reply_free(&x->rep);
    cli_spooler_free(&x->sp);
}

static void content_length_answer_is_read(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 12\r\n\r\n{\"a\":\"bcd\"}\n"}};
    exchange x;
    assert_int_equal(request(&x, &hp, "GET", "/v1/stats", NULL), 0);
    assert_int_equal(x.rep.status, 200);
    assert_string_equal(x.rep.body.data, "{\"a\":\"bcd\"}\n");
    assert_non_null(strstr(hp.received, "GET /v1/stats HTTP/1.1\r\n"));
    assert_non_null(strstr(hp.received, "\r\nConnection: close\r\n"));
    assert_null(strstr(hp.received, "Authorization"));
    done(&x);
}

static void request_carries_token_and_body(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}"}};
    exchange x;
    memset(&x, 0, sizeof x);
    test_peer_start(&x.peer, http_peer_run, &hp);
    char where[64];
    snprintf(where, sizeof where, "http://127.0.0.1:%u/", x.peer.port);
    assert_int_equal(cli_spooler_set_address(&x.sp, where, &x.err), 0);
    x.sp.token = strdup("s3cret-token-0123456789");
    assert_int_equal(cli_http_request(&x.sp, "POST", "/v1/messages", "application/json",
                                      "{\"x\":1}", 7, &x.rep, &x.err),
                     0);
    test_peer_join(&x.peer);
    assert_int_equal(x.rep.status, 202);
    assert_non_null(strstr(hp.received, "POST /v1/messages HTTP/1.1\r\n"));
    assert_non_null(strstr(hp.received, "\r\nAuthorization: Bearer s3cret-token-0123456789\r\n"));
    assert_non_null(strstr(hp.received, "\r\nContent-Type: application/json\r\n"));
    assert_non_null(strstr(hp.received, "\r\nContent-Length: 7\r\n"));
    assert_non_null(strstr(hp.received, "\r\n\r\n{\"x\":1}"));
    char host[64];
    snprintf(host, sizeof host, "\r\nHost: 127.0.0.1:%u\r\n", x.peer.port);
    assert_non_null(strstr(hp.received, host));
    done(&x);
    assert_null(x.sp.token);
}

static void chunked_answer_is_joined(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"",
                               "\r\n3;ext=1\r\n:12\r\n", "3\r\n}\n\n\r\n",
                               "0\r\nX-Trailer: yes\r\n\r\n"}};
    exchange x;
    assert_int_equal(request(&x, &hp, "GET", "/v1/stats", NULL), 0);
    assert_int_equal(x.rep.status, 200);
    assert_string_equal(x.rep.body.data, "{\"a\":12}\n\n");
    done(&x);
}

static void answer_without_length_is_read_to_the_close(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.0 404 Not Found\r\n\r\n{\"error\":", "\"no such\"}"}};
    exchange x;
    assert_int_equal(request(&x, &hp, "GET", "/v1/messages/abc", NULL), 0);
    assert_int_equal(x.rep.status, 404);
    assert_string_equal(x.rep.body.data, "{\"error\":\"no such\"}");
    done(&x);
}

static void interim_answer_is_skipped(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 100 Continue\r\n\r\n",
                               "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"}};
    exchange x;
    assert_int_equal(request(&x, &hp, "POST", "/v1/pause", NULL), 0);
    assert_int_equal(x.rep.status, 204);
    assert_int_equal(x.rep.body.len, 0);
    assert_non_null(strstr(hp.received, "\r\nContent-Length: 0\r\n"));
    done(&x);
}

static void foreign_answer_is_a_protocol_error(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"220 mail.example.org ESMTP ready\r\n"}};
    exchange x;
    assert_int_equal(request(&x, &hp, "GET", "/v1/stats", NULL), ENVOI_EPROTOCOL);
    assert_non_null(strstr(x.err.text, "did not answer as envoid does"));
    assert_int_equal(cli_queue_exit(&x.err), EX_PROTOCOL);
    done(&x);
}

static void oversize_length_is_refused_before_reading(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n{}"}};
    exchange x;
    assert_int_equal(request(&x, &hp, "GET", "/v1/messages", NULL), ENVOI_ETOOBIG);
    assert_non_null(strstr(x.err.text, "over 16 MiB"));
    done(&x);
}

static void oversize_chunk_is_refused(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "7fffffffffff\r\nabc"}};
    exchange x;
    assert_int_equal(request(&x, &hp, "GET", "/v1/messages", NULL), ENVOI_ETOOBIG);
    done(&x);
}

static void bad_chunk_size_is_a_protocol_error(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "zz\r\nabc\r\n0\r\n\r\n"}};
    exchange x;
    assert_int_equal(request(&x, &hp, "GET", "/v1/stats", NULL), ENVOI_EPROTOCOL);
    done(&x);
}

static void close_in_the_body_is_reported(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"half\":"}};
    exchange x;
    assert_int_equal(request(&x, &hp, "GET", "/v1/stats", NULL), ENVOI_ECLOSED);
    assert_non_null(strstr(x.err.text, "in the middle of its answer"));
    assert_int_equal(cli_queue_exit(&x.err), EX_TEMPFAIL);
    done(&x);
}

static void silent_server_times_out(void **state)
{
    (void)state;
    http_peer hp = {.stall = true};
    exchange x;
    memset(&x, 0, sizeof x);
    test_peer_start(&x.peer, http_peer_run, &hp);
    char where[64];
    snprintf(where, sizeof where, "127.0.0.1:%u", x.peer.port);
    assert_int_equal(cli_spooler_set_address(&x.sp, where, &x.err), 0);
    x.sp.timeout_ms = 200;
    assert_int_equal(cli_http_request(&x.sp, "GET", "/v1/stats", NULL, NULL, 0, &x.rep, &x.err),
                     ENVOI_ETIMEDOUT);
    cli_spooler_free(&x.sp); /* nothing more is sent: the peer sees the close */
    test_peer_join(&x.peer);
    cli_http_reply_free(&x.rep);
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

static void query_values_are_escaped(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(cli_http_escape(&b, "Zoé & co=1/2 x~y_z.-"), 0);
    assert_string_equal(b.data, "Zo%C3%A9%20%26%20co%3D1%2F2%20x~y_z.-");
    envoi_buf_free(&b);
}

static int call(http_peer *hp, json_t **out, envoi_error *err)
{
    test_peer p;
    test_peer_start(&p, http_peer_run, hp);
    cli_spooler sp = {0};
    char where[64];
    snprintf(where, sizeof where, "127.0.0.1:%u", p.port);
    assert_int_equal(cli_spooler_set_address(&sp, where, err), 0);
    int rc = cli_queue_call(&sp, "GET", "/v1/messages/abc", NULL, NULL, 0, out, err);
    test_peer_join(&p);
    cli_spooler_free(&sp);
    return rc;
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
        {"HTTP/1.1 500 Oops\r\nContent-Length: 5\r\n\r\noops!", ENVOI_ETEMPFAIL, EX_TEMPFAIL},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n[1,2]", ENVOI_EPROTOCOL, EX_PROTOCOL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_peer hp = {.answer = {cases[i].answer}};
        json_t *out = NULL;
        envoi_error err = {0};
        assert_int_equal(call(&hp, &out, &err), cases[i].code);
        assert_null(out);
        assert_int_equal(cli_queue_exit(&err), cases[i].exit_status);
    }
    http_peer hp = {.answer = {cases[0].answer}};
    json_t *out = NULL;
    envoi_error err = {0};
    call(&hp, &out, &err);
    assert_string_equal(err.text, "no such message");
    assert_int_equal(err.reply_code, 404);
    http_peer ok = {.answer = {"HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"id\":\"abc123\"}"}};
    assert_int_equal(call(&ok, &out, &err), 0);
    assert_string_equal(json_string_value(json_object_get(out, "id")), "abc123");
    json_decref(out);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(content_length_answer_is_read),
        cmocka_unit_test(request_carries_token_and_body),
        cmocka_unit_test(chunked_answer_is_joined),
        cmocka_unit_test(answer_without_length_is_read_to_the_close),
        cmocka_unit_test(interim_answer_is_skipped),
        cmocka_unit_test(foreign_answer_is_a_protocol_error),
        cmocka_unit_test(oversize_length_is_refused_before_reading),
        cmocka_unit_test(oversize_chunk_is_refused),
        cmocka_unit_test(bad_chunk_size_is_a_protocol_error),
        cmocka_unit_test(close_in_the_body_is_reported),
        cmocka_unit_test(silent_server_times_out),
        cmocka_unit_test(address_forms),
        cmocka_unit_test(query_values_are_escaped),
        cmocka_unit_test(statuses_become_errors_with_envoids_words),
        cmocka_unit_test(unreachable_envoid_gets_the_hint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
