/* envoid's HTTP client against scripted servers on loopback: the request it
 * writes (escaped query, bearer token, Content-Length); answers with
 * Content-Length, chunked or read to the close, interim answers; bounds,
 * broken and foreign answers, a silent server; error answers as envoi
 * errors; and the URL spool of the public API on top of it (the
 * submission's request, its failures, a status read to the close). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "envoi.h"
#include "spool/spool_http.h"
#include "unit/net/net_fixture.c"
#include "unit/spool/http_peer.c"

/* ---- the client ------------------------------------------------------------------------------ */

typedef struct exchange {
    test_peer peer;
    unsigned status;
    envoi_buf body;
    envoi_error err;
} exchange;

/* METHOD TARGET (with a JSON body when body is not NULL) to the peer hp. */
static int request(exchange *x, http_peer *hp, const char *method, const char *target,
                   const char *body, const char *token, int io_ms)
{
    memset(x, 0, sizeof *x);
    test_peer_start(&x->peer, http_peer_run, hp);
    spool_http_request req = {
        .host = "127.0.0.1",
        .port = x->peer.port,
        .method = method,
        .target = target,
        .content_type = body ? "application/json" : NULL,
        .body = body,
        .body_len = body ? strlen(body) : 0,
        .token = token,
        .io_ms = io_ms,
    };
    int rc = spool_http_exchange(&req, &x->status, &x->body, &x->err);
    test_peer_join(&x->peer);
    return rc;
}

/* Each framing of an answer read whole: Content-Length, chunked (with an
 * extension and a trailer), none (read to the close), after an interim
 * answer; a GET says no Content-Length, a POST without a body says 0. */
static void answers_are_read_whole(void **state)
{
    (void)state;
    static const struct {
        const char *answer[4];
        const char *method;
        unsigned status;
        const char *body;
    } cases[] = {
        {{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          "Content-Length: 12\r\n\r\n{\"a\":\"bcd\"}\n"},
         "GET",
         200,
         "{\"a\":\"bcd\"}\n"},
        {{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"",
          "\r\n3;ext=1\r\n:12\r\n", "3\r\n}\n\n\r\n", "0\r\nX-Trailer: yes\r\n\r\n"},
         "GET",
         200,
         "{\"a\":12}\n\n"},
        {{"HTTP/1.0 404 Not Found\r\n\r\n{\"error\":", "\"no such\"}"},
         "GET",
         404,
         "{\"error\":\"no such\"}"},
        {{"HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"},
         "POST",
         204,
         ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_peer hp = {0};
        memcpy(hp.answer, cases[i].answer, sizeof hp.answer);
        exchange x;
        assert_int_equal(request(&x, &hp, cases[i].method, "/v1/x", NULL, NULL, 0), 0);
        assert_int_equal(x.status, cases[i].status);
        assert_int_equal(x.body.len, strlen(cases[i].body));
        assert_string_equal(x.body.data, cases[i].body);
        char line[64];
        snprintf(line, sizeof line, "%s /v1/x HTTP/1.1\r\n", cases[i].method);
        assert_received(
            &hp, (const char *[]){line, "\r\nHost: 127.0.0.1:", "\r\nConnection: close\r\n", NULL});
        assert_null(strstr(hp.received, "Authorization"));
        if (strcmp(cases[i].method, "GET") == 0)
            assert_null(strstr(hp.received, "Content-Length"));
        else
            assert_non_null(strstr(hp.received, "\r\nContent-Length: 0\r\n"));
        envoi_buf_free(&x.body);
    }
}

static void request_carries_token_and_body(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}"}};
    exchange x;
    assert_int_equal(
        request(&x, &hp, "POST", "/v1/messages", "{\"x\":1}", "s3cret-token-0123456789", 0), 0);
    assert_int_equal(x.status, 202);
    char host[64];
    snprintf(host, sizeof host, "\r\nHost: 127.0.0.1:%u\r\n", x.peer.port);
    assert_received(&hp, (const char *[]){"POST /v1/messages HTTP/1.1\r\n", host,
                                          "\r\nAuthorization: Bearer s3cret-token-0123456789\r\n",
                                          "\r\nContent-Type: application/json\r\n",
                                          "\r\nContent-Length: 7\r\n", "\r\n\r\n{\"x\":1}", NULL});
    envoi_buf_free(&x.body);
}

/* An answer and the failure it makes: the code, a part of the text, the
 * HTTP status kept (0: none). */
typedef struct failure_case {
    const char *answer;
    int code;
    const char *text;
    int reply_code;
} failure_case;

static void expect_failure(const failure_case *c, int rc, const envoi_error *err)
{
    assert_int_equal(rc, c->code);
    if (!strstr(err->text, c->text))
        fail_msg("'%s' lacks '%s'", err->text, c->text);
    assert_int_equal(err->reply_code, c->reply_code);
}

static void broken_answers_are_errors(void **state)
{
    (void)state;
    static const failure_case cases[] = {
        {"220 mail.example.org ESMTP ready\r\n", ENVOI_EPROTOCOL,
         "did not answer as envoid does: not HTTP: '220 mail.example.org ESMTP ready'", 0},
        {"HTTP/1.1 2x0 OK\r\n\r\n", ENVOI_EPROTOCOL, "a malformed HTTP status", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n{}", ENVOI_ETOOBIG, "over 16 MiB",
         0}, /* refused before reading */
        {"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n{}", ENVOI_EPROTOCOL,
         "a malformed Content-Length", 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffff\r\nabc", ENVOI_ETOOBIG,
         "over 16 MiB", 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
         ENVOI_EPROTOCOL, "a malformed chunk size", 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc", ENVOI_EPROTOCOL,
         "a transfer encoding other than chunked", 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"half\":", ENVOI_ECLOSED,
         "in the middle of its answer", 0},
        {NULL, ENVOI_ECLOSED, "closed the connection without an answer", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_peer hp = {.answer = {cases[i].answer}};
        exchange x;
        expect_failure(&cases[i], request(&x, &hp, "GET", "/v1/stats", NULL, NULL, 0), &x.err);
        envoi_buf_free(&x.body);
    }
}

static void silent_server_times_out(void **state)
{
    (void)state;
    http_peer hp = {.stall = true}; /* it sees the close once the client gives up */
    exchange x;
    assert_int_equal(request(&x, &hp, "GET", "/v1/stats", NULL, NULL, 200), ENVOI_ETIMEDOUT);
    envoi_buf_free(&x.body);
}

static void query_values_are_escaped(void **state)
{
    (void)state;
    envoi_buf b = ENVOI_BUF_INIT;
    assert_int_equal(spool_http_escape(&b, "Zoé & co=1/2 x~y_z.-"), 0);
    assert_string_equal(b.data, "Zo%C3%A9%20%26%20co%3D1%2F2%20x~y_z.-");
    envoi_buf_clear(&b);
    assert_int_equal(spool_http_escape(&b, "bob+x@example.net"), 0);
    assert_string_equal(b.data, "bob%2Bx@example.net");
    envoi_buf_free(&b);
}

static void error_answers_become_envoi_errors(void **state)
{
    (void)state;
    static const struct {
        unsigned status;
        const char *body;
        int code;
        const char *text;
    } cases[] = {
        {404, "{\"error\":\"no such message\"}", ENVOI_ENOTFOUND, "no such message"},
        {400, "{\"error\":\"bad from\"}", ENVOI_EINVAL, "bad from"},
        {415, "", ENVOI_EINVAL, "[::1]:8025 answered HTTP 415"},
        {401, "", ENVOI_EAUTH, "[::1]:8025 answered HTTP 401"},
        {403, "", ENVOI_EAUTH, "[::1]:8025 answered HTTP 403"},
        {409, "{\"error\":\"not now\"}", ENVOI_ESTATE, "not now"},
        {503, "{\"error\":\"the spooler is paused\"}", ENVOI_ESTATE, "the spooler is paused"},
        {413, "{\"error\":\"too big\"}", ENVOI_ETOOBIG, "too big"},
        {507, "{\"error\":\"disk full\"}", ENVOI_EFILE, "disk full"},
        {500, "oops!", ENVOI_ETEMPFAIL, "[::1]:8025 answered HTTP 500"},
        {502, "{\"error\":\"\"}", ENVOI_ETEMPFAIL, "[::1]:8025 answered HTTP 502"},
        {302, "", ENVOI_EPROTOCOL, "[::1]:8025 answered HTTP 302"},
    };
    spool_http_request req = {.host = "::1", .port = 8025, .method = "GET", .target = "/"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        envoi_buf body = ENVOI_BUF_INIT;
        envoi_error err = {0};
        assert_int_equal(envoi_buf_append_str(&body, cases[i].body), 0);
        assert_int_equal(spool_http_fail(&req, cases[i].status, &body, &err), cases[i].code);
        assert_int_equal(err.code, cases[i].code);
        assert_int_equal(err.reply_code, (int)cases[i].status);
        assert_string_equal(err.text, cases[i].text);
        envoi_buf_free(&body);
    }
}

/* ---- the URL spool on it --------------------------------------------------------------------- */

static envoi_spool *open_url(const test_peer *p, const char *path)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", p->port, path);
    envoi_spool *sp = envoi_spool_open(url, NULL);
    assert_non_null(sp);
    return sp;
}

/* Submit a small raw message to the peer hp; the return code. */
static int submit_to(http_peer *hp, envoi_spool **out, char id[ENVOI_SPOOL_ID_SIZE])
{
    test_peer p;
    test_peer_start(&p, http_peer_run, hp);
    envoi_spool *sp = open_url(&p, "/base/");
    static const char raw[] = "Subject: x\r\n\r\nx\r\n";
    const char *rcpts[] = {"Bob Smith <bob+x@example.net>", "c&d=e@example.net"};
    int rc = envoi_spool_submit_raw(sp, "a@example.org", rcpts, 2, raw, sizeof raw - 1, id);
    test_peer_join(&p);
    *out = sp;
    return rc;
}

static void the_submission_is_well_formed(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
                               "Content-Length: 38\r\n\r\n"
                               "{\"id\":\"0abc123xyz\",\"status\":\"pending\"}"}};
    envoi_spool *sp;
    char id[ENVOI_SPOOL_ID_SIZE];
    if (submit_to(&hp, &sp, id) != 0)
        fail_msg("submit: %s", envoi_spool_error(sp)->text);
    assert_string_equal(id, "0abc123xyz");
    assert_received(
        &hp, (const char *[]){"POST /base/v1/messages?from=a@example.org"
                              "&to=bob%2Bx@example.net&to=c%26d%3De@example.net "
                              "HTTP/1.1\r\n",
                              "\r\nContent-Type: message/rfc822\r\n", "\r\nContent-Length: 17\r\n",
                              "\r\nHost: 127.0.0.1:", "\r\n\r\nSubject: x\r\n\r\nx\r\n", NULL});
    assert_null(strstr(hp.received, "Authorization"));
    envoi_spool_close(sp);
}

static void the_token_goes_as_a_bearer(void **state)
{
    (void)state;
    http_peer hp = {.answer = {"HTTP/1.1 404 Not Found\r\nContent-Length: 29\r\n\r\n"
                               "{\"error\": \"no such message\"}\n"}};
    test_peer p;
    test_peer_start(&p, http_peer_run, &hp);
    envoi_spool *sp = open_url(&p, "");
    assert_int_equal(envoi_spool_set_token(sp, "s3cret-token-value"), 0);
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, "abc", &s), ENVOI_ENOTFOUND);
    test_peer_join(&p);
    assert_non_null(strstr(hp.received, "GET /v1/messages/abc HTTP/1.1\r\n"));
    assert_non_null(strstr(hp.received, "\r\nAuthorization: Bearer s3cret-token-value\r\n"));
    assert_string_equal(envoi_spool_error(sp)->text, "no such message");
    assert_int_equal(envoi_spool_error(sp)->reply_code, 404);
    envoi_spool_close(sp);
}

/* Answers that are not envoid's or refuse: the code, envoid's words or
 * what was wrong, the HTTP status, no id. */
static void failed_submissions_are_errors(void **state)
{
    (void)state;
    static const failure_case cases[] = {
        {"220 smtp.example.net ESMTP ready\r\n", ENVOI_EPROTOCOL, "not HTTP", 0},
        {"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 43\r\n\r\n"
         "{\"error\":\"database is locked \\u2014 retry\"}",
         ENVOI_ETEMPFAIL, "database is locked \xe2\x80\x94 retry", 500},
        {"HTTP/1.1 202 Accepted\r\n\r\n{\"status\":\"pending\"}", ENVOI_EPROTOCOL,
         "the spool's answer has no message id", 0},
        {"HTTP/1.1 202 Accepted\r\nContent-Length: 100\r\n\r\n{\"id\":\"abc\"}", ENVOI_ECLOSED,
         "in the middle of its answer", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_peer hp = {.answer = {cases[i].answer}};
        envoi_spool *sp;
        char id[ENVOI_SPOOL_ID_SIZE];
        int rc = submit_to(&hp, &sp, id);
        expect_failure(&cases[i], rc, envoi_spool_error(sp));
        assert_string_equal(id, "");
        envoi_spool_close(sp);
    }
}

static void a_status_read_to_the_close_is_whole(void **state)
{
    (void)state;
    http_peer hp = {
        .answer = {"HTTP/1.0 200 OK\r\n\r\n{\"id\":\"q1\",\"status\":\"sent\",\"attempts\":2,"
                   "\"submitted\":\"2024-05-01T12:00:00.000Z\",\"next_try\":null,",
                   "\"done\":\"2024-05-01T12:00:01.500Z\",\"reason\":\"250 2.0.0 Ok: queued\","
                   "\"recipients\":[{\"address\":\"b@x\",\"status\":\"sent\"}]}"}};
    test_peer p;
    test_peer_start(&p, http_peer_run, &hp);
    envoi_spool *sp = open_url(&p, "");
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, "q1", &s), 0);
    test_peer_join(&p);
    assert_int_equal(s.status, ENVOI_SPOOL_SENT);
    assert_int_equal(s.attempts, 2);
    assert_int_equal(s.submitted_ms, (int64_t)1714564800000);
    assert_int_equal(s.done_ms, (int64_t)1714564801500);
    assert_int_equal(s.next_try_ms, 0);
    assert_string_equal(s.reason, "250 2.0.0 Ok: queued");
    envoi_spool_close(sp);
}

int main(void)
{
    envoi_init();
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_are_read_whole),
        cmocka_unit_test(request_carries_token_and_body),
        cmocka_unit_test(broken_answers_are_errors),
        cmocka_unit_test(silent_server_times_out),
        cmocka_unit_test(query_values_are_escaped),
        cmocka_unit_test(error_answers_become_envoi_errors),
        cmocka_unit_test(the_submission_is_well_formed),
        cmocka_unit_test(the_token_goes_as_a_bearer),
        cmocka_unit_test(failed_submissions_are_errors),
        cmocka_unit_test(a_status_read_to_the_close_is_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
