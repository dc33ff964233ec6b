/* The server's extensions, read from its EHLO reply (RFC 5321 4.1.1.1). */
#ifndef ENVOI_SMTP_EHLO_H
#define ENVOI_SMTP_EHLO_H

#include "smtp/reply.h"
#include "util/buf.h"

typedef struct envoi_smtp_caps {
    int ext;            /* ENVOI_SMTP_EXT_... */
    unsigned long size; /* SIZE limit, 0 when none announced */
    envoi_buf auth;     /* mechanisms, upper case, space separated */
    envoi_buf lines;    /* the reply's lines after the first, '\n' separated */
} envoi_smtp_caps;

/* Forget everything (after STARTTLS the list is asked for again). */
void envoi_smtp_caps_reset(envoi_smtp_caps *c);
void envoi_smtp_caps_free(envoi_smtp_caps *c);
/* Read the extensions from a successful EHLO reply. Unknown keywords and
 * empty lines (smtp-sink ends with "250 ") are kept in lines, ignored else. */
int envoi_smtp_caps_parse(envoi_smtp_caps *c, const envoi_smtp_reply *r);

#endif
