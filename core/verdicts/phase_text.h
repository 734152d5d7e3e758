/*
 * What a child process under the watchdog recorded, read back: the phase
 * file's format and its parser, and the names of the exceptions a crash
 * recorder writes. Pure: no Windows header; the writers are in
 * stress/lifecycle/phase.c.
 *
 * File format, one record a line, appended, never rewritten:
 *     phase <text>          the step now starting
 *     note <text>           a fact worth keeping ("worker thread returned")
 *     summary <text>        the scenario's one-line outcome
 *     exception 0x<code> <name> [at 0x<address>]
 *     end <status>          the child finished normally
 */
#ifndef CS_PHASE_TEXT_H
#define CS_PHASE_TEXT_H

#include <stddef.h>

#define CS_PHASE_FILE    "phase.txt"
#define CS_RESULTS_FILE  "results.jsonl"

/* Notes the classification looks for (isolate.c). */
#define CS_NOTE_WORKER_RETURNED "worker thread returned"
#define CS_PHASE_IN_FREELIBRARY "inside FreeLibrary of "
/* A run's gate, its --fail-on categories whole ("fail-on
 * leak,refs,objects,blocks"), for `report DIR` when no record says it;
 * the first phase files said the leak level alone (CS_NOTE_GATE). */
#define CS_NOTE_FAIL_ON "fail-on "
/* How a run that ended with an error ended (a status word, status.h:
 * "status call failed"), so the phase file gives its exit code. */
#define CS_NOTE_STATUS "status "
#define CS_NOTE_GATE "fail-on level "


/* "access violation", "stack overflow", ... for an NTSTATUS exception
 * code; "unknown exception" for any other code. Never NULL. */
const char *cs_exception_name(unsigned long code);

/* What a phase file says, as the watchdog reads it after the child ended. */
typedef struct cs_phase_info {
    char phase[256];          /* last "phase" line's text, "" if none */
    char summary[256];        /* last "summary" text, "" if none */
    char notes[1024];         /* every note, joined with "; " (truncated) */
    char exception[160];      /* "0xc0000005 access violation ...", or "" */
    unsigned long exception_code;
    int has_exception;
    int ended;                /* an "end" line was written */
    char end_status[64];
} cs_phase_info;

/* Parses the text of a phase file (NULL or "" gives an empty info). A
 * truncated last line (the child died mid-write) is used as it stands. */
void cs_phase_parse(const char *text, cs_phase_info *pi);

#endif
