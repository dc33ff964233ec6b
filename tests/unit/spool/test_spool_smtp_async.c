/* The SMTP session's asynchronous mode: with a submitter set (by
 * envoi_spool_attach, or any function), the send functions hand their
 * message over instead of connecting, and envoi_smtp_last_id tells its id;
 * failures of the submitter are the send's. */
#include "test_spool_helpers.h"

#include "spool/queue.h"

/* A submitter that records what it was given. */
typedef struct seen {
    int calls;
    char from[64];
    size_t nrcpts;
    char rcpt0[64];
    char *data;
    size_t len;
    int fail; /* code to return, 0: accept */
} seen;

static int record(void *ctx, const void *data, size_t len, const char *from,
                  const char *const *rcpts, size_t nrcpts, char id[ENVOI_SMTP_ID_SIZE],
                  envoi_error *err)
{
    seen *s = ctx;
    s->calls++;
    snprintf(s->from, sizeof s->from, "%s", from);
    s->nrcpts = nrcpts;
    snprintf(s->rcpt0, sizeof s->rcpt0, "%s", nrcpts ? rcpts[0] : "");
    free(s->data);
    s->data = strndup(data, len);
    s->len = len;
    if (s->fail) {
        snprintf(err->text, sizeof err->text, "refused by the test");
        err->code = s->fail;
        return s->fail;
    }
    snprintf(id, ENVOI_SMTP_ID_SIZE, "id%d", s->calls);
    return 0;
}

static void a_submitter_takes_every_kind_of_send_without_connecting(void **state)
{
    st *t = *state;
    seen s = {0};
    envoi_smtp *smtp = envoi_smtp_new();
    /* No server is set: any attempt to connect would fail. */
    assert_string_equal(envoi_smtp_last_id(smtp), "");
    assert_int_equal(envoi_smtp_set_submitter(smtp, record, &s), 0);

    envoi_message *m = st_message("async", "dave@example.com");
    assert_int_equal(envoi_smtp_send(smtp, m), 0);
    assert_string_equal(envoi_smtp_last_id(smtp), "id1");
    assert_false(envoi_smtp_is_connected(smtp));
    assert_string_equal(s.from, "alice@example.org");
    assert_int_equal(s.nrcpts, 3);
    assert_string_equal(s.rcpt0, "bob@example.net");
    assert_non_null(strstr(s.data, "Subject: async\r\n"));
    assert_null(strstr(s.data, "dave@example.com"));
    size_t n = 99;
    envoi_smtp_recipients(smtp, &n);
    assert_int_equal(n, 0);
    assert_string_equal(envoi_smtp_last_reply(smtp), "");

    const char *rcpts[] = {"x@example.net"};
    assert_int_equal(envoi_smtp_send_data(smtp, "Subject: d\r\n\r\nd\r\n", 17, "", rcpts, 1), 0);
    assert_string_equal(envoi_smtp_last_id(smtp), "id2");
    assert_string_equal(s.from, "");
    assert_int_equal(s.len, 17);

    char path[128];
    snprintf(path, sizeof path, "%s/message.eml", t->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("Subject: from a file\r\n\r\nfile body\r\n", f);
    fclose(f);
    assert_int_equal(envoi_smtp_send_file(smtp, path, "f@example.org", rcpts, 1), 0);
    assert_string_equal(envoi_smtp_last_id(smtp), "id3");
    assert_string_equal(s.data, "Subject: from a file\r\n\r\nfile body\r\n");
    assert_int_equal(
        envoi_smtp_send_file(smtp, "/nonexistent/envoi.eml", "f@example.org", rcpts, 1),
        ENVOI_EFILE);
    assert_string_equal(envoi_smtp_last_id(smtp), "");
    assert_int_equal(s.calls, 3);

    s.fail = ENVOI_ESTATE;
    assert_int_equal(envoi_smtp_send(smtp, m), ENVOI_ESTATE);
    assert_string_equal(envoi_smtp_last_id(smtp), "");
    assert_int_equal(envoi_smtp_error(smtp)->code, ENVOI_ESTATE);
    assert_string_equal(envoi_smtp_error(smtp)->text, "refused by the test");

    /* Detached, the session sends directly again: with no server, it says so. */
    assert_int_equal(envoi_smtp_set_submitter(smtp, NULL, NULL), 0);
    assert_int_equal(envoi_smtp_send(smtp, m), ENVOI_EINVAL);
    assert_non_null(strstr(envoi_smtp_error(smtp)->text, "no server"));
    assert_int_equal(s.calls, 4);

    free(s.data);
    envoi_message_free(m);
    envoi_smtp_free(smtp);
}

static void attached_to_a_spool_sends_are_queued(void **state)
{
    st *t = *state;
    envoi_spool *sp = envoi_spool_open(t->spool, NULL);
    assert_non_null(sp);
    envoi_smtp *smtp = envoi_smtp_new();
    assert_int_equal(envoi_spool_attach(sp, smtp), 0);
    envoi_message *m = st_message("through the session", "dave@example.com");
    assert_int_equal(envoi_smtp_send(smtp, m), 0);
    char id[ENVOI_SPOOL_ID_SIZE];
    snprintf(id, sizeof id, "%s", envoi_smtp_last_id(smtp));
    assert_true(strlen(id) > 0);
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, id, &s), 0);
    assert_int_equal(s.status, ENVOI_SPOOL_PENDING);

    spool_queue *q;
    spool_policy p;
    spool_policy_default(&p);
    envoi_error err;
    assert_int_equal(spool_queue_open(&q, t->spool, &p, &err), 0);
    spool_info info;
    memset(&info, 0, sizeof info);
    assert_int_equal(spool_queue_info(q, id, &info, &err), 0);
    assert_string_equal(info.subject, "through the session");
    assert_int_equal(info.recipient_count, 3);
    assert_string_equal(info.recipients[2].address, "dave@example.com");
    spool_info_free(&info);

    /* The spool's refusals are the session's errors. */
    assert_int_equal(spool_queue_set_paused(q, true, &err), 0);
    assert_int_equal(envoi_smtp_send(smtp, m), ENVOI_ESTATE);
    assert_non_null(strstr(envoi_smtp_error(smtp)->text, "the spooler is paused"));
    assert_string_equal(envoi_smtp_last_id(smtp), "");
    assert_int_equal(envoi_spool_error(sp)->code, ENVOI_ESTATE);
    spool_queue_close(q);

    envoi_message_free(m);
    envoi_smtp_free(smtp);
    envoi_spool_close(sp);
}

static void attach_refuses_null_handles(void **state)
{
    (void)state;
    assert_int_equal(envoi_spool_attach(NULL, NULL), ENVOI_EINVAL);
}

int main(void)
{
    envoi_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_submitter_takes_every_kind_of_send_without_connecting,
                                        st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(attached_to_a_spool_sends_are_queued, st_setup,
                                        st_teardown),
        cmocka_unit_test(attach_refuses_null_handles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
