/* Picking the messages of "envoi flag" and "envoi move": UID sets read and
 * checked here, selection options as search criteria, and the search that
 * puts both together (the server's answer to "N:*" is held to the set). */
#include "cli/imap_pick.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum pick_id {
    PICK_ALL = CLI_OPT_EXTRA + 100,
    PICK_UNSEEN,
    PICK_FLAGGED,
    PICK_FROM,
    PICK_TO,
    PICK_RECIPIENT,
    PICK_SUBJECT,
    PICK_TEXT,
    PICK_SINCE,
    PICK_BEFORE,
    PICK_END,
};

#define PICK_COMMON                                                                                \
    {"all", no_argument, NULL, PICK_ALL}, {"unseen", no_argument, NULL, PICK_UNSEEN},              \
        {"flagged", no_argument, NULL, PICK_FLAGGED},                                              \
        {"from", required_argument, NULL, PICK_FROM},                                              \
        {"recipient", required_argument, NULL, PICK_RECIPIENT},                                    \
        {"subject", required_argument, NULL, PICK_SUBJECT},                                        \
        {"text", required_argument, NULL, PICK_TEXT},                                              \
        {"since", required_argument, NULL, PICK_SINCE},                                            \
    {                                                                                              \
        "before", required_argument, NULL, PICK_BEFORE                                             \
    }

static const struct option with_to_options[] = {
    PICK_COMMON,
    {"to", required_argument, NULL, PICK_TO},
    {NULL, 0, NULL, 0},
};
static const struct option without_to_options[] = {
    PICK_COMMON,
    {NULL, 0, NULL, 0},
};

const struct option *cli_imap_pick_options(bool with_to)
{
    return with_to ? with_to_options : without_to_options;
}

void cli_imap_pick_table(const struct option *own, size_t n, bool with_to,
                         struct option table[CLI_IMAP_PICK_TABLE])
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < CLI_IMAP_PICK_TABLE; i++)
        table[k++] = own[i];
    for (const struct option *o = cli_imap_pick_options(with_to);
         o->name && k + 1 < CLI_IMAP_PICK_TABLE; o++)
        table[k++] = *o;
    table[k] = (struct option){NULL, 0, NULL, 0};
}

bool cli_imap_pick_owns(int id)
{
    return id >= PICK_ALL && id < PICK_END;
}

__attribute__((format(printf, 2, 3))) static int usage(envoi_buf *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = envoi_buf_vprintf(why, fmt, ap);
    va_end(ap);
    return rc < 0 ? ENVOI_ENOMEM : CLI_USAGE;
}

int cli_imap_pick_parse_date(const char *text, time_t *out)
{
    int y, m, d, used = 0;
    if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 ||
        text[4] != '-' || text[7] != '-')
        return -1;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return -1;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    time_t t = timegm(&tm);
    struct tm back;
    if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != m - 1)
        return -1; /* 2026-02-30 and the like */
    *out = t;
    return 0;
}

static int set_text(const char **field, const char *name, const char *value, envoi_buf *why)
{
    if (!*value)
        return usage(why, "--%s needs a non-empty text", name);
    *field = value;
    return 0;
}

static int set_date(time_t *field, const char *name, const char *value, envoi_buf *why)
{
    if (cli_imap_pick_parse_date(value, field) < 0)
        return usage(why, "--%s: '%s' is not a date YYYY-MM-DD", name, value);
    return 0;
}

int cli_imap_pick_apply(cli_imap_pick *p, int id, const char *value, envoi_buf *why)
{
    envoi_imap_criteria *c = &p->criteria;
    p->selected = true;
    switch (id) {
    case PICK_ALL:
        return 0;
    case PICK_UNSEEN:
        c->unseen = true;
        return 0;
    case PICK_FLAGGED:
        c->flagged = true;
        return 0;
    case PICK_FROM:
        return set_text(&c->from, "from", value, why);
    case PICK_TO:
        return set_text(&c->to, "to", value, why);
    case PICK_RECIPIENT:
        return set_text(&c->to, "recipient", value, why);
    case PICK_SUBJECT:
        return set_text(&c->subject, "subject", value, why);
    case PICK_TEXT:
        return set_text(&c->text, "text", value, why);
    case PICK_SINCE:
        return set_date(&c->since, "since", value, why);
    case PICK_BEFORE:
        return set_date(&c->before, "before", value, why);
    default:
        return usage(why, "unknown option");
    }
}

/* One UID ("*" as 0); the end of it in *end; -1 when not a UID. */
static int read_uid(const char *p, const char **end, uint32_t *uid)
{
    if (*p == '*') {
        *uid = 0;
        *end = p + 1;
        return 0;
    }
    uint64_t n = 0;
    const char *start = p;
    while (*p >= '0' && *p <= '9' && n <= UINT32_MAX)
        n = n * 10 + (uint64_t)(*p++ - '0');
    if (p == start || n == 0 || n > UINT32_MAX)
        return -1;
    *uid = (uint32_t)n;
    *end = p;
    return 0;
}

/* "a" or "a:b" as a range ("*" alone: any UID the server names for it). */
static cli_uid_range range_of(uint32_t a, uint32_t b)
{
    if (a == 0 && b == 0)
        return (cli_uid_range){1, UINT32_MAX};
    if (a == 0 || b == 0)
        return (cli_uid_range){a ? a : b, UINT32_MAX};
    return a <= b ? (cli_uid_range){a, b} : (cli_uid_range){b, a};
}

static size_t count_ranges(const char *text)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    return n;
}

int cli_imap_pick_add_set(cli_imap_pick *p, const char *text)
{
    size_t room = count_ranges(text);
    cli_uid_range *r = realloc(p->ranges, (p->nranges + room) * sizeof *r);
    if (!r)
        return ENVOI_ENOMEM;
    p->ranges = r;
    size_t n = p->nranges;
    const char *s = text;
    for (;;) {
        uint32_t a, b;
        if (read_uid(s, &s, &a) < 0)
            return 1;
        b = a;
        if (*s == ':' && read_uid(s + 1, &s, &b) < 0)
            return 1;
        r[n++] = range_of(a, b);
        if (*s == '\0')
            break;
        if (*s++ != ',')
            return 1;
    }
    if ((p->set.len && envoi_buf_append(&p->set, ",", 1) < 0) ||
        envoi_buf_append_str(&p->set, text) < 0)
        return ENVOI_ENOMEM;
    p->nranges = n;
    return 0;
}

int cli_imap_pick_finish(cli_imap_pick *p, char **operands, size_t count, envoi_buf *why)
{
    for (size_t i = 0; i < count; i++) {
        int rc = cli_imap_pick_add_set(p, operands[i]);
        if (rc < 0)
            return rc;
        if (rc > 0)
            return usage(why,
                         "'%s' is not a UID set (UIDs from 1: 4, 7:12, 4,9,20:* where * is "
                         "the highest)",
                         operands[i]);
    }
    if (!p->nranges && !p->selected)
        return usage(why, "%s",
                     "no messages named: give UIDs (4, 7:12, 20:*) or a selection such as "
                     "--unseen, --from TEXT, --subject TEXT, or --all for the whole folder");
    return 0;
}

static bool in_ranges(const cli_imap_pick *p, uint32_t uid)
{
    for (size_t i = 0; i < p->nranges; i++)
        if (uid >= p->ranges[i].lo && uid <= p->ranges[i].hi)
            return true;
    return false;
}

/* The UIDs of the set the folder has: the server's answer, held to the
 * ranges (it names its highest UID for "N:*" even below N). */
static int search_set(const cli_imap_pick *p, envoi_imap *s, uint32_t **uids, size_t *count)
{
    envoi_buf key = ENVOI_BUF_INIT;
    if (envoi_buf_printf(&key, "UID %s", p->set.data) < 0)
        return ENVOI_ENOMEM;
    int rc = envoi_imap_search_raw(s, key.data, uids, count);
    envoi_buf_free(&key);
    if (rc < 0)
        return rc;
    size_t k = 0;
    for (size_t i = 0; i < *count; i++)
        if (in_ranges(p, (*uids)[i]))
            (*uids)[k++] = (*uids)[i];
    *count = k;
    return 0;
}

/* a := a ∩ b, both ascending. */
static void intersect(uint32_t *a, size_t *na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, k = 0;
    while (i < *na && j < nb) {
        if (a[i] < b[j])
            i++;
        else if (a[i] > b[j])
            j++;
        else {
            a[k++] = a[i++];
            j++;
        }
    }
    *na = k;
}

int cli_imap_pick_run(const cli_imap_pick *p, envoi_imap *s, uint32_t **uids, size_t *count)
{
    *uids = NULL;
    *count = 0;
    if (!p->nranges)
        return envoi_imap_search(s, &p->criteria, uids, count);
    int rc = search_set(p, s, uids, count);
    if (rc < 0 || !p->selected || *count == 0)
        return rc;
    uint32_t *matched;
    size_t nmatched;
    rc = envoi_imap_search(s, &p->criteria, &matched, &nmatched);
    if (rc < 0) {
        free(*uids);
        *uids = NULL;
        *count = 0;
        return rc;
    }
    intersect(*uids, count, matched, nmatched);
    free(matched);
    return 0;
}

json_t *cli_imap_pick_json_uids(const uint32_t *uids, size_t count)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < count; i++)
        json_array_append_new(arr, json_integer((json_int_t)uids[i]));
    return arr;
}

void cli_imap_pick_free(cli_imap_pick *p)
{
    free(p->ranges);
    p->ranges = NULL;
    p->nranges = 0;
    envoi_buf_free(&p->set);
}
