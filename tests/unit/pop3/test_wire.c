/* The POP3 readers without a connection: status lines and response codes,
 * CAPA, LIST and UIDL lines, un-dot-stuffing of bodies cut anywhere, and the
 * APOP digest of RFC 1939. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pop3/wire.h"
#include "proto/dotted.h"

static int status(const char *line, pop3_status *st)
{
    return pop3_status_parse(line, strlen(line), st);
}

static void status_lines_are_read_strictly(void **state)
{
    (void)state;
    pop3_status st;
    assert_int_equal(status("+OK 2 320", &st), 0);
    assert_true(st.ok);
    assert_int_equal(st.text_len, 5);
    assert_memory_equal(st.text, "2 320", 5);
    assert_int_equal(status("+OK", &st), 0);
    assert_true(st.ok);
    assert_int_equal(st.text_len, 0);
    assert_int_equal(status("-ERR no such message", &st), 0);
    assert_false(st.ok);
    assert_string_equal(st.code, "");
    assert_int_equal(status("-ERR", &st), 0);
    assert_int_equal(status("+ok fine", &st), ENVOI_EPROTOCOL);
    assert_int_equal(status("+OKAY", &st), ENVOI_EPROTOCOL);
    assert_int_equal(status("-ERROR x", &st), ENVOI_EPROTOCOL);
    assert_int_equal(status("OK", &st), ENVOI_EPROTOCOL);
    assert_int_equal(status("", &st), ENVOI_EPROTOCOL);
    assert_int_equal(status("+ challenge", &st), ENVOI_EPROTOCOL);
}

static void response_codes_are_taken_in_upper_case(void **state)
{
    (void)state;
    pop3_status st;
    assert_int_equal(status("-ERR [AUTH] Authentication failed.", &st), 0);
    assert_string_equal(st.code, "AUTH");
    assert_int_equal(status("-ERR [sys/temp] try later", &st), 0);
    assert_string_equal(st.code, "SYS/TEMP");
    assert_int_equal(status("-ERR [IN-USE] locked", &st), 0);
    assert_string_equal(st.code, "IN-USE");
    assert_int_equal(status("-ERR [unterminated", &st), 0);
    assert_string_equal(st.code, "");
    assert_int_equal(status("-ERR [] empty", &st), 0);
    assert_string_equal(st.code, "");
    assert_int_equal(status("-ERR [A-CODE-FAR-TOO-LONG-FOR-US] x", &st), 0);
    assert_string_equal(st.code, "");
}

static void capa_lines_set_flags_and_mechanisms(void **state)
{
    (void)state;
    pop3_caps c = {0};
    const char *lines[] = {"TOP",
                           "UIDL",
                           "RESP-CODES",
                           "PIPELINING",
                           "AUTH-RESP-CODE",
                           "STLS",
                           "user",
                           "SASL PLAIN  LOGIN CRAM-MD5",
                           "X-UNKNOWN 1",
                           "TOPLESS"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        assert_int_equal(pop3_caps_add_line(&c, lines[i], strlen(lines[i])), 0);
    int want = ENVOI_POP3_CAPA_TOP | ENVOI_POP3_CAPA_UIDL | ENVOI_POP3_CAPA_RESP_CODES |
               ENVOI_POP3_CAPA_PIPELINING | ENVOI_POP3_CAPA_AUTH_RESP_CODE | ENVOI_POP3_CAPA_STLS |
               ENVOI_POP3_CAPA_USER | ENVOI_POP3_CAPA_SASL;
    assert_int_equal(c.flags, want);
    assert_string_equal(c.sasl.data, "PLAIN LOGIN CRAM-MD5");
    assert_non_null(strstr(c.lines.data, "X-UNKNOWN 1\nTOPLESS"));
    pop3_caps_reset(&c);
    assert_int_equal(c.flags, 0);
    assert_int_equal(c.sasl.len, 0);
    pop3_caps_free(&c);
}

static void list_lines_give_number_and_size(void **state)
{
    (void)state;
    unsigned n;
    size_t size;
    assert_int_equal(pop3_parse_list_line("1 120", 5, &n, &size), 0);
    assert_int_equal(n, 1);
    assert_int_equal(size, 120);
    assert_int_equal(pop3_parse_list_line("7 99 extra", 10, &n, &size), 0);
    assert_int_equal(size, 99);
    const char *bad[] = {"0 12",
                         "1",
                         "1 ",
                         " 1 2",
                         "1  2",
                         "a 1",
                         "1 2x",
                         "99999999999 1",
                         "1 99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pop3_parse_list_line(bad[i], strlen(bad[i]), &n, &size), ENVOI_EPROTOCOL);
}

static void uidl_lines_give_number_and_printable_id(void **state)
{
    (void)state;
    unsigned n;
    const char *u;
    size_t len;
    assert_int_equal(pop3_parse_uidl_line("3 QhdPYR:00WBw1Ph7x7", 20, &n, &u, &len), 0);
    assert_int_equal(n, 3);
    assert_int_equal(len, 18);
    assert_memory_equal(u, "QhdPYR:00WBw1Ph7x7", 18);
    char longid[80];
    memset(longid, 'x', sizeof longid);
    memcpy(longid, "1 ", 2);
    assert_int_equal(pop3_parse_uidl_line(longid, 72, &n, &u, &len), 0);
    assert_int_equal(pop3_parse_uidl_line(longid, 73, &n, &u, &len), ENVOI_EPROTOCOL);
    const char *bad[] = {"1", "1 ", "1 a b", "0 abc", "x abc", "1 a\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pop3_parse_uidl_line(bad[i], strlen(bad[i]), &n, &u, &len),
                         ENVOI_EPROTOCOL);
}

static void apop_digest_matches_rfc_1939(void **state)
{
    (void)state;
    const char *greet = "POP3 server ready <1896.697170952@dbc.mtview.ca.us>";
    const char *ts;
    size_t n;
    assert_true(pop3_apop_timestamp(greet, strlen(greet), &ts, &n));
    assert_int_equal(n, 33);
    char hex[33];
    assert_int_equal(pop3_apop_digest(ts, n, "tanstaaf", hex), 0);
    assert_string_equal(hex, "c4c9334bac560ecc979e58001b3e22fb");
    const char *none = "Dovecot ready.";
    assert_false(pop3_apop_timestamp(none, strlen(none), &ts, &n));
    const char *later = "ready <no-at> <1.2@host>";
    assert_true(pop3_apop_timestamp(later, strlen(later), &ts, &n));
    assert_int_equal(n, 10);
}

struct sink {
    char data[4096];
    size_t len;
};

static int sink_write(void *ctx, const void *data, size_t len)
{
    struct sink *k = ctx;
    assert_true(k->len + len <= sizeof k->data);
    memcpy(k->data + k->len, data, len);
    k->len += len;
    return 0;
}

/* Feed wire[] cut at the given points; returns the bytes taken. */
static size_t undot_pieces(const char *wire, size_t len, size_t cut1, size_t cut2, struct sink *k,
                           bool *done)
{
    envoi_undot u;
    envoi_undot_init(&u);
    size_t cuts[] = {0, cut1, cut2, len}, taken = 0;
    for (size_t i = 0; i < 3 && !u.done; i++) {
        size_t used;
        assert_int_equal(
            envoi_undot_feed(&u, wire + cuts[i], cuts[i + 1] - cuts[i], &used, sink_write, k), 0);
        taken += used;
        if (!u.done)
            assert_int_equal(used, cuts[i + 1] - cuts[i]);
    }
    *done = u.done;
    return taken;
}

static void undot_is_the_same_however_the_body_is_cut(void **state)
{
    (void)state;
    const char wire[] = "Subject: x\r\n\r\n..leading dot\r\n.\rodd\r\nbare lf\n..\r\n"
                        "...three\r\n.\r\nNEXT RESPONSE";
    const char want[] = "Subject: x\r\n\r\n.leading dot\r\n\rodd\r\nbare lf\n.\r\n..three\r\n";
    size_t len = strlen(wire), end = strlen(wire) - strlen("NEXT RESPONSE");
    for (size_t a = 0; a <= len; a++) {
        for (size_t b = a; b <= len; b++) {
            struct sink k = {{0}, 0};
            bool done;
            size_t taken = undot_pieces(wire, len, a, b, &k, &done);
            assert_true(done);
            assert_int_equal(taken, end);
            assert_int_equal(k.len, strlen(want));
            assert_memory_equal(k.data, want, k.len);
        }
    }
}

static void undot_accepts_a_bare_lf_end_and_waits_without_one(void **state)
{
    (void)state;
    struct sink k = {{0}, 0};
    bool done;
    assert_int_equal(undot_pieces("a\n.\nrest", 8, 1, 3, &k, &done), 4);
    assert_true(done);
    assert_memory_equal(k.data, "a\n", 2);
    k.len = 0;
    /* ". " is a stuffed-dot line, not the end; a body cut before its end
     * line is never complete. */
    undot_pieces("a\r\n. x\r\n.", 9, 4, 9, &k, &done);
    assert_false(done);
    assert_int_equal(k.len, 7);
    assert_memory_equal(k.data, "a\r\n x\r\n", 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_lines_are_read_strictly),
        cmocka_unit_test(response_codes_are_taken_in_upper_case),
        cmocka_unit_test(capa_lines_set_flags_and_mechanisms),
        cmocka_unit_test(list_lines_give_number_and_size),
        cmocka_unit_test(uidl_lines_give_number_and_printable_id),
        cmocka_unit_test(apop_digest_matches_rfc_1939),
        cmocka_unit_test(undot_is_the_same_however_the_body_is_cut),
        cmocka_unit_test(undot_accepts_a_bare_lf_end_and_waits_without_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
