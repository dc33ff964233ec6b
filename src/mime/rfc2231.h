/* Header parameters ("; attr=value"), with non-ASCII or long file names
 * written per RFC 2231 (filename*=utf-8''%..., continued as filename*0*=,
 * filename*1*= ... when long) and, for older readers, per RFC 2047 inside a
 * quoted string (name="=?utf-8?...?="). */
#ifndef ENVOI_MIME_RFC2231_H
#define ENVOI_MIME_RFC2231_H

#include "mime/header_write.h"

/* "; attr=value", value quoted when it is not a token. value must be ASCII. */
void mime_hdr_param(mime_hdr *h, const char *attr, const char *value);
/* "; attr=\"name\"" for a short printable ASCII name, else RFC 2231. */
void mime_hdr_param_2231(mime_hdr *h, const char *attr, const char *utf8);
/* "; attr=\"name\"" for a short printable ASCII name, else RFC 2047
 * encoded-words inside the quotes. */
void mime_hdr_param_2047(mime_hdr *h, const char *attr, const char *utf8);

#endif
