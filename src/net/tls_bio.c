/* A socket BIO whose writes cannot raise SIGPIPE (see tls_bio.h): OpenSSL's
 * own socket BIO writes with write(2), which would kill a program that keeps
 * SIGPIPE's default action, and a library must not change that action. */
#include "net/tls_bio.h"

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>

static int bio_fd(BIO *b)
{
    return (int)(intptr_t)BIO_get_data(b);
}

static int is_retryable(int errnum)
{
    return errnum == EAGAIN || errnum == EWOULDBLOCK || errnum == EINTR;
}

static int bio_write(BIO *b, const char *data, int len)
{
    BIO_clear_retry_flags(b);
    ssize_t n = send(bio_fd(b), data, (size_t)len, MSG_NOSIGNAL);
    if (n >= 0)
        return (int)n;
    if (is_retryable(errno))
        BIO_set_retry_write(b);
    return -1;
}

static int bio_read(BIO *b, char *data, int len)
{
    BIO_clear_retry_flags(b);
    ssize_t n = recv(bio_fd(b), data, (size_t)len, 0);
    if (n > 0)
        return (int)n;
    if (n == 0) {
        /* OpenSSL asks BIO_eof() to tell a closed socket from a stall. */
        BIO_set_flags(b, BIO_FLAGS_IN_EOF);
        return 0;
    }
    if (is_retryable(errno))
        BIO_set_retry_read(b);
    return -1;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num;
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_EOF:
        return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
    case BIO_C_GET_FD:
        if (ptr)
            *(int *)ptr = bio_fd(b);
        return bio_fd(b);
    default:
        return 0;
    }
}

BIO_METHOD *envoi_tls_bio_method_new(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "envoi socket");
    if (!m)
        return NULL;
    if (!BIO_meth_set_write(m, bio_write) || !BIO_meth_set_read(m, bio_read) ||
        !BIO_meth_set_ctrl(m, bio_ctrl)) {
        BIO_meth_free(m);
        return NULL;
    }
    return m;
}

BIO *envoi_tls_bio_new(const BIO_METHOD *method, int fd)
{
    BIO *b = BIO_new(method);
    if (!b)
        return NULL;
    BIO_set_data(b, (void *)(intptr_t)fd);
    BIO_set_init(b, 1);
    return b;
}
