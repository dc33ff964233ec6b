/* envoi — error codes and the error record a session keeps.
 *
 * Every function that can fail returns 0 on success or one of the negative
 * ENVOI_E... codes below. Sessions keep the details of their last failure
 * (code, server reply code, enhanced status code, text) in an envoi_error,
 * readable through envoi_<session>_error(). */
#ifndef ENVOI_ERROR_H
#define ENVOI_ERROR_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

enum envoi_code {
    ENVOI_OK = 0,
    ENVOI_ENOMEM = -1,        /* out of memory */
    ENVOI_EINVAL = -2,        /* invalid argument */
    ENVOI_EHEADER = -3,       /* CR or LF (or NUL) in a header value: refused */
    ENVOI_EADDRESS = -4,      /* malformed email address */
    ENVOI_EFILE = -5,         /* a file could not be opened or read */
    ENVOI_ERESOLVE = -6,      /* host name could not be resolved */
    ENVOI_ECONNECT = -7,      /* TCP connection failed */
    ENVOI_ETIMEDOUT = -8,     /* connect, read or write timed out */
    ENVOI_ECLOSED = -9,       /* the peer closed the connection */
    ENVOI_EIO = -10,          /* read or write error on the connection */
    ENVOI_ETLS = -11,         /* TLS handshake or record layer failure */
    ENVOI_ECERT = -12,        /* the server certificate was not accepted */
    ENVOI_ENOTLS = -13,       /* TLS required but the server offers no STARTTLS */
    ENVOI_EPROTOCOL = -14,    /* the server answered something that is not the protocol */
    ENVOI_EAUTH = -15,        /* authentication refused by the server */
    ENVOI_ENOMECH = -16,      /* no usable authentication mechanism in common */
    ENVOI_EAUTHPLAIN = -17,   /* refusing to authenticate over an unencrypted connection */
    ENVOI_ETEMPFAIL = -18,    /* the server refused temporarily (4xx): try again later */
    ENVOI_EPERMFAIL = -19,    /* the server refused permanently (5xx) */
    ENVOI_ENORCPT = -20,      /* no recipient was accepted */
    ENVOI_ETOOBIG = -21,      /* message larger than the server's SIZE limit */
    ENVOI_EUNSUPPORTED = -22, /* the server lacks an extension the message needs */
    ENVOI_ESTATE = -23,       /* call not valid in the session's current state */
    ENVOI_ECONFIG = -24,      /* configuration file error */
    ENVOI_EIDNA = -25,        /* domain name could not be converted to IDNA */
    ENVOI_ENOTFOUND = -26,    /* no such message, id or entry */
    ENVOI_EFORMAT = -27,      /* malformed data: a signature, a key, an S/MIME structure */
};

/* Details of the last failure of a session. Text is NUL-terminated. */
typedef struct envoi_error {
    int code;          /* ENVOI_E... */
    int reply_code;    /* server's reply code (e.g. 550), 0 when none */
    char enhanced[32]; /* SMTP enhanced status code ("5.1.1"), POP3 or IMAP
                          response code ("SYS/PERM", "AUTHENTICATIONFAILED");
                          empty when none */
    char text[1024];   /* human-readable: the server's words or the cause */
} envoi_error;

/* One sentence describing a code. Never NULL. */
const char *envoi_strerror(int code);
/* The code's symbolic name, e.g. "ENVOI_ETIMEDOUT". Never NULL. */
const char *envoi_err_name(int code);
/* True when retrying later may succeed (timeouts, broken connections, 4xx). */
bool envoi_error_is_temporary(const envoi_error *err);

#ifdef __cplusplus
}
#endif
#endif
