/* The public streaming parser: the one core parser fed in chunks, bodies
 * handed to callbacks, nothing kept but the part tree. */
#include <stdlib.h>

#include "envoi/parse.h"
#include "mime/parse_core.h"
#include "mime/stream.h"

struct envoi_stream_parser {
    mime_core core;
};

envoi_stream_parser *envoi_stream_parser_new(const envoi_parse_callbacks *cb, void *ctx, bool mbox)
{
    envoi_stream_parser *p = malloc(sizeof *p);
    if (p)
        mime_core_init(&p->core, cb, ctx, mbox, false);
    return p;
}

int envoi_stream_parser_feed(envoi_stream_parser *p, const void *data, size_t len)
{
    if (!p || (!data && len))
        return ENVOI_EINVAL;
    return mime_core_feed(&p->core, data, len);
}

int envoi_stream_parser_finish(envoi_stream_parser *p)
{
    return p ? mime_core_finish(&p->core) : ENVOI_EINVAL;
}

void envoi_stream_parser_free(envoi_stream_parser *p)
{
    if (!p)
        return;
    mime_core_free(&p->core);
    free(p);
}

size_t mime_stream_parser_high_water(const envoi_stream_parser *p)
{
    return mime_core_high_water(&p->core);
}
