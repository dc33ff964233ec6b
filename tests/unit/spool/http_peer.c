/* A scripted HTTP server for the tests of envoid's HTTP client, on
 * net_fixture.c's one-shot peer: it reads one request (its head, then a
 * body of its Content-Length), keeps it, sends the answer in pieces and
 * closes; or, stalling, sends nothing until the client gives up. Test
 * programs #include it after "unit/net/net_fixture.c". */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct http_peer {
    const char *answer[4]; /* sent one after the other, a pause between */
    bool stall;
    char received[4096]; /* the request, NUL-terminated */
    size_t received_len;
} http_peer;

static size_t content_length(const char *req)
{
    const char *p = strstr(req, "Content-Length: ");
    return p ? (size_t)strtoul(p + 16, NULL, 10) : 0;
}

static void http_peer_run(int fd, void *arg)
{
    http_peer *hp = arg;
    char *r = hp->received;
    size_t cap = sizeof hp->received - 1;
    for (;;) {
        ssize_t n = read(fd, r + hp->received_len, cap - hp->received_len);
        if (n <= 0)
            return;
        hp->received_len += (size_t)n;
        r[hp->received_len] = '\0';
        const char *end = strstr(r, "\r\n\r\n");
        if (end && hp->received_len >= (size_t)(end + 4 - r) + content_length(r))
            break;
    }
    if (hp->stall) {
        char c;
        while (read(fd, &c, 1) > 0)
            ;
        return;
    }
    for (size_t i = 0; i < 4 && hp->answer[i]; i++) {
        test_send(fd, hp->answer[i], strlen(hp->answer[i]));
        usleep(20000);
    }
}

/* Fail unless the request holds every one of want (NULL-terminated). */
static void assert_received(const http_peer *hp, const char *const *want)
{
    for (; *want; want++)
        if (!strstr(hp->received, *want))
            fail_msg("the request lacks '%s':\n%s", *want, hp->received);
}
