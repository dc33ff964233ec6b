/* Choosing a part's Content-Transfer-Encoding from its content.
 *
 * The rules:
 * - text and HTML bodies (line ends already CRLF): 7bit when all ASCII
 *   without control characters and no line over 998 octets; otherwise
 *   quoted-printable when that is no longer than base64 (mostly ASCII),
 *   else base64;
 * - in-memory attachments of a text type (text/...): the same, where bare CR or LF
 *   also rule out 7bit (they are escaped in quoted-printable, so the bytes
 *   come back exactly); other types: base64;
 * - file attachments of a text type (text/...): quoted-printable when the first chunk
 *   read (48 KiB) has no NUL and would be shorter than in base64, else
 *   base64; other types: base64. Files are never read whole to choose. */
#ifndef ENVOI_MIME_ENCODING_CHOICE_H
#define ENVOI_MIME_ENCODING_CHOICE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum mime_cte { MIME_CTE_7BIT, MIME_CTE_QP, MIME_CTE_BASE64 } mime_cte;

/* Counts over some content, fed in chunks. */
typedef struct mime_scan {
    size_t len;
    size_t nonascii; /* bytes >= 0x80 */
    size_t controls; /* C0 controls other than TAB, CR, LF; DEL */
    size_t nuls;
    size_t bare_cr, bare_lf;
    size_t escapes; /* '=' (escaped in quoted-printable) */
    size_t line, max_line;
    bool prev_cr;
} mime_scan;

void mime_scan_init(mime_scan *s);
void mime_scan_update(mime_scan *s, const void *data, size_t len);
/* Ends the scan (a CR at the very end counts as bare). */
void mime_scan_final(mime_scan *s);

mime_cte mime_cte_for_body(const mime_scan *s);
mime_cte mime_cte_for_data(const mime_scan *s, const char *type);
/* first: the scan of the file's first chunk. */
mime_cte mime_cte_for_file(const mime_scan *first, const char *type);
const char *mime_cte_name(mime_cte cte);

#endif
