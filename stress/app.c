/* See app.h. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "app.h"
#include "context.h"
#include "reports.h"
#include "stats.h"
#include "options.h"
#include "report_csv.h"
#include "isolate.h"
#include "suite.h"

int cs_app_prepare_out(const char *dir, struct cs_csv_writer **csv)
{
    char path[MAX_PATH];

    *csv = NULL;
    if (cs_make_dirs(dir)) {
        fprintf(stderr, "comstress: --out '%s': cannot create the directory (error %lu)\n",
                dir, GetLastError());
        return CS_EXIT_OUTPUT;
    }
    snprintf(path, sizeof(path), "%s/samples.csv", dir);
    if (!(*csv = cs_csv_open(path))) {
        fprintf(stderr, "comstress: --out '%s': cannot write %s\n", dir, path);
        return CS_EXIT_OUTPUT;
    }
    return CS_EXIT_OK;
}

int cs_app_dispatch_extra(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "suite"))
        return cs_suite_main(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "child"))
        return cs_child_main(argc, argv);
    return -1;
}

/* The value of metric m in the last sample that measured it, or NaN. */
static double last_value(const cs_csv_run *cr, cs_metric m)
{
    size_t i = cr->n;

    while (i-- > 0)
        if (!isnan(cr->samples[i].v[m]))
            return cr->samples[i].v[m];
    return NAN;
}

/* A count from the last sample, -1 ("not measured") when never sampled. */
static long long last_count(const cs_csv_run *cr, cs_metric m)
{
    double v = last_value(cr, m);

    return isnan(v) ? -1 : (long long)v;
}

/*
 * Rebuilds what the CSV can tell about one run: its name and cache policy
 * (the part of the name after '/', NULL when the name has none), the
 * iterations and seconds of its last sample, the probe and cache counters
 * of its last sample, and the verdicts with default parameters and a 10%
 * warm-up, the same defaults `run` uses. What only the live run knew
 * (target, calls, binds, release checks) is left "not measured".
 */
static void run_from_csv(const cs_csv_run *cr, cs_run *r)
{
    const cs_sample *last = &cr->samples[cr->n - 1];
    const char *slash = strchr(cr->name, '/');

    memset(r, 0, sizeof(*r));
    r->name = cr->name;
    r->cache = slash ? slash + 1 : NULL;
    r->iterations = last->iteration;
    r->warmup = cs_default_warmup(r->iterations);
    r->seconds = last->elapsed_s;
    r->calls_per_second = NAN;
    r->sampling_seconds = NAN;
    r->sample_every_end = cr->n > 1 ? last->iteration - cr->samples[cr->n - 2].iteration : 0;
    r->live_objects_end = (long)last_count(cr, CS_M_LIVE_OBJECTS);
    r->server_locks_end = (long)last_count(cr, CS_M_SERVER_LOCKS);
    r->binds = r->getidsofnames_calls = r->type_fallbacks = -1;
    r->cache_entries_end = last_count(cr, CS_M_CACHE_ENTRIES);
    r->cache_bytes_end = last_count(cr, CS_M_CACHE_BYTES);
    r->threads = 0;
    cs_run_verdicts(r, cr->samples, cr->n, r->warmup, -1);
}

/* The verdict lines of one rebuilt run, as `run` prints them. */
/*
 * `comstress report DIR`: everything is rebuilt from DIR/samples.csv, the
 * one file written as the run went, so a run that crashed or hung still
 * gets its reports. Partial rows (a crash mid-write) are skipped and
 * counted. Returns CS_EXIT_OK, or CS_EXIT_OUTPUT after one line naming
 * the file when samples.csv is missing, unreadable or holds no sample, or
 * a report cannot be written.
 */
int cs_app_report(const char *dir)
{
    char path[MAX_PATH], err[600];
    char *argv[] = { "comstress", "report", (char *)dir };
    cs_context_store ctx;
    cs_csv_data d;
    cs_run *runs = NULL;
    size_t i, n = 0;
    int rc = CS_EXIT_OUTPUT;

    memset(&d, 0, sizeof(d));
    snprintf(path, sizeof(path), "%s/samples.csv", dir);
    if (cs_csv_read(path, &d, err, sizeof(err))) {
        fprintf(stderr, "comstress: report: %s\n", err);
        goto out_free_csv;
    }
    if (!(runs = calloc(d.nruns ? d.nruns : 1, sizeof(*runs)))) {
        fprintf(stderr, "comstress: report: out of memory reading %s\n", path);
        rc = CS_EXIT_INTERNAL;
        goto out_free_csv;
    }
    for (i = 0; i < d.nruns; i++)
        if (d.runs[i].n)
            run_from_csv(&d.runs[i], &runs[n++]);
    if (!n) {
        fprintf(stderr, "comstress: report: %s holds no samples\n", path);
        goto out_free_runs;
    }
    if (d.skipped)
        printf("note: %zu partial or malformed rows of %s skipped\n", d.skipped, path);
    for (i = 0; i < n; i++) {
        printf("%s: %lld iterations, %zu samples, warm-up %lld\n", runs[i].name, runs[i].iterations,
               runs[i].samples, runs[i].warmup);
        cs_reports_print_verdicts(&runs[i]);
    }
    cs_context_fill(&ctx, 3, argv);
    if (cs_reports_write(dir, &ctx.ctx, runs, n, err, sizeof(err))) {
        fprintf(stderr, "comstress: report: %s\n", err);
        goto out_free_runs;
    }
    printf("reports: %s (run.json, memory.svg, report.html, junit.xml) rebuilt from samples.csv\n", dir);
    rc = CS_EXIT_OK;
out_free_runs:
    free(runs);
out_free_csv:
    cs_csv_free(&d);
    return rc;
}
