/* The INI configuration file shared by envoi and envoid: sections such as
 * [account NAME], [defaults] or [spool], each holding "key = value" lines. */
#ifndef ENVOI_CLI_CONFIG_H
#define ENVOI_CLI_CONFIG_H

#include <stddef.h>

#include "envoi/error.h"
#include "util/buf.h"

typedef struct envoi_config envoi_config;
typedef struct envoi_config_section envoi_config_section;

/* Parse INI text. name is used in error messages ("NAME:LINE: what").
 * Syntax: "[kind]" or "[kind name]" (name may be double-quoted); "key = value";
 * lines starting with '#' or ';' are comments; a value is the rest of the line,
 * trimmed, or a "double-quoted" string (\" and \\ escapes) or a 'single-quoted'
 * literal, optionally followed by a comment. Keys and sections are unique.
 * Returns 0 or ENVOI_ECONFIG / ENVOI_ENOMEM with err filled. */
int envoi_config_parse(envoi_config **out, const char *text, size_t len, const char *name,
                       envoi_error *err);
/* Read and parse a file: ENVOI_EFILE when it cannot be read. */
int envoi_config_load(envoi_config **out, const char *path, envoi_error *err);
void envoi_config_free(envoi_config *cfg);

/* The file name given to parse/load. */
const char *envoi_config_name(const envoi_config *cfg);
size_t envoi_config_section_count(const envoi_config *cfg);
const envoi_config_section *envoi_config_section_at(const envoi_config *cfg, size_t index);
/* The section [kind name] (name NULL: [kind] without a name); NULL when absent. */
const envoi_config_section *envoi_config_find(const envoi_config *cfg, const char *kind,
                                              const char *name);

const char *envoi_config_section_kind(const envoi_config_section *s);
/* NULL for a section without a name. */
const char *envoi_config_section_name(const envoi_config_section *s);
unsigned envoi_config_section_line(const envoi_config_section *s);
size_t envoi_config_key_count(const envoi_config_section *s);
/* The index-th key; its value and line through the optional pointers. */
const char *envoi_config_key_at(const envoi_config_section *s, size_t index, const char **value,
                                unsigned *line);
/* The value of key, NULL when absent; *line (optional) is its line number. */
const char *envoi_config_get(const envoi_config_section *s, const char *key, unsigned *line);

/* The file to read when none is named: $XDG_CONFIG_HOME/envoi/config (else
 * ~/.config/envoi/config), else /etc/envoi/config, the first that exists.
 * Returns 1 with the path in *path, 0 when none exists, or ENVOI_ENOMEM. */
int envoi_config_default_path(envoi_buf *path);

#endif
