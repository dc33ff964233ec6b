/* HTTP/1.1 answers and requests on a connection, as a client that keeps
 * secrets in its answers reads them: a body grown past several allocations
 * intact, the caller's bound, error code and label in the errors, the body
 * emptied on failure, interim and empty answers; the request's Host field
 * with and without a port. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "net/conn.h"
#include "net/http_answer.h"
#include "net/http_request.h"
#include "util/buf.h"
#include "net_fixture.c"

static const envoi_http_reading secret_reading = {
    .label = "token endpoint auth.example.org",
    .not_http = ": unexpected answer",
    .max_body = 8192,
    .too_big = ENVOI_EPROTOCOL,
    .secret = true,
};

/* The answer the script sends, read as how says; the return code. */
static int read_scripted(test_script *script, const envoi_http_reading *how, unsigned *status,
                         envoi_buf *body, envoi_error *err)
{
    script->hang_up = true;
    test_peer peer;
    test_peer_start(&peer, test_script_run, script);
    envoi_conn *c = NULL;
    assert_int_equal(envoi_conn_open(&c, "127.0.0.1", peer.port, 5000, 5000, err), 0);
    int rc = envoi_http_read_answer(c, how, status, body, err);
    envoi_conn_close(c);
    test_peer_join(&peer);
    return rc;
}

static void a_secret_body_grows_intact(void **state)
{
    (void)state;
    char big[6001];
    for (size_t i = 0; i < sizeof big - 1; i++)
        big[i] = (char)('a' + i % 26);
    big[sizeof big - 1] = '\0';
    test_script script = {.chunks = {"HTTP/1.1 100 Continue\r\n\r\n",
                                     "HTTP/1.1 200 OK\r\nContent-Length: 6000\r\n\r\n", big}};
    envoi_buf body = ENVOI_BUF_INIT;
    envoi_error err = {0};
    unsigned status = 0;
    assert_int_equal(read_scripted(&script, &secret_reading, &status, &body, &err), 0);
    assert_int_equal(status, 200);
    assert_int_equal(body.len, 6000);
    assert_string_equal(body.data, big);
    envoi_buf_wipe_free(&body);
}

static void empty_and_chunked_bodies(void **state)
{
    (void)state;
    test_script empty = {.chunks = {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"}};
    test_script chunked = {.chunks = {"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n"
                                      "\r\n5\r\n{\"err\r\n6\t\r\nor\":1}\r\n0\r\nX: y\r\n\r\n"}};
    envoi_buf body = ENVOI_BUF_INIT;
    envoi_error err = {0};
    unsigned status = 0;
    assert_int_equal(read_scripted(&empty, &secret_reading, &status, &body, &err), 0);
    assert_int_equal(status, 204);
    assert_string_equal(body.data, "");
    assert_int_equal(read_scripted(&chunked, &secret_reading, &status, &body, &err), 0);
    assert_int_equal(status, 400);
    assert_string_equal(body.data, "{\"error\":1}");
    envoi_buf_wipe_free(&body);
}

static void failures_name_the_caller(void **state)
{
    (void)state;
    static const struct {
        const char *answer;
        int code;
        const char *text;
    } cases[] = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 9000\r\n\r\n{}", ENVOI_EPROTOCOL,
         "the answer of token endpoint auth.example.org is over 8 KiB"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2001\r\nabc", ENVOI_EPROTOCOL,
         "the answer of token endpoint auth.example.org is over 8 KiB"},
        {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n{}", ENVOI_EPROTOCOL,
         "token endpoint auth.example.org: unexpected answer: a malformed Content-Length"},
        {"SSH-2.0-OpenSSH\r\n", ENVOI_EPROTOCOL,
         "token endpoint auth.example.org: unexpected answer: not HTTP: 'SSH-2.0-OpenSSH'"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"access", ENVOI_ECLOSED,
         "token endpoint auth.example.org closed the connection in the middle of its answer"},
        {"", ENVOI_ECLOSED,
         "token endpoint auth.example.org closed the connection without an answer"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        test_script script = {.chunks = {cases[i].answer}};
        envoi_buf body = ENVOI_BUF_INIT;
        envoi_error err = {0};
        unsigned status = 0;
        assert_int_equal(read_scripted(&script, &secret_reading, &status, &body, &err),
                         cases[i].code);
        assert_string_equal(err.text, cases[i].text);
        assert_int_equal(body.len, 0);
        envoi_buf_wipe_free(&body);
    }
}

/* The request head the client writes for req. */
static void written_request(const envoi_http_request *req, test_sink *sink)
{
    test_peer peer;
    test_peer_start(&peer, test_sink_run, sink);
    envoi_conn *c = NULL;
    envoi_error err = {0};
    assert_int_equal(envoi_conn_open(&c, "127.0.0.1", peer.port, 5000, 5000, &err), 0);
    assert_int_equal(envoi_http_write_request(c, req, &err), 0);
    envoi_conn_close(c);
    test_peer_join(&peer);
}

static void the_host_field_has_the_port_given(void **state)
{
    (void)state;
    envoi_http_request post = {.method = "POST",
                               .target = "/token",
                               .host = "::1",
                               .content_type = "application/x-www-form-urlencoded",
                               .body = "a=b",
                               .body_len = 3};
    test_sink sink = {0};
    written_request(&post, &sink);
    assert_non_null(strstr(sink.data, "POST /token HTTP/1.1\r\nHost: [::1]\r\n"));
    assert_non_null(strstr(sink.data, "\r\nContent-Length: 3\r\n\r\na=b"));
    assert_null(strstr(sink.data, "Authorization"));
    free(sink.data);
    envoi_http_request get = {
        .method = "GET", .target = "/v1/stats", .host = "example.org", .port = 8025, .token = "t"};
    memset(&sink, 0, sizeof sink);
    written_request(&get, &sink);
    assert_non_null(strstr(sink.data, "GET /v1/stats HTTP/1.1\r\nHost: example.org:8025\r\n"));
    assert_non_null(strstr(sink.data, "\r\nAuthorization: Bearer t\r\n"));
    assert_null(strstr(sink.data, "Content-Length"));
    free(sink.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_secret_body_grows_intact),
        cmocka_unit_test(empty_and_chunked_bodies),
        cmocka_unit_test(failures_name_the_caller),
        cmocka_unit_test(the_host_field_has_the_port_given),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
