/* The public spool API on a URL: submissions and status over the HTTP API
 * of a real envoid started for the test (delivering to its capture
 * mailbox), its refusals mapped to envoi codes (paused 503, unknown id 404,
 * no token 401, too big 413, nobody listening), and mail queued in the
 * directory by this process delivered by envoid's workers. */
#include "test_spool_helpers.h"

#include <pthread.h>

#include "spool/spool_http.h"

/* POST path on the test's envoid, with no body; the HTTP status. */
static unsigned post(st *t, const char *path, const char *token)
{
    spool_http_request req = {
        .host = "127.0.0.1", .port = t->port, .method = "POST", .target = path, .token = token};
    unsigned status = 0;
    envoi_buf body = ENVOI_BUF_INIT;
    envoi_error err;
    if (spool_http_exchange(&req, &status, &body, &err) != 0)
        fail_msg("POST %s: %s", path, err.text);
    envoi_buf_free(&body);
    return status;
}

static void submit_over_http_then_status_pending_or_sent(void **state)
{
    st *t = *state;
    st_envoid_start(t, NULL);
    envoi_error err;
    envoi_spool *sp = envoi_spool_open(t->url, &err);
    assert_non_null(sp);
    envoi_message *m = st_message("through envoid", "dave@example.com");
    char id[ENVOI_SPOOL_ID_SIZE];
    if (envoi_spool_submit(sp, m, id) != 0)
        fail_msg("submit: %s", envoi_spool_error(sp)->text);
    assert_true(strlen(id) > 0);
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, id, &s), 0);
    assert_true(s.status == ENVOI_SPOOL_PENDING || s.status == ENVOI_SPOOL_SENT);
    assert_true(s.submitted_ms > 0);

    st_wait_status(sp, id, ENVOI_SPOOL_SENT, &s);
    assert_int_equal(s.attempts, 1);
    assert_string_equal(s.reason, "captured");
    assert_true(s.done_ms >= s.submitted_ms);
    char capture[256];
    snprintf(capture, sizeof capture, "%s/capture", t->spool);
    char *got = st_captured(capture, "through envoid");
    assert_non_null(got);
    assert_non_null(strstr(got, "X-Envoi-Envelope-To: <dave@example.com>\r\n"));
    assert_non_null(strstr(got, "X-Envoi-Envelope-To: <bob@example.net>\r\n"));
    char *header = st_header(got);
    /* Past the capture's own lines, the message's header has no Bcc. */
    const char *own = strstr(header, "From: ");
    assert_non_null(own);
    assert_null(strstr(own, "dave@example.com"));
    assert_null(strstr(own, "Bcc:"));
    free(header);
    free(got);
    envoi_message_free(m);
    envoi_spool_close(sp);
}

static void raw_submission_keeps_the_envelope(void **state)
{
    st *t = *state;
    st_envoid_start(t, NULL);
    envoi_spool *sp = envoi_spool_open(t->url, NULL);
    assert_non_null(sp);
    /* Characters a query must escape travel intact. */
    const char *rcpts[] = {"o'neil+tag&x=y@example.net", "second@example.net"};
    static const char raw[] = "From: <b@example.org>\r\nSubject: raw over http\r\n\r\nBody.\r\n";
    char id[ENVOI_SPOOL_ID_SIZE];
    if (envoi_spool_submit_raw(sp, "b+1@example.org", rcpts, 2, raw, sizeof raw - 1, id) != 0)
        fail_msg("submit: %s", envoi_spool_error(sp)->text);
    envoi_spool_state s;
    st_wait_status(sp, id, ENVOI_SPOOL_SENT, &s);
    char capture[256];
    snprintf(capture, sizeof capture, "%s/capture", t->spool);
    char *got = st_captured(capture, "raw over http");
    assert_non_null(got);
    assert_non_null(strstr(got, "Return-Path: <b+1@example.org>\r\n"));
    assert_non_null(strstr(got, "X-Envoi-Envelope-To: <o'neil+tag&x=y@example.net>\r\n"));
    assert_non_null(strstr(got, "X-Envoi-Envelope-To: <second@example.net>\r\n"));
    assert_non_null(strstr(got, raw));
    free(got);
    envoi_spool_close(sp);
}

/* Past what a query holds, the envelope goes as JSON: every recipient
 * arrives. A source that is not UTF-8 goes as is (message/rfc822). */
static void long_envelopes_and_8bit_sources_arrive_whole(void **state)
{
    st *t = *state;
    st_envoid_start(t, NULL);
    envoi_spool *sp = envoi_spool_open(t->url, NULL);
    assert_non_null(sp);
    enum { N = 500 };
    static char names[N][64];
    const char *rcpts[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "recipient-number-%03d@lists.example.net", i);
        rcpts[i] = names[i];
    }
    static const char raw[] = "Subject: many \"recipients\"\r\n\r\nTab\there.\r\n";
    char id[ENVOI_SPOOL_ID_SIZE];
    if (envoi_spool_submit_raw(sp, "b@example.org", rcpts, N, raw, sizeof raw - 1, id) != 0)
        fail_msg("submit: %s", envoi_spool_error(sp)->text);
    envoi_spool_state s;
    st_wait_status(sp, id, ENVOI_SPOOL_SENT, &s);
    char capture[256];
    snprintf(capture, sizeof capture, "%s/capture", t->spool);
    char *got = st_captured(capture, "many \"recipients\"");
    assert_non_null(got);
    assert_non_null(strstr(got, raw));
    size_t lines = 0;
    for (const char *p = got; (p = strstr(p, "X-Envoi-Envelope-To: <recipient-number-")); p++)
        lines++;
    assert_int_equal(lines, N);
    assert_non_null(strstr(got, "<recipient-number-499@lists.example.net>"));
    free(got);

    static const char latin1[] = "Subject: latin-1\r\n\r\nCaf\xe9 cr\xe8me.\r\n";
    const char *one[] = {"bob@example.net"};
    if (envoi_spool_submit_raw(sp, "b@example.org", one, 1, latin1, sizeof latin1 - 1, id) != 0)
        fail_msg("submit: %s", envoi_spool_error(sp)->text);
    st_wait_status(sp, id, ENVOI_SPOOL_SENT, &s);
    got = st_captured(capture, "latin-1");
    assert_non_null(got);
    assert_non_null(strstr(got, "Caf\xe9 cr\xe8me."));
    free(got);
    assert_int_equal(
        envoi_spool_submit_raw(sp, "b@example.org", rcpts, N, latin1, sizeof latin1 - 1, id),
        ENVOI_EINVAL);
    assert_non_null(strstr(envoi_spool_error(sp)->text, "not UTF-8"));
    envoi_spool_close(sp);
}

struct submitter {
    envoi_spool *sp;
    char ids[10][ENVOI_SPOOL_ID_SIZE];
    int failures;
};

static void *submit_some(void *arg)
{
    struct submitter *s = arg;
    static const char raw[] = "Subject: concurrent\r\n\r\nx\r\n";
    const char *rcpts[] = {"bob@example.net"};
    for (int i = 0; i < 10; i++)
        if (envoi_spool_submit_raw(s->sp, "a@example.org", rcpts, 1, raw, sizeof raw - 1,
                                   s->ids[i]) != 0)
            s->failures++;
    return NULL;
}

static void one_handle_serves_many_threads(void **state)
{
    st *t = *state;
    st_envoid_start(t, NULL);
    envoi_spool *sp = envoi_spool_open(t->url, NULL);
    assert_non_null(sp);
    enum { THREADS = 4 };
    static struct submitter subs[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&subs[i], 0, sizeof subs[i]);
        subs[i].sp = sp;
        assert_int_equal(pthread_create(&th[i], NULL, submit_some, &subs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(subs[i].failures, 0);
    }
    for (int i = 0; i < THREADS; i++)
        for (int k = 0; k < 10; k++) {
            envoi_spool_state s;
            st_wait_status(sp, subs[i].ids[k], ENVOI_SPOOL_SENT, &s);
        }
    envoi_spool_close(sp);
}

static void paused_envoid_refuses_with_estate(void **state)
{
    st *t = *state;
    st_envoid_start(t, NULL);
    envoi_spool *sp = envoi_spool_open(t->url, NULL);
    assert_non_null(sp);
    assert_int_equal(post(t, "/v1/pause", NULL), 200);
    envoi_message *m = st_message("while paused", NULL);
    char id[ENVOI_SPOOL_ID_SIZE] = "x";
    assert_int_equal(envoi_spool_submit(sp, m, id), ENVOI_ESTATE);
    assert_string_equal(id, "");
    const envoi_error *e = envoi_spool_error(sp);
    assert_int_equal(e->code, ENVOI_ESTATE);
    assert_int_equal(e->reply_code, 503);
    assert_non_null(strstr(e->text, "paused"));
    assert_int_equal(post(t, "/v1/resume", NULL), 200);
    assert_int_equal(envoi_spool_submit(sp, m, id), 0);
    envoi_message_free(m);
    envoi_spool_close(sp);
}

static void unknown_id_is_enotfound(void **state)
{
    st *t = *state;
    st_envoid_start(t, NULL);
    envoi_spool *sp = envoi_spool_open(t->url, NULL);
    assert_non_null(sp);
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, "0000000000000000000000", &s), ENVOI_ENOTFOUND);
    assert_int_equal(envoi_spool_error(sp)->reply_code, 404);
    assert_int_equal(envoi_spool_status(sp, "a/../../v1/stats", &s), ENVOI_ENOTFOUND);
    envoi_spool_close(sp);
}

static void a_token_is_required_when_configured(void **state)
{
    st *t = *state;
    static const char token[] = "a-long-enough-secret-token-0123456789";
    char token_file[128], conf[512];
    snprintf(token_file, sizeof token_file, "%s/token", t->dir);
    int fd = open(token_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, token, sizeof token - 1), (ssize_t)(sizeof token - 1));
    close(fd);
    snprintf(conf, sizeof conf, "[spool]\ntoken-file = %s\n", token_file);
    st_envoid_start(t, conf);
    envoi_spool *sp = envoi_spool_open(t->url, NULL);
    assert_non_null(sp);
    envoi_message *m = st_message("with a token", NULL);
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(envoi_spool_submit(sp, m, id), ENVOI_EAUTH);
    assert_int_equal(envoi_spool_error(sp)->reply_code, 401);
    assert_int_equal(envoi_spool_set_token(sp, "not-the-right-token-at-all"), 0);
    assert_int_equal(envoi_spool_submit(sp, m, id), ENVOI_EAUTH);
    assert_int_equal(envoi_spool_set_token(sp, "bad\r\nX-Injected: 1"), ENVOI_EHEADER);
    assert_int_equal(envoi_spool_set_token(sp, token), 0);
    if (envoi_spool_submit(sp, m, id) != 0)
        fail_msg("submit with the token: %s", envoi_spool_error(sp)->text);
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, id, &s), 0);
    envoi_message_free(m);
    envoi_spool_close(sp);
}

static void an_oversize_message_is_etoobig(void **state)
{
    st *t = *state;
    st_envoid_start(t, "[spool]\nmax-message-size = 4K\n");
    envoi_spool *sp = envoi_spool_open(t->url, NULL);
    assert_non_null(sp);
    char big[8192];
    memset(big, 'x', sizeof big);
    memcpy(big, "Subject: big\r\n\r\n", 16);
    const char *rcpts[] = {"bob@example.net"};
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(envoi_spool_submit_raw(sp, "a@example.org", rcpts, 1, big, sizeof big, id),
                     ENVOI_ETOOBIG);
    assert_int_equal(envoi_spool_error(sp)->reply_code, 413);
    envoi_spool_close(sp);
}

static void nobody_listening_is_econnect(void **state)
{
    (void)state;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", st_free_port());
    envoi_spool *sp = envoi_spool_open(url, NULL);
    assert_non_null(sp);
    static const char raw[] = "Subject: x\r\n\r\nx\r\n";
    const char *rcpts[] = {"bob@example.net"};
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(envoi_spool_submit_raw(sp, "a@example.org", rcpts, 1, raw, 16, id),
                     ENVOI_ECONNECT);
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, "0000000000", &s), ENVOI_ECONNECT);
    envoi_spool_close(sp);
}

static void malformed_urls_are_refused(void **state)
{
    (void)state;
    envoi_error err;
    assert_null(envoi_spool_open("http://", &err));
    assert_int_equal(err.code, ENVOI_EINVAL);
    assert_null(envoi_spool_open("http://127.0.0.1:99999", &err));
    assert_int_equal(err.code, ENVOI_EINVAL);
    assert_null(envoi_spool_open("http://127.0.0.1:80x", &err));
    assert_int_equal(err.code, ENVOI_EINVAL);
    assert_null(envoi_spool_open("http://[::1", &err));
    assert_int_equal(err.code, ENVOI_EINVAL);
    assert_null(envoi_spool_open("http://user@127.0.0.1:8025", &err));
    assert_int_equal(err.code, ENVOI_EINVAL);
    assert_null(envoi_spool_open("https://127.0.0.1:8025", &err));
    assert_int_equal(err.code, ENVOI_EUNSUPPORTED);
    envoi_spool *sp = envoi_spool_open("http://[::1]:8025/prefix/", &err);
    assert_non_null(sp);
    envoi_spool_close(sp);
}

/* The spool directory shared: this process queues, envoid delivers. Its
 * workers look at the queue at least once a second, so no wake-up is
 * needed from the submitting process. */
static void mail_queued_in_the_directory_is_delivered_by_envoid(void **state)
{
    st *t = *state;
    st_envoid_start(t, NULL);
    envoi_spool *sp = envoi_spool_open(t->spool, NULL);
    assert_non_null(sp);
    envoi_message *m = st_message("queued by another process", NULL);
    char id[ENVOI_SPOOL_ID_SIZE];
    int64_t start = st_now_ms();
    assert_int_equal(envoi_spool_submit(sp, m, id), 0);
    envoi_spool_state s;
    st_wait_status(sp, id, ENVOI_SPOOL_SENT, &s);
    print_message("delivered by envoid %lld ms after the submission\n",
                  (long long)(st_now_ms() - start));
    assert_string_equal(s.reason, "captured");
    envoi_message_free(m);
    envoi_spool_close(sp);
}

int main(void)
{
    envoi_init();
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(submit_over_http_then_status_pending_or_sent, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(raw_submission_keeps_the_envelope, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(long_envelopes_and_8bit_sources_arrive_whole, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(one_handle_serves_many_threads, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(paused_envoid_refuses_with_estate, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(unknown_id_is_enotfound, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(a_token_is_required_when_configured, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(an_oversize_message_is_etoobig, st_setup, st_teardown),
        cmocka_unit_test(nobody_listening_is_econnect),
        cmocka_unit_test(malformed_urls_are_refused),
        cmocka_unit_test_setup_teardown(mail_queued_in_the_directory_is_delivered_by_envoid,
                                        st_setup, st_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
