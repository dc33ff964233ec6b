/* The insides of the public spool handle (include/envoi/spool.h): a
 * directory spool (the queue in this process) or a URL one (envoid over
 * HTTP), and what the files of the spool face share. */
#ifndef ENVOI_SPOOL_SPOOL_IMPL_H
#define ENVOI_SPOOL_SPOOL_IMPL_H

#include <pthread.h>
#include <stdbool.h>

#include "envoi/spool.h"
#include "spool/queue.h"

/* Where envoid listens: host, port, path prefix ("" or "/prefix"). */
typedef struct spool_url {
    char *host;
    unsigned port;
    char *prefix;
} spool_url;

/* A submission as both kinds of spool take it. */
typedef struct spool_msg {
    const char *from;
    const char *const *rcpts;
    size_t nrcpts;
    const void *data;
    size_t len;
} spool_msg;

struct envoi_spool {
    spool_queue *queue; /* directory spool; NULL for a URL one */
    spool_url url;
    char *token;          /* bearer token (secret), NULL when none */
    pthread_mutex_t lock; /* guards err */
    envoi_error err;
};

/* Keep a call's failure as the handle's last one; returns rc. */
int spool_keep_error(envoi_spool *sp, int rc, const envoi_error *err);

/* spool_url.c: parse "http://HOST[:PORT][/PREFIX]". */
bool spool_is_url(const char *where);
int spool_url_parse(const char *text, spool_url *out, envoi_error *err);
void spool_url_free(spool_url *u);

/* spool_remote.c: submission and status over envoid's HTTP API. */
int spool_remote_submit(envoi_spool *sp, const spool_msg *m, char id[SPOOL_ID_SIZE],
                        envoi_error *err);
int spool_remote_status(envoi_spool *sp, const char *id, envoi_spool_state *out, envoi_error *err);

/* spool_local.c: the same on the queue opened in this process. */
int spool_local_submit(envoi_spool *sp, const spool_msg *m, char id[SPOOL_ID_SIZE],
                       envoi_error *err);
int spool_local_status(envoi_spool *sp, const char *id, envoi_spool_state *out, envoi_error *err);

/* Copy text into a bounded array, cut at a UTF-8 character boundary. */
void spool_copy_text(char *dst, size_t size, const char *src, size_t len);

#endif
