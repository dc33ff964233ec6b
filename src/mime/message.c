/* The message model: setters that check and copy what they are given, and
 * the envelope derived from it. Serialization lives in serialize.c. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>

#include "envoi/message.h"
#include "envoi/parse.h"
#include "mime/message_impl.h"
#include "mime/mimetypes.h"
#include "mime/validate.h"
#include "util/err.h"

envoi_message *envoi_message_new(void)
{
    return calloc(1, sizeof(envoi_message));
}

void mime_mbox_clear(mime_mbox *m)
{
    envoi_mailbox_clear(&m->mb);
    free(m->header_addr);
    m->header_addr = NULL;
}

static void clear_mbox_list(mime_mbox_list *l)
{
    for (size_t i = 0; i < l->len; i++)
        mime_mbox_clear(&l->items[i]);
    free(l->items);
}

static void clear_attachment(mime_attachment *a)
{
    free(a->path);
    free(a->data);
    free(a->name);
    free(a->type);
    free(a->cid);
}

void envoi_message_free(envoi_message *msg)
{
    if (!msg)
        return;
    mime_mbox_clear(&msg->from);
    mime_mbox_clear(&msg->sender);
    mime_mbox_clear(&msg->receipt);
    clear_mbox_list(&msg->reply_to);
    clear_mbox_list(&msg->to);
    clear_mbox_list(&msg->cc);
    clear_mbox_list(&msg->bcc);
    free(msg->subject);
    free(msg->message_id);
    free(msg->in_reply_to);
    for (size_t i = 0; i < msg->references.len; i++)
        free(msg->references.items[i]);
    free(msg->references.items);
    envoi_buf_free(&msg->text);
    envoi_buf_free(&msg->html);
    for (size_t i = 0; i < msg->nparts; i++)
        clear_attachment(&msg->parts[i]);
    free(msg->parts);
    for (size_t i = 0; i < msg->nheaders; i++) {
        free(msg->headers[i].name);
        free(msg->headers[i].value);
    }
    free(msg->headers);
    mime_parsed_free(msg->parsed);
    free(msg);
}

const envoi_error *envoi_message_error(const envoi_message *msg)
{
    return &msg->err;
}

/* Grow an array of n items of size sz to hold one more. */
static int grow(void **items, size_t *cap, size_t len, size_t sz)
{
    if (len < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *p = realloc(*items, ncap * sz);
    if (!p)
        return ENVOI_ENOMEM;
    *items = p;
    *cap = ncap;
    return 0;
}

/* Remember which field of a parsed message the caller changed (rc: the setter's result). */
static int mark(envoi_message *msg, unsigned bit, int rc)
{
    if (rc == 0)
        msg->changed |= bit;
    return rc;
}

/* A list field of a parsed message starts from what the source says. */
static int seed(envoi_message *msg, unsigned bit)
{
    if (!msg->parsed || (msg->changed & bit))
        return 0;
    msg->changed |= bit;
    return mime_parsed_seed(msg, bit);
}

static int fail(envoi_message *msg, int code, const char *what)
{
    return envoi_err_set(&msg->err, code, "%s: %s", what, envoi_strerror(code));
}

static int parse_mbox(envoi_message *msg, const char *text, mime_mbox *out, const char *what)
{
    memset(out, 0, sizeof *out);
    int rc = envoi_mailbox_parse(text, &out->mb);
    if (rc < 0)
        return fail(msg, rc, what);
    if (envoi_address_local_is_ascii(out->mb.addr))
        rc = envoi_address_to_envelope(out->mb.addr, &out->header_addr);
    else if (!envoi_address_domain_is_ascii(out->mb.addr)) {
        /* Checked for IDNA anyway, so a bad domain is refused now, not at send time. */
        char *tmp = NULL;
        rc = envoi_address_to_envelope(out->mb.addr, &tmp);
        free(tmp);
    }
    if (rc == 0 && !out->header_addr && !(out->header_addr = strdup(out->mb.addr)))
        rc = ENVOI_ENOMEM;
    if (rc < 0) {
        mime_mbox_clear(out);
        return fail(msg, rc, what);
    }
    return 0;
}

static int set_mbox(envoi_message *msg, mime_mbox *slot, const char *text, const char *what)
{
    mime_mbox m;
    if (!text) {
        mime_mbox_clear(slot);
        return 0;
    }
    int rc = parse_mbox(msg, text, &m, what);
    if (rc < 0)
        return rc;
    mime_mbox_clear(slot);
    *slot = m;
    return 0;
}

static int add_mbox(envoi_message *msg, mime_mbox_list *l, const char *text, const char *what,
                    unsigned bit)
{
    if (!msg || !text)
        return ENVOI_EINVAL;
    if (seed(msg, bit) < 0)
        return ENVOI_ENOMEM;
    if (grow((void **)&l->items, &l->cap, l->len, sizeof *l->items) < 0)
        return ENVOI_ENOMEM;
    int rc = parse_mbox(msg, text, &l->items[l->len], what);
    if (rc == 0)
        l->len++;
    return rc;
}

int envoi_message_set_from(envoi_message *msg, const char *mailbox)
{
    return msg ? mark(msg, MIME_CHANGED_FROM, set_mbox(msg, &msg->from, mailbox, "From"))
               : ENVOI_EINVAL;
}

int envoi_message_set_sender(envoi_message *msg, const char *mailbox)
{
    return msg ? mark(msg, MIME_CHANGED_SENDER, set_mbox(msg, &msg->sender, mailbox, "Sender"))
               : ENVOI_EINVAL;
}

int envoi_message_set_read_receipt(envoi_message *msg, const char *mailbox)
{
    return msg ? mark(msg, MIME_CHANGED_RECEIPT,
                      set_mbox(msg, &msg->receipt, mailbox, "Disposition-Notification-To"))
               : ENVOI_EINVAL;
}

int envoi_message_add_reply_to(envoi_message *msg, const char *mailbox)
{
    return add_mbox(msg, msg ? &msg->reply_to : NULL, mailbox, "Reply-To", MIME_CHANGED_REPLY_TO);
}

int envoi_message_add_to(envoi_message *msg, const char *mailbox)
{
    return add_mbox(msg, msg ? &msg->to : NULL, mailbox, "To", MIME_CHANGED_TO);
}

int envoi_message_add_cc(envoi_message *msg, const char *mailbox)
{
    return add_mbox(msg, msg ? &msg->cc : NULL, mailbox, "Cc", MIME_CHANGED_CC);
}

int envoi_message_add_bcc(envoi_message *msg, const char *mailbox)
{
    return add_mbox(msg, msg ? &msg->bcc : NULL, mailbox, "Bcc", MIME_CHANGED_BCC);
}

int envoi_message_set_write_bcc(envoi_message *msg, bool write)
{
    if (!msg)
        return ENVOI_EINVAL;
    msg->write_bcc = write;
    return seed(msg, MIME_CHANGED_BCC);
}

/* Replace *slot with a copy of s (NULL clears). */
static int replace_str(char **slot, const char *s)
{
    char *copy = NULL;
    if (s && !(copy = strdup(s)))
        return ENVOI_ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
}

int envoi_message_set_subject(envoi_message *msg, const char *utf8)
{
    if (!msg)
        return ENVOI_EINVAL;
    int rc = utf8 ? mime_check_text(utf8) : 0;
    if (rc < 0)
        return fail(msg, rc, "Subject");
    return mark(msg, MIME_CHANGED_SUBJECT, replace_str(&msg->subject, utf8));
}

int envoi_message_set_date(envoi_message *msg, time_t when)
{
    if (!msg)
        return ENVOI_EINVAL;
    msg->date = when;
    msg->date_set = true;
    return mark(msg, MIME_CHANGED_DATE, 0);
}

static int set_id(envoi_message *msg, char **slot, const char *id, const char *what)
{
    char *copy = NULL;
    int rc = id ? mime_copy_id(id, &copy) : 0;
    if (rc < 0)
        return fail(msg, rc, what);
    free(*slot);
    *slot = copy;
    return 0;
}

int envoi_message_set_message_id(envoi_message *msg, const char *id)
{
    return msg ? mark(msg, MIME_CHANGED_MESSAGE_ID, set_id(msg, &msg->message_id, id, "Message-ID"))
               : ENVOI_EINVAL;
}

int envoi_message_set_in_reply_to(envoi_message *msg, const char *id)
{
    return msg ? mark(msg, MIME_CHANGED_IN_REPLY_TO,
                      set_id(msg, &msg->in_reply_to, id, "In-Reply-To"))
               : ENVOI_EINVAL;
}

int envoi_message_add_reference(envoi_message *msg, const char *id)
{
    if (!msg || !id)
        return ENVOI_EINVAL;
    mime_str_list *l = &msg->references;
    if (seed(msg, MIME_CHANGED_REFERENCES) < 0)
        return ENVOI_ENOMEM;
    if (grow((void **)&l->items, &l->cap, l->len, sizeof *l->items) < 0)
        return ENVOI_ENOMEM;
    char *copy = NULL;
    int rc = mime_copy_id(id, &copy);
    if (rc < 0)
        return fail(msg, rc, "References");
    l->items[l->len++] = copy;
    return 0;
}

/* Copy a body with every line end made CRLF and a final line end added. */
static int set_body(envoi_buf *b, bool *has, const char *s, size_t len)
{
    envoi_buf nb = ENVOI_BUF_INIT;
    if (!s) {
        envoi_buf_free(b);
        *has = false;
        return 0;
    }
    if (envoi_buf_reserve(&nb, len + len / 8 + 2) < 0)
        return ENVOI_ENOMEM;
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0; i++) {
        if (s[i] == '\r' || s[i] == '\n') {
            rc = envoi_buf_append(&nb, "\r\n", 2);
            if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
                i++;
        } else {
            rc = envoi_buf_append_char(&nb, s[i]);
        }
    }
    if (rc == 0 && nb.len > 0 && nb.data[nb.len - 1] != '\n')
        rc = envoi_buf_append(&nb, "\r\n", 2);
    if (rc == 0 && !nb.data)
        rc = envoi_buf_reserve(&nb, 0);
    if (rc < 0) {
        envoi_buf_free(&nb);
        return rc;
    }
    envoi_buf_free(b);
    *b = nb;
    *has = true;
    return 0;
}

int envoi_message_set_text(envoi_message *msg, const char *utf8, size_t len)
{
    return msg ? mark(msg, MIME_CHANGED_BODY, set_body(&msg->text, &msg->has_text, utf8, len))
               : ENVOI_EINVAL;
}

int envoi_message_set_html(envoi_message *msg, const char *utf8, size_t len)
{
    return msg ? mark(msg, MIME_CHANGED_BODY, set_body(&msg->html, &msg->has_html, utf8, len))
               : ENVOI_EINVAL;
}

static int check_readable(envoi_message *msg, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return envoi_err_set(&msg->err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
    struct stat st;
    int rc = fstat(fd, &st);
    int saved = errno;
    close(fd);
    if (rc < 0)
        return envoi_err_set(&msg->err, ENVOI_EFILE, "%s: %s", path, strerror(saved));
    if (S_ISDIR(st.st_mode))
        return envoi_err_set(&msg->err, ENVOI_EFILE, "%s: %s", path, strerror(EISDIR));
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* Check name, type and cid and fill a new attachment (path/data left to the caller). */
static int fill_attachment(envoi_message *msg, mime_attachment *a, const char *name,
                           const char *type, const char *cid)
{
    int rc;
    memset(a, 0, sizeof *a);
    if (name && (rc = mime_check_file_name(name)) < 0)
        return fail(msg, rc, "attachment name");
    if (type && (rc = mime_check_type(type)) < 0)
        return fail(msg, rc, "attachment type");
    if (cid && (rc = mime_copy_id(cid, &a->cid)) < 0)
        return fail(msg, rc, "Content-ID");
    if (!type)
        type = mime_type_for_name(name ? name : "");
    a->name = name ? strdup(name) : NULL;
    a->type = strdup(type);
    if ((name && !a->name) || !a->type) {
        clear_attachment(a);
        return ENVOI_ENOMEM;
    }
    return 0;
}

static int add_file(envoi_message *msg, const char *path, const char *name, const char *type,
                    const char *cid, bool is_inline)
{
    if (!msg || !path || !*path || (is_inline && !cid))
        return ENVOI_EINVAL;
    int rc = check_readable(msg, path);
    if (rc < 0)
        return rc;
    if (grow((void **)&msg->parts, &msg->cap_parts, msg->nparts, sizeof *msg->parts) < 0)
        return ENVOI_ENOMEM;
    mime_attachment *a = &msg->parts[msg->nparts];
    if ((rc = fill_attachment(msg, a, name ? name : base_name(path), type, cid)) < 0)
        return rc;
    if (!(a->path = strdup(path))) {
        clear_attachment(a);
        return ENVOI_ENOMEM;
    }
    a->is_inline = is_inline;
    msg->nparts++;
    return mark(msg, MIME_CHANGED_BODY, 0);
}

static int add_data(envoi_message *msg, const void *data, size_t len, const char *name,
                    const char *type, const char *cid, bool is_inline)
{
    if (!msg || (!data && len) || (is_inline && !cid))
        return ENVOI_EINVAL;
    if (grow((void **)&msg->parts, &msg->cap_parts, msg->nparts, sizeof *msg->parts) < 0)
        return ENVOI_ENOMEM;
    mime_attachment *a = &msg->parts[msg->nparts];
    int rc = fill_attachment(msg, a, name, type, cid);
    if (rc < 0)
        return rc;
    if (!(a->data = malloc(len ? len : 1))) {
        clear_attachment(a);
        return ENVOI_ENOMEM;
    }
    if (len)
        memcpy(a->data, data, len);
    a->len = len;
    a->is_inline = is_inline;
    msg->nparts++;
    return mark(msg, MIME_CHANGED_BODY, 0);
}

int envoi_message_attach_file(envoi_message *msg, const char *path, const char *name,
                              const char *type)
{
    return add_file(msg, path, name, type, NULL, false);
}

int envoi_message_attach_data(envoi_message *msg, const void *data, size_t len, const char *name,
                              const char *type)
{
    return add_data(msg, data, len, name, type, NULL, false);
}

int envoi_message_add_inline_file(envoi_message *msg, const char *path, const char *cid,
                                  const char *type)
{
    return add_file(msg, path, NULL, type, cid, true);
}

int envoi_message_add_inline_data(envoi_message *msg, const void *data, size_t len,
                                  const char *name, const char *cid, const char *type)
{
    return add_data(msg, data, len, name, type, cid, true);
}

int envoi_message_add_header(envoi_message *msg, const char *name, const char *value)
{
    if (!msg || !name || !value)
        return ENVOI_EINVAL;
    int rc = mime_check_header_name(name);
    if (rc == 0)
        rc = mime_check_text(value);
    if (rc < 0)
        return fail(msg, rc, name);
    if (grow((void **)&msg->headers, &msg->cap_headers, msg->nheaders, sizeof *msg->headers) < 0)
        return ENVOI_ENOMEM;
    mime_header *h = &msg->headers[msg->nheaders];
    h->name = strdup(name);
    h->value = strdup(value);
    if (!h->name || !h->value) {
        free(h->name);
        free(h->value);
        return ENVOI_ENOMEM;
    }
    msg->nheaders++;
    return mark(msg, MIME_CHANGED_HEADERS, 0);
}

int envoi_message_set_priority(envoi_message *msg, envoi_priority priority)
{
    if (!msg || priority < ENVOI_PRIORITY_NORMAL || priority > ENVOI_PRIORITY_LOW)
        return ENVOI_EINVAL;
    msg->priority = priority;
    return mark(msg, MIME_CHANGED_PRIORITY, 0);
}

int envoi_message_set_sensitivity(envoi_message *msg, envoi_sensitivity sensitivity)
{
    if (!msg || sensitivity < ENVOI_SENSITIVITY_NONE ||
        sensitivity > ENVOI_SENSITIVITY_CONFIDENTIAL)
        return ENVOI_EINVAL;
    msg->sensitivity = sensitivity;
    return mark(msg, MIME_CHANGED_SENSITIVITY, 0);
}

/* Through the getters of parse.h, so a parsed message has its envelope too
 * (read from its header fields unless the caller changed them). */
const char *envoi_message_envelope_from(const envoi_message *msg)
{
    const char *addr = NULL;
    if (envoi_message_address_at(msg, ENVOI_FIELD_FROM, 0, NULL, &addr) == 0 && addr && *addr)
        return addr;
    if (envoi_message_address_at(msg, ENVOI_FIELD_SENDER, 0, NULL, &addr) == 0 && addr && *addr)
        return addr;
    return NULL;
}

static const envoi_field recipient_fields[3] = {ENVOI_FIELD_TO, ENVOI_FIELD_CC, ENVOI_FIELD_BCC};

size_t envoi_message_recipient_count(const envoi_message *msg)
{
    size_t n = 0;
    for (size_t i = 0; i < 3; i++)
        n += envoi_message_address_count(msg, recipient_fields[i]);
    return n;
}

const char *envoi_message_recipient(const envoi_message *msg, size_t index)
{
    for (size_t i = 0; i < 3; i++) {
        size_t n = envoi_message_address_count(msg, recipient_fields[i]);
        const char *addr = NULL;
        if (index < n)
            return envoi_message_address_at(msg, recipient_fields[i], index, NULL, &addr) == 0
                       ? addr
                       : NULL;
        index -= n;
    }
    return NULL;
}

static bool list_needs_utf8(const mime_mbox_list *l)
{
    for (size_t i = 0; i < l->len; i++)
        if (!envoi_address_local_is_ascii(l->items[i].mb.addr))
            return true;
    return false;
}

static bool mbox_needs_utf8(const mime_mbox *m)
{
    return m->mb.addr && !envoi_address_local_is_ascii(m->mb.addr);
}

bool envoi_message_needs_smtputf8(const envoi_message *msg)
{
    return mbox_needs_utf8(&msg->from) || mbox_needs_utf8(&msg->sender) ||
           mbox_needs_utf8(&msg->receipt) || list_needs_utf8(&msg->reply_to) ||
           list_needs_utf8(&msg->to) || list_needs_utf8(&msg->cc) || list_needs_utf8(&msg->bcc);
}
