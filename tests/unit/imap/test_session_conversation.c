/* The IMAP client against a scripted server: each test plays one
 * conversation, good or faulty (a greeting BYE, STARTTLS refused, a BYE in
 * the middle of a FETCH, literal sizes that lie, unbalanced parentheses, a
 * server that stops answering, NO and BAD), and checks what the client
 * sent, the result code and its class, the server's words, and that a
 * message cut short is never reported complete. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "envoi.h"
#include "unit/smtp/fault_server.h"

#define GREET "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS] ready\r\n"
#define LOGIN                                                                                      \
    {'S', GREET}, {'E', "A0001 LOGIN \"alice\" \"se\\\"cret\""},                                   \
    {                                                                                              \
        'S', "A0001 OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE] in\r\n"                   \
    }
#define SELECT                                                                                     \
    {'E', "A0002 SELECT \"INBOX\""},                                                               \
    {                                                                                              \
        'S', "* 3 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n* OK [UIDNEXT 9] ok\r\n"                   \
             "* FLAGS (\\Seen \\Deleted)\r\nA0002 OK [READ-WRITE] selected\r\n"                    \
    }

static envoi_imap *client(fault_server *fs, const struct fs_step *script)
{
    fs_start(fs, script);
    envoi_imap *s = envoi_imap_new();
    assert_non_null(s);
    assert_int_equal(envoi_imap_set_server(s, "127.0.0.1", fs->port), 0);
    assert_int_equal(envoi_imap_set_login(s, "alice", "se\"cret"), 0);
    assert_int_equal(envoi_imap_set_auth_mechanism(s, "LOGIN-COMMAND"), 0);
    assert_int_equal(envoi_imap_set_allow_plaintext_auth(s, true), 0);
    assert_int_equal(envoi_imap_set_timeout(s, 5000), 0);
    return s;
}

static void done(fault_server *fs, envoi_imap *s)
{
    envoi_imap_free(s);
    const char *failure = fs_finish(fs);
    if (*failure)
        fail_msg("server: %s", failure);
    fs_free(fs);
}

struct got {
    char data[65536];
    size_t len;
    uint32_t begun[80], ended[80];
    int status[80];
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

static int got_begin(void *ctx, uint32_t uid, uint64_t size)
{
    (void)size;
    struct got *g = ctx;
    g->begun[g->nbegun++] = uid;
    return 0;
}

static int got_end(void *ctx, uint32_t uid, int status)
{
    struct got *g = ctx;
    g->status[g->nended] = status;
    g->ended[g->nended++] = uid;
    return status == 0 ? got_write(ctx, "|", 1) : 0;
}

static const envoi_imap_retrieve_cb got_cb = {got_begin, got_write, got_end};

static void login_select_and_retrieve(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN,
        SELECT,
        {'E', "A0003 UID FETCH 2:3,7 (UID BODY.PEEK[])"},
        {'S', "* 1 FETCH (UID 2 BODY[] {5}\r\nHello FLAGS (\\Seen))\r\n"
              "* 2 FETCH (BODY[] {3}\r\nabc UID 3)\r\n" /* the UID after the body */
              "* 2 FETCH (FLAGS (\\Deleted))\r\n"       /* unsolicited */
              "* 3 FETCH (UID 7 BODY[] NIL)\r\n"
              "A0003 OK done\r\n"},
        {'E', "A0004 LOGOUT"},
        {'S', "* BYE bye\r\nA0004 OK out\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    const envoi_imap_mailbox *mb = envoi_imap_selected(s);
    assert_int_equal(mb->exists, 3);
    assert_int_equal(mb->uidvalidity, 42);
    assert_int_equal(mb->uidnext, 9);
    assert_false(mb->read_only);
    assert_int_equal(mb->flags, ENVOI_IMAP_SEEN | ENVOI_IMAP_DELETED);
    assert_true(envoi_imap_has_capability(s, "move"));
    struct got g = {0};
    uint32_t uids[] = {7, 3, 2};
    assert_int_equal(envoi_imap_retrieve_many(s, uids, 3, ENVOI_IMAP_WHOLE, &got_cb, &g), 0);
    assert_int_equal(g.nended, 3);
    assert_int_equal(g.ended[0], 2);
    assert_int_equal(g.ended[1], 3);
    assert_int_equal(g.ended[2], 7);
    assert_int_equal(g.len, strlen("Hello|abc||"));
    assert_memory_equal(g.data, "Hello|abc||", g.len);
    assert_int_equal(envoi_imap_logout(s), 0);
    done(&fs, s);
}

static void greeting_bye_is_a_refusal_with_the_servers_words(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', "* BYE [UNAVAILABLE] too busy, later\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_connect(s), ENVOI_ETEMPFAIL);
    assert_non_null(strstr(envoi_imap_error(s)->text, "too busy, later"));
    assert_string_equal(envoi_imap_error(s)->enhanced, "UNAVAILABLE");
    done(&fs, s);
}

static void starttls_refused_is_enotls_without_login(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"},
                                            {'E', "A0001 STARTTLS"},
                                            {'S', "A0001 NO not today\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_set_security(s, ENVOI_SECURITY_STARTTLS), 0);
    assert_int_equal(envoi_imap_connect(s), ENVOI_ENOTLS);
    assert_non_null(strstr(envoi_imap_error(s)->text, "not today"));
    envoi_imap_free(s);
    fs_finish(&fs);
    assert_null(strstr(fs.got, "LOGIN"));
    assert_null(strstr(fs.got, "cret"));
    fs_free(&fs);
}

static void starttls_not_offered_is_enotls_without_login(void **state)
{
    (void)state;
    static const struct fs_step script[] = {{'S', "* OK ready\r\n"},
                                            {'E', "A0001 CAPABILITY"},
                                            {'S', "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"
                                                  "A0001 OK\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_set_security(s, ENVOI_SECURITY_STARTTLS), 0);
    assert_int_equal(envoi_imap_connect(s), ENVOI_ENOTLS);
    envoi_imap_free(s);
    fs_finish(&fs);
    assert_null(strstr(fs.got, "LOGIN"));
    assert_null(strstr(fs.got, "AUTHENTICATE"));
    fs_free(&fs);
}

static void trace_line(void *ctx, bool sent, const char *line)
{
    char *t = ctx;
    size_t n = strlen(t);
    snprintf(t + n, 4096 - n, "%s%s\n", sent ? "C: " : "S: ", line);
}

static void login_refused_is_eauth_and_the_trace_hides_the_password(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "A0001 LOGIN \"alice\" \"se\\\"cret\""},
        {'S', "* OK [ALERT] Your account expires soon\r\n"
              "A0001 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    char trace[4096] = "";
    assert_int_equal(envoi_imap_set_trace(s, trace_line, trace), 0);
    assert_int_equal(envoi_imap_connect(s), ENVOI_EAUTH);
    assert_non_null(strstr(envoi_imap_error(s)->text, "Authentication failed."));
    assert_string_equal(envoi_imap_error(s)->enhanced, "AUTHENTICATIONFAILED");
    assert_non_null(strstr(envoi_imap_alerts(s), "expires soon"));
    assert_false(envoi_error_is_temporary(envoi_imap_error(s)));
    assert_non_null(strstr(trace, "C: A0001 LOGIN \"alice\" \"****\""));
    assert_null(strstr(trace, "cret"));
    done(&fs, s);
}

static void sasl_plain_with_initial_response_is_masked(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready\r\n"},
        {'E', "A0001 AUTHENTICATE PLAIN AGFsaWNlAHNlImNyZXQ="},
        {'S', "A0001 OK done\r\n"},
        {'E', "A0002 CAPABILITY"},
        {'S', "* CAPABILITY IMAP4rev1 IDLE\r\nA0002 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    char trace[4096] = "";
    assert_int_equal(envoi_imap_set_auth_mechanism(s, NULL), 0);
    assert_int_equal(envoi_imap_set_trace(s, trace_line, trace), 0);
    assert_int_equal(envoi_imap_connect(s), 0);
    assert_string_equal(envoi_imap_auth_method(s), "PLAIN");
    assert_string_equal(envoi_imap_capabilities(s), "IMAP4REV1 IDLE ");
    assert_non_null(strstr(trace, "C: A0001 AUTHENTICATE PLAIN ****"));
    assert_null(strstr(trace, "AGFsaWNl"));
    done(&fs, s);
}

static void bye_in_the_middle_of_a_fetch_is_eclosed_with_the_servers_words(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN,
                                            SELECT,
                                            {'E', "A0003 UID FETCH 1:3 (UID BODY.PEEK[])"},
                                            {'S', "* 1 FETCH (UID 1 BODY[] {5}\r\nHello)\r\n"
                                                  "* BYE [UNAVAILABLE] server shutting down\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    struct got g = {0};
    uint32_t uids[] = {1, 2, 3};
    assert_int_equal(envoi_imap_retrieve_many(s, uids, 3, ENVOI_IMAP_WHOLE, &got_cb, &g),
                     ENVOI_ECLOSED);
    assert_non_null(strstr(envoi_imap_error(s)->text, "server shutting down"));
    assert_int_equal(g.nended, 1);
    assert_int_equal(g.status[0], 0);
    assert_null(envoi_imap_selected(s));
    done(&fs, s);
}

static void literal_size_that_lies_never_completes_the_message(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN,
        SELECT,
        {'E', "A0003 UID FETCH 1 (UID BODY.PEEK[])"},
        {'S', "* 1 FETCH (UID 1 BODY[] {100}\r\nshort)\r\nA0003 OK done\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    struct got g = {0};
    uint32_t uid = 1;
    assert_int_equal(envoi_imap_retrieve_many(s, &uid, 1, ENVOI_IMAP_WHOLE, &got_cb, &g),
                     ENVOI_ECLOSED);
    assert_int_equal(g.nbegun, 1);
    assert_int_equal(g.nended, 1);
    assert_int_equal(g.status[0], ENVOI_ECLOSED);
    done(&fs, s);
}

static void oversized_literal_outside_a_body_is_refused(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN,
                                            {'E', "A0002 LIST"},
                                            {'S', "* LIST () \"/\" {99999999}\r\n"},
                                            {'W', NULL},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_set_max_literal(s, 1000), 0);
    assert_int_equal(envoi_imap_list(s, NULL, NULL), ENVOI_EPROTOCOL);
    assert_non_null(strstr(envoi_imap_error(s)->text, "99999999"));
    done(&fs, s);
}

static void unbalanced_parentheses_are_a_protocol_error(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN,
                                            SELECT,
                                            {'E', "A0003 UID FETCH 1 (UID BODY.PEEK[])"},
                                            {'S', "* 1 FETCH (UID 1 FLAGS (\\Seen)\r\n"},
                                            {'W', NULL},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    struct got g = {0};
    assert_int_equal(envoi_imap_retrieve(s, 1, ENVOI_IMAP_WHOLE, got_write, &g), ENVOI_EPROTOCOL);
    assert_int_equal(g.len, 0);
    done(&fs, s);
}

static void stalled_server_times_out(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN, {'E', "A0002 NOOP"}, {'W', NULL}, {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_connect(s), 0);
    assert_int_equal(envoi_imap_set_timeout(s, 300), 0);
    assert_int_equal(envoi_imap_noop(s), ENVOI_ETIMEDOUT);
    assert_true(envoi_error_is_temporary(envoi_imap_error(s)));
    done(&fs, s);
}

static void no_and_bad_have_their_classes(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN,
                                            {'E', "A0002 CREATE \"Work\""},
                                            {'S', "A0002 NO [ALREADYEXISTS] Mailbox exists\r\n"},
                                            {'E', "A0003 SELECT \"Work\""},
                                            {'S', "A0003 NO [INUSE] Mailbox locked\r\n"},
                                            {'E', "A0004 DELETE \"Work\""},
                                            {'S', "A0004 BAD Unknown command\r\n"},
                                            {'E', "A0005 NOOP"},
                                            {'S', "A0005 OK fine\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_create(s, "Work"), ENVOI_EPERMFAIL);
    assert_string_equal(envoi_imap_error(s)->enhanced, "ALREADYEXISTS");
    assert_non_null(strstr(envoi_imap_error(s)->text, "Mailbox exists"));
    assert_int_equal(envoi_imap_select(s, "Work", false), ENVOI_ETEMPFAIL);
    assert_null(envoi_imap_selected(s));
    assert_int_equal(envoi_imap_delete(s, "Work"), ENVOI_EPROTOCOL);
    assert_int_equal(envoi_imap_noop(s), 0); /* the session goes on */
    assert_string_equal(envoi_imap_last_reply(s), "fine");
    done(&fs, s);
}

static void append_waits_for_the_continuation_without_literal_plus(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', "* OK [CAPABILITY IMAP4rev1] ready\r\n"},
        {'E', "A0001 LOGIN"},
        {'S', "A0001 OK in\r\n"},
        {'E', "A0002 CAPABILITY"},
        {'S', "* CAPABILITY IMAP4rev1 UIDPLUS\r\nA0002 OK\r\n"},
        {'E', "A0003 APPEND \"Sent\" (\\Seen) \"14-Nov-2023 22:13:20 +0000\" {10}"},
        {'S', "+ go on\r\n"},
        {'E', "Subject: x"},
        {'S', "A0003 OK [APPENDUID 42 17] stored\r\n"},
        {'E', "A0004 APPEND \"Nope\" {10}"},
        {'S', "A0004 NO [TRYCREATE] No such folder\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    uint32_t uid = 0;
    assert_int_equal(
        envoi_imap_append(s, "Sent", "Subject: x", 10, ENVOI_IMAP_SEEN, 1700000000, &uid), 0);
    assert_int_equal(uid, 17);
    assert_int_equal(envoi_imap_append(s, "Nope", "Subject: x", 10, 0, 0, &uid), ENVOI_EPERMFAIL);
    assert_string_equal(envoi_imap_error(s)->enhanced, "TRYCREATE");
    done(&fs, s);
}

static void folder_names_travel_in_modified_utf7(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN,
        {'E', "A0002 CREATE \"Gr&APwA3w-e &- co\""},
        {'S', "A0002 OK\r\n"},
        {'E', "A0003 LIST \"\" \"*\""},
        {'S', "* LIST (\\HasNoChildren) \".\" INBOX\r\n"
              "* LIST (\\HasNoChildren \\Sent) \".\" \"Gr&APwA3w-e &- co\"\r\n"
              "* LIST (\\Noselect \\Trash) NIL {5}\r\nTrash\r\n"
              "* LIST () \".\" {6}\r\nbad\xff\x01&\r\n"
              "A0003 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_create(s, "Gr\xc3\xbc\xc3\x9f"
                                          "e & co"),
                     0);
    const envoi_imap_folder *f;
    size_t n;
    assert_int_equal(envoi_imap_list(s, &f, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(f[3].name, "bad??&"); /* neither modified UTF-7 nor UTF-8 */
    assert_int_equal(f[3].wire[3], '\xff');
    assert_string_equal(f[1].name, "Gr\xc3\xbc\xc3\x9f"
                                   "e & co");
    assert_string_equal(f[1].wire, "Gr&APwA3w-e &- co");
    assert_int_equal(f[1].delimiter, '.');
    assert_true(f[1].attrs & ENVOI_IMAP_SENT);
    assert_true(f[2].attrs & ENVOI_IMAP_TRASH);
    assert_true(f[2].attrs & ENVOI_IMAP_NOSELECT);
    assert_int_equal(f[2].delimiter, '\0');
    assert_string_equal(f[2].name, "Trash");
    assert_string_equal(envoi_imap_special_folder(s, ENVOI_IMAP_SENT), "Gr\xc3\xbc\xc3\x9f"
                                                                       "e & co");
    assert_null(envoi_imap_special_folder(s, ENVOI_IMAP_JUNK));
    done(&fs, s);
}

/* 65 messages: two UID FETCH commands both sent before any answer. */
static char fetch_answers[16384];

static void pipelined_fetches_are_answered_in_order(void **state)
{
    (void)state;
    size_t n = 0;
    for (unsigned i = 1; i <= 64; i++)
        n += (size_t)snprintf(fetch_answers + n, sizeof fetch_answers - n,
                              "* %u FETCH (UID %u BODY[] {2}\r\n%02u)\r\n", i, i, i);
    n += (size_t)snprintf(fetch_answers + n, sizeof fetch_answers - n,
                          "A0003 OK\r\n* 65 FETCH (UID 65 BODY[] {2}\r\n65)\r\nA0004 OK\r\n");
    const struct fs_step script[] = {LOGIN,
                                     SELECT,
                                     {'E', "A0003 UID FETCH 1:64 (UID BODY.PEEK[])"},
                                     {'E', "A0004 UID FETCH 65 (UID BODY.PEEK[])"},
                                     {'S', fetch_answers},
                                     {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    uint32_t uids[65];
    for (unsigned i = 0; i < 65; i++)
        uids[i] = 65 - i;
    struct got g = {0};
    assert_int_equal(envoi_imap_retrieve_many(s, uids, 65, ENVOI_IMAP_WHOLE, &got_cb, &g), 0);
    assert_int_equal(g.nended, 65);
    for (unsigned i = 0; i < 65; i++) {
        assert_int_equal(g.ended[i], i + 1);
        assert_int_equal(g.status[i], 0);
        char want[4];
        snprintf(want, sizeof want, "%02u|", i + 1);
        assert_memory_equal(g.data + 3 * i, want, 3);
    }
    done(&fs, s);
}

static void missing_uid_is_reported_after_the_others(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN,
        SELECT,
        {'E', "A0003 UID FETCH 4:5 (UID BODY.PEEK[HEADER])"},
        {'S', "* 1 FETCH (UID 5 BODY[HEADER] {4}\r\nA:\r\n)\r\nA0003 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    struct got g = {0};
    uint32_t uids[] = {4, 5};
    assert_int_equal(envoi_imap_retrieve_many(s, uids, 2, ENVOI_IMAP_HEADERS, &got_cb, &g),
                     ENVOI_EPERMFAIL);
    assert_int_equal(g.nended, 2);
    assert_int_equal(g.ended[0], 5);
    assert_int_equal(g.status[0], 0);
    assert_int_equal(g.ended[1], 4);
    assert_int_equal(g.status[1], ENVOI_EPERMFAIL);
    assert_non_null(strstr(envoi_imap_error(s)->text, "UID 4"));
    done(&fs, s);
}

static void move_without_move_copies_marks_and_expunges_those_uids(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "A0001 LOGIN"},
        {'S', "A0001 OK [CAPABILITY IMAP4rev1 UIDPLUS] in\r\n"},
        SELECT,
        {'E', "A0003 UID COPY 3:4,8 \"Archive\""},
        {'S', "A0003 OK [COPYUID 7 3:4,8 1:3] copied\r\n"},
        {'E', "A0004 UID STORE 3:4,8 +FLAGS.SILENT (\\Deleted)"},
        {'S', "A0004 OK\r\n"},
        {'E', "A0005 UID EXPUNGE 3:4,8"},
        {'S', "* 3 EXPUNGE\r\n* 2 EXPUNGE\r\n* 1 EXPUNGE\r\nA0005 OK\r\n"},
        {'E', "A0006 UID STORE 1 -FLAGS.SILENT (\\Seen $Later)"},
        {'S', "A0006 NO [CANNOT] read-only\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    uint32_t uids[] = {8, 4, 3, 4};
    assert_int_equal(envoi_imap_move(s, uids, 4, "Archive"), 0);
    assert_int_equal(envoi_imap_selected(s)->exists, 0);
    uint32_t one = 1;
    assert_int_equal(envoi_imap_store_flags(s, &one, 1, false, ENVOI_IMAP_SEEN, "$Later"),
                     ENVOI_EPERMFAIL);
    assert_non_null(strstr(envoi_imap_error(s)->text, "UID STORE"));
    assert_int_equal(envoi_imap_store_flags(s, &one, 1, true, 0, "bad(keyword"), ENVOI_EINVAL);
    done(&fs, s);
}

static void search_reads_plain_results(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN,
        SELECT,
        {'E', "A0003 UID SEARCH ALL UNSEEN FROM \"bob\" SINCE 14-Nov-2023"},
        {'S', "* SEARCH 9 2 5\r\nA0003 OK\r\n"},
        {'E', "A0004 UID SEARCH UID 10:*"},
        {'S', "* SEARCH 9\r\nA0004 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    uint32_t *uids = NULL;
    size_t n = 0;
    envoi_imap_criteria c = {.unseen = true, .from = "bob", .since = 1700000000};
    assert_int_equal(envoi_imap_search(s, &c, &uids, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(uids[0], 2);
    assert_int_equal(uids[1], 5);
    assert_int_equal(uids[2], 9);
    free(uids);
    assert_int_equal(envoi_imap_uids_after(s, 9, &uids, &n), 0);
    assert_int_equal(n, 0); /* 10:* also names the highest UID, 9 */
    free(uids);
    assert_int_equal(envoi_imap_search_raw(s, "FROM {3}", &uids, &n), ENVOI_EINVAL);
    assert_int_equal(envoi_imap_search_raw(s, "(FROM x", &uids, &n), ENVOI_EINVAL);
    assert_int_equal(envoi_imap_search_raw(s, "FROM x\r\nA1 LOGOUT", &uids, &n), ENVOI_EINVAL);
    done(&fs, s);
}

static void search_reads_extended_results_and_sends_utf8_as_a_literal(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', GREET},
        {'E', "A0001 LOGIN"},
        {'S', "A0001 OK [CAPABILITY IMAP4rev1 LITERAL+ ESEARCH] in\r\n"},
        SELECT,
        {'E', "A0003 UID SEARCH RETURN (ALL) CHARSET UTF-8 ALL SUBJECT {3+}"},
        {'E', "\xc3\xa9t"},
        {'S', "* ESEARCH (TAG \"A0003\") UID ALL 3:5,8\r\nA0003 OK\r\n"},
        {'E', "A0004 UID SEARCH RETURN (ALL) ALL DELETED"},
        {'S', "* ESEARCH (TAG \"A0004\") UID\r\nA0004 OK\r\n"},
        {'E', "A0005 UID SEARCH RETURN (ALL) FLAGGED"},
        {'S', "* ESEARCH (TAG \"A0005\") UID ALL 1:4294967295\r\nA0005 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    uint32_t *uids = NULL;
    size_t n = 0;
    envoi_imap_criteria c = {.subject = "\xc3\xa9t"};
    assert_int_equal(envoi_imap_search(s, &c, &uids, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(uids[0], 3);
    assert_int_equal(uids[2], 5);
    assert_int_equal(uids[3], 8);
    free(uids);
    envoi_imap_criteria d = {.deleted = true};
    assert_int_equal(envoi_imap_search(s, &d, &uids, &n), 0);
    assert_int_equal(n, 0);
    free(uids);
    /* A range too large to expand is refused, not allocated. */
    assert_int_equal(envoi_imap_search_raw(s, "FLAGGED", &uids, &n), ENVOI_EPROTOCOL);
    assert_null(uids);
    done(&fs, s);
}

static void uid_is_found_past_strings_lists_and_literals_before_the_body(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN,
        SELECT,
        {'E', "A0003 UID FETCH 4 (UID BODY.PEEK[1])"},
        {'S', "* 1 FETCH (FLAGS (\\Seen) X-ITEM (\"UID 9 (\" {6}\r\nUID 8)) UID 4 BODY[1] {7}\r\n"
              "body!!!)\r\nA0003 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    /* the body is streamed only when its UID was read: the limit proves it */
    assert_int_equal(envoi_imap_set_max_literal(s, 6), 0);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    struct got g = {0};
    assert_int_equal(envoi_imap_fetch_part(s, 4, "1", got_write, &g), 0);
    assert_int_equal(g.len, 7);
    assert_memory_equal(g.data, "body!!!", 7);
    assert_int_equal(envoi_imap_fetch_part(s, 4, "1 UID", got_write, &g), ENVOI_EINVAL);
    done(&fs, s);
}

static void preauth_skips_login_but_not_required_starttls(void **state)
{
    (void)state;
    static const struct fs_step ok[] = {{'S', "* PREAUTH welcome back\r\n"},
                                        {'E', "A0001 CAPABILITY"},
                                        {'S', "* CAPABILITY IMAP4rev1\r\nA0001 OK\r\n"},
                                        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, ok);
    assert_int_equal(envoi_imap_connect(s), 0);
    assert_string_equal(envoi_imap_auth_method(s), "PREAUTH");
    assert_string_equal(envoi_imap_greeting(s), "welcome back");
    done(&fs, s);
    static const struct fs_step tls[] = {{'S', "* PREAUTH welcome back\r\n"}, {0, NULL}};
    s = client(&fs, tls);
    assert_int_equal(envoi_imap_set_security(s, ENVOI_SECURITY_STARTTLS), 0);
    assert_int_equal(envoi_imap_connect(s), ENVOI_ENOTLS);
    done(&fs, s);
}

static void connection_lost_in_a_single_retrieve_is_eclosed(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN,
                                            SELECT,
                                            {'E', "A0003 UID FETCH 1 (UID BODY.PEEK[])"},
                                            {'S', "* 1 FETCH (UID 1 BODY[] {50}\r\npartial"},
                                            {'C', NULL},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    struct got g = {0};
    assert_int_equal(envoi_imap_retrieve(s, 1, ENVOI_IMAP_WHOLE, got_write, &g), ENVOI_ECLOSED);
    assert_true(envoi_error_is_temporary(envoi_imap_error(s)));
    done(&fs, s);
}

static void listing_reads_envelopes_and_follows_flag_news(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN,
        SELECT,
        {'E', "A0003 UID FETCH 1:* (UID RFC822.SIZE FLAGS INTERNALDATE ENVELOPE)"},
        {'S',
         "* 2 FETCH (UID 7 RFC822.SIZE 120 FLAGS (\\Seen $Work) "
         "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" ENVELOPE (\"Wed, 17 Jul 1996\" "
         "\"=?UTF-8?Q?caf=C3=A9?=\" ((\"Ann\" NIL \"ann\" \"example.org\")) NIL NIL NIL NIL "
         "NIL NIL \"<id@x>\"))\r\n"
         "* 1 FETCH (UID 5 RFC822.SIZE 10 FLAGS () INTERNALDATE \"01-Jan-2020 00:00:00 +0000\" "
         "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"
         "A0003 OK\r\n"},
        {'E', "A0004 NOOP"},
        {'S', "* 1 FETCH (UID 5 FLAGS (\\Flagged $Later))\r\nA0004 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    const envoi_imap_entry *e;
    size_t n;
    assert_int_equal(envoi_imap_list_messages(s, NULL, 0, &e, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(e[0].uid, 5);
    assert_int_equal(e[0].size, 10);
    assert_int_equal(e[0].internal_date, 1577836800);
    assert_string_equal(e[0].subject, "");
    assert_int_equal(e[1].uid, 7);
    assert_int_equal(e[1].flags, ENVOI_IMAP_SEEN);
    assert_string_equal(e[1].keywords, "$Work");
    assert_string_equal(e[1].subject, "caf\xc3\xa9");
    assert_string_equal(e[1].from, "Ann <ann@example.org>");
    assert_string_equal(e[1].message_id, "<id@x>");
    assert_int_equal(e[1].internal_date, 837596665);
    assert_int_equal(envoi_imap_noop(s), 0);
    assert_int_equal(e[0].flags, ENVOI_IMAP_FLAGGED);
    assert_string_equal(e[0].keywords, "$Later");
    done(&fs, s);
}

static void answers_to_commands_never_sent_are_protocol_errors(void **state)
{
    (void)state;
    static const struct fs_step tag[] = {
        LOGIN, {'E', "A0002 NOOP"}, {'S', "A0999 OK what\r\n"}, {'W', NULL}, {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, tag);
    assert_int_equal(envoi_imap_noop(s), ENVOI_EPROTOCOL);
    assert_non_null(strstr(envoi_imap_error(s)->text, "A0999"));
    done(&fs, s);
    static const struct fs_step cont[] = {
        LOGIN, {'E', "A0002 NOOP"}, {'S', "+ more please\r\n"}, {'W', NULL}, {0, NULL}};
    s = client(&fs, cont);
    assert_int_equal(envoi_imap_noop(s), ENVOI_EPROTOCOL);
    done(&fs, s);
}

static void sasl_challenge_that_is_not_base64_cancels_the_exchange(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', "* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready\r\n"},
        {'E', "A0001 AUTHENTICATE CRAM-MD5"},
        {'S', "+ !!not base64!!\r\n"},
        {'E', "*"},
        {'S', "A0001 BAD Authentication canceled\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_set_auth_mechanism(s, "CRAM-MD5"), 0);
    assert_int_equal(envoi_imap_connect(s), ENVOI_EAUTH);
    done(&fs, s);
}

static void endless_sasl_challenges_are_a_protocol_error(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', "* OK [CAPABILITY IMAP4rev1 AUTH=LOGIN] ready\r\n"},
        {'E', "A0001 AUTHENTICATE LOGIN"},
        {'S', "+ VXNlcm5hbWU6\r\n+ UGFzc3dvcmQ6\r\n+ UGFzc3dvcmQ6\r\n+ UGFzc3dvcmQ6\r\n"
              "+ UGFzc3dvcmQ6\r\n+ UGFzc3dvcmQ6\r\n+ UGFzc3dvcmQ6\r\n+ UGFzc3dvcmQ6\r\n"
              "+ UGFzc3dvcmQ6\r\n+ UGFzc3dvcmQ6\r\n+ UGFzc3dvcmQ6\r\n"},
        {'W', NULL},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_set_auth_mechanism(s, "LOGIN"), 0);
    int rc = envoi_imap_connect(s);
    assert_int_equal(rc, ENVOI_EPROTOCOL);
    done(&fs, s);
}

static void login_cram_md5_answers_the_challenge(void **state)
{
    (void)state;
    /* RFC 2195's example: tim / tanstaaftanstaaf */
    static const struct fs_step script[] = {
        {'S', "* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5 AUTH=PLAIN] ready\r\n"},
        {'E', "A0001 AUTHENTICATE CRAM-MD5"},
        {'S', "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"},
        {'E', "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"},
        {'S', "A0001 OK [CAPABILITY IMAP4rev1 IDLE] welcome\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_set_login(s, "tim", "tanstaaftanstaaf"), 0);
    assert_int_equal(envoi_imap_set_auth_mechanism(s, NULL), 0);
    assert_int_equal(envoi_imap_connect(s), 0);
    assert_string_equal(envoi_imap_auth_method(s), "CRAM-MD5");
    assert_true(envoi_imap_has_capability(s, "IDLE"));
    done(&fs, s);
}

/* Hostile answers to a UID FETCH of UID 1: each ends in a clear error or
 * a result, never a crash (the sanitizer build checks) or a hang. */
static const char *const hostile[] = {
    "* 1 FETCH (UID 1 BODY[] {18446744073709551615}\r\n",
    "* 1 FETCH (UID 1 BODY[] {99999999999999999999999}\r\n",
    "* 1 FETCH (UID 99999999999 BODY[] {3}\r\nabc)\r\nA0003 OK\r\n",
    "* 1 FETCH (UID 1 UID 1 BODY[] {3}\r\nabc BODY[] {3}\r\nxyz)\r\nA0003 OK\r\n",
    "* 1 FETCH (BODY[] {3}\r\nabc)\r\nA0003 OK\r\n",
    "* 1 FETCH (UID 1 BODY[] \"quoted body\")\r\nA0003 OK\r\n",
    ("* 1 FETCH (UID 1 BODY[] (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
     "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((\r\n"),
    "* 1 FETCH UID 1)\r\nA0003 OK\r\n",
    "* 1 FETCH (UID \"1\" BODY[] {3}\r\nabc)\r\nA0003 OK\r\n",
    "* 4294967296 EXISTS\r\n* 0 EXPUNGE\r\n* 1 FETCH (UID 1 BODY[]<0> {2}\r\nhi)\r\nA0003 OK\r\n",
    "* OK [ALERT\r\nA0003 OK\r\n",
    "* BAD [PARSE] what\r\n* 1 FETCH (UID 1 BODY[] {0}\r\n)\r\nA0003 OK\r\n",
    "A0003 MAYBE\r\n",
    "\r\n",
    "* 1 FETCH (UID 1 BODY[] {3}\r\nabc)\r\nA0003 NO [UNAVAILABLE] later\r\n",
};

static void hostile_fetch_answers_end_in_errors_not_crashes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        const struct fs_step script[] = {LOGIN,
                                         SELECT,
                                         {'E', "A0003 UID FETCH 1 (UID BODY.PEEK[])"},
                                         {'S', hostile[i]},
                                         {0, NULL}};
        fault_server fs;
        envoi_imap *s = client(&fs, script);
        assert_int_equal(envoi_imap_set_max_literal(s, 1 << 20), 0);
        assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
        struct got g = {0};
        int rc =
            envoi_imap_retrieve_many(s, (const uint32_t[]){1}, 1, ENVOI_IMAP_WHOLE, &got_cb, &g);
        assert_true(rc <= 0);
        assert_true(g.nended <= 1);
        if (rc < 0) {
            assert_true(envoi_imap_error(s)->text[0] != '\0');
            assert_int_equal(envoi_imap_error(s)->code, rc);
        }
        done(&fs, s);
    }
}

static int stop_at_exists(void *ctx, const envoi_imap_event *ev)
{
    if (ev->kind == ENVOI_IMAP_EVENT_EXISTS) {
        *(uint32_t *)ctx = ev->number;
        return 1;
    }
    return 0;
}

static void idle_reports_exists_then_sends_done(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN,
                                            SELECT,
                                            {'E', "A0003 IDLE"},
                                            {'S', "+ idling\r\n* 2 EXPUNGE\r\n* 4 EXISTS\r\n"},
                                            {'E', "DONE"},
                                            {'S', "A0003 OK idle done\r\n"},
                                            {'E', "A0004 IDLE"},
                                            {'S', "+ idling\r\n"},
                                            {'E', "DONE"},
                                            {'S', "A0004 OK idle done\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    uint32_t exists = 0;
    assert_int_equal(envoi_imap_idle(s, 10000, stop_at_exists, &exists), 0);
    assert_int_equal(exists, 4);
    assert_int_equal(envoi_imap_selected(s)->exists, 4);
    /* Nothing happens: the timeout ends the wait, the session goes on. */
    exists = 0;
    assert_int_equal(envoi_imap_idle(s, 200, stop_at_exists, &exists), 0);
    assert_int_equal(exists, 0);
    assert_non_null(envoi_imap_selected(s));
    done(&fs, s);
}

static int stop_at_second_tick(void *ctx, const envoi_imap_event *ev)
{
    int *ticks = ctx;
    if (ev->kind != ENVOI_IMAP_EVENT_TICK)
        return 0;
    return ++*ticks == 2;
}

/* A quiet IDLE hands ticks to the callback, which can end the wait (as a
 * signal handler's flag does for envoi watch) long before the timeout. */
static void idle_ticks_let_the_callback_stop(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN,
                                            SELECT,
                                            {'E', "A0003 IDLE"},
                                            {'S', "+ idling\r\n"},
                                            {'E', "DONE"},
                                            {'S', "A0003 OK idle done\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    int ticks = 0;
    assert_int_equal(envoi_imap_idle(s, 600000, stop_at_second_tick, &ticks), 0);
    assert_int_equal(ticks, 2);
    assert_non_null(envoi_imap_selected(s));
    done(&fs, s);
}

static void idle_ended_by_the_server_sends_no_done(void **state)
{
    (void)state;
    static const struct fs_step script[] = {LOGIN,
                                            SELECT,
                                            {'E', "A0003 IDLE"},
                                            {'S', "+ idling\r\nA0003 NO [LIMIT] too many\r\n"},
                                            {'E', "A0004 NOOP"},
                                            {'S', "A0004 OK\r\n"},
                                            {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    uint32_t exists = 0;
    assert_int_equal(envoi_imap_idle(s, 10000, stop_at_exists, &exists), ENVOI_ETEMPFAIL);
    assert_non_null(strstr(envoi_imap_error(s)->text, "too many"));
    assert_int_equal(envoi_imap_noop(s), 0);
    done(&fs, s);
}

static int refuse_data(void *ctx, const void *data, size_t len)
{
    (void)data;
    (void)len;
    ++*(int *)ctx;
    return ENVOI_EFILE;
}

static void callback_failure_stops_and_keeps_the_session(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN,
        SELECT,
        {'E', "A0003 UID FETCH 1:2 (UID BODY.PEEK[])"},
        {'S', "* 1 FETCH (UID 1 BODY[] {5}\r\nHello)\r\n* 2 FETCH (UID 2 BODY[] {5}\r\nWorld)\r\n"
              "A0003 OK\r\n"},
        {'E', "A0004 NOOP"},
        {'S', "A0004 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    int calls = 0;
    envoi_imap_retrieve_cb cb = {NULL, refuse_data, NULL};
    assert_int_equal(
        envoi_imap_retrieve_many(s, (const uint32_t[]){1, 2}, 2, ENVOI_IMAP_WHOLE, &cb, &calls),
        ENVOI_EFILE);
    assert_int_equal(calls, 1); /* nothing more after the failure */
    assert_int_equal(envoi_imap_noop(s), 0);
    done(&fs, s);
}

static void close_expunges_and_unselect_needs_the_extension(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN, SELECT, {'E', "A0003 CLOSE"}, {'S', "A0003 OK closed\r\n"}, {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_unselect(s, false), 0); /* nothing selected yet */
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    assert_int_equal(envoi_imap_unselect(s, false), ENVOI_EUNSUPPORTED);
    assert_non_null(envoi_imap_selected(s));
    assert_int_equal(envoi_imap_unselect(s, true), 0);
    assert_null(envoi_imap_selected(s));
    uint32_t uid = 1;
    assert_int_equal(envoi_imap_store_flags(s, &uid, 1, true, ENVOI_IMAP_SEEN, NULL), ENVOI_ESTATE);
    done(&fs, s);
}

static void single_message_body_before_its_uid_is_still_streamed(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        LOGIN,
        SELECT,
        {'E', "A0003 UID FETCH 6 (UID BODY.PEEK[])"},
        {'S', "* 2 FETCH (BODY[] {12}\r\nstreamed! ok UID 6)\r\nA0003 OK\r\n"},
        {'E', "A0004 UID FETCH 6 (UID BODY.PEEK[])"},
        {'S', "* 3 FETCH (BODY[] {12}\r\nnot for UID6 UID 7)\r\nA0004 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    assert_int_equal(envoi_imap_set_max_literal(s, 4), 0); /* too small to hold it */
    assert_int_equal(envoi_imap_select(s, "INBOX", false), 0);
    struct got g = {0};
    assert_int_equal(envoi_imap_retrieve(s, 6, ENVOI_IMAP_WHOLE, got_write, &g), 0);
    assert_int_equal(g.len, 12);
    assert_memory_equal(g.data, "streamed! ok", 12);
    g.len = 0;
    assert_int_equal(envoi_imap_retrieve(s, 6, ENVOI_IMAP_WHOLE, got_write, &g), ENVOI_EPROTOCOL);
    assert_non_null(strstr(envoi_imap_error(s)->text, "another message"));
    done(&fs, s);
}

static void namespace_gives_the_personal_prefix(void **state)
{
    (void)state;
    static const struct fs_step with[] = {
        {'S', GREET},
        {'E', "A0001 LOGIN"},
        {'S', "A0001 OK [CAPABILITY IMAP4rev1 NAMESPACE] in\r\n"},
        {'E', "A0002 NAMESPACE"},
        {'S', "* NAMESPACE ((\"INBOX.\" \".\")) NIL ((\"shared.\" \".\"))\r\nA0002 OK\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, with);
    const char *prefix = NULL;
    char delim = 0;
    assert_int_equal(envoi_imap_namespace(s, &prefix, &delim), 0);
    assert_string_equal(prefix, "INBOX.");
    assert_int_equal(delim, '.');
    assert_int_equal(envoi_imap_namespace(s, &prefix, &delim), 0); /* asked once */
    done(&fs, s);
    static const struct fs_step without[] = {
        LOGIN,
        {'E', "A0002 LIST \"\" \"INBOX\""},
        {'S', "* LIST (\\HasChildren) \"/\" INBOX\r\nA0002 OK\r\n"},
        {0, NULL}};
    s = client(&fs, without);
    assert_int_equal(envoi_imap_namespace(s, &prefix, &delim), 0);
    assert_string_equal(prefix, "");
    assert_int_equal(delim, '/');
    done(&fs, s);
}

static void oauth_token_uses_xoauth2_and_stays_out_of_the_trace(void **state)
{
    (void)state;
    static const struct fs_step script[] = {
        {'S', "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2] ready\r\n"},
        {'E', "A0001 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sxMjMBAQ=="},
        {'S', "A0001 OK [CAPABILITY IMAP4rev1] in\r\n"},
        {0, NULL}};
    fault_server fs;
    envoi_imap *s = client(&fs, script);
    char trace[4096] = "";
    assert_int_equal(envoi_imap_set_oauth_token(s, "alice", "tok123"), 0);
    assert_int_equal(envoi_imap_set_auth_mechanism(s, NULL), 0);
    assert_int_equal(envoi_imap_set_trace(s, trace_line, trace), 0);
    assert_int_equal(envoi_imap_connect(s), 0);
    assert_string_equal(envoi_imap_auth_method(s), "XOAUTH2");
    assert_null(strstr(trace, "dXNlcj1hbGlj"));
    assert_non_null(strstr(trace, "AUTHENTICATE XOAUTH2 ****"));
    done(&fs, s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(login_select_and_retrieve),
        cmocka_unit_test(greeting_bye_is_a_refusal_with_the_servers_words),
        cmocka_unit_test(starttls_refused_is_enotls_without_login),
        cmocka_unit_test(starttls_not_offered_is_enotls_without_login),
        cmocka_unit_test(login_refused_is_eauth_and_the_trace_hides_the_password),
        cmocka_unit_test(sasl_plain_with_initial_response_is_masked),
        cmocka_unit_test(bye_in_the_middle_of_a_fetch_is_eclosed_with_the_servers_words),
        cmocka_unit_test(literal_size_that_lies_never_completes_the_message),
        cmocka_unit_test(oversized_literal_outside_a_body_is_refused),
        cmocka_unit_test(unbalanced_parentheses_are_a_protocol_error),
        cmocka_unit_test(stalled_server_times_out),
        cmocka_unit_test(no_and_bad_have_their_classes),
        cmocka_unit_test(append_waits_for_the_continuation_without_literal_plus),
        cmocka_unit_test(folder_names_travel_in_modified_utf7),
        cmocka_unit_test(pipelined_fetches_are_answered_in_order),
        cmocka_unit_test(missing_uid_is_reported_after_the_others),
        cmocka_unit_test(move_without_move_copies_marks_and_expunges_those_uids),
        cmocka_unit_test(search_reads_plain_results),
        cmocka_unit_test(search_reads_extended_results_and_sends_utf8_as_a_literal),
        cmocka_unit_test(uid_is_found_past_strings_lists_and_literals_before_the_body),
        cmocka_unit_test(preauth_skips_login_but_not_required_starttls),
        cmocka_unit_test(connection_lost_in_a_single_retrieve_is_eclosed),
        cmocka_unit_test(listing_reads_envelopes_and_follows_flag_news),
        cmocka_unit_test(answers_to_commands_never_sent_are_protocol_errors),
        cmocka_unit_test(sasl_challenge_that_is_not_base64_cancels_the_exchange),
        cmocka_unit_test(endless_sasl_challenges_are_a_protocol_error),
        cmocka_unit_test(login_cram_md5_answers_the_challenge),
        cmocka_unit_test(hostile_fetch_answers_end_in_errors_not_crashes),
        cmocka_unit_test(callback_failure_stops_and_keeps_the_session),
        cmocka_unit_test(close_expunges_and_unselect_needs_the_extension),
        cmocka_unit_test(single_message_body_before_its_uid_is_still_streamed),
        cmocka_unit_test(namespace_gives_the_personal_prefix),
        cmocka_unit_test(oauth_token_uses_xoauth2_and_stays_out_of_the_trace),
        cmocka_unit_test(idle_reports_exists_then_sends_done),
        cmocka_unit_test(idle_ended_by_the_server_sends_no_done),
        cmocka_unit_test(idle_ticks_let_the_callback_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
