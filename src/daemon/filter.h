/* envoid's content filter: a command run through /bin/sh -c on each submitted
 * message before it is queued, which accepts, rejects (with a reason) or rewrites it. */
#ifndef ENVOI_DAEMON_FILTER_H
#define ENVOI_DAEMON_FILTER_H

#include <stddef.h>

#define ENVOID_FILTER_REASON_SIZE 256

typedef struct envoid_filter {
    const char *command; /* shell command line */
    unsigned timeout_ms; /* from start to exit; then the filter is killed */
    size_t max_output;   /* largest rewritten message (max-message-size) */
} envoid_filter;

/* What became of a message, from the filter's exit:
 *   exit 0, nothing on stdout         ACCEPT   queue the message as it is
 *   exit 0, something on stdout       REWRITE  queue stdout instead
 *   stdout over max_output            TOOBIG   refuse (permanent)
 *   exit 75 (EX_TEMPFAIL), 126, 127,  FAIL     refuse for now (temporary): the
 *   128 + N (the shell's word for a              filter could not judge
 *   command killed by signal N), a
 *   signal, the timeout, no spawn
 *   any other exit status             REJECT   refuse (permanent) */
typedef enum envoid_filter_verdict {
    ENVOID_FILTER_ACCEPT,
    ENVOID_FILTER_REWRITE,
    ENVOID_FILTER_REJECT,
    ENVOID_FILTER_TOOBIG,
    ENVOID_FILTER_FAIL,
} envoid_filter_verdict;

typedef struct envoid_filter_result {
    envoid_filter_verdict verdict;
    int exit_status; /* the filter's exit status; -N when killed by signal N; -1 none */
    char *output;    /* REWRITE: the new source, NUL-terminated (free()); else NULL */
    size_t output_len;
    /* REJECT: the first line of the filter's stderr, else "exit N"; FAIL and
     * TOOBIG: what went wrong. One line of printable text; "" for ACCEPT and REWRITE. */
    char reason[ENVOID_FILTER_REASON_SIZE];
} envoid_filter_result;

/* Run f on one message: source on the filter's stdin, the envelope in its
 * environment (ENVOI_FROM, ENVOI_RECIPIENTS space separated, ENVOI_SIZE), its
 * stdout collected up to f->max_output bytes, the start of its stderr kept
 * for the reason. stdin is written while stdout and stderr are read, so a
 * filter that stops reading early or writes much never blocks it. The filter
 * runs in its own process group, killed whole on timeout or overflow. Never
 * fails: any problem is a FAIL verdict. The caller must ignore SIGPIPE (envoid
 * does). Returns out->verdict. */
envoid_filter_verdict envoid_filter_run(const envoid_filter *f, const char *from,
                                        const char *const *recipients, size_t recipient_count,
                                        const char *source, size_t source_len,
                                        envoid_filter_result *out);
void envoid_filter_result_free(envoid_filter_result *r);
/* "accept", "rewrite", "reject", "toobig", "fail". */
const char *envoid_filter_verdict_name(envoid_filter_verdict v);

#endif
