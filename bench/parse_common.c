/* What the parser benchmark programs share: reading the inputs into memory
 * before timing, the clocks, the tally of work done and the result line. */
#include "parse_common.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static void usage(FILE *out, const char *tool)
{
    fprintf(out,
            "usage: parse_%s [--passes N] PATH...   parse every file (PATH: files or\n"
            "                 directories), all read into memory first; N passes\n"
            "       parse_%s --mbox FILE             stream one mbox from disk\n"
            "  --stream (envoi): the in-memory inputs through the streaming parser\n",
            tool, tool);
}

int bench_parse_args(int argc, char **argv, const char *tool, bench_opts *o)
{
    memset(o, 0, sizeof *o);
    o->tool = tool;
    o->passes = 5;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--passes") == 0 && i + 1 < argc) {
            char *end = NULL;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v == 0 || v > BENCH_MAX_PASSES) {
                usage(stderr, tool);
                return -1;
            }
            o->passes = (size_t)v;
        } else if (strcmp(argv[i], "--stream") == 0) {
            o->stream = true;
        } else if (strcmp(argv[i], "--mbox") == 0 && i + 1 < argc) {
            o->mbox = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout, tool);
            exit(0);
        } else {
            usage(stderr, tool);
            return -1;
        }
    }
    o->paths = argv + i;
    o->path_count = (size_t)(argc - i);
    if ((o->mbox == NULL) == (o->path_count == 0)) {
        usage(stderr, tool);
        return -1;
    }
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_file(bench_input *in, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) < 0) {
        fclose(f);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    char *data = malloc(len + 1);
    char **d = realloc(in->data, (in->count + 1) * sizeof *d);
    size_t *l = d ? realloc(in->len, (in->count + 1) * sizeof *l) : NULL;
    if (d)
        in->data = d;
    if (l)
        in->len = l;
    if (data == NULL || d == NULL || l == NULL || fread(data, 1, len, f) != len) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(data);
        fclose(f);
        return -1;
    }
    fclose(f);
    data[len] = '\0';
    in->data[in->count] = data;
    in->len[in->count] = len;
    in->count++;
    in->bytes += len;
    return 0;
}

static int add_dir(bench_input *in, const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return add_file(in, dir);
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *grown);
        size_t size = strlen(dir) + strlen(e->d_name) + 2;
        char *name = malloc(size);
        if (grown)
            names = grown;
        if (grown == NULL || name == NULL) {
            free(name);
            rc = -1;
            break;
        }
        snprintf(name, size, "%s/%s", dir, e->d_name);
        names[n++] = name;
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            rc = add_file(in, names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

int bench_load(const bench_opts *o, bench_input *in)
{
    memset(in, 0, sizeof *in);
    for (size_t i = 0; i < o->path_count; i++)
        if (add_dir(in, o->paths[i]) < 0)
            return -1;
    if (in->count == 0) {
        fprintf(stderr, "parse_%s: no input files\n", o->tool);
        return -1;
    }
    return 0;
}

void bench_input_free(bench_input *in)
{
    for (size_t i = 0; i < in->count; i++)
        free(in->data[i]);
    free(in->data);
    free(in->len);
    memset(in, 0, sizeof *in);
}

double bench_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long bench_maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

void bench_consume(bench_tally *t, const void *data, size_t len)
{
    const unsigned char *p = data;
    t->decoded_bytes += len;
    if (len > 0)
        t->checksum += (size_t)p[0] + (size_t)p[len / 2] + (size_t)p[len - 1];
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, size_t n)
{
    double s[BENCH_MAX_PASSES];
    memcpy(s, v, n * sizeof *v);
    qsort(s, n, sizeof *s, compare_doubles);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

void bench_print(const bench_opts *o, const char *mode, size_t bytes, const double *seconds,
                 const double *cpu, size_t passes, const bench_tally *t)
{
    double mib = (double)bytes / (1024.0 * 1024.0);
    double rates[BENCH_MAX_PASSES];
    for (size_t i = 0; i < passes; i++)
        rates[i] = seconds[i] > 0 ? mib / seconds[i] : 0;
    printf("tool=%s mode=%s bytes=%zu passes=%zu seconds=%.4f mib_per_s=%.2f "
           "cpu_s=%.4f messages=%zu failed=%zu parts=%zu leaves=%zu headers=%zu "
           "addresses=%zu decoded_bytes=%zu checksum=%zu maxrss_kib=%ld runs=",
           o->tool, mode, bytes, passes, median(seconds, passes), median(rates, passes),
           median(cpu, passes), t->messages, t->failed, t->parts, t->leaves, t->headers,
           t->addresses, t->decoded_bytes, t->checksum, bench_maxrss_kib());
    for (size_t i = 0; i < passes; i++)
        printf("%s%.2f", i ? "," : "", rates[i]);
    printf("\n");
    fflush(stdout);
}
