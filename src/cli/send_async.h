/* "envoi send --async": the message "envoi send" built, handed to envoid
 * through the public spool API on its URL instead of to an SMTP server;
 * its id printed. */
#ifndef ENVOI_CLI_SEND_ASYNC_H
#define ENVOI_CLI_SEND_ASYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/config.h"
#include "envoi/message.h"

typedef struct cli_async_request {
    const envoi_config *cfg; /* may be NULL: no config file */
    const char *spooler;     /* --spooler, NULL: [spool] listen, else the default */
    bool json;               /* print {"id","status"} rather than the id (on failure:
                                {"id":null,"status":"error","error":{"code",
                                "reply_code","text"}}) */
    /* One of the three: */
    envoi_message *msg;   /* composed: its envelope, Bcc not in the source */
    const char *raw_path; /* --raw FILE, sent as it is with this envelope: */
    const char *source;   /* or a source made here (signed), sent as it is with it: */
    size_t source_len;
    const char *from;
    const char *const *rcpts;
    size_t nrcpts;
} cli_async_request;

/* Submit, print the id on out (or JSON), report failures on errout.
 * Returns the exit status: 0; 75 envoid unreachable, paused, failing or
 * out of disk; 65 the message refused as malformed; 69 too big; 66 --raw
 * unreadable; 77 the token refused; 78 configuration. */
int cli_send_async(const cli_async_request *req, FILE *out, FILE *errout);

#endif
