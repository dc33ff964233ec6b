/* The POP3 client against a real Dovecot started for the test (skipped when
 * Dovecot is not installed): messages delivered with dovecot-lda, then read
 * every way (STLS and POP3S; PLAIN, LOGIN, CRAM-MD5, APOP, USER; Maildir and
 * mbox) and compared byte for byte with what was delivered; pipelined
 * retrieval, the reading model, get all, the unseen filter across sessions,
 * and DELE + QUIT counted on the server with doveadm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "envoi.h"

#include "../dovecot_peer.h"

#define NALICE 5
#define NBOB 60

static unsigned pop3_port, pop3s_port;
static char *alice[NALICE]; /* what was delivered, with CRLF line ends */
static char *bob[NBOB];

static char *make_message(const char *user, int i, size_t long_line)
{
    return make_test_message(user, i,
                             ".a line starting with a dot\n..two dots\n.\n"
                             "Grüße, 8-bit text\nFrom the start of a line\n",
                             long_line);
}

/* alice's last message has a line of 300000 bytes. */
static char *make_alice(const char *user, int i)
{
    return make_message(user, i, i == NALICE - 1 ? 300000 : (size_t)i * 100);
}

static char *make_bob(const char *user, int i)
{
    return make_message(user, i, (size_t)i * 50);
}

static int setup(void **state)
{
    (void)state;
    pop3_port = free_port();
    pop3s_port = free_port();
    char ports[64];
    snprintf(ports, sizeof ports, "%u %u", pop3_port, pop3s_port);
    return setup_dovecot("/usr/lib/dovecot/pop3", ports, alice, NALICE, make_alice, bob, NBOB,
                         make_bob);
}

static int teardown(void **state)
{
    (void)state;
    stop_dovecot(alice, NALICE, bob, NBOB);
    return 0;
}

static envoi_pop3 *session(const char *user, envoi_security sec, const char *mech)
{
    if (!dir[0])
        skip();
    envoi_pop3 *s = envoi_pop3_new();
    char ca[128], pw[64];
    snprintf(ca, sizeof ca, "%s/certs/ca.pem", dir);
    snprintf(pw, sizeof pw, "%s-secret", user);
    assert_int_equal(
        envoi_pop3_set_server(s, "localhost", sec == ENVOI_SECURITY_TLS ? pop3s_port : pop3_port),
        0);
    assert_int_equal(envoi_pop3_set_security(s, sec), 0);
    assert_int_equal(envoi_pop3_set_ca_file(s, ca), 0);
    assert_int_equal(envoi_pop3_set_login(s, user, pw), 0);
    assert_int_equal(envoi_pop3_set_auth_mechanism(s, mech), 0);
    assert_int_equal(envoi_pop3_set_timeout(s, 20000), 0);
    return s;
}

static void read_all_alice(const char *user, envoi_security sec, const char *mech,
                           const char *want_method)
{
    envoi_pop3 *s = session(user, sec, mech);
    int rc = envoi_pop3_connect(s);
    if (rc < 0)
        fail_msg("%s: %s", envoi_err_name(rc), envoi_pop3_error(s)->text);
    assert_true(envoi_pop3_is_encrypted(s));
    assert_string_equal(envoi_pop3_auth_method(s), want_method);
    const envoi_pop3_entry *e;
    size_t n;
    assert_int_equal(envoi_pop3_list(s, &e, &n), 0);
    assert_int_equal(n, NALICE);
    for (size_t i = 0; i < n; i++) {
        struct buf got = {0};
        assert_int_equal(envoi_pop3_retrieve(s, e[i].number, buf_write, &got), 0);
        assert_same(&got, alice[i]);
        assert_int_equal(e[i].size, got.len);
        assert_true(strlen(e[i].uidl) > 0);
        free(got.data);
    }
    assert_int_equal(envoi_pop3_quit(s), 0);
    envoi_pop3_free(s);
}

static void stls_plain_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice("alice", ENVOI_SECURITY_STARTTLS, "PLAIN", "PLAIN");
}

static void stls_login_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice("alice", ENVOI_SECURITY_STARTTLS, "LOGIN", "LOGIN");
}

static void pop3s_cram_md5_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice("alice", ENVOI_SECURITY_TLS, "CRAM-MD5", "CRAM-MD5");
}

static void pop3s_apop_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice("alice", ENVOI_SECURITY_TLS, "APOP", "APOP");
}

static void stls_user_pass_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice("alice", ENVOI_SECURITY_STARTTLS, "USER", "USER");
}

static void default_method_is_the_strongest_offered(void **state)
{
    (void)state;
    envoi_pop3 *s = session("alice", ENVOI_SECURITY_TLS, NULL);
    assert_int_equal(envoi_pop3_connect(s), 0);
    assert_string_equal(envoi_pop3_auth_method(s), "CRAM-MD5");
    assert_true(envoi_pop3_capabilities(s) & ENVOI_POP3_CAPA_PIPELINING);
    assert_non_null(strstr(envoi_pop3_capa_lines(s), "UIDL"));
    envoi_pop3_free(s);
}

static void wrong_password_is_eauth(void **state)
{
    (void)state;
    envoi_pop3 *s = session("alice", ENVOI_SECURITY_TLS, "PLAIN");
    assert_int_equal(envoi_pop3_set_login(s, "alice", "wrong"), 0);
    assert_int_equal(envoi_pop3_connect(s), ENVOI_EAUTH);
    assert_string_equal(envoi_pop3_error(s)->enhanced, "AUTH");
    envoi_pop3_free(s);
}

static size_t header_len(const char *m)
{
    const char *end = strstr(m, "\r\n\r\n");
    return (size_t)(end - m) + 4;
}

static void reading_model_walks_both_ways_and_goes_out(void **state)
{
    (void)state;
    envoi_pop3 *s = session("alice", ENVOI_SECURITY_TLS, NULL);
    envoi_message *m = NULL;
    const void *raw;
    size_t len;
    assert_int_equal(envoi_pop3_read_last(s, ENVOI_POP3_WHOLE, &m), 0);
    assert_int_equal(envoi_part_raw(envoi_message_root(m), &raw, &len), 0);
    assert_int_equal(len, strlen(alice[NALICE - 1]));
    assert_memory_equal(raw, alice[NALICE - 1], len);
    envoi_message_free(m);
    assert_int_equal(envoi_pop3_read_next(s, ENVOI_POP3_WHOLE, &m), 0);
    assert_null(m);
    assert_true(envoi_pop3_is_out(s));
    assert_int_equal(envoi_pop3_read_previous(s, ENVOI_POP3_HEADERS, &m), 0);
    assert_non_null(m);
    assert_int_equal(envoi_pop3_current(s)->number, NALICE);
    assert_int_equal(envoi_part_raw(envoi_message_root(m), &raw, &len), 0);
    assert_int_equal(len, header_len(alice[NALICE - 1]));
    envoi_message_free(m);
    size_t count = 0;
    int rc = envoi_pop3_read_first(s, ENVOI_POP3_HEADERS, &m);
    while (rc == 0 && !envoi_pop3_is_out(s)) {
        char want[64];
        snprintf(want, sizeof want, "message %zu grüße", count);
        assert_string_equal(envoi_message_get_subject(m), want);
        envoi_message_free(m);
        count++;
        rc = envoi_pop3_read_next(s, ENVOI_POP3_HEADERS, &m);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(count, NALICE);
    assert_int_equal(envoi_pop3_read_first(s, ENVOI_POP3_WHOLE, &m), 0);
    envoi_message_free(m);
    assert_int_equal(envoi_pop3_read_previous(s, ENVOI_POP3_WHOLE, &m), 0);
    assert_null(m);
    assert_true(envoi_pop3_is_out(s));
    envoi_pop3_free(s);
}

struct all {
    char **want;
    size_t n;
    bool headers;
    size_t progress_calls;
    unsigned long long bytes;
};

static int all_message(void *ctx, const envoi_pop3_entry *e, envoi_message *msg, bool *keep)
{
    (void)keep;
    struct all *a = ctx;
    const char *want = a->want[e->number - 1];
    const void *raw;
    size_t len;
    assert_int_equal(envoi_part_raw(envoi_message_root(msg), &raw, &len), 0);
    size_t wlen = a->headers ? header_len(want) : strlen(want);
    assert_int_equal(len, wlen);
    assert_memory_equal(raw, want, len);
    a->n++;
    return 0;
}

static int all_progress(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
    struct all *a = ctx;
    assert_true(done <= total);
    assert_true(bytes >= a->bytes);
    a->bytes = bytes;
    a->progress_calls++;
    return 0;
}

static void get_all_headers_only_and_whole(void **state)
{
    (void)state;
    envoi_pop3 *s = session("alice", ENVOI_SECURITY_STARTTLS, NULL);
    struct all h = {alice, 0, true, 0, 0}, w = {alice, 0, false, 0, 0};
    assert_int_equal(envoi_pop3_get_all(s, ENVOI_POP3_HEADERS, 0, all_progress, all_message, &h),
                     0);
    assert_int_equal(h.n, NALICE);
    assert_int_equal(h.progress_calls, NALICE);
    assert_int_equal(envoi_pop3_get_all(s, ENVOI_POP3_WHOLE, 0, all_progress, all_message, &w), 0);
    assert_int_equal(w.n, NALICE);
    assert_true(w.bytes > h.bytes);
    envoi_pop3_free(s);
}

struct many {
    struct buf cur;
    size_t complete;
    unsigned expect;
};

static int many_begin(void *ctx, unsigned number, const char *uidl, size_t size)
{
    struct many *m = ctx;
    assert_int_equal(number, m->expect);
    assert_true(*uidl);
    assert_int_equal(size, strlen(bob[number - 1]));
    m->cur.len = 0;
    return 0;
}

static int many_data(void *ctx, const void *data, size_t len)
{
    return buf_write(&((struct many *)ctx)->cur, data, len);
}

static int many_end(void *ctx, unsigned number, int status)
{
    struct many *m = ctx;
    assert_int_equal(status, 0);
    assert_same(&m->cur, bob[number - 1]);
    m->complete++;
    m->expect++;
    return 0;
}

static void pipelined_retrieval_of_many_messages(void **state)
{
    (void)state;
    envoi_pop3 *s = session("bob", ENVOI_SECURITY_TLS, NULL);
    unsigned numbers[NBOB];
    for (unsigned i = 0; i < NBOB; i++)
        numbers[i] = i + 1;
    struct many m = {{0}, 0, 1};
    envoi_pop3_retrieve_cb cb = {many_begin, many_data, many_end};
    assert_int_equal(envoi_pop3_retrieve_many(s, numbers, NBOB, ENVOI_POP3_WHOLE, &cb, &m), 0);
    assert_int_equal(m.complete, NBOB);
    free(m.cur.data);
    envoi_pop3_free(s);
}

static int count_only(void *ctx, const envoi_pop3_entry *e, envoi_message *msg, bool *keep)
{
    (void)msg;
    (void)keep;
    (void)e;
    (*(size_t *)ctx)++;
    return 0;
}

static int mark_half(void *ctx, const envoi_pop3_entry *e, envoi_message *msg, bool *keep)
{
    (void)msg;
    (void)keep;
    if (e->number % 2 == 0)
        assert_int_equal(envoi_pop3_mark_seen(ctx, e->uidl), 0);
    return 0;
}

static void unseen_filter_across_two_sessions_then_delete_and_count(void **state)
{
    (void)state;
    char seen[128];
    snprintf(seen, sizeof seen, "%s/bob.seen", dir[0] ? dir : "/tmp");
    envoi_pop3 *s = session("bob", ENVOI_SECURITY_STARTTLS, NULL);
    assert_int_equal(envoi_pop3_set_seen_file(s, seen), 0);
    assert_int_equal(
        envoi_pop3_get_all(s, ENVOI_POP3_HEADERS, ENVOI_POP3_UNSEEN, NULL, mark_half, s), 0);
    assert_int_equal(envoi_pop3_quit(s), 0);
    envoi_pop3_free(s);

    s = session("bob", ENVOI_SECURITY_TLS, NULL);
    assert_int_equal(envoi_pop3_set_seen_file(s, seen), 0);
    size_t n = 0;
    assert_int_equal(
        envoi_pop3_get_all(s, ENVOI_POP3_WHOLE, ENVOI_POP3_UNSEEN, NULL, count_only, &n), 0);
    assert_int_equal(n, NBOB / 2);
    for (unsigned i = 1; i <= 10; i++)
        assert_int_equal(envoi_pop3_delete(s, i), 0);
    assert_int_equal(envoi_pop3_quit(s), 0);
    envoi_pop3_free(s);

    char cmd[512];
    snprintf(cmd, sizeof cmd, "doveadm -c %s/dovecot.conf mailbox status -u bob messages INBOX",
             dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char out[64] = "";
    assert_non_null(fgets(out, sizeof out, p));
    pclose(p);
    char want[32];
    snprintf(want, sizeof want, "messages=%d\n", NBOB - 10);
    assert_non_null(strstr(out, want));
}

static void mbox_user_reads_byte_for_byte(void **state)
{
    (void)state;
    if (!dir[0])
        skip();
    char *want[3];
    for (int i = 0; i < 3; i++) {
        char *m = make_message("carol", i, (size_t)i * 1000);
        want[i] = deliver("carol", m);
        free(m);
        assert_non_null(want[i]);
    }
    envoi_pop3 *s = session("carol", ENVOI_SECURITY_TLS, NULL);
    struct all w = {want, 0, false, 0, 0};
    assert_int_equal(envoi_pop3_get_all(s, ENVOI_POP3_WHOLE, 0, NULL, all_message, &w), 0);
    assert_int_equal(w.n, 3);
    envoi_pop3_free(s);
    for (int i = 0; i < 3; i++)
        free(want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stls_plain_reads_every_message_byte_for_byte),
        cmocka_unit_test(stls_login_reads_every_message_byte_for_byte),
        cmocka_unit_test(pop3s_cram_md5_reads_every_message_byte_for_byte),
        cmocka_unit_test(pop3s_apop_reads_every_message_byte_for_byte),
        cmocka_unit_test(stls_user_pass_reads_every_message_byte_for_byte),
        cmocka_unit_test(default_method_is_the_strongest_offered),
        cmocka_unit_test(wrong_password_is_eauth),
        cmocka_unit_test(reading_model_walks_both_ways_and_goes_out),
        cmocka_unit_test(get_all_headers_only_and_whole),
        cmocka_unit_test(pipelined_retrieval_of_many_messages),
        cmocka_unit_test(unseen_filter_across_two_sessions_then_delete_and_count),
        cmocka_unit_test(mbox_user_reads_byte_for_byte),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
