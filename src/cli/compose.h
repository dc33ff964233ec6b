/* Building the envoi_message that "envoi send" sends from its options. */
#ifndef ENVOI_CLI_COMPOSE_H
#define ENVOI_CLI_COMPOSE_H

#include "cli/send_args.h"
#include "envoi/error.h"
#include "envoi/message.h"
#include "util/buf.h"

/* Compose the message; from is the author (--from or the account's).
 * Returns 0 or a negative ENVOI_E... code with err naming the option and
 * value at fault. */
int cli_compose(const cli_send_args *a, const char *from, envoi_message **out, envoi_error *err);
/* Read a whole file ("-": standard input) into out. ENVOI_EFILE on failure. */
int cli_read_file(const char *path, envoi_buf *out, envoi_error *err);
/* Check that a file can be opened for reading; ENVOI_EFILE with the reason. */
int cli_check_readable(const char *option, const char *path, envoi_error *err);

#endif
