/* envoid: the spooler daemon. Reads its options and the [spool] section of
 * the config file, then runs until SIGTERM or SIGINT. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cli/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/settings.h"
#include "envoi.h"
#include "util/buf.h"

struct options {
    const char *config;
    const char *listen;
    const char *spool_dir;
    bool syslog;
};

static void usage(FILE *out)
{
    fputs("Usage: envoid [--config FILE] [--foreground] [--syslog] [--listen ADDR:PORT]\n"
          "              [--spool-dir DIR]\n"
          "\n"
          "The envoi spooler: a durable queue of outgoing mail and its HTTP JSON API.\n"
          "\n"
          "  --config FILE      config file (default: $XDG_CONFIG_HOME/envoi/config, else\n"
          "                     /etc/envoi/config, when present); envoid reads [spool]\n"
          "  --foreground       stay in the foreground (always: envoid never detaches itself;\n"
          "                     leave that to the service manager)\n"
          "  --syslog           log through syslog (ident envoid, facility mail) rather than\n"
          "                     to stderr\n"
          "  --listen ADDR:PORT HTTP API address (default 127.0.0.1:8025); off loopback a\n"
          "                     token-file is required\n"
          "  --spool-dir DIR    queue directory (default ./var)\n"
          "  --help, --version\n"
          "\n"
          "[spool] keys: dir, listen, relay, workers, token-file, max-message-size (e.g. 25M),\n"
          "log (stderr or syslog), filter (a command run with /bin/sh -c on each submitted\n"
          "message: exit 0 accepts, or rewrites with what it prints; any other exit rejects,\n"
          "with the first line of its stderr as the reason; 75 means try later) and\n"
          "filter-timeout (seconds, default 30). The filter reads the message on stdin and\n"
          "finds the envelope in ENVOI_FROM, ENVOI_RECIPIENTS and ENVOI_SIZE.\n"
          "Stops gracefully on SIGTERM, SIGINT or SIGHUP. Exit status: 0 after a stop, 64 bad\n"
          "usage, 78 bad configuration (or no token off loopback), 73 queue not opened, 69\n"
          "address not available.\n",
          out);
}

/* 0 to go on, else the exit status (-1 for a plain success like --help). */
static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        {"config", required_argument, NULL, 'c'},    {"foreground", no_argument, NULL, 'f'},
        {"syslog", no_argument, NULL, 's'},          {"listen", required_argument, NULL, 'l'},
        {"spool-dir", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},         {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "c:fsl:d:hV", longs, NULL)) != -1) {
        switch (c) {
        case 'c':
            o->config = optarg;
            break;
        case 'f':
            break;
        case 's':
            o->syslog = true;
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 'd':
            o->spool_dir = optarg;
            break;
        case 'h':
            usage(stdout);
            return -1;
        case 'V':
            printf("envoid %s\n", envoi_version());
            return -1;
        default:
            fprintf(stderr, "envoid: unknown or incomplete option '%s'\n", argv[optind - 1]);
            fputs("Try 'envoid --help'.\n", stderr);
            return EX_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "envoid: unexpected argument '%s'\nTry 'envoid --help'.\n", argv[optind]);
        return EX_USAGE;
    }
    return 0;
}

/* The config named, else the default one when it exists, else none. */
static int load_config(const char *path, envoi_config **cfg)
{
    envoi_error err = {0};
    envoi_buf found = ENVOI_BUF_INIT;
    *cfg = NULL;
    if (!path) {
        int rc = envoi_config_default_path(&found);
        if (rc <= 0) {
            envoi_buf_free(&found);
            return rc < 0 ? EX_OSERR : 0;
        }
        path = found.data;
    }
    int rc = envoi_config_load(cfg, path, &err);
    envoi_buf_free(&found);
    if (rc < 0) {
        fprintf(stderr, "envoid: %s\n", err.text);
        return EX_CONFIG;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o = {0};
    int status = parse_options(argc, argv, &o);
    if (status)
        return status < 0 ? EX_OK : status;
    umask(077); /* the queue and the capture mailbox hold other people's mail */
    if (envoi_init() < 0) {
        fputs("envoid: the library could not be initialized (OpenSSL)\n", stderr);
        return EX_SOFTWARE;
    }
    envoi_config *cfg = NULL;
    status = load_config(o.config, &cfg);
    if (status)
        return status;
    envoid_settings s;
    envoid_settings_default(&s);
    envoi_error err = {0};
    if (envoid_settings_read(&s, cfg, &err) < 0) {
        fprintf(stderr, "envoid: %s\n", err.text);
        envoi_config_free(cfg);
        return EX_CONFIG;
    }
    if (o.listen)
        s.listen = o.listen;
    if (o.spool_dir)
        s.dir = o.spool_dir;
    if (o.syslog || s.syslog)
        envoid_log_set_sink(envoid_log_to_syslog);
    status = envoid_run(&s, cfg);
    envoi_config_free(cfg);
    return status;
}
