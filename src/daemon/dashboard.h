/* envoid's dashboard: the page at GET / (HTML, CSS and script built in,
 * under a strict Content-Security-Policy) and the endpoints it needs beyond
 * the queue API: a queued message's source and the capture mailbox (list,
 * parsed message, sandboxed HTML body, attachments). */
#ifndef ENVOI_DAEMON_DASHBOARD_H
#define ENVOI_DAEMON_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/api.h"
#include "envoi/error.h"
#include "envoi/parse.h"

/* Answer req when it is one of the dashboard's routes (true), else leave rep
 * alone (false). */
bool envoid_dashboard_route(const envoid_api *api, const envoid_request *req, envoid_reply *rep);

/* The page's pieces (dashboard_page.c), each a NULL-terminated array of
 * lines: the markup inside <body>, the stylesheet, the script. The page is
 * assembled from them and the script's SHA-256 goes into its
 * Content-Security-Policy. */
extern const char *const envoid_dashboard_body[];
extern const char *const envoid_dashboard_style[];
extern const char *const envoid_dashboard_script[];

/* The whole page (malloc'd, NUL-terminated, *len set). ENVOI_ENOMEM. */
int envoid_dashboard_page(char **page, size_t *len);
/* Its Content-Security-Policy (static; NULL when it could not be made). */
const char *envoid_dashboard_csp(void);
/* A reply that is not JSON: takes body (NUL-terminated, len bytes before
 * the NUL); content_type and csp must outlive the reply. */
void envoid_reply_text(envoid_reply *rep, unsigned status, char *body, size_t len,
                       const char *content_type, const char *csp);

/* ---- the capture mailbox (dashboard_maildir.c) ------------------------ */

/* One file of DIR/capture/new or cur, named as the capture relay names
 * them: SECONDS.MMICROSECONDSPPIDQQUEUEID.HOST[:2,FLAGS]. */
typedef struct envoid_capture_file {
    char *path;
    char id[32]; /* the queue id (SPOOL_ID_SIZE) */
    long long secs;
    long usecs;
} envoid_capture_file;

/* Every captured file under spool_dir, newest first (*out malloc'd; none
 * when the mailbox does not exist). ENVOI_ENOMEM or ENVOI_EFILE. */
int envoid_capture_scan(const char *spool_dir, envoid_capture_file **out, size_t *count,
                        envoi_error *err);
void envoid_capture_files_free(envoid_capture_file *files, size_t count);
/* The newest file holding the queue id (out->path malloc'd: free it);
 * ENVOI_ENOTFOUND when none. */
int envoid_capture_find(const char *spool_dir, const char *id, envoid_capture_file *out,
                        envoi_error *err);

/* ---- the handlers (dashboard_capture.c, dashboard_attach.c) ------------ */

void envoid_capture_list(const envoid_api *api, const envoid_request *req, envoid_reply *rep);
void envoid_capture_show(const envoid_api *api, const char *id, envoid_reply *rep);
void envoid_capture_html(const envoid_api *api, const char *id, envoid_reply *rep);
void envoid_capture_attachment(const envoid_api *api, const char *id, const char *index,
                               envoid_reply *rep);
/* The parts a mail reader shows as attachments, depth first: how many
 * there are; the first max of them stored in out (may be NULL). */
size_t envoid_capture_attachments(const envoi_part *root, const envoi_part **out, size_t max);
/* The name to save the index-th attachment under, from its own name (may be
 * NULL): no directory, no leading dot, no control character, at most 200
 * bytes; "attachment-N" when nothing is left (malloc'd; NULL: no memory). */
char *envoid_attachment_name(const char *name, size_t index);
/* A Content-Disposition value for that download: attachment;
 * filename="ASCII only"; filename*=UTF-8''... (malloc'd; NULL: no memory). */
char *envoid_attachment_disposition(const char *name, size_t index);

/* The policy of documents that must run nothing: the HTML body of a
 * captured message, sources, attachments. */
#define ENVOID_CSP_INERT                                                                           \
    "sandbox; default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'"

#endif
