/* Changing messages: STORE of flags and keywords, COPY, MOVE (or COPY,
 * \Deleted and EXPUNGE without it), EXPUNGE / UID EXPUNGE, and APPEND of a
 * source or of a message built with envoi. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imap/session.h"
#include "util/err.h"

enum { CHANGE_BATCH = 500 };

static const struct {
    unsigned flag;
    const char *name;
} system_flags[] = {
    {ENVOI_IMAP_SEEN, "\\Seen"},       {ENVOI_IMAP_ANSWERED, "\\Answered"},
    {ENVOI_IMAP_FLAGGED, "\\Flagged"}, {ENVOI_IMAP_DELETED, "\\Deleted"},
    {ENVOI_IMAP_DRAFT, "\\Draft"},
};

/* A keyword is an atom: no space, control, 8-bit or atom-special. */
static bool valid_keywords(const char *p)
{
    for (; p && *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ')
            continue;
        if (c < 0x21 || c > 0x7e || strchr("(){%*\"\\]", c))
            return false;
    }
    return true;
}

/* "(\Seen \Flagged kw)" into out. */
static int flag_list(envoi_buf *out, unsigned flags, const char *keywords)
{
    envoi_buf_clear(out);
    int rc = envoi_buf_append(out, "(", 1);
    for (size_t i = 0; rc == 0 && i < sizeof system_flags / sizeof system_flags[0]; i++)
        if (flags & system_flags[i].flag)
            rc = envoi_buf_printf(out, "%s%s", out->len > 1 ? " " : "", system_flags[i].name);
    for (const char *p = keywords; rc == 0 && p && *p;) {
        size_t n = strcspn(p, " ");
        if (n)
            rc = envoi_buf_printf(out, "%s%.*s", out->len > 1 ? " " : "", (int)n, p);
        p += n;
        p += *p == ' ';
    }
    return rc == 0 ? envoi_buf_append(out, ")", 1) : rc;
}

static int sorted_uids(envoi_imap *s, const uint32_t *uids, size_t n, uint32_t **out, size_t *k)
{
    if (!uids || !n)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no UIDs");
    int rc = imap_need_selected(s);
    if (rc < 0)
        return rc;
    if ((rc = imap_uid_sort(uids, n, out, k)) < 0)
        return envoi_err_set(&s->err, rc, "out of memory");
    if (!*k) {
        free(*out);
        return envoi_err_set(&s->err, ENVOI_EINVAL, "UIDs start at 1");
    }
    return 0;
}

int envoi_imap_store_flags(envoi_imap *s, const uint32_t *uids, size_t n, bool add, unsigned flags,
                           const char *keywords)
{
    if (!valid_keywords(keywords))
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid keyword");
    uint32_t *u;
    size_t k;
    int rc = sorted_uids(s, uids, n, &u, &k);
    if (rc < 0)
        return rc;
    envoi_buf list = ENVOI_BUF_INIT, tail = ENVOI_BUF_INIT;
    rc = flag_list(&list, flags, keywords);
    if (rc == 0)
        rc = envoi_buf_printf(&tail, "%sFLAGS.SILENT %s", add ? "+" : "-", list.data);
    if (rc < 0)
        rc = envoi_err_set(&s->err, rc, "out of memory");
    else
        rc = imap_pipeline(s, u, k, CHANGE_BATCH, "UID STORE", tail.data, NULL, NULL, NULL);
    for (size_t i = 0; rc == 0 && i < k; i++) { /* keep the listing in step */
        envoi_imap_entry *e = imap_entry_of(s, u[i]);
        if (e)
            e->flags = add ? e->flags | flags : e->flags & ~flags;
    }
    envoi_buf_free(&list);
    envoi_buf_free(&tail);
    free(u);
    return rc;
}

static int to_folder(envoi_imap *s, const uint32_t *uids, size_t n, const char *folder,
                     const char *verb)
{
    if (!folder || !*folder)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "invalid folder name");
    uint32_t *u;
    size_t k;
    int rc = sorted_uids(s, uids, n, &u, &k);
    if (rc < 0)
        return rc;
    rc = imap_pipeline(s, u, k, CHANGE_BATCH, verb, NULL, folder, NULL, NULL);
    free(u);
    return rc;
}

int envoi_imap_copy(envoi_imap *s, const uint32_t *uids, size_t n, const char *folder)
{
    return to_folder(s, uids, n, folder, "UID COPY");
}

int envoi_imap_move(envoi_imap *s, const uint32_t *uids, size_t n, const char *folder)
{
    int rc = imap_ready(s);
    if (rc < 0)
        return rc;
    if (imap_has_cap(s, "MOVE"))
        rc = to_folder(s, uids, n, folder, "UID MOVE");
    else if ((rc = to_folder(s, uids, n, folder, "UID COPY")) == 0 &&
             (rc = envoi_imap_store_flags(s, uids, n, true, ENVOI_IMAP_DELETED, NULL)) == 0)
        rc = envoi_imap_expunge(s, imap_has_cap(s, "UIDPLUS") ? uids : NULL, n);
    if (rc == 0)
        imap_entries_free(s); /* the listing changed */
    return rc;
}

int envoi_imap_expunge(envoi_imap *s, const uint32_t *uids, size_t n)
{
    int rc;
    if (!uids) {
        if ((rc = imap_need_selected(s)) == 0)
            rc = imap_simple(s, "EXPUNGE", NULL, NULL);
    } else {
        if ((rc = imap_ready(s)) == 0 && !imap_has_cap(s, "UIDPLUS"))
            return envoi_err_set(&s->err, ENVOI_EUNSUPPORTED,
                                 "the server does not offer UIDPLUS (UID EXPUNGE)");
        uint32_t *u;
        size_t k;
        if (rc == 0 && (rc = sorted_uids(s, uids, n, &u, &k)) == 0) {
            rc = imap_pipeline(s, u, k, CHANGE_BATCH, "UID EXPUNGE", NULL, NULL, NULL, NULL);
            free(u);
        }
    }
    if (rc == 0)
        imap_entries_free(s);
    return rc;
}

static void internal_date(char *out, size_t size, time_t t)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, size, "\"%02d-%s-%04d %02d:%02d:%02d +0000\"", tm.tm_mday, months[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int envoi_imap_append(envoi_imap *s, const char *folder, const void *data, size_t len,
                      unsigned flags, time_t date, uint32_t *uid)
{
    if (uid)
        *uid = 0;
    if (!data && len)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no message");
    int rc = imap_ready(s);
    if (rc < 0)
        return rc;
    imap_cmd c;
    imap_cmd_init(&c);
    imap_cmd_add(&c, "APPEND ");
    rc = imap_add_folder(s, &c, folder);
    envoi_buf list = ENVOI_BUF_INIT;
    if (rc == 0 && flags) {
        if (flag_list(&list, flags & ~(unsigned)ENVOI_IMAP_RECENT, NULL) < 0)
            rc = envoi_err_set(&s->err, ENVOI_ENOMEM, "out of memory");
        else
            imap_cmd_addf(&c, " %s", list.data);
    }
    if (rc == 0 && date) {
        char d[48];
        internal_date(d, sizeof d, date);
        imap_cmd_addf(&c, " %s", d);
    }
    imap_cmd_add(&c, " ");
    imap_cmd_literal(&c, data ? data : "", len);
    s->appenduid = 0;
    if (rc == 0)
        rc = imap_run(s, &c, NULL, NULL);
    if (rc == 0 && uid)
        *uid = s->appenduid;
    imap_cmd_free(&c);
    envoi_buf_free(&list);
    return rc;
}

int envoi_imap_append_message(envoi_imap *s, const char *folder, envoi_message *msg, unsigned flags,
                              time_t date, uint32_t *uid)
{
    if (!msg)
        return envoi_err_set(&s->err, ENVOI_EINVAL, "no message");
    char *src = NULL;
    size_t len = 0;
    int rc = envoi_message_to_string(msg, &src, &len);
    if (rc < 0)
        return envoi_err_set(&s->err, rc, "cannot write the message: %s",
                             envoi_message_error(msg)->text);
    rc = envoi_imap_append(s, folder, src, len, flags, date, uid);
    free(src);
    return rc;
}
