/* Folders: LIST with special-use attributes and names decoded from modified
 * UTF-7, CREATE / DELETE / RENAME / SUBSCRIBE / UNSUBSCRIBE with names
 * encoded to it, STATUS, and SELECT / EXAMINE. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/session.h"
#include "util/err.h"
#include "util/utf8.h"

void imap_folders_free(envoi_imap *s)
{
    for (size_t i = 0; i < s->nfolders; i++) {
        free((char *)s->folders[i].name);
        free((char *)s->folders[i].wire);
    }
    free(s->folders);
    s->folders = NULL;
    s->nfolders = 0;
}

void imap_mailbox_reset(envoi_imap *s)
{
    memset(&s->mbox, 0, sizeof s->mbox);
    free(s->mbox_name);
    s->mbox_name = NULL;
    if (s->state == IMAP_SELECTED)
        s->state = IMAP_AUTHENTICATED;
    imap_entries_free(s);
}

int imap_need_selected(envoi_imap *s)
{
    int rc = imap_ready(s);
    if (rc == 0 && s->state != IMAP_SELECTED)
        rc = envoi_err_set(&s->err, ENVOI_ESTATE, "no folder selected");
    return rc;
}

/* Add a folder name argument, encoded to modified UTF-7 (INBOX as is). */
int imap_add_folder(envoi_imap *s, imap_cmd *c, const char *name)
{
    if (!name || !*name || proto_has_line_break(name))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid folder name");
    char *wire = NULL;
    int rc = imap_mutf7_encode(name, strlen(name), &wire);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "the folder name is not valid UTF-8");
    imap_cmd_string(c, wire, strlen(wire), false);
    free(wire);
    return 0;
}

/* A command naming one or two folders. */
static int folder_command(envoi_imap *s, const char *verb, const char *a, const char *b,
                          imap_untagged_fn fn, void *ctx)
{
    int rc = imap_ready(s);
    if (rc < 0)
        return rc;
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, verb);
    imap_cmd_add(&c, " ");
    rc = imap_add_folder(s, &c, a);
    if (rc == 0 && b) {
        imap_cmd_add(&c, " ");
        rc = imap_add_folder(s, &c, b);
    }
    if (rc == 0 && fn == NULL && !strcmp(verb, "STATUS"))
        rc = ENVOI_EINVAL;
    if (rc == 0 && !strcmp(verb, "STATUS"))
        imap_cmd_add(&c, " (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)");
    if (rc == 0)
        rc = imap_run(s, &c, fn, ctx);
    imap_cmd_free(&c);
    return rc;
}

static const struct {
    const char *name;
    int attr;
} attrs[] = {
    {"\\Noselect", ENVOI_IMAP_NOSELECT},
    {"\\Noinferiors", ENVOI_IMAP_NOINFERIORS},
    {"\\HasChildren", ENVOI_IMAP_HASCHILDREN},
    {"\\HasNoChildren", ENVOI_IMAP_HASNOCHILDREN},
    {"\\Marked", ENVOI_IMAP_MARKED},
    {"\\Unmarked", ENVOI_IMAP_UNMARKED},
    {"\\Subscribed", ENVOI_IMAP_SUBSCRIBED},
    {"\\NonExistent", ENVOI_IMAP_NONEXISTENT},
    {"\\Sent", ENVOI_IMAP_SENT},
    {"\\Trash", ENVOI_IMAP_TRASH},
    {"\\Drafts", ENVOI_IMAP_DRAFTS},
    {"\\Junk", ENVOI_IMAP_JUNK},
    {"\\Archive", ENVOI_IMAP_ARCHIVE},
    {"\\All", ENVOI_IMAP_ALL},
    {"\\Flagged", ENVOI_IMAP_FLAGGED_FOLDER},
};

static int attrs_of(const imap_value *v)
{
    int out = 0;
    for (size_t i = 0; v->kind == IMAP_LIST && i < v->count; i++)
        for (size_t k = 0; k < sizeof attrs / sizeof attrs[0]; k++)
            if (v->items[i].kind == IMAP_ATOM && strlen(attrs[k].name) == v->items[i].len &&
                !strncasecmp(v->items[i].data, attrs[k].name, v->items[i].len))
                out |= attrs[k].attr;
    return out;
}

static bool is_string(const imap_value *v)
{
    return v->kind == IMAP_STRING || v->kind == IMAP_ATOM || v->kind == IMAP_NUMBER;
}

/* A name that is neither modified UTF-7 nor UTF-8, as UTF-8: bytes that do
 * not form characters (and controls) become '?'. */
static char *printable_copy(const char *p, size_t len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t k = envoi_utf8_char_len(p + i, len - i);
        bool ok = envoi_utf8_valid(p + i, k) && (k > 1 || (unsigned char)p[i] >= 0x20);
        if (ok)
            memcpy(out + n, p + i, k);
        else
            out[n] = '?';
        n += ok ? k : 1;
        i += ok ? k : 1;
    }
    out[n] = '\0';
    return out;
}

static int on_list(void *ctx, const imap_response *r, bool streamed)
{
    (void)streamed;
    envoi_imap *s = ctx;
    if (strcmp(r->name, "LIST") || r->count < 3)
        return 0;
    const imap_value *v = r->values;
    if (!is_string(&v[2]) || (v[1].kind != IMAP_NIL && !is_string(&v[1])))
        return envoi_err_set(&s->err, ENVOI_EPROTOCOL, "malformed LIST response");
    envoi_imap_folder *f = realloc(s->folders, (s->nfolders + 1) * sizeof *f);
    if (!f)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    s->folders = f;
    f += s->nfolders;
    memset(f, 0, sizeof *f);
    f->attrs = attrs_of(&v[0]);
    f->delimiter = v[1].kind != IMAP_NIL && v[1].len ? v[1].data[0] : '\0';
    char *wire = strndup(v[2].data, v[2].len), *name = NULL;
    if (!wire)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    if (imap_mutf7_decode(v[2].data, v[2].len, &name) < 0)
        name = printable_copy(v[2].data, v[2].len); /* keep what the server said */
    if (!name) {
        free(wire);
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    }
    f->wire = wire;
    f->name = name;
    s->nfolders++;
    return 0;
}

int envoi_imap_list(envoi_imap *s, const envoi_imap_folder **folders, size_t *count)
{
    int rc = imap_ready(s);
    if (rc < 0)
        return rc;
    imap_folders_free(s);
    rc = imap_simple(s, "LIST \"\" \"*\"", on_list, s);
    if (folders)
        *folders = s->folders;
    if (count)
        *count = s->nfolders;
    return rc;
}

const char *envoi_imap_special_folder(envoi_imap *s, int attr)
{
    if (!s->folders && envoi_imap_list(s, NULL, NULL) < 0)
        return NULL;
    for (size_t i = 0; attr && i < s->nfolders; i++)
        if ((s->folders[i].attrs & attr) == attr)
            return s->folders[i].name;
    return NULL;
}

/* "* NAMESPACE (("prefix" "delim") ...) other shared": the first personal one. */
static int on_namespace(void *ctx, const imap_response *r, bool streamed)
{
    (void)streamed;
    envoi_imap *s = ctx;
    if (strcmp(r->name, "NAMESPACE") || r->count < 1 || r->values[0].kind != IMAP_LIST ||
        r->values[0].count < 1)
        return 0;
    const imap_value *first = &r->values[0].items[0];
    if (first->kind != IMAP_LIST || first->count < 2 || !is_string(&first->items[0]))
        return 0;
    char *prefix = NULL;
    if (imap_mutf7_decode(first->items[0].data, first->items[0].len, &prefix) < 0)
        prefix = strndup(first->items[0].data, first->items[0].len);
    if (!prefix)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    free(s->ns_prefix);
    s->ns_prefix = prefix;
    const imap_value *d = &first->items[1];
    s->ns_delim = d->kind != IMAP_NIL && is_string(d) && d->len ? d->data[0] : '\0';
    return 0;
}

/* The delimiter of "* LIST (...) "." INBOX". */
static int on_inbox(void *ctx, const imap_response *r, bool streamed)
{
    (void)streamed;
    envoi_imap *s = ctx;
    if (!strcmp(r->name, "LIST") && r->count >= 3 && is_string(&r->values[1]) && r->values[1].len)
        s->ns_delim = r->values[1].data[0];
    return 0;
}

int envoi_imap_namespace(envoi_imap *s, const char **prefix, char *delimiter)
{
    int rc = imap_ready(s);
    if (rc < 0)
        return rc;
    if (!s->ns_prefix) {
        if (imap_has_cap(s, "NAMESPACE")) {
            rc = imap_simple(s, "NAMESPACE", on_namespace, s);
        } else {
            rc = imap_simple(s, "LIST \"\" \"INBOX\"", on_inbox, s);
        }
        if (rc == 0 && !s->ns_prefix && !(s->ns_prefix = strdup("")))
            rc = envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
        if (rc < 0)
            return rc;
    }
    if (prefix)
        *prefix = s->ns_prefix;
    if (delimiter)
        *delimiter = s->ns_delim;
    return 0;
}

int envoi_imap_create(envoi_imap *s, const char *name)
{
    return folder_command(s, "CREATE", name, NULL, NULL, NULL);
}

int envoi_imap_delete(envoi_imap *s, const char *name)
{
    return folder_command(s, "DELETE", name, NULL, NULL, NULL);
}

int envoi_imap_rename(envoi_imap *s, const char *from, const char *to)
{
    if (!to)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid folder name");
    return folder_command(s, "RENAME", from, to, NULL, NULL);
}

int envoi_imap_subscribe(envoi_imap *s, const char *name)
{
    return folder_command(s, "SUBSCRIBE", name, NULL, NULL, NULL);
}

int envoi_imap_unsubscribe(envoi_imap *s, const char *name)
{
    return folder_command(s, "UNSUBSCRIBE", name, NULL, NULL, NULL);
}

struct status_ctx {
    envoi_imap *s;
    envoi_imap_status *out;
};

static int on_status(void *ctx, const imap_response *r, bool streamed)
{
    (void)streamed;
    struct status_ctx *sc = ctx;
    if (strcmp(r->name, "STATUS") || r->count < 2 || r->values[1].kind != IMAP_LIST)
        return 0;
    const imap_value *l = &r->values[1];
    for (size_t i = 0; i + 1 < l->count; i += 2) {
        const imap_value *k = &l->items[i], *v = &l->items[i + 1];
        if (k->kind != IMAP_ATOM || v->kind != IMAP_NUMBER || v->number > UINT32_MAX)
            continue;
        uint32_t n = (uint32_t)v->number;
        if (!strncasecmp(k->data, "MESSAGES", k->len) && k->len == 8)
            sc->out->messages = n;
        else if (!strncasecmp(k->data, "RECENT", k->len) && k->len == 6)
            sc->out->recent = n;
        else if (!strncasecmp(k->data, "UIDNEXT", k->len) && k->len == 7)
            sc->out->uidnext = n;
        else if (!strncasecmp(k->data, "UIDVALIDITY", k->len) && k->len == 11)
            sc->out->uidvalidity = n;
        else if (!strncasecmp(k->data, "UNSEEN", k->len) && k->len == 6)
            sc->out->unseen = n;
    }
    return 0;
}

int envoi_imap_status_of(envoi_imap *s, const char *name, envoi_imap_status *out)
{
    if (!out)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no place for the status");
    memset(out, 0, sizeof *out);
    struct status_ctx sc = {s, out};
    return folder_command(s, "STATUS", name, NULL, on_status, &sc);
}

int envoi_imap_select(envoi_imap *s, const char *name, bool read_only)
{
    int rc = imap_ready(s);
    if (rc < 0)
        return rc;
    char *copy = name ? strdup(name) : NULL;
    if (name && !copy)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    imap_mailbox_reset(s);
    s->mbox.read_only = read_only;
    rc = folder_command(s, read_only ? "EXAMINE" : "SELECT", name, NULL, NULL, NULL);
    if (rc < 0 || !s->conn) {
        free(copy);
        bool keep = s->conn != NULL;
        imap_mailbox_reset(s);
        if (keep)
            s->state = IMAP_AUTHENTICATED;
        return rc < 0 ? rc : ENVOI_ECLOSED;
    }
    s->mbox_name = copy;
    s->mbox.name = copy;
    s->state = IMAP_SELECTED;
    return 0;
}

int envoi_imap_unselect(envoi_imap *s, bool expunge)
{
    if (s->state != IMAP_SELECTED)
        return 0;
    if (!expunge && !imap_has_cap(s, "UNSELECT"))
        return envoi_err_set(&s->err, ENVOI_EUNSUPPORTED, "the server does not offer UNSELECT");
    int rc = imap_simple(s, expunge ? "CLOSE" : "UNSELECT", NULL, NULL);
    if (rc == 0 || s->conn)
        imap_mailbox_reset(s);
    return rc;
}

const envoi_imap_mailbox *envoi_imap_selected(const envoi_imap *s)
{
    return s->state == IMAP_SELECTED ? &s->mbox : NULL;
}
