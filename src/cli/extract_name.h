/* Safe file names for saved attachments: what a message names a part is
 * untrusted, so it is cut to a plain base name that cannot leave the
 * target directory, hide itself, or spoof its extension. */
#ifndef ENVOI_CLI_EXTRACT_NAME_H
#define ENVOI_CLI_EXTRACT_NAME_H

#include "util/buf.h"

/* Longest name produced, in bytes, before a " (n)" suffix is added. */
#define CLI_SAFE_NAME_MAX 200

/* Append to out a file name for a part named name (NULL when it has none),
 * of MIME type type, at IMAP section path: the base name only (anything up
 * to the last '/' or '\' dropped), control, reserved and bidirectional
 * characters replaced by '_', invalid UTF-8 bytes replaced, runs of dots
 * collapsed, no leading or trailing dot or space, at most CLI_SAFE_NAME_MAX
 * bytes with the extension kept. When nothing usable remains the name is
 * "part-PATH.EXT" with EXT from the type. Returns 0 or ENVOI_ENOMEM. */
int cli_safe_filename(const char *name, const char *type, const char *path, envoi_buf *out);

/* A usual extension (without the dot) for a MIME type; "bin" when unknown. */
const char *cli_extension_for_type(const char *type);

/* Split a name into stem and extension: the offset of the last '.' that is
 * not the first character, or the name's length when there is none. */
size_t cli_name_ext_offset(const char *name, size_t len);

#endif
