/* What "envoi parse" shows of one message: the parsed message (headers and
 * part tree), the size and SHA-256 of each part's decoded body, the main
 * text and HTML bodies in UTF-8, and notes the command line adds to the
 * parser's defects. Built from a whole parsed message or, part by part,
 * by the streaming collector (parse_collect.h). */
#ifndef ENVOI_CLI_PARSE_VIEW_H
#define ENVOI_CLI_PARSE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "envoi/parse.h"

/* Size and digest of one part's body after transfer decoding. */
typedef struct cli_digest {
    const envoi_part *part;
    char *path; /* envoi_part_path when the part was seen */
    uint64_t size;
    char sha256[65]; /* lowercase hex */
} cli_digest;

/* A defect found by the command line rather than the parser. */
typedef struct cli_note {
    char *name;
    char *path;
    char *detail;
} cli_note;

typedef struct cli_message_view {
    const envoi_message *msg;
    cli_digest *digests;
    size_t ndigests;
    char *text; /* main text body in UTF-8, NULL when none */
    size_t text_len;
    char *html; /* main HTML body in UTF-8, NULL when none */
    size_t html_len;
    cli_note *notes;
    size_t nnotes;
} cli_message_view;

/* True for a part shown in "parts": no children and not a multipart (an
 * empty multipart is a container, not a leaf). */
bool cli_part_is_leaf(const envoi_part *part);

/* The digest of part (matched by identity, else by path); NULL when the
 * part's body was never seen. */
const cli_digest *cli_view_digest(const cli_message_view *v, const envoi_part *part);

/* Fill v from a message parsed whole (bodies available): every leaf's
 * digest and the main bodies. v->msg is msg; it is not copied. Returns 0 or
 * ENVOI_ENOMEM. */
int cli_view_from_message(const envoi_message *msg, cli_message_view *v);

/* Add a digest or a note (the strings are copied). 0 or ENVOI_ENOMEM. */
int cli_view_add_digest(cli_message_view *v, const envoi_part *part, const char *path,
                        uint64_t size, const unsigned char sha256[32]);
int cli_view_add_note(cli_message_view *v, const char *name, const char *path, const char *detail);

/* Release what the view owns (not the message); v is zeroed. */
void cli_view_free(cli_message_view *v);

/* Lowercase hex of a 32-byte digest into hex[65]. */
void cli_sha256_hex(const unsigned char sha[32], char hex[65]);

#endif
