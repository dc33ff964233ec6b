/* One message as "envoi parse" shows it (see parse_view.h). */
#include "cli/parse_view.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "envoi/error.h"

bool cli_part_is_leaf(const envoi_part *part)
{
    const char *type = envoi_part_content_type(part);
    return envoi_part_child_count(part) == 0 && !(type && strncmp(type, "multipart/", 10) == 0);
}

void cli_sha256_hex(const unsigned char sha[32], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        hex[2 * i] = digits[sha[i] >> 4];
        hex[2 * i + 1] = digits[sha[i] & 15];
    }
    hex[64] = '\0';
}

const cli_digest *cli_view_digest(const cli_message_view *v, const envoi_part *part)
{
    for (size_t i = 0; i < v->ndigests; i++)
        if (v->digests[i].part == part)
            return &v->digests[i];
    const char *path = envoi_part_path(part);
    for (size_t i = 0; path && i < v->ndigests; i++)
        if (v->digests[i].path && strcmp(v->digests[i].path, path) == 0)
            return &v->digests[i];
    return NULL;
}

static char *copy_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

int cli_view_add_digest(cli_message_view *v, const envoi_part *part, const char *path,
                        uint64_t size, const unsigned char sha256[32])
{
    cli_digest *grown = realloc(v->digests, (v->ndigests + 1) * sizeof *grown);
    if (!grown)
        return ENVOI_ENOMEM;
    v->digests = grown;
    cli_digest *d = &grown[v->ndigests];
    d->part = part;
    d->path = copy_or_null(path);
    if (path && !d->path)
        return ENVOI_ENOMEM;
    d->size = size;
    cli_sha256_hex(sha256, d->sha256);
    v->ndigests++;
    return 0;
}

int cli_view_add_note(cli_message_view *v, const char *name, const char *path, const char *detail)
{
    cli_note *grown = realloc(v->notes, (v->nnotes + 1) * sizeof *grown);
    if (!grown)
        return ENVOI_ENOMEM;
    v->notes = grown;
    cli_note *n = &grown[v->nnotes];
    n->name = strdup(name);
    n->path = copy_or_null(path);
    n->detail = strdup(detail);
    v->nnotes++;
    if (!n->name || !n->detail || (path && !n->path))
        return ENVOI_ENOMEM;
    return 0;
}

static int digest_body(cli_message_view *v, const envoi_part *part)
{
    const void *data = NULL;
    size_t len = 0;
    int rc = envoi_part_body(part, &data, &len);
    if (rc < 0)
        return rc;
    unsigned char sha[32];
    if (!EVP_Digest(len ? data : "", len, sha, NULL, EVP_sha256(), NULL))
        return ENVOI_ENOMEM;
    return cli_view_add_digest(v, part, envoi_part_path(part), len, sha);
}

/* Depth first; the parser bounds the depth of the tree. */
static int digest_leaves(cli_message_view *v, const envoi_part *part)
{
    if (cli_part_is_leaf(part))
        return digest_body(v, part);
    size_t n = envoi_part_child_count(part);
    for (size_t i = 0; i < n; i++) {
        int rc = digest_leaves(v, envoi_part_child(part, i));
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int copy_text(const envoi_part *part, char **out, size_t *out_len)
{
    const char *utf8 = NULL;
    size_t len = 0;
    if (!part)
        return 0;
    int rc = envoi_part_text(part, &utf8, &len);
    if (rc < 0)
        return rc;
    *out = malloc(len + 1);
    if (!*out)
        return ENVOI_ENOMEM;
    if (len)
        memcpy(*out, utf8, len);
    (*out)[len] = '\0';
    *out_len = len;
    return 0;
}

int cli_view_from_message(const envoi_message *msg, cli_message_view *v)
{
    memset(v, 0, sizeof *v);
    v->msg = msg;
    const envoi_part *root = envoi_message_root(msg);
    int rc = root ? digest_leaves(v, root) : 0;
    if (rc == 0)
        rc = copy_text(envoi_message_text_part(msg), &v->text, &v->text_len);
    if (rc == 0)
        rc = copy_text(envoi_message_html_part(msg), &v->html, &v->html_len);
    return rc;
}

void cli_view_free(cli_message_view *v)
{
    for (size_t i = 0; i < v->ndigests; i++)
        free(v->digests[i].path);
    for (size_t i = 0; i < v->nnotes; i++) {
        free(v->notes[i].name);
        free(v->notes[i].path);
        free(v->notes[i].detail);
    }
    free(v->digests);
    free(v->notes);
    free(v->text);
    free(v->html);
    memset(v, 0, sizeof *v);
}
