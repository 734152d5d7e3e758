/*
 * Child-process isolation: run one scenario in its own process under a
 * watchdog and classify how it ended.
 *
 * The watchdog is this (Windows) process: CreateProcess, wait with a
 * timeout, TerminateProcess. Killing the Unix `wine` launcher instead would
 * leave a hung Windows process behind in the prefix (docs/wine.md).
 *
 * The child writes OUT/phase.txt (phase.h) and its results into OUT; its
 * stdout and stderr go to OUT/stdout.txt and OUT/stderr.txt. Everything it
 * wrote before a crash or a kill stays there.
 *
 * No Win32 types here; the classification is in ends.h (pure).
 */
#ifndef CS_ISOLATE_H
#define CS_ISOLATE_H

#include "phase.h"
#include "ends.h"
#include "paths.h"

/* Zero what you do not set (a new field then means "none"). */
typedef struct cs_child_spec {
    const char *exe;          /* program to run; NULL: this process's own exe */
    const char *args;         /* command line after the program, e.g. "child tls-unload --out X" */
    const char *out_dir;      /* created if missing; phase.txt, stdout.txt, stderr.txt */
    double timeout_s;         /* watchdog timeout, > 0 */
    void *cancel;             /* an event HANDLE: signalled, the child is
                               * ended at once (the parent's Ctrl-C); NULL: none */
} cs_child_spec;

/*
 * Runs spec's child under the watchdog and classifies its end. Returns 0
 * when the child was started (r is complete), -1 when it could not be
 * (r->end is CS_END_ERROR and r->text names the program or directory),
 * 1 when spec->cancel ended it (r->end is CS_END_ERROR, r->text says it
 * was interrupted and in which phase; the child is gone).
 */
int cs_isolate_run(const cs_child_spec *spec, cs_child_result *r);

#endif
