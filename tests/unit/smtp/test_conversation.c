/* The SMTP client against a scripted server: each test plays one
 * conversation, good or faulty, and checks the bytes the server received,
 * the result code, its classification and the server's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "envoi.h"
#include "unit/smtp/fault_server.h"

#define GREET "220 mx.test ESMTP ready\r\n"
#define EHLO_PIPE                                                                                  \
    "250-mx.test hello\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250-8BITMIME\r\n"                  \
    "250 ENHANCEDSTATUSCODES\r\n"
#define EHLO_PLAIN "250-mx.test hello\r\n250 ENHANCEDSTATUSCODES\r\n"

static const char *from = "a@example.org";
static const char *one[] = {"b@example.org"};
static const char *two[] = {"b@example.org", "c@example.org"};

static envoi_smtp *client(fault_server *fs, const struct fs_step *script)
{
    fs_start(fs, script);
    envoi_smtp *s = envoi_smtp_new();
    assert_non_null(s);
    assert_int_equal(envoi_smtp_set_server(s, "127.0.0.1", fs->port), 0);
    assert_int_equal(envoi_smtp_set_helo_name(s, "client.test"), 0);
    assert_int_equal(envoi_smtp_set_timeout(s, 5000), 0);
    return s;
}

static void done(fault_server *fs, envoi_smtp *s)
{
    envoi_smtp_free(s);
    const char *failure = fs_finish(fs);
    if (*failure)
        fail_msg("server: %s", failure);
}

static int send_text(envoi_smtp *s, const char *text, const char **rcpts, size_t n)
{
    return envoi_smtp_send_data(s, text, strlen(text), from, rcpts, n);
}

static void pipelined_send_puts_exact_bytes_on_the_wire(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', EHLO_PIPE},
        {'E', "MAIL"},
        {'E', "RCPT"},
        {'E', "DATA"},
        {'S', "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n"},
        {'D', NULL},
        {'S', "250 2.0.0 Ok: queued as ABC\r\n"},
        {'E', "QUIT"},
        {'S', "221 2.0.0 Bye\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    /* Leading dots, bare LF, bare CR, and a smuggling attempt "\n.\n". */
    const char *msg = "Subject: t\n\n.hello\nbare\rcr\r\n..two\nx\n.\nafter";
    assert_int_equal(send_text(s, msg, one, 1), 0);
    assert_string_equal(envoi_smtp_last_reply(s), "250 2.0.0 Ok: queued as ABC");
    size_t n = 0;
    const envoi_rcpt_status *st = envoi_smtp_recipients(s, &n);
    assert_int_equal(n, 1);
    assert_true(st[0].accepted);
    assert_int_equal(st[0].reply_code, 250);
    assert_string_equal(st[0].enhanced, "2.1.5");
    assert_int_equal(envoi_smtp_quit(s), 0);
    done(&fs, s);
    const char *body = "Subject: t\r\n\r\n..hello\r\nbare\r\ncr\r\n...two\r\nx\r\n..\r\nafter\r\n";
    char expect[1024];
    snprintf(expect, sizeof expect,
             "EHLO client.test\r\nMAIL FROM:<a@example.org> SIZE=%zu\r\n"
             "RCPT TO:<b@example.org>\r\nDATA\r\n%s.\r\nQUIT\r\n",
             strlen(body) - 3, body); /* SIZE counts no stuffing dots */
    assert_string_equal(fs.got, expect);
    fs_free(&fs);
}

static void helo_is_used_when_ehlo_is_unknown(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "EHLO client.test"},
                                            {'S', "502 unknown command\r\n"},
                                            {'E', "HELO client.test"},
                                            {'S', "250 mx.test\r\n"},
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'S', "250 ok\r\n"},
                                            {'E', "RCPT TO:<b@example.org>"},
                                            {'S', "250 ok\r\n"},
                                            {'E', "DATA"},
                                            {'S', "354 go\r\n"},
                                            {'D', NULL},
                                            {'S', "250 queued\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "Subject: x\r\n\r\nhi\r\n", one, 1), 0);
    assert_int_equal(envoi_smtp_extensions(s), 0);
    done(&fs, s);
    assert_string_equal(fs.body, "Subject: x\r\n\r\nhi\r\n");
    fs_free(&fs);
}

static void greeting_refusal_is_permanent_with_the_servers_words(void **state)
{
    static const struct fs_step script[] = {
        {'S', "554 5.3.2 no mail from you\r\n"}, {'E', "QUIT"}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(envoi_smtp_connect(s), ENVOI_EPERMFAIL);
    const envoi_error *e = envoi_smtp_error(s);
    assert_int_equal(e->reply_code, 554);
    assert_non_null(strstr(e->text, "no mail from you"));
    assert_false(envoi_error_is_temporary(e));
    done(&fs, s);
    fs_free(&fs);
}

static void greeting_421_is_temporary(void **state)
{
    static const struct fs_step script[] = {{'S', "421 mx.test busy, try later\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "x\r\n", one, 1), ENVOI_ETEMPFAIL);
    assert_int_equal(envoi_smtp_error(s)->reply_code, 421);
    assert_true(envoi_error_is_temporary(envoi_smtp_error(s)));
    assert_non_null(strstr(envoi_smtp_error(s)->text, "busy, try later"));
    done(&fs, s);
    fs_free(&fs);
}

static void ehlo_4xx_is_temporary(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET}, {'E', "EHLO"}, {'S', "451 local problem\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(envoi_smtp_connect(s), ENVOI_ETEMPFAIL);
    assert_int_equal(envoi_smtp_error(s)->reply_code, 451);
    assert_non_null(strstr(envoi_smtp_error(s)->text, "local problem"));
    done(&fs, s);
    fs_free(&fs);
}

static void mail_refusal_resets_and_session_sends_next_message(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "EHLO"},
                                            {'S', EHLO_PLAIN},
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'S', "550 5.7.1 sender blocked\r\n"},
                                            {'E', "RSET"},
                                            {'S', "250 2.0.0 ok\r\n"},
                                            {'E', "MAIL FROM:<a@example.org>"},
                                            {'S', "250 2.1.0 ok\r\n"},
                                            {'E', "RCPT TO:<b@example.org>"},
                                            {'S', "250 2.1.5 ok\r\n"},
                                            {'E', "DATA"},
                                            {'S', "354 go\r\n"},
                                            {'D', NULL},
                                            {'S', "250 2.0.0 queued\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "221 bye\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "one\r\n", one, 1), ENVOI_EPERMFAIL);
    const envoi_error *e = envoi_smtp_error(s);
    assert_int_equal(e->reply_code, 550);
    assert_string_equal(e->enhanced, "5.7.1");
    assert_non_null(strstr(e->text, "sender blocked"));
    assert_null(strstr(e->text, "5.7.1"));
    assert_int_equal(send_text(s, "two\r\n", one, 1), 0);
    assert_string_equal(envoi_smtp_last_reply(s), "250 2.0.0 queued");
    assert_int_equal(envoi_smtp_quit(s), 0);
    done(&fs, s);
    assert_string_equal(fs.body, "two\r\n");
    fs_free(&fs);
}

static void every_recipient_refused_is_enorcpt(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', EHLO_PIPE},
        {'E', "MAIL"},
        {'E', "RCPT TO:<b@"},
        {'E', "RCPT TO:<c@"},
        {'S', "250 2.1.0 ok\r\n550 5.1.1 no such user b\r\n450 4.2.0 c greylisted\r\n"},
        {'E', "RSET"},
        {'S', "250 ok\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "x\r\n", two, 2), ENVOI_ENORCPT);
    const envoi_error *e = envoi_smtp_error(s);
    assert_int_equal(e->reply_code, 550);
    assert_non_null(strstr(e->text, "b@example.org"));
    assert_non_null(strstr(e->text, "no such user b"));
    assert_non_null(strstr(e->text, "c greylisted"));
    size_t n;
    const envoi_rcpt_status *st = envoi_smtp_recipients(s, &n);
    assert_int_equal(n, 2);
    assert_false(st[0].accepted);
    assert_int_equal(st[1].reply_code, 450);
    assert_string_equal(st[1].enhanced, "4.2.0");
    done(&fs, s);
    assert_null(strstr(fs.got, "DATA"));
    fs_free(&fs);
}

static void some_refused_fails_the_message_without_partial_send(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', EHLO_PIPE},
        {'E', "MAIL"},
        {'E', "RCPT TO:<b@"},
        {'E', "RCPT TO:<c@"},
        {'S', "250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 unknown c\r\n"},
        {'E', "RSET"},
        {'S', "250 ok\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "x\r\n", two, 2), ENVOI_EPERMFAIL);
    assert_non_null(strstr(envoi_smtp_error(s)->text, "c@example.org"));
    assert_null(strstr(envoi_smtp_error(s)->text, "b@example.org"));
    size_t n;
    const envoi_rcpt_status *st = envoi_smtp_recipients(s, &n);
    assert_false(st[0].accepted);
    assert_false(st[1].accepted);
    done(&fs, s);
    assert_null(strstr(fs.got, "DATA"));
    fs_free(&fs);
}

static void some_refused_sends_to_the_others_with_partial_send(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', EHLO_PIPE},
        {'E', "MAIL"},
        {'E', "RCPT TO:<b@"},
        {'E', "RCPT TO:<c@"},
        {'E', "DATA"},
        {'S', "250 2.1.0 ok\r\n550 5.1.1 unknown b\r\n250 2.1.5 ok\r\n354 go\r\n"},
        {'D', NULL},
        {'S', "250 2.0.0 queued\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_partial_send(s, true);
    assert_int_equal(send_text(s, "x\r\n", two, 2), 0);
    size_t n;
    const envoi_rcpt_status *st = envoi_smtp_recipients(s, &n);
    assert_false(st[0].accepted);
    assert_int_equal(st[0].reply_code, 550);
    assert_string_equal(st[0].text, "unknown b");
    assert_true(st[1].accepted);
    done(&fs, s);
    assert_string_equal(fs.body, "x\r\n");
    fs_free(&fs);
}

static void data_refusal_is_permanent(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},        {'E', "EHLO"},       {'S', EHLO_PLAIN},
        {'E', "MAIL"},       {'S', "250 ok\r\n"}, {'E', "RCPT"},
        {'S', "250 ok\r\n"}, {'E', "DATA"},       {'S', "554 5.5.1 no valid recipients\r\n"},
        {'E', "RSET"},       {'S', "250 ok\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "x\r\n", one, 1), ENVOI_EPERMFAIL);
    assert_int_equal(envoi_smtp_error(s)->reply_code, 554);
    assert_string_equal(envoi_smtp_error(s)->enhanced, "5.5.1");
    done(&fs, s);
    fs_free(&fs);
}

static void end_of_data_4xx_is_temporary(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "EHLO"},
                                            {'S', EHLO_PIPE},
                                            {'E', "MAIL"},
                                            {'E', "RCPT"},
                                            {'E', "DATA"},
                                            {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
                                            {'D', NULL},
                                            {'S', "452 4.3.1 insufficient storage\r\n"},
                                            {'E', "QUIT"},
                                            {'S', "221 bye\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "x\r\n", one, 1), ENVOI_ETEMPFAIL);
    const envoi_error *e = envoi_smtp_error(s);
    assert_int_equal(e->reply_code, 452);
    assert_string_equal(e->enhanced, "4.3.1");
    assert_non_null(strstr(e->text, "insufficient storage"));
    assert_true(envoi_error_is_temporary(e));
    assert_string_equal(envoi_smtp_last_reply(s), "452 4.3.1 insufficient storage");
    envoi_smtp_quit(s);
    done(&fs, s);
    fs_free(&fs);
}

static void drop_during_data_is_eclosed_and_temporary(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "EHLO"},
                                            {'S', EHLO_PIPE},
                                            {'E', "MAIL"},
                                            {'E', "RCPT"},
                                            {'E', "DATA"},
                                            {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
                                            {'C', NULL},
                                            {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    int rc = send_text(s, "Subject: x\r\n\r\nbody\r\n", one, 1);
    assert_int_equal(rc, ENVOI_ECLOSED);
    assert_true(envoi_error_is_temporary(envoi_smtp_error(s)));
    done(&fs, s);
    fs_free(&fs);
}

static void stalled_server_times_out(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},  {'E', "EHLO"}, {'S', EHLO_PLAIN},
                                            {'E', "MAIL"}, {'W', NULL},   {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_timeout(s, 300);
    assert_int_equal(send_text(s, "x\r\n", one, 1), ENVOI_ETIMEDOUT);
    assert_true(envoi_error_is_temporary(envoi_smtp_error(s)));
    assert_non_null(strstr(envoi_smtp_error(s)->text, "MAIL"));
    done(&fs, s);
    fs_free(&fs);
}

static void garbage_reply_is_eprotocol_quoting_the_line(void **state)
{
    static const struct fs_step script[] = {{'S', "HTTP/1.1 400 Bad Request\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(envoi_smtp_connect(s), ENVOI_EPROTOCOL);
    assert_non_null(strstr(envoi_smtp_error(s)->text, "HTTP/1.1 400 Bad Request"));
    done(&fs, s);
    fs_free(&fs);
}

static void garbage_mid_conversation_is_eprotocol(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET}, {'E', "EHLO"}, {'S', "250-mx.test\r\n2501 what\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(envoi_smtp_connect(s), ENVOI_EPROTOCOL);
    assert_non_null(strstr(envoi_smtp_error(s)->text, "2501 what"));
    done(&fs, s);
    fs_free(&fs);
}

static void starttls_required_but_not_offered_is_enotls(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET}, {'E', "EHLO"}, {'S', EHLO_PIPE "250 AUTH PLAIN\r\n"}, {0, NULL}};
    /* EHLO_PIPE ends with a final line; the extra line is never read. */
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_security(s, ENVOI_SECURITY_STARTTLS);
    envoi_smtp_set_login(s, "alice", "secret");
    assert_int_equal(send_text(s, "x\r\n", one, 1), ENVOI_ENOTLS);
    assert_false(envoi_error_is_temporary(envoi_smtp_error(s)));
    done(&fs, s);
    assert_null(strstr(fs.got, "AUTH"));
    assert_null(strstr(fs.got, "MAIL"));
    assert_null(strstr(fs.got, "secret"));
    fs_free(&fs);
}

static void auth_over_plain_connection_is_refused_by_default(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET}, {'E', "EHLO"}, {'S', "250-mx.test\r\n250 AUTH PLAIN LOGIN\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_login(s, "alice", "secret");
    assert_int_equal(envoi_smtp_connect(s), ENVOI_EAUTHPLAIN);
    done(&fs, s);
    assert_null(strstr(fs.got, "AUTH"));
    fs_free(&fs);
}

struct trace_log {
    char text[4096];
    size_t len;
};

static void record_trace(void *ctx, bool sent, const char *line)
{
    struct trace_log *t = ctx;
    int n = snprintf(t->text + t->len, sizeof t->text - t->len, "%s %s\n", sent ? ">" : "<", line);
    if (n > 0 && t->len + (size_t)n < sizeof t->text)
        t->len += (size_t)n;
}

static void auth_plain_when_allowed_masks_the_trace(void **state)
{
    /* base64("\0alice\0secret") */
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', "250-mx.test\r\n250-AUTH=LOGIN PLAIN\r\n250 AUTH LOGIN PLAIN\r\n"},
        {'E', "AUTH PLAIN AGFsaWNlAHNlY3JldA=="},
        {'S', "235 2.7.0 ok\r\n"},
        {0, NULL}};
    fault_server fs;
    struct trace_log log = {.len = 0};
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_trace(s, record_trace, &log);
    envoi_smtp_set_login(s, "alice", "secret");
    envoi_smtp_set_allow_plaintext_auth(s, true);
    assert_int_equal(envoi_smtp_connect(s), 0);
    assert_string_equal(envoi_smtp_auth_mechanisms(s), "LOGIN PLAIN");
    done(&fs, s);
    assert_non_null(strstr(log.text, "> AUTH PLAIN ****"));
    assert_null(strstr(log.text, "AGFsaWNl"));
    fs_free(&fs);
}

static void auth_login_answers_both_prompts(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "EHLO"},
                                            {'S', "250-mx.test\r\n250 AUTH LOGIN\r\n"},
                                            {'E', "AUTH LOGIN"},
                                            {'S', "334 VXNlcm5hbWU6\r\n"},
                                            {'E', "YWxpY2U="},
                                            {'S', "334 UGFzc3dvcmQ6\r\n"},
                                            {'E', "c2VjcmV0"},
                                            {'S', "235 ok\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_login(s, "alice", "secret");
    envoi_smtp_set_allow_plaintext_auth(s, true);
    assert_int_equal(envoi_smtp_connect(s), 0);
    done(&fs, s);
    fs_free(&fs);
}

static void wrong_password_is_eauth_with_the_servers_words(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', "250-mx.test\r\n250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN CRAM-MD5\r\n"},
        {'E', "AUTH CRAM-MD5"},
        {'S', "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"},
        {'E', "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"},
        {'S', "535 5.7.8 Authentication credentials invalid\r\n"},
        {'E', "QUIT"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_login(s, "tim", "tanstaaftanstaaf");
    envoi_smtp_set_allow_plaintext_auth(s, true);
    assert_int_equal(envoi_smtp_connect(s), ENVOI_EAUTH);
    const envoi_error *e = envoi_smtp_error(s);
    assert_int_equal(e->reply_code, 535);
    assert_string_equal(e->enhanced, "5.7.8");
    assert_non_null(strstr(e->text, "credentials invalid"));
    done(&fs, s);
    fs_free(&fs);
}

static void message_over_size_limit_is_etoobig_before_mail(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},  {'E', "EHLO"},        {'S', "250-mx.test\r\n250 SIZE 100\r\n"},
        {'E', "QUIT"}, {'S', "221 bye\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    char big[400];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(send_text(s, big, one, 1), ENVOI_ETOOBIG);
    assert_int_equal(envoi_smtp_size_limit(s), 100);
    envoi_smtp_quit(s);
    done(&fs, s);
    assert_null(strstr(fs.got, "MAIL"));
    fs_free(&fs);
}

static void chunking_sends_small_message_as_one_pipelined_bdat(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', "250-mx.test\r\n250-PIPELINING\r\n250 CHUNKING\r\n"},
        {'E', "MAIL"},
        {'E', "RCPT"},
        {'B', NULL},
        {'S', "250 ok\r\n250 ok\r\n250 queued by bdat\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "Subject: c\n\n.dot stays\n", one, 1), 0);
    assert_string_equal(envoi_smtp_last_reply(s), "250 queued by bdat");
    done(&fs, s);
    assert_non_null(strstr(fs.got, "BDAT 26 LAST\r\n"));
    assert_string_equal(fs.body, "Subject: c\r\n\r\n.dot stays\r\n");
    fs_free(&fs);
}

static void chunking_cuts_large_message_into_chunks(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "EHLO"},
                                            {'S', "250-mx.test\r\n250 CHUNKING\r\n"},
                                            {'E', "MAIL"},
                                            {'S', "250 ok\r\n"},
                                            {'E', "RCPT"},
                                            {'S', "250 ok\r\n"},
                                            {'B', NULL},
                                            {'S', "250 chunk\r\n"},
                                            {'B', NULL},
                                            {'S', "250 chunk\r\n"},
                                            {'B', NULL},
                                            {'S', "250 all queued\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    size_t len = 300 * 1024;
    char *big = malloc(len);
    for (size_t i = 0; i < len; i++)
        big[i] = i % 100 == 99 ? '\n' : 'x';
    assert_int_equal(envoi_smtp_send_data(s, big, len, from, one, 1), 0);
    done(&fs, s);
    assert_non_null(strstr(fs.got, "BDAT 131072\r\n"));
    assert_non_null(strstr(fs.got, " LAST\r\n"));
    assert_int_equal(fs.body_len, len + len / 100);
    free(big);
    fs_free(&fs);
}

static void non_ascii_local_part_without_smtputf8_is_eunsupported(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET}, {'E', "EHLO"}, {'S', EHLO_PIPE}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    const char *rcpt[] = {"jos\xc3\xa9@example.org"};
    assert_int_equal(send_text(s, "x\r\n", rcpt, 1), ENVOI_EUNSUPPORTED);
    done(&fs, s);
    assert_null(strstr(fs.got, "MAIL"));
    fs_free(&fs);
}

static void non_ascii_address_uses_smtputf8_when_offered(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "EHLO"},
                                            {'S', "250-mx.test\r\n250 SMTPUTF8\r\n"},
                                            {'E', "MAIL FROM:<a@example.org> SMTPUTF8"},
                                            {'S', "250 ok\r\n"},
                                            {'E', "RCPT TO:<jos\xc3\xa9@b\xc3\xbc"
                                                  "cher.example>"},
                                            {'S', "250 ok\r\n"},
                                            {'E', "DATA"},
                                            {'S', "354 go\r\n"},
                                            {'D', NULL},
                                            {'S', "250 ok\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    const char *rcpt[] = {"Jos\xc3\xa9 <jos\xc3\xa9@b\xc3\xbc"
                          "cher.example>"};
    assert_int_equal(send_text(s, "x\r\n", rcpt, 1), 0);
    done(&fs, s);
    fs_free(&fs);
}

static void idna_domain_is_converted_in_rcpt(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},        {'E', "EHLO"},
        {'S', EHLO_PLAIN},   {'E', "MAIL FROM:<a@example.org>"},
        {'S', "250 ok\r\n"}, {'E', "RCPT TO:<b@xn--bcher-kva.example>"},
        {'S', "250 ok\r\n"}, {'E', "DATA"},
        {'S', "354 go\r\n"}, {'D', NULL},
        {'S', "250 ok\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    const char *rcpt[] = {"b@b\xc3\xbc"
                          "cher.example"};
    assert_int_equal(send_text(s, "x\r\n", rcpt, 1), 0);
    size_t n;
    assert_string_equal(envoi_smtp_recipients(s, &n)[0].address, rcpt[0]);
    done(&fs, s);
    fs_free(&fs);
}

static void dsn_parameters_go_with_mail_and_rcpt(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', "250-mx.test\r\n250 DSN\r\n"},
        {'E', "MAIL FROM:<a@example.org> RET=HDRS ENVID=id+2B1"},
        {'S', "250 ok\r\n"},
        {'E', "RCPT TO:<b@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.org"},
        {'S', "250 ok\r\n"},
        {'E', "DATA"},
        {'S', "354 go\r\n"},
        {'D', NULL},
        {'S', "250 ok\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_dsn(s, ENVOI_DSN_SUCCESS | ENVOI_DSN_FAILURE, ENVOI_DSN_RET_HDRS, "id+1");
    assert_int_equal(send_text(s, "x\r\n", one, 1), 0);
    done(&fs, s);
    fs_free(&fs);
}

static void smtp_sink_style_empty_last_ehlo_line_is_accepted(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', "250-mx.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-CHUNKING\r\n250 \r\n"},
        {'E', "QUIT"},
        {'S', "221 bye\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(envoi_smtp_connect(s), 0);
    assert_int_equal(envoi_smtp_extensions(s),
                     ENVOI_SMTP_EXT_PIPELINING | ENVOI_SMTP_EXT_8BITMIME | ENVOI_SMTP_EXT_CHUNKING);
    assert_string_equal(envoi_smtp_ehlo_lines(s), "PIPELINING\n8BITMIME\nCHUNKING");
    assert_int_equal(envoi_smtp_quit(s), 0);
    done(&fs, s);
    fs_free(&fs);
}

static void eight_bit_body_declares_8bitmime(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "EHLO"},
                                            {'S', EHLO_PIPE},
                                            {'E', "MAIL FROM:<a@example.org> SIZE=9 BODY=8BITMIME"},
                                            {'E', "RCPT"},
                                            {'E', "DATA"},
                                            {'S', "250 ok\r\n250 ok\r\n354 go\r\n"},
                                            {'D', NULL},
                                            {'S', "250 ok\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "caf\xc3\xa9 !\n", one, 1), 0);
    done(&fs, s);
    fs_free(&fs);
}

static void file_is_sent_as_is_with_crlf_line_ends(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},        {'E', "EHLO"}, {'S', EHLO_PLAIN},   {'E', "MAIL FROM:<>"},
        {'S', "250 ok\r\n"}, {'E', "RCPT"}, {'S', "250 ok\r\n"}, {'E', "DATA"},
        {'S', "354 go\r\n"}, {'D', NULL},   {'S', "250 ok\r\n"}, {0, NULL}};
    char path[] = "/tmp/envoi-smtp-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *content = "From: a@example.org\nSubject: file\n\n.line\nlast";
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(envoi_smtp_send_file(s, path, "", one, 1), 0);
    unlink(path);
    done(&fs, s);
    assert_string_equal(fs.body, "From: a@example.org\r\nSubject: file\r\n\r\n..line\r\nlast\r\n");
    fs_free(&fs);
}

static void missing_file_is_efile(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET}, {'E', "EHLO"}, {'S', EHLO_PLAIN}, {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(envoi_smtp_send_file(s, "/nonexistent/msg.eml", from, one, 1), ENVOI_EFILE);
    done(&fs, s);
    fs_free(&fs);
}

static void quit_tolerates_a_server_that_hangs_up(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},  {'E', "EHLO"}, {'S', EHLO_PLAIN},
                                            {'E', "QUIT"}, {'C', NULL},   {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(envoi_smtp_connect(s), 0);
    assert_int_equal(envoi_smtp_quit(s), 0);
    done(&fs, s);
    fs_free(&fs);
}

static void composed_message_is_serialized_and_sent(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},
                                            {'E', "EHLO"},
                                            {'S', EHLO_PIPE},
                                            {'E', "MAIL FROM:<ann@example.org>"},
                                            {'E', "RCPT TO:<bob@example.org>"},
                                            {'E', "RCPT TO:<cc@example.org>"},
                                            {'E', "DATA"},
                                            {'S', "250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"},
                                            {'D', NULL},
                                            {'S', "250 2.0.0 queued\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_partial_send(s, true);
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "Ann <ann@example.org>"), 0);
    assert_int_equal(envoi_message_add_to(m, "Bob <bob@example.org>"), 0);
    assert_int_equal(envoi_message_add_bcc(m, "cc@example.org"), 0);
    assert_int_equal(envoi_message_set_subject(m, "composed"), 0);
    assert_int_equal(envoi_message_set_text(m, ".dot\nline\n", 10), 0);
    assert_int_equal(envoi_smtp_send(s, m), 0);
    size_t n;
    envoi_smtp_recipients(s, &n);
    assert_int_equal(n, 2);
    envoi_message_free(m);
    done(&fs, s);
    assert_non_null(strstr(fs.body, "Subject: composed\r\n"));
    assert_non_null(strstr(fs.body, "\r\n..dot\r\n"));
    assert_null(strstr(fs.body, "cc@example.org"));
    fs_free(&fs);
}

static void oauthbearer_is_chosen_when_a_token_is_set(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', "250-mx.test\r\n250 AUTH PLAIN XOAUTH2 OAUTHBEARER\r\n"},
        {'E', "AUTH OAUTHBEARER bixhPXVAZXhhbXBsZS5vcmcsAWhvc3Q9MTI3LjAuMC4xAXBvcnQ9"},
        {'S', "235 ok\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_oauth_token(s, "u@example.org", "tok");
    envoi_smtp_set_allow_plaintext_auth(s, true);
    assert_int_equal(envoi_smtp_connect(s), 0);
    done(&fs, s);
    fs_free(&fs);
}

static void xoauth2_error_challenge_ends_in_eauth(void **state)
{
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "EHLO"},
        {'S', "250-mx.test\r\n250 AUTH XOAUTH2\r\n"},
        {'E', "AUTH XOAUTH2 dXNlcj11QGV4YW1wbGUub3JnAWF1dGg9QmVhcmVyIHRvawEB"},
        {'S', "334 eyJzdGF0dXMiOiI0MDEifQ==\r\n"},
        {'E', ""},
        {'S', "535 5.7.8 Username and Password not accepted\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    envoi_smtp_set_oauth_token(s, "u@example.org", "tok");
    envoi_smtp_set_auth_mechanism(s, "XOAUTH2");
    envoi_smtp_set_allow_plaintext_auth(s, true);
    assert_int_equal(envoi_smtp_connect(s), ENVOI_EAUTH);
    assert_non_null(strstr(envoi_smtp_error(s)->text, "not accepted"));
    done(&fs, s);
    fs_free(&fs);
}

static void session_reconnects_after_a_dropped_connection(void **state)
{
    static const struct fs_step script[] = {{'S', GREET},  {'E', "EHLO"}, {'S', EHLO_PLAIN},
                                            {'E', "MAIL"}, {'C', NULL},   {0, NULL}};
    fault_server fs;
    envoi_smtp *s = client(&fs, script);
    assert_int_equal(send_text(s, "x\r\n", one, 1), ENVOI_ECLOSED);
    fs_finish(&fs);
    fs_free(&fs);
    static const struct fs_step again[] = {
        {'S', GREET},        {'E', "EHLO"}, {'S', EHLO_PLAIN},   {'E', "MAIL"},
        {'S', "250 ok\r\n"}, {'E', "RCPT"}, {'S', "250 ok\r\n"}, {'E', "DATA"},
        {'S', "354 go\r\n"}, {'D', NULL},   {'S', "250 ok\r\n"}, {0, NULL}};
    fs_start(&fs, again);
    envoi_smtp_set_server(s, "127.0.0.1", fs.port);
    assert_int_equal(send_text(s, "x\r\n", one, 1), 0);
    done(&fs, s);
    fs_free(&fs);
}

int main(void)
{
    envoi_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipelined_send_puts_exact_bytes_on_the_wire),
        cmocka_unit_test(helo_is_used_when_ehlo_is_unknown),
        cmocka_unit_test(greeting_refusal_is_permanent_with_the_servers_words),
        cmocka_unit_test(greeting_421_is_temporary),
        cmocka_unit_test(ehlo_4xx_is_temporary),
        cmocka_unit_test(mail_refusal_resets_and_session_sends_next_message),
        cmocka_unit_test(every_recipient_refused_is_enorcpt),
        cmocka_unit_test(some_refused_fails_the_message_without_partial_send),
        cmocka_unit_test(some_refused_sends_to_the_others_with_partial_send),
        cmocka_unit_test(data_refusal_is_permanent),
        cmocka_unit_test(end_of_data_4xx_is_temporary),
        cmocka_unit_test(drop_during_data_is_eclosed_and_temporary),
        cmocka_unit_test(stalled_server_times_out),
        cmocka_unit_test(garbage_reply_is_eprotocol_quoting_the_line),
        cmocka_unit_test(garbage_mid_conversation_is_eprotocol),
        cmocka_unit_test(starttls_required_but_not_offered_is_enotls),
        cmocka_unit_test(auth_over_plain_connection_is_refused_by_default),
        cmocka_unit_test(auth_plain_when_allowed_masks_the_trace),
        cmocka_unit_test(auth_login_answers_both_prompts),
        cmocka_unit_test(wrong_password_is_eauth_with_the_servers_words),
        cmocka_unit_test(message_over_size_limit_is_etoobig_before_mail),
        cmocka_unit_test(chunking_sends_small_message_as_one_pipelined_bdat),
        cmocka_unit_test(chunking_cuts_large_message_into_chunks),
        cmocka_unit_test(non_ascii_local_part_without_smtputf8_is_eunsupported),
        cmocka_unit_test(non_ascii_address_uses_smtputf8_when_offered),
        cmocka_unit_test(idna_domain_is_converted_in_rcpt),
        cmocka_unit_test(dsn_parameters_go_with_mail_and_rcpt),
        cmocka_unit_test(smtp_sink_style_empty_last_ehlo_line_is_accepted),
        cmocka_unit_test(eight_bit_body_declares_8bitmime),
        cmocka_unit_test(file_is_sent_as_is_with_crlf_line_ends),
        cmocka_unit_test(missing_file_is_efile),
        cmocka_unit_test(quit_tolerates_a_server_that_hangs_up),
        cmocka_unit_test(composed_message_is_serialized_and_sent),
        cmocka_unit_test(oauthbearer_is_chosen_when_a_token_is_set),
        cmocka_unit_test(xoauth2_error_challenge_ends_in_eauth),
        cmocka_unit_test(session_reconnects_after_a_dropped_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
