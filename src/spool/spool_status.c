/* Asking a spool what became of a message. */
#include <string.h>

#include "spool/spool_impl.h"
#include "util/err.h"

/* Ids are [0-9a-z], shorter than ENVOI_SPOOL_ID_SIZE: anything else is no
 * message of this spool (and never reaches a URL unescaped). */
static bool is_id(const char *id)
{
    size_t n = strlen(id);
    return n > 0 && n < ENVOI_SPOOL_ID_SIZE &&
           strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz") == n;
}

int envoi_spool_status(envoi_spool *sp, const char *id, envoi_spool_state *out)
{
    envoi_error err;
    envoi_err_clear(&err);
    if (!id || !out)
        return spool_keep_error(sp, envoi_err_set(&err, ENVOI_EINVAL, "no id or no state"), &err);
    memset(out, 0, sizeof *out);
    int rc;
    if (!is_id(id))
        rc = envoi_err_set(&err, ENVOI_ENOTFOUND, "no such message: not an id of the spool");
    else if (sp->queue)
        rc = spool_local_status(sp, id, out, &err);
    else
        rc = spool_remote_status(sp, id, out, &err);
    if (rc < 0)
        memset(out, 0, sizeof *out);
    return spool_keep_error(sp, rc, &err);
}
