/* "envoi queue" as text: a table of messages, one message in detail, the
 * counts. envoid's strings may hold anything, so control characters are
 * printed as '?'. */
#include "cli/queue_print.h"

#include <stdbool.h>
#include <string.h>

#include "util/err.h"

#define FROM_WIDTH_MAX 32

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* Characters (UTF-8 lead bytes) in the first n bytes of s. */
static size_t width_of(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            w++;
    return w;
}

/* Print s, control characters as '?', at most max characters (0: all), a
 * cut shown as "~"; then spaces up to pad characters. */
static void put_text(FILE *out, const char *s, size_t max, size_t pad)
{
    if (!s)
        s = "-";
    size_t len = strlen(s), shown = 0;
    bool cut = max && width_of(s, len) > max;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool lead = (c & 0xC0) != 0x80;
        if (lead && cut && shown == max - 1)
            break;
        if (lead)
            shown++;
        fputc(c < 0x20 || c == 0x7F ? '?' : c, out);
    }
    if (cut) {
        fputc('~', out);
        shown++;
    }
    for (; shown < pad; shown++)
        fputc(' ', out);
}

/* "2025-01-02T10:11:12.345Z" as "2025-01-02 10:11:12"; "-" when null. */
static void put_time(FILE *out, const char *iso, size_t pad)
{
    char text[20] = "-";
    if (iso && strlen(iso) >= 19) {
        memcpy(text, iso, 19);
        text[10] = ' ';
        text[19] = '\0';
    }
    put_text(out, text, 0, pad);
}

void cli_queue_print_list(FILE *out, const json_t *list)
{
    const json_t *items = json_object_get(list, "messages");
    size_t n = json_array_size(items);
    if (n == 0) {
        fputs("no messages\n", out);
        return;
    }
    size_t id_w = 2, from_w = 4;
    for (size_t i = 0; i < n; i++) {
        const json_t *m = json_array_get(items, i);
        const char *id = str(m, "id"), *from = str(m, "from");
        if (id && strlen(id) > id_w)
            id_w = strlen(id);
        size_t fw = from ? width_of(from, strlen(from)) : 1;
        if (fw > from_w)
            from_w = fw > FROM_WIDTH_MAX ? FROM_WIDTH_MAX : fw;
    }
    put_text(out, "ID", 0, id_w + 2);
    put_text(out, "STATUS", 0, 11);
    put_text(out, "TRIES", 0, 7);
    put_text(out, "SUBMITTED (UTC)", 0, 21);
    put_text(out, "FROM", 0, from_w + 2);
    fputs("SUBJECT\n", out);
    for (size_t i = 0; i < n; i++) {
        const json_t *m = json_array_get(items, i);
        put_text(out, str(m, "id"), 0, id_w + 2);
        put_text(out, str(m, "status"), 0, 11);
        fprintf(out, "%5lld  ", num(m, "attempts"));
        put_time(out, str(m, "submitted"), 21);
        put_text(out, str(m, "from"), from_w, from_w + 2);
        put_text(out, str(m, "subject"), 0, 0);
        fputc('\n', out);
    }
}

static void put_field(FILE *out, const char *name, const char *value)
{
    fprintf(out, "%-11s ", name);
    put_text(out, value, 0, 0);
    fputc('\n', out);
}

static void put_time_field(FILE *out, const char *name, const char *iso)
{
    if (!iso)
        return;
    fprintf(out, "%-11s ", name);
    put_time(out, iso, 0);
    fputs(" UTC\n", out);
}

static void print_recipients(FILE *out, const json_t *rcpts)
{
    size_t n = json_array_size(rcpts);
    fprintf(out, "recipients: %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const json_t *r = json_array_get(rcpts, i);
        fputs("  ", out);
        put_text(out, str(r, "address"), 0, 0);
        fputs("  ", out);
        put_text(out, str(r, "status"), 0, 0);
        const char *reply = str(r, "reply");
        long long code = num(r, "reply_code");
        if (reply && *reply) {
            fputs("  ", out);
            char digits[24];
            int n_digits = snprintf(digits, sizeof digits, "%lld", code);
            if (code > 0 && strncmp(reply, digits, (size_t)n_digits) != 0)
                fprintf(out, "%lld ", code);
            put_text(out, reply, 0, 0);
        } else if (code > 0) {
            fprintf(out, "  %lld", code);
        }
        fputc('\n', out);
    }
}

static void print_history(FILE *out, const json_t *hist)
{
    size_t n = json_array_size(hist);
    fprintf(out, "history:    %zu attempt%s\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const json_t *h = json_array_get(hist, i);
        fputs("  ", out);
        put_time(out, str(h, "at"), 0);
        fputs(" UTC  ", out);
        put_text(out, str(h, "relay"), 0, 0);
        long long code = num(h, "reply_code");
        if (code > 0)
            fprintf(out, "  %lld", code);
        const char *summary = str(h, "summary");
        if (summary && *summary) {
            fputs("  ", out);
            put_text(out, summary, 0, 0);
        }
        fputc('\n', out);
    }
}

void cli_queue_print_show(FILE *out, const json_t *msg)
{
    put_field(out, "id:", str(msg, "id"));
    put_field(out, "status:", str(msg, "status"));
    put_field(out, "from:", str(msg, "from"));
    put_field(out, "subject:", str(msg, "subject"));
    fprintf(out, "%-11s %lld bytes\n", "size:", num(msg, "size"));
    put_time_field(out, "submitted:", str(msg, "submitted"));
    fprintf(out, "%-11s %lld\n", "attempts:", num(msg, "attempts"));
    put_time_field(out, "next try:", str(msg, "next_try"));
    put_time_field(out, "done:", str(msg, "done"));
    if (str(msg, "reason"))
        put_field(out, "reason:", str(msg, "reason"));
    print_recipients(out, json_object_get(msg, "recipients"));
    print_history(out, json_object_get(msg, "history"));
}

void cli_queue_print_stats(FILE *out, const json_t *stats)
{
    static const char *const keys[] = {"pending", "sent", "error", "cancelled", "due"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char label[16];
        snprintf(label, sizeof label, "%s:", keys[i]);
        fprintf(out, "%-11s %lld\n", label, num(stats, keys[i]));
    }
    fprintf(out, "%-11s %s\n", "paused:",
            json_is_true(json_object_get(stats, "paused")) ? "yes (new submissions are refused)"
                                                           : "no");
}

int cli_queue_print_json(FILE *out, const json_t *value)
{
    if (json_dumpf(value, out, JSON_COMPACT) < 0 || fputc('\n', out) == EOF)
        return ENVOI_EIO;
    return 0;
}
