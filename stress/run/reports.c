/* From samples.csv to the report files; see reports.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "reports.h"
#include "report_csv.h"
#include "report_json.h"
#include "report_svg.h"
#include "report_html.h"
#include "report_junit.h"
#include "stats.h"

static void csv_path(const char *dir, const char *file, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", dir, file);
}

int cs_reports_verdicts(const char *dir, cs_run *r, const cs_verdict_params *p,
                        char *err, size_t errlen)
{
    char path[1024];
    cs_csv_data d;
    const cs_csv_run *cr;
    int rc = 0;

    memset(&d, 0, sizeof(d));
    csv_path(dir, "samples.csv", path, sizeof(path));
    r->heap_bytes_per_iteration = NAN;
    if (cs_csv_read(path, &d, err, errlen))
        rc = -1;
    else if ((cr = cs_csv_find(&d, r->name)))
        cs_run_verdicts(r, cr->samples, cr->n, p->warmup, p->max_leak_bytes);
    cs_csv_free(&d);
    return rc;
}

void cs_reports_print_verdicts(const cs_run *r)
{
    size_t i;

    for (i = 0; i < r->nverdicts; i++) {
        const cs_verdict *v = &r->verdicts[i];
        printf("  %-18s %-12s %+10.2f %s/iteration  [%.2f, %.2f]\n", cs_metric_name(v->metric),
               cs_verdict_name(v->kind), v->per_iteration, cs_metric_unit(v->metric), v->ci_low, v->ci_high);
    }
}

/* Pairs each run with its samples for the chart (runs without samples
 * are charted empty). */
static cs_chart_run *chart_runs(const cs_csv_data *d, const cs_run *runs, size_t n)
{
    cs_chart_run *c = calloc(n ? n : 1, sizeof(*c));
    const cs_csv_run *cr;
    size_t i;

    if (!c)
        return NULL;
    for (i = 0; i < n; i++) {
        c[i].run = &runs[i];
        if ((cr = cs_csv_find(d, runs[i].name))) {
            c[i].samples = cr->samples;
            c[i].n = cr->n;
        }
    }
    return c;
}

int cs_reports_write(const char *dir, const cs_context *ctx, const cs_run *runs, size_t n,
                     char *err, size_t errlen)
{
    char path[1024], rerr[512];
    cs_csv_data d;
    cs_chart_run *charts;
    int rc = 0;

    memset(&d, 0, sizeof(d));
    csv_path(dir, "samples.csv", path, sizeof(path));
    cs_csv_read(path, &d, rerr, sizeof(rerr));   /* no samples: empty charts */
    if (!(charts = chart_runs(&d, runs, n))) {
        snprintf(err, errlen, "out of memory writing the reports");
        cs_csv_free(&d);
        return -1;
    }
    csv_path(dir, "run.json", path, sizeof(path));
    rc = cs_json_write_path(path, ctx, runs, n, err, errlen);
    csv_path(dir, "memory.svg", path, sizeof(path));
    if (!rc)
        rc = cs_svg_write_path(path, charts, n, err, errlen);
    csv_path(dir, "report.html", path, sizeof(path));
    if (!rc)
        rc = cs_html_write_path(path, ctx, charts, n, err, errlen);
    csv_path(dir, "junit.xml", path, sizeof(path));
    if (!rc)
        rc = cs_junit_write_path(path, runs, n, err, errlen);
    free(charts);
    cs_csv_free(&d);
    return rc;
}
