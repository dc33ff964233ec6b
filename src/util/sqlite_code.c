/* SQLite's result codes as envoi's error codes (see sqlite_code.h). */
#include "util/sqlite_code.h"

#include <sqlite3.h>

#include "envoi/error.h"

int envoi_sqlite_code(int sqlite_rc, bool error_is_input)
{
    switch (sqlite_rc & 0xff) {
    case SQLITE_NOMEM:
        return ENVOI_ENOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ENVOI_ETIMEDOUT;
    case SQLITE_TOOBIG:
        return ENVOI_ETOOBIG;
    case SQLITE_ERROR:
        return error_is_input ? ENVOI_EINVAL : ENVOI_EFILE;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_CONSTRAINT:
        return ENVOI_EINVAL;
    default:
        return ENVOI_EFILE;
    }
}
