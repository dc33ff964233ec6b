/* parse_gmime: the parser benchmark's GMime 3 side, doing the work parse_envoi
 * does: parse each message, decode every header value, the addresses, date
 * and references, walk every part (into message/rfc822) and decode every leaf
 * (text converted to UTF-8); or stream an mbox with GMime's own mbox mode. */
#include <fcntl.h>
#include <stdbool.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "parse_common.h"

typedef struct walk_ctx {
    bench_tally *tally;
    GMimeStream *null;    /* where decoded leaves go */
    bool convert_charset; /* text leaves also converted to UTF-8 */
} walk_ctx;

static void consume_text(bench_tally *t, const char *s)
{
    if (s != NULL)
        t->checksum += strlen(s);
}

static void decode_headers(walk_ctx *w, GMimeObject *obj)
{
    GMimeHeaderList *list = g_mime_object_get_header_list(obj);
    int n = g_mime_header_list_get_count(list);
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
        consume_text(w->tally, g_mime_header_get_value(h));
        w->tally->headers++;
    }
}

static void read_addresses(walk_ctx *w, InternetAddressList *list)
{
    int n = list ? internet_address_list_length(list) : 0;
    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            read_addresses(w, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)));
            continue;
        }
        consume_text(w->tally, internet_address_get_name(ia));
        consume_text(w->tally, internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
        w->tally->addresses++;
    }
}

static void read_references(walk_ctx *w, GMimeMessage *msg, const char *name)
{
    const char *value = g_mime_object_get_header(GMIME_OBJECT(msg), name);
    if (value == NULL)
        return;
    GMimeReferences *refs = g_mime_references_parse(NULL, value);
    int n = refs ? g_mime_references_length(refs) : 0;
    for (int i = 0; i < n; i++)
        consume_text(w->tally, g_mime_references_get_message_id(refs, i));
    if (refs)
        g_mime_references_free(refs);
}

static bool needs_conversion(GMimeObject *part)
{
    GMimeContentType *ct = g_mime_object_get_content_type(part);
    if (!g_mime_content_type_is_type(ct, "text", "*"))
        return false;
    const char *cs = g_mime_content_type_get_parameter(ct, "charset");
    return cs != NULL && strcasecmp(cs, "utf-8") != 0 && strcasecmp(cs, "us-ascii") != 0;
}

static void decode_leaf(walk_ctx *w, GMimePart *part)
{
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    consume_text(w->tally, g_mime_part_get_filename(part));
    w->tally->leaves++;
    if (content == NULL)
        return;
    GMimeStreamNull *null = GMIME_STREAM_NULL(w->null);
    null->written = 0;
    if (w->convert_charset && needs_conversion(GMIME_OBJECT(part))) {
        const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
        GMimeStream *filtered = g_mime_stream_filter_new(w->null);
        GMimeFilter *filter = g_mime_filter_charset_new(cs, "utf-8");
        if (filter != NULL) {
            g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), filter);
            g_object_unref(filter);
        }
        g_mime_data_wrapper_write_to_stream(content, filtered);
        g_mime_stream_flush(filtered);
        g_object_unref(filtered);
    } else {
        g_mime_data_wrapper_write_to_stream(content, w->null);
    }
    w->tally->decoded_bytes += null->written;
    w->tally->checksum += null->written;
}

static void walk_message(walk_ctx *w, GMimeMessage *msg);

static void visit_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
    walk_ctx *w = data;
    (void)parent;
    w->tally->parts++;
    decode_headers(w, part);
    if (GMIME_IS_MESSAGE_PART(part)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
        if (inner != NULL)
            walk_message(w, inner);
    } else if (GMIME_IS_PART(part)) {
        decode_leaf(w, GMIME_PART(part));
    }
}

static void walk_message(walk_ctx *w, GMimeMessage *msg)
{
    static const GMimeAddressType fields[] = {
        GMIME_ADDRESS_TYPE_FROM, GMIME_ADDRESS_TYPE_SENDER, GMIME_ADDRESS_TYPE_REPLY_TO,
        GMIME_ADDRESS_TYPE_TO,   GMIME_ADDRESS_TYPE_CC,     GMIME_ADDRESS_TYPE_BCC,
    };
    w->tally->messages++;
    decode_headers(w, GMIME_OBJECT(msg));
    consume_text(w->tally, g_mime_message_get_subject(msg));
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        read_addresses(w, g_mime_message_get_addresses(msg, fields[i]));
    GDateTime *date = g_mime_message_get_date(msg);
    if (date != NULL)
        w->tally->checksum += (size_t)g_date_time_to_unix(date);
    consume_text(w->tally, g_mime_message_get_message_id(msg));
    read_references(w, msg, "In-Reply-To");
    read_references(w, msg, "References");
    g_mime_message_foreach(msg, visit_part, w);
}

static void parse_one(walk_ctx *w, GByteArray *bytes)
{
    GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(bytes);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    if (msg != NULL) {
        walk_message(w, msg);
        g_object_unref(msg);
    } else {
        w->tally->failed++;
    }
    g_object_unref(parser);
    g_object_unref(stream);
}

static int run_memory(const bench_opts *o)
{
    bench_input in;
    if (bench_load(o, &in) < 0)
        return 1;
    /* GMime reads from byte arrays made once here, so no pass copies input. */
    GByteArray **arrays = g_new(GByteArray *, in.count);
    for (size_t i = 0; i < in.count; i++) {
        arrays[i] = g_byte_array_sized_new((guint)in.len[i]);
        g_byte_array_append(arrays[i], (const guint8 *)in.data[i], (guint)in.len[i]);
    }
    size_t bytes = in.bytes, count = in.count;
    bench_input_free(&in);
    double seconds[BENCH_MAX_PASSES], cpu[BENCH_MAX_PASSES];
    bench_tally tally = {0};
    walk_ctx w = {.tally = &tally, .null = g_mime_stream_null_new(), .convert_charset = true};
    for (size_t pass = 0; pass < o->passes; pass++) {
        memset(&tally, 0, sizeof tally);
        double t0 = bench_wall(), c0 = bench_cpu();
        for (size_t i = 0; i < count; i++)
            parse_one(&w, arrays[i]);
        seconds[pass] = bench_wall() - t0;
        cpu[pass] = bench_cpu() - c0;
    }
    bench_print(o, "memory", bytes, seconds, cpu, o->passes, &tally);
    g_object_unref(w.null);
    for (size_t i = 0; i < count; i++)
        g_byte_array_unref(arrays[i]);
    g_free(arrays);
    return 0;
}

static int run_mbox(const bench_opts *o)
{
    int fd = open(o->mbox, O_RDONLY);
    if (fd < 0) {
        perror(o->mbox);
        return 1;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);
    bench_tally tally = {0};
    walk_ctx w = {.tally = &tally, .null = g_mime_stream_null_new(), .convert_charset = false};
    double t0 = bench_wall(), c0 = bench_cpu();
    GMimeStream *stream = g_mime_stream_fs_new(fd);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
    while (!g_mime_parser_eos(parser)) {
        GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
        if (msg == NULL) {
            tally.failed++;
            break;
        }
        walk_message(&w, msg);
        g_object_unref(msg);
    }
    gint64 reached = tally.failed ? g_mime_parser_tell(parser) : (gint64)size;
    g_object_unref(parser);
    g_object_unref(stream);
    double seconds = bench_wall() - t0, cpu = bench_cpu() - c0;
    /* When GMime stops at a message it cannot read, the rate counts only
     * the bytes it got through. */
    bench_print(o, "mbox", (size_t)reached, &seconds, &cpu, 1, &tally);
    g_object_unref(w.null);
    return 0;
}

int main(int argc, char **argv)
{
    bench_opts o;
    if (bench_parse_args(argc, argv, "gmime", &o) < 0)
        return 64;
    g_mime_init();
    int rc = o.mbox ? run_mbox(&o) : run_memory(&o);
    g_mime_shutdown();
    return rc;
}
