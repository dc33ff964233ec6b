/* Parsing RFC 6376 tag lists: names, values and the folding white space
 * between them, bounded, every byte checked; duplicates refused. */
#include "dkim/tags.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "envoi/error.h"

enum { NAME_SHOWN = 40 }; /* at most this much of a tag name in a message */

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_char(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* VALCHAR of RFC 6376 (printable ASCII but ';', which ends the value). */
static bool is_value_char(char c)
{
    return (unsigned char)c >= 0x21 && (unsigned char)c <= 0x7e && c != ';';
}

static size_t skip_ws(const char *text, size_t len, size_t pos)
{
    while (pos < len && is_ws(text[pos]))
        pos++;
    return pos;
}

static int shown(size_t len)
{
    return (int)(len < NAME_SHOWN ? len : NAME_SHOWN);
}

/* Trim white space around [start, end) and check every byte of it. */
static int read_value(const char *text, size_t start, size_t end, dkim_tag *tag,
                      char why[DKIM_TAGS_WHY_SIZE])
{
    while (start < end && is_ws(text[start]))
        start++;
    while (end > start && is_ws(text[end - 1]))
        end--;
    for (size_t i = start; i < end; i++)
        if (!is_value_char(text[i]) && !is_ws(text[i])) {
            snprintf(why, DKIM_TAGS_WHY_SIZE,
                     "the value of tag %.*s= holds a control or non-ASCII character",
                     shown(tag->name_len), tag->name);
            return -1;
        }
    tag->value = text + start;
    tag->value_len = end - start;
    return 0;
}

static bool seen_before(const dkim_tags *out, const dkim_tag *tag)
{
    for (size_t i = 0; i < out->count; i++)
        if (out->tags[i].name_len == tag->name_len &&
            memcmp(out->tags[i].name, tag->name, tag->name_len) == 0)
            return true;
    return false;
}

/* One tag-spec starting at *pos (a name character); *pos moves past its ';'. */
static int read_tag(const char *text, size_t len, size_t *pos, dkim_tags *out,
                    char why[DKIM_TAGS_WHY_SIZE])
{
    dkim_tag tag = {.name = text + *pos};
    size_t p = *pos;
    while (p < len && is_name_char(text[p]))
        p++;
    tag.name_len = (size_t)(text + p - tag.name);
    p = skip_ws(text, len, p);
    if (p >= len || text[p] != '=') {
        snprintf(why, DKIM_TAGS_WHY_SIZE, "tag %.*s has no '=' and value", shown(tag.name_len),
                 tag.name);
        return -1;
    }
    tag.raw_start = ++p;
    const char *semi = memchr(text + p, ';', len - p);
    tag.raw_end = semi ? (size_t)(semi - text) : len;
    if (read_value(text, tag.raw_start, tag.raw_end, &tag, why) < 0)
        return -1;
    if (seen_before(out, &tag)) {
        snprintf(why, DKIM_TAGS_WHY_SIZE, "tag %.*s= appears twice", shown(tag.name_len), tag.name);
        return -1;
    }
    if (out->count >= DKIM_TAGS_MAX) {
        snprintf(why, DKIM_TAGS_WHY_SIZE, "more than %d tags", DKIM_TAGS_MAX);
        return -1;
    }
    out->tags[out->count++] = tag;
    *pos = semi ? tag.raw_end + 1 : len;
    return 0;
}

int dkim_tags_parse(const char *text, size_t len, dkim_tags *out, char why[DKIM_TAGS_WHY_SIZE])
{
    out->count = 0;
    why[0] = '\0';
    size_t pos = 0;
    while ((pos = skip_ws(text, len, pos)) < len) {
        if (text[pos] == ';') {
            pos++;
            continue;
        }
        if (!is_alpha(text[pos])) {
            snprintf(why, DKIM_TAGS_WHY_SIZE, "a tag name is expected at offset %zu", pos);
            return -1;
        }
        if (read_tag(text, len, &pos, out, why) < 0)
            return -1;
    }
    return 0;
}

const dkim_tag *dkim_tags_find(const dkim_tags *t, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < t->count; i++)
        if (t->tags[i].name_len == n && memcmp(t->tags[i].name, name, n) == 0)
            return &t->tags[i];
    return NULL;
}

bool dkim_tag_is(const dkim_tag *t, const char *word, bool nocase)
{
    size_t n = strlen(word);
    if (t->value_len != n)
        return false;
    return nocase ? strncasecmp(t->value, word, n) == 0 : memcmp(t->value, word, n) == 0;
}

int dkim_tag_compact(const dkim_tag *t, envoi_buf *out)
{
    if (envoi_buf_reserve(out, t->value_len + 1) < 0)
        return ENVOI_ENOMEM;
    for (size_t i = 0; i < t->value_len; i++)
        if (!is_ws(t->value[i]) && envoi_buf_append_char(out, t->value[i]) < 0)
            return ENVOI_ENOMEM;
    return envoi_buf_append(out, "", 0);
}

bool dkim_list_has(const char *list, size_t len, const char *word)
{
    size_t n = strlen(word), pos = 0;
    while (pos <= len) {
        const char *colon = memchr(list + pos, ':', len - pos);
        size_t end = colon ? (size_t)(colon - list) : len, a = pos, b = end;
        while (a < b && is_ws(list[a]))
            a++;
        while (b > a && is_ws(list[b - 1]))
            b--;
        if (b - a == n && strncasecmp(list + a, word, n) == 0)
            return true;
        if (!colon)
            break;
        pos = end + 1;
    }
    return false;
}
