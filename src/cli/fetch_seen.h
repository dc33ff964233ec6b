/* Where "envoi fetch" remembers the UIDLs it saved: one file per account
 * (or user@host) under $XDG_STATE_HOME/envoi/seen/ (~/.local/state/...). */
#ifndef ENVOI_CLI_FETCH_SEEN_H
#define ENVOI_CLI_FETCH_SEEN_H

#include "util/buf.h"

/* The default seen file for name (an account name, or "user@host"; '/'
 * and leading dots become '_'), from xdg_state_home, else home (either may
 * be NULL or empty). Returns 0, -1 when neither is set, or ENVOI_ENOMEM. */
int cli_seen_default_path(const char *name, const char *xdg_state_home, const char *home,
                          envoi_buf *out);
/* Create the folders above path (mode 0700) when missing. 0 or -1 (errno). */
int cli_seen_make_parents(const char *path);

#endif
