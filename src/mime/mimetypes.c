/* Extension to MIME type lookup over /etc/mime.types or a built-in table (see mimetypes.h). */
#include "mime/mimetypes.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "envoi/error.h"
#include "util/buf.h"

#define SYSTEM_MIME_TYPES "/etc/mime.types"

typedef struct type_entry {
    const char *ext; /* lowercase */
    const char *type;
    size_t order; /* position in the file: the first wins */
} type_entry;

struct mime_type_table {
    char *text; /* the file's contents, cut into NUL-terminated words */
    type_entry *entries;
    size_t len;
};

static const type_entry builtin[] = {
    {"7z", "application/x-7z-compressed", 0},
    {"avi", "video/x-msvideo", 0},
    {"bmp", "image/bmp", 0},
    {"csv", "text/csv", 0},
    {"doc", "application/msword", 0},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 0},
    {"eml", "message/rfc822", 0},
    {"gif", "image/gif", 0},
    {"gz", "application/gzip", 0},
    {"htm", "text/html", 0},
    {"html", "text/html", 0},
    {"ics", "text/calendar", 0},
    {"jpeg", "image/jpeg", 0},
    {"jpg", "image/jpeg", 0},
    {"js", "text/javascript", 0},
    {"json", "application/json", 0},
    {"md", "text/markdown", 0},
    {"mp3", "audio/mpeg", 0},
    {"mp4", "video/mp4", 0},
    {"odt", "application/vnd.oasis.opendocument.text", 0},
    {"pdf", "application/pdf", 0},
    {"png", "image/png", 0},
    {"ppt", "application/vnd.ms-powerpoint", 0},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", 0},
    {"svg", "image/svg+xml", 0},
    {"tar", "application/x-tar", 0},
    {"tif", "image/tiff", 0},
    {"tiff", "image/tiff", 0},
    {"txt", "text/plain", 0},
    {"wav", "audio/x-wav", 0},
    {"webp", "image/webp", 0},
    {"xls", "application/vnd.ms-excel", 0},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 0},
    {"xml", "application/xml", 0},
    {"zip", "application/zip", 0},
};

static int compare_entries(const void *a, const void *b)
{
    const type_entry *x = a, *y = b;
    int c = strcmp(x->ext, y->ext);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int compare_key(const void *key, const void *e)
{
    return strcasecmp(key, ((const type_entry *)e)->ext);
}

static int read_file(const char *path, envoi_buf *out)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return ENVOI_EFILE;
    char chunk[8192];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = envoi_buf_append(out, chunk, n);
    if (rc == 0 && ferror(f))
        rc = ENVOI_EFILE;
    fclose(f);
    return rc;
}

static int add_entry(mime_type_table *t, size_t *cap, const char *ext, const char *type)
{
    if (t->len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        type_entry *p = realloc(t->entries, ncap * sizeof *p);
        if (!p)
            return ENVOI_ENOMEM;
        t->entries = p;
        *cap = ncap;
    }
    t->entries[t->len] = (type_entry){ext, type, t->len};
    t->len++;
    return 0;
}

/* Cut one line into words in place and add its extensions. */
static int parse_line(mime_type_table *t, size_t *cap, char *line)
{
    char *save = NULL;
    char *type = strtok_r(line, " \t\r", &save);
    if (!type || type[0] == '#' || !strchr(type, '/'))
        return 0;
    for (char *ext = strtok_r(NULL, " \t\r", &save); ext; ext = strtok_r(NULL, " \t\r", &save)) {
        if (ext[0] == '#')
            break;
        for (char *p = ext; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (add_entry(t, cap, ext, type) < 0)
            return ENVOI_ENOMEM;
    }
    return 0;
}

int mime_type_table_load(const char *path, mime_type_table **out)
{
    *out = NULL;
    envoi_buf text = ENVOI_BUF_INIT;
    int rc = read_file(path, &text);
    if (rc == 0 && !text.data)
        rc = envoi_buf_reserve(&text, 0);
    mime_type_table *t = rc == 0 ? calloc(1, sizeof *t) : NULL;
    if (rc == 0 && !t)
        rc = ENVOI_ENOMEM;
    if (rc < 0) {
        envoi_buf_free(&text);
        return rc;
    }
    t->text = envoi_buf_steal(&text, NULL);
    size_t cap = 0;
    char *save = NULL;
    for (char *line = strtok_r(t->text, "\n", &save); line && rc == 0;
         line = strtok_r(NULL, "\n", &save))
        rc = parse_line(t, &cap, line);
    if (rc < 0) {
        mime_type_table_free(t);
        return rc;
    }
    if (t->len)
        qsort(t->entries, t->len, sizeof *t->entries, compare_entries);
    *out = t;
    return 0;
}

const char *mime_type_table_lookup(const mime_type_table *t, const char *ext)
{
    if (!t->len)
        return NULL;
    const type_entry *e = bsearch(ext, t->entries, t->len, sizeof *t->entries, compare_key);
    if (!e)
        return NULL;
    while (e > t->entries && strcasecmp(e[-1].ext, ext) == 0)
        e--;
    return e->type;
}

void mime_type_table_free(mime_type_table *t)
{
    if (!t)
        return;
    free(t->entries);
    free(t->text);
    free(t);
}

const char *mime_type_builtin(const char *ext)
{
    const type_entry *e =
        bsearch(ext, builtin, sizeof builtin / sizeof builtin[0], sizeof builtin[0], compare_key);
    return e ? e->type : NULL;
}

static pthread_once_t system_once = PTHREAD_ONCE_INIT;
static mime_type_table *system_table; /* loaded once; lives as long as the process */

static void load_system_table(void)
{
    if (mime_type_table_load(SYSTEM_MIME_TYPES, &system_table) < 0)
        system_table = NULL;
}

const char *mime_type_for_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name || !dot[1] || strchr(dot, '/'))
        return MIME_TYPE_DEFAULT;
    const char *ext = dot + 1;
    pthread_once(&system_once, load_system_table);
    const char *type = system_table ? mime_type_table_lookup(system_table, ext) : NULL;
    if (!type)
        type = mime_type_builtin(ext);
    return type ? type : MIME_TYPE_DEFAULT;
}
