/* The syntax level of the address checks: domain names (labels, hyphens,
 * lengths), IDNA2008 through libidn2, address literals, and the public
 * suffix list. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "envoi/check.h"
#include "check/syntax.h"
#include "util/utf8.h"

static void expect_domain(const char *address, const char *domain)
{
    envoi_check_report r;
    assert_int_equal(envoi_address_check_syntax(address, &r), 0);
    if (r.result != ENVOI_ADDR_VALID)
        fail_msg("%s: %s", address, r.reason);
    assert_string_equal(r.domain, domain);
}

static void expect_syntax(const char *address, const char *reason)
{
    envoi_check_report r;
    assert_int_equal(envoi_address_check_syntax(address, &r), 0);
    if (r.result != ENVOI_ADDR_SYNTAX)
        fail_msg("%s: expected incorrect syntax, got %s", address,
                 envoi_check_result_name(r.result));
    if (!strstr(r.reason, reason))
        fail_msg("%s: reason \"%s\" lacks \"%s\"", address, r.reason, reason);
    assert_string_equal(r.domain, "");
}

static void test_domain_names(void **state)
{
    (void)state;
    expect_domain("a@example.org", "example.org");
    expect_domain("a@mail.example.co.uk", "mail.example.co.uk");
    expect_domain("a@mason-dixon.com", "mason-dixon.com");
    expect_domain("a@123.com", "123.com");
    expect_domain("a@x.org", "x.org");
    expect_domain("a@Example.ORG", "example.org");
    expect_domain("a@a-b--c.com", "a-b--c.com");
}

static void test_dots_in_domains(void **state)
{
    (void)state;
    expect_syntax("a@.example.org", "the domain starts with a dot");
    expect_syntax("a@example.org.", "the domain ends with a dot");
    expect_syntax("a@example..org", "the domain has two dots in a row");
}

static void test_hyphens(void **state)
{
    (void)state;
    expect_syntax("a@-example.org", "the domain label \"-example\" starts with a hyphen");
    expect_syntax("a@example-.org", "the domain label \"example-\" ends with a hyphen");
    expect_syntax("a@ab--cd.org", "hyphens in its third and fourth positions");
    /* a long label is quoted in part, cut between characters */
    char a[300] = "a@";
    size_t n = 2;
    for (int i = 0; i < 40; i++, n += 2)
        memcpy(a + n, "\xc3\xbc", 2);
    memcpy(a + n, "-.org", 6);
    envoi_check_report r;
    assert_int_equal(envoi_address_check_syntax(a, &r), 0);
    assert_int_equal(r.result, ENVOI_ADDR_SYNTAX);
    assert_non_null(strstr(r.reason, "...\" ends with a hyphen"));
    assert_true(envoi_utf8_valid(r.reason, strlen(r.reason)));
}

static void test_characters(void **state)
{
    (void)state;
    expect_syntax("a@exa_mple.org", "the domain has '_', which is not allowed in a domain name");
    expect_syntax("a@exa mple.org", "the domain has a space");
    expect_syntax("a@example.org(comment)", "comments are not allowed");
    expect_syntax("a@example.org\r\n", "the control character 0x0D");
    expect_syntax("a@exam\xffple.org", "the domain is not valid UTF-8");
    expect_syntax("a@exam\xc3ple.org", "the domain is not valid UTF-8");
}

static void test_lengths(void **state)
{
    (void)state;
    char a[400], label[70];
    memset(label, 'l', 63);
    label[63] = '\0';
    snprintf(a, sizeof a, "a@%s.org", label);
    char domain[80];
    snprintf(domain, sizeof domain, "%s.org", label);
    expect_domain(a, domain);
    snprintf(a, sizeof a, "a@l%s.org", label);
    expect_syntax(a, "a label of the domain is longer than 63 octets");
    /* four labels of 63 and "org": 4 * 64 + 3 = 259 octets */
    snprintf(a, sizeof a, "a@%s.%s.%s.%s.org", label, label, label, label);
    expect_syntax(a, "longer than 255 octets");
    /* 245 octets of domain: valid alone, but the address is 254 + 1 */
    label[61] = '\0';
    snprintf(a, sizeof a, "abcdefgh@%s.%s.%s.%s.org", label, label, label, label);
    expect_syntax(a, "the address is longer than 254 octets");
}

static void test_internationalized_domains(void **state)
{
    (void)state;
    expect_domain("a@m\xc3\xbcnchen.de", "xn--mnchen-3ya.de");
    expect_domain("a@M\xc3\x9cNCHEN.de", "xn--mnchen-3ya.de");
    expect_domain("a@fa\xc3\x9f.de", "xn--fa-hia.de"); /* non-transitional */
    expect_domain("a@\xe4\xbe\x8b\xe3\x81\x88.\xe4\xb8\xad\xe5\x9b\xbd", "xn--r8jz45g.xn--fiqs8s");
    expect_domain("a@\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84",
                  "xn--e1afmkfd.xn--p1ai");
    expect_domain("a@xn--mnchen-3ya.de", "xn--mnchen-3ya.de");
    expect_domain("\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe4\xb8\xad\xe5\x9b\xbd",
                  "xn--fsqu00a.xn--fiqs8s");
    /* IDNA maps the ideographic and fullwidth full stops to dots, fullwidth letters to ASCII */
    expect_domain("a@example\xe3\x80\x82org", "example.org");
    expect_domain("a@\xef\xbd\x98\xef\xbc\x8eorg", "x.org");
    /* NFC: u + combining diaeresis is ü */
    expect_domain("a@mu\xcc\x88nchen.de", "xn--mnchen-3ya.de");
}

static void test_bad_internationalized_domains(void **state)
{
    (void)state;
    expect_syntax("a@xn--zz.com", "not a valid A-label");
    expect_syntax("a@xn--abc.com", "not a valid A-label");
    expect_syntax("a@\xe2\x98\x83.com", "not a valid internationalized domain name"); /* snowman */
    expect_syntax("a@\xe2\x80\xb3.com", "not a valid internationalized domain name");
    expect_syntax("a@example\xe3\x80\x82\xe3\x80\x82org", "the domain has two dots in a row");
    expect_syntax("a@example.org\xe3\x80\x82", "the domain ends with a dot");
    expect_syntax("a@\xe3\x80\x82"
                  "example.org",
                  "the domain starts with a dot");
    expect_syntax("a@exa\xef\xbc\xbfmple.org", "the domain has '_'");
    /* a variation selector and a soft hyphen map to nothing */
    expect_syntax("a@\xef\xb8\x8e", "the domain is empty once IDNA has mapped its characters");
    expect_syntax("a@\xc2\xad.org", "the domain starts with a dot");
}

static void test_address_literals(void **state)
{
    (void)state;
    expect_domain("a@[192.0.2.1]", "[192.0.2.1]");
    expect_domain("a@[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]");
    expect_domain("a@[ipv6:2001:DB8::1]", "[ipv6:2001:DB8::1]");
    expect_domain("a@[IPv6:1:2:3:4:5:6:7:8]", "[IPv6:1:2:3:4:5:6:7:8]");
    expect_domain("a@[IPv6:1:2:3:4:5:6::]", "[IPv6:1:2:3:4:5:6::]");
    expect_domain("a@[IPv6:::ffff:192.0.2.1]", "[IPv6:::ffff:192.0.2.1]");
    expect_domain("a@[IPv6:1:2:3:4:5:6:192.0.2.1]", "[IPv6:1:2:3:4:5:6:192.0.2.1]");
    assert_true(check_syntax_is_literal("[192.0.2.1]"));
    assert_false(check_syntax_is_literal("example.org"));
}

static void test_bad_address_literals(void **state)
{
    (void)state;
    expect_syntax("a@[192.0.2.256]", "the address literal [192.0.2.256] is not an IPv4 address");
    expect_syntax("a@[192.0.2]", "is not an IPv4 address");
    expect_syntax("a@[example.org]", "is not an IPv4 address");
    expect_syntax("a@[IPv6:2001:db8::g]", "the IPv6 address literal has 'g'");
    expect_syntax("a@[IPv6:1:2:3:4:5:6:7]", "is not an IPv6 address");
    expect_syntax("a@[IPv6:1::2::3]", "is not an IPv6 address");
    expect_syntax("a@[IPv6::1:2]", "is not an IPv6 address");
    expect_syntax("a@[IPv6:1:2:3:4:5:6:7::]", "7 groups beside \"::\"");
    expect_syntax("a@[IPv6:1:2:3:4:5::192.0.2.1]", "5 groups beside \"::\"");
    expect_syntax("a@[IPv6:192.0.2.1]", "is not an IPv6 address");
    expect_syntax("a@[x-tag:content]", "general address literals");
    expect_syntax("a@[]", "the address literal [] is empty");
    expect_syntax("a@[192.0.2.1", "the address literal has no closing bracket");
    expect_syntax("a@[192.0.2.1]x", "text follows the closing bracket");
    expect_syntax("a@[192.0.2.1].org", "text follows the closing bracket");
    expect_syntax("a@192.0.2.1", "an IP address must be written in brackets, as [192.0.2.1]");
    expect_syntax("a@[1111111111111111111111111111111111111111111111111111111111111111111]",
                  "is not an IPv4 or IPv6 address");
}

static void test_public_suffix_list(void **state)
{
    (void)state;
    expect_syntax("a@example.invalidtld", "the top-level domain .invalidtld is not in the public "
                                          "suffix list");
    expect_syntax("a@example.test", "the top-level domain .test is not in the public suffix list");
    expect_syntax("a@localhost", "the top-level domain .localhost is not in the public suffix");
    expect_syntax("a@example.123", "the top-level domain .123 is all digits");
    expect_syntax("a@com", "the domain com is a top-level domain, not a mail domain");
    expect_syntax("a@co.uk", "the domain co.uk is a public suffix");
    expect_syntax("a@\xe4\xb8\xad\xe5\x9b\xbd", "the domain xn--fiqs8s is a top-level domain");
    expect_syntax("a@anything.ck", "the domain anything.ck is a public suffix"); /* *.ck */
    expect_domain("a@www.ck", "www.ck");                                         /* !www.ck */
    /* a private-section suffix is an organization's domain */
    expect_domain("a@github.io", "github.io");
    expect_domain("a@user.github.io", "user.github.io");
    expect_domain("a@example.museum", "example.museum");
    expect_domain("a@nic.xn--p1ai", "nic.xn--p1ai");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_names),
        cmocka_unit_test(test_dots_in_domains),
        cmocka_unit_test(test_hyphens),
        cmocka_unit_test(test_characters),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_internationalized_domains),
        cmocka_unit_test(test_bad_internationalized_domains),
        cmocka_unit_test(test_address_literals),
        cmocka_unit_test(test_bad_address_literals),
        cmocka_unit_test(test_public_suffix_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
