/* The IMAP client against a real Dovecot started for the test (skipped when
 * Dovecot is not installed): logins over STARTTLS and IMAPS, folders with a
 * non-ASCII name checked with doveadm, messages delivered with dovecot-lda
 * read back byte for byte (one by one, pipelined, the reading model), APPEND,
 * flags, MOVE, EXPUNGE and IDLE checked on the server's side, and the mbox
 * user. */
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

#define NALICE 4
#define NBOB 120

static unsigned imap_port, imaps_port;
static char *alice[NALICE]; /* what was delivered, with CRLF line ends */
static char *bob[NBOB];

/* The output of "doveadm CMD -u USER ARGS", as one string (free it). */
static char *doveadm(const char *user, const char *cmd, const char *args)
{
    char line[1024];
    snprintf(line, sizeof line, "doveadm -c %s/dovecot.conf %s -u %s %s 2>&1", dir, cmd, user,
             args);
    FILE *p = popen(line, "r");
    assert_non_null(p);
    char *out = calloc(1, 65536);
    size_t n = fread(out, 1, 65535, p);
    out[n] = '\0';
    pclose(p);
    return out;
}

static char *make_message(const char *user, int i, size_t long_line)
{
    return make_test_message(user, i,
                             "Gr\xc3\xbc\xc3\x9f"
                             "e, 8-bit text\n(unbalanced ) parenthesis { and {5}\n",
                             long_line);
}

/* alice's last message has a line of 3000000 bytes. */
static char *make_alice(const char *user, int i)
{
    return make_message(user, i, i == NALICE - 1 ? 3000000 : (size_t)i * 100);
}

static char *make_bob(const char *user, int i)
{
    return make_message(user, i, (size_t)i * 40);
}

static int setup(void **state)
{
    (void)state;
    imap_port = free_port();
    imaps_port = free_port();
    char ports[64];
    snprintf(ports, sizeof ports, "'' '' %u %u", imap_port, imaps_port);
    return setup_dovecot("/usr/lib/dovecot/imap", ports, alice, NALICE, make_alice, bob, NBOB,
                         make_bob);
}

static int teardown(void **state)
{
    (void)state;
    stop_dovecot(alice, NALICE, bob, NBOB);
    return 0;
}

static envoi_imap *session(const char *user, envoi_security sec, const char *mech)
{
    if (!dir[0])
        skip();
    envoi_imap *s = envoi_imap_new();
    char ca[128], pw[64];
    snprintf(ca, sizeof ca, "%s/certs/ca.pem", dir);
    snprintf(pw, sizeof pw, "%s-secret", user);
    assert_int_equal(
        envoi_imap_set_server(s, "localhost", sec == ENVOI_SECURITY_TLS ? imaps_port : imap_port),
        0);
    assert_int_equal(envoi_imap_set_security(s, sec), 0);
    assert_int_equal(envoi_imap_set_ca_file(s, ca), 0);
    assert_int_equal(envoi_imap_set_login(s, user, pw), 0);
    assert_int_equal(envoi_imap_set_auth_mechanism(s, mech), 0);
    assert_int_equal(envoi_imap_set_timeout(s, 20000), 0);
    assert_int_equal(envoi_imap_set_client_id(s, "envoi", "test"), 0);
    return s;
}

static void check(envoi_imap *s, int rc)
{
    if (rc < 0)
        fail_msg("%s: %s", envoi_err_name(rc), envoi_imap_error(s)->text);
}

static void trace_line(void *ctx, bool sent, const char *line)
{
    struct buf *b = ctx;
    buf_write(b, sent ? "C: " : "S: ", 3);
    buf_write(b, line, strlen(line));
    buf_write(b, "\n", 1);
}

static void read_all_alice(envoi_security sec, const char *mech, const char *want_method)
{
    envoi_imap *s = session("alice", sec, mech);
    struct buf trace = {0};
    assert_int_equal(envoi_imap_set_trace(s, trace_line, &trace), 0);
    /* The 3 MB message is streamed: the literal limit does not apply to it. */
    assert_int_equal(envoi_imap_set_max_literal(s, 65536), 0);
    check(s, envoi_imap_connect(s));
    assert_true(envoi_imap_is_encrypted(s));
    assert_string_equal(envoi_imap_auth_method(s), want_method);
    assert_true(envoi_imap_has_capability(s, "IDLE"));
    assert_true(envoi_imap_has_capability(s, "ESEARCH")); /* listed again after login */
    check(s, envoi_imap_select(s, "INBOX", true));
    assert_true(envoi_imap_selected(s)->read_only);
    assert_int_equal(envoi_imap_selected(s)->exists, NALICE);
    assert_true(envoi_imap_selected(s)->uidvalidity > 0);
    const envoi_imap_entry *e;
    size_t n;
    check(s, envoi_imap_list_messages(s, NULL, 0, &e, &n));
    assert_int_equal(n, NALICE);
    for (size_t i = 0; i < n; i++) {
        struct buf got = {0};
        check(s, envoi_imap_retrieve(s, e[i].uid, ENVOI_IMAP_WHOLE, buf_write, &got));
        assert_same(&got, alice[i]);
        assert_int_equal(e[i].size, got.len);
        char subject[64];
        snprintf(subject, sizeof subject,
                 "message %zu gr\xc3\xbc\xc3\x9f"
                 "e",
                 i);
        assert_string_equal(e[i].subject, subject);
        assert_string_equal(e[i].from, "Sender <sender@localhost>");
        assert_true(e[i].internal_date > 0);
        free(got.data);
    }
    check(s, envoi_imap_logout(s));
    envoi_imap_free(s);
    assert_non_null(strstr(trace.data, "C: A0"));
    assert_non_null(strstr(trace.data, " ID (\"name\" \"envoi\" \"version\" \"test\")"));
    assert_null(strstr(trace.data, "alice-secret"));
    assert_null(strstr(trace.data, "YWxpY2Utc2VjcmV0")); /* base64 of the password */
    free(trace.data);
}

static void starttls_plain_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice(ENVOI_SECURITY_STARTTLS, "PLAIN", "PLAIN");
}

static void starttls_login_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice(ENVOI_SECURITY_STARTTLS, "LOGIN", "LOGIN");
}

static void imaps_cram_md5_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice(ENVOI_SECURITY_TLS, "CRAM-MD5", "CRAM-MD5");
}

static void imaps_login_command_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice(ENVOI_SECURITY_TLS, "LOGIN-COMMAND", "LOGIN-COMMAND");
}

static void imaps_plain_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice(ENVOI_SECURITY_TLS, "PLAIN", "PLAIN");
}

static void starttls_cram_md5_reads_every_message_byte_for_byte(void **state)
{
    (void)state;
    read_all_alice(ENVOI_SECURITY_STARTTLS, "CRAM-MD5", "CRAM-MD5");
}

static void default_method_is_the_strongest_offered(void **state)
{
    (void)state;
    envoi_imap *s = session("alice", ENVOI_SECURITY_STARTTLS, NULL);
    check(s, envoi_imap_connect(s));
    assert_string_equal(envoi_imap_auth_method(s), "CRAM-MD5");
    envoi_imap_free(s);
}

static void untrusted_certificate_is_refused_before_login(void **state)
{
    (void)state;
    envoi_imap *s = session("alice", ENVOI_SECURITY_TLS, NULL);
    assert_int_equal(envoi_imap_set_ca_file(s, NULL), 0); /* the system store knows not our CA */
    assert_int_equal(envoi_imap_connect(s), ENVOI_ECERT);
    envoi_imap_free(s);
    s = session("alice", ENVOI_SECURITY_STARTTLS, NULL);
    assert_int_equal(envoi_imap_set_ca_file(s, NULL), 0);
    assert_int_equal(envoi_imap_connect(s), ENVOI_ECERT);
    assert_int_equal(envoi_imap_set_ignore_cert(s, ENVOI_IGNORE_CERT_UNTRUSTED), 0);
    check(s, envoi_imap_connect(s));
    assert_true(envoi_imap_is_encrypted(s));
    envoi_imap_free(s);
}

static void wrong_password_is_eauth(void **state)
{
    (void)state;
    envoi_imap *s = session("alice", ENVOI_SECURITY_TLS, NULL);
    assert_int_equal(envoi_imap_set_login(s, "alice", "wrong"), 0);
    assert_int_equal(envoi_imap_connect(s), ENVOI_EAUTH);
    /* the response code, cut to the size of the field */
    assert_int_equal(strncmp(envoi_imap_error(s)->enhanced, "AUTHENTICATION", 14), 0);
    envoi_imap_free(s);
}

static void headers_only_is_the_header_block(void **state)
{
    (void)state;
    envoi_imap *s = session("alice", ENVOI_SECURITY_TLS, NULL);
    check(s, envoi_imap_select(s, "INBOX", true));
    envoi_message *msg = NULL;
    check(s, envoi_imap_read_first(s, ENVOI_IMAP_HEADERS, &msg));
    assert_non_null(msg);
    struct buf got = {0};
    check(s,
          envoi_imap_retrieve(s, envoi_imap_current(s)->uid, ENVOI_IMAP_HEADERS, buf_write, &got));
    const char *end = strstr(alice[0], "\r\n\r\n");
    assert_int_equal(got.len, (size_t)(end - alice[0]) + 4);
    assert_memory_equal(got.data, alice[0], got.len);
    envoi_message_free(msg);
    free(got.data);
    struct buf part = {0};
    check(s, envoi_imap_fetch_part(s, envoi_imap_current(s)->uid, "1", buf_write, &part));
    assert_same(&part, end + 4);
    free(part.data);
    envoi_imap_free(s);
}

struct many {
    uint32_t begun[NBOB + 4], ended[NBOB + 4];
    int status[NBOB + 4];
    size_t nbegun, nended;
    struct buf cur;
    int mismatches;
};

static int many_begin(void *ctx, uint32_t uid, uint64_t size)
{
    struct many *m = ctx;
    m->begun[m->nbegun++] = uid;
    assert_true(size > 0);
    m->cur.len = 0;
    return 0;
}

static int many_data(void *ctx, const void *data, size_t len)
{
    return buf_write(&((struct many *)ctx)->cur, data, len);
}

static int many_end(void *ctx, uint32_t uid, int status)
{
    struct many *m = ctx;
    m->status[m->nended] = status;
    m->ended[m->nended++] = uid;
    size_t i = m->nended - 1;
    if (status == 0 && (m->cur.len != strlen(bob[i]) || memcmp(m->cur.data, bob[i], m->cur.len)))
        m->mismatches++;
    return 0;
}

static void pipelined_retrieval_of_many_messages_in_uid_order(void **state)
{
    (void)state;
    envoi_imap *s = session("bob", ENVOI_SECURITY_TLS, NULL);
    assert_int_equal(envoi_imap_set_pipeline_depth(s, 4), 0);
    check(s, envoi_imap_select(s, "INBOX", true));
    const envoi_imap_entry *e;
    size_t n;
    check(s, envoi_imap_list_messages(s, NULL, 0, &e, &n));
    assert_int_equal(n, NBOB);
    uint32_t uids[NBOB];
    for (size_t i = 0; i < n; i++)
        uids[n - 1 - i] = e[i].uid; /* any order in: UID order out */
    struct many m = {0};
    envoi_imap_retrieve_cb cb = {many_begin, many_data, many_end};
    check(s, envoi_imap_retrieve_many(s, uids, n, ENVOI_IMAP_WHOLE, &cb, &m));
    assert_int_equal(m.nbegun, NBOB);
    assert_int_equal(m.nended, NBOB);
    assert_int_equal(m.mismatches, 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(m.ended[i], e[i].uid);
        assert_int_equal(m.status[i], 0);
    }
    free(m.cur.data);
    /* The listing by UID set, batched and pipelined, agrees. */
    uint32_t some[3] = {e[5].uid, e[0].uid, e[NBOB - 1].uid};
    check(s, envoi_imap_list_messages(s, some, 3, &e, &n));
    assert_int_equal(n, 3);
    assert_true(e[0].uid < e[1].uid && e[1].uid < e[2].uid);
    envoi_imap_free(s);
}

static void brief_listing_has_the_uids_sizes_and_flags_of_the_full_one(void **state)
{
    (void)state;
    envoi_imap *s = session("bob", ENVOI_SECURITY_STARTTLS, NULL);
    check(s, envoi_imap_select(s, "INBOX", true));
    const envoi_imap_entry *e;
    size_t n;
    check(s, envoi_imap_list_messages(s, NULL, 0, &e, &n));
    assert_int_equal(n, NBOB);
    uint32_t uid[NBOB];
    uint64_t size[NBOB];
    unsigned flags[NBOB];
    for (size_t i = 0; i < n; i++) {
        uid[i] = e[i].uid;
        size[i] = e[i].size;
        flags[i] = e[i].flags;
        assert_true(e[i].subject[0] != '\0');
    }
    check(s, envoi_imap_list_brief(s, &e, &n));
    assert_int_equal(n, NBOB);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(e[i].uid, uid[i]);
        assert_int_equal(e[i].size, size[i]);
        assert_int_equal(e[i].flags, flags[i]);
        assert_string_equal(e[i].subject, "");
        assert_string_equal(e[i].from, "");
        assert_int_equal(e[i].internal_date, 0);
    }
    /* The reading model lists again, with envelopes. */
    envoi_message *m = NULL;
    check(s, envoi_imap_read_first(s, ENVOI_IMAP_HEADERS, &m));
    assert_non_null(m);
    envoi_message_free(m);
    assert_true(envoi_imap_current(s)->subject[0] != '\0');
    envoi_imap_free(s);
}

static void reading_model_moves_and_goes_out_of_range(void **state)
{
    (void)state;
    envoi_imap *s = session("alice", ENVOI_SECURITY_TLS, NULL);
    check(s, envoi_imap_select(s, "INBOX", true));
    envoi_message *msg = NULL;
    check(s, envoi_imap_read_last(s, ENVOI_IMAP_WHOLE, &msg));
    assert_non_null(msg);
    envoi_message_free(msg);
    check(s, envoi_imap_read_next(s, ENVOI_IMAP_WHOLE, &msg));
    assert_null(msg);
    assert_true(envoi_imap_is_out(s));
    check(s, envoi_imap_read_previous(s, ENVOI_IMAP_HEADERS, &msg));
    assert_non_null(msg);
    assert_false(envoi_imap_is_out(s));
    envoi_message_free(msg);
    check(s, envoi_imap_read_previous(s, ENVOI_IMAP_HEADERS, &msg));
    envoi_message_free(msg);
    assert_int_equal(envoi_imap_current(s)->uid, NALICE - 1);
    envoi_imap_free(s);
}

struct all {
    size_t seen, last_done;
    unsigned long long bytes;
};

static int all_message(void *ctx, const envoi_imap_entry *entry, envoi_message *msg, bool *keep)
{
    struct all *a = ctx;
    (void)keep;
    assert_non_null(entry);
    assert_non_null(msg);
    assert_false(entry->flags & ENVOI_IMAP_SEEN);
    a->seen++;
    return 0;
}

static int all_progress(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
    struct all *a = ctx;
    assert_true(done <= total);
    a->last_done = done;
    a->bytes = bytes;
    return 0;
}

static void flags_search_and_get_all_unseen(void **state)
{
    (void)state;
    envoi_imap *s = session("bob", ENVOI_SECURITY_STARTTLS, NULL);
    check(s, envoi_imap_select(s, "INBOX", false));
    uint32_t *uids = NULL;
    size_t n = 0;
    envoi_imap_criteria c = {.subject = "message 7"};
    check(s, envoi_imap_search(s, &c, &uids, &n));
    assert_true(n >= 1); /* message 7, 70..79 */
    free(uids);
    uint32_t seen[3] = {1, 2, 3};
    check(s, envoi_imap_store_flags(s, seen, 3, true, ENVOI_IMAP_SEEN | ENVOI_IMAP_FLAGGED,
                                    "$Important"));
    check(s, envoi_imap_store_flags(s, seen, 1, false, ENVOI_IMAP_FLAGGED, NULL));
    char *out = doveadm("bob", "fetch", "flags mailbox INBOX uid 1:3");
    /* UID 1 lost \Flagged again, UIDs 2 and 3 kept it */
    const char *one = strstr(out, "flags: \\Seen $Important");
    assert_non_null(one);
    const char *two = strstr(one, "flags: \\Flagged \\Seen $Important");
    assert_non_null(two);
    assert_non_null(strstr(two + 1, "flags: \\Flagged \\Seen $Important"));
    free(out);
    envoi_imap_criteria unseen = {.unseen = true};
    check(s, envoi_imap_search(s, &unseen, &uids, &n));
    assert_int_equal(n, NBOB - 3);
    assert_int_equal(uids[0], 4);
    free(uids);
    envoi_imap_criteria utf8 = {.subject = "gr\xc3\xbc\xc3\x9f"
                                           "e"};
    check(s, envoi_imap_search(s, &utf8, &uids, &n));
    assert_int_equal(n, NBOB);
    free(uids);
    check(s, envoi_imap_search_raw(s, "FLAGGED FROM \"sender\"", &uids, &n));
    assert_int_equal(n, 2);
    free(uids);
    assert_int_equal(envoi_imap_search_raw(s, "FROM \"x", &uids, &n), ENVOI_EINVAL);
    struct all a = {0};
    check(s, envoi_imap_get_all(s, ENVOI_IMAP_WHOLE, ENVOI_IMAP_UNSEEN_ONLY, all_progress,
                                all_message, &a));
    assert_int_equal(a.seen, NBOB - 3);
    assert_int_equal(a.last_done, NBOB - 3);
    assert_true(a.bytes > 0);
    /* BODY.PEEK: nothing read got \Seen */
    check(s, envoi_imap_search(s, &unseen, &uids, &n));
    assert_int_equal(n, NBOB - 3);
    free(uids);
    check(s, envoi_imap_store_flags(s, seen, 3, false, ENVOI_IMAP_SEEN | ENVOI_IMAP_FLAGGED,
                                    "$Important"));
    envoi_imap_free(s);
}

#define FOLDER                                                                                     \
    "Gr\xc3\xbc\xc3\x9f"                                                                           \
    "e & \xe6\x97\xa5\xe6\x9c\xac"

static bool listed(envoi_imap *s, const char *name, int *attrs)
{
    const envoi_imap_folder *f;
    size_t n;
    check(s, envoi_imap_list(s, &f, &n));
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].name, name)) {
            if (attrs)
                *attrs = f[i].attrs;
            return true;
        }
    return false;
}

static void folders_with_a_non_ascii_name(void **state)
{
    (void)state;
    envoi_imap *s = session("alice", ENVOI_SECURITY_STARTTLS, NULL);
    const char *prefix = NULL;
    char delim = 0;
    check(s, envoi_imap_namespace(s, &prefix, &delim));
    assert_string_equal(prefix, ""); /* Dovecot's default namespace */
    assert_true(delim == '.' || delim == '/');
    check(s, envoi_imap_create(s, FOLDER));
    assert_true(listed(s, FOLDER, NULL));
    char *out = doveadm("alice", "mailbox list", "");
    assert_non_null(strstr(out, FOLDER));
    free(out);
    check(s, envoi_imap_rename(s, FOLDER, FOLDER " 2"));
    assert_false(listed(s, FOLDER, NULL));
    assert_true(listed(s, FOLDER " 2", NULL));
    check(s, envoi_imap_subscribe(s, FOLDER " 2"));
    envoi_imap_status st;
    check(s, envoi_imap_status_of(s, FOLDER " 2", &st));
    assert_int_equal(st.messages, 0);
    assert_true(st.uidvalidity > 0);
    check(s, envoi_imap_unsubscribe(s, FOLDER " 2"));
    check(s, envoi_imap_delete(s, FOLDER " 2"));
    assert_false(listed(s, FOLDER " 2", NULL));
    out = doveadm("alice", "mailbox list", "");
    assert_null(strstr(out, "Gr\xc3\xbc"));
    free(out);
    assert_int_equal(envoi_imap_delete(s, "No such folder"), ENVOI_EPERMFAIL);
    assert_string_equal(envoi_imap_error(s)->enhanced, "NONEXISTENT");
    check(s, envoi_imap_status_of(s, "INBOX", &st));
    assert_int_equal(st.messages, NALICE);
    envoi_imap_free(s);
}

static void sent_copy_goes_into_the_special_use_sent_folder(void **state)
{
    (void)state;
    envoi_imap *s = session("carol", ENVOI_SECURITY_STARTTLS, NULL);
    assert_null(envoi_imap_special_folder(s, ENVOI_IMAP_SENT)); /* not created yet */
    check(s, envoi_imap_create(s, "Sent"));
    check(s, envoi_imap_create(s, "Trash"));
    int attrs = 0;
    assert_true(listed(s, "Sent", &attrs)); /* a new LIST */
    assert_true(attrs & ENVOI_IMAP_SENT);
    const char *sent = envoi_imap_special_folder(s, ENVOI_IMAP_SENT);
    assert_non_null(sent);
    assert_string_equal(sent, "Sent");
    const char *trash = envoi_imap_special_folder(s, ENVOI_IMAP_TRASH);
    assert_non_null(trash);
    assert_string_equal(trash, "Trash");
    assert_null(envoi_imap_special_folder(s, ENVOI_IMAP_ARCHIVE));
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "carol@localhost"), 0);
    assert_int_equal(envoi_message_add_to(m, "alice@localhost"), 0);
    assert_int_equal(envoi_message_set_subject(m, "copy of what was sent"), 0);
    assert_int_equal(envoi_message_set_text(m, "sent text\n", 10), 0);
    check(s, envoi_imap_append_message(s, sent, m, ENVOI_IMAP_SEEN, 0, NULL));
    envoi_message_free(m);
    char *out = doveadm("carol", "fetch", "'flags hdr.subject' mailbox Sent all");
    assert_non_null(strstr(out, "copy of what was sent"));
    assert_non_null(strstr(out, "\\Seen"));
    free(out);
    envoi_imap_free(s);
}

static void append_fetch_move_and_expunge_checked_on_the_server(void **state)
{
    (void)state;
    envoi_imap *s = session("alice", ENVOI_SECURITY_TLS, NULL);
    check(s, envoi_imap_create(s, "Work"));
    check(s, envoi_imap_create(s, "Old"));
    const char *src = "From: a@localhost\r\nSubject: appended\r\n\r\nbody \xc3\xa9\r\n";
    uint32_t uid = 0;
    check(s, envoi_imap_append(s, "Work", src, strlen(src), ENVOI_IMAP_FLAGGED, 1700000000, &uid));
    assert_int_equal(uid, 1);
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "b@localhost"), 0);
    assert_int_equal(envoi_message_set_subject(m, "built by envoi"), 0);
    assert_int_equal(envoi_message_set_text(m, "hello\n", 6), 0);
    check(s, envoi_imap_append_message(s, "Work", m, ENVOI_IMAP_SEEN, 0, &uid));
    assert_int_equal(uid, 2);
    char *built = NULL;
    size_t built_len = 0;
    assert_int_equal(envoi_message_to_string(m, &built, &built_len), 0);
    envoi_message_free(m);
    check(s, envoi_imap_select(s, "Work", false));
    assert_int_equal(envoi_imap_selected(s)->exists, 2);
    struct buf got = {0};
    check(s, envoi_imap_retrieve(s, 1, ENVOI_IMAP_WHOLE, buf_write, &got));
    assert_same(&got, src);
    got.len = 0;
    check(s, envoi_imap_retrieve(s, 2, ENVOI_IMAP_WHOLE, buf_write, &got));
    assert_int_equal(got.len, built_len);
    assert_memory_equal(got.data, built, built_len);
    free(got.data);
    free(built);
    const envoi_imap_entry *e;
    size_t n;
    check(s, envoi_imap_list_messages(s, NULL, 0, &e, &n));
    assert_int_equal(n, 2);
    assert_true(e[0].flags & ENVOI_IMAP_FLAGGED);
    assert_int_equal(e[0].internal_date, 1700000000);
    assert_true(e[1].flags & ENVOI_IMAP_SEEN);
    char *out = doveadm("alice", "fetch", "flags mailbox Work");
    assert_non_null(strstr(out, "\\Flagged"));
    assert_non_null(strstr(out, "\\Seen"));
    free(out);
    uint32_t one = 1;
    check(s, envoi_imap_move(s, &one, 1, "Old"));
    out = doveadm("alice", "mailbox status", "messages Old");
    assert_non_null(strstr(out, "messages=1"));
    free(out);
    out = doveadm("alice", "mailbox status", "messages Work");
    assert_non_null(strstr(out, "messages=1"));
    free(out);
    uint32_t two = 2;
    check(s, envoi_imap_copy(s, &two, 1, "Old"));
    check(s, envoi_imap_store_flags(s, &two, 1, true, ENVOI_IMAP_DELETED, NULL));
    check(s, envoi_imap_unselect(s, false)); /* UNSELECT removes nothing */
    assert_null(envoi_imap_selected(s));
    out = doveadm("alice", "mailbox status", "messages Work");
    assert_non_null(strstr(out, "messages=1"));
    free(out);
    check(s, envoi_imap_select(s, "Work", false));
    check(s, envoi_imap_expunge(s, NULL, 0));
    assert_int_equal(envoi_imap_selected(s)->exists, 0);
    out = doveadm("alice", "mailbox status", "messages Work");
    assert_non_null(strstr(out, "messages=0"));
    free(out);
    out = doveadm("alice", "mailbox status", "messages Old");
    assert_non_null(strstr(out, "messages=2"));
    free(out);
    /* A large message goes out as one literal and comes back streamed. */
    size_t big_len = 5u << 20;
    char *big = malloc(big_len + 1);
    size_t k = (size_t)snprintf(big, big_len, "Subject: big\r\n\r\n");
    while (k + 80 <= big_len) {
        memset(big + k, 'a' + (char)(k % 26), 78);
        memcpy(big + k + 78, "\r\n", 2);
        k += 80;
    }
    big[k] = '\0';
    check(s, envoi_imap_append(s, "Work", big, k, 0, 0, &uid));
    struct buf back = {0};
    check(s, envoi_imap_select(s, "Work", true));
    check(s, envoi_imap_retrieve(s, uid, ENVOI_IMAP_WHOLE, buf_write, &back));
    assert_same(&back, big);
    free(back.data);
    free(big);
    assert_int_equal(envoi_imap_append(s, "Missing", src, strlen(src), 0, 0, NULL),
                     ENVOI_EPERMFAIL);
    assert_string_equal(envoi_imap_error(s)->enhanced, "TRYCREATE");
    check(s, envoi_imap_select(s, "INBOX", false));
    check(s, envoi_imap_delete(s, "Work"));
    check(s, envoi_imap_delete(s, "Old"));
    check(s, envoi_imap_logout(s));
    envoi_imap_free(s);
}

static int on_event(void *ctx, const envoi_imap_event *ev)
{
    if (ev->kind == ENVOI_IMAP_EVENT_EXISTS) {
        *(uint32_t *)ctx = ev->number;
        return 1;
    }
    return 0;
}

static void idle_reports_a_new_message(void **state)
{
    (void)state;
    envoi_imap *s = session("carol", ENVOI_SECURITY_TLS, NULL);
    check(s, envoi_imap_select(s, "INBOX", false));
    uint32_t before = envoi_imap_selected(s)->exists;
    char path[128];
    snprintf(path, sizeof path, "%s/idle.eml", dir);
    FILE *f = fopen(path, "w");
    fputs("From: x@localhost\nSubject: while idling\n\nhi\n", f);
    fclose(f);
    /* Delivered while the session idles (the callback ends the wait). */
    peer_run("(sleep 1; /usr/lib/dovecot/dovecot-lda -c %s/dovecot.conf -d carol < %s) &", dir,
             path);
    uint32_t exists = 0;
    uint32_t last = envoi_imap_selected(s)->uidnext - 1, *uids = NULL;
    size_t n = 1;
    check(s, envoi_imap_uids_after(s, last, &uids, &n));
    assert_int_equal(n, 0);
    free(uids);
    check(s, envoi_imap_idle(s, 30000, on_event, &exists));
    assert_int_equal(exists, before + 1);
    check(s, envoi_imap_uids_after(s, last, &uids, &n));
    assert_int_equal(n, 1);
    assert_true(uids[0] > last);
    free(uids);
    check(s, envoi_imap_noop(s));
    envoi_imap_free(s);
}

static void mbox_user_appends_and_reads_back(void **state)
{
    (void)state;
    envoi_imap *s = session("carol", ENVOI_SECURITY_STARTTLS, NULL);
    const char *src =
        "From: c@localhost\r\nSubject: mbox\r\n\r\nFrom the start\r\n>From quoted\r\n";
    uint32_t uid = 0;
    check(s, envoi_imap_append(s, "INBOX", src, strlen(src), 0, 0, &uid));
    check(s, envoi_imap_select(s, "INBOX", true));
    struct buf got = {0};
    check(s, envoi_imap_retrieve(s, uid, ENVOI_IMAP_WHOLE, buf_write, &got));
    assert_same(&got, src);
    free(got.data);
    assert_int_equal(envoi_imap_retrieve(s, 999999, ENVOI_IMAP_WHOLE, buf_write, &got),
                     ENVOI_EPERMFAIL);
    envoi_imap_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starttls_plain_reads_every_message_byte_for_byte),
        cmocka_unit_test(starttls_login_reads_every_message_byte_for_byte),
        cmocka_unit_test(imaps_cram_md5_reads_every_message_byte_for_byte),
        cmocka_unit_test(imaps_login_command_reads_every_message_byte_for_byte),
        cmocka_unit_test(imaps_plain_reads_every_message_byte_for_byte),
        cmocka_unit_test(starttls_cram_md5_reads_every_message_byte_for_byte),
        cmocka_unit_test(default_method_is_the_strongest_offered),
        cmocka_unit_test(untrusted_certificate_is_refused_before_login),
        cmocka_unit_test(wrong_password_is_eauth),
        cmocka_unit_test(headers_only_is_the_header_block),
        cmocka_unit_test(pipelined_retrieval_of_many_messages_in_uid_order),
        cmocka_unit_test(brief_listing_has_the_uids_sizes_and_flags_of_the_full_one),
        cmocka_unit_test(reading_model_moves_and_goes_out_of_range),
        cmocka_unit_test(flags_search_and_get_all_unseen),
        cmocka_unit_test(folders_with_a_non_ascii_name),
        cmocka_unit_test(sent_copy_goes_into_the_special_use_sent_folder),
        cmocka_unit_test(append_fetch_move_and_expunge_checked_on_the_server),
        cmocka_unit_test(mbox_user_appends_and_reads_back),
        cmocka_unit_test(idle_reports_a_new_message),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
