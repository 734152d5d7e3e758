/* The output directory and the `report` command: see commands.h. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "commands.h"
#include "rebuild.h"
#include "context.h"
#include "reports.h"
#include "stats.h"
#include "options.h"
#include "report_csv.h"
#include "isolate.h"

int cs_cmd_prepare_out(const char *dir, struct cs_csv_writer **csv)
{
    char path[CS_PATH_LEN], why[300];

    *csv = NULL;
    if (cs_make_dirs(dir)) {
        fprintf(stderr, "comstress: --out '%s': cannot create the directory: %s\n",
                dir, cs_win32_text(GetLastError(), why, sizeof(why)));
        return CS_EXIT_OUTPUT;
    }
    snprintf(path, sizeof(path), "%s/samples.csv", dir);
    if (!(*csv = cs_csv_open(path))) {
        fprintf(stderr, "comstress: --out '%s': cannot write %s\n", dir, path);
        return CS_EXIT_OUTPUT;
    }
    return CS_EXIT_OK;
}

/*
 * `comstress report DIR`: everything is rebuilt from DIR/samples.csv, the
 * one file written as the run went, so a run that crashed or hung still
 * gets its reports. Partial rows (a crash mid-write) are skipped and
 * counted. Returns CS_EXIT_OK, or CS_EXIT_OUTPUT after one line naming
 * the file when samples.csv is missing, unreadable or holds no sample, or
 * a report cannot be written.
 */
int cs_cmd_report(const char *dir)
{
    char path[CS_PATH_LEN], err[CS_ERR_LEN];
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
            cs_run_from_csv(&d.runs[i], &runs[n++]);
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
