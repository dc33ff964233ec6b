/* RFC 6376 tag lists (section 3.2), as DKIM-Signature fields and key
 * records write them: "tag=value; tag=value", folding white space allowed
 * around tags, values and the separators. */
#ifndef ENVOI_DKIM_TAGS_H
#define ENVOI_DKIM_TAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum {
    DKIM_TAGS_MAX = 32, /* more tags than any signature or key record needs: malformed */
    DKIM_TAGS_WHY_SIZE = 160,
};

/* One tag; the pointers go into the parsed text. */
typedef struct dkim_tag {
    const char *name;
    size_t name_len;
    const char *value; /* without the white space around it; may hold folding inside */
    size_t value_len;
    size_t raw_start; /* offset of the byte after '=' in the text */
    size_t raw_end;   /* offset of the ';' that ends the tag, or of the text's end */
} dkim_tag;

typedef struct dkim_tags {
    dkim_tag tags[DKIM_TAGS_MAX];
    size_t count;
} dkim_tags;

/* Parse len bytes of text into out. 0, or -1 with why (a sentence naming
 * the problem: a tag without '=', a bad tag name, a control or non-ASCII
 * character in a value, a tag given twice, too many tags). Empty tag-specs
 * (";;", a trailing ';') are skipped. */
int dkim_tags_parse(const char *text, size_t len, dkim_tags *out, char why[DKIM_TAGS_WHY_SIZE]);

/* The tag of that name (case-sensitive, as RFC 6376 says), or NULL. */
const dkim_tag *dkim_tags_find(const dkim_tags *t, const char *name);

/* True when the value is exactly word (case-insensitive when nocase). */
bool dkim_tag_is(const dkim_tag *t, const char *word, bool nocase);

/* The value with every white space character removed (b=, bh=, p=, h=),
 * appended to out (NUL-terminated). 0 or ENVOI_ENOMEM. */
int dkim_tag_compact(const dkim_tag *t, envoi_buf *out);

/* True when the colon-separated list (white space around items ignored)
 * holds word, case-insensitively. */
bool dkim_list_has(const char *list, size_t len, const char *word);

#endif
