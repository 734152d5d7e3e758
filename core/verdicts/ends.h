/*
 * How a child process ended, as the watchdog classifies it: passed,
 * failed, crashed (with its exception), hung (with the phase it hung in,
 * and the unload deadlock recognised), or an error exit. Pure: the
 * watchdog itself (stress/lifecycle/isolate.c) is Win32.
 */
#ifndef CS_ENDS_H
#define CS_ENDS_H

#include "phase_text.h"

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

/* The classification text for the DllMain loader-lock deadlock at unload
 * (docs/lifecycle.md). */
#define CS_TEXT_UNLOAD_DEADLOCK \
    "unload deadlock: DllMain waiting on a thread blocked in thread detach"

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

/* Whether a call's failure code is really an exception: an NTSTATUS error
 * code (0xCxxxxxxx, which no HRESULT a server means to return looks like)
 * that the marshaller caught on the callee's thread and returned, or
 * RPC_E_SERVERFAULT. Such a call crashed; it did not fail. */
int cs_is_exception_code(unsigned long hr);

/*
 * How a `comstress run` ended, read from its own phase file when the
 * reports are rebuilt (`comstress report DIR`). Returns the exit code the
 * run had, or would have had: CS_EXIT_CRASH for a recorded exception or
 * for a run that recorded phases but never its end (killed, or died
 * without a record), CS_EXIT_HANG and CS_EXIT_INTERRUPTED for those
 * recorded ends, CS_EXIT_INTERNAL for "end error", and CS_EXIT_OK for a
 * run that ended normally (passed or failed: its verdicts decide) or left
 * no phase at all. For every code but CS_EXIT_OK, text gets one line
 * saying what happened and where.
 */
int cs_phase_end_code(const cs_phase_info *pi, char *text, size_t n);

#endif
