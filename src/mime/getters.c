/* What a message says, for parsed messages (read once from the top-level
 * header fields) and composed ones (the model) alike; a field the caller
 * changed after parsing reads from the model. */
#include <string.h>

#include "envoi/parse.h"
#include "mime/defect.h"
#include "mime/message_impl.h"
#include "mime/part.h"

/* The top-level fields the getters read, after the six address lists
 * (indexed by envoi_field). */
enum { TOP_SUBJECT = 6, TOP_DATE, TOP_MESSAGE_ID, TOP_IN_REPLY_TO, TOP_REFERENCES, TOP_KINDS };

/* name[0..len) equals lower (a lowercase literal of that length), ASCII
 * case-insensitively. */
static bool name_is(const char *name, const char *lower, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] + 32) : name[i];
        if (c != lower[i])
            return false;
    }
    return true;
}

/* Which of the getters' fields the field named name[0..len) is (TOP_KINDS:
 * none), dispatched on the name's length, then its first letter. */
static int top_kind(const char *name, size_t len)
{
    char first = name[0] >= 'A' && name[0] <= 'Z' ? (char)(name[0] + 32) : name[0];
    switch (len) {
    case 2:
        if (first == 'c')
            return name_is(name, "cc", 2) ? ENVOI_FIELD_CC : TOP_KINDS;
        return first == 't' && name_is(name, "to", 2) ? ENVOI_FIELD_TO : TOP_KINDS;
    case 3:
        return first == 'b' && name_is(name, "bcc", 3) ? ENVOI_FIELD_BCC : TOP_KINDS;
    case 4:
        if (first == 'f')
            return name_is(name, "from", 4) ? ENVOI_FIELD_FROM : TOP_KINDS;
        return first == 'd' && name_is(name, "date", 4) ? TOP_DATE : TOP_KINDS;
    case 6:
        return first == 's' && name_is(name, "sender", 6) ? ENVOI_FIELD_SENDER : TOP_KINDS;
    case 7:
        return first == 's' && name_is(name, "subject", 7) ? TOP_SUBJECT : TOP_KINDS;
    case 8:
        return first == 'r' && name_is(name, "reply-to", 8) ? ENVOI_FIELD_REPLY_TO : TOP_KINDS;
    case 10:
        if (first == 'm')
            return name_is(name, "message-id", 10) ? TOP_MESSAGE_ID : TOP_KINDS;
        return first == 'r' && name_is(name, "references", 10) ? TOP_REFERENCES : TOP_KINDS;
    case 11:
        return first == 'i' && name_is(name, "in-reply-to", 11) ? TOP_IN_REPLY_TO : TOP_KINDS;
    default:
        return TOP_KINDS;
    }
}

/* The first top-level field of each kind, in one pass over the fields. */
static void find_top_fields(const envoi_part *root, const mime_field **top)
{
    for (int k = 0; k < TOP_KINDS; k++)
        top[k] = NULL;
    for (size_t i = 0; root && i < root->nfields; i++) {
        int k = top_kind(root->fields[i].name, root->fields[i].nlen);
        if (k < TOP_KINDS && !top[k])
            top[k] = &root->fields[i];
    }
}

/* The lists live in the message's arena. */
static void read_ids(mime_parsed *pm, const mime_field *f, mime_id_list *out)
{
    unsigned defects = 0;
    if (f)
        mime_id_list_parse_in(&pm->arena, f->value, strlen(f->value), out, &defects);
}

/* Decode the top-level fields once; later calls reuse them. */
static mime_parsed *fields(const envoi_message *msg)
{
    mime_parsed *pm = msg->parsed;
    if (pm->fields_done)
        return pm;
    pm->fields_done = true;
    const mime_field *top[TOP_KINDS];
    find_top_fields(pm->root, top);
    pm->subject = top[TOP_SUBJECT] ? mime_field_decoded(pm->root, top[TOP_SUBJECT]) : NULL;
    for (int i = 0; i < 6; i++) {
        const mime_field *f = top[i];
        unsigned defects = 0;
        if (f &&
            mime_addr_list_parse_in(&pm->arena, f->value, strlen(f->value), &pm->lists[i],
                                    &defects) == 0 &&
            defects)
            mime_defect_add_mask((envoi_message *)msg, pm->root, defects, f->off);
    }
    const mime_field *d = top[TOP_DATE];
    if (d && mime_date_parse(d->value, strlen(d->value), &pm->date) == 0)
        pm->has_date = true;
    else if (d)
        mime_defect_add((envoi_message *)msg, pm->root, MIME_DEFECT_BAD_DATE, d->off);
    read_ids(pm, top[TOP_MESSAGE_ID], &pm->message_id);
    read_ids(pm, top[TOP_IN_REPLY_TO], &pm->in_reply_to);
    read_ids(pm, top[TOP_REFERENCES], &pm->references);
    mime_defects_finish((envoi_message *)msg);
    return pm;
}

static bool from_model(const envoi_message *msg, unsigned bit)
{
    return !msg->parsed || (msg->changed & bit);
}

const char *envoi_message_get_subject(const envoi_message *msg)
{
    if (!msg)
        return NULL;
    return from_model(msg, MIME_CHANGED_SUBJECT) ? msg->subject : fields(msg)->subject;
}

static const unsigned list_bits[6] = {MIME_CHANGED_FROM, MIME_CHANGED_SENDER, MIME_CHANGED_REPLY_TO,
                                      MIME_CHANGED_TO,   MIME_CHANGED_CC,     MIME_CHANGED_BCC};

/* The model's mailboxes of a field: one for From/Sender, a list otherwise. */
static size_t model_list(const envoi_message *msg, envoi_field field, const mime_mbox **items)
{
    switch (field) {
    case ENVOI_FIELD_FROM:
        *items = &msg->from;
        return msg->from.mb.addr ? 1 : 0;
    case ENVOI_FIELD_SENDER:
        *items = &msg->sender;
        return msg->sender.mb.addr ? 1 : 0;
    case ENVOI_FIELD_REPLY_TO:
        *items = msg->reply_to.items;
        return msg->reply_to.len;
    case ENVOI_FIELD_TO:
        *items = msg->to.items;
        return msg->to.len;
    case ENVOI_FIELD_CC:
        *items = msg->cc.items;
        return msg->cc.len;
    default:
        *items = msg->bcc.items;
        return msg->bcc.len;
    }
}

static bool valid_field(envoi_field field)
{
    return field >= ENVOI_FIELD_FROM && field <= ENVOI_FIELD_BCC;
}

size_t envoi_message_address_count(const envoi_message *msg, envoi_field field)
{
    if (!msg || !valid_field(field))
        return 0;
    if (from_model(msg, list_bits[field])) {
        const mime_mbox *items;
        return model_list(msg, field, &items);
    }
    return fields(msg)->lists[field].len;
}

int envoi_message_address_at(const envoi_message *msg, envoi_field field, size_t index,
                             const char **name, const char **addr)
{
    if (!msg || !valid_field(field))
        return ENVOI_EINVAL;
    const char *n, *a;
    if (from_model(msg, list_bits[field])) {
        const mime_mbox *items;
        if (index >= model_list(msg, field, &items))
            return ENVOI_EINVAL;
        n = items[index].mb.name;
        a = items[index].mb.addr;
    } else {
        const mime_addr_list *l = &fields(msg)->lists[field];
        if (index >= l->len)
            return ENVOI_EINVAL;
        n = l->items[index].name;
        a = l->items[index].addr;
    }
    if (name)
        *name = n;
    if (addr)
        *addr = a;
    return 0;
}

int envoi_message_get_date(const envoi_message *msg, time_t *out)
{
    if (!msg || !out)
        return ENVOI_EINVAL;
    if (from_model(msg, MIME_CHANGED_DATE)) {
        if (!msg->date_set)
            return ENVOI_EINVAL;
        *out = msg->date;
        return 0;
    }
    mime_parsed *pm = fields(msg);
    if (!pm->has_date)
        return ENVOI_EINVAL;
    *out = pm->date;
    return 0;
}

static const char *first_id(const mime_id_list *l)
{
    return l->len ? l->items[0] : NULL;
}

const char *envoi_message_get_message_id(const envoi_message *msg)
{
    if (!msg)
        return NULL;
    return from_model(msg, MIME_CHANGED_MESSAGE_ID) ? msg->message_id
                                                    : first_id(&fields(msg)->message_id);
}

const char *envoi_message_get_in_reply_to(const envoi_message *msg)
{
    if (!msg)
        return NULL;
    return from_model(msg, MIME_CHANGED_IN_REPLY_TO) ? msg->in_reply_to
                                                     : first_id(&fields(msg)->in_reply_to);
}

size_t envoi_message_reference_count(const envoi_message *msg)
{
    if (!msg)
        return 0;
    return from_model(msg, MIME_CHANGED_REFERENCES) ? msg->references.len
                                                    : fields(msg)->references.len;
}

const char *envoi_message_reference_at(const envoi_message *msg, size_t index)
{
    if (index >= envoi_message_reference_count(msg))
        return NULL;
    return from_model(msg, MIME_CHANGED_REFERENCES) ? msg->references.items[index]
                                                    : fields(msg)->references.items[index];
}
