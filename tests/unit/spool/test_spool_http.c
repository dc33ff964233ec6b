/* A URL spool facing answers envoid would not give: a peer that is not
 * HTTP, a server error, a success without an id, an answer cut short, one
 * without Content-Length (read to the close); and the request it sends
 * (escaped query, bearer token, Content-Length). */
#include <pthread.h>

#include "test_spool_helpers.h"

/* A one-connection server: reads the request head and body, keeps them,
 * answers with a canned reply and closes. */
typedef struct canned {
    int fd;
    unsigned port;
    const char *reply;
    char request[65536];
    size_t request_len;
    pthread_t thread;
} canned;

static void *serve_once(void *arg)
{
    canned *c = arg;
    int conn = accept(c->fd, NULL, NULL);
    if (conn < 0)
        return NULL;
    /* Read until the head is complete and Content-Length bytes followed. */
    for (;;) {
        ssize_t n = read(conn, c->request + c->request_len, sizeof c->request - 1 - c->request_len);
        if (n <= 0)
            break;
        c->request_len += (size_t)n;
        c->request[c->request_len] = '\0';
        const char *end = strstr(c->request, "\r\n\r\n");
        if (!end)
            continue;
        const char *cl = strcasestr(c->request, "Content-Length: ");
        size_t want = cl ? (size_t)atol(cl + 16) : 0;
        if (c->request_len >= (size_t)(end + 4 - c->request) + want)
            break;
    }
    if (write(conn, c->reply, strlen(c->reply)) < 0)
        perror("write");
    close(conn);
    return NULL;
}

static void canned_start(canned *c, const char *reply)
{
    memset(c, 0, sizeof *c);
    c->reply = reply;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    assert_int_equal(bind(c->fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(c->fd, 1), 0);
    getsockname(c->fd, (struct sockaddr *)&sa, &len);
    c->port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(&c->thread, NULL, serve_once, c), 0);
}

static void canned_stop(canned *c)
{
    pthread_join(c->thread, NULL);
    close(c->fd);
}

/* Submit a small raw message to the canned server; the return code. */
static int submit_to(canned *c, envoi_spool **out, char id[ENVOI_SPOOL_ID_SIZE])
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/base/", c->port);
    envoi_spool *sp = envoi_spool_open(url, NULL);
    assert_non_null(sp);
    static const char raw[] = "Subject: x\r\n\r\nx\r\n";
    const char *rcpts[] = {"Bob Smith <bob+x@example.net>", "c&d=e@example.net"};
    int rc = envoi_spool_submit_raw(sp, "a@example.org", rcpts, 2, raw, sizeof raw - 1, id);
    *out = sp;
    return rc;
}

static void the_request_is_well_formed(void **state)
{
    (void)state;
    canned c;
    canned_start(&c, "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
                     "Content-Length: 38\r\n\r\n{\"id\":\"0abc123xyz\",\"status\":\"pending\"}");
    envoi_spool *sp;
    char id[ENVOI_SPOOL_ID_SIZE];
    int rc = submit_to(&c, &sp, id);
    canned_stop(&c);
    if (rc != 0)
        fail_msg("submit: %s", envoi_spool_error(sp)->text);
    assert_string_equal(id, "0abc123xyz");
    assert_non_null(strstr(c.request, "POST /base/v1/messages?from=a@example.org"
                                      "&to=bob%2Bx@example.net&to=c%26d%3De@example.net "
                                      "HTTP/1.1\r\n"));
    assert_non_null(strstr(c.request, "\r\nContent-Type: message/rfc822\r\n"));
    assert_non_null(strstr(c.request, "\r\nContent-Length: 17\r\n"));
    assert_non_null(strstr(c.request, "\r\nHost: 127.0.0.1:"));
    assert_null(strstr(c.request, "Authorization"));
    assert_non_null(strstr(c.request, "\r\n\r\nSubject: x\r\n\r\nx\r\n"));
    envoi_spool_close(sp);
}

static void the_token_goes_as_a_bearer(void **state)
{
    (void)state;
    canned c;
    canned_start(&c, "HTTP/1.1 404 Not Found\r\nContent-Length: 29\r\n\r\n"
                     "{\"error\": \"no such message\"}\n");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", c.port);
    envoi_spool *sp = envoi_spool_open(url, NULL);
    assert_non_null(sp);
    assert_int_equal(envoi_spool_set_token(sp, "s3cret-token-value"), 0);
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, "abc", &s), ENVOI_ENOTFOUND);
    canned_stop(&c);
    assert_non_null(strstr(c.request, "GET /v1/messages/abc HTTP/1.1\r\n"));
    assert_non_null(strstr(c.request, "\r\nAuthorization: Bearer s3cret-token-value\r\n"));
    assert_string_equal(envoi_spool_error(sp)->text, "no such message");
    assert_int_equal(envoi_spool_error(sp)->reply_code, 404);
    envoi_spool_close(sp);
}

static void a_peer_that_is_not_http_is_eprotocol(void **state)
{
    (void)state;
    canned c;
    canned_start(&c, "220 smtp.example.net ESMTP ready\r\n");
    envoi_spool *sp;
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(submit_to(&c, &sp, id), ENVOI_EPROTOCOL);
    canned_stop(&c);
    assert_non_null(strstr(envoi_spool_error(sp)->text, "not HTTP"));
    envoi_spool_close(sp);
}

static void a_server_error_is_etempfail_with_its_words(void **state)
{
    (void)state;
    canned c;
    canned_start(&c, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 43\r\n\r\n"
                     "{\"error\":\"database is locked \\u2014 retry\"}");
    envoi_spool *sp;
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(submit_to(&c, &sp, id), ENVOI_ETEMPFAIL);
    canned_stop(&c);
    assert_string_equal(envoi_spool_error(sp)->text, "database is locked \xe2\x80\x94 retry");
    assert_int_equal(envoi_spool_error(sp)->reply_code, 500);
    envoi_spool_close(sp);
}

static void a_success_without_an_id_is_eprotocol(void **state)
{
    (void)state;
    canned c;
    canned_start(&c, "HTTP/1.1 202 Accepted\r\n\r\n{\"status\":\"pending\"}");
    envoi_spool *sp;
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(submit_to(&c, &sp, id), ENVOI_EPROTOCOL);
    canned_stop(&c);
    assert_string_equal(id, "");
    envoi_spool_close(sp);
}

static void an_answer_cut_short_is_an_error(void **state)
{
    (void)state;
    canned c;
    canned_start(&c, "HTTP/1.1 202 Accepted\r\nContent-Length: 100\r\n\r\n{\"id\":\"abc\"}");
    envoi_spool *sp;
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(submit_to(&c, &sp, id), ENVOI_ECLOSED);
    canned_stop(&c);
    envoi_spool_close(sp);
}

static void an_answer_read_to_the_close_is_whole(void **state)
{
    (void)state;
    canned c;
    canned_start(&c, "HTTP/1.0 200 OK\r\n\r\n{\"id\":\"q1\",\"status\":\"sent\",\"attempts\":2,"
                     "\"submitted\":\"2024-05-01T12:00:00.000Z\",\"next_try\":null,"
                     "\"done\":\"2024-05-01T12:00:01.500Z\",\"reason\":\"250 2.0.0 Ok: queued\","
                     "\"recipients\":[{\"address\":\"b@x\",\"status\":\"sent\"}]}");
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", c.port);
    envoi_spool *sp = envoi_spool_open(url, NULL);
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, "q1", &s), 0);
    canned_stop(&c);
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
        cmocka_unit_test(the_request_is_well_formed),
        cmocka_unit_test(the_token_goes_as_a_bearer),
        cmocka_unit_test(a_peer_that_is_not_http_is_eprotocol),
        cmocka_unit_test(a_server_error_is_etempfail_with_its_words),
        cmocka_unit_test(a_success_without_an_id_is_eprotocol),
        cmocka_unit_test(an_answer_cut_short_is_an_error),
        cmocka_unit_test(an_answer_read_to_the_close_is_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
