/* With no relay configured, delivery writes each message into the capture
 * maildir and records it sent with the reply "captured"; with no capture
 * directory either, messages wait (deferred) instead of being lost. */
#include "test_deliver_helpers.h"

#include "envoi/parse.h"

static size_t files_in(const char *dir, char names[][512], size_t max)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dp)))
        if (e->d_name[0] != '.' && n < max)
            snprintf(names[n++], 512, "%s/%s", dir, e->d_name);
    closedir(dp);
    return n;
}

static void capture_writes_the_maildir(void **state)
{
    dt *t = *state;
    char capture[256], newdir[300];
    snprintf(capture, sizeof capture, "%s/capture", t->spool);
    snprintf(newdir, sizeof newdir, "%s/new", capture);
    const char *to[] = {"bob@example.net", "carol@example.net", NULL};
    char ids[3][SPOOL_ID_SIZE];
    for (int i = 0; i < 3; i++)
        dt_submit(t, "alice@example.org", to, "captured mail", ids[i]);
    spool_delivery_opts o = dt_opts(t);
    o.capture_dir = capture;
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, NULL, 0, 2, "test", &o, &d), 0);
    t->d = d;
    for (int i = 0; i < 3; i++) {
        spool_info info;
        dt_wait_status(t, ids[i], SPOOL_SENT, 1, &info);
        assert_string_equal(info.reason, "captured");
        spool_info_free(&info);
    }
    dt_stop(t);
    char names[8][512];
    assert_int_equal(files_in(newdir, names, 8), 3);
    char tmpdir[300];
    snprintf(tmpdir, sizeof tmpdir, "%s/tmp", capture);
    assert_int_equal(files_in(tmpdir, names + 3, 5), 0);
    size_t len;
    char *raw = dt_read_file(names[0], &len);
    assert_non_null(raw);
    assert_int_equal(strncmp(raw, "Return-Path: <alice@example.org>\r\n", 34), 0);
    assert_non_null(strstr(raw, "X-Envoi-Envelope-To: <carol@example.net>\r\n"));
    envoi_message *m;
    assert_int_equal(envoi_message_parse(raw, len, &m), 0);
    assert_string_equal(envoi_message_get_subject(m), "captured mail");
    envoi_message_free(m);
    free(raw);
    char *log = dt_log_text(t);
    assert_non_null(strstr(log, "relay=capture"));
    free(log);
}

static void no_relay_and_no_capture_waits(void **state)
{
    dt *t = *state;
    const char *to[] = {"bob@example.net", NULL};
    char id[SPOOL_ID_SIZE];
    dt_submit(t, "alice@example.org", to, "nowhere", id);
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, NULL, 0, 1, "test", &o, &d), 0);
    t->d = d;
    spool_info info;
    dt_wait_status(t, id, SPOOL_PENDING, 1, &info);
    assert_int_equal(info.recipients[0].outcome, SPOOL_OUT_DEFERRED);
    assert_string_equal(info.recipients[0].reply, "no relay configured");
    spool_info_free(&info);
    dt_stop(t);
}

static void unknown_relay_name_waits(void **state)
{
    dt *t = *state;
    const char *to[] = {"bob@example.net", NULL};
    spool_submission m = {"alice@example.org", to, 1, "Subject: x\r\n\r\ny\r\n", 18, "other"};
    char id[SPOOL_ID_SIZE];
    envoi_error err;
    assert_int_equal(spool_queue_submit(t->q, &m, id, &err), 0);
    spool_relay r = dt_relay(t); /* nothing listens there: never tried anyway */
    r.name = "main";
    spool_delivery_opts o = dt_opts(t);
    spool_delivery *d;
    assert_int_equal(spool_delivery_start(t->q, &r, 1, 1, "test", &o, &d), 0);
    t->d = d;
    spool_info info;
    dt_wait_status(t, id, SPOOL_PENDING, 1, &info);
    assert_non_null(strstr(info.recipients[0].reply, "no relay named \"other\""));
    spool_info_free(&info);
    dt_stop(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(capture_writes_the_maildir, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(no_relay_and_no_capture_waits, dt_setup, dt_teardown),
        cmocka_unit_test_setup_teardown(unknown_relay_name_waits, dt_setup, dt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
