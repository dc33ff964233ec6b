/* MIME types from file name extensions: /etc/mime.types (read once per
 * process, thread-safe), else a built-in table of common types. */
#ifndef ENVOI_MIME_MIMETYPES_H
#define ENVOI_MIME_MIMETYPES_H

#define MIME_TYPE_DEFAULT "application/octet-stream"

/* The type for a file name's extension (case-insensitive), or
 * "application/octet-stream". Never NULL; the string is static. */
const char *mime_type_for_name(const char *name);

typedef struct mime_type_table mime_type_table;

/* Read a mime.types file ("type ext1 ext2 ...", '#' comments). The first
 * type listed for an extension wins. 0, ENVOI_EFILE or ENVOI_ENOMEM. */
int mime_type_table_load(const char *path, mime_type_table **out);
/* The type for an extension without the dot (case-insensitive), or NULL. */
const char *mime_type_table_lookup(const mime_type_table *t, const char *ext);
void mime_type_table_free(mime_type_table *t);
/* The built-in table's type for an extension, or NULL. */
const char *mime_type_builtin(const char *ext);

#endif
