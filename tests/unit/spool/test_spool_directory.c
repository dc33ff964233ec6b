/* The public spool API on a directory: submissions queued durably in this
 * process (pending until delivery runs, then sent), the envelope from the
 * message with Bcc kept out of the stored source, explicit envelopes and
 * raw sources, and every refusal with its code. */
#include "test_spool_helpers.h"

#include <pthread.h>

#include "spool/deliver.h"
#include "spool/queue.h"

/* Delivery workers on their own handle of the spool's queue (as envoid
 * would run them), writing to the capture maildir spool/capture. */
typedef struct delivery {
    spool_queue *q;
    spool_delivery *d;
    char capture[256];
} delivery;

static void start_delivery(st *t, delivery *dl)
{
    spool_policy p;
    spool_policy_default(&p);
    envoi_error err;
    assert_int_equal(spool_queue_open(&dl->q, t->spool, &p, &err), 0);
    snprintf(dl->capture, sizeof dl->capture, "%s/capture", t->spool);
    spool_delivery_opts o = {.capture_dir = dl->capture, .max_sleep_ms = 100};
    assert_int_equal(spool_delivery_start(dl->q, NULL, 0, 1, "test", &o, &dl->d), 0);
}

static void stop_delivery(delivery *dl)
{
    spool_delivery_stop(dl->d);
    spool_queue_close(dl->q);
}

static void submit_is_pending_until_delivered_then_sent(void **state)
{
    st *t = *state;
    envoi_error err;
    envoi_spool *sp = envoi_spool_open(t->spool, &err);
    assert_non_null(sp);
    envoi_message *m = st_message("queued in a directory", NULL);
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(envoi_spool_submit(sp, m, id), 0);
    assert_true(strlen(id) > 0);
    assert_int_equal(strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz"), strlen(id));

    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, id, &s), 0);
    assert_int_equal(s.status, ENVOI_SPOOL_PENDING);
    assert_int_equal(s.attempts, 0);
    assert_true(s.submitted_ms > 0);
    assert_int_equal(s.done_ms, 0);
    assert_string_equal(s.reason, "");

    delivery dl;
    start_delivery(t, &dl);
    st_wait_status(sp, id, ENVOI_SPOOL_SENT, &s);
    stop_delivery(&dl);
    assert_int_equal(s.attempts, 1);
    assert_true(s.done_ms >= s.submitted_ms);
    assert_int_equal(s.next_try_ms, 0);
    assert_string_equal(s.reason, "captured");
    char *got = st_captured(dl.capture, "queued in a directory");
    assert_non_null(got);
    assert_non_null(strstr(got, "X-Envoi-Envelope-To: <bob@example.net>\r\n"));
    assert_non_null(strstr(got, "X-Envoi-Envelope-To: <carol@example.net>\r\n"));
    assert_non_null(strstr(got, "Return-Path: <alice@example.org>\r\n"));
    free(got);
    envoi_message_free(m);
    envoi_spool_close(sp);
}

static void bcc_is_in_the_envelope_but_not_in_the_stored_source(void **state)
{
    st *t = *state;
    envoi_spool *sp = envoi_spool_open(t->spool, NULL);
    assert_non_null(sp);
    envoi_message *m = st_message("blind copy", "Dave <dave@example.com>");
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(envoi_spool_submit(sp, m, id), 0);

    /* What the queue holds, read through a second handle. */
    spool_queue *q;
    spool_policy p;
    spool_policy_default(&p);
    envoi_error err;
    assert_int_equal(spool_queue_open(&q, t->spool, &p, &err), 0);
    void *source = NULL;
    size_t len = 0;
    assert_int_equal(spool_queue_source(q, id, &source, &len, &err), 0);
    char *text = strndup(source, len);
    assert_null(strstr(text, "dave@example.com"));
    assert_null(strstr(text, "Bcc:"));
    assert_non_null(strstr(text, "Subject: blind copy\r\n"));
    free(text);
    free(source);
    spool_info info;
    memset(&info, 0, sizeof info);
    assert_int_equal(spool_queue_info(q, id, &info, &err), 0);
    assert_int_equal(info.recipient_count, 3);
    assert_string_equal(info.recipients[2].address, "dave@example.com");
    assert_string_equal(info.from, "alice@example.org");
    spool_info_free(&info);
    spool_queue_close(q);
    envoi_message_free(m);
    envoi_spool_close(sp);
}

static void explicit_envelope_and_raw_source_are_queued_as_given(void **state)
{
    st *t = *state;
    envoi_spool *sp = envoi_spool_open(t->spool, NULL);
    assert_non_null(sp);
    envoi_message *m = st_message("explicit envelope", NULL);
    const char *rcpts[] = {"The List <list@example.net>"};
    char id1[ENVOI_SPOOL_ID_SIZE], id2[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(envoi_spool_submit_envelope(sp, m, "<>", rcpts, 1, id1), 0);
    static const char raw[] = "From: <x@example.org>\r\nSubject: raw\r\n\r\nBody.\r\n";
    assert_int_equal(
        envoi_spool_submit_raw(sp, "bounces@example.org", rcpts, 1, raw, sizeof raw - 1, id2), 0);
    assert_string_not_equal(id1, id2);

    spool_queue *q;
    spool_policy p;
    spool_policy_default(&p);
    envoi_error err;
    assert_int_equal(spool_queue_open(&q, t->spool, &p, &err), 0);
    spool_info info;
    memset(&info, 0, sizeof info);
    assert_int_equal(spool_queue_info(q, id1, &info, &err), 0);
    assert_string_equal(info.from, "");
    assert_int_equal(info.recipient_count, 1);
    assert_string_equal(info.recipients[0].address, "list@example.net");
    spool_info_free(&info);
    void *source = NULL;
    size_t len = 0;
    assert_int_equal(spool_queue_source(q, id2, &source, &len, &err), 0);
    assert_int_equal(len, sizeof raw - 1);
    assert_memory_equal(source, raw, len);
    free(source);
    spool_queue_close(q);
    envoi_message_free(m);
    envoi_spool_close(sp);
}

struct submitter {
    envoi_spool *sp;
    char ids[20][ENVOI_SPOOL_ID_SIZE];
    int failures;
};

static void *submit_some(void *arg)
{
    struct submitter *s = arg;
    static const char raw[] = "Subject: concurrent\r\n\r\nx\r\n";
    const char *rcpts[] = {"bob@example.net"};
    for (int i = 0; i < 20; i++)
        if (envoi_spool_submit_raw(s->sp, "a@example.org", rcpts, 1, raw, sizeof raw - 1,
                                   s->ids[i]) != 0)
            s->failures++;
    return NULL;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void one_handle_serves_many_threads(void **state)
{
    st *t = *state;
    envoi_spool *sp = envoi_spool_open(t->spool, NULL);
    assert_non_null(sp);
    enum { THREADS = 8 };
    static struct submitter subs[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&subs[i], 0, sizeof subs[i]);
        subs[i].sp = sp;
        assert_int_equal(pthread_create(&th[i], NULL, submit_some, &subs[i]), 0);
    }
    static char all[THREADS * 20][ENVOI_SPOOL_ID_SIZE];
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(subs[i].failures, 0);
        memcpy(all[i * 20], subs[i].ids, sizeof subs[i].ids);
    }
    qsort(all, THREADS * 20, ENVOI_SPOOL_ID_SIZE, compare_ids);
    for (int i = 1; i < THREADS * 20; i++)
        assert_string_not_equal(all[i - 1], all[i]);
    for (int i = 0; i < THREADS * 20; i++) {
        envoi_spool_state s;
        assert_int_equal(envoi_spool_status(sp, all[i], &s), 0);
        assert_int_equal(s.status, ENVOI_SPOOL_PENDING);
    }
    envoi_spool_close(sp);
}

static void a_paused_spooler_refuses_with_estate(void **state)
{
    st *t = *state;
    envoi_spool *sp = envoi_spool_open(t->spool, NULL);
    assert_non_null(sp);
    spool_queue *q;
    spool_policy p;
    spool_policy_default(&p);
    envoi_error err;
    assert_int_equal(spool_queue_open(&q, t->spool, &p, &err), 0);
    assert_int_equal(spool_queue_set_paused(q, true, &err), 0);
    envoi_message *m = st_message("while paused", NULL);
    char id[ENVOI_SPOOL_ID_SIZE] = "x";
    assert_int_equal(envoi_spool_submit(sp, m, id), ENVOI_ESTATE);
    assert_string_equal(id, "");
    assert_int_equal(envoi_spool_error(sp)->code, ENVOI_ESTATE);
    assert_non_null(strstr(envoi_spool_error(sp)->text, "the spooler is paused"));
    assert_int_equal(spool_queue_set_paused(q, false, &err), 0);
    assert_int_equal(envoi_spool_submit(sp, m, id), 0);
    spool_queue_close(q);
    envoi_message_free(m);
    envoi_spool_close(sp);
}

static void an_oversize_message_is_etoobig(void **state)
{
    st *t = *state;
    envoi_spool *sp = envoi_spool_open(t->spool, NULL);
    assert_non_null(sp);
    size_t len = (size_t)50 * 1024 * 1024 + 1;
    char *big = malloc(len);
    assert_non_null(big);
    memset(big, 'x', len);
    const char *rcpts[] = {"bob@example.net"};
    char id[ENVOI_SPOOL_ID_SIZE];
    assert_int_equal(envoi_spool_submit_raw(sp, "a@example.org", rcpts, 1, big, len, id),
                     ENVOI_ETOOBIG);
    assert_int_equal(envoi_spool_error(sp)->code, ENVOI_ETOOBIG);
    free(big);
    envoi_spool_close(sp);
}

static void an_unknown_id_is_enotfound(void **state)
{
    st *t = *state;
    envoi_spool *sp = envoi_spool_open(t->spool, NULL);
    assert_non_null(sp);
    envoi_spool_state s;
    assert_int_equal(envoi_spool_status(sp, "0000000000000000000000", &s), ENVOI_ENOTFOUND);
    assert_int_equal(envoi_spool_error(sp)->code, ENVOI_ENOTFOUND);
    assert_int_equal(envoi_spool_status(sp, "../etc/passwd", &s), ENVOI_ENOTFOUND);
    assert_int_equal(envoi_spool_status(sp, "", &s), ENVOI_ENOTFOUND);
    envoi_spool_close(sp);
}

static void bad_envelopes_are_refused_before_queuing(void **state)
{
    st *t = *state;
    envoi_spool *sp = envoi_spool_open(t->spool, NULL);
    assert_non_null(sp);
    char id[ENVOI_SPOOL_ID_SIZE];
    static const char raw[] = "Subject: x\r\n\r\nx\r\n";
    const char *injected[] = {"bob@example.net\r\nRCPT TO:<eve@example.com>"};
    const char *empty[] = {""};
    const char *fine[] = {"bob@example.net"};
    assert_int_equal(envoi_spool_submit_raw(sp, "a@example.org", injected, 1, raw, 16, id),
                     ENVOI_EHEADER);
    assert_int_equal(envoi_spool_submit_raw(sp, "a@example.org", empty, 1, raw, 16, id),
                     ENVOI_EADDRESS);
    assert_int_equal(envoi_spool_submit_raw(sp, "a@example.org", fine, 0, raw, 16, id),
                     ENVOI_EINVAL);
    assert_int_equal(envoi_spool_submit_raw(sp, "a@example.org", fine, 1, raw, 0, id),
                     ENVOI_EINVAL);
    assert_int_equal(envoi_spool_submit_raw(sp, "a\n@example.org", fine, 1, raw, 16, id),
                     ENVOI_EHEADER);
    const char *not_one[] = {"bob@example.net", "not an address"};
    assert_int_equal(envoi_spool_submit_raw(sp, "a@example.org", not_one, 2, raw, 16, id),
                     ENVOI_EADDRESS);
    assert_non_null(strstr(envoi_spool_error(sp)->text, "'not an address'"));
    assert_int_equal(envoi_spool_submit_raw(sp, NULL, fine, 1, raw, 16, id), ENVOI_EADDRESS);
    envoi_message *m = envoi_message_new();
    assert_int_equal(envoi_message_add_to(m, "bob@example.net"), 0);
    assert_int_equal(envoi_spool_submit(sp, m, id), ENVOI_EADDRESS);
    assert_non_null(strstr(envoi_spool_error(sp)->text, "From"));
    envoi_message_free(m);
    m = envoi_message_new();
    assert_int_equal(envoi_message_set_from(m, "a@example.org"), 0);
    assert_int_equal(envoi_spool_submit(sp, m, id), ENVOI_EINVAL);
    envoi_message_free(m);

    spool_queue *q;
    spool_policy p;
    spool_policy_default(&p);
    envoi_error err;
    assert_int_equal(spool_queue_open(&q, t->spool, &p, &err), 0);
    spool_counts c;
    assert_int_equal(spool_queue_counts(q, &c, &err), 0);
    assert_int_equal(c.pending, 0);
    spool_queue_close(q);
    envoi_spool_close(sp);
}

static void opening_where_no_directory_can_be_fails_with_the_reason(void **state)
{
    st *t = *state;
    char file[128], below[160];
    snprintf(file, sizeof file, "%s/plain-file", t->dir);
    snprintf(below, sizeof below, "%s/spool", file);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    envoi_error err;
    assert_null(envoi_spool_open(below, &err));
    assert_true(err.code < 0);
    assert_non_null(strstr(err.text, "plain-file"));
    assert_null(envoi_spool_open("", &err));
    assert_int_equal(err.code, ENVOI_EINVAL);
    assert_null(envoi_spool_open(NULL, NULL));
}

static void status_names_are_the_apis(void **state)
{
    (void)state;
    assert_string_equal(envoi_spool_status_name(ENVOI_SPOOL_PENDING), "pending");
    assert_string_equal(envoi_spool_status_name(ENVOI_SPOOL_SENT), "sent");
    assert_string_equal(envoi_spool_status_name(ENVOI_SPOOL_ERROR), "error");
    assert_string_equal(envoi_spool_status_name(ENVOI_SPOOL_CANCELLED), "cancelled");
}

int main(void)
{
    envoi_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(submit_is_pending_until_delivered_then_sent, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(bcc_is_in_the_envelope_but_not_in_the_stored_source,
                                        st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(explicit_envelope_and_raw_source_are_queued_as_given,
                                        st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(one_handle_serves_many_threads, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(a_paused_spooler_refuses_with_estate, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(an_oversize_message_is_etoobig, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(an_unknown_id_is_enotfound, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown(bad_envelopes_are_refused_before_queuing, st_setup,
                                        st_teardown),
        cmocka_unit_test_setup_teardown(opening_where_no_directory_can_be_fails_with_the_reason,
                                        st_setup, st_teardown),
        cmocka_unit_test(status_names_are_the_apis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
