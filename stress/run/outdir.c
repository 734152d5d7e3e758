/* A run's output directory: see outdir.h. */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "outdir.h"
#include "options.h"
#include "paths.h"
#include "phase.h"
#include "report_csv.h"
#include "runinfo.h"

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
int cs_out_own(const char *dir)
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

int cs_out_prepare(const char *dir, struct cs_csv_writer **csv)
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
    if ((rc = cs_out_own(dir)))
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
