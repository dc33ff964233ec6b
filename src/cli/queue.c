/* "envoi queue list|show|status|retry|cancel|pause|resume|stats": the
 * options, then one call to envoid's API and its answer printed as text or
 * JSON. */
#include "cli/queue.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli/config.h"
#include "cli/help.h"
#include "cli/queue_call.h"
#include "cli/queue_print.h"
#include "cli/queue_target.h"
#include "cli/report.h"
#include "spool/spool_http.h"
#include "util/err.h"

#define ID_MAX 31 /* ids are [0-9a-z], shorter than 32 */
#define LIST_LIMIT_MAX 1000

typedef enum queue_action {
    Q_LIST,
    Q_SHOW,
    Q_STATUS,
    Q_RETRY,
    Q_CANCEL,
    Q_PAUSE,
    Q_RESUME,
    Q_STATS,
} queue_action;

static const struct {
    const char *name;
    queue_action action;
    bool needs_id;
} actions[] = {
    {"list", Q_LIST, false},     {"show", Q_SHOW, true},     {"status", Q_STATUS, true},
    {"retry", Q_RETRY, true},    {"cancel", Q_CANCEL, true}, {"pause", Q_PAUSE, false},
    {"resume", Q_RESUME, false}, {"stats", Q_STATS, false},
};

typedef struct queue_args {
    queue_action action;
    const char *id;
    const char *status; /* list --status */
    const char *search; /* list --search */
    long long limit;    /* -1: envoid's default */
    long long offset;   /* -1: 0 */
    bool json;
    bool help;
    const char *spooler;
    const char *token_file;
    const char *config;
    int timeout_ms; /* -1: default */
} queue_args;

enum {
    OPT_JSON = 256,
    OPT_STATUS,
    OPT_SEARCH,
    OPT_LIMIT,
    OPT_OFFSET,
    OPT_SPOOLER,
    OPT_LISTEN,
    OPT_TOKEN_FILE,
    OPT_CONFIG,
    OPT_TIMEOUT,
};

static const struct option long_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"status", required_argument, NULL, OPT_STATUS},
    {"search", required_argument, NULL, OPT_SEARCH},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"offset", required_argument, NULL, OPT_OFFSET},
    {"spooler", required_argument, NULL, OPT_SPOOLER},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static bool parse_number(const char *text, long long max, long long *out)
{
    if (!text || *text < '0' || *text > '9' || strlen(text) > 12)
        return false;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (*end || v > max)
        return false;
    *out = v;
    return true;
}

static bool is_status_word(const char *s)
{
    return strcmp(s, "pending") == 0 || strcmp(s, "sent") == 0 || strcmp(s, "error") == 0 ||
           strcmp(s, "cancelled") == 0;
}

static int apply_option(queue_args *a, int opt, const char *value, FILE *errout)
{
    long long n;
    switch (opt) {
    case OPT_JSON:
        a->json = true;
        return 0;
    case 'h':
        a->help = true;
        return 0;
    case OPT_STATUS:
        if (!is_status_word(value))
            return cli_usage_error(
                errout, "queue", "--status %s: expected pending, sent, error or cancelled", value);
        a->status = value;
        return 0;
    case OPT_SEARCH:
        a->search = value;
        return 0;
    case OPT_LIMIT:
        if (!parse_number(value, LIST_LIMIT_MAX, &a->limit))
            return cli_usage_error(errout, "queue", "--limit %s: expected a number from 0 to 1000",
                                   value);
        return 0;
    case OPT_OFFSET:
        if (!parse_number(value, (long long)1 << 40, &a->offset))
            return cli_usage_error(errout, "queue",
                                   "--offset %s: expected a number of messages to skip", value);
        return 0;
    case OPT_SPOOLER:
    case OPT_LISTEN:
        a->spooler = value;
        return 0;
    case OPT_TOKEN_FILE:
        a->token_file = value;
        return 0;
    case OPT_CONFIG:
        a->config = value;
        return 0;
    case OPT_TIMEOUT:
        if (!parse_number(value, 86400, &n) || n == 0)
            return cli_usage_error(errout, "queue",
                                   "--timeout %s: expected a number of seconds from 1 to 86400",
                                   value);
        a->timeout_ms = (int)(n * 1000);
        return 0;
    default:
        return cli_usage_error(errout, "queue", "%s", "bad option");
    }
}

static int report_bad_option(int ret, char **argv, FILE *errout)
{
    const char *token = argv[optind - 1];
    if (ret == ':')
        return cli_usage_error(errout, "queue", "option '%s' needs a value", token);
    size_t len = strcspn(token, "=");
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(len < 60 ? len : 60), token);
    if (optopt >= OPT_JSON)
        return cli_usage_error(errout, "queue", "option '%s' takes no value", name);
    return cli_usage_error(errout, "queue", "unknown option '%s'", name);
}

static bool is_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z')))
            return false;
    return true;
}

/* The subcommand and its id from the arguments left after the options. */
static int read_words(queue_args *a, int count, char **words, FILE *errout)
{
    if (count == 0)
        return cli_usage_error(
            errout, "queue", "%s",
            "no subcommand: list, show, status, retry, cancel, pause, resume or stats");
    size_t i = 0;
    while (i < sizeof actions / sizeof actions[0] && strcmp(actions[i].name, words[0]) != 0)
        i++;
    if (i == sizeof actions / sizeof actions[0])
        return cli_usage_error(errout, "queue", "unknown subcommand '%s'", words[0]);
    a->action = actions[i].action;
    int want = actions[i].needs_id ? 2 : 1;
    if (count < want)
        return cli_usage_error(errout, "queue", "queue %s needs a message id", words[0]);
    if (count > want)
        return cli_usage_error(errout, "queue", "unexpected argument '%s'", words[want]);
    if (want == 2 && !is_id(words[1]))
        return cli_usage_error(errout, "queue",
                               "'%s' is not a message id (up to 31 letters a-z and digits)",
                               words[1]);
    a->id = want == 2 ? words[1] : NULL;
    if (a->action != Q_LIST && (a->status || a->search || a->limit >= 0 || a->offset >= 0))
        return cli_usage_error(errout, "queue",
                               "--status, --search, --limit and --offset go with 'queue list', "
                               "not '%s'",
                               words[0]);
    return 0;
}

static int parse_args(queue_args *a, int argc, char **argv, FILE *errout)
{
    memset(a, 0, sizeof *a);
    a->limit = a->offset = -1;
    a->timeout_ms = -1;
    optind = 0;
    opterr = 0;
    int ret;
    while ((ret = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        if (ret == '?' || ret == ':')
            return report_bad_option(ret, argv, errout);
        int rc = apply_option(a, ret, optarg, errout);
        if (rc != 0)
            return rc;
    }
    if (a->help)
        return 0;
    return read_words(a, argc - optind, argv + optind, errout);
}

/* GET /v1/messages with the list's arguments. */
static int list_target(const queue_args *a, envoi_buf *t)
{
    int rc = envoi_buf_append_str(t, "/v1/messages");
    char sep = '?';
    if (rc == 0 && a->status) {
        rc = envoi_buf_printf(t, "%cstatus=%s", sep, a->status);
        sep = '&';
    }
    if (rc == 0 && a->search) {
        rc = envoi_buf_printf(t, "%cq=", sep);
        if (rc == 0)
            rc = spool_http_escape(t, a->search);
        sep = '&';
    }
    if (rc == 0 && a->limit >= 0) {
        rc = envoi_buf_printf(t, "%climit=%lld", sep, a->limit);
        sep = '&';
    }
    if (rc == 0 && a->offset >= 0)
        rc = envoi_buf_printf(t, "%coffset=%lld", sep, a->offset);
    return rc;
}

static int make_target(const queue_args *a, envoi_buf *t, const char **method)
{
    *method = "GET";
    switch (a->action) {
    case Q_LIST:
        return list_target(a, t);
    case Q_SHOW:
    case Q_STATUS:
        return envoi_buf_printf(t, "/v1/messages/%s", a->id);
    case Q_RETRY:
    case Q_CANCEL:
        *method = "POST";
        return envoi_buf_printf(t, "/v1/messages/%s/%s", a->id,
                                a->action == Q_RETRY ? "retry" : "cancel");
    case Q_PAUSE:
    case Q_RESUME:
        *method = "POST";
        return envoi_buf_append_str(t, a->action == Q_PAUSE ? "/v1/pause" : "/v1/resume");
    case Q_STATS:
    default:
        return envoi_buf_append_str(t, "/v1/stats");
    }
}

/* status --json: the id, the status and what explains it. */
static json_t *status_subset(const json_t *msg)
{
    static const char *const keys[] = {"id", "status", "attempts", "next_try", "done", "reason"};
    json_t *o = json_object();
    for (size_t i = 0; o && i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(msg, keys[i]);
        json_object_set(o, keys[i], v ? v : json_null());
    }
    return o;
}

static void print_text(const queue_args *a, const json_t *reply, FILE *out)
{
    switch (a->action) {
    case Q_LIST:
        cli_queue_print_list(out, reply);
        break;
    case Q_SHOW:
        cli_queue_print_show(out, reply);
        break;
    case Q_STATUS:
        fprintf(out, "%s\n", json_string_value(json_object_get(reply, "status")));
        break;
    case Q_RETRY:
    case Q_CANCEL:
        fprintf(out, "%s %s\n", a->id, json_string_value(json_object_get(reply, "status")));
        break;
    case Q_PAUSE:
        fputs("paused: new submissions are refused; pending mail is still delivered\n", out);
        break;
    case Q_RESUME:
        fputs("resumed: new submissions are accepted\n", out);
        break;
    case Q_STATS:
        cli_queue_print_stats(out, reply);
        break;
    }
}

static int print_reply(const queue_args *a, const json_t *reply, FILE *out, FILE *errout)
{
    if (a->action == Q_STATUS && !json_string_value(json_object_get(reply, "status"))) {
        cli_report(errout, "queue", "envoid's answer has no status");
        return EX_PROTOCOL;
    }
    int rc = 0;
    if (a->json && a->action == Q_STATUS) {
        json_t *subset = status_subset(reply);
        rc = subset ? cli_queue_print_json(out, subset) : ENVOI_ENOMEM;
        json_decref(subset);
    } else if (a->json) {
        rc = cli_queue_print_json(out, reply);
    } else {
        print_text(a, reply, out);
    }
    if (rc == 0 && fflush(out) != 0)
        rc = ENVOI_EIO;
    if (rc < 0) {
        cli_report(errout, "queue", "writing the output failed");
        return rc == ENVOI_ENOMEM ? EX_OSERR : EX_IOERR;
    }
    return EX_OK;
}

static int setup(const queue_args *a, cli_spooler *sp, envoi_error *err)
{
    envoi_config *cfg = NULL;
    int rc = cli_spooler_load_config(a->config, &cfg, err);
    if (rc == 0)
        rc = cli_spooler_setup(sp, cfg, a->spooler, a->token_file, err);
    envoi_config_free(cfg);
    if (rc == ENVOI_EINVAL) /* a bad --spooler */
        err->code = ENVOI_EINVAL;
    sp->timeout_ms = a->timeout_ms;
    return rc;
}

static int run(const queue_args *a, FILE *out, FILE *errout)
{
    cli_spooler sp = {0};
    envoi_error err = {0};
    envoi_buf target = ENVOI_BUF_INIT;
    json_t *reply = NULL;
    const char *method = "GET";
    int status;
    int rc = setup(a, &sp, &err);
    if (rc == ENVOI_EINVAL) {
        status = cli_usage_error(errout, "queue", "%s", err.text);
        goto done;
    }
    if (rc == 0 && make_target(a, &target, &method) < 0)
        rc = envoi_err_set(&err, ENVOI_ENOMEM, "out of memory");
    if (rc == 0)
        rc = cli_queue_call(&sp, method, target.data, NULL, NULL, 0, &reply, &err);
    if (rc < 0) {
        if (rc == ENVOI_ENOTFOUND && a->id)
            cli_report(errout, "queue", "no message %s in the queue of envoid at %s", a->id,
                       sp.label);
        else
            cli_queue_report(errout, "queue", &sp, &err);
        status = cli_queue_exit(&err);
    } else {
        status = print_reply(a, reply, out, errout);
    }
done:
    json_decref(reply);
    envoi_buf_free(&target);
    cli_spooler_free(&sp);
    return status;
}

int cli_queue_main(int argc, char **argv, FILE *out, FILE *errout)
{
    queue_args a;
    int status = parse_args(&a, argc, argv, errout);
    if (status != 0)
        return status;
    if (a.help) {
        cli_help_queue(out);
        return EX_OK;
    }
    return run(&a, out, errout);
}
