/* Dates in header fields (Date, Resent-Date, Received) to UTC seconds: RFC
 * 5322, its obsolete syntax, and the common deviations (asctime order, ISO
 * 8601, named zones, missing seconds, comments, stray punctuation). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "envoi/error.h"
#include "mime/decode.h"
#include "mime/lex.h"

struct date_parts {
    long year, month, day, hour, min, sec;
    int year_digits;
    long zone; /* minutes east of UTC */
    bool have_year, have_month, have_day, have_time, have_zone;
    int pm; /* 0 none, 1 am, 2 pm */
};

static const char month_names[12][10] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

struct named_zone {
    const char *name;
    int minutes;
};

static const struct named_zone zones[] = {
    {"ut", 0},        {"utc", 0},       {"gmt", 0},       {"z", 0},
    {"est", -5 * 60}, {"edt", -4 * 60}, {"cst", -6 * 60}, {"cdt", -5 * 60},
    {"mst", -7 * 60}, {"mdt", -6 * 60}, {"pst", -8 * 60}, {"pdt", -7 * 60},
};

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Digits at s[i..]: their value (saturated) and count. */
static size_t read_number(const char *s, size_t len, size_t i, long *value, int *digits)
{
    long v = 0;
    int n = 0;
    while (i < len && is_digit(s[i])) {
        if (v < 100000000)
            v = v * 10 + (s[i] - '0');
        i++;
        n++;
    }
    *value = v;
    *digits = n;
    return i;
}

/* A month name (three letters at least, a prefix of the full name). */
static int month_of(const char *w, size_t n)
{
    if (n < 3 || n > 9)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t k = 0;
        while (k < n && (w[k] | 0x20) == month_names[m][k])
            k++;
        if (k == n)
            return m + 1;
    }
    return 0;
}

/* Named zones; the military letters and unknown names read as UTC (RFC 5322
 * section 4.3). */
static void zone_word(struct date_parts *d, const char *w, size_t n)
{
    char lw[4];
    if (d->have_zone || !d->have_time)
        return;
    d->have_zone = true;
    d->zone = 0;
    if (n > 3)
        return;
    for (size_t k = 0; k < n; k++)
        lw[k] = (char)(w[k] | 0x20);
    lw[n] = '\0';
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++)
        if (strcmp(zones[z].name, lw) == 0)
            d->zone = zones[z].minutes;
}

static void word(struct date_parts *d, const char *w, size_t n)
{
    int m = month_of(w, n);
    if (m && !d->have_month) {
        d->month = m;
        d->have_month = true;
        return;
    }
    if (n == 2 && (w[1] | 0x20) == 'm' && d->have_time && !d->have_zone) {
        if ((w[0] | 0x20) == 'a')
            d->pm = 1;
        else if ((w[0] | 0x20) == 'p')
            d->pm = 2;
        if (d->pm)
            return;
    }
    if (n == 1 && (w[0] | 0x20) == 't' && !d->have_time)
        return; /* ISO 8601 date/time separator */
    zone_word(d, w, n);
}

/* "hh:mm[:ss[.frac]]" at s[i], after the hours were read. */
static size_t read_time(struct date_parts *d, const char *s, size_t len, size_t i, long hour)
{
    long v;
    int n;
    d->hour = hour;
    d->have_time = true;
    i = read_number(s, len, i + 1, &v, &n);
    d->min = n ? v : -1;
    d->sec = 0;
    if (i + 1 < len && s[i] == ':' && is_digit(s[i + 1])) {
        i = read_number(s, len, i + 1, &v, &n);
        d->sec = v;
        if (i + 1 < len && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1]))
            i = read_number(s, len, i + 1, &v, &n);
    }
    return i;
}

/* "+hhmm", "-hhmm", "+hh:mm", "+hh" at s[i]. */
static size_t read_zone(struct date_parts *d, const char *s, size_t len, size_t i)
{
    int sign = s[i] == '-' ? -1 : 1;
    long v, m = 0;
    int n, mn;
    i = read_number(s, len, i + 1, &v, &n);
    if (n == 2 && i + 2 < len && s[i] == ':' && is_digit(s[i + 1])) {
        i = read_number(s, len, i + 1, &m, &mn);
        v = v * 100 + m;
        n = 4;
    }
    if (n <= 2)
        v *= 100;
    else if (n != 4)
        v = 9999; /* out of range: rejected */
    d->zone = sign * ((v / 100) * 60 + v % 100);
    d->have_zone = true;
    if (v / 100 > 23 || v % 100 > 59)
        d->zone = 100000;
    return i;
}

/* "yyyy-mm-dd" at s[i] (ISO 8601), after the year was read. */
static size_t read_iso_date(struct date_parts *d, const char *s, size_t len, size_t i, long year)
{
    long v;
    int n;
    d->year = year;
    d->year_digits = 4;
    d->have_year = true;
    i = read_number(s, len, i + 1, &v, &n);
    d->month = v;
    d->have_month = true;
    if (i + 1 < len && s[i] == '-' && is_digit(s[i + 1])) {
        i = read_number(s, len, i + 1, &v, &n);
        d->day = v;
        d->have_day = true;
    }
    return i;
}

static void number(struct date_parts *d, long v, int digits)
{
    if (digits <= 2 && !d->have_day && !(d->have_year && !d->have_month)) {
        d->day = v;
        d->have_day = true;
    } else if (!d->have_year) {
        d->year = v;
        d->year_digits = digits;
        d->have_year = true;
    } else if (!d->have_day) {
        d->day = v;
        d->have_day = true;
    }
}

static void scan(struct date_parts *d, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '(') {
            i = mime_skip_comment(s, len, i);
        } else if (is_alpha(c)) {
            size_t st = i;
            while (i < len && is_alpha(s[i]))
                i++;
            word(d, s + st, i - st);
        } else if (is_digit(c)) {
            long v;
            int n;
            size_t e = read_number(s, len, i, &v, &n);
            if (e < len && s[e] == ':' && !d->have_time)
                i = read_time(d, s, len, e, v);
            else if (n == 4 && e + 1 < len && s[e] == '-' && is_digit(s[e + 1]) && !d->have_year)
                i = read_iso_date(d, s, len, e, v);
            else {
                number(d, v, n);
                i = e;
            }
        } else if ((c == '+' || c == '-') && i + 1 < len && is_digit(s[i + 1]) && d->have_time &&
                   !d->have_zone) {
            i = read_zone(d, s, len, i);
        } else {
            i++;
        }
    }
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(long y, long m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

int mime_date_parse(const char *s, size_t len, time_t *out)
{
    struct date_parts d = {0};
    scan(&d, s, len);
    if (!d.have_year || !d.have_month || !d.have_day)
        return ENVOI_EINVAL;
    long y = d.year;
    if (d.year_digits <= 2)
        y += y < 50 ? 2000 : 1900;
    else if (d.year_digits == 3)
        y += 1900;
    if (d.pm == 2 && d.hour >= 1 && d.hour < 12)
        d.hour += 12;
    else if (d.pm == 1 && d.hour == 12)
        d.hour = 0;
    if (y < 1 || y > 9999 || d.month < 1 || d.month > 12 || d.day < 1 ||
        d.day > days_in_month(y, d.month) || d.hour > 23 || d.min < 0 || d.min > 59 || d.sec > 60 ||
        d.zone > 24 * 60 || d.zone < -24 * 60)
        return ENVOI_EINVAL;
    int64_t t = days_from_civil(y, d.month, d.day) * 86400 + d.hour * 3600 + d.min * 60 + d.sec -
                (int64_t)d.zone * 60;
    if ((int64_t)(time_t)t != t)
        return ENVOI_EINVAL;
    *out = (time_t)t;
    return 0;
}
