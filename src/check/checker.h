/* The address checker's insides, shared by src/check/checker*.c and the
 * server level (src/check/server*.c): its settings. */
#ifndef ENVOI_CHECK_CHECKER_H
#define ENVOI_CHECK_CHECKER_H

#include "check/dns.h"
#include "envoi/check.h"

enum {
    CHECKER_NAME_SIZE = 256,    /* EHLO name, with its NUL */
    CHECKER_ADDRESS_SIZE = 256, /* MAIL FROM address, with its NUL */
    CHECKER_SMTP_TIMEOUT_MS = 30000,
    CHECKER_SMTP_PORT = 25,
};

struct envoi_checker {
    envoi_check_level level;
    check_resolver resolver;
    int smtp_timeout_ms;
    unsigned smtp_port;
    char helo[CHECKER_NAME_SIZE];
    char mail_from[CHECKER_ADDRESS_SIZE]; /* "" for the null reverse path */
};

/* checker.c: set result, level and a formatted reason in one statement. Returns 0. */
int checker_set_result(envoi_check_report *r, envoi_check_result result, envoi_check_level level,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
