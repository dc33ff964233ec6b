/* Internal accessors of the streaming parser (tests, readers). */
#ifndef ENVOI_MIME_STREAM_H
#define ENVOI_MIME_STREAM_H

#include <stddef.h>

#include "envoi/parse.h"

/* Bytes of buffer memory (carried line, header block, decode scratch) the
 * parser held at most: bounded whatever the input. */
size_t mime_stream_parser_high_water(const envoi_stream_parser *p);

#endif
