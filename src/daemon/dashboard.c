/* The dashboard's routes: the page at GET / with its Content-Security-Policy
 * (the script allowed by its SHA-256, nothing loaded from elsewhere), a
 * queued message's source, and the capture mailbox's endpoints. */
#include "daemon/dashboard.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/api_impl.h"
#include "util/base64.h"
#include "util/buf.h"

#define CAPTURE_PREFIX "/v1/capture/"
#define MESSAGES_PREFIX "/v1/messages/"

bool envoid_api_is_public(const char *method, const char *path)
{
    return method && path && strcmp(method, "GET") == 0 && strcmp(path, "/") == 0;
}

static int append_lines(envoi_buf *b, const char *const *lines)
{
    for (; *lines; lines++)
        if (envoi_buf_append_str(b, *lines) < 0)
            return ENVOI_ENOMEM;
    return 0;
}

/* 'sha256-...' of the script, as CSP wants it. */
static int script_hash(envoi_buf *out)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    envoi_buf script = ENVOI_BUF_INIT;
    int rc = append_lines(&script, envoid_dashboard_script);
    if (rc == 0 && EVP_Digest(script.data, script.len, digest, &n, EVP_sha256(), NULL) != 1)
        rc = ENVOI_ENOMEM;
    envoi_buf_free(&script);
    if (rc == 0 &&
        (envoi_buf_append_str(out, "'sha256-") < 0 || envoi_base64_encode(digest, n, out) < 0 ||
         envoi_buf_append_char(out, '\'') < 0))
        rc = ENVOI_ENOMEM;
    return rc;
}

/* The policy never changes while the program runs: made once. */
static char page_csp[512];
static pthread_once_t page_csp_once = PTHREAD_ONCE_INIT;

static void make_csp(void)
{
    /* Styles inline: the captured HTML shown in a srcdoc frame inherits this
     * policy and keeps its own <style>; scripts: only the dashboard's. */
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = envoi_buf_append_str(&b, "default-src 'none'; script-src ");
    if (rc == 0)
        rc = script_hash(&b);
    if (rc == 0)
        rc = envoi_buf_append_str(&b, "; style-src 'unsafe-inline'; connect-src 'self'; img-src "
                                      "data:; frame-src 'self'; base-uri 'none'; form-action "
                                      "'none'; frame-ancestors 'none'");
    if (rc == 0 && b.len < sizeof page_csp)
        memcpy(page_csp, b.data, b.len + 1);
    envoi_buf_free(&b);
}

const char *envoid_dashboard_csp(void)
{
    pthread_once(&page_csp_once, make_csp);
    return page_csp[0] ? page_csp : NULL;
}

int envoid_dashboard_page(char **page, size_t *len)
{
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = envoi_buf_append_str(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                                      "charset=\"utf-8\"><meta name=\"viewport\" "
                                      "content=\"width=device-width\"><meta name=\"referrer\" "
                                      "content=\"no-referrer\"><link rel=\"icon\" href=\"data:,\">"
                                      "<title>envoid</title>\n<style>\n");
    if (rc == 0)
        rc = append_lines(&b, envoid_dashboard_style);
    if (rc == 0)
        rc = envoi_buf_append_str(&b, "</style></head>\n<body>\n");
    if (rc == 0)
        rc = append_lines(&b, envoid_dashboard_body);
    if (rc == 0)
        rc = envoi_buf_append_str(&b, "<script>");
    if (rc == 0)
        rc = append_lines(&b, envoid_dashboard_script);
    if (rc == 0)
        rc = envoi_buf_append_str(&b, "</script>\n</body></html>\n");
    if (rc < 0) {
        envoi_buf_free(&b);
        return ENVOI_ENOMEM;
    }
    *len = b.len;
    *page = envoi_buf_steal(&b, NULL);
    return *page ? 0 : ENVOI_ENOMEM;
}

/* A reply of text that is not JSON; takes body. */
void envoid_reply_text(envoid_reply *rep, unsigned status, char *body, size_t len,
                       const char *content_type, const char *csp)
{
    envoid_reply_free(rep);
    rep->status = status;
    rep->body = body;
    rep->body_len = len;
    rep->content_type = content_type;
    rep->csp = csp;
}

static void serve_page(envoid_reply *rep)
{
    char *page = NULL;
    size_t len = 0;
    const char *csp = envoid_dashboard_csp();
    if (!csp || envoid_dashboard_page(&page, &len) < 0) {
        envoid_reply_error(rep, 500, "out of memory");
        return;
    }
    envoid_reply_text(rep, 200, page, len, "text/html; charset=utf-8", csp);
}

/* An id as the queue makes them: [0-9a-z], shorter than SPOOL_ID_SIZE. */
static bool read_id(const char *s, size_t len, char id[SPOOL_ID_SIZE])
{
    if (len == 0 || len >= SPOOL_ID_SIZE)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z')))
            return false;
    memcpy(id, s, len);
    id[len] = '\0';
    return true;
}

/* GET /v1/messages/{id}/source: the bytes as queued, shown as text. */
static void serve_source(const envoid_api *api, const char *id, envoid_reply *rep)
{
    envoi_error err = {0};
    void *src = NULL;
    size_t len = 0;
    int rc = spool_queue_source(api->queue, id, &src, &len, &err);
    if (rc == ENVOI_ENOTFOUND) {
        envoid_reply_error(rep, 404, "no such message");
        return;
    }
    if (rc < 0) {
        envoid_reply_queue_error(api, rep, &err);
        return;
    }
    char *body = malloc(len + 1);
    if (!body) {
        free(src);
        envoid_reply_error(rep, 500, "out of memory");
        return;
    }
    memcpy(body, src, len);
    body[len] = '\0';
    free(src);
    envoid_reply_text(rep, 200, body, len, "text/plain; charset=utf-8", ENVOID_CSP_INERT);
}

static bool only_get(const envoid_request *req, envoid_reply *rep)
{
    if (strcmp(req->method, "GET") == 0)
        return true;
    rep->allow = "GET";
    envoid_reply_error(rep, 405, "method not allowed here");
    return false;
}

/* /v1/capture/{id}[/html | /attachments/{n}] */
static void route_capture(const envoid_api *api, const envoid_request *req, const char *rest,
                          envoid_reply *rep)
{
    static const char attachments[] = "attachments/";
    const char *slash = strchr(rest, '/');
    char id[SPOOL_ID_SIZE];
    if (!read_id(rest, slash ? (size_t)(slash - rest) : strlen(rest), id)) {
        envoid_reply_error(rep, 404, "no such captured message");
        return;
    }
    const char *action = slash ? slash + 1 : NULL;
    bool known = !action || strcmp(action, "html") == 0 ||
                 strncmp(action, attachments, sizeof attachments - 1) == 0;
    if (!known) {
        envoid_reply_error(rep, 404, "no such resource");
        return;
    }
    if (!only_get(req, rep))
        return;
    if (!action)
        envoid_capture_show(api, id, rep);
    else if (action[0] == 'h')
        envoid_capture_html(api, id, rep);
    else
        envoid_capture_attachment(api, id, action + sizeof attachments - 1, rep);
}

/* /v1/messages/{id}/source, or false for the API's other message routes. */
static bool route_source(const envoid_api *api, const envoid_request *req, envoid_reply *rep)
{
    static const char suffix[] = "/source";
    const char *rest = req->path + sizeof MESSAGES_PREFIX - 1;
    size_t n = strlen(rest);
    char id[SPOOL_ID_SIZE];
    if (n < sizeof suffix || strcmp(rest + n - (sizeof suffix - 1), suffix) != 0 ||
        !read_id(rest, n - (sizeof suffix - 1), id))
        return false;
    if (only_get(req, rep))
        serve_source(api, id, rep);
    return true;
}

bool envoid_dashboard_route(const envoid_api *api, const envoid_request *req, envoid_reply *rep)
{
    const char *path = req->path;
    if (strcmp(path, "/") == 0) {
        if (only_get(req, rep))
            serve_page(rep);
    } else if (strcmp(path, "/v1/capture") == 0) {
        if (only_get(req, rep))
            envoid_capture_list(api, req, rep);
    } else if (strncmp(path, CAPTURE_PREFIX, sizeof CAPTURE_PREFIX - 1) == 0) {
        route_capture(api, req, path + sizeof CAPTURE_PREFIX - 1, rep);
    } else if (strncmp(path, MESSAGES_PREFIX, sizeof MESSAGES_PREFIX - 1) == 0) {
        return route_source(api, req, rep);
    } else {
        return false;
    }
    return true;
}
