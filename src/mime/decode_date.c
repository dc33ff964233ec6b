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

/* ---- the common form, read in one pass --------------------------------- */

static const char weekday_abbr[7][4] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char month_abbr[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The n digits at s[i] (all there and digits): their value; -1 otherwise. */
static long digits_at(const char *s, size_t len, size_t i, size_t n)
{
    long v = 0;
    for (size_t k = 0; k < n; k++) {
        if (i + k >= len || !is_digit(s[i + k]))
            return -1;
        v = v * 10 + (s[i + k] - '0');
    }
    return v;
}

/* The three bytes at s[i] are one of names[0..n) as written: its index; -1. */
static int abbr_at(const char *s, size_t len, size_t i, const char (*names)[4], int n)
{
    if (i + 3 > len)
        return -1;
    for (int k = 0; k < n; k++)
        if (memcmp(s + i, names[k], 3) == 0)
            return k;
    return -1;
}

/* s[i..len) is nothing, or one " (comment)" without nested parentheses or
 * escapes. */
static bool plain_tail(const char *s, size_t len, size_t i)
{
    if (i == len)
        return true;
    if (len - i < 3 || s[i] != ' ' || s[i + 1] != '(' || s[len - 1] != ')')
        return false;
    for (size_t k = i + 2; k < len - 1; k++)
        if (s[k] == '(' || s[k] == ')' || s[k] == '\\')
            return false;
    return true;
}

/* "[Www, ]d[d] Mmm yyyy hh:mm:ss +hhmm" (or GMT, UT, UTC), as nearly all
 * mail writes it, maybe with a trailing comment: the parts scan() would
 * find. False (d untouched) for anything else. */
static bool scan_common(struct date_parts *d, const char *s, size_t len)
{
    size_t i = 0;
    if (abbr_at(s, len, 0, weekday_abbr, 7) >= 0 && len > 5 && s[3] == ',' && s[4] == ' ')
        i = 5;
    size_t nd = i + 1 < len && is_digit(s[i + 1]) ? 2 : 1;
    long day = digits_at(s, len, i, nd);
    i += nd;
    int month = i + 1 < len && s[i] == ' ' ? abbr_at(s, len, i + 1, month_abbr, 12) : -1;
    i += 4;
    long year = i < len && s[i] == ' ' ? digits_at(s, len, i + 1, 4) : -1;
    i += 5;
    if (day < 0 || month < 0 || year < 0 || i + 9 > len || s[i] != ' ' || s[i + 3] != ':' ||
        s[i + 6] != ':')
        return false;
    long hour = digits_at(s, len, i + 1, 2), min = digits_at(s, len, i + 4, 2),
         sec = digits_at(s, len, i + 7, 2);
    i += 9;
    if (hour < 0 || min < 0 || sec < 0 || i >= len || s[i] != ' ')
        return false;
    i++;
    long zone;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        long v = digits_at(s, len, i + 1, 4);
        if (v < 0 || v / 100 > 23 || v % 100 > 59)
            return false;
        zone = (s[i] == '-' ? -1 : 1) * ((v / 100) * 60 + v % 100);
        i += 5;
    } else if (len - i >= 3 && memcmp(s + i, "GMT", 3) == 0) {
        zone = 0;
        i += 3;
    } else if (len - i >= 3 && memcmp(s + i, "UTC", 3) == 0) {
        zone = 0;
        i += 3;
    } else if (len - i >= 2 && memcmp(s + i, "UT", 2) == 0) {
        zone = 0;
        i += 2;
    } else {
        return false;
    }
    if (!plain_tail(s, len, i))
        return false;
    *d = (struct date_parts){.year = year,
                             .month = month + 1,
                             .day = day,
                             .hour = hour,
                             .min = min,
                             .sec = sec,
                             .year_digits = 4,
                             .zone = zone,
                             .have_year = true,
                             .have_month = true,
                             .have_day = true,
                             .have_time = true,
                             .have_zone = true};
    return true;
}

/* The UTC seconds of what scan() or scan_common() found. */
static int date_of(struct date_parts d, time_t *out)
{
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

int mime_date_parse(const char *s, size_t len, time_t *out)
{
    struct date_parts d = {0};
    if (!scan_common(&d, s, len))
        scan(&d, s, len);
    return date_of(d, out);
}

int mime_date_parse_general(const char *s, size_t len, time_t *out)
{
    struct date_parts d = {0};
    scan(&d, s, len);
    return date_of(d, out);
}
