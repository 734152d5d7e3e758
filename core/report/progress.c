/*
 * The progress line of a long run (progress.h).
 */
#include "progress.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "duration.h"
#include "report_util.h"

/* Appends printf-style text at *at, never past len. */
static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*at >= len)
        return;
    va_start(ap, fmt);
    n = vsnprintf(buf + *at, len - *at, fmt, ap);
    va_end(ap);
    if (n > 0)
        *at = *at + (size_t)n < len ? *at + (size_t)n : len - 1;
}

/* The seconds left: to the duration, or at the pace so far to the
 * planned iterations; negative when not known. */
static double time_left(const cs_progress *p)
{
    if (p->duration_s > 0)
        return p->duration_s > p->elapsed_s ? p->duration_s - p->elapsed_s : 0;
    if (p->done <= 0 || p->elapsed_s <= 0 || p->total <= 0)
        return -1;
    return p->elapsed_s * (double)(p->total - p->done) / (double)p->done;
}

char *cs_progress_line(const cs_progress *p, char *buf, size_t len)
{
    char a[32], b[32], heap[32];
    size_t at = 0;
    double left = time_left(p);

    if (!len)
        return buf;
    buf[0] = '\0';
    put(buf, len, &at, "progress: ");
    if (p->name)
        put(buf, len, &at, "%s, ", p->name);
    if (p->total > 0)
        put(buf, len, &at, "%lld/%lld iterations (%.0f%%)", p->done, p->total,
            floor(100.0 * (double)p->done / (double)p->total));
    else
        put(buf, len, &at, "%lld iterations", p->done);
    if (isfinite(p->calls_per_second) && p->calls_per_second > 0)
        put(buf, len, &at, ", %.0f calls/s", p->calls_per_second);
    if (isfinite(p->heap_bytes))
        put(buf, len, &at, ", heap %s", cs_format_bytes(p->heap_bytes, heap, sizeof(heap)));
    if (p->duration_s > 0)
        put(buf, len, &at, ", %s of %s (%.0f%%)", cs_format_clock(p->elapsed_s, a, sizeof(a)),
            cs_format_clock(p->duration_s, b, sizeof(b)),
            floor(100.0 * fmin(p->elapsed_s / p->duration_s, 1.0)));
    else
        put(buf, len, &at, ", %s elapsed", cs_format_clock(p->elapsed_s, a, sizeof(a)));
    if (left >= 0)
        put(buf, len, &at, ", %s left", cs_format_clock(left, b, sizeof(b)));
    return buf;
}

int cs_progress_due(double now_s, double last_s, int terminal, double period_s)
{
    if (last_s < 0)
        return terminal || now_s >= period_s;
    return now_s - last_s >= (terminal ? 0.25 : period_s);
}
