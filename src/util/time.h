/* Dates as RFC 5322 writes them. */
#ifndef ENVOI_UTIL_TIME_H
#define ENVOI_UTIL_TIME_H

#include <stddef.h>
#include <time.h>

#define ENVOI_RFC5322_DATE_SIZE 40

/* "Sat, 21 Nov 2026 21:07:17 +0000": local time with its numeric zone,
 * English names whatever the locale. out needs ENVOI_RFC5322_DATE_SIZE bytes.
 * 0, or ENVOI_EINVAL when the time cannot be represented. */
int envoi_time_rfc5322(time_t t, char *out, size_t size);

#endif
