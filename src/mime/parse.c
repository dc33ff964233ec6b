/* Parsing a whole message from memory, a file or a descriptor, and the
 * parsed state an envoi_message carries. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envoi/parse.h"
#include "mime/message_impl.h"
#include "mime/parse_core.h"
#include "mime/part.h"
#include "util/buf.h"

int mime_parsed_attach(envoi_message *msg)
{
    msg->parsed = calloc(1, sizeof *msg->parsed);
    return msg->parsed ? 0 : ENVOI_ENOMEM;
}

static void free_part(envoi_part *p)
{
    mime_params_free(&p->ct);
    mime_params_free(&p->cd);
    free(p->children);
    free(p->text);
}

void mime_parsed_free(mime_parsed *pm)
{
    if (!pm)
        return;
    for (size_t i = 0; i < pm->nparts; i++)
        free_part(pm->parts[i]);
    free(pm->parts);
    free(pm->defects);
    for (size_t i = 0; i < pm->nsubs; i++)
        envoi_message_free(pm->subs[i]);
    free(pm->subs);
    for (int i = 0; i < 6; i++)
        mime_addr_list_free(&pm->lists[i]);
    mime_id_list_free(&pm->message_id);
    mime_id_list_free(&pm->in_reply_to);
    mime_id_list_free(&pm->references);
    if (pm->src_mapped)
        munmap(pm->src, pm->src_maplen);
    else if (!pm->src_borrowed)
        free(pm->src);
    mime_arena_free(&pm->arena);
    free(pm);
}

int mime_append_ptr(void *items, size_t *len, size_t *cap, void *item)
{
    void ***arr = items;
    if (*len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        void **n = realloc(*arr, ncap * sizeof *n);
        if (!n)
            return ENVOI_ENOMEM;
        *arr = n;
        *cap = ncap;
    }
    (*arr)[(*len)++] = item;
    return 0;
}

envoi_part *mime_part_new(envoi_message *msg, envoi_part *parent, size_t off)
{
    mime_parsed *pm = msg->parsed;
    envoi_part *p = mime_arena_alloc(&pm->arena, sizeof *p);
    if (!p || mime_append_ptr(&pm->parts, &pm->nparts, &pm->cap_parts, p) < 0)
        return NULL;
    p->msg = msg;
    p->parent = parent;
    p->off = p->body_off = p->body_end = p->pre_end = p->epi_off = off;
    if (parent &&
        mime_append_ptr(&parent->children, &parent->nchildren, &parent->cap_children, p) < 0) {
        pm->nparts--;
        return NULL;
    }
    if (!parent)
        pm->root = p;
    return p;
}

/* A new message owning src[0..len) (malloc'd, or a mapping of maplen bytes
 * when maplen is not 0; the caller's when borrowed), parsed. */
static int parse_source(char *src, size_t len, size_t maplen, bool borrowed, envoi_message **out)
{
    bool mapped = maplen != 0;
    envoi_message *msg = envoi_message_new();
    if (!msg || mime_parsed_attach(msg) < 0) {
        if (mapped)
            munmap(src, maplen);
        else if (!borrowed)
            free(src);
        envoi_message_free(msg);
        return ENVOI_ENOMEM;
    }
    msg->parsed->src = src;
    msg->parsed->src_len = len;
    msg->parsed->src_mapped = mapped;
    msg->parsed->src_maplen = maplen;
    msg->parsed->src_borrowed = borrowed;
    int rc = mime_core_parse_preset(msg);
    if (rc < 0) {
        envoi_message_free(msg);
        return rc;
    }
    *out = msg;
    return 0;
}

int envoi_message_parse(const void *data, size_t len, envoi_message **out)
{
    if (!out || (!data && len))
        return ENVOI_EINVAL;
    *out = NULL;
    size_t maplen = 0;
    char *copy = len >= MIME_BIG_ALLOC ? mime_big_alloc(len, &maplen) : NULL;
    if (!copy && !(copy = malloc(len ? len : 1)))
        return ENVOI_ENOMEM;
    if (len)
        memcpy(copy, data, len);
    return parse_source(copy, len, maplen, false, out);
}

int envoi_message_parse_borrowed(const void *data, size_t len, envoi_message **out)
{
    if (!out || (!data && len))
        return ENVOI_EINVAL;
    *out = NULL;
    static char empty[1];
    /* Never written through: the parser and the getters only read the source. */
    char *src = data ? (char *)(uintptr_t)data : empty;
    return parse_source(src, len, 0, true, out);
}

static int read_all(int fd, envoi_buf *b)
{
    for (;;) {
        if (envoi_buf_reserve(b, 64 * 1024) < 0)
            return ENVOI_ENOMEM;
        ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ENVOI_EFILE;
        if (n == 0)
            return 0;
        b->len += (size_t)n;
        b->data[b->len] = '\0';
    }
}

int envoi_message_parse_fd(int fd, envoi_message **out)
{
    if (!out || fd < 0)
        return ENVOI_EINVAL;
    *out = NULL;
    envoi_buf b = ENVOI_BUF_INIT;
    int rc = read_all(fd, &b);
    if (rc < 0) {
        envoi_buf_free(&b);
        return rc;
    }
    size_t len = b.len;
    char *src = b.data ? envoi_buf_steal(&b, &len) : calloc(1, 1);
    return src ? parse_source(src, len, 0, false, out) : ENVOI_ENOMEM;
}

int envoi_message_parse_file(const char *path, envoi_message **out)
{
    if (!out || !path)
        return ENVOI_EINVAL;
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ENVOI_EFILE;
    struct stat st;
    if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
        close(fd);
        return ENVOI_EFILE;
    }
    int rc;
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        size_t len = (size_t)st.st_size;
        void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) {
            close(fd);
            return parse_source(map, len, len, false, out);
        }
    }
    rc = envoi_message_parse_fd(fd, out);
    close(fd);
    return rc;
}

bool envoi_message_is_parsed(const envoi_message *msg)
{
    return msg && msg->parsed;
}

const envoi_part *envoi_message_root(const envoi_message *msg)
{
    return msg && msg->parsed ? msg->parsed->root : NULL;
}

size_t envoi_message_defect_count(const envoi_message *msg)
{
    return msg && msg->parsed ? msg->parsed->ndefects : 0;
}

const envoi_defect *envoi_message_defect_at(const envoi_message *msg, size_t index)
{
    if (!msg || !msg->parsed || index >= msg->parsed->ndefects)
        return NULL;
    return &msg->parsed->defects[index].pub;
}
