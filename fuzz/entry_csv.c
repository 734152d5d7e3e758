/* Fuzz entry of samples.csv read back and the reports rebuilt from it;
 * see fuzz_entries.h. */
#include "fuzz_entries.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_io.h"
#include "options.h"
#include "rebuild.h"
#include "judge.h"
#include "report_csv.h"
#include "report_html.h"
#include "report_json.h"
#include "report_junit.h"
#include "report_svg.h"

/* Longest digit run a coordinate may print: "-123456.7" is 7 digits;
 * 12 leaves room for the SVG's own height on thousands of runs. */
#define MAX_DIGITS 12

/* Does the tag text [p, end) hold word (case-insensitive)? */
static int tag_has(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);

    for (; p + n <= end; p++) {
        size_t i = 0;
        while (i < n && tolower((unsigned char)p[i]) == word[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

const char *cs_fuzz_check_svg(const char *svg)
{
    const char *p = svg, *end;

    while ((p = strchr(p, '<'))) {
        size_t digits = 0;

        if (!(end = strchr(p + 1, '>')))
            return "svg: a tag is never closed";
        if (memchr(p + 1, '<', (size_t)(end - p - 1)))
            return "svg: '<' inside a tag";
        if (tag_has(p, end, "inf") || tag_has(p, end, "nan"))
            return "svg: a non-finite number inside a tag";
        for (; p < end; p++) {
            digits = isdigit((unsigned char)*p) ? digits + 1 : 0;
            if (digits > MAX_DIGITS)
                return "svg: a number too long to be a pixel position";
        }
    }
    return NULL;
}

/* Everything checked about the data read back: each run named, sampled,
 * and found by name (names are unique); no more rows than lines. */
static const char *check_data(const cs_csv_data *d, const unsigned char *data, size_t size)
{
    size_t i, rows = 0, lines = 1;

    for (i = 0; i < size; i++)
        lines += data[i] == '\n';
    for (i = 0; i < d->nruns; i++) {
        if (!d->runs[i].name || !d->runs[i].n)
            return "csv: a run without a name or samples";
        if (cs_csv_find(d, d->runs[i].name) != &d->runs[i])
            return "csv: a run not found by its name";
        rows += d->runs[i].n;
    }
    if (rows + d->skipped >= lines)
        return "csv: more rows than lines";
    if (d->skipped && !d->first_skipped_line)
        return "csv: rows skipped without a first line number";
    return NULL;
}

/* Writes every report of the rebuilt runs into one sink, the SVG alone
 * into another, and checks both. */
static const char *write_reports(cs_run *runs, cs_chart_run *charts, size_t n,
                                 size_t samples, size_t size)
{
    cs_fuzz_sink all, svg;
    const char *problem = NULL, *text;
    /* Generous and linear: per run, per sample and per input byte (a
     * name is escaped into every file, a few dozen times in all). */
    size_t bound = 65536 + 65536 * n + 256 * samples + 512 * size;

    if (cs_fuzz_sink_open(&all))
        return NULL;
    if (cs_fuzz_sink_open(&svg)) {
        cs_fuzz_sink_close(&all);
        return NULL;
    }
    if (cs_json_write(all.f, NULL, runs, n) || cs_html_write(all.f, NULL, charts, n)
        || cs_junit_write(all.f, runs, n) || cs_svg_write(svg.f, charts, n))
        problem = "reports: a writer failed on a memory stream";
    if (!problem && (text = cs_fuzz_sink_text(&svg)))
        problem = cs_fuzz_check_svg(text);
    if (!problem && cs_fuzz_sink_text(&all) && all.len + svg.len > bound)
        problem = "reports: output out of proportion to the input";
    cs_fuzz_sink_close(&svg);
    cs_fuzz_sink_close(&all);
    return problem;
}

const char *cs_fuzz_csv(const unsigned char *data, size_t size)
{
    FILE *f = cs_fuzz_input(data, size);
    char err[CS_ERR_LEN];
    const char *problem;
    cs_chart_run *charts = NULL;
    cs_run *runs = NULL;
    size_t i, samples = 0;
    cs_judgement j;
    cs_csv_data d;
    int rc;

    if (!f)
        return NULL;
    err[0] = 0;
    rc = cs_csv_read_stream(f, "samples.csv", &d, err, sizeof(err));
    fclose(f);
    if (rc) {
        cs_csv_free(&d);
        return err[0] ? NULL : "csv: failure without a message";
    }
    if ((problem = check_data(&d, data, size)) || !d.nruns)
        goto out_free_data;
    runs = calloc(d.nruns, sizeof(*runs));
    charts = calloc(d.nruns, sizeof(*charts));
    if (!runs || !charts)
        goto out_free_data;
    for (i = 0; i < d.nruns; i++) {
        cs_run_from_csv(&d.runs[i], &runs[i]);
        charts[i].run = &runs[i];
        charts[i].samples = d.runs[i].samples;
        charts[i].n = d.runs[i].n;
        samples += d.runs[i].n;
        (void)cs_judge(&runs[i], runs[i].fail_on, &j);
    }
    problem = write_reports(runs, charts, d.nruns, samples, size);
out_free_data:
    free(charts);
    free(runs);
    cs_csv_free(&d);
    return problem;
}
