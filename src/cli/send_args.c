/* "envoi send" options: getopt_long over argv, each value checked here so
 * that a mistake is a usage error before anything is read or sent. */
#include "cli/send_args.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/values.h"
#include "envoi/message.h"
#include "envoi/smtp.h"
#include "envoi/tls.h"

enum opt_id {
    OPT_SERVER = 256,
    OPT_PORT,
    OPT_SECURITY,
    OPT_USER,
    OPT_PASSWORD_FILE,
    OPT_PASSWORD_COMMAND,
    OPT_OAUTH_TOKEN_COMMAND,
    OPT_AUTH,
    OPT_CA_FILE,
    OPT_CRL_FILE,
    OPT_IGNORE_CERT,
    OPT_TIMEOUT,
    OPT_CONNECT_TIMEOUT,
    OPT_ALLOW_PLAINTEXT_AUTH,
    OPT_TRACE,
    OPT_HELO,
    OPT_FROM,
    OPT_SENDER,
    OPT_TO,
    OPT_CC,
    OPT_BCC,
    OPT_REPLY_TO,
    OPT_SUBJECT,
    OPT_TEXT,
    OPT_HTML,
    OPT_ATTACH,
    OPT_INLINE,
    OPT_HEADER,
    OPT_PRIORITY,
    OPT_SENSITIVITY,
    OPT_READ_RECEIPT,
    OPT_READ_RECEIPT_TO,
    OPT_DSN,
    OPT_DSN_RET,
    OPT_ENVID,
    OPT_IN_REPLY_TO,
    OPT_REFERENCES,
    OPT_MESSAGE_ID,
    OPT_RAW,
    OPT_DKIM_DOMAIN,
    OPT_DKIM_SELECTOR,
    OPT_DKIM_KEY,
    OPT_SMIME_SIGN,
    OPT_SMIME_CERT,
    OPT_SMIME_KEY,
    OPT_SMIME_ENCRYPT_TO,
    OPT_SMIME_CIPHER,
    OPT_PARTIAL,
    OPT_DRY_RUN,
    OPT_JSON,
    OPT_ASYNC,
    OPT_SPOOLER,
    OPT_ACCOUNT,
    OPT_CONFIG,
};

static const struct option long_options[] = {
    {"server", required_argument, NULL, OPT_SERVER},
    {"port", required_argument, NULL, OPT_PORT},
    {"security", required_argument, NULL, OPT_SECURITY},
    {"user", required_argument, NULL, OPT_USER},
    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
    {"password-command", required_argument, NULL, OPT_PASSWORD_COMMAND},
    {"oauth-token-command", required_argument, NULL, OPT_OAUTH_TOKEN_COMMAND},
    {"auth", required_argument, NULL, OPT_AUTH},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"crl-file", required_argument, NULL, OPT_CRL_FILE},
    {"ignore-cert", required_argument, NULL, OPT_IGNORE_CERT},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"allow-plaintext-auth", no_argument, NULL, OPT_ALLOW_PLAINTEXT_AUTH},
    {"trace", required_argument, NULL, OPT_TRACE},
    {"helo", required_argument, NULL, OPT_HELO},
    {"from", required_argument, NULL, OPT_FROM},
    {"sender", required_argument, NULL, OPT_SENDER},
    {"to", required_argument, NULL, OPT_TO},
    {"cc", required_argument, NULL, OPT_CC},
    {"bcc", required_argument, NULL, OPT_BCC},
    {"reply-to", required_argument, NULL, OPT_REPLY_TO},
    {"subject", required_argument, NULL, OPT_SUBJECT},
    {"text", required_argument, NULL, OPT_TEXT},
    {"html", required_argument, NULL, OPT_HTML},
    {"attach", required_argument, NULL, OPT_ATTACH},
    {"inline", required_argument, NULL, OPT_INLINE},
    {"header", required_argument, NULL, OPT_HEADER},
    {"priority", required_argument, NULL, OPT_PRIORITY},
    {"sensitivity", required_argument, NULL, OPT_SENSITIVITY},
    {"read-receipt", optional_argument, NULL, OPT_READ_RECEIPT},
    {"read-receipt-to", required_argument, NULL, OPT_READ_RECEIPT_TO},
    {"dsn", required_argument, NULL, OPT_DSN},
    {"dsn-ret", required_argument, NULL, OPT_DSN_RET},
    {"envid", required_argument, NULL, OPT_ENVID},
    {"in-reply-to", required_argument, NULL, OPT_IN_REPLY_TO},
    {"references", required_argument, NULL, OPT_REFERENCES},
    {"message-id", required_argument, NULL, OPT_MESSAGE_ID},
    {"raw", required_argument, NULL, OPT_RAW},
    {"dkim-domain", required_argument, NULL, OPT_DKIM_DOMAIN},
    {"dkim-selector", required_argument, NULL, OPT_DKIM_SELECTOR},
    {"dkim-key", required_argument, NULL, OPT_DKIM_KEY},
    {"smime-sign", no_argument, NULL, OPT_SMIME_SIGN},
    {"smime-cert", required_argument, NULL, OPT_SMIME_CERT},
    {"smime-key", required_argument, NULL, OPT_SMIME_KEY},
    {"smime-encrypt-to", required_argument, NULL, OPT_SMIME_ENCRYPT_TO},
    {"smime-cipher", required_argument, NULL, OPT_SMIME_CIPHER},
    {"partial", no_argument, NULL, OPT_PARTIAL},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"json", no_argument, NULL, OPT_JSON},
    {"async", no_argument, NULL, OPT_ASYNC},
    {"spooler", required_argument, NULL, OPT_SPOOLER},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"account", required_argument, NULL, OPT_ACCOUNT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {NULL, 0, NULL, 0},
};

static const char *option_name(int id)
{
    for (const struct option *o = long_options; o->name; o++)
        if (o->val == id)
            return o->name;
    return "?";
}

static int strlist_add(cli_strlist *l, const char *s, size_t len)
{
    char **grown = realloc(l->items, (l->count + 1) * sizeof *grown);
    if (!grown)
        return ENVOI_ENOMEM;
    l->items = grown;
    if (!(l->items[l->count] = strndup(s, len)))
        return ENVOI_ENOMEM;
    l->count++;
    return 0;
}

static void strlist_free(cli_strlist *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static int add_trimmed(cli_strlist *out, const char *start, const char *end)
{
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (start == end)
        return CLI_USAGE;
    return strlist_add(out, start, (size_t)(end - start));
}

int cli_split_addresses(const char *list, cli_strlist *out)
{
    const char *start = list;
    int angle = 0, paren = 0;
    bool quoted = false;
    for (const char *p = list;; p++) {
        if (*p == '\0' || (*p == ',' && !quoted && angle == 0 && paren == 0)) {
            int rc = add_trimmed(out, start, p);
            if (rc != 0 || *p == '\0')
                return rc;
            start = p + 1;
        } else if (*p == '\\' && (quoted || paren) && p[1]) {
            p++;
        } else if (*p == '"' && paren == 0) {
            quoted = !quoted;
        } else if (!quoted && *p == '<') {
            angle++;
        } else if (!quoted && *p == '>' && angle > 0) {
            angle--;
        } else if (!quoted && *p == '(') {
            paren++;
        } else if (!quoted && *p == ')' && paren > 0) {
            paren--;
        }
    }
}

static void part_free(cli_part *p)
{
    free(p->path);
    free(p->name);
    free(p->type);
    free(p->cid);
}

static void partlist_free(cli_partlist *l)
{
    for (size_t i = 0; i < l->count; i++)
        part_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

/* The ';' that starts the next known parameter; a ';' followed by anything
 * else belongs to the file name. */
static const char *next_param(const char *p)
{
    static const char *const keys[] = {"name=", "type=", "cid="};
    for (; (p = strchr(p, ';')) != NULL; p++)
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (strncmp(p + 1, keys[i], strlen(keys[i])) == 0)
                return p;
    return NULL;
}

static int set_param(cli_part *part, const char *param, size_t len, envoi_buf *why)
{
    const char *eq = memchr(param, '=', len);
    size_t key_len = (size_t)(eq - param);
    char **slot = strncmp(param, "name", key_len) == 0   ? &part->name
                  : strncmp(param, "type", key_len) == 0 ? &part->type
                                                         : &part->cid;
    if (*slot)
        return envoi_buf_printf(why, "'%.*s' given twice", (int)key_len, param) < 0 ? ENVOI_ENOMEM
                                                                                    : CLI_USAGE;
    if (eq + 1 == param + len)
        return envoi_buf_printf(why, "empty '%.*s'", (int)key_len, param) < 0 ? ENVOI_ENOMEM
                                                                              : CLI_USAGE;
    *slot = strndup(eq + 1, (size_t)(param + len - eq - 1));
    return *slot ? 0 : ENVOI_ENOMEM;
}

int cli_parse_part(const char *spec, cli_part *part, envoi_buf *why)
{
    memset(part, 0, sizeof *part);
    const char *p = next_param(spec);
    size_t path_len = p ? (size_t)(p - spec) : strlen(spec);
    if (path_len == 0)
        return envoi_buf_append_str(why, "no file name") < 0 ? ENVOI_ENOMEM : CLI_USAGE;
    if (!(part->path = strndup(spec, path_len)))
        return ENVOI_ENOMEM;
    while (p) {
        const char *param = p + 1;
        p = next_param(param);
        size_t len = p ? (size_t)(p - param) : strlen(param);
        int rc = set_param(part, param, len, why);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int cli_parse_dsn_notify(const char *list)
{
    if (strcmp(list, "never") == 0)
        return ENVOI_DSN_NEVER;
    int flags = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == 7 && strncmp(p, "success", 7) == 0)
            flags |= ENVOI_DSN_SUCCESS;
        else if (len == 7 && strncmp(p, "failure", 7) == 0)
            flags |= ENVOI_DSN_FAILURE;
        else if (len == 5 && strncmp(p, "delay", 5) == 0)
            flags |= ENVOI_DSN_DELAY;
        else
            return -1;
        p += len;
        if (*p == ',' && *++p == '\0')
            return -1;
    }
    return flags ? flags : -1;
}

static int parse_priority(const char *w)
{
    if (strcmp(w, "high") == 0)
        return ENVOI_PRIORITY_HIGH;
    if (strcmp(w, "normal") == 0)
        return ENVOI_PRIORITY_NORMAL;
    if (strcmp(w, "low") == 0)
        return ENVOI_PRIORITY_LOW;
    return -1;
}

static int parse_sensitivity(const char *w)
{
    if (strcmp(w, "personal") == 0)
        return ENVOI_SENSITIVITY_PERSONAL;
    if (strcmp(w, "private") == 0)
        return ENVOI_SENSITIVITY_PRIVATE;
    if (strcmp(w, "confidential") == 0)
        return ENVOI_SENSITIVITY_CONFIDENTIAL;
    return -1;
}

static int parse_dsn_ret(const char *w)
{
    if (strcmp(w, "full") == 0)
        return ENVOI_DSN_RET_FULL;
    if (strcmp(w, "hdrs") == 0)
        return ENVOI_DSN_RET_HDRS;
    return -1;
}

/* "Name: value" with a non-empty name of printable ASCII, no space. */
static bool header_ok(const char *h)
{
    const char *colon = strchr(h, ':');
    if (!colon || colon == h)
        return false;
    for (const char *p = h; p < colon; p++)
        if (*p <= ' ' || *p > '~')
            return false;
    return true;
}

__attribute__((format(printf, 2, 3))) static int usage(envoi_buf *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(why, fmt, ap);
    va_end(ap);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

static int bad_value(envoi_buf *why, int id, const char *value, const char *expected)
{
    int rc = envoi_buf_printf(why, "--%s: '%s' is not %s", option_name(id), value, expected);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

static int add_addresses(cli_strlist *l, int id, const char *value, envoi_buf *why)
{
    int rc = cli_split_addresses(value, l);
    if (rc == CLI_USAGE)
        return bad_value(why, id, value, "a list of addresses (one is empty)");
    return rc;
}

static int add_part(cli_partlist *l, int id, const char *value, envoi_buf *why)
{
    cli_part *grown = realloc(l->items, (l->count + 1) * sizeof *grown);
    if (!grown)
        return ENVOI_ENOMEM;
    l->items = grown;
    cli_part *part = &l->items[l->count];
    envoi_buf reason = ENVOI_BUF_INIT;
    int rc = cli_parse_part(value, part, &reason);
    if (rc == 0 && id == OPT_INLINE && !part->cid)
        rc = envoi_buf_append_str(&reason, "cid=ID is required") < 0 ? ENVOI_ENOMEM : CLI_USAGE;
    if (rc == 0 && id == OPT_ATTACH && part->cid)
        rc = envoi_buf_append_str(&reason, "cid= belongs to --inline") < 0 ? ENVOI_ENOMEM
                                                                           : CLI_USAGE;
    if (rc == CLI_USAGE && envoi_buf_printf(why, "--%s '%s': %s", option_name(id), value,
                                            reason.data ? reason.data : "malformed") < 0)
        rc = ENVOI_ENOMEM;
    envoi_buf_free(&reason);
    if (rc != 0) {
        part_free(part);
        return rc;
    }
    l->count++;
    return 0;
}

static int set_number(int id, const char *value, int *out, envoi_buf *why)
{
    if (envoi_value_seconds(value, out) < 0)
        return bad_value(why, id, value, "a number of seconds (more than 0, at most 86400)");
    return 0;
}

/* Options that pick a word from a short list. */
static int set_word(cli_send_args *a, int id, const char *value, envoi_buf *why)
{
    envoi_security sec;
    switch (id) {
    case OPT_SECURITY:
        if (envoi_value_security(value, &sec) < 0)
            return bad_value(why, id, value, "none, starttls or tls");
        a->security = (int)sec;
        return 0;
    case OPT_IGNORE_CERT:
        if ((a->ignore_cert = envoi_ignore_cert_parse(value)) < 0)
            return bad_value(why, id, value,
                             "a list of invalid, untrusted, name, expired, revocation, all");
        return 0;
    case OPT_PRIORITY:
        if ((a->priority = parse_priority(value)) < 0)
            return bad_value(why, id, value, "high, normal or low");
        return 0;
    case OPT_SENSITIVITY:
        if ((a->sensitivity = parse_sensitivity(value)) < 0)
            return bad_value(why, id, value, "personal, private or confidential");
        return 0;
    case OPT_DSN:
        if ((a->dsn_notify = cli_parse_dsn_notify(value)) < 0)
            return bad_value(why, id, value, "a list of success, failure, delay, or never");
        return 0;
    case OPT_DSN_RET:
        if ((a->dsn_ret = parse_dsn_ret(value)) < 0)
            return bad_value(why, id, value, "full or hdrs");
        return 0;
    default:
        return CLI_USAGE;
    }
}

/* Options whose value is a string kept as given. */
static const char **text_slot(cli_send_args *a, int id)
{
    switch (id) {
    case OPT_SERVER:
        return &a->server;
    case OPT_USER:
        return &a->user;
    case OPT_PASSWORD_FILE:
        return &a->password_file;
    case OPT_PASSWORD_COMMAND:
        return &a->password_command;
    case OPT_OAUTH_TOKEN_COMMAND:
        return &a->oauth_token_command;
    case OPT_AUTH:
        return &a->auth;
    case OPT_CA_FILE:
        return &a->ca_file;
    case OPT_CRL_FILE:
        return &a->crl_file;
    case OPT_HELO:
        return &a->helo;
    case OPT_FROM:
        return &a->from;
    case OPT_SENDER:
        return &a->sender;
    case OPT_SUBJECT:
        return &a->subject;
    case OPT_TEXT:
        return &a->text_file;
    case OPT_HTML:
        return &a->html_file;
    case OPT_READ_RECEIPT_TO:
        return &a->read_receipt_to;
    case OPT_ENVID:
        return &a->envid;
    case OPT_IN_REPLY_TO:
        return &a->in_reply_to;
    case OPT_MESSAGE_ID:
        return &a->message_id;
    case OPT_RAW:
        return &a->raw;
    case OPT_DKIM_DOMAIN:
        return &a->dkim_domain;
    case OPT_DKIM_SELECTOR:
        return &a->dkim_selector;
    case OPT_DKIM_KEY:
        return &a->dkim_key;
    case OPT_SMIME_CERT:
        return &a->smime_cert;
    case OPT_SMIME_KEY:
        return &a->smime_key;
    case OPT_SMIME_CIPHER:
        return &a->smime_cipher;
    case OPT_ACCOUNT:
        return &a->account;
    case OPT_CONFIG:
        return &a->config;
    case OPT_SPOOLER:
        return &a->spooler;
    default:
        return NULL;
    }
}

static int apply_option(cli_send_args *a, int id, const char *value, envoi_buf *why)
{
    const char **slot = text_slot(a, id);
    if (slot) {
        if (*value == '\0' && id != OPT_SUBJECT)
            return usage(why, "option '--%s' needs a non-empty value", option_name(id));
        *slot = value;
        if (id == OPT_SERVER) {
            char *host;
            unsigned port;
            int rc = envoi_value_hostport(value, &host, &port);
            free(host);
            if (rc == ENVOI_EINVAL)
                return bad_value(why, id, value, "host, host:port or [IPv6]:port");
            return rc;
        }
        return 0;
    }
    switch (id) {
    case OPT_PORT:
        if (envoi_value_port(value, &a->port) < 0)
            return bad_value(why, id, value, "a port number 1-65535");
        return 0;
    case OPT_TIMEOUT:
        return set_number(id, value, &a->timeout_ms, why);
    case OPT_CONNECT_TIMEOUT:
        return set_number(id, value, &a->connect_timeout_ms, why);
    case OPT_TO:
        return add_addresses(&a->to, id, value, why);
    case OPT_CC:
        return add_addresses(&a->cc, id, value, why);
    case OPT_BCC:
        return add_addresses(&a->bcc, id, value, why);
    case OPT_REPLY_TO:
        return add_addresses(&a->reply_to, id, value, why);
    case OPT_ATTACH:
    case OPT_INLINE:
        return add_part(id == OPT_ATTACH ? &a->attach : &a->inline_parts, id, value, why);
    case OPT_HEADER:
        if (!header_ok(value))
            return bad_value(why, id, value, "'Name: value'");
        return strlist_add(&a->headers, value, strlen(value));
    case OPT_REFERENCES:
        return strlist_add(&a->references, value, strlen(value));
    case OPT_SMIME_ENCRYPT_TO:
        if (*value == '\0')
            return usage(why, "option '--%s' needs a non-empty value", option_name(id));
        return strlist_add(&a->smime_encrypt_to, value, strlen(value));
    case OPT_SMIME_SIGN:
        a->smime_sign = true;
        return 0;
    case OPT_READ_RECEIPT:
        a->read_receipt = true;
        if (value)
            a->read_receipt_to = value;
        return 0;
    case OPT_ALLOW_PLAINTEXT_AUTH:
        a->allow_plaintext_auth = true;
        return 0;
    case OPT_TRACE:
        a->trace = value;
        return 0;
    case OPT_PARTIAL:
        a->partial = true;
        return 0;
    case OPT_DRY_RUN:
        a->dry_run = true;
        return 0;
    case OPT_JSON:
        a->json = true;
        return 0;
    case OPT_ASYNC:
        a->async = true;
        return 0;
    case 'v':
        a->verbose = true;
        return 0;
    case 'h':
        a->help = true;
        return 0;
    default:
        return set_word(a, id, value, why);
    }
}

/* The option that getopt could not use, as the user wrote it. */
static int report_bad_option(int ret, char **argv, envoi_buf *why)
{
    const char *token = argv[optind - 1];
    if (ret == ':') {
        if (optopt >= OPT_SERVER)
            return usage(why, "option '--%s' needs a value", option_name(optopt));
        return usage(why, "option '%s' needs a value", token);
    }
    if (optopt && optopt < OPT_SERVER && optopt != 'v' && optopt != 'h') {
        char opt[3] = {'-', (char)optopt, '\0'};
        return usage(why, "unknown option '%s'", opt);
    }
    if (optopt >= OPT_SERVER)
        return usage(why, "option '--%s' takes no value", option_name(optopt));
    size_t len = strcspn(token, "=");
    return usage(why, "unknown option '%.*s'", (int)len, token);
}

/* Combinations that cannot work, found before anything is read. */
static int check_combinations(const cli_send_args *a, envoi_buf *why)
{
    if (a->password_file && a->password_command)
        return usage(why, "%s", "--password-file and --password-command are exclusive");
    if (a->oauth_token_command && (a->password_file || a->password_command))
        return usage(why, "%s", "--oauth-token-command replaces the password options");
    if (a->text_file && a->html_file && strcmp(a->text_file, "-") == 0 &&
        strcmp(a->html_file, "-") == 0)
        return usage(why, "%s", "--text and --html cannot both read standard input");
    if (a->spooler && !a->async)
        return usage(why, "%s", "--spooler goes with --async");
    if (a->smime_cipher && !a->smime_encrypt_to.count)
        return usage(why, "%s", "--smime-cipher goes with --smime-encrypt-to");
    if (a->smime_key && !a->smime_cert)
        return usage(why, "%s", "--smime-key goes with --smime-cert");
    if (a->async) {
        /* envoid delivers through its own relay, without these */
        const char *clash = a->dry_run                    ? "--dry-run"
                            : a->server                   ? "--server"
                            : a->partial                  ? "--partial"
                            : a->dsn_notify || a->dsn_ret ? "--dsn"
                            : a->envid                    ? "--envid"
                                                          : NULL;
        if (clash)
            return usage(why, "--async hands the message to envoid: %s cannot be combined with it",
                         clash);
    }
    if (a->raw) {
        const char *clash = a->subject              ? "--subject"
                            : a->text_file          ? "--text"
                            : a->html_file          ? "--html"
                            : a->attach.count       ? "--attach"
                            : a->inline_parts.count ? "--inline"
                            : a->headers.count      ? "--header"
                            : a->reply_to.count     ? "--reply-to"
                            : a->sender             ? "--sender"
                            : a->priority >= 0      ? "--priority"
                            : a->sensitivity >= 0   ? "--sensitivity"
                            : a->read_receipt       ? "--read-receipt"
                            : a->read_receipt_to    ? "--read-receipt-to"
                            : a->in_reply_to        ? "--in-reply-to"
                            : a->references.count   ? "--references"
                            : a->message_id         ? "--message-id"
                                                    : NULL;
        if (clash)
            return usage(why, "--raw sends the file as it is: %s cannot be combined with it",
                         clash);
    }
    return 0;
}

int cli_send_args_parse(cli_send_args *a, int argc, char **argv, envoi_buf *why)
{
    memset(a, 0, sizeof *a);
    a->security = -1;
    a->ignore_cert = -1;
    a->timeout_ms = -1;
    a->connect_timeout_ms = -1;
    a->priority = -1;
    a->sensitivity = -1;
    optind = 0; /* glibc: start afresh, even when called again */
    opterr = 0;
    int ret;
    while ((ret = getopt_long(argc, argv, ":hv", long_options, NULL)) != -1) {
        if (ret == '?' || ret == ':')
            return report_bad_option(ret, argv, why);
        int rc = apply_option(a, ret, optarg, why);
        if (rc != 0)
            return rc;
    }
    if (optind < argc)
        return usage(why, "unexpected argument '%s' (recipients are given with --to)",
                     argv[optind]);
    return check_combinations(a, why);
}

int cli_server_option_apply(cli_send_args *a, const char *name, const char *value, envoi_buf *why)
{
    static const int server_ids[] = {
        OPT_SERVER,
        OPT_PORT,
        OPT_SECURITY,
        OPT_USER,
        OPT_PASSWORD_FILE,
        OPT_PASSWORD_COMMAND,
        OPT_OAUTH_TOKEN_COMMAND,
        OPT_AUTH,
        OPT_CA_FILE,
        OPT_CRL_FILE,
        OPT_IGNORE_CERT,
        OPT_TIMEOUT,
        OPT_CONNECT_TIMEOUT,
        OPT_ALLOW_PLAINTEXT_AUTH,
        OPT_TRACE,
        OPT_ACCOUNT,
        OPT_CONFIG,
    };
    for (size_t i = 0; i < sizeof server_ids / sizeof server_ids[0]; i++)
        if (strcmp(option_name(server_ids[i]), name) == 0)
            return apply_option(a, server_ids[i], value, why);
    return usage(why, "unknown option '--%s'", name);
}

void cli_server_args_init(cli_send_args *a)
{
    memset(a, 0, sizeof *a);
    a->security = -1;
    a->ignore_cert = -1;
    a->timeout_ms = -1;
    a->connect_timeout_ms = -1;
    a->priority = -1;
    a->sensitivity = -1;
}

int cli_server_args_check(const cli_send_args *a, envoi_buf *why)
{
    if (a->password_file && a->password_command)
        return usage(why, "%s", "--password-file and --password-command are exclusive");
    if (a->oauth_token_command && (a->password_file || a->password_command))
        return usage(why, "%s", "--oauth-token-command replaces the password options");
    return 0;
}

void cli_send_args_free(cli_send_args *a)
{
    strlist_free(&a->to);
    strlist_free(&a->cc);
    strlist_free(&a->bcc);
    strlist_free(&a->reply_to);
    strlist_free(&a->headers);
    strlist_free(&a->references);
    strlist_free(&a->smime_encrypt_to);
    partlist_free(&a->attach);
    partlist_free(&a->inline_parts);
}
