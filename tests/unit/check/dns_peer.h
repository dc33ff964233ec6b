/* What the DNS unit tests share: the test nameserver (dnsmasq through
 * tests/peers/dns.sh) started on a free loopback port for a test group,
 * and a resolver pointed at it. Tests skip when dnsmasq is not installed. */
#ifndef ENVOI_TESTS_CHECK_DNS_PEER_H
#define ENVOI_TESTS_CHECK_DNS_PEER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check/dns.h"
#include "../peer_util.h"

static char dns_dir[64];     /* the nameserver's folder */
static char dns_peers[1024]; /* tests/peers */
static unsigned dns_port;    /* 0 when not started: the tests skip */

/* A port free for both UDP and TCP on 127.0.0.1, or 0. */
static unsigned dns_free_port(void)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof sa;
        bool ok = u >= 0 && t >= 0 && bind(u, (struct sockaddr *)&sa, sizeof sa) == 0 &&
                  getsockname(u, (struct sockaddr *)&sa, &len) == 0 &&
                  bind(t, (struct sockaddr *)&sa, sizeof sa) == 0;
        unsigned port = ntohs(sa.sin_port);
        if (u >= 0)
            close(u);
        if (t >= 0)
            close(t);
        if (ok)
            return port;
    }
    return 0;
}

/* Group setup: the nameserver when dnsmasq is installed (else the tests
 * skip). 0, or -1 with its log on standard error. */
static int dns_setup(void **state)
{
    (void)state;
    if (access("/usr/sbin/dnsmasq", X_OK) != 0 || !peer_find_dir(dns_peers, sizeof dns_peers))
        return 0;
    snprintf(dns_dir, sizeof dns_dir, "/tmp/envoi-dns-XXXXXX");
    if (!mkdtemp(dns_dir))
        return -1;
    unsigned port = dns_free_port();
    if (port == 0 || peer_run("%s/dns.sh start %s %u >%s/start.log 2>&1", dns_peers, dns_dir, port,
                              dns_dir) != 0) {
        peer_run("cat %s/start.log >&2", dns_dir);
        return -1;
    }
    dns_port = port;
    return 0;
}

static int dns_teardown(void **state)
{
    (void)state;
    if (dns_dir[0]) {
        peer_run("%s/dns.sh stop %s", dns_peers, dns_dir);
        peer_run("rm -rf %s", dns_dir);
    }
    return 0;
}

/* A resolver asking the test nameserver at host ("127.0.0.1" or "[::1]"),
 * with a timeout of 2 s. */
static check_resolver dns_resolver_at(const char *host)
{
    check_resolver r = {.timeout_ms = 2000};
    char text[64];
    snprintf(text, sizeof text, "%s:%u", host, dns_port);
    if (check_resolver_set_server(&r, text, NULL) != 0)
        fprintf(stderr, "bad nameserver %s\n", text);
    return r;
}

static check_resolver dns_resolver(void)
{
    return dns_resolver_at("127.0.0.1");
}

#endif
