/* Buffered I/O on a connection: lines ending in CRLF or bare LF, lines split
 * across TCP segments, the line length limit, end of stream, exact-size
 * reads, and buffered writes arriving intact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "net/conn.h"
#include "util/buf.h"
#include "net_fixture.c"

typedef struct session {
    test_peer peer;
    envoi_conn *conn;
    envoi_error err;
} session;

static void session_start(session *s, test_peer_fn fn, void *arg)
{
    memset(s, 0, sizeof *s);
    test_peer_start(&s->peer, fn, arg);
    assert_int_equal(envoi_conn_open(&s->conn, "127.0.0.1", s->peer.port, 5000, 5000, &s->err), 0);
}

static void session_end(session *s)
{
    envoi_conn_close(s->conn);
    test_peer_join(&s->peer);
}

static void expect_line(session *s, const char *want)
{
    const char *line = NULL;
    size_t len = 0;
    int rc = envoi_conn_read_line(s->conn, &line, &len, 1000, &s->err);
    if (rc != 0)
        fail_msg("expected \"%s\", got %s: %s", want, envoi_err_name(rc), s->err.text);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(line, want, len);
}

static int read_line_code(session *s, size_t max)
{
    const char *line;
    size_t len;
    return envoi_conn_read_line(s->conn, &line, &len, max, &s->err);
}

static void test_crlf_and_bare_lf_lines_are_read_without_their_ends(void **state)
{
    (void)state;
    test_script script = {.chunks = {"220 hello\r\n250 bare\n\r\nlast\r\n"}};
    session s;
    session_start(&s, test_script_run, &script);
    expect_line(&s, "220 hello");
    expect_line(&s, "250 bare");
    expect_line(&s, "");
    expect_line(&s, "last");
    session_end(&s);
}

static void test_bytes_after_a_line_stay_pending(void **state)
{
    (void)state;
    test_script script = {.chunks = {"a\r\nbc\r\n"}};
    session s;
    session_start(&s, test_script_run, &script);
    expect_line(&s, "a");
    assert_int_equal(envoi_conn_pending(s.conn), 4);
    expect_line(&s, "bc");
    assert_int_equal(envoi_conn_pending(s.conn), 0);
    session_end(&s);
}

static void test_line_split_over_several_writes_is_joined(void **state)
{
    (void)state;
    test_script script = {.chunks = {"25", "0 spl", "it\r", "\n250", " next\n"}};
    session s;
    session_start(&s, test_script_run, &script);
    expect_line(&s, "250 split");
    expect_line(&s, "250 next");
    session_end(&s);
}

static void test_line_of_exactly_max_bytes_is_accepted(void **state)
{
    (void)state;
    test_script script = {.chunks = {"0123456789abcdef\r\n0123456789abcdef\n"}};
    session s;
    session_start(&s, test_script_run, &script);
    const char *line;
    size_t len;
    assert_int_equal(envoi_conn_read_line(s.conn, &line, &len, 16, &s.err), 0);
    assert_int_equal(len, 16);
    assert_int_equal(envoi_conn_read_line(s.conn, &line, &len, 16, &s.err), 0);
    assert_int_equal(len, 16);
    session_end(&s);
}

static void test_line_over_max_is_a_protocol_error(void **state)
{
    (void)state;
    test_script script = {.chunks = {"0123456789abcdefX\r\n"}};
    session s;
    session_start(&s, test_script_run, &script);
    assert_int_equal(read_line_code(&s, 16), ENVOI_EPROTOCOL);
    assert_non_null(strstr(s.err.text, "16 bytes"));
    session_end(&s);
}

static void test_endless_line_fails_without_waiting_for_its_end(void **state)
{
    (void)state;
    static char endless[4097];
    memset(endless, 'x', sizeof endless - 1);
    test_script script = {.chunks = {endless}}; /* no LF, and the peer stays */
    session s;
    session_start(&s, test_script_run, &script);
    envoi_conn_set_timeout(s.conn, 10000);
    assert_int_equal(read_line_code(&s, 1000), ENVOI_EPROTOCOL);
    session_end(&s);
}

static void test_end_of_stream_mid_line_is_closed(void **state)
{
    (void)state;
    test_script script = {.chunks = {"250 ok\r\n", "250 trunc"}, .hang_up = true};
    session s;
    session_start(&s, test_script_run, &script);
    expect_line(&s, "250 ok");
    assert_int_equal(read_line_code(&s, 1000), ENVOI_ECLOSED);
    assert_non_null(strstr(s.err.text, "middle of a line"));
    session_end(&s);
}

static void test_end_of_stream_between_lines_is_closed(void **state)
{
    (void)state;
    test_script script = {.chunks = {"221 bye\r\n"}, .hang_up = true};
    session s;
    session_start(&s, test_script_run, &script);
    expect_line(&s, "221 bye");
    assert_int_equal(read_line_code(&s, 1000), ENVOI_ECLOSED);
    assert_int_equal(s.err.code, ENVOI_ECLOSED);
    session_end(&s);
}

static void test_read_exact_takes_a_literal_between_lines(void **state)
{
    (void)state;
    test_script script = {.chunks = {"* 1 FETCH {12}\r\n0123\n", "\r\n6789)\r\nA1 OK\r\n"}};
    session s;
    session_start(&s, test_script_run, &script);
    expect_line(&s, "* 1 FETCH {12}");
    char literal[12];
    assert_int_equal(envoi_conn_read_exact(s.conn, literal, sizeof literal, &s.err), 0);
    assert_memory_equal(literal, "0123\n\r\n6789)", 12);
    expect_line(&s, "");
    expect_line(&s, "A1 OK");
    session_end(&s);
}

static void test_read_exact_of_a_large_block_arrives_intact(void **state)
{
    (void)state;
    size_t size = 300000;
    char *sent = malloc(size + 16);
    assert_non_null(sent);
    memcpy(sent, "+OK\r\n", 5);
    for (size_t i = 0; i < size; i++)
        sent[5 + i] = (char)('A' + i % 23);
    memcpy(sent + 5 + size, ".\r\n", 4);
    test_script script = {.chunks = {sent}};
    session s;
    session_start(&s, test_script_run, &script);
    expect_line(&s, "+OK");
    char *got = malloc(size);
    assert_non_null(got);
    assert_int_equal(envoi_conn_read_exact(s.conn, got, size, &s.err), 0);
    assert_memory_equal(got, sent + 5, size);
    expect_line(&s, ".");
    session_end(&s);
    free(got);
    free(sent);
}

static void test_read_exact_hits_end_of_stream(void **state)
{
    (void)state;
    test_script script = {.chunks = {"short"}, .hang_up = true};
    session s;
    session_start(&s, test_script_run, &script);
    char buf[10];
    assert_int_equal(envoi_conn_read_exact(s.conn, buf, sizeof buf, &s.err), ENVOI_ECLOSED);
    session_end(&s);
}

static void test_buffered_writes_arrive_in_order_after_flush(void **state)
{
    (void)state;
    test_sink sink = {NULL, 0};
    session s;
    session_start(&s, test_sink_run, &sink);
    envoi_buf want = ENVOI_BUF_INIT;
    assert_int_equal(envoi_conn_printf(s.conn, &s.err, "EHLO %s\r\n", "client.test"), 0);
    envoi_buf_printf(&want, "EHLO %s\r\n", "client.test");
    for (int i = 0; i < 5000; i++) { /* many small writes fill the buffer repeatedly */
        assert_int_equal(envoi_conn_printf(s.conn, &s.err, "RCPT TO:<u%d@x>\r\n", i), 0);
        envoi_buf_printf(&want, "RCPT TO:<u%d@x>\r\n", i);
    }
    size_t big = 200000; /* larger than the buffer: goes out directly */
    char *block = malloc(big);
    assert_non_null(block);
    for (size_t i = 0; i < big; i++)
        block[i] = (char)('a' + i % 26);
    assert_int_equal(envoi_conn_write(s.conn, block, big, &s.err), 0);
    envoi_buf_append(&want, block, big);
    assert_int_equal(envoi_conn_write(s.conn, "QUIT\r\n", 6, &s.err), 0);
    envoi_buf_append(&want, "QUIT\r\n", 6);
    assert_int_equal(envoi_conn_flush(s.conn, &s.err), 0);
    assert_int_equal(envoi_conn_flush(s.conn, &s.err), 0); /* nothing left: no-op */
    session_end(&s);
    assert_int_equal(sink.len, want.len);
    assert_memory_equal(sink.data, want.data, want.len);
    free(block);
    free(sink.data);
    envoi_buf_free(&want);
}

static void test_unflushed_writes_are_not_sent_on_close(void **state)
{
    (void)state;
    test_sink sink = {NULL, 0};
    session s;
    session_start(&s, test_sink_run, &sink);
    assert_int_equal(envoi_conn_write(s.conn, "sent\r\n", 6, &s.err), 0);
    assert_int_equal(envoi_conn_flush(s.conn, &s.err), 0);
    assert_int_equal(envoi_conn_write(s.conn, "held\r\n", 6, &s.err), 0);
    session_end(&s);
    assert_int_equal(sink.len, 6);
    assert_memory_equal(sink.data, "sent\r\n", 6);
    free(sink.data);
}

int main(void)
{
    signal(SIGPIPE, SIG_DFL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crlf_and_bare_lf_lines_are_read_without_their_ends),
        cmocka_unit_test(test_bytes_after_a_line_stay_pending),
        cmocka_unit_test(test_line_split_over_several_writes_is_joined),
        cmocka_unit_test(test_line_of_exactly_max_bytes_is_accepted),
        cmocka_unit_test(test_line_over_max_is_a_protocol_error),
        cmocka_unit_test(test_endless_line_fails_without_waiting_for_its_end),
        cmocka_unit_test(test_end_of_stream_mid_line_is_closed),
        cmocka_unit_test(test_end_of_stream_between_lines_is_closed),
        cmocka_unit_test(test_read_exact_takes_a_literal_between_lines),
        cmocka_unit_test(test_read_exact_of_a_large_block_arrives_intact),
        cmocka_unit_test(test_read_exact_hits_end_of_stream),
        cmocka_unit_test(test_buffered_writes_arrive_in_order_after_flush),
        cmocka_unit_test(test_unflushed_writes_are_not_sent_on_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
