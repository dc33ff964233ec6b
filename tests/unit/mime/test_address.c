/* Mailbox parsing, addr-spec checks and the envelope form (IDNA). */
#include "unit/mime/helpers.h"

#include "envoi/error.h"
#include "mime/address.h"

static void parse_ok(const char *text, const char *name, const char *addr)
{
    envoi_mailbox mb;
    assert_int_equal(envoi_mailbox_parse(text, &mb), 0);
    if (name)
        assert_string_equal(mb.name, name);
    else
        assert_null(mb.name);
    assert_string_equal(mb.addr, addr);
    envoi_mailbox_clear(&mb);
}

static int parse_rc(const char *text)
{
    envoi_mailbox mb;
    int rc = envoi_mailbox_parse(text, &mb);
    if (rc == 0)
        envoi_mailbox_clear(&mb);
    return rc;
}

static void parses_every_mailbox_form(void **state)
{
    (void)state;
    parse_ok("a@example.org", NULL, "a@example.org");
    parse_ok("  <a@example.org>  ", NULL, "a@example.org");
    parse_ok("Alice Liddell <alice@example.org>", "Alice Liddell", "alice@example.org");
    parse_ok("\"Doe, John\" <john@example.org>", "Doe, John", "john@example.org");
    parse_ok("\"say \\\"hi\\\"\" <q@example.org>", "say \"hi\"", "q@example.org");
    parse_ok("\"a <b>\" <c@example.org>", "a <b>", "c@example.org");
    parse_ok("Zoë Müller <zoë@bücher.example>", "Zoë Müller", "zoë@bücher.example");
    parse_ok("\"john doe\"@example.org", NULL, "\"john doe\"@example.org");
    parse_ok("user+tag@[192.0.2.1]", NULL, "user+tag@[192.0.2.1]");
    parse_ok("root@localhost", NULL, "root@localhost");
}

static void refuses_malformed_addresses(void **state)
{
    (void)state;
    const char *bad[] = {
        "no-at-sign",
        "@example.org",
        "a@",
        "a b@example.org",
        "a@exa mple.org",
        "a..b@example.org",
        ".a@example.org",
        "a.@example.org",
        "a@example..org",
        "a@-example.org",
        "a@example.org>",
        "Name <a@example.org",
        "Name <a@example.org> trailing",
        "<>",
        "a@b@c",
        "a@exam_ple.org",
        "\"unterminated@example.org",
        "a\x01@example.org",
        "bad\xff@example.org",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse_rc(bad[i]) != ENVOI_EADDRESS)
            fail_msg("accepted or wrong code: \"%s\"", bad[i]);
    }
}

static void cr_or_lf_is_a_header_error(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("a@example.org\r\nBcc: x@example.org"), ENVOI_EHEADER);
    assert_int_equal(parse_rc("Name\n <a@example.org>"), ENVOI_EHEADER);
    assert_int_equal(parse_rc("a@exa\rmple.org"), ENVOI_EHEADER);
    assert_int_equal(envoi_address_check("a@b\0c", 5), ENVOI_EHEADER);
}

static void enforces_local_part_and_domain_lengths(void **state)
{
    (void)state;
    char addr[400];
    memset(addr, 'l', 64);
    snprintf(addr + 64, sizeof addr - 64, "@example.org");
    assert_int_equal(parse_rc(addr), 0);
    memset(addr, 'l', 65);
    snprintf(addr + 65, sizeof addr - 65, "@example.org");
    assert_int_equal(parse_rc(addr), ENVOI_EADDRESS);
    /* domain of 255 octets: labels of 63 + dots */
    size_t n = 0;
    addr[n++] = 'a';
    addr[n++] = '@';
    for (int label = 0; label < 4; label++) {
        size_t len = label < 3 ? 63 : 255 - 3 * 64;
        memset(addr + n, 'd', len);
        n += len;
        if (label < 3)
            addr[n++] = '.';
    }
    addr[n] = '\0';
    assert_int_equal(n - 2, 255);
    assert_int_equal(parse_rc(addr), 0);
    addr[n] = 'd';
    addr[n + 1] = '\0';
    assert_int_equal(parse_rc(addr), ENVOI_EADDRESS);
    /* a label over 63 octets */
    memset(addr, 'x', 70);
    memcpy(addr, "a@", 2);
    snprintf(addr + 70, sizeof addr - 70, ".org");
    assert_int_equal(parse_rc(addr), ENVOI_EADDRESS);
}

static void tells_non_ascii_local_parts(void **state)
{
    (void)state;
    assert_true(envoi_address_local_is_ascii("user@bücher.example"));
    assert_false(envoi_address_local_is_ascii("zoë@example.org"));
    assert_true(envoi_address_domain_is_ascii("zoë@example.org"));
    assert_false(envoi_address_domain_is_ascii("user@bücher.example"));
}

static void envelope_form_converts_domain_to_a_labels(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(envoi_address_to_envelope("user@bücher.example", &out), 0);
    assert_string_equal(out, "user@xn--bcher-kva.example");
    free(out);
    assert_int_equal(envoi_address_to_envelope("zoë@Faß.de", &out), 0);
    assert_string_equal(out, "zoë@xn--fa-hia.de"); /* non-transitional: ß kept */
    free(out);
    assert_int_equal(envoi_address_to_envelope("plain@example.org", &out), 0);
    assert_string_equal(out, "plain@example.org");
    free(out);
    assert_int_equal(envoi_address_to_envelope("a@\xe2\x98\x83\xe2\x80\x8d.example", &out),
                     ENVOI_EIDNA);
    assert_null(out);
    assert_int_equal(envoi_address_to_envelope("not an address", &out), ENVOI_EADDRESS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_every_mailbox_form),
        cmocka_unit_test(refuses_malformed_addresses),
        cmocka_unit_test(cr_or_lf_is_a_header_error),
        cmocka_unit_test(enforces_local_part_and_domain_lengths),
        cmocka_unit_test(tells_non_ascii_local_parts),
        cmocka_unit_test(envelope_form_converts_domain_to_a_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
