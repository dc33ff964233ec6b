/* The message "envoi sendmail" reads on standard input: read up to the end
 * (or a lone "." line), line ends made CRLF, header fields indexed, the
 * recipients of -t taken from them, and the source written out without Bcc
 * and with From, Date and Message-ID added when missing. */
#ifndef ENVOI_CLI_SENDMAIL_MSG_H
#define ENVOI_CLI_SENDMAIL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/send_args.h"
#include "util/buf.h"

typedef struct cli_sendmail_field {
    size_t start, end; /* the whole field in the input, continuation lines and CRLF included */
    size_t name_len;
} cli_sendmail_field;

typedef struct cli_sendmail_msg {
    envoi_buf in;               /* what was read, CRLF line ends */
    cli_sendmail_field *fields; /* the header section, in order */
    size_t nfields;
    size_t body;     /* offset of the body in in (after the empty line, if any) */
    char *from_addr; /* addr-spec of a From with one address, else NULL */
} cli_sendmail_msg;

/* Read in until its end or, unless ignore_dots, a line holding only ".";
 * every line end (LF or CRLF) becomes CRLF. 0, ENVOI_EIO or ENVOI_ENOMEM. */
int cli_sendmail_read(FILE *in, bool ignore_dots, cli_sendmail_msg *m);
/* Index the header fields (a leading mbox "From " line is dropped) and
 * note the From address (none when From holds several or no address).
 * 0 or ENVOI_ENOMEM. */
int cli_sendmail_index(cli_sendmail_msg *m);
/* The unfolded values of To, Cc and Bcc (Resent-To, Resent-Cc and
 * Resent-Bcc instead when the message has any), appended to values. */
int cli_sendmail_recipient_values(const cli_sendmail_msg *m, cli_strlist *values);
/* Append the addr-specs of To, Cc and Bcc (Resent-To, Resent-Cc and
 * Resent-Bcc instead when the message has any) to out; groups and comments
 * are understood. 0, ENVOI_EADDRESS with why naming the field and the
 * text, or ENVOI_ENOMEM. */
int cli_sendmail_header_recipients(const cli_sendmail_msg *m, cli_strlist *out, envoi_buf *why);
/* The source to send: the fields but Bcc and Resent-Bcc, then a From
 * ("from_name <from_addr>", from_name may be NULL), a Date and a
 * Message-ID when the message has none, the empty line, the body. */
int cli_sendmail_write(const cli_sendmail_msg *m, const char *from_name, const char *from_addr,
                       envoi_buf *out);
void cli_sendmail_msg_free(cli_sendmail_msg *m);

/* Append a copy of s to l. 0 or ENVOI_ENOMEM. */
int cli_sendmail_strlist_add(cli_strlist *l, const char *s);

#endif
