/* What the unit tests against a real Dovecot share: a free loopback port,
 * shell commands, the peers folder, and delivering a message with
 * dovecot-lda (keeping its CRLF form, which is what the server gives back).
 * It defines the test's Dovecot folder `dir` and the peers folder `peers`. */
#ifndef ENVOI_TESTS_DOVECOT_PEER_H
#define ENVOI_TESTS_DOVECOT_PEER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "peer_util.h"

static char dir[64];     /* the Dovecot of this test */
static char peers[1024]; /* tests/peers */

static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
        return 0;
    close(fd);
    return ntohs(sa.sin_port);
}

/* Find tests/peers: ENVOI_PEERS, else beside tests/unit/ where this file
 * is. False when neither works. */
static char *crlf(const char *lf, size_t len)
{
    char *out = malloc(2 * len + 1), *p = out;
    for (size_t i = 0; i < len; i++) {
        if (lf[i] == '\n')
            *p++ = '\r';
        *p++ = lf[i];
    }
    *p = '\0';
    return out;
}

/* Deliver a message (LF line ends) to user; its CRLF form, or NULL. */
static char *deliver(const char *user, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/msg.eml", dir);
    FILE *f = fopen(path, "w");
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    if (peer_run("/usr/lib/dovecot/dovecot-lda -c %s/dovecot.conf -d %s < %s", dir, user, path) !=
        0) {
        fprintf(stderr, "dovecot-lda could not deliver to %s\n", user);
        return NULL;
    }
    return crlf(text, strlen(text));
}

/* A test message to user, number i: an encoded-word subject, then body (the
 * protocol's tricky lines), a line of long_line letters and a last line. */
static char *make_test_message(const char *user, int i, const char *body, size_t long_line)
{
    size_t cap = long_line + strlen(body) + 4096;
    char *m = malloc(cap);
    int n = snprintf(m, cap,
                     "From: Sender <sender@localhost>\nTo: %s@localhost\n"
                     "Subject: message %d =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\n"
                     "Message-ID: <%d.%s@envoi.test>\n\n%s",
                     user, i, i, user, body);
    for (size_t k = 0; k < long_line; k++)
        m[n++] = (char)('a' + k % 26);
    n += snprintf(m + n, cap - (size_t)n, "\nlast line of %d\n", i);
    return m;
}

/* Start Dovecot in a new folder under /tmp with the listeners given by
 * dovecot.sh's port arguments after the three of submission ("%u %u" for
 * POP3 and POP3S, "'' '' %u %u" for IMAP and IMAPS). 0, or -1 (its log on
 * standard error). */
static int start_dovecot(const char *ports)
{
    snprintf(dir, sizeof dir, "/tmp/envoi-dovecot-XXXXXX");
    if (!mkdtemp(dir) || chmod(dir, 0755) < 0) /* the mail user must reach its mail */
        return -1;
    if (peer_run("%s/dovecot.sh start %s %u %u %u %s >%s/start.log 2>&1", peers, dir, free_port(),
                 free_port(), free_port(), ports, dir) != 0) {
        peer_run("cat %s/start.log >&2", dir);
        return -1;
    }
    return 0;
}

/* Deliver n messages made by make(user, i) to user, their CRLF forms into
 * kept[]. 0 or -1. */
static int deliver_many(const char *user, char **kept, int n, char *(*make)(const char *, int))
{
    for (int i = 0; i < n; i++) {
        char *m = make(user, i);
        kept[i] = deliver(user, m);
        free(m);
        if (!kept[i])
            return -1;
    }
    return 0;
}

/* Stop Dovecot, remove its folder, free the kept messages. */
static void stop_dovecot(char **kept, int n, char **more, int nmore)
{
    if (dir[0]) {
        peer_run("%s/dovecot.sh stop %s", peers, dir);
        peer_run("rm -rf %s", dir);
    }
    for (int i = 0; i < n; i++)
        free(kept[i]);
    for (int i = 0; i < nmore; i++)
        free(more[i]);
}

/* A test group's setup: Dovecot with the listeners of ports (as start_dovecot
 * takes them) when it and daemon (e.g. "/usr/lib/dovecot/imap") are
 * installed, else nothing (the tests skip); then alice's and bob's messages
 * delivered and kept. 0 or -1. */
static int setup_dovecot(const char *daemon, const char *ports, char **alice, int nalice,
                         char *(*make_alice)(const char *, int), char **bob, int nbob,
                         char *(*make_bob)(const char *, int))
{
    if (access("/usr/sbin/dovecot", X_OK) != 0 || access(daemon, X_OK) != 0 ||
        !peer_find_dir(peers, sizeof peers))
        return 0;
    if (start_dovecot(ports) < 0)
        return -1;
    return deliver_many("alice", alice, nalice, make_alice) < 0 ||
                   deliver_many("bob", bob, nbob, make_bob) < 0
               ? -1
               : 0;
}

/* What a message came as, collected by buf_write (an envoi_write_fn);
 * cmocka's asserts must be included before this header. */
struct buf {
    char *data;
    size_t len;
};

static int buf_write(void *ctx, const void *data, size_t len)
{
    struct buf *b = ctx;
    b->data = realloc(b->data, b->len + len + 1);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

static void assert_same(const struct buf *got, const char *want)
{
    assert_int_equal(got->len, strlen(want));
    assert_memory_equal(got->data, want, got->len);
}

#endif
