/* SQLite's result codes as envoi's error codes, for the mail store and the
 * spool's queue. */
#ifndef ENVOI_UTIL_SQLITE_CODE_H
#define ENVOI_UTIL_SQLITE_CODE_H

#include <stdbool.h>

/* The ENVOI_E... code for a SQLite result code (extended codes too):
 * ENVOI_ENOMEM; ENVOI_ETIMEDOUT for busy or locked; ENVOI_ETOOBIG;
 * ENVOI_EINVAL for misuse, range and constraint, and for SQLITE_ERROR when
 * error_is_input (a query a user wrote); else ENVOI_EFILE (cannot open, not
 * a database, corrupt, I/O, full, read-only...). */
int envoi_sqlite_code(int sqlite_rc, bool error_is_input);

#endif
