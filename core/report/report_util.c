/* Escaping and number formatting for the report writers; see report_util.h. */
#include "report_util.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "utf8.h"

void cs_put_json_string(FILE *f, const char *s)
{
    const unsigned char *p;

    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (p = (const unsigned char *)s; *p; p++) {
        uint32_t cp;
        size_t used = cs_utf8_next((const char *)p, strlen((const char *)p), &cp);

        if (used > 1 || cp == CS_REPLACEMENT) {      /* UTF-8 kept, bad bytes replaced */
            if (cp == CS_REPLACEMENT && used == 1)
                fputs("\\ufffd", f);
            else
                fwrite(p, 1, used, f);
            p += used - 1;
            continue;
        }
        switch (*p) {
        case '"':  fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void cs_put_json_number(FILE *f, double v)
{
    if (!isfinite(v))
        fputs("null", f);
    else if (v == floor(v) && fabs(v) <= 9007199254740992.0)
        fprintf(f, "%.0f", v);
    else
        fprintf(f, "%.17g", v);
}

void cs_put_xml(FILE *f, const char *s)
{
    const unsigned char *p;

    for (p = (const unsigned char *)s; p && *p; p++) {
        uint32_t cp;
        size_t used = cs_utf8_next((const char *)p, strlen((const char *)p), &cp);

        if (used > 1 || cp == CS_REPLACEMENT) {      /* UTF-8 kept, bad bytes replaced */
            if (cp == CS_REPLACEMENT && used == 1)
                fputs("&#xFFFD;", f);
            else
                fwrite(p, 1, used, f);
            p += used - 1;
            continue;
        }
        switch (*p) {
        case '&':  fputs("&amp;", f); break;
        case '<':  fputs("&lt;", f); break;
        case '>':  fputs("&gt;", f); break;
        case '"':  fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                fputs("&#xFFFD;", f);
            else
                fputc(*p, f);
        }
    }
}

char *cs_format_bytes(double v, char *buf, size_t len)
{
    static const char *const units[] = { "KB", "MB", "GB", "TB" };
    double a = fabs(v);
    int u = -1;

    if (!isfinite(v)) {
        snprintf(buf, len, "n/a");
        return buf;
    }
    if (a >= 1125899906842624.0) {          /* 1024 TB */
        snprintf(buf, len, "%.3g B", v);
        return buf;
    }
    while (a >= 1024 && u < 3) {
        a /= 1024;
        v /= 1024;
        u++;
    }
    if (u < 0)   /* a tick a hair below zero would print as "-0 B" */
        snprintf(buf, len, "%.0f B", fabs(v) < 0.5 ? 0.0 : v);
    else
        snprintf(buf, len, a < 10 ? "%.2f %s" : a < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    return buf;
}

/* Where a figure printed in full stops being readable. */
#define HUGE_FIGURE 1e15

char *cs_format_count(double v, char *buf, size_t len)
{
    if (!isfinite(v))
        snprintf(buf, len, "n/a");
    else
        snprintf(buf, len, fabs(v) < HUGE_FIGURE ? "%.0f" : "%.3g", v);
    return buf;
}

char *cs_format_figure(double v, char *buf, size_t len)
{
    if (v <= 0 && v > -0.005)
        v = 0.0;                    /* -0.0 or a slope that rounds to it: "0.00", never "-0.00" */
    if (!isfinite(v))
        snprintf(buf, len, "n/a");
    else
        snprintf(buf, len, fabs(v) < HUGE_FIGURE ? "%.2f" : "%.3g", v);
    return buf;
}

/* The temporary name a report is written under until it is complete. */
static char *part_name(const char *path)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + sizeof(CS_REPORT_PART));

    if (tmp) {
        memcpy(tmp, path, n);
        memcpy(tmp + n, CS_REPORT_PART, sizeof(CS_REPORT_PART));
    }
    return tmp;
}

FILE *cs_report_open(const char *path, char *err, size_t errlen)
{
    char *tmp = part_name(path);
    FILE *f = tmp ? cs_fopen(tmp, "wb") : NULL;

    if (!f)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(tmp ? errno : ENOMEM));
    free(tmp);
    return f;
}

int cs_report_close(FILE *f, int write_rc, const char *path, char *err, size_t errlen)
{
    char *tmp = part_name(path);
    int failed = fclose(f) != 0 || write_rc != 0;

    if (!tmp) {
        snprintf(err, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    if (failed) {
        snprintf(err, errlen, "cannot write %s: write error (disk full?)", path);
        cs_remove_file(tmp);
    } else if (cs_replace_file(tmp, path)) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        cs_remove_file(tmp);
        failed = 1;
    }
    free(tmp);
    return failed ? -1 : 0;
}
