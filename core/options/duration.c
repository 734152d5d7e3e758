/*
 * --duration values and clock times (duration.h).
 */
#include "duration.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cs_duration_parse(const char *text, double *seconds, char *err, size_t errlen)
{
    char *end = NULL;
    double v, unit = 1;

    *seconds = 0;
    if (!text || !*text || strchr(" \t+-", text[0])) {
        snprintf(err, errlen, "--duration: '%s' is not a duration (a number with s, m, h or d: 30s, 10m, 8h)",
                 text ? text : "");
        return -1;
    }
    v = strtod(text, &end);
    if (end == text || !isfinite(v)) {
        snprintf(err, errlen, "--duration: '%s' is not a duration (a number with s, m, h or d: 30s, 10m, 8h)", text);
        return -1;
    }
    if (*end) {
        if (end[1] || !strchr("smhd", end[0])) {
            snprintf(err, errlen, "--duration: '%s' has a unit that is not s, m, h or d", text);
            return -1;
        }
        unit = end[0] == 's' ? 1 : end[0] == 'm' ? 60 : end[0] == 'h' ? 3600 : 86400;
    }
    v *= unit;
    if (!(v > 0)) {
        snprintf(err, errlen, "--duration: '%s' is not above zero", text);
        return -1;
    }
    if (v > CS_MAX_DURATION_S) {
        snprintf(err, errlen, "--duration: '%s' is longer than 30 days", text);
        return -1;
    }
    *seconds = v;
    return 0;
}

char *cs_format_clock(double seconds, char *buf, size_t len)
{
    long long s, h, m;

    if (!isfinite(seconds) || seconds < 0) {
        snprintf(buf, len, "-");
        return buf;
    }
    s = (long long)(seconds + 0.5);
    h = s / 3600;
    m = s / 60 % 60;
    if (h)
        snprintf(buf, len, "%lld:%02lld:%02lld", h, m, s % 60);
    else
        snprintf(buf, len, "%lld:%02lld", m, s % 60);
    return buf;
}
