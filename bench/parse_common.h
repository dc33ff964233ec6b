/* What the parser benchmark programs share: reading the inputs into memory
 * before timing, the clocks, the tally of work done and the result line. */
#ifndef ENVOI_BENCH_PARSE_COMMON_H
#define ENVOI_BENCH_PARSE_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#define BENCH_MAX_PASSES 50
#define BENCH_CHUNK (64 * 1024) /* read size of the streaming (mbox) mode */

typedef struct bench_opts {
    const char *tool; /* "envoi", "gmime" */
    size_t passes;
    const char *mbox; /* streaming mode over this file, else in memory */
    bool stream;      /* in memory, but through the streaming parser */
    char **paths;     /* files or directories (every regular file inside) */
    size_t path_count;
} bench_opts;

/* Every input file held in memory, in sorted path order. */
typedef struct bench_input {
    char **data;
    size_t *len;
    size_t count;
    size_t bytes;
} bench_input;

/* The work a pass did, to check that the programs do the same. */
typedef struct bench_tally {
    size_t messages;      /* messages parsed (embedded ones included) */
    size_t failed;        /* messages the parser refused */
    size_t parts;         /* MIME parts visited */
    size_t leaves;        /* leaf parts decoded */
    size_t headers;       /* header values decoded */
    size_t addresses;     /* addresses read from the address fields */
    size_t decoded_bytes; /* leaf bytes after transfer (and charset) decoding */
    size_t checksum;      /* folds in decoded bytes so nothing is optimized away */
} bench_tally;

/* Parse argv: [--passes N] PATH... | --mbox FILE. Prints usage and returns
 * -1 on a bad command line. */
int bench_parse_args(int argc, char **argv, const char *tool, bench_opts *o);
int bench_load(const bench_opts *o, bench_input *in);
void bench_input_free(bench_input *in);

double bench_wall(void);
double bench_cpu(void);
long bench_maxrss_kib(void);

/* Fold len bytes into the tally (decoded_bytes and the checksum). */
void bench_consume(bench_tally *t, const void *data, size_t len);

/* Print the result line: the median of the passes' rates and CPU times,
 * every pass's rate, the tally of one pass and the peak RSS. */
void bench_print(const bench_opts *o, const char *mode, size_t bytes, const double *seconds,
                 const double *cpu, size_t passes, const bench_tally *t);

#endif
