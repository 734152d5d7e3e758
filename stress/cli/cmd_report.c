/* The output directory and the `report` command: see commands.h. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "commands.h"
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
#include "isolate.h"
#include "tracing.h"
#include "judge.h"
#include "status.h"

/* The files a run writes into its directory; an older run's are removed
 * when a new run starts, so a failed run never sits beside a stale pass. */
static const char *const run_files[] = {
    "samples.csv", "run.json", "memory.svg", "report.html", "junit.xml", CS_PHASE_FILE,
    CS_RUNINFO_FILE, CS_RUNINFO_TRACED_FILE,
};

/* The lock a run holds on its directory while it runs. Deleted on close by
 * Windows itself, even when the process dies. */
#define LOCK_FILE ".comstress.lock"

/* What the run holding dir's lock wrote in it ("pid 123, since ..."). */
static void lock_owner(const char *path, char *buf, size_t n)
{
    HANDLE h = cs_open_file(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                            OPEN_EXISTING, 0, FALSE);
    DWORD got = 0;

    snprintf(buf, n, "another comstress run");
    if (h == INVALID_HANDLE_VALUE)
        return;
    if (ReadFile(h, buf, (DWORD)n - 1, &got, NULL) && got > 0)
        buf[got] = 0;
    while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
        buf[--got] = 0;
    CloseHandle(h);
}

/*
 * Makes dir this run's own: creates the lock file with no write sharing
 * (a second run's open fails with a sharing violation) and deletion on
 * close. Returns CS_EXIT_OK, or CS_EXIT_OUTPUT after one line naming the
 * run that holds it. The handle is kept open for the process's life.
 */
static int own_dir(const char *dir)
{
    char path[CS_PATH_LEN], owner[256], line[320], why[300];
    SYSTEMTIME t;
    HANDLE h;
    DWORD done;

    snprintf(path, sizeof(path), "%s/%s", dir, LOCK_FILE);
    h = cs_open_file(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, OPEN_ALWAYS,
                     FILE_ATTRIBUTE_HIDDEN | FILE_FLAG_DELETE_ON_CLOSE, FALSE);
    if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_SHARING_VIOLATION) {
        lock_owner(path, owner, sizeof(owner));
        fprintf(stderr, "comstress: --out '%s' is in use by %s: give each run its own directory\n",
                dir, owner);
        return CS_EXIT_OUTPUT;
    }
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "comstress: --out '%s': cannot create %s: %s\n", dir, LOCK_FILE,
                cs_win32_text(GetLastError(), why, sizeof(why)));
        return CS_EXIT_OUTPUT;
    }
    GetLocalTime(&t);
    snprintf(line, sizeof(line), "comstress run, pid %lu, since %04u-%02u-%02u %02u:%02u:%02u\n",
             GetCurrentProcessId(), t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond);
    WriteFile(h, line, (DWORD)strlen(line), &done, NULL);
    FlushFileBuffers(h);
    return CS_EXIT_OK;                /* h stays open: the lock */
}

int cs_cmd_prepare_out(const char *dir, struct cs_csv_writer **csv)
{
    char path[CS_PATH_LEN], why[300];
    size_t i;
    int rc;

    *csv = NULL;
    if (cs_make_dirs(dir)) {
        fprintf(stderr, "comstress: --out '%s': cannot create the directory: %s\n",
                dir, cs_win32_text(GetLastError(), why, sizeof(why)));
        return CS_EXIT_OUTPUT;
    }
    if ((rc = own_dir(dir)))
        return rc;
    for (i = 0; i < sizeof(run_files) / sizeof(run_files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, run_files[i]);
        cs_delete_file(path);
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
 * counted. The phase file says how the run ended: a crashed, killed, hung
 * or interrupted run is marked so (its last run's error) and the exit code
 * is the one the run had; otherwise 1 when a rebuilt verdict gates (at
 * gate, or the run's own --fail-on, which its phase file keeps), else 0. CS_EXIT_OUTPUT after one line naming the file when samples.csv is
 * missing, unreadable or holds no sample, a report cannot be written, or
 * a run still holds the directory.
 */
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
        *gate = CS_FAIL_RELEASE | (p[strlen(CS_NOTE_GATE)] == '2' ? CS_FAIL_LEAK | CS_FAIL_LEAK_ANY
                                   : p[strlen(CS_NOTE_GATE)] == '1' ? CS_FAIL_LEAK : 0);
    }
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
    if (!(phase = cs_read_whole(path)))
        return CS_EXIT_OK;
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
    text = cs_read_whole(path);          /* none: the samples say what they can */
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

int cs_cmd_report(const char *dir, unsigned gate, int verbose)
{
    char path[CS_PATH_LEN], err[CS_ERR_LEN], ended[CS_ERR_LEN];
    char *argv[] = { "comstress", "report", (char *)dir };
    cs_context_store ctx;
    cs_csv_data d;
    cs_runinfo info, traced;
    cs_run *runs = NULL;
    size_t i, n = 0;
    unsigned run_gate = CS_FAIL_DEFAULT;
    int rc = CS_EXIT_OUTPUT, end;

    memset(&d, 0, sizeof(d));
    memset(&info, 0, sizeof(info));
    memset(&traced, 0, sizeof(traced));
    if (own_dir(dir))
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
    for (i = 0; i < d.nruns; i++)
        if (d.runs[i].n) {
            cs_run_from_csv(&d.runs[i], &runs[n]);
            runs[n++].fail_on = run_gate;
        }
    if (!n) {
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
    if (d.skipped)
        printf("note: %zu partial or malformed rows of %s skipped (the first, line %zu: %s)\n",
               d.skipped, path, d.first_skipped_line, d.first_skipped_why);
    for (i = 0; i < n; i++) {
        printf("%s: %lld iterations, %zu samples, warm-up %lld\n", runs[i].name, runs[i].iterations,
               runs[i].samples, runs[i].warmup);
        cs_reports_print_verdicts(&runs[i], verbose);
        cs_reports_print_findings(&runs[i]);
    }
    cs_context_fill(&ctx, 3, argv);
    for (i = 0; i < n && !ctx.ctx.heap_walk; i++)
        if (runs[i].heap_walk) {         /* the run's, not this process's */
            ctx.ctx.heap_walk = runs[i].heap_walk;
            ctx.ctx.heap_mode = runs[i].heap_mode ? runs[i].heap_mode : ctx.ctx.heap_mode;
        }
    if (cs_reports_write(dir, &ctx.ctx, runs, n, err, sizeof(err))) {
        fprintf(stderr, "comstress: report: %s\n", err);
        goto out_free_runs;
    }
    printf("reports: %s (run.json, memory.svg, report.html, junit.xml) rebuilt from samples.csv\n", dir);
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
