/* parse_envoi: the parser benchmark's envoi side: parse each message, decode
 * every header, the addresses, date and references, walk every part (into
 * message/rfc822) and decode every leaf (text also to UTF-8); or stream an
 * mbox from disk in 64 KiB reads with callbacks that consume the decoded data.
 *
 * In memory, messages are parsed in place (envoi_message_parse_borrowed) and
 * leaves other than text decoded through envoi_part_decode into a callback
 * that only looks at the bytes, as GMime writes them to a null stream; with
 * --kept, the input is copied (envoi_message_parse) and every decoded body
 * kept in the message (envoi_part_body), as a program that holds them does. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "envoi.h"
#include "envoi/parse.h"
#include "parse_common.h"

static void consume_text(bench_tally *t, const char *s)
{
    if (s != NULL)
        t->checksum += strlen(s);
}

static void decode_headers(bench_tally *t, const envoi_part *part)
{
    size_t n = envoi_part_header_count(part);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL, *value = NULL;
        if (envoi_part_header_at(part, i, &name, &value) < 0)
            continue;
        consume_text(t, envoi_part_header_decoded(part, name));
        t->headers++;
    }
}

static bool keep_bodies; /* --kept: copy the input and keep the decoded bodies */

static int consume_piece(void *ctx, const void *data, size_t len)
{
    bench_consume(ctx, data, len);
    return 0;
}

static void decode_leaf(bench_tally *t, const envoi_part *part)
{
    const char *type = envoi_part_content_type(part);
    consume_text(t, envoi_part_filename(part));
    t->leaves++;
    if (type != NULL && strncmp(type, "text/", 5) == 0) {
        const char *text = NULL;
        size_t len = 0;
        if (envoi_part_text(part, &text, &len) == 0)
            bench_consume(t, text, len);
        return;
    }
    if (!keep_bodies) {
        envoi_part_decode(part, consume_piece, t);
        return;
    }
    const void *data = NULL;
    size_t len = 0;
    if (envoi_part_body(part, &data, &len) == 0)
        bench_consume(t, data, len);
}

/* Headers of every part; bodies too when decode_bodies (not when streaming,
 * where part_data already received them). */
static void walk_part(bench_tally *t, const envoi_part *part, bool decode_bodies)
{
    t->parts++;
    decode_headers(t, part);
    size_t n = envoi_part_child_count(part);
    const char *type = envoi_part_content_type(part);
    if (type != NULL && strcmp(type, "message/rfc822") == 0 && n > 0)
        t->messages++;
    for (size_t i = 0; i < n; i++)
        walk_part(t, envoi_part_child(part, i), decode_bodies);
    if (n == 0 && decode_bodies)
        decode_leaf(t, part);
    else if (n == 0)
        t->leaves++;
}

static void walk_message(bench_tally *t, const envoi_message *msg, bool decode_bodies)
{
    static const envoi_field fields[] = {
        ENVOI_FIELD_FROM, ENVOI_FIELD_SENDER, ENVOI_FIELD_REPLY_TO,
        ENVOI_FIELD_TO,   ENVOI_FIELD_CC,     ENVOI_FIELD_BCC,
    };
    t->messages++;
    consume_text(t, envoi_message_get_subject(msg));
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        size_t n = envoi_message_address_count(msg, fields[f]);
        for (size_t i = 0; i < n; i++) {
            const char *name = NULL, *addr = NULL;
            if (envoi_message_address_at(msg, fields[f], i, &name, &addr) == 0) {
                consume_text(t, name);
                consume_text(t, addr);
                t->addresses++;
            }
        }
    }
    time_t date;
    if (envoi_message_get_date(msg, &date) == 0)
        t->checksum += (size_t)date;
    consume_text(t, envoi_message_get_message_id(msg));
    consume_text(t, envoi_message_get_in_reply_to(msg));
    size_t refs = envoi_message_reference_count(msg);
    for (size_t i = 0; i < refs; i++)
        consume_text(t, envoi_message_reference_at(msg, i));
    const envoi_part *root = envoi_message_root(msg);
    if (root != NULL)
        walk_part(t, root, decode_bodies);
}

static int run_memory(const bench_opts *o)
{
    bench_input in;
    if (bench_load(o, &in) < 0)
        return 1;
    double seconds[BENCH_MAX_PASSES], cpu[BENCH_MAX_PASSES];
    bench_tally tally = {0};
    for (size_t pass = 0; pass < o->passes; pass++) {
        memset(&tally, 0, sizeof tally);
        double t0 = bench_wall(), c0 = bench_cpu();
        for (size_t i = 0; i < in.count; i++) {
            envoi_message *msg = NULL;
            int rc = keep_bodies ? envoi_message_parse(in.data[i], in.len[i], &msg)
                                 : envoi_message_parse_borrowed(in.data[i], in.len[i], &msg);
            if (rc < 0) {
                tally.failed++;
                continue;
            }
            walk_message(&tally, msg, true);
            envoi_message_free(msg);
        }
        seconds[pass] = bench_wall() - t0;
        cpu[pass] = bench_cpu() - c0;
    }
    bench_print(o, keep_bodies ? "memory-kept" : "memory", in.bytes, seconds, cpu, o->passes,
                &tally);
    bench_input_free(&in);
    return 0;
}

static int on_data(void *ctx, const envoi_part *part, const void *data, size_t len)
{
    (void)part;
    bench_consume(ctx, data, len);
    return 0;
}

static int on_message(void *ctx, envoi_message *msg, bool *keep)
{
    *keep = false;
    walk_message(ctx, msg, false);
    return 0;
}

/* The in-memory inputs through the streaming parser: bodies decoded into the
 * part_data callback and never kept, as GMime decodes into a null stream. */
static int run_memory_stream(const bench_opts *o)
{
    bench_input in;
    if (bench_load(o, &in) < 0)
        return 1;
    double seconds[BENCH_MAX_PASSES], cpu[BENCH_MAX_PASSES];
    bench_tally tally = {0};
    const envoi_parse_callbacks cb = {.part_data = on_data, .message_end = on_message};
    for (size_t pass = 0; pass < o->passes; pass++) {
        memset(&tally, 0, sizeof tally);
        double t0 = bench_wall(), c0 = bench_cpu();
        for (size_t i = 0; i < in.count; i++) {
            envoi_stream_parser *p = envoi_stream_parser_new(&cb, &tally, false);
            if (p == NULL || envoi_stream_parser_feed(p, in.data[i], in.len[i]) < 0 ||
                envoi_stream_parser_finish(p) < 0)
                tally.failed++;
            envoi_stream_parser_free(p);
        }
        seconds[pass] = bench_wall() - t0;
        cpu[pass] = bench_cpu() - c0;
    }
    bench_print(o, "stream", in.bytes, seconds, cpu, o->passes, &tally);
    bench_input_free(&in);
    return 0;
}

static int run_mbox(const bench_opts *o)
{
    int fd = open(o->mbox, O_RDONLY);
    if (fd < 0) {
        perror(o->mbox);
        return 1;
    }
    static char chunk[BENCH_CHUNK];
    bench_tally tally = {0};
    const envoi_parse_callbacks cb = {.part_data = on_data, .message_end = on_message};
    size_t bytes = 0;
    int rc = 0;
    double t0 = bench_wall(), c0 = bench_cpu();
    envoi_stream_parser *p = envoi_stream_parser_new(&cb, &tally, true);
    if (p == NULL) {
        close(fd);
        return 1;
    }
    for (ssize_t n; rc == 0 && (n = read(fd, chunk, sizeof chunk)) != 0;) {
        if (n < 0) {
            perror(o->mbox);
            rc = -1;
            break;
        }
        bytes += (size_t)n;
        rc = envoi_stream_parser_feed(p, chunk, (size_t)n);
    }
    if (rc == 0)
        rc = envoi_stream_parser_finish(p);
    envoi_stream_parser_free(p);
    close(fd);
    double seconds = bench_wall() - t0, cpu = bench_cpu() - c0;
    if (rc < 0) {
        fprintf(stderr, "parse_envoi: %s: streaming parse failed (%d)\n", o->mbox, rc);
        return 2;
    }
    bench_print(o, "mbox", bytes, &seconds, &cpu, 1, &tally);
    return 0;
}

/* Take --kept out of argv (the other options are the common ones). */
static int take_kept_option(int argc, char **argv)
{
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--kept") == 0)
            keep_bodies = true;
        else
            argv[n++] = argv[i];
    }
    argv[n] = NULL;
    return n;
}

int main(int argc, char **argv)
{
    argc = take_kept_option(argc, argv);
    bench_opts o;
    if (bench_parse_args(argc, argv, "envoi", &o) < 0)
        return 64;
    if (envoi_init() < 0)
        return 70;
    if (o.mbox)
        return run_mbox(&o);
    return o.stream ? run_memory_stream(&o) : run_memory(&o);
}
