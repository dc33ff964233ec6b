/* Where passwords and tokens come from: the first line of a file readable
 * only by its owner, of a command's output, or an environment variable. The caller wipes the buffer
 * (envoi_buf_wipe_free). */
#ifndef ENVOI_CLI_SECRET_SOURCE_H
#define ENVOI_CLI_SECRET_SOURCE_H

#include <stdbool.h>
#include <stdio.h>

#include "envoi/error.h"
#include "cli/send_plan.h"
#include "util/buf.h"

/* The first line of path, line end stripped, into out. *others_can_read is
 * set when the file is readable by its group or by others. Returns 0,
 * ENVOI_EFILE or ENVOI_ENOMEM. */
int cli_secret_from_file(const char *path, envoi_buf *out, bool *others_can_read, envoi_error *err);
/* The first line the command (run by /bin/sh -c) prints on stdout. Returns
 * 0, ENVOI_ECONFIG when it cannot be run, fails or exits with a non-zero
 * status (err names the command and its status, never its output), or
 * ENVOI_ENOMEM. */
int cli_secret_from_command(const char *command, envoi_buf *out, envoi_error *err);
/* The secret of a plan's kind and source into out (nothing for
 * CLI_SECRET_NONE). A password file its group or others can read is
 * refused (ENVOI_ECONFIG), and so is a password-env variable that is not
 * set. Returns 0 or the code of the failure in err. */
int cli_secret_read(cli_secret_kind kind, const char *source, envoi_buf *out, envoi_error *err);

#endif
