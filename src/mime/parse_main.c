/* The main text and HTML bodies of a parsed message, picked as mail readers
 * do: depth first, not into attached messages; inside multipart/alternative
 * the last HTML and the first plain text; parts that are attachments
 * (disposition attachment or a file name) only when nothing else is found. */
#include <string.h>

#include "envoi/parse.h"
#include "mime/message_impl.h"
#include "mime/part.h"

static bool candidate(const envoi_part *p, const char *type, bool strict)
{
    if (p->kind != MIME_LEAF || strcmp(envoi_part_content_type(p), type) != 0)
        return false;
    if (!strict)
        return true;
    bool attached = p->disposition && strcmp(p->disposition, "attachment") == 0;
    return !attached && !p->filename;
}

static const envoi_part *find(const envoi_part *p, const char *type, bool strict)
{
    if (p->kind == MIME_LEAF)
        return candidate(p, type, strict) ? p : NULL;
    if (p->kind == MIME_MESSAGE)
        return !p->parent && p->nchildren ? find(p->children[0], type, strict) : NULL;
    bool backwards =
        strcmp(p->type, "multipart/alternative") == 0 && strcmp(type, "text/html") == 0;
    for (size_t i = 0; i < p->nchildren; i++) {
        const envoi_part *c = p->children[backwards ? p->nchildren - 1 - i : i];
        const envoi_part *r = find(c, type, strict);
        if (r)
            return r;
    }
    return NULL;
}

static void pick(const envoi_message *msg)
{
    mime_parsed *pm = msg->parsed;
    if (pm->main_done || !pm->root)
        return;
    pm->main_done = true;
    if (!(pm->text_part = find(pm->root, "text/plain", true)))
        pm->text_part = find(pm->root, "text/plain", false);
    if (!(pm->html_part = find(pm->root, "text/html", true)))
        pm->html_part = find(pm->root, "text/html", false);
}

const envoi_part *envoi_message_text_part(const envoi_message *msg)
{
    if (!msg || !msg->parsed)
        return NULL;
    pick(msg);
    return msg->parsed->text_part;
}

const envoi_part *envoi_message_html_part(const envoi_message *msg)
{
    if (!msg || !msg->parsed)
        return NULL;
    pick(msg);
    return msg->parsed->html_part;
}
