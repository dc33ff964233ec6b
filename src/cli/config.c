/* INI configuration parser: sections of "key = value" lines, with errors
 * that name the file and line. Knows nothing of what the keys mean. */
#include "cli/config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/err.h"

struct config_entry {
    char *key;
    char *value;
    unsigned line;
};

struct envoi_config_section {
    char *kind;
    char *name;
    unsigned line;
    struct config_entry *entries;
    size_t count;
    size_t cap;
};

struct envoi_config {
    char *name;
    envoi_config_section *sections;
    size_t count;
    size_t cap;
};

/* The parser's position, for messages. */
struct parse_state {
    envoi_config *cfg;
    envoi_config_section *current;
    unsigned line;
    envoi_error *err;
};

static int fail(struct parse_state *ps, const char *what)
{
    return envoi_err_set(ps->err, ENVOI_ECONFIG, "%s:%u: %s", ps->cfg->name, ps->line, what);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

static const char *trim_end(const char *start, const char *end)
{
    while (end > start && is_blank(end[-1]))
        end--;
    return end;
}

static bool is_comment_start(char c)
{
    return c == '#' || c == ';';
}

/* A quoted string starting at *p (on the quote); its unescaped contents go
 * to out and *p moves past the closing quote. */
static int read_quoted(struct parse_state *ps, const char **p, const char *end, envoi_buf *out)
{
    char quote = **p;
    const char *q = *p + 1;
    while (q < end && *q != quote) {
        if (quote == '"' && *q == '\\' && q + 1 < end && (q[1] == '"' || q[1] == '\\'))
            q++;
        if (envoi_buf_append_char(out, *q) < 0)
            return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory");
        q++;
    }
    if (q >= end)
        return fail(ps, "unterminated quoted string");
    *p = q + 1;
    if (!out->data && envoi_buf_append(out, "", 0) < 0)
        return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

/* After a quoted string only blanks or a comment may follow. */
static int expect_line_end(struct parse_state *ps, const char *p, const char *end)
{
    p = skip_blanks(p, end);
    if (p < end && !is_comment_start(*p))
        return fail(ps, "unexpected text after the closing quote");
    return 0;
}

static int add_section(struct parse_state *ps, const char *kind, size_t kind_len, char *name)
{
    envoi_config *cfg = ps->cfg;
    for (size_t i = 0; i < cfg->count; i++) {
        envoi_config_section *s = &cfg->sections[i];
        bool same_name = (!s->name && !name) || (s->name && name && strcmp(s->name, name) == 0);
        if (strlen(s->kind) == kind_len && memcmp(s->kind, kind, kind_len) == 0 && same_name) {
            char what[96];
            snprintf(what, sizeof what, "section repeated (first at line %u)", s->line);
            free(name);
            return fail(ps, what);
        }
    }
    if (cfg->count == cfg->cap) {
        size_t cap = cfg->cap ? cfg->cap * 2 : 4;
        envoi_config_section *grown = realloc(cfg->sections, cap * sizeof *grown);
        if (!grown) {
            free(name);
            return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory");
        }
        cfg->sections = grown;
        cfg->cap = cap;
    }
    envoi_config_section *s = &cfg->sections[cfg->count];
    memset(s, 0, sizeof *s);
    s->kind = strndup(kind, kind_len);
    if (!s->kind) {
        free(name);
        return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory");
    }
    s->name = name;
    s->line = ps->line;
    cfg->count++;
    ps->current = s;
    return 0;
}

/* "[kind]", "[kind name]" or "[kind "quoted name"]". */
static int parse_section(struct parse_state *ps, const char *p, const char *end)
{
    p++; /* '[' */
    p = skip_blanks(p, end);
    const char *kind = p;
    while (p < end && is_word_char(*p))
        p++;
    size_t kind_len = (size_t)(p - kind);
    if (kind_len == 0)
        return fail(ps, "section header: expected [kind] or [kind name]");
    p = skip_blanks(p, end);
    envoi_buf name = ENVOI_BUF_INIT;
    if (p < end && *p == '"') {
        int rc = read_quoted(ps, &p, end, &name);
        if (rc < 0) {
            envoi_buf_free(&name);
            return rc;
        }
    } else {
        const char *n = p;
        while (p < end && !is_blank(*p) && *p != ']' && *p != '"')
            p++;
        if (p > n && envoi_buf_append(&name, n, (size_t)(p - n)) < 0)
            return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory");
    }
    p = skip_blanks(p, end);
    if (p >= end || *p != ']') {
        envoi_buf_free(&name);
        return fail(ps, "section header: missing ']'");
    }
    int rc = expect_line_end(ps, p + 1, end);
    if (rc < 0) {
        envoi_buf_free(&name);
        return rc;
    }
    char *owned = NULL;
    if (name.data && !(owned = envoi_buf_steal(&name, NULL)))
        return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory");
    return add_section(ps, kind, kind_len, owned);
}

static int add_entry(struct parse_state *ps, const char *key, size_t key_len, envoi_buf *value)
{
    envoi_config_section *s = ps->current;
    for (size_t i = 0; i < s->count; i++) {
        if (strlen(s->entries[i].key) == key_len && memcmp(s->entries[i].key, key, key_len) == 0) {
            char what[96];
            snprintf(what, sizeof what, "key '%s' repeated (first at line %u)", s->entries[i].key,
                     s->entries[i].line);
            return fail(ps, what);
        }
    }
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        struct config_entry *grown = realloc(s->entries, cap * sizeof *grown);
        if (!grown)
            return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory");
        s->entries = grown;
        s->cap = cap;
    }
    char *k = strndup(key, key_len);
    char *v = value->data ? envoi_buf_steal(value, NULL) : strdup("");
    if (!k || !v) {
        free(k);
        free(v);
        return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory");
    }
    s->entries[s->count++] = (struct config_entry){k, v, ps->line};
    return 0;
}

/* Only blanks or a comment after the closing quote make a quoted value;
 * otherwise the quote is part of the text ("Name" <a@example.org>). */
static bool ends_after(const char *p, const char *end)
{
    p = skip_blanks(p, end);
    return p == end || is_comment_start(*p);
}

static int parse_value(struct parse_state *ps, const char *p, const char *end, envoi_buf *value)
{
    p = skip_blanks(p, end);
    if (p < end && (*p == '"' || *p == '\'')) {
        const char *q = p;
        int rc = read_quoted(ps, &q, end, value);
        if (rc < 0 || ends_after(q, end))
            return rc;
        envoi_buf_clear(value);
    }
    end = trim_end(p, end);
    if (envoi_buf_append(value, p, (size_t)(end - p)) < 0)
        return envoi_err_set(ps->err, ENVOI_ENOMEM, "out of memory");
    return 0;
}

/* "key = value". */
static int parse_entry(struct parse_state *ps, const char *p, const char *end)
{
    const char *key = p;
    while (p < end && is_word_char(*p))
        p++;
    size_t key_len = (size_t)(p - key);
    p = skip_blanks(p, end);
    if (key_len == 0 || p >= end || *p != '=')
        return fail(ps, "expected 'key = value', '[section]' or a comment");
    if (!ps->current)
        return fail(ps, "key outside of any [section]");
    envoi_buf value = ENVOI_BUF_INIT;
    int rc = parse_value(ps, p + 1, end, &value);
    if (rc == 0)
        rc = add_entry(ps, key, key_len, &value);
    envoi_buf_free(&value);
    return rc;
}

static int parse_line(struct parse_state *ps, const char *p, const char *end)
{
    if (end > p && end[-1] == '\r')
        end--;
    p = skip_blanks(p, end);
    end = trim_end(p, end);
    if (p == end || is_comment_start(*p))
        return 0;
    if (memchr(p, '\0', (size_t)(end - p)))
        return fail(ps, "NUL byte in the line");
    if (*p == '[')
        return parse_section(ps, p, end);
    return parse_entry(ps, p, end);
}

int envoi_config_parse(envoi_config **out, const char *text, size_t len, const char *name,
                       envoi_error *err)
{
    *out = NULL;
    envoi_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg || !(cfg->name = strdup(name ? name : "config"))) {
        free(cfg);
        return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
    }
    struct parse_state ps = {cfg, NULL, 0, err};
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        ps.line++;
        int rc = parse_line(&ps, p, line_end);
        if (rc < 0) {
            envoi_config_free(cfg);
            return rc;
        }
        p = nl ? nl + 1 : end;
    }
    *out = cfg;
    return 0;
}

static int read_file(const char *path, envoi_buf *out, envoi_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return envoi_err_set(err, ENVOI_EFILE, "%s: %s", path, strerror(errno));
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (envoi_buf_append(out, chunk, n) < 0) {
            fclose(f);
            return envoi_err_set(err, ENVOI_ENOMEM, "out of memory");
        }
    }
    int failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed)
        return envoi_err_set(err, ENVOI_EFILE, "%s: %s", path, strerror(saved));
    return 0;
}

int envoi_config_load(envoi_config **out, const char *path, envoi_error *err)
{
    *out = NULL;
    envoi_buf text = ENVOI_BUF_INIT;
    int rc = read_file(path, &text, err);
    if (rc == 0)
        rc = envoi_config_parse(out, text.data ? text.data : "", text.len, path, err);
    envoi_buf_free(&text);
    return rc;
}

void envoi_config_free(envoi_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->count; i++) {
        envoi_config_section *s = &cfg->sections[i];
        for (size_t j = 0; j < s->count; j++) {
            free(s->entries[j].key);
            free(s->entries[j].value);
        }
        free(s->entries);
        free(s->kind);
        free(s->name);
    }
    free(cfg->sections);
    free(cfg->name);
    free(cfg);
}

const char *envoi_config_name(const envoi_config *cfg)
{
    return cfg->name;
}

size_t envoi_config_section_count(const envoi_config *cfg)
{
    return cfg->count;
}

const envoi_config_section *envoi_config_section_at(const envoi_config *cfg, size_t index)
{
    return index < cfg->count ? &cfg->sections[index] : NULL;
}

const envoi_config_section *envoi_config_find(const envoi_config *cfg, const char *kind,
                                              const char *name)
{
    for (size_t i = 0; i < cfg->count; i++) {
        const envoi_config_section *s = &cfg->sections[i];
        if (strcmp(s->kind, kind) != 0)
            continue;
        if ((!name && !s->name) || (name && s->name && strcmp(name, s->name) == 0))
            return s;
    }
    return NULL;
}

const char *envoi_config_section_kind(const envoi_config_section *s)
{
    return s->kind;
}

const char *envoi_config_section_name(const envoi_config_section *s)
{
    return s->name;
}

unsigned envoi_config_section_line(const envoi_config_section *s)
{
    return s->line;
}

size_t envoi_config_key_count(const envoi_config_section *s)
{
    return s->count;
}

const char *envoi_config_key_at(const envoi_config_section *s, size_t index, const char **value,
                                unsigned *line)
{
    if (index >= s->count)
        return NULL;
    if (value)
        *value = s->entries[index].value;
    if (line)
        *line = s->entries[index].line;
    return s->entries[index].key;
}

const char *envoi_config_get(const envoi_config_section *s, const char *key, unsigned *line)
{
    for (size_t i = 0; i < s->count; i++) {
        if (strcmp(s->entries[i].key, key) == 0) {
            if (line)
                *line = s->entries[i].line;
            return s->entries[i].value;
        }
    }
    return NULL;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int try_path(envoi_buf *path)
{
    if (!path->data)
        return ENVOI_ENOMEM;
    if (file_exists(path->data))
        return 1;
    envoi_buf_clear(path);
    return 0;
}

int envoi_config_default_path(envoi_buf *path)
{
    envoi_buf_clear(path);
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int rc = 0;
    if (xdg && *xdg)
        rc = envoi_buf_printf(path, "%s/envoi/config", xdg);
    else if (home && *home)
        rc = envoi_buf_printf(path, "%s/.config/envoi/config", home);
    if (rc < 0)
        return rc;
    if (path->len > 0) {
        rc = try_path(path);
        if (rc != 0)
            return rc;
    }
    if (envoi_buf_append_str(path, "/etc/envoi/config") < 0)
        return ENVOI_ENOMEM;
    return try_path(path);
}
