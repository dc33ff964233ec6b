/* The default seen file of "envoi fetch" and the folders it lives in. */
#include "cli/fetch_seen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "envoi/error.h"

int cli_seen_default_path(const char *name, const char *xdg_state_home, const char *home,
                          envoi_buf *out)
{
    int rc;
    envoi_buf_clear(out);
    if (xdg_state_home && *xdg_state_home == '/')
        rc = envoi_buf_printf(out, "%s/envoi/seen/", xdg_state_home);
    else if (home && *home)
        rc = envoi_buf_printf(out, "%s/.local/state/envoi/seen/", home);
    else
        return -1;
    for (const char *p = name; rc == 0 && *p; p++) {
        char c = *p == '/' || (p == name && *p == '.') ? '_' : *p;
        rc = envoi_buf_append(out, &c, 1);
    }
    return rc < 0 ? ENVOI_ENOMEM : 0;
}

int cli_seen_make_parents(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int rc = 0;
    for (char *p = copy + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
            rc = -1;
            break;
        }
        *p = '/';
    }
    free(copy);
    return rc;
}
