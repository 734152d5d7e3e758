/*
 * Child-process isolation: run one scenario in its own process under a
 * watchdog and classify how it ended.
 *
 * The watchdog is this (Windows) process: CreateProcess, wait with a
 * timeout, TerminateProcess. Killing the Unix `wine` launcher instead would
 * leave a hung Windows process behind in the prefix (wine-notes.md).
 *
 * The child writes OUT/phase.txt (phase.h) and its results into OUT; its
 * stdout and stderr go to OUT/stdout.txt and OUT/stderr.txt. Everything it
 * wrote before a crash or a kill stays there.
 *
 * No Win32 types here: cs_classify() is pure and unit-tested.
 */
#ifndef CS_ISOLATE_H
#define CS_ISOLATE_H

#include "phase.h"

typedef enum cs_end {
    CS_END_PASSED,    /* exit 0 */
    CS_END_FAILED,    /* exit 1: a verdict failed */
    CS_END_CRASHED,   /* an exception (recorded by the child) or an odd exit code */
    CS_END_HUNG,      /* killed by the watchdog after the timeout */
    CS_END_ERROR,     /* exit 2..6 (usage, target, output...), or not started */
    CS_END_COUNT
} cs_end;

/* "passed", "failed", "crashed", "hung", "error". */
const char *cs_end_name(cs_end e);

/* The classification text for an unload deadlock (background.md story 3). */
#define CS_TEXT_UNLOAD_DEADLOCK \
    "unload deadlock: DllMain waiting on a thread blocked in thread detach"

typedef struct cs_child_spec {
    const char *exe;          /* program to run; NULL: this process's own exe */
    const char *args;         /* command line after the program, e.g. "child tls-unload --out X" */
    const char *out_dir;      /* created if missing; phase.txt, stdout.txt, stderr.txt */
    double timeout_s;         /* watchdog timeout, > 0 */
} cs_child_spec;

typedef struct cs_child_result {
    cs_end end;
    unsigned long exit_code;  /* as GetExitCodeProcess saw it; 0 when hung */
    int timed_out;
    double seconds;           /* wall time until the end (or the kill) */
    int threads_at_kill;      /* threads of a hung child before the kill, -1 otherwise */
    char text[640];           /* one line: how it ended and why */
    cs_phase_info phase;      /* what the child recorded */
} cs_child_result;

/*
 * Pure: classifies an ended child from the watchdog's view (timed_out,
 * exit_code, threads_at_kill or -1) and what it recorded (pi, may be empty).
 * Fills r->end and r->text; other fields are left alone. Order of evidence:
 * a recorded exception (crashed, even if the dying process then hung: Wine
 * keeps only the low byte of the NTSTATUS as exit code); the timeout (hung;
 * the unload deadlock when the last phase is inside FreeLibrary and the
 * DLL's worker said it returned); exit 0 / 1 (passed / failed); a child
 * that recorded phases but no end (crashed); exit 2..6 (error); any other
 * code (crashed).
 */
void cs_classify(int timed_out, unsigned long exit_code, int threads_at_kill,
                 double timeout_s, const cs_phase_info *pi, cs_child_result *r);

/*
 * Runs spec's child under the watchdog and classifies its end. Returns 0
 * when the child was started (r is complete), -1 when it could not be
 * (r->end is CS_END_ERROR and r->text names the program or directory).
 */
int cs_isolate_run(const cs_child_spec *spec, cs_child_result *r);

/* Full path of this process's program, into buf (size n). Returns 0 or -1. */
int cs_isolate_self(char *buf, size_t n);

/* Creates every missing directory of path ('/' or '\\' separated).
 * Returns 0 when the directory exists afterwards, -1 otherwise. */
int cs_make_dirs(const char *path);

#endif
