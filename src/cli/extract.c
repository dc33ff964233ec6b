/* "envoi extract": parse one message, then write each attachment into the
 * target directory under a safe name, never over an existing file. */
#include "cli/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/exit_codes.h"
#include "cli/extract_name.h"
#include "cli/extract_save.h"
#include "cli/help.h"
#include "cli/json_message.h"
#include "cli/parse_view.h"
#include "cli/report.h"
#include "envoi/parse.h"

typedef struct extract_run {
    const char *file;
    const char *dir;
    bool json;
    bool help;
    FILE *out;
    FILE *errout;
    int dirfd;
    json_t *saved; /* --json: the files written */
    envoi_buf name;
    envoi_buf used;
} extract_run;

/* "WHAT 'ARG'WHY" (ARG may be NULL) on standard error, then the hint. */
static int usage(extract_run *r, const char *what, const char *arg, const char *why)
{
    if (arg)
        cli_report(r->errout, "extract", "%s '%s'%s", what, arg, why);
    else
        cli_report(r->errout, "extract", "%s", what);
    cli_help_hint(r->errout, "extract");
    return EX_USAGE;
}

static int parse_options(extract_run *r, int argc, char **argv)
{
    static const struct option options[] = {
        {"dir", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 0; /* glibc: start afresh; options may follow the file */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":hd:", options, NULL)) != -1) {
        if (c == 'd')
            r->dir = optarg;
        else if (c == 'j')
            r->json = true;
        else if (c == 'h')
            r->help = true;
        else if (c == ':')
            return usage(r, "option", argv[optind - 1], " needs a value");
        else
            return usage(r, "unknown option", argv[optind - 1], "");
    }
    if (r->help)
        return EX_OK;
    if (optind >= argc)
        return usage(r, "no message file given (use - for standard input)", NULL, "");
    if (optind + 1 < argc)
        return usage(r, "unexpected argument", argv[optind + 1], " (one message at a time)");
    r->file = argv[optind];
    if (!r->dir || !*r->dir)
        return usage(r, "--dir DIR is required", NULL, "");
    return EX_OK;
}

/* Opened first so that an unreadable file is reported with its cause. */
static int check_readable(extract_run *r)
{
    int fd = open(r->file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    int err = fd < 0 ? errno : fstat(fd, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (fd >= 0)
        close(fd);
    if (err == 0)
        return EX_OK;
    cli_report(r->errout, "extract", "cannot read %s: %s", r->file, strerror(err));
    return EX_NOINPUT;
}

static int read_message(extract_run *r, envoi_message **msg)
{
    bool from_stdin = strcmp(r->file, "-") == 0;
    int status = from_stdin ? EX_OK : check_readable(r);
    if (status != EX_OK)
        return status;
    int rc = from_stdin ? envoi_message_parse_fd(STDIN_FILENO, msg)
                        : envoi_message_parse_file(r->file, msg);
    if (rc == 0)
        return EX_OK;
    cli_report(r->errout, "extract", "%s: %s", from_stdin ? "standard input" : r->file,
               envoi_strerror(rc));
    return cli_exit_for_code(rc);
}

/* What a mail reader offers to save: attachments, and inline parts named. */
static bool is_saved(const envoi_part *part)
{
    return envoi_part_is_attachment(part) || envoi_part_filename(part) != NULL;
}

static int record(extract_run *r, const envoi_part *part, const char *path, const void *data,
                  size_t len)
{
    if (!r->json) {
        fprintf(r->out, "%s\n", path);
        return EX_OK;
    }
    unsigned char sha[32];
    char hex[65];
    if (!EVP_Digest(len ? data : "", len, sha, NULL, EVP_sha256(), NULL))
        return EX_SOFTWARE;
    cli_sha256_hex(sha, hex);
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "path", cli_json_str(path)) < 0 ||
        json_object_set_new(o, "part", cli_json_str(envoi_part_path(part))) < 0 ||
        json_object_set_new(o, "filename", cli_json_str(envoi_part_filename(part))) < 0 ||
        json_object_set_new(o, "content_type", cli_json_str(envoi_part_content_type(part))) < 0 ||
        json_object_set_new(o, "size", json_integer((json_int_t)len)) < 0 ||
        json_object_set_new(o, "sha256", json_string(hex)) < 0 ||
        json_array_append_new(r->saved, o) < 0) {
        json_decref(o);
        return EX_OSERR;
    }
    return EX_OK;
}

static int save_part(extract_run *r, const envoi_part *part)
{
    const void *data = NULL;
    size_t len = 0;
    int rc = envoi_part_body(part, &data, &len);
    if (rc < 0) {
        cli_report(r->errout, "extract", "part %s: %s", envoi_part_path(part), envoi_strerror(rc));
        return cli_exit_for_code(rc);
    }
    envoi_buf_clear(&r->name);
    envoi_buf_clear(&r->used);
    if (cli_safe_filename(envoi_part_filename(part), envoi_part_content_type(part),
                          envoi_part_path(part), &r->name) < 0)
        return EX_OSERR;
    int fd = cli_create_unique(r->dirfd, r->name.data, &r->used);
    if (fd < 0) {
        cli_report(r->errout, "extract", "cannot create %s/%s: %s", r->dir, r->name.data,
                   strerror(errno));
        return errno == ENOMEM ? EX_OSERR : EX_CANTCREAT;
    }
    int werr = cli_write_all(fd, data, len) < 0 ? errno : 0;
    if (close(fd) < 0 && !werr)
        werr = errno;
    if (werr) {
        unlinkat(r->dirfd, r->used.data, 0);
        cli_report(r->errout, "extract", "cannot write %s/%s: %s", r->dir, r->used.data,
                   strerror(werr));
        return EX_IOERR;
    }
    envoi_buf shown = ENVOI_BUF_INIT;
    size_t dir_len = strlen(r->dir);
    while (dir_len > 1 && r->dir[dir_len - 1] == '/')
        dir_len--;
    if (envoi_buf_printf(&shown, "%.*s/%s", (int)dir_len, r->dir, r->used.data) < 0)
        return EX_OSERR;
    int status = record(r, part, shown.data, data, len);
    envoi_buf_free(&shown);
    return status;
}

/* Leaves depth first, into embedded messages (the parser bounds the depth). */
static int save_leaves(extract_run *r, const envoi_part *part)
{
    if (cli_part_is_leaf(part))
        return is_saved(part) ? save_part(r, part) : EX_OK;
    size_t n = envoi_part_child_count(part);
    for (size_t i = 0; i < n; i++) {
        int status = save_leaves(r, envoi_part_child(part, i));
        if (status != EX_OK)
            return status;
    }
    return EX_OK;
}

static int print_json(extract_run *r)
{
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "dir", cli_json_str(r->dir)) < 0 ||
        json_object_set(o, "files", r->saved) < 0) {
        json_decref(o);
        return EX_OSERR;
    }
    int rc = json_dumpf(o, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return rc < 0 || fputc('\n', r->out) == EOF ? EX_IOERR : EX_OK;
}

static int run(extract_run *r)
{
    envoi_message *msg = NULL;
    int status = read_message(r, &msg);
    if (status != EX_OK)
        return status;
    r->dirfd = cli_dir_open_or_make(r->dir);
    if (r->dirfd < 0) {
        cli_report(r->errout, "extract", "cannot create or open the directory %s: %s", r->dir,
                   strerror(errno));
        envoi_message_free(msg);
        return EX_CANTCREAT;
    }
    const envoi_part *root = envoi_message_root(msg);
    status = root ? save_leaves(r, root) : EX_OK;
    bool out_failed = r->json && status != EX_OSERR && print_json(r) != EX_OK;
    if (fflush(r->out) == EOF || ferror(r->out))
        out_failed = true;
    if (out_failed) {
        cli_report(r->errout, "extract", "cannot write the output");
        if (status == EX_OK)
            status = EX_IOERR;
    }
    close(r->dirfd);
    envoi_message_free(msg);
    return status;
}

int cli_extract_main(int argc, char **argv, FILE *out, FILE *errout)
{
    extract_run r = {.out = out, .errout = errout, .dirfd = -1};
    int status = parse_options(&r, argc, argv);
    if (status != EX_OK)
        return status;
    if (r.help) {
        cli_help_extract(out);
        return EX_OK;
    }
    r.saved = json_array();
    if (!r.saved) {
        cli_report(errout, "extract", "out of memory");
        return EX_OSERR;
    }
    status = run(&r);
    json_decref(r.saved);
    envoi_buf_free(&r.name);
    envoi_buf_free(&r.used);
    return status;
}
