/* The classification of a child's end: see ends.h. */
#include <stdio.h>
#include <string.h>
#include "ends.h"
#include "status.h"
#include "options.h"

const char *cs_end_name(cs_end e)
{
    static const char *const names[CS_END_COUNT] = { "passed", "failed", "crashed", "hung", "error" };
    return e >= 0 && e < CS_END_COUNT ? names[e] : "?";
}

/* Meaning of comstress's error exit codes (options.h), for the text. */
static const char *error_code_name(unsigned long code)
{
    switch (code) {
    case CS_EXIT_USAGE: return "usage error";
    case CS_EXIT_TARGET: return "target not registered or not creatable";
    case CS_EXIT_CALL: return "a call failed";
    case CS_EXIT_OUTPUT: return "output directory not writable";
    case CS_EXIT_INTERNAL: return "internal error";
    }
    return NULL;
}

/* The text for a child killed by the watchdog. The deadlock needs both
 * halves: the child said it was inside FreeLibrary, and the DLL's worker
 * said its thread function had returned (so it waits in thread detach). */
static void classify_hang(double timeout_s, int threads, const cs_phase_info *pi,
                          cs_child_result *r)
{
    char alive[64] = "";
    const char *phase = pi->phase[0] ? pi->phase : "no phase recorded";

    if (threads >= 0)
        snprintf(alive, sizeof(alive), "; %d threads alive at the kill", threads);
    if (!strncmp(pi->phase, CS_PHASE_IN_FREELIBRARY, strlen(CS_PHASE_IN_FREELIBRARY))
        && strstr(pi->notes, CS_NOTE_WORKER_RETURNED))
        snprintf(r->text, sizeof(r->text), "%s (killed after %.0f s %s%s)",
                 CS_TEXT_UNLOAD_DEADLOCK, timeout_s, phase, alive);
    else if (!strncmp(pi->phase, CS_PHASE_IN_FREELIBRARY, strlen(CS_PHASE_IN_FREELIBRARY)))
        snprintf(r->text, sizeof(r->text), "unload hang: no return from FreeLibrary after %.0f s (%s%s)",
                 timeout_s, phase, alive);
    else
        snprintf(r->text, sizeof(r->text), "hung: killed after %.0f s in phase '%s'%s",
                 timeout_s, phase, alive);
}

void cs_classify(int timed_out, unsigned long exit_code, int threads_at_kill,
                 double timeout_s, const cs_phase_info *pi, cs_child_result *r)
{
    const char *phase = pi->phase[0] ? pi->phase : "no phase recorded";
    const char *err;

    if (pi->has_exception) {
        /* A process that hangs while dying of an exception crashed. */
        r->end = CS_END_CRASHED;
        snprintf(r->text, sizeof(r->text), "crashed: %s, in phase '%s'%s", pi->exception, phase,
                 timed_out ? " (then hung while exiting: killed by the watchdog)" : "");
    } else if (timed_out) {
        r->end = CS_END_HUNG;
        classify_hang(timeout_s, threads_at_kill, pi, r);
    } else if (exit_code == 0) {
        r->end = CS_END_PASSED;
        snprintf(r->text, sizeof(r->text), "passed%s%s", pi->summary[0] ? ": " : "", pi->summary);
    } else if (exit_code == 1) {
        r->end = CS_END_FAILED;
        snprintf(r->text, sizeof(r->text), "failed: %s", pi->summary[0] ? pi->summary : "a verdict failed (exit 1)");
    } else if (exit_code == CS_EXIT_HANG || (pi->ended && !strcmp(pi->end_status, "hung"))) {
        /* A run that stopped on its own --timeout: a call never returned. */
        r->end = CS_END_HUNG;
        snprintf(r->text, sizeof(r->text), "hung: stopped by its own --timeout in phase '%s'%s%s",
                 phase, pi->summary[0] ? ": " : "", pi->summary);
    } else if (pi->phase[0] && !pi->ended) {
        /* It recorded phases but never its end: it died, whatever the code. */
        r->end = CS_END_CRASHED;
        snprintf(r->text, sizeof(r->text),
                 "crashed: exit code %lu (0x%lx) before its end, no exception recorded, in phase '%s'",
                 exit_code, exit_code, phase);
    } else if ((err = error_code_name(exit_code))) {
        r->end = CS_END_ERROR;
        snprintf(r->text, sizeof(r->text), "error: exit %lu (%s)", exit_code, err);
    } else {
        r->end = CS_END_CRASHED;
        snprintf(r->text, sizeof(r->text),
                 "crashed: exit code %lu (0x%lx), no exception recorded (Wine keeps only the low byte of the NTSTATUS), in phase '%s'",
                 exit_code, exit_code, phase);
    }
}

/* A run that ended with an error: its status note ("status could not
 * write") gives the exit code and the words; without one (a first phase
 * file), an internal error. */
static int error_end(const cs_phase_info *pi, const char *phase, char *text, size_t n)
{
    const char *p = strstr(pi->notes, CS_NOTE_STATUS);
    char word[48] = "";
    cs_status st = CS_ST_COUNT;

    if (p) {
        p += strlen(CS_NOTE_STATUS);
        snprintf(word, sizeof(word), "%.*s", (int)strcspn(p, ";\r\n"), p);
        st = cs_status_from_word(word);
    }
    if (st == CS_ST_COUNT || st == CS_ST_COMPLETED) {
        snprintf(text, n, "ended with an error, in phase '%s'", phase);
        return CS_EXIT_INTERNAL;
    }
    snprintf(text, n, "ended: %s, in phase '%s'", word, phase);
    return cs_status_exit(st);
}

int cs_phase_end_code(const cs_phase_info *pi, char *text, size_t n)
{
    const char *phase = pi->phase[0] ? pi->phase : "no phase recorded";

    text[0] = 0;
    if (pi->has_exception) {
        snprintf(text, n, "crashed: %s, in phase '%s'", pi->exception, phase);
        return CS_EXIT_CRASH;
    }
    if (!pi->ended) {
        if (!pi->phase[0])
            return CS_EXIT_OK;
        snprintf(text, n, "ended without its end record (killed, or died without a record), "
                 "in phase '%s'", phase);
        return CS_EXIT_CRASH;
    }
    if (!strcmp(pi->end_status, "hung")) {
        snprintf(text, n, "hung: a call never returned, in phase '%s'", phase);
        return CS_EXIT_HANG;
    }
    if (!strcmp(pi->end_status, "interrupted")) {
        snprintf(text, n, "interrupted (Ctrl-C or a termination request), in phase '%s'", phase);
        return CS_EXIT_INTERRUPTED;
    }
    if (!strcmp(pi->end_status, "error"))
        return error_end(pi, phase, text, n);
    return CS_EXIT_OK;
}

int cs_is_exception_code(unsigned long hr)
{
    return (hr & 0xF0000000UL) == 0xC0000000UL || hr == 0x80010105UL;
}
