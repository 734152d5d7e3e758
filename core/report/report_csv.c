/* samples.csv writer and reader; see report_csv.h. */
#include "report_csv.h"
#include "utf8.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct cs_csv_writer {
    FILE *f;
    size_t rows;
    int failed;
};

/* A text field, quoted (RFC 4180) only when it has to be. */
static void put_field(FILE *f, const char *s)
{
    if (!s)
        s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* A metric value: exact (round-trips through strtod), empty for NaN. */
static void put_value(FILE *f, double v)
{
    if (!isfinite(v))
        return;
    if (v == floor(v) && fabs(v) <= 9007199254740992.0)
        fprintf(f, "%.0f", v);
    else
        fprintf(f, "%.17g", v);
}

cs_csv_writer *cs_csv_open(const char *path)
{
    cs_csv_writer *w = calloc(1, sizeof(*w));
    int m;

    if (!w)
        return NULL;
    /* binary: the same bytes on Windows and elsewhere, LF line ends */
    if (!(w->f = cs_fopen(path, "wb"))) {
        free(w);
        return NULL;
    }
    fputs("run,iteration,elapsed_s", w->f);
    for (m = 0; m < CS_M_COUNT; m++)
        fprintf(w->f, ",%s", cs_metric_name((cs_metric)m));
    fputc('\n', w->f);
    if (fflush(w->f) || ferror(w->f)) {
        fclose(w->f);
        free(w);
        return NULL;
    }
    return w;
}

int cs_csv_write(cs_csv_writer *w, const char *run, const cs_sample *s)
{
    int m;

    if (!w || !s)
        return -1;
    put_field(w->f, run);
    fprintf(w->f, ",%lld,%.6f", s->iteration, isfinite(s->elapsed_s) ? s->elapsed_s : 0.0);
    for (m = 0; m < CS_M_COUNT; m++) {
        fputc(',', w->f);
        put_value(w->f, s->v[m]);
    }
    fputc('\n', w->f);
    if (fflush(w->f) || ferror(w->f)) {
        w->failed = 1;
        clearerr(w->f);
        return -1;
    }
    w->rows++;
    return 0;
}

size_t cs_csv_rows(const cs_csv_writer *w)
{
    return w ? w->rows : 0;
}

int cs_csv_close(cs_csv_writer *w)
{
    int rc;

    if (!w)
        return 0;
    rc = fclose(w->f) || w->failed ? -1 : 0;
    free(w);
    return rc;
}

/* ---- reader ---- */

#define MAX_COLUMNS 64
enum { COL_IGNORE = -1, COL_RUN = -2, COL_ITERATION = -3, COL_ELAPSED = -4 };

/* Reads one line into *buf (NUL-terminated, newline and CR removed).
 * Returns 1 for a complete line, 0 for a last line cut short (no
 * newline), -1 at end of file, -2 when out of memory. */
static int read_line(FILE *f, char **buf, size_t *cap)
{
    size_t len = 0;

    for (;;) {
        if (*cap - len < 2) {
            char *nb = realloc(*buf, *cap * 2 + 256);
            if (!nb)
                return -2;
            *buf = nb;
            *cap = *cap * 2 + 256;
        }
        if (!fgets(*buf + len, (int)(*cap - len), f))
            return len ? 0 : -1;
        len += strlen(*buf + len);
        if (len && (*buf)[len - 1] == '\n') {
            (*buf)[--len] = 0;
            if (len && (*buf)[len - 1] == '\r')
                (*buf)[--len] = 0;
            return 1;
        }
    }
}

/* Splits line in place into at most max fields, unquoting quoted ones.
 * Returns the field count, or -1 for a malformed quote or too many. */
static int split_fields(char *line, char **fields, int max)
{
    char *r = line, *w;
    int n = 0;

    for (;;) {
        if (n == max)
            return -1;
        fields[n++] = w = r;
        if (*r == '"') {
            for (r++;; r++) {
                if (!*r)
                    return -1;
                if (*r == '"' && r[1] != '"')
                    break;
                if (*r == '"')
                    r++;
                *w++ = *r;
            }
            r++;
            if (*r && *r != ',')
                return -1;
        } else {
            while (*r && *r != ',')
                *w++ = *r++;
        }
        if (!*r) {
            *w = 0;
            return n;
        }
        *w = 0;
        r++;
    }
}

/* Maps header names to column roles. Returns the column count, or -1
 * when the run or iteration column is missing. */
static int parse_header(char *line, int *roles)
{
    char *fields[MAX_COLUMNS];
    int n = split_fields(line, fields, MAX_COLUMNS), i, have = 0;

    for (i = 0; i < n; i++) {
        cs_metric m = cs_metric_from_name(fields[i]);
        roles[i] = m != CS_M_COUNT ? (int)m : COL_IGNORE;
        if (!strcmp(fields[i], "run"))
            roles[i] = COL_RUN, have |= 1;
        else if (!strcmp(fields[i], "iteration"))
            roles[i] = COL_ITERATION, have |= 2;
        else if (!strcmp(fields[i], "elapsed_s"))
            roles[i] = COL_ELAPSED;
    }
    return have == 3 ? n : -1;
}

/* A whole field as a number; empty is NaN. Returns 0, -1 if not a number. */
static int parse_double(const char *s, double *v)
{
    char *end;

    if (!*s) {
        *v = NAN;
        return 0;
    }
    errno = 0;
    *v = strtod(s, &end);
    return *end || errno == ERANGE ? -1 : 0;
}

/* Parses one data row. Returns 0, or -1 when the row is malformed. */
static int parse_row(char *line, const int *roles, int ncols, const char **run, cs_sample *s)
{
    char *fields[MAX_COLUMNS], *end;
    int n = split_fields(line, fields, MAX_COLUMNS), i, m;
    double d;

    if (n != ncols)
        return -1;
    memset(s, 0, sizeof(*s));
    for (m = 0; m < CS_M_COUNT; m++)
        s->v[m] = NAN;
    for (i = 0; i < n; i++) {
        if (roles[i] == COL_RUN) {
            *run = fields[i];
        } else if (roles[i] == COL_ITERATION) {
            errno = 0;
            s->iteration = strtoll(fields[i], &end, 10);
            if (!*fields[i] || *end || errno)
                return -1;
        } else if (roles[i] != COL_IGNORE) {
            if (parse_double(fields[i], &d))
                return -1;
            if (roles[i] == COL_ELAPSED)
                s->elapsed_s = d;
            else
                s->v[roles[i]] = d;
        }
    }
    return 0;
}

/* Appends s to run `name`, creating the run on first sight. */
static int add_sample(cs_csv_data *d, const char *name, const cs_sample *s)
{
    cs_csv_run *r = NULL;
    size_t i;

    for (i = 0; i < d->nruns && !r; i++)
        if (!strcmp(d->runs[i].name, name))
            r = &d->runs[i];
    if (!r) {
        if (d->nruns == d->cap) {
            cs_csv_run *nr = realloc(d->runs, (d->cap * 2 + 4) * sizeof(*nr));
            if (!nr)
                return -1;
            d->runs = nr;
            d->cap = d->cap * 2 + 4;
        }
        r = &d->runs[d->nruns];
        memset(r, 0, sizeof(*r));
        if (!(r->name = malloc(strlen(name) + 1)))
            return -1;
        strcpy(r->name, name);
        d->nruns++;
    }
    if (r->n == r->cap) {
        cs_sample *ns = realloc(r->samples, (r->cap * 2 + 64) * sizeof(*ns));
        if (!ns)
            return -1;
        r->samples = ns;
        r->cap = r->cap * 2 + 64;
    }
    r->samples[r->n++] = *s;
    return 0;
}

int cs_csv_read_stream(FILE *f, const char *name, cs_csv_data *d, char *err, size_t errlen)
{
    int roles[MAX_COLUMNS], ncols, rc;
    char *line = NULL;
    size_t cap = 0;
    const char *run;
    cs_sample s;

    memset(d, 0, sizeof(*d));
    if ((rc = read_line(f, &line, &cap)) != 1 || (ncols = parse_header(line, roles)) < 0) {
        snprintf(err, errlen, "%s: %s", name, rc == -2 ? "out of memory"
                 : "no header row (expected run,iteration,elapsed_s,...)");
        free(line);
        return -1;
    }
    while ((rc = read_line(f, &line, &cap)) >= 0) {
        run = "";
        if (rc == 0 || !*line || parse_row(line, roles, ncols, &run, &s)) {
            d->skipped += rc == 0 || *line;
            continue;
        }
        if (add_sample(d, run, &s)) {
            rc = -2;
            break;
        }
    }
    free(line);
    if (rc == -2) {
        snprintf(err, errlen, "%s: out of memory reading samples", name);
        return -1;
    }
    return 0;
}

int cs_csv_read(const char *path, cs_csv_data *d, char *err, size_t errlen)
{
    FILE *f = cs_fopen(path, "rb");
    int rc;

    if (!f) {
        memset(d, 0, sizeof(*d));
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    rc = cs_csv_read_stream(f, path, d, err, errlen);
    fclose(f);
    return rc;
}

const cs_csv_run *cs_csv_find(const cs_csv_data *d, const char *name)
{
    size_t i;

    for (i = 0; i < d->nruns; i++)
        if (!strcmp(d->runs[i].name, name))
            return &d->runs[i];
    return NULL;
}

void cs_csv_free(cs_csv_data *d)
{
    size_t i;

    for (i = 0; i < d->nruns; i++) {
        free(d->runs[i].name);
        free(d->runs[i].samples);
    }
    free(d->runs);
    memset(d, 0, sizeof(*d));
}
