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
    char *path;               /* for cs_csv_thin */
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
    if (!(w->path = strdup(path)) || !(w->f = cs_fopen(path, "wb"))) {
        free(w->path);
        free(w);
        return NULL;
    }
    fputs("run,iteration,elapsed_s", w->f);
    for (m = 0; m < CS_M_COUNT; m++)
        fprintf(w->f, ",%s", cs_metric_name((cs_metric)m));
    fputc('\n', w->f);
    if (fflush(w->f) || ferror(w->f)) {
        fclose(w->f);
        free(w->path);
        free(w);
        return NULL;
    }
    return w;
}

int cs_csv_write(cs_csv_writer *w, const char *run, const cs_sample *s)
{
    int m;

    if (!w || !s || !w->f)
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
    rc = (w->f && fclose(w->f)) || w->failed ? -1 : 0;
    free(w->path);
    free(w);
    return rc;
}

/* Does line (a row of samples.csv) belong to the run whose first field,
 * as written, is head (with its comma)? */
static int row_of(const char *line, const char *head, size_t hn)
{
    return !strncmp(line, head, hn);
}

/* Does the row (past its run field, at p) have a heap figure? The heap
 * bytes are the field after iteration and elapsed_s. */
static int has_heap(const char *p)
{
    int commas = 0;

    for (; *p && *p != '\n' && commas < 2; p++)
        commas += *p == ',';
    return commas == 2 && *p && *p != ',' && *p != '\n';
}

/* Writes text's lines to out, thinning run's rows (head: its first field
 * as written, with the comma; keep_walked: see cs_csv_thin). Returns the
 * rows of run kept. */
static long thin_text(const char *text, const char *head, int keep_walked, FILE *out)
{
    size_t hn = strlen(head), k = 0;
    const char *line = text, *end;
    long kept = 0;
    int first = 1;

    for (; *line; line = end) {
        end = strchr(line, '\n');
        end = end ? end + 1 : line + strlen(line);
        if (!first && row_of(line, head, hn)) {
            if (k++ % 2 && !(keep_walked && has_heap(line + hn)))
                continue;
            kept++;
        }
        first = 0;
        fwrite(line, 1, (size_t)(end - line), out);
    }
    return kept;
}

long cs_csv_thin(cs_csv_writer *w, const char *run, int keep_walked)
{
    char head[512], *text, *tmp;
    FILE *out;
    long kept = -1;
    size_t n;

    if (!w || !w->f || fflush(w->f))
        return -1;
    if (strpbrk(run, ",\"\r\n") || strlen(run) + 2 > sizeof(head))
        return -1;                    /* names are plain: "run/type" */
    snprintf(head, sizeof(head), "%s,", run);
    n = strlen(w->path);
    if (!(tmp = malloc(n + 6)))
        return -1;
    memcpy(tmp, w->path, n);
    memcpy(tmp + n, ".thin", 6);
    fclose(w->f);                     /* Windows replaces no open file */
    w->f = NULL;
    if ((text = cs_read_whole(w->path)) && (out = cs_fopen(tmp, "wb"))) {
        kept = thin_text(text, head, keep_walked, out);
        if (fflush(out) || ferror(out))
            kept = -1;
        if (fclose(out) || kept < 0 || cs_replace_file(tmp, w->path)) {
            kept = -1;
            cs_remove_file(tmp);
        }
    }
    free(text);
    free(tmp);
    if (!(w->f = cs_fopen(w->path, "ab")))
        w->failed = 1;
    return kept;
}

/* ---- reader ---- */

#define MAX_COLUMNS 64
enum { COL_IGNORE = -1, COL_RUN = -2, COL_ITERATION = -3, COL_ELAPSED = -4 };

/* What read_line found. */
enum { LINE_BINARY = -3, LINE_OOM = -2, LINE_EOF = -1, LINE_CUT = 0, LINE_OK = 1, LINE_NUL = 2, LINE_LONG = 3 };

/* Reads one line into *buf (NUL-terminated, newline and CR removed), one
 * byte at a time, so a NUL byte is seen rather than cutting the line.
 * Returns LINE_OK; LINE_CUT for a last line without its newline (a crash
 * mid-write); LINE_NUL when the line holds a NUL byte; LINE_LONG when it
 * is longer than CS_CSV_MAX_LINE (the rest is read and dropped, so memory
 * stays bounded); LINE_EOF at the end; LINE_OOM; LINE_BINARY, at once,
 * when a line passes CS_CSV_MAX_LINE holding a NUL byte: no text, and
 * maybe no end (a device such as /dev/zero), so reading stops there. */
static int read_line(FILE *f, char **buf, size_t *cap)
{
    size_t len = 0;
    int c, nul = 0, any = 0;

    while ((c = getc(f)) != EOF && c != '\n') {
        any = 1;
        nul |= c == 0;
        if (len >= CS_CSV_MAX_LINE && nul)
            return LINE_BINARY;
        if (len >= CS_CSV_MAX_LINE)
            continue;
        if (len + 2 > *cap) {
            size_t ncap = *cap * 2 + 256;
            char *nb = realloc(*buf, ncap);
            if (!nb)
                return LINE_OOM;
            *buf = nb;
            *cap = ncap;
        }
        (*buf)[len++] = (char)c;
    }
    if (c == EOF && !any)
        return LINE_EOF;
    if (!*buf && !(*buf = malloc(*cap = 256)))
        return LINE_OOM;
    if (len && (*buf)[len - 1] == '\r')
        len--;
    (*buf)[len] = 0;
    if (len >= CS_CSV_MAX_LINE)
        return LINE_LONG;
    return c == EOF ? LINE_CUT : nul ? LINE_NUL : LINE_OK;
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

/* A field quoted in a reason, cut short so the reason stays one line. */
static const char *shown(const char *s, char *buf, size_t len)
{
    size_t i;

    for (i = 0; s[i] && i + 1 < len; i++)
        buf[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
    buf[i] = 0;
    if (s[i] && len > 4)
        memcpy(buf + len - 4, "...", 4);
    return buf;
}

/* A whole field as a finite number; empty is NaN (not measured). A value
 * below the smallest normal double reads as the nearest double (strtod
 * flags it ERANGE but returns it); one beyond the largest, "inf" and
 * "nan" are refused. Returns 0, or -1 with the reason in why. */
static int parse_double(const char *s, const char *col, double *v, char *why, size_t whylen)
{
    char *end, buf[40];

    if (!*s) {
        *v = NAN;
        return 0;
    }
    errno = 0;
    *v = strtod(s, &end);
    if (*end || end == s)
        snprintf(why, whylen, "%s '%s' is not a number", col, shown(s, buf, sizeof(buf)));
    else if (errno == ERANGE && fabs(*v) > 1)
        snprintf(why, whylen, "%s '%s' is outside the range of a double", col, shown(s, buf, sizeof(buf)));
    else if (!isfinite(*v))
        snprintf(why, whylen, "%s '%s' is not a finite number", col, shown(s, buf, sizeof(buf)));
    else
        return 0;
    return -1;
}

/* The iteration field: a whole number, 0 or more. */
static int parse_iteration(const char *s, long long *it, char *why, size_t whylen)
{
    char *end, buf[40];

    errno = 0;
    *it = strtoll(s, &end, 10);
    if (!*s || *end || errno == ERANGE || *it < 0) {
        snprintf(why, whylen, "iteration '%s' is not a whole number from 0 up", shown(s, buf, sizeof(buf)));
        return -1;
    }
    return 0;
}

/* Parses one data row. Returns 0, or -1 with the reason in why. */
static int parse_row(char *line, const int *roles, int ncols, const char **run, cs_sample *s,
                     char *why, size_t whylen)
{
    char *fields[MAX_COLUMNS];
    int n = split_fields(line, fields, MAX_COLUMNS), i;
    double d;

    if (n != ncols) {
        if (n < 0)
            snprintf(why, whylen, "malformed quotes or more than %d fields", MAX_COLUMNS);
        else
            snprintf(why, whylen, "%d fields where the header has %d", n, ncols);
        return -1;
    }
    cs_sample_clear(s);
    for (i = 0; i < n; i++) {
        if (roles[i] == COL_RUN) {
            *run = fields[i];
        } else if (roles[i] == COL_ITERATION) {
            if (parse_iteration(fields[i], &s->iteration, why, whylen))
                return -1;
        } else if (roles[i] != COL_IGNORE) {
            const char *col = roles[i] == COL_ELAPSED ? "elapsed_s" : cs_metric_name((cs_metric)roles[i]);
            if (parse_double(fields[i], col, &d, why, whylen))
                return -1;
            if (roles[i] == COL_ELAPSED)
                s->elapsed_s = d;
            else
                s->v[roles[i]] = d;
        }
    }
    return 0;
}

/* FNV-1a: the run-name hash of the index. */
static size_t name_hash(const char *s)
{
    unsigned long long h = 14695981039346656037ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h ^ (h >> 32));
}

/* The index slot holding name, or the free slot where it belongs. */
static size_t index_slot(const cs_csv_data *d, const char *name)
{
    size_t mask = d->index_cap - 1, i = name_hash(name) & mask;

    while (d->index[i] && strcmp(d->runs[d->index[i] - 1].name, name))
        i = (i + 1) & mask;
    return i;
}

/* Doubles the index (kept at most half full) and re-enters every run.
 * Returns 0, or -1 out of memory (the old index stays). */
static int index_grow(cs_csv_data *d)
{
    size_t ncap = d->index_cap ? d->index_cap * 2 : 64, *old = d->index, i;

    if (!(d->index = calloc(ncap, sizeof(*d->index)))) {
        d->index = old;
        return -1;
    }
    free(old);
    d->index_cap = ncap;
    for (i = 0; i < d->nruns; i++)
        d->index[index_slot(d, d->runs[i].name)] = i + 1;
    return 0;
}

/* The run called name, created (empty) on first sight; NULL out of memory. */
static cs_csv_run *run_named(cs_csv_data *d, const char *name)
{
    size_t slot;
    cs_csv_run *r;

    if (2 * (d->nruns + 1) > d->index_cap && index_grow(d))
        return NULL;
    slot = index_slot(d, name);
    if (d->index[slot])
        return &d->runs[d->index[slot] - 1];
    if (d->nruns == d->cap) {
        cs_csv_run *nr = realloc(d->runs, (d->cap * 2 + 4) * sizeof(*nr));
        if (!nr)
            return NULL;
        d->runs = nr;
        d->cap = d->cap * 2 + 4;
    }
    r = &d->runs[d->nruns];
    memset(r, 0, sizeof(*r));
    if (!(r->name = malloc(strlen(name) + 1)))
        return NULL;
    strcpy(r->name, name);
    d->index[slot] = ++d->nruns;
    return r;
}

/* Appends s to run `name`. Returns 0, or -1 out of memory. */
static int add_sample(cs_csv_data *d, const char *name, const cs_sample *s)
{
    cs_csv_run *r = run_named(d, name);

    if (!r)
        return -1;
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

/* Counts a skipped row; the first one's line and reason are kept. */
static void skip_row(cs_csv_data *d, size_t lineno, const char *why)
{
    if (!d->skipped++) {
        d->first_skipped_line = lineno;
        snprintf(d->first_skipped_why, sizeof(d->first_skipped_why), "%s", why);
    }
}

/* Why a line that read_line did not return whole is skipped. */
static const char *line_problem(int rc)
{
    return rc == LINE_CUT ? "cut short (no newline at the end)"
         : rc == LINE_NUL ? "holds a NUL byte"
         : rc == LINE_LONG ? "longer than the longest line read" : NULL;
}

int cs_csv_read_stream(FILE *f, const char *name, cs_csv_data *d, char *err, size_t errlen)
{
    int roles[MAX_COLUMNS], ncols, rc;
    char *line = NULL, why[160];
    size_t cap = 0, lineno = 1;
    const char *run;
    cs_sample s;

    memset(d, 0, sizeof(*d));
    if ((rc = read_line(f, &line, &cap)) != LINE_OK || (ncols = parse_header(line, roles)) < 0) {
        snprintf(err, errlen, "%s: %s", name, rc == LINE_OOM ? "out of memory"
                 : rc == LINE_BINARY ? "not a text file (a line of NUL bytes past any length a row has)"
                 : "no header row (expected run,iteration,elapsed_s,...)");
        free(line);
        return -1;
    }
    while ((rc = read_line(f, &line, &cap)) != LINE_EOF && rc != LINE_OOM) {
        lineno++;
        run = "";
        if (rc == LINE_BINARY) {
            skip_row(d, lineno, "NUL bytes past any length a row has: reading stopped there");
            break;
        }
        if (rc != LINE_OK)
            skip_row(d, lineno, line_problem(rc));
        else if (!*line)
            continue;
        else if (parse_row(line, roles, ncols, &run, &s, why, sizeof(why)))
            skip_row(d, lineno, why);
        else if (add_sample(d, run, &s)) {
            rc = LINE_OOM;
            break;
        }
    }
    free(line);
    if (rc == LINE_OOM) {
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

    if (d->index_cap) {
        i = d->index[index_slot(d, name)];
        return i ? &d->runs[i - 1] : NULL;
    }
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
    free(d->index);
    memset(d, 0, sizeof(*d));
}
