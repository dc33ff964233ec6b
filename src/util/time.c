/* RFC 5322 date formatting (see time.h). */
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>

#include "envoi/error.h"

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int envoi_time_rfc5322(time_t t, char *out, size_t size)
{
    struct tm tm;
    if (!localtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
        tm.tm_mon > 11)
        return ENVOI_EINVAL;
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    off = labs(off);
    int n = snprintf(out, size, "%s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday],
                     tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, sign, off / 60, off % 60);
    if (n < 0 || (size_t)n >= size)
        return ENVOI_EINVAL;
    return 0;
}
