/* envoi — connection security settings shared by the SMTP, POP3 and IMAP
 * sessions.
 *
 * Certificates are verified by default against the system CA store (or a CA
 * file), with the host name checked and TLS 1.2 as the minimum. Each check can
 * be relaxed on its own with the ENVOI_IGNORE_CERT_... flags. */
#ifndef ENVOI_TLS_H
#define ENVOI_TLS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum envoi_security {
    ENVOI_SECURITY_NONE = 0, /* plain TCP */
    ENVOI_SECURITY_STARTTLS, /* upgrade with STARTTLS/STLS; fails if not offered */
    ENVOI_SECURITY_TLS,      /* implicit TLS from the first byte (465, 995, 993) */
} envoi_security;

enum envoi_ignore_cert {
    ENVOI_IGNORE_CERT_UNTRUSTED = 1 << 0,  /* chain not trusted (self-signed, unknown CA) */
    ENVOI_IGNORE_CERT_NAME = 1 << 1,       /* certificate does not name the host */
    ENVOI_IGNORE_CERT_EXPIRED = 1 << 2,    /* certificate expired or not yet valid */
    ENVOI_IGNORE_CERT_REVOCATION = 1 << 3, /* revoked, or revocation state unknown */
};

/* Parse "invalid,name,expired,revocation" (also "untrusted", "all") into
 * ENVOI_IGNORE_CERT_... flags. Returns the flags, or -1 on an unknown word. */
int envoi_ignore_cert_parse(const char *list);

#ifdef __cplusplus
}
#endif
#endif
