/*
 * A soak run's length (--duration 30s | 10m | 8h | 1d, or a plain number
 * of seconds), parsed without Win32. Pure.
 */
#ifndef CS_DURATION_H
#define CS_DURATION_H

#include <stddef.h>

/* The longest --duration: 30 days, far past any soak run, and well inside
 * a Win32 wait and a double's exact seconds. */
#define CS_MAX_DURATION_S (30.0 * 86400.0)

/*
 * Parses text ("90", "90s", "1.5m", "10m", "8h", "1d") into seconds in
 * *seconds. Returns 0, or -1 with one line in err naming the value: no
 * number, a unit that is not s, m, h or d ("5x"), zero or less, or more
 * than CS_MAX_DURATION_S.
 */
int cs_duration_parse(const char *text, double *seconds, char *err, size_t errlen);

/* seconds as "1:02:03" (hours:minutes:seconds, hours as many as it
 * takes) or "2:03" under an hour; "-" for a negative or non-finite
 * value. Returns buf. */
char *cs_format_clock(double seconds, char *buf, size_t len);

#endif
