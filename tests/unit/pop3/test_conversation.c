/* The POP3 client against a scripted server: each test plays one
 * conversation, good or faulty, and checks what the client sent, the result
 * code, its class, the server's words, and that a message cut short is
 * never reported complete. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "envoi.h"
#include "unit/smtp/fault_server.h"

#define GREET "+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n"
#define CAPA_PIPE "+OK\r\nTOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nPIPELINING\r\n.\r\n"
#define CAPA_PLAIN "+OK\r\nTOP\r\nUIDL\r\nUSER\r\n.\r\n"

#define LOGIN_USER(capa)                                                                           \
    {'S', GREET}, {'E', "CAPA"}, {'S', capa}, {'E', "USER alice"}, {'S', "+OK\r\n"},               \
        {'E', "PASS secret"},                                                                      \
    {                                                                                              \
        'S', "+OK logged in\r\n"                                                                   \
    }

static envoi_pop3 *client(fault_server *fs, const struct fs_step *script)
{
    fs_start(fs, script);
    envoi_pop3 *s = envoi_pop3_new();
    assert_non_null(s);
    assert_int_equal(envoi_pop3_set_server(s, "127.0.0.1", fs->port), 0);
    assert_int_equal(envoi_pop3_set_login(s, "alice", "secret"), 0);
    assert_int_equal(envoi_pop3_set_auth_mechanism(s, "USER"), 0);
    assert_int_equal(envoi_pop3_set_allow_plaintext_auth(s, true), 0);
    assert_int_equal(envoi_pop3_set_timeout(s, 5000), 0);
    return s;
}

static void done(fault_server *fs, envoi_pop3 *s)
{
    envoi_pop3_free(s);
    const char *failure = fs_finish(fs);
    if (*failure)
        fail_msg("server: %s", failure);
    fs_free(fs);
}

struct got {
    char data[8192];
    size_t len;
    unsigned begun[8], ended[8];
    int status[8];
    char uidl[8][16];
    size_t nbegun, nended;
};

static int got_write(void *ctx, const void *data, size_t len)
{
    struct got *g = ctx;
    assert_true(g->len + len <= sizeof g->data);
    memcpy(g->data + g->len, data, len);
    g->len += len;
    return 0;
}

static int got_begin(void *ctx, unsigned number, const char *uidl, size_t size)
{
    (void)size;
    struct got *g = ctx;
    snprintf(g->uidl[g->nbegun], sizeof g->uidl[0], "%s", uidl);
    g->begun[g->nbegun++] = number;
    return 0;
}

static int got_end(void *ctx, unsigned number, int status)
{
    struct got *g = ctx;
    g->status[g->nended] = status;
    g->ended[g->nended++] = number;
    if (status == 0)
        return got_write(ctx, "|", 1);
    return 0;
}

static const envoi_pop3_retrieve_cb got_cb = {got_begin, got_write, got_end};

static void listing_and_pipelined_retrieval_share_round_trips(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN_USER(CAPA_PIPE),
        {'E', "LIST"},
        {'E', "UIDL"},
        {'S', "+OK 3 messages\r\n1 10\r\n2 20\r\n3 30\r\n.\r\n"
              "+OK\r\n1 aaa\r\n2 bbb\r\n3 ccc\r\n.\r\n"},
        {'E', "RETR 1"},
        {'E', "RETR 3"},
        {'E', "RETR 2"},
        {'S', "+OK\r\nA: 1\r\n\r\n..dot\r\n.\r\n-ERR [SYS/PERM] gone\r\n+OK\r\nB\n.\n"},
        {'E', "QUIT"},
        {'S', "+OK bye\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    const envoi_pop3_entry *e;
    size_t n;
    assert_int_equal(envoi_pop3_list(s, &e, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(e[2].number, 3);
    assert_int_equal(e[2].size, 30);
    assert_string_equal(e[1].uidl, "bbb");
    assert_string_equal(envoi_pop3_auth_method(s), "USER");
    assert_true(envoi_pop3_capabilities(s) & ENVOI_POP3_CAPA_PIPELINING);
    assert_true(envoi_pop3_capabilities(s) & ENVOI_POP3_CAPA_APOP);
    struct got g = {0};
    unsigned numbers[] = {1, 3, 2};
    assert_int_equal(envoi_pop3_retrieve_many(s, numbers, 3, ENVOI_POP3_WHOLE, &got_cb, &g),
                     ENVOI_EPERMFAIL);
    assert_int_equal(g.len, strlen("A: 1\r\n\r\n.dot\r\n|B\n|"));
    assert_memory_equal(g.data, "A: 1\r\n\r\n.dot\r\n|B\n|", g.len);
    assert_int_equal(g.nended, 3);
    assert_int_equal(g.status[0], 0);
    assert_int_equal(g.status[1], ENVOI_EPERMFAIL);
    assert_int_equal(g.status[2], 0);
    assert_string_equal(g.uidl[1], "ccc");
    assert_int_equal(envoi_pop3_quit(s), 0);
    done(&fs, s);
}

static void wrong_password_is_eauth_with_the_servers_words(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "CAPA"},
                                            {'S', CAPA_PLAIN},
                                            {'E', "USER alice"},
                                            {'S', "+OK\r\n"},
                                            {'E', "PASS secret"},
                                            {'S', "-ERR [AUTH] Authentication failed.\r\n"},
                                            {'E', "QUIT"},
                                            {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_int_equal(envoi_pop3_connect(s), ENVOI_EAUTH);
    const envoi_error *err = envoi_pop3_error(s);
    assert_non_null(strstr(err->text, "Authentication failed."));
    assert_string_equal(err->enhanced, "AUTH");
    assert_false(envoi_error_is_temporary(err));
    done(&fs, s);
}

static void mailbox_in_use_is_temporary(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "CAPA"},
        {'S', CAPA_PLAIN},
        {'E', "USER alice"},
        {'S', "+OK\r\n"},
        {'E', "PASS"},
        {'S', "-ERR [IN-USE] Mailbox is locked by another session\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_int_equal(envoi_pop3_connect(s), ENVOI_ETEMPFAIL);
    assert_true(envoi_error_is_temporary(envoi_pop3_error(s)));
    assert_non_null(strstr(envoi_pop3_error(s)->text, "locked"));
    done(&fs, s);
}

static void required_stls_missing_is_enotls_without_login(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', GREET}, {'E', "CAPA"}, {'S', CAPA_PLAIN}, {'E', "QUIT"}, {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_int_equal(envoi_pop3_set_security(s, ENVOI_SECURITY_STARTTLS), 0);
    assert_int_equal(envoi_pop3_connect(s), ENVOI_ENOTLS);
    done(&fs, s);
    assert_null(strstr(fs.got ? fs.got : "", "USER"));
}

static void login_over_plain_text_is_refused_by_default(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', GREET}, {'E', "CAPA"}, {'S', CAPA_PLAIN}, {'E', "QUIT"}, {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_int_equal(envoi_pop3_set_allow_plaintext_auth(s, false), 0);
    assert_int_equal(envoi_pop3_connect(s), ENVOI_EAUTHPLAIN);
    envoi_pop3_free(s);
    fs_finish(&fs);
    assert_null(strstr(fs.got, "USER"));
    assert_null(strstr(fs.got, "secret"));
    fs_free(&fs);
}

static void connection_dropped_mid_retr_never_completes_the_message(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN_USER(CAPA_PIPE),
        {'E', "LIST"},
        {'E', "UIDL"},
        {'S', "+OK\r\n1 30\r\n2 900\r\n.\r\n+OK\r\n1 x1\r\n2 x2\r\n.\r\n"},
        {'E', "RETR 1"},
        {'E', "RETR 2"},
        {'S', "+OK\r\nSubject: one\r\n\r\nbody\r\n.\r\n+OK\r\nSubject: two\r\n\r\npartial"},
        {'C', NULL},
        {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    struct got g = {0};
    unsigned numbers[] = {1, 2};
    assert_int_equal(envoi_pop3_retrieve_many(s, numbers, 2, ENVOI_POP3_WHOLE, &got_cb, &g),
                     ENVOI_ECLOSED);
    assert_int_equal(g.nbegun, 2);
    assert_int_equal(g.nended, 2);
    assert_int_equal(g.status[0], 0);
    assert_int_equal(g.status[1], ENVOI_ECLOSED);
    assert_non_null(strstr(envoi_pop3_error(s)->text, "message 2"));
    assert_true(envoi_error_is_temporary(envoi_pop3_error(s)));
    done(&fs, s);
}

static void single_retrieve_cut_short_is_eclosed(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN_USER(CAPA_PLAIN), {'E', "RETR 1"}, {'S', "+OK\r\nline\r\n"}, {'C', NULL}, {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    struct got g = {0};
    assert_int_equal(envoi_pop3_retrieve(s, 1, got_write, &g), ENVOI_ECLOSED);
    assert_non_null(strstr(envoi_pop3_error(s)->text, "terminating"));
    done(&fs, s);
}

static void stalled_server_times_out(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN_USER(CAPA_PLAIN), {'E', "STAT"}, {'W', NULL}, {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_int_equal(envoi_pop3_connect(s), 0);
    assert_int_equal(envoi_pop3_set_timeout(s, 300), 0);
    size_t count, octets;
    assert_int_equal(envoi_pop3_stat(s, &count, &octets), ENVOI_ETIMEDOUT);
    assert_non_null(strstr(envoi_pop3_error(s)->text, "STAT"));
    done(&fs, s);
}

static void garbage_is_a_protocol_error(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', "HTTP/1.1 400 Bad Request\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_int_equal(envoi_pop3_connect(s), ENVOI_EPROTOCOL);
    assert_non_null(strstr(envoi_pop3_error(s)->text, "HTTP/1.1"));
    done(&fs, s);
}

static void garbage_in_a_listing_is_a_protocol_error(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN_USER(CAPA_PLAIN),
                                            {'E', "LIST"},
                                            {'S', "+OK\r\n1 10\r\nnonsense\r\n.\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_int_equal(envoi_pop3_list(s, NULL, NULL), ENVOI_EPROTOCOL);
    assert_non_null(strstr(envoi_pop3_error(s)->text, "nonsense"));
    done(&fs, s);
}

static void stat_and_simple_commands(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN_USER(CAPA_PLAIN),
                                            {'E', "STAT"},
                                            {'S', "+OK 2 320\r\n"},
                                            {'E', "NOOP"},
                                            {'S', "+OK\r\n"},
                                            {'E', "DELE 2"},
                                            {'S', "+OK marked\r\n"},
                                            {'E', "RSET"},
                                            {'S', "+OK\r\n"},
                                            {'E', "DELE 9"},
                                            {'S', "-ERR no such message\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "-ERR [SYS/TEMP] could not remove\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    size_t count, octets;
    assert_int_equal(envoi_pop3_stat(s, &count, &octets), 0);
    assert_int_equal(count, 2);
    assert_int_equal(octets, 320);
    assert_int_equal(envoi_pop3_noop(s), 0);
    assert_int_equal(envoi_pop3_delete(s, 2), 0);
    assert_string_equal(envoi_pop3_last_reply(s), "marked");
    assert_int_equal(envoi_pop3_reset(s), 0);
    assert_int_equal(envoi_pop3_delete(s, 9), ENVOI_EPERMFAIL);
    assert_non_null(strstr(envoi_pop3_error(s)->text, "no such message"));
    assert_int_equal(envoi_pop3_quit(s), ENVOI_ETEMPFAIL);
    done(&fs, s);
}

struct trace {
    char text[4096];
    size_t len;
};

static void on_trace(void *ctx, bool sent, const char *line)
{
    struct trace *t = ctx;
    t->len += (size_t)snprintf(t->text + t->len, sizeof t->text - t->len, "%s %s\n",
                               sent ? ">" : "<", line);
}

static void apop_sends_the_digest_and_the_trace_hides_it(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "CAPA"},
                                            {'S', "-ERR unknown command\r\n"},
                                            {'E', "APOP mrose c4c9334bac560ecc979e58001b3e22fb"},
                                            {'S', "+OK mrose's maildrop has 0 messages\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_int_equal(envoi_pop3_set_login(s, "mrose", "tanstaaf"), 0);
    assert_int_equal(envoi_pop3_set_auth_mechanism(s, NULL), 0);
    struct trace t = {{0}, 0};
    envoi_pop3_set_trace(s, on_trace, &t);
    assert_int_equal(envoi_pop3_connect(s), 0);
    assert_string_equal(envoi_pop3_auth_method(s), "APOP");
    assert_null(strstr(t.text, "c4c9334b"));
    assert_non_null(strstr(t.text, "> APOP mrose ****"));
    done(&fs, s);
}

static void sasl_plain_answers_an_empty_challenge_and_hides_the_password(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', "+OK ready\r\n"},
                                            {'E', "CAPA"},
                                            {'S', "+OK\r\nSASL PLAIN\r\n.\r\n"},
                                            {'E', "AUTH PLAIN AGFsaWNlAHNlY3JldA=="},
                                            {'S', "+OK\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_int_equal(envoi_pop3_set_auth_mechanism(s, NULL), 0);
    struct trace t = {{0}, 0};
    envoi_pop3_set_trace(s, on_trace, &t);
    assert_int_equal(envoi_pop3_connect(s), 0);
    assert_string_equal(envoi_pop3_auth_method(s), "PLAIN");
    assert_null(strstr(t.text, "AGFsaWNl"));
    done(&fs, s);
}

static void pass_is_masked_in_the_trace(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN_USER(CAPA_PLAIN), {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    struct trace t = {{0}, 0};
    envoi_pop3_set_trace(s, on_trace, &t);
    assert_int_equal(envoi_pop3_connect(s), 0);
    assert_non_null(strstr(t.text, "> PASS ****"));
    assert_null(strstr(t.text, "secret"));
    done(&fs, s);
}

static int failing_write(void *ctx, const void *data, size_t len)
{
    (void)data;
    (void)len;
    (*(int *)ctx)++;
    return ENVOI_EFILE;
}

static void failed_write_drains_the_message_and_keeps_the_session(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN_USER(CAPA_PLAIN),
                                            {'E', "RETR 1"},
                                            {'S', "+OK\r\nline one\r\nline two\r\n.\r\n"},
                                            {'E', "NOOP"},
                                            {'S', "+OK still here\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    int calls = 0;
    assert_int_equal(envoi_pop3_retrieve(s, 1, failing_write, &calls), ENVOI_EFILE);
    assert_int_equal(calls, 1);
    assert_int_equal(envoi_pop3_noop(s), 0);
    assert_string_equal(envoi_pop3_last_reply(s), "still here");
    done(&fs, s);
}

static void long_sasl_initial_response_waits_for_the_first_challenge(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', "+OK ready\r\n"},   {'E', "CAPA"},   {'S', "+OK\r\nSASL XOAUTH2 PLAIN\r\n.\r\n"},
        {'E', "AUTH XOAUTH2"},    {'S', "+ \r\n"}, {'E', "dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0"},
        {'S', "+OK welcome\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    char token[400];
    memset(token, 't', sizeof token - 1);
    token[sizeof token - 1] = '\0';
    assert_int_equal(envoi_pop3_set_oauth_token(s, "alice", token), 0);
    assert_int_equal(envoi_pop3_set_auth_mechanism(s, NULL), 0);
    struct trace t = {{0}, 0};
    envoi_pop3_set_trace(s, on_trace, &t);
    assert_int_equal(envoi_pop3_connect(s), 0);
    assert_string_equal(envoi_pop3_auth_method(s), "XOAUTH2");
    assert_null(strstr(t.text, "dXNlcj1"));
    done(&fs, s);
}

static void reading_model_moves_and_goes_out_of_range(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN_USER(CAPA_PLAIN),
                                            {'E', "LIST"},
                                            {'S', "+OK\r\n1 30\r\n2 30\r\n.\r\n"},
                                            {'E', "UIDL"},
                                            {'S', "+OK\r\n1 u1\r\n2 u2\r\n.\r\n"},
                                            {'E', "RETR 1"},
                                            {'S', "+OK\r\nSubject: first\r\n\r\nhello\r\n.\r\n"},
                                            {'E', "TOP 2 0"},
                                            {'S', "+OK\r\nSubject: second\r\n\r\n.\r\n"},
                                            {'E', "RETR 1"},
                                            {'S', "+OK\r\nSubject: first\r\n\r\nhello\r\n.\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, script);
    assert_true(envoi_pop3_is_out(s));
    envoi_message *m = NULL;
    assert_int_equal(envoi_pop3_read_first(s, ENVOI_POP3_WHOLE, &m), 0);
    assert_false(envoi_pop3_is_out(s));
    assert_string_equal(envoi_message_get_subject(m), "first");
    const void *raw;
    size_t len;
    assert_int_equal(envoi_part_raw(envoi_message_root(m), &raw, &len), 0);
    assert_int_equal(len, strlen("Subject: first\r\n\r\nhello\r\n"));
    assert_string_equal(envoi_pop3_current(s)->uidl, "u1");
    envoi_message_free(m);
    assert_int_equal(envoi_pop3_read_next(s, ENVOI_POP3_HEADERS, &m), 0);
    assert_string_equal(envoi_message_get_subject(m), "second");
    envoi_message_free(m);
    assert_int_equal(envoi_pop3_read_next(s, ENVOI_POP3_WHOLE, &m), 0);
    assert_null(m);
    assert_true(envoi_pop3_is_out(s));
    assert_null(envoi_pop3_current(s));
    assert_int_equal(envoi_pop3_read_next(s, ENVOI_POP3_WHOLE, &m), 0);
    assert_null(m);
    /* previous from after the last would read 2; here the first is read by number */
    assert_int_equal(envoi_pop3_read_first(s, ENVOI_POP3_WHOLE, &m), 0);
    envoi_message_free(m);
    assert_int_equal(envoi_pop3_read_previous(s, ENVOI_POP3_WHOLE, &m), 0);
    assert_null(m);
    assert_true(envoi_pop3_is_out(s));
    done(&fs, s);
}

static int count_message(void *ctx, const envoi_pop3_entry *e, envoi_message *msg, bool *keep)
{
    (void)keep;
    (void)msg;
    char *seen = ctx;
    strcat(seen, e->uidl);
    strcat(seen, " ");
    return 0;
}

static void unseen_filter_follows_a_changing_uidl_list(void **state)
{
    (void)state;
    char path[] = "/tmp/envoi-pop3-seen-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    static const struct fs_step first[] = {LOGIN_USER(CAPA_PLAIN),
                                           {'E', "LIST"},
                                           {'S', "+OK\r\n1 10\r\n2 10\r\n.\r\n"},
                                           {'E', "UIDL"},
                                           {'S', "+OK\r\n1 A\r\n2 B\r\n.\r\n"},
                                           {'E', "RETR 1"},
                                           {'S', "+OK\r\nSubject: a\r\n\r\n.\r\n"},
                                           {'E', "RETR 2"},
                                           {'S', "+OK\r\nSubject: b\r\n\r\n.\r\n"},
                                           {'E', "QUIT"},
                                           {'S', "+OK\r\n"},
                                           {0, NULL}};
    fault_server fs;
    envoi_pop3 *s = client(&fs, first);
    assert_int_equal(envoi_pop3_set_seen_file(s, path), 0);
    char seen[256] = "";
    assert_int_equal(
        envoi_pop3_get_all(s, ENVOI_POP3_WHOLE, ENVOI_POP3_UNSEEN, NULL, count_message, seen), 0);
    assert_string_equal(seen, "A B ");
    /* Only A was saved: only A is seen. */
    assert_int_equal(envoi_pop3_mark_seen(s, "A"), 0);
    assert_int_equal(envoi_pop3_quit(s), 0);
    done(&fs, s);

    /* The server now lists a new C, then B (not in sorted order); A is gone
     * (deleted elsewhere). */
    static const struct fs_step second[] = {LOGIN_USER(CAPA_PLAIN),
                                            {'E', "LIST"},
                                            {'S', "+OK\r\n1 10\r\n2 10\r\n.\r\n"},
                                            {'E', "UIDL"},
                                            {'S', "+OK\r\n1 C\r\n2 B\r\n.\r\n"},
                                            {'E', "RETR 1"},
                                            {'S', "+OK\r\nSubject: b\r\n\r\n.\r\n"},
                                            {'E', "RETR 2"},
                                            {'S', "+OK\r\nSubject: c\r\n\r\n.\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "+OK\r\n"},
                                            {0, NULL}};
    s = client(&fs, second);
    assert_int_equal(envoi_pop3_set_seen_file(s, path), 0);
    assert_true(envoi_pop3_is_seen(s, "A"));
    seen[0] = '\0';
    assert_int_equal(
        envoi_pop3_get_all(s, ENVOI_POP3_WHOLE, ENVOI_POP3_UNSEEN, NULL, count_message, seen), 0);
    assert_string_equal(seen, "C B ");
    assert_int_equal(envoi_pop3_mark_seen(s, "B"), 0);
    assert_int_equal(envoi_pop3_mark_seen(s, "C"), 0);
    assert_int_equal(envoi_pop3_quit(s), 0);
    done(&fs, s);

    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char text[64] = "";
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_string_equal(text, "B\nC\n"); /* A is no longer on the server: dropped */
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listing_and_pipelined_retrieval_share_round_trips),
        cmocka_unit_test(wrong_password_is_eauth_with_the_servers_words),
        cmocka_unit_test(mailbox_in_use_is_temporary),
        cmocka_unit_test(required_stls_missing_is_enotls_without_login),
        cmocka_unit_test(login_over_plain_text_is_refused_by_default),
        cmocka_unit_test(connection_dropped_mid_retr_never_completes_the_message),
        cmocka_unit_test(single_retrieve_cut_short_is_eclosed),
        cmocka_unit_test(stalled_server_times_out),
        cmocka_unit_test(garbage_is_a_protocol_error),
        cmocka_unit_test(garbage_in_a_listing_is_a_protocol_error),
        cmocka_unit_test(stat_and_simple_commands),
        cmocka_unit_test(apop_sends_the_digest_and_the_trace_hides_it),
        cmocka_unit_test(sasl_plain_answers_an_empty_challenge_and_hides_the_password),
        cmocka_unit_test(pass_is_masked_in_the_trace),
        cmocka_unit_test(failed_write_drains_the_message_and_keeps_the_session),
        cmocka_unit_test(long_sasl_initial_response_waits_for_the_first_challenge),
        cmocka_unit_test(reading_model_moves_and_goes_out_of_range),
        cmocka_unit_test(unseen_filter_follows_a_changing_uidl_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
