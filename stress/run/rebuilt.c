/*
 * `comstress report DIR`: the reports of a run rebuilt from its
 * directory. See rebuilt.h.
 */
#include <windows.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "rebuilt.h"
#include "outdir.h"
#include "paths.h"
#include "ends.h"
#include "utf8.h"
#include "phase.h"
#include "rebuild.h"
#include "runinfo.h"
#include "context.h"
#include "reports.h"
#include "stats.h"
#include "options.h"
#include "report_csv.h"
#include "tracing.h"
#include "judge.h"
#include "status.h"
#include "paths.h"

/* The gate a phase file's notes name: the categories whole (a "fail-on
 * WORDS" note), or a first phase file's leak level with every release
 * category; *gate is left alone when neither is there. */
static void noted_gate(const char *notes, unsigned *gate)
{
    char words[128], err[CS_ERR_LEN];
    const char *p = strstr(notes, CS_NOTE_FAIL_ON);
    size_t n;
    unsigned mask;

    if (p && strncmp(p, CS_NOTE_GATE, strlen(CS_NOTE_GATE))) {
        p += strlen(CS_NOTE_FAIL_ON);
        n = strcspn(p, "\r\n;");
        snprintf(words, sizeof(words), "%.*s", (int)(n < sizeof(words) ? n : sizeof(words) - 1), p);
        if (!cs_fail_on_parse(words, &mask, err, sizeof(err)))
            *gate = mask;
    } else if ((p = strstr(notes, CS_NOTE_GATE)) && p[strlen(CS_NOTE_GATE)] >= '0'
               && p[strlen(CS_NOTE_GATE)] <= '2') {
        *gate = CS_FAIL_RELEASE | CS_FAIL_REGRESSION | (p[strlen(CS_NOTE_GATE)] == '2' ? CS_FAIL_LEAK | CS_FAIL_LEAK_ANY
                                   : p[strlen(CS_NOTE_GATE)] == '1' ? CS_FAIL_LEAK : 0);
    }
}

/*
 * The whole text of the file at path into *text (malloc'd). Returns 0
 * with *text NULL when there is no such file; 0 with the text; -1 after
 * one line naming the file, why it cannot be read and what is lost
 * (lost: "its figures are left out") when it is there but cannot be read
 * -- a directory, no permission, a file too large to hold.
 */
static int read_named(const char *path, const char *lost, char **text)
{
    DWORD attrs = cs_file_attributes(path);
    FILE *f;

    *text = NULL;
    if (attrs == INVALID_FILE_ATTRIBUTES && (GetLastError() == ERROR_FILE_NOT_FOUND
                                              || GetLastError() == ERROR_PATH_NOT_FOUND))
        return 0;
    if (attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        fprintf(stderr, "comstress: report: cannot read %s: it is a directory, not a file: %s\n", path, lost);
        return -1;
    }
    if (!(f = cs_fopen(path, "rb"))) {
        fprintf(stderr, "comstress: report: cannot read %s: %s: %s\n", path, strerror(errno), lost);
        return -1;
    }
    fclose(f);
    if (!(*text = cs_read_whole(path))) {
        fprintf(stderr, "comstress: report: cannot read %s whole (too large to hold?): %s\n", path, lost);
        return -1;
    }
    return 0;
}

/*
 * How the run in dir ended, from its phase file: the exit code it had (or
 * would have had) when it crashed, was killed, hung or was interrupted,
 * with one line in text; CS_EXIT_OK when it ended normally or left no
 * phase file. *gate gets the gate the phase file notes, if any.
 */
static int run_end(const char *dir, char *text, size_t n, unsigned *gate)
{
    char path[CS_PATH_LEN], *phase;
    cs_phase_info pi;

    text[0] = 0;
    snprintf(path, sizeof(path), "%s/%s", dir, CS_PHASE_FILE);
    if (read_named(path, "how the run ended is not known", &phase))
        return CS_EXIT_OK;
    if (!phase) {
        printf("note: %s has no %s: how the run ended is not known (its samples and records are "
               "reported as they are)\n", dir, CS_PHASE_FILE);
        return CS_EXIT_OK;
    }
    cs_phase_parse(phase, &pi);
    free(phase);
    noted_gate(pi.notes, gate);
    return cs_phase_end_code(&pi, text, n);
}

/* Parses DIR/name into *info (no file: no records). */
static void read_info(const char *dir, const char *name, cs_runinfo *info)
{
    char path[CS_PATH_LEN], *text;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (read_named(path, "its figures are left out", &text))
        return;                         /* none: the samples say what they can */
    if (cs_runinfo_parse(text, info))
        fprintf(stderr, "comstress: report: out of memory reading %s: its figures are left out\n", path);
    free(text);
}

/*
 * What only the live runs knew, merged into the rebuilt runs by name:
 * each run's final record (runs.txt), else, for a run that never reached
 * it (a crash ended the process), its provisional record (traced.txt:
 * the traced allocations of its latest snapshot, with their findings),
 * said in one line. A run with neither keeps what the samples say.
 */
static void read_records(const char *dir, cs_runinfo *info, cs_runinfo *traced, cs_run *runs, size_t n)
{
    const cs_run *rec;
    size_t i;

    read_info(dir, CS_RUNINFO_FILE, info);
    read_info(dir, CS_RUNINFO_TRACED_FILE, traced);
    for (i = 0; i < n; i++) {
        if ((rec = cs_runinfo_find(info, runs[i].name))) {
            cs_runinfo_merge(rec, &runs[i]);
        } else if ((rec = cs_runinfo_find(traced, runs[i].name))) {
            cs_runinfo_merge(rec, &runs[i]);
            cs_tracing_name_sites(&runs[i]);     /* the snapshot wrote them unnamed */
            printf("note: %s ended without its final record: its traced allocations are those of the "
                   "snapshot at iteration %lld (%s)\n", runs[i].name, rec->iterations, CS_RUNINFO_TRACED_FILE);
        }
    }
}

/* How the session of the rebuilt runs ended: the first status of a run
 * that did not complete (its record's, else its phase file's), else
 * completed. */
static cs_status session_status(const cs_run *runs, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (runs[i].status != CS_ST_COMPLETED)
            return runs[i].status;
    return CS_ST_COMPLETED;
}

/* Prints each rebuilt run's lines (its verdicts and findings as the judge
 * words them), after a note of the rows of path that were skipped. */
static void print_runs(const cs_csv_data *d, const char *path, const cs_run *runs, size_t n, int verbose)
{
    size_t i;

    if (d->skipped)
        printf("note: %zu partial or malformed rows of %s skipped (the first, line %zu: %s)\n",
               d->skipped, path, d->first_skipped_line, d->first_skipped_why);
    for (i = 0; i < n; i++) {
        printf("%s: %lld iterations, %zu samples, warm-up %lld\n", runs[i].name, runs[i].iterations,
               runs[i].samples, runs[i].warmup);
        cs_reports_print_verdicts(&runs[i], verbose);
        cs_reports_print_findings(&runs[i]);
    }
}

/* Writes the report files of runs[0..n) into dir, with the run's heap
 * context (not this process's). Returns 0, or -1 after one line. */
static int write_rebuilt(const char *dir, const cs_run *runs, size_t n)
{
    char *argv[] = { "comstress", "report", (char *)dir };
    char err[CS_ERR_LEN];
    cs_context_store ctx;
    size_t i;

    cs_context_fill(&ctx, 3, argv);
    for (i = 0; i < n && !ctx.ctx.heap_walk; i++)
        if (runs[i].heap_walk) {
            ctx.ctx.heap_walk = runs[i].heap_walk;
            ctx.ctx.heap_mode = runs[i].heap_mode ? runs[i].heap_mode : ctx.ctx.heap_mode;
        }
    if (cs_reports_write(dir, &ctx.ctx, runs, n, err, sizeof(err))) {
        fprintf(stderr, "comstress: report: %s\n", err);
        return -1;
    }
    printf("reports: %s (run.json, memory.svg, report.html, junit.xml) rebuilt from samples.csv\n", dir);
    return 0;
}

/* The runs of d that have samples, rebuilt into runs (d->nruns of them,
 * or one), each under gate until its record says its own. Returns how
 * many. */
static size_t rebuild_runs(const cs_csv_data *d, cs_run *runs, unsigned gate)
{
    size_t i, n = 0;

    for (i = 0; i < d->nruns; i++)
        if (d->runs[i].n) {
            cs_run_from_csv(&d->runs[i], &runs[n]);
            runs[n++].fail_on = gate;
        }
    return n;
}

int cs_rebuild_reports(const char *dir, unsigned gate, int verbose)
{
    char path[CS_PATH_LEN], err[CS_ERR_LEN], ended[CS_ERR_LEN];
    cs_csv_data d;
    cs_runinfo info, traced;
    cs_run *runs = NULL;
    size_t i, n = 0;
    unsigned run_gate = CS_FAIL_DEFAULT;
    int rc = CS_EXIT_OUTPUT, end;

    memset(&d, 0, sizeof(d));
    memset(&info, 0, sizeof(info));
    memset(&traced, 0, sizeof(traced));
    if (cs_out_own(dir))
        return CS_EXIT_OUTPUT;          /* a run is still writing there */
    end = run_end(dir, ended, sizeof(ended), &run_gate);
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
    if (!(n = rebuild_runs(&d, runs, run_gate))) {
        if (d.skipped)
            fprintf(stderr, "comstress: report: %s holds no sample that reads: %zu rows skipped, the first "
                    "(line %zu) %s\n", path, d.skipped, d.first_skipped_line, d.first_skipped_why);
        else
            fprintf(stderr, "comstress: report: %s holds no samples\n", path);
        goto out_free_runs;
    }
    read_records(dir, &info, &traced, runs, n);
    for (i = 0; gate && i < n; i++)
        runs[i].fail_on = gate;           /* --fail-on given to report wins */
    if (end) {                           /* the run going when it ended */
        runs[n - 1].error = ended;
        if (runs[n - 1].status == CS_ST_COMPLETED)
            runs[n - 1].status = cs_status_of_exit(end);
    }
    print_runs(&d, path, runs, n, verbose);
    if (write_rebuilt(dir, runs, n))
        goto out_free_runs;
    if (end)
        fprintf(stderr, "comstress: report: the run %s\n", ended);
    rc = cs_session_exit(session_status(runs, n), runs, n);
out_free_runs:
    free(runs);
    cs_runinfo_free(&info);
    cs_runinfo_free(&traced);
out_free_csv:
    cs_csv_free(&d);
    return rc;
}

int cs_rebuilt_load(const char *dir, cs_rebuilt *b, char *err, size_t errlen)
{
    char path[CS_PATH_LEN], why[CS_ERR_LEN];
    DWORD attr;

    memset(b, 0, sizeof(*b));
    snprintf(path, sizeof(path), "%s/%s", dir, CS_RUNINFO_FILE);
    attr = cs_file_attributes(path);
    if (attr == INVALID_FILE_ATTRIBUTES || (attr & FILE_ATTRIBUTE_DIRECTORY)) {
        snprintf(err, errlen, "--baseline %s: no run record there (%s): give the directory of an earlier "
                 "comstress run", dir, CS_RUNINFO_FILE);
        return CS_EXIT_USAGE;
    }
    snprintf(path, sizeof(path), "%s/samples.csv", dir);
    if (cs_csv_read(path, &b->d, why, sizeof(why))) {
        snprintf(err, errlen, "--baseline %s: %s", dir, why);
        return CS_EXIT_USAGE;
    }
    if (!(b->runs = calloc(b->d.nruns ? b->d.nruns : 1, sizeof(*b->runs)))) {
        snprintf(err, errlen, "--baseline %s: out of memory reading it", dir);
        return CS_EXIT_INTERNAL;
    }
    if (!(b->n = rebuild_runs(&b->d, b->runs, CS_FAIL_DEFAULT))) {
        snprintf(err, errlen, "--baseline %s: samples.csv holds no samples", dir);
        return CS_EXIT_USAGE;
    }
    read_records(dir, &b->info, &b->traced, b->runs, b->n);
    if (!b->info.n) {
        snprintf(err, errlen, "--baseline %s: %s holds no run record", dir, CS_RUNINFO_FILE);
        return CS_EXIT_USAGE;
    }
    return 0;
}

const cs_run *cs_rebuilt_find_policy(const cs_rebuilt *b, const char *policy)
{
    size_t i;

    for (i = 0; i < b->n; i++)
        if (b->runs[i].cache && policy && !strcmp(b->runs[i].cache, policy))
            return &b->runs[i];
    return NULL;
}

void cs_rebuilt_free(cs_rebuilt *b)
{
    free(b->runs);
    cs_runinfo_free(&b->info);
    cs_runinfo_free(&b->traced);
    cs_csv_free(&b->d);
    memset(b, 0, sizeof(*b));
}
