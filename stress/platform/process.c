/* Child processes: see process.h. */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "process.h"

HANDLE cs_proc_open_std(const char *dir, const char *name, DWORD access, DWORD disp)
{
    size_t n = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
    char *path = malloc(n);
    HANDLE h;

    if (!path)
        return INVALID_HANDLE_VALUE;
    if (dir)
        snprintf(path, n, "%s\\%s", dir, name);
    else
        snprintf(path, n, "%s", name);
    h = cs_open_file(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE, disp, 0, TRUE);
    free(path);
    return h;
}

/* A new wide environment block: env_extra (UTF-8) first (the first of two
 * equal names wins in Windows' lookup), then the current one. NULL when
 * out of memory or an entry is not valid UTF-8. */
static WCHAR *make_env_block(const char *const *env_extra)
{
    WCHAR *cur = GetEnvironmentStringsW(), *p, *block = NULL, *w, *one;
    size_t curlen, extra = 0, i;

    for (p = cur; *p; p += wcslen(p) + 1)
        ;
    curlen = (size_t)(p - cur);
    for (i = 0; env_extra[i]; i++)
        extra += strlen(env_extra[i]) + 1;    /* UTF-16 never needs more units */
    if (!(block = malloc((curlen + extra + 2) * sizeof(WCHAR))))
        goto out_free_cur;
    w = block;
    for (i = 0; env_extra[i]; i++) {
        if (!(one = cs_wide(env_extra[i]))) {
            free(block);
            block = NULL;
            goto out_free_cur;
        }
        wcscpy(w, one);
        w += wcslen(one) + 1;
        free(one);
    }
    memcpy(w, cur, curlen * sizeof(WCHAR));
    w[curlen] = 0;
out_free_cur:
    FreeEnvironmentStringsW(cur);
    return block;
}

/* Threads the child still has (what the watchdog sees of a hang), or -1. */
static int count_threads(DWORD pid)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    THREADENTRY32 te = { sizeof(te) };
    int n = 0;

    if (snap == INVALID_HANDLE_VALUE)
        return -1;
    if (Thread32First(snap, &te)) {
        do {
            if (te.th32OwnerProcessID == pid)
                n++;
        } while (Thread32Next(snap, &te));
    }
    CloseHandle(snap);
    return n;
}

typedef struct drain { HANDLE rd; char *buf; size_t len; volatile size_t used; } drain;

/* Reads the capture pipe until the child (and every inheritor) closes it. */
static DWORD WINAPI drain_pipe(void *arg)
{
    drain *d = arg;
    char chunk[4096];
    DWORD n;

    while (ReadFile(d->rd, chunk, sizeof(chunk), &n, NULL) && n > 0) {
        size_t take = n;
        if (d->used + take > d->len - 1)
            take = d->len - 1 - d->used;
        memcpy(d->buf + d->used, chunk, take);
        d->used += take;
    }
    d->buf[d->used] = 0;
    return 0;
}

/*
 * Ends the reader of d: it ends by itself when every holder of the pipe's
 * other end has closed it, which a process the child started (and that
 * inherited it) may never do. After wait_ms its read is cancelled, and as
 * a last resort the thread is ended: it writes into the caller's buffer
 * and into d, on the caller's stack, so it must be gone before they are.
 */
static void end_reader(HANDLE reader, drain *d, DWORD wait_ms)
{
    if (WaitForSingleObject(reader, wait_ms) == WAIT_TIMEOUT) {
        CancelSynchronousIo(reader);
        if (WaitForSingleObject(reader, 1000) == WAIT_TIMEOUT) {
            TerminateThread(reader, 1);
            WaitForSingleObject(reader, INFINITE);
        }
        d->buf[d->used] = 0;
    }
    CloseHandle(reader);
}

/* CreateProcess with the spec's stdio and environment, tried
 * spec->attempts times: process creation under a loaded wineserver failed
 * once in CI-like conditions and worked at once when repeated. */
static BOOL start(const cs_proc_spec *spec, HANDLE out, HANDLE err, PROCESS_INFORMATION *pi,
                  DWORD *error)
{
    STARTUPINFOW si = { sizeof(si) };
    WCHAR *cmd = cs_wide(spec->cmdline), *env = NULL;
    BOOL ok = FALSE;
    int attempt;

    *error = cmd ? ERROR_OUTOFMEMORY : ERROR_NO_UNICODE_TRANSLATION;
    if (!cmd || (spec->env_extra && !(env = make_env_block(spec->env_extra))))
        goto out_free;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = spec->std_in ? spec->std_in : GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out ? out : GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = err ? err : GetStdHandle(STD_ERROR_HANDLE);
    for (attempt = 0; attempt < (spec->attempts > 1 ? spec->attempts : 1) && !ok; attempt++) {
        if (attempt)
            Sleep(200);
        if (!(ok = CreateProcessW(NULL, cmd, NULL, NULL, TRUE, CREATE_UNICODE_ENVIRONMENT,
                                  env, NULL, &si, pi)))
            *error = GetLastError();   /* before any other call resets it */
    }
out_free:
    free(cmd);
    free(env);
    return ok;
}

/*
 * Waits for the started child pi until it ends, the timeout passes or
 * spec->cancel is signalled; the last two terminate it (a timed-out one
 * after its threads are counted, when asked) and wait for its end, so
 * a child killed here is gone when this returns (10 s at most: a process
 * Wine cannot end in that time is left, rather than hanging the caller).
 */
static void wait_child(const cs_proc_spec *spec, const PROCESS_INFORMATION *pi, cs_proc_result *r)
{
    HANDLE waits[2] = { pi->hProcess, spec->cancel };
    DWORD w = WaitForMultipleObjects(spec->cancel ? 2 : 1, waits, FALSE, spec->timeout_ms);

    if (w != WAIT_OBJECT_0 + 1 && w != WAIT_TIMEOUT) {
        GetExitCodeProcess(pi->hProcess, &r->exit_code);   /* ended (or the wait failed) */
        return;
    }
    if (w == WAIT_OBJECT_0 + 1) {
        r->cancelled = 1;
        TerminateProcess(pi->hProcess, ERROR_CANCELLED);
    } else {
        r->timed_out = 1;
        if (spec->count_threads)
            r->threads_at_kill = count_threads(pi->dwProcessId);
        TerminateProcess(pi->hProcess, WAIT_TIMEOUT);
    }
    WaitForSingleObject(pi->hProcess, 10000);
}

int cs_proc_run(const cs_proc_spec *spec, cs_proc_result *r)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE rd = NULL, wr = NULL, reader = NULL;
    PROCESS_INFORMATION pi;
    drain d;
    DWORD t0;
    BOOL started;

    memset(r, 0, sizeof(*r));
    r->threads_at_kill = -1;
    if (spec->capture) {
        spec->capture[0] = 0;
        if (!CreatePipe(&rd, &wr, &sa, 0)) {
            r->error = GetLastError();
            return -1;
        }
        SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    }
    t0 = GetTickCount();
    started = start(spec, wr ? wr : spec->std_out, wr ? wr : spec->std_err, &pi, &r->error);
    if (wr)
        CloseHandle(wr);         /* the child holds its own copy */
    if (!started) {
        if (rd)
            CloseHandle(rd);
        return -1;
    }
    if (rd) {
        d.rd = rd;
        d.buf = spec->capture;
        d.len = spec->capture_len;
        d.used = 0;
        reader = CreateThread(NULL, 0, drain_pipe, &d, 0, NULL);
    }
    wait_child(spec, &pi, r);
    r->seconds = (GetTickCount() - t0) / 1000.0;
    if (reader)
        end_reader(reader, &d, spec->drain_ms ? spec->drain_ms : 10000);
    if (rd)
        CloseHandle(rd);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return 0;
}
