/* Typed readers over parsed IMAP values: the items of a FETCH response, the
 * system flags of a FLAGS list, and INTERNALDATE. */
#include "imap/response.h"

#include <string.h>
#include <strings.h>

/* Does the item name the server sent match the one asked for? Case does not
 * matter; "BODY.PEEK[...]" asks for what the server names "BODY[...]", and a
 * name without "<origin>" also matches the server's name with one. */
static bool item_matches(const imap_value *item, const char *name, size_t len)
{
    if (item->kind != IMAP_ATOM)
        return false;
    if (item->len < len || strncasecmp(item->data, name, len) != 0)
        return false;
    if (item->len == len)
        return true;
    return item->data[len] == '<' && item->data[item->len - 1] == '>' && !memchr(name, '<', len);
}

const imap_value *imap_fetch_item(const imap_response *r, const char *name)
{
    if (!r || !name || r->count == 0 || r->values[0].kind != IMAP_LIST)
        return NULL;
    /* The name without ".PEEK" as the server answers it. */
    char peeked[256];
    size_t len = strlen(name), plen = 0;
    const char *dot = len > 5 ? memchr(name, '.', len) : NULL;
    if (dot && strncasecmp(dot, ".PEEK[", 6) == 0 && len - 5 < sizeof peeked) {
        size_t head = (size_t)(dot - name);
        memcpy(peeked, name, head);
        memcpy(peeked + head, dot + 5, len - head - 5);
        plen = len - 5;
        peeked[plen] = '\0';
    }
    const imap_value *list = &r->values[0];
    for (size_t i = 0; i + 1 < list->count; i += 2)
        if (item_matches(&list->items[i], name, len) ||
            (plen && item_matches(&list->items[i], peeked, plen)))
            return &list->items[i + 1];
    return NULL;
}

int imap_flags_mask(const imap_value *v, unsigned *mask)
{
    static const struct {
        const char *name;
        unsigned bit;
    } system[] = {
        {"\\Seen", IMAP_FLAG_SEEN},       {"\\Answered", IMAP_FLAG_ANSWERED},
        {"\\Flagged", IMAP_FLAG_FLAGGED}, {"\\Deleted", IMAP_FLAG_DELETED},
        {"\\Draft", IMAP_FLAG_DRAFT},     {"\\Recent", IMAP_FLAG_RECENT},
    };
    *mask = 0;
    if (!v || v->kind != IMAP_LIST)
        return ENVOI_EPROTOCOL;
    unsigned m = 0;
    for (size_t i = 0; i < v->count; i++) {
        const imap_value *f = &v->items[i];
        if (f->kind != IMAP_ATOM && f->kind != IMAP_NUMBER)
            return ENVOI_EPROTOCOL;
        if (f->data[0] != '\\')
            continue;
        for (size_t k = 0; k < sizeof system / sizeof system[0]; k++)
            if (strcasecmp(f->data, system[k].name) == 0)
                m |= system[k].bit;
    }
    *mask = m;
    return 0;
}

static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int imap_parse_internaldate(const imap_value *v, time_t *out)
{
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!v || v->kind != IMAP_STRING)
        return ENVOI_EPROTOCOL;
    /* "dd-Mon-yyyy hh:mm:ss +zzzz", the day also " d" or "d". */
    char s[27];
    const char *d = v->data;
    size_t len = v->len;
    if (len == 25 && d[0] != ' ') {
        s[0] = ' ';
        memcpy(s + 1, d, 25);
    } else if (len == 26) {
        memcpy(s, d, 26);
    } else {
        return ENVOI_EPROTOCOL;
    }
    s[26] = '\0';
    if (s[0] == ' ')
        s[0] = '0';
    int day = two_digits(s), year_hi = two_digits(s + 7), year_lo = two_digits(s + 9);
    int hour = two_digits(s + 12), min = two_digits(s + 15), sec = two_digits(s + 18);
    int zh = two_digits(s + 22), zm = two_digits(s + 24);
    if (day < 1 || year_hi < 0 || year_lo < 0 || hour < 0 || hour > 23 || min < 0 || min > 59 ||
        sec < 0 || sec > 60 || zh < 0 || zm < 0 || zm > 59)
        return ENVOI_EPROTOCOL;
    if (s[2] != '-' || s[6] != '-' || s[11] != ' ' || s[14] != ':' || s[17] != ':' ||
        s[20] != ' ' || (s[21] != '+' && s[21] != '-'))
        return ENVOI_EPROTOCOL;
    int month = -1;
    for (int m = 0; m < 12; m++)
        if (strncasecmp(s + 3, months + 3 * m, 3) == 0)
            month = m;
    int year = year_hi * 100 + year_lo;
    if (month < 0 || day > mdays[month] || (month == 1 && day == 29 && !is_leap(year)))
        return ENVOI_EPROTOCOL;
    long long t = days_from_civil(year, (unsigned)month + 1, (unsigned)day) * 86400LL +
                  hour * 3600LL + min * 60LL + sec;
    long long zone = (zh * 60LL + zm) * 60LL;
    t += s[21] == '+' ? -zone : zone;
    *out = (time_t)t;
    return 0;
}
