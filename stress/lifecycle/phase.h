/*
 * Phase recording for child processes run under the watchdog (isolate.h).
 *
 * A child writes, before each step, what it is about to do ("LoadLibrary
 * cs_tls_leak.dll", "inside FreeLibrary of cs_unload_deadlock.dll") into a
 * small line file, flushed to disk at once, so the watchdog can still read
 * it after killing a hung child. An unhandled exception is written to the
 * same file, code and name, before the process dies: under Wine the exit
 * code keeps only the low byte of the NTSTATUS.
 *
 * The file format and its parser are in phase_text.h (pure).
 *
 * The same writer streams results.jsonl (cs_stream).
 *
 * This header has no Win32 types; phase.c is Win32.
 */
#ifndef CS_PHASE_H
#define CS_PHASE_H

#include <stddef.h>
#include "phase_text.h"

/* An append-only line file, each line written with one WriteFile and
 * flushed to disk (FlushFileBuffers) before the call returns. Safe to use
 * from several threads; never allocates after open. */
typedef struct cs_stream cs_stream;

/* Creates (truncates) path. Returns NULL when it cannot be created. */
cs_stream *cs_stream_open(const char *path);
/* Appends one line (a '\n' is added); longer than 2 KB is truncated.
 * Returns 0, or -1 when the write failed or s is NULL. */
int cs_stream_printf(cs_stream *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cs_stream_close(cs_stream *s);

/*
 * Opens the process's phase file and installs the crash recorder (an
 * unhandled-exception filter, plus a vectored handler for stack overflow,
 * where the filter may have no stack left to run on). One per process;
 * a second call replaces the file. Returns 0, or -1 if path cannot be
 * created (recording is then a no-op; the child still runs).
 */
int cs_phase_open(const char *path);
/* After a crash, also print one line on stderr: "comstress: crashed:
 * <exception>; <text>" (text says where the results are), then end the
 * process with exit_code. "" or NULL: neither (the default). */
void cs_phase_crash_hint(const char *text, unsigned exit_code);
/* Records the step about to start. No-ops when no phase file is open. */
void cs_phase_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cs_phase_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cs_phase_summary(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Records an exception that did not end the process (one the marshaller
 * caught on another thread and returned as the call's result): the
 * "exception" line, as for a crash, without ending the process. */
void cs_phase_exception(unsigned long code, const char *where);
/* Records a normal end ("end passed") and closes the file. */
void cs_phase_end(const char *status);

#endif
