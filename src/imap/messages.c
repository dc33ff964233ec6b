/* Messages of the selected folder by UID: the listing (UID, size, flags,
 * internal date, envelope) batched and pipelined, and the batched command
 * runner the other message commands share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imap/session.h"
#include "util/err.h"

enum { LIST_BATCH = 500 };

unsigned imap_flags_of(const imap_value *v)
{
    unsigned mask = 0;
    return imap_flags_mask(v, &mask) < 0 ? 0 : mask; /* same bits as ENVOI_IMAP_... */
}

void imap_entries_free(envoi_imap *s)
{
    for (size_t i = 0; i < s->nentries; i++) {
        envoi_imap_entry *e = &s->entries[i];
        free((char *)e->keywords);
        free((char *)e->from);
        free((char *)e->subject);
        free((char *)e->date);
        free((char *)e->message_id);
    }
    free(s->entries);
    s->entries = NULL;
    s->nentries = s->entries_cap = 0;
    s->listed = false;
    s->pos = 0;
}

int imap_pipeline(envoi_imap *s, const uint32_t *uids, size_t n, size_t batch, const char *verb,
                  const char *tail, const char *folder, imap_untagged_fn fn, void *ctx)
{
    unsigned tags[32];
    size_t at = 0, head = 0, inflight = 0;
    int first = 0;
    envoi_error first_err;
    envoi_buf set = ENVOI_BUF_INIT;
    size_t depth = s->depth < 32 ? s->depth : 32;
    while (at < n || inflight) {
        while (at < n && inflight < depth && first == 0) {
            int rc = imap_seqset(&set, uids, n, &at, batch);
            imap_cmd c;
            imap_cmd_init(&c);
            imap_cmd_addf(&c, "%s %s", verb, rc == 0 ? set.data : "");
            if (tail)
                imap_cmd_addf(&c, " %s", tail);
            if (folder) {
                imap_cmd_add(&c, " ");
                if (rc == 0)
                    rc = imap_add_folder(s, &c, folder);
            }
            unsigned tag = 0;
            if (rc == 0)
                rc = imap_send(s, &c, &tag);
            imap_cmd_free(&c);
            if (rc < 0 && !s->conn) {
                envoi_buf_free(&set);
                return rc;
            }
            if (rc < 0) {
                first = rc;
                first_err = s->err;
                break;
            }
            tags[(head + inflight++) % 32] = tag;
        }
        if (!inflight)
            break;
        int rc = imap_wait(s, tags[head], fn, ctx);
        head = (head + 1) % 32;
        inflight--;
        if (rc < 0 && !s->conn) {
            envoi_buf_free(&set);
            return rc;
        }
        if (rc < 0 && first == 0) {
            first = rc;
            first_err = s->err;
        }
    }
    envoi_buf_free(&set);
    if (first < 0)
        s->err = first_err;
    return first;
}

/* ---- the listing ------------------------------------------------------------ */

static char *keywords_of(const imap_value *v)
{
    envoi_buf b = ENVOI_BUF_INIT;
    envoi_buf_append(&b, "", 0);
    for (size_t i = 0; v && v->kind == IMAP_LIST && i < v->count; i++) {
        const imap_value *f = &v->items[i];
        if (f->kind != IMAP_ATOM || (f->len && f->data[0] == '\\'))
            continue;
        if (b.len)
            envoi_buf_append(&b, " ", 1);
        envoi_buf_append(&b, f->data, f->len);
    }
    return envoi_buf_steal(&b, NULL);
}

static char *from_of(const imap_envelope *env)
{
    if (!env->nfrom || !env->from[0].mailbox || !env->from[0].host)
        return strdup("");
    const imap_address *a = &env->from[0];
    envoi_buf b = ENVOI_BUF_INIT;
    if (a->name && *a->name)
        envoi_buf_printf(&b, "%s <%s@%s>", a->name, a->mailbox, a->host);
    else
        envoi_buf_printf(&b, "%s@%s", a->mailbox, a->host);
    return b.data ? envoi_buf_steal(&b, NULL) : strdup("");
}

static int fill_envelope(envoi_imap *s, envoi_imap_entry *e, const imap_value *v)
{
    imap_envelope env;
    if (!v || imap_envelope_read(v, &env, &s->err) < 0) {
        e->from = strdup("");
        e->subject = strdup("");
        e->date = strdup("");
        e->message_id = strdup("");
        return 0;
    }
    e->from = from_of(&env);
    e->subject = strdup(env.subject ? env.subject : "");
    e->date = strdup(env.date ? env.date : "");
    e->message_id = strdup(env.message_id ? env.message_id : "");
    imap_envelope_free(&env);
    return 0;
}

static int on_listing(void *ctx, const imap_response *r, bool streamed)
{
    (void)streamed;
    envoi_imap *s = ctx;
    if (strcmp(r->name, "FETCH"))
        return 0;
    const imap_value *uid = imap_fetch_item(r, "UID");
    if (!uid || uid->kind != IMAP_NUMBER || !uid->number || uid->number > UINT32_MAX)
        return 0; /* a flag change of another message */
    const imap_value *size = imap_fetch_item(r, "RFC822.SIZE");
    if (!size) /* a FETCH the server sent on its own */
        return 0;
    if (s->nentries == s->entries_cap) {
        size_t cap = s->entries_cap ? 2 * s->entries_cap : 64;
        envoi_imap_entry *grown = realloc(s->entries, cap * sizeof *grown);
        if (!grown)
            return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
        s->entries = grown;
        s->entries_cap = cap;
    }
    envoi_imap_entry *e = &s->entries[s->nentries++];
    memset(e, 0, sizeof *e);
    e->uid = (uint32_t)uid->number;
    e->size = size->kind == IMAP_NUMBER ? size->number : 0;
    const imap_value *flags = imap_fetch_item(r, "FLAGS");
    if (flags)
        e->flags = imap_flags_of(flags);
    e->keywords = keywords_of(flags);
    const imap_value *date = imap_fetch_item(r, "INTERNALDATE");
    if (date && imap_parse_internaldate(date, &e->internal_date) < 0)
        e->internal_date = 0;
    fill_envelope(s, e, imap_fetch_item(r, "ENVELOPE"));
    if (!e->keywords || !e->from || !e->subject || !e->date || !e->message_id)
        return envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    uint32_t x = ((const envoi_imap_entry *)a)->uid, y = ((const envoi_imap_entry *)b)->uid;
    return x < y ? -1 : x > y;
}

envoi_imap_entry *imap_entry_of(envoi_imap *s, uint32_t uid)
{
    envoi_imap_entry key = {.uid = uid};
    return s->nentries ? bsearch(&key, s->entries, s->nentries, sizeof key, cmp_entry) : NULL;
}

void imap_note_flags(envoi_imap *s, const imap_response *r)
{
    if (!s->listed)
        return;
    const imap_value *uid = imap_fetch_item(r, "UID"), *flags = imap_fetch_item(r, "FLAGS");
    if (!uid || !flags || uid->kind != IMAP_NUMBER || uid->number > UINT32_MAX)
        return;
    envoi_imap_entry *e = imap_entry_of(s, (uint32_t)uid->number);
    char *keywords = e ? keywords_of(flags) : NULL;
    if (!keywords)
        return;
    e->flags = imap_flags_of(flags);
    free((char *)e->keywords);
    e->keywords = keywords;
}

static const char LIST_ITEMS[] = "(UID RFC822.SIZE FLAGS INTERNALDATE ENVELOPE)";
static const char BRIEF_ITEMS[] = "(UID RFC822.SIZE FLAGS)";

/* The listing of envoi_imap_list_messages (items LIST_ITEMS) or of
 * envoi_imap_list_brief (BRIEF_ITEMS, which the reading model cannot use). */
static int list_items(envoi_imap *s, const uint32_t *uids, size_t n, const char *items,
                      const envoi_imap_entry **entries, size_t *count)
{
    int rc = imap_need_selected(s);
    if (rc < 0)
        return rc;
    imap_entries_free(s);
    if (!uids) {
        imap_cmd c;
        imap_cmd_init(&c);
        imap_cmd_addf(&c, "UID FETCH 1:* %s", items);
        rc = s->mbox.exists ? imap_run(s, &c, on_listing, s) : 0;
        imap_cmd_free(&c);
    } else {
        uint32_t *sorted;
        size_t k;
        if ((rc = imap_uid_sort(uids, n, &sorted, &k)) < 0)
            return envoi_err_set(&s->err, rc, "out of memory");
        rc = imap_pipeline(s, sorted, k, LIST_BATCH, "UID FETCH", items, NULL, on_listing, s);
        free(sorted);
    }
    if (s->nentries)
        qsort(s->entries, s->nentries, sizeof *s->entries, cmp_entry);
    /* A message reported twice (a flag change) is kept once. */
    size_t m = 0;
    for (size_t i = 0; i < s->nentries; i++) {
        if (m && s->entries[m - 1].uid == s->entries[i].uid) {
            envoi_imap_entry *e = &s->entries[i];
            free((char *)e->keywords);
            free((char *)e->from);
            free((char *)e->subject);
            free((char *)e->date);
            free((char *)e->message_id);
            continue;
        }
        s->entries[m++] = s->entries[i];
    }
    s->nentries = m;
    s->listed = rc == 0 && !uids && items == LIST_ITEMS;
    s->pos = 0;
    if (entries)
        *entries = s->entries;
    if (count)
        *count = s->nentries;
    return rc;
}

int envoi_imap_list_messages(envoi_imap *s, const uint32_t *uids, size_t n,
                             const envoi_imap_entry **entries, size_t *count)
{
    return list_items(s, uids, n, LIST_ITEMS, entries, count);
}

int envoi_imap_list_brief(envoi_imap *s, const envoi_imap_entry **entries, size_t *count)
{
    return list_items(s, NULL, 0, BRIEF_ITEMS, entries, count);
}

int imap_ensure_listed(envoi_imap *s)
{
    return s->listed && s->state == IMAP_SELECTED
               ? 0
               : envoi_imap_list_messages(s, NULL, 0, NULL, NULL);
}
