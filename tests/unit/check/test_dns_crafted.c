/* check_dns_mx against crafted replies from a small UDP nameserver of the
 * test: stable sorting by preference, a null MX among real ones, SERVFAIL,
 * and malformed answers (bad lengths, compression loops, CNAME loops) that
 * must give a failure, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check/dns.h"
#include "check/dns_answer.h"

enum { MX = 15, CNAME = 5 };

/* The answer section the server appends to every reply, and its rcode. */
static unsigned char answer[1024];
static size_t answer_len;
static unsigned answer_count;
static int answer_rcode;
static int server_fd = -1;
static atomic_bool stopping;
static pthread_t server_thread;

static void put16(unsigned v)
{
    answer[answer_len++] = (unsigned char)(v >> 8);
    answer[answer_len++] = (unsigned char)v;
}

static void put_bytes(const void *data, size_t n)
{
    memcpy(answer + answer_len, data, n);
    answer_len += n;
}

/* A record owned by the question's name (pointer to offset 12), rdata as given. */
static void add_rr(unsigned type, const void *rdata, size_t rdlen, size_t claimed_rdlen)
{
    put16(0xc00c);
    put16(type);
    put16(1);
    put16(0);
    put16(300);
    put16((unsigned)claimed_rdlen);
    put_bytes(rdata, rdlen);
    answer_count++;
}

/* An MX record: preference and a name in wire form (labels, ending in 0). */
static void add_mx(unsigned pref, const char *wire, size_t wire_len)
{
    unsigned char rd[300];
    rd[0] = (unsigned char)(pref >> 8);
    rd[1] = (unsigned char)pref;
    memcpy(rd + 2, wire, wire_len);
    add_rr(MX, rd, wire_len + 2, wire_len + 2);
}

static void reset_answer(int rcode)
{
    answer_len = 0;
    answer_count = 0;
    answer_rcode = rcode;
}

/* The question section's length in query (from offset 12), or 0. */
static size_t question_len(const unsigned char *q, size_t n)
{
    size_t i = 12;
    while (i < n && q[i] != 0)
        i += (size_t)q[i] + 1;
    return i + 5 <= n ? i + 5 - 12 : 0;
}

static void reply(const unsigned char *q, size_t n, const struct sockaddr_in *from)
{
    unsigned char out[2048];
    size_t ql = question_len(q, n);
    if (ql == 0)
        return;
    out[0] = q[0];
    out[1] = q[1];
    out[2] = 0x81; /* QR, RD */
    out[3] = (unsigned char)(0x80 | answer_rcode);
    out[4] = 0;
    out[5] = 1;
    out[6] = (unsigned char)(answer_count >> 8);
    out[7] = (unsigned char)answer_count;
    memset(out + 8, 0, 4);
    memcpy(out + 12, q + 12, ql);
    memcpy(out + 12 + ql, answer, answer_len);
    sendto(server_fd, out, 12 + ql + answer_len, 0, (const struct sockaddr *)from, sizeof *from);
}

static void *serve(void *arg)
{
    (void)arg;
    while (!atomic_load(&stopping)) {
        struct pollfd p = {.fd = server_fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0)
            continue;
        unsigned char q[512];
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(server_fd, q, sizeof q, 0, (struct sockaddr *)&from, &len);
        if (n > 12)
            reply(q, (size_t)n, &from);
    }
    return NULL;
}

static char server_text[64];

static int setup(void **state)
{
    (void)state;
    server_fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (server_fd < 0 || bind(server_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(server_fd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    snprintf(server_text, sizeof server_text, "127.0.0.1:%u", ntohs(sa.sin_port));
    return pthread_create(&server_thread, NULL, serve, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    atomic_store(&stopping, true);
    pthread_join(server_thread, NULL);
    close(server_fd);
    return 0;
}

static check_mx_list lookup(const char *domain)
{
    check_resolver r = {.timeout_ms = 2000};
    assert_int_equal(check_resolver_set_server(&r, server_text, NULL), 0);
    check_mx_list mx;
    assert_int_equal(check_dns_mx(&r, domain, &mx), 0);
    if (mx.why[0])
        print_message("%s: %s\n", domain, mx.why);
    return mx;
}

#define WIRE(s) s, sizeof s

static void test_equal_preferences_keep_their_order(void **state)
{
    (void)state;
    reset_answer(0);
    add_mx(20, WIRE("\1a\1x\4test"));
    add_mx(10, WIRE("\1b\1x\4test"));
    add_mx(20, WIRE("\1c\1x\4test"));
    add_mx(10, WIRE("\1d\1x\4test"));
    add_mx(5, WIRE("\1e\1x\4test"));
    check_mx_list mx = lookup("x.test");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_int_equal(mx.count, 5);
    const char *want[] = {"e.x.test", "b.x.test", "d.x.test", "a.x.test", "c.x.test"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(mx.hosts[i].name, want[i]);
}

static void test_null_mx_among_real_ones_ignored(void **state)
{
    (void)state;
    reset_answer(0);
    add_mx(0, "", 1);
    add_mx(10, WIRE("\2mx\1x\4test"));
    check_mx_list mx = lookup("x.test");
    assert_int_equal(mx.outcome, CHECK_MX_FOUND);
    assert_int_equal(mx.count, 1);
    assert_string_equal(mx.hosts[0].name, "mx.x.test");
}

static void test_servfail_is_failure(void **state)
{
    (void)state;
    reset_answer(2);
    check_mx_list mx = lookup("x.test");
    assert_int_equal(mx.outcome, CHECK_MX_FAILED);
    assert_non_null(strstr(mx.why, "SERVFAIL"));
}

static void assert_malformed(void)
{
    check_mx_list mx = lookup("x.test");
    assert_int_equal(mx.outcome, CHECK_MX_FAILED);
    assert_int_equal(mx.count, 0);
    assert_non_null(strstr(mx.why, "malformed"));
}

static void test_rdlength_past_the_end(void **state)
{
    (void)state;
    reset_answer(0);
    add_rr(MX, "\0\12\2mx\0", 6, 200);
    assert_malformed();
}

static void test_mx_rdata_too_short(void **state)
{
    (void)state;
    reset_answer(0);
    add_rr(MX, "\0", 1, 1);
    assert_malformed();
}

static void test_compression_loop(void **state)
{
    (void)state;
    reset_answer(0);
    /* the name is a pointer to itself: header 12 + question "\1x\4test\0" (8) + 4,
     * then this record's 12 bytes before rdata, plus the preference's 2 */
    size_t self = 12 + 8 + 4 + 12 + 2;
    unsigned char rd[4] = {0, 10, (unsigned char)(0xc0 | (self >> 8)), (unsigned char)self};
    add_rr(MX, rd, sizeof rd, sizeof rd);
    assert_malformed();
}

static void test_name_past_rdata(void **state)
{
    (void)state;
    reset_answer(0);
    add_rr(MX, "\0\12\2mx\4test\0", 11, 5); /* the name runs past rdlength */
    add_rr(CNAME, "\0", 1, 1);
    check_mx_list mx = lookup("x.test");
    assert_int_equal(mx.outcome, CHECK_MX_FAILED);
}

static void test_truncated_record(void **state)
{
    (void)state;
    reset_answer(0);
    put16(0xc00c);
    put16(MX);
    answer_count = 1; /* type only, then the message ends */
    check_mx_list mx = lookup("x.test");
    assert_int_equal(mx.outcome, CHECK_MX_FAILED);
}

static void test_cname_loop_bounded(void **state)
{
    (void)state;
    reset_answer(0);
    add_rr(CNAME, "\1x\4test", 8, 8); /* x.test is x.test */
    check_mx_list mx = lookup("x.test");
    assert_int_not_equal(mx.outcome, CHECK_MX_FOUND);
    assert_int_equal(mx.count, 0);
}

/* Read every MX name of a mutated reply: under the sanitizers any read
 * outside the message fails the test. */
static bool read_name(void *ctx, const ns_msg *msg, const ns_rr *rr)
{
    size_t *names = ctx;
    char name[CHECK_DNS_NAME_SIZE];
    if (dns_answer_name(msg, rr, 2, name, sizeof name) >= 0) {
        assert_true(strlen(name) < sizeof name);
        (*names)++;
    }
    return true;
}

static void test_mutated_replies_bounded(void **state)
{
    (void)state;
    static const unsigned char good[] = {
        0, 1,   0x81, 0x80, 0,  1,    0,  2, 0,  0, 0, 0, 1, 'x', 4,  't', 'e', 's',  't',
        0, 0,   15,   0,    1,  0xc0, 12, 0, 15, 0, 1, 0, 0, 1,   44, 0,   7,   0,    10,
        2, 'm', 'x',  0xc0, 12, 0xc0, 12, 0, 5,  0, 1, 0, 0, 1,   44, 0,   2,   0xc0, 38};
    unsigned char m[sizeof good];
    uint32_t seed = 12345;
    size_t names = 0;
    for (int round = 0; round < 50000; round++) {
        memcpy(m, good, sizeof good);
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245u + 12345u;
            m[(seed >> 8) % sizeof m] = (unsigned char)(seed >> 20);
        }
        seed = seed * 1103515245u + 12345u;
        size_t len = sizeof m - (seed >> 16) % 8;
        int n = dns_answer_each(m, len, "x.test", MX, read_name, &names);
        assert_true(n >= -1);
    }
    assert_true(names > 0); /* some mutations leave the MX readable */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_preferences_keep_their_order),
        cmocka_unit_test(test_null_mx_among_real_ones_ignored),
        cmocka_unit_test(test_servfail_is_failure),
        cmocka_unit_test(test_rdlength_past_the_end),
        cmocka_unit_test(test_mx_rdata_too_short),
        cmocka_unit_test(test_compression_loop),
        cmocka_unit_test(test_name_past_rdata),
        cmocka_unit_test(test_truncated_record),
        cmocka_unit_test(test_cname_loop_bounded),
        cmocka_unit_test(test_mutated_replies_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
