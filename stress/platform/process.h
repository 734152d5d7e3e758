/*
 * Starting a child process and waiting for it, once for the whole project:
 * the lifecycle watchdog, the CLI tests and the benchmarks all run children
 * through cs_proc_run.
 *
 * A child that has not ended by the timeout is terminated (and, when asked,
 * its live threads are counted first: what a watchdog reports of a hang).
 * Killing the Unix `wine` launcher instead would leave the Windows process
 * hung in the prefix, so the waiting and the kill are done from here, a
 * Windows process that owns the child.
 */
#ifndef CS_PROCESS_H
#define CS_PROCESS_H

#include <windows.h>
#include <stddef.h>

typedef struct cs_proc_spec {
    const char *cmdline;            /* whole command line (UTF-8), program quoted */
    const char *const *env_extra;   /* "NAME=value" strings (UTF-8) added to our
                                     * environment, NULL-terminated; NULL: none */
    HANDLE std_in, std_out, std_err;/* inheritable handles for the child's
                                     * stdio; NULL: this process's own */
    char *capture;                  /* non-NULL: stdout and stderr both go
                                     * to a pipe drained into this buffer */
    size_t capture_len;             /* its size; the text is NUL-terminated
                                     * and cut to fit */
    DWORD drain_ms;                 /* how long the capture waits for the
                                     * pipe's other holders once the child
                                     * has ended; 0: 10 s */
    DWORD timeout_ms;               /* INFINITE: wait for ever */
    int attempts;                   /* CreateProcess tries (0 counts as 1) */
    int count_threads;              /* count a hung child's threads before the kill */
    HANDLE cancel;                  /* an event: once it is signalled, the
                                     * child is terminated at once (Ctrl-C
                                     * of the parent); NULL: none */
} cs_proc_spec;

typedef struct cs_proc_result {
    DWORD exit_code;                /* the child's code; 0 when it was killed */
    int timed_out;                  /* killed after the timeout */
    int cancelled;                  /* killed because spec->cancel was signalled */
    int threads_at_kill;            /* with count_threads, else -1 */
    double seconds;                 /* wall time until its end or the kill */
    DWORD error;                    /* GetLastError of a failed start */
} cs_proc_result;

/* Runs spec's child to its end (or the timeout, or spec->cancel). A child
 * killed either way has been waited for (up to 10 s) when this returns, so
 * it does not outlive the caller. Returns 0 when the child was started (r
 * complete), -1 when it could not be (r->error says why). */
int cs_proc_run(const cs_proc_spec *spec, cs_proc_result *r);

/* An inheritable handle on dir\name (dir NULL: name alone, e.g. "NUL"),
 * opened with access and the creation disposition disp, for a child's
 * stdio. INVALID_HANDLE_VALUE when it cannot be opened. */
HANDLE cs_proc_open_std(const char *dir, const char *name, DWORD access, DWORD disp);

#endif
