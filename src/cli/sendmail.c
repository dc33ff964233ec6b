/* "envoi sendmail": options and config in, the message read on standard
 * input, its recipients gathered (command line, and the header with -t),
 * its envelope sender chosen, then sent directly or queued. */
#include "cli/sendmail.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli/help.h"
#include "cli/report.h"
#include "cli/sendmail_args.h"
#include "cli/sendmail_msg.h"
#include "cli/sendmail_send.h"
#include "mime/address.h"

typedef struct sendmail_run {
    cli_sendmail_args args;
    cli_sendmail_conf conf;
    cli_sendmail_msg msg;
    cli_strlist rcpts; /* addr-specs, each once */
    char *sender_addr; /* for an added From: -f, the account's from, or user@host */
    char *sender_name; /* -F, else the account's display name */
    const char *from;  /* the envelope sender */
    envoi_buf src;
    FILE *errout;
} sendmail_run;

static int usage_error(sendmail_run *r, const char *why)
{
    cli_report(r->errout, "sendmail", "%s", why);
    cli_help_hint(r->errout, "sendmail");
    return EX_USAGE;
}

static bool listed(const cli_strlist *l, const char *addr)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcasecmp(l->items[i], addr) == 0)
            return true;
    return false;
}

/* Add the addr-specs of list to r->rcpts, each once. */
static int add_unique(sendmail_run *r, const cli_strlist *list)
{
    for (size_t i = 0; i < list->count; i++)
        if (!listed(&r->rcpts, list->items[i]) &&
            cli_sendmail_strlist_add(&r->rcpts, list->items[i]) < 0)
            return EX_OSERR;
    return 0;
}

/* The command line's recipients: full addresses only. */
static int take_command_line(sendmail_run *r)
{
    cli_strlist addrs = {0};
    int status = 0;
    for (size_t i = 0; status == 0 && i < r->args.rcpts.count; i++) {
        const char *text = r->args.rcpts.items[i];
        envoi_mailbox mb = {0};
        int rc = envoi_mailbox_parse(text, &mb);
        if (rc == ENVOI_ENOMEM || (rc == 0 && cli_sendmail_strlist_add(&addrs, mb.addr) < 0)) {
            status = EX_OSERR;
        } else if (rc < 0 && !strchr(text, '@')) {
            cli_report(r->errout, "sendmail",
                       "recipient '%s': no domain; envoi sends to full addresses only "
                       "(user@domain)",
                       text);
            status = EX_NOUSER;
        } else if (rc < 0) {
            envoi_buf why = ENVOI_BUF_INIT;
            envoi_buf_printf(&why, "recipient '%s' is not an address", text);
            status = usage_error(r, why.data ? why.data : "bad recipient");
            envoi_buf_free(&why);
        }
        envoi_mailbox_clear(&mb);
    }
    if (status == 0)
        status = add_unique(r, &addrs);
    for (size_t i = 0; i < addrs.count; i++)
        free(addrs.items[i]);
    free(addrs.items);
    return status;
}

static int take_header(sendmail_run *r)
{
    cli_strlist addrs = {0};
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_sendmail_header_recipients(&r->msg, &addrs, &why);
    int status = rc == 0 ? add_unique(r, &addrs) : rc == ENVOI_ENOMEM ? EX_OSERR : EX_DATAERR;
    if (rc < 0 && rc != ENVOI_ENOMEM)
        cli_report(r->errout, "sendmail", "-t: %s", why.data ? why.data : "bad address");
    envoi_buf_free(&why);
    for (size_t i = 0; i < addrs.count; i++)
        free(addrs.items[i]);
    free(addrs.items);
    return status;
}

/* "login@host" of the user running this, as sendmail makes it. */
static char *local_address(void)
{
    const struct passwd *pw = getpwuid(getuid());
    const char *user = pw && pw->pw_name ? pw->pw_name : getenv("USER");
    char host[256] = "localhost";
    if (gethostname(host, sizeof host) < 0 || !host[0])
        memcpy(host, "localhost", sizeof "localhost");
    host[sizeof host - 1] = '\0';
    envoi_buf b = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&b, "%s@%s", user && *user ? user : "nobody", host) < 0)
        return NULL;
    return envoi_buf_steal(&b, NULL);
}

/* The sender: -f, else the account's from, else the local user; its
 * display name: -F, else the account's. */
static int choose_sender(sendmail_run *r)
{
    const char *text = r->args.from && *r->args.from ? r->args.from
                       : r->conf.queue               ? NULL
                                                     : r->conf.acc.from;
    envoi_mailbox mb = {0};
    if (text) {
        int rc = envoi_mailbox_parse(text, &mb);
        if (rc == ENVOI_ENOMEM)
            return EX_OSERR;
        if (rc < 0) {
            bool option = text == r->args.from;
            cli_report(r->errout, "sendmail", "%s '%s' is not an address",
                       option ? "-f" : "the account's from", text);
            return option ? EX_USAGE : EX_CONFIG;
        }
        r->sender_addr = mb.addr;
        r->sender_name = mb.name;
    } else if (!(r->sender_addr = local_address())) {
        return EX_OSERR;
    }
    if (r->args.full_name) {
        free(r->sender_name);
        if (!(r->sender_name = strdup(r->args.full_name)))
            return EX_OSERR;
    }
    /* The envelope: -f (even <>), else the sender, else the From the message has. */
    r->from = r->args.from                  ? (*r->args.from ? r->sender_addr : "")
              : (text || !r->msg.from_addr) ? r->sender_addr
                                            : r->msg.from_addr;
    return 0;
}

static int read_message(sendmail_run *r, FILE *in)
{
    if (cli_sendmail_read(in, r->args.ignore_dots, &r->msg) < 0) {
        cli_report(r->errout, "sendmail", "reading the message on standard input failed");
        return EX_IOERR;
    }
    return cli_sendmail_index(&r->msg) < 0 ? EX_OSERR : 0;
}

static int gather(sendmail_run *r, FILE *in)
{
    int status;
    if ((status = cli_sendmail_conf_load(&r->conf, &r->args, r->errout)) ||
        (status = take_command_line(r)) || (status = read_message(r, in)))
        return status;
    if (r->args.extract && (status = take_header(r)))
        return status;
    if (r->rcpts.count == 0)
        return usage_error(r, r->args.extract ? "no recipient on the command line nor in To, Cc "
                                                "or Bcc"
                                              : "no recipient: name them on the command line "
                                                "or use -t");
    if ((status = choose_sender(r)))
        return status;
    if (cli_sendmail_write(&r->msg, r->sender_name, r->sender_addr, &r->src) < 0)
        return EX_OSERR;
    return 0;
}

static int run(sendmail_run *r, int argc, char **argv, FILE *in, FILE *out)
{
    envoi_buf why = ENVOI_BUF_INIT;
    int rc = cli_sendmail_args_parse(&r->args, argc, argv, &why);
    int status = rc == CLI_USAGE ? usage_error(r, why.data ? why.data : "bad arguments") : 0;
    envoi_buf_free(&why);
    if (rc == ENVOI_ENOMEM)
        return EX_OSERR;
    if (status)
        return status;
    if (r->args.help) {
        cli_help_sendmail(out);
        return EX_OK;
    }
    if (!r->args.extract && r->args.rcpts.count == 0)
        return usage_error(r, "no recipient: name them on the command line or use -t");
    if ((status = gather(r, in)))
        return status;
    cli_sendmail_job job = {&r->conf,       &r->args, r->from,  (const char *const *)r->rcpts.items,
                            r->rcpts.count, &r->src,  r->errout};
    return r->conf.queue ? cli_sendmail_queue(&job) : cli_sendmail_direct(&job);
}

int cli_sendmail_run(int argc, char **argv, FILE *in, FILE *out, FILE *errout)
{
    sendmail_run r;
    memset(&r, 0, sizeof r);
    r.errout = errout;
    int status = run(&r, argc, argv, in, out);
    for (size_t i = 0; i < r.rcpts.count; i++)
        free(r.rcpts.items[i]);
    free(r.rcpts.items);
    free(r.sender_addr);
    free(r.sender_name);
    envoi_buf_free(&r.src);
    cli_sendmail_msg_free(&r.msg);
    cli_sendmail_conf_free(&r.conf);
    cli_sendmail_args_free(&r.args);
    return status;
}

int cli_sendmail_main(int argc, char **argv, FILE *out, FILE *errout)
{
    return cli_sendmail_run(argc, argv, stdin, out, errout);
}
