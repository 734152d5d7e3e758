/*
 * The engine's own status (cs_status, model.h) in words and as an exit
 * code: the one place each is decided. A session's exit code is its
 * status's, and for a completed session 1 when the judge fails a run
 * (judge.h), else 0. Pure.
 */
#ifndef CS_STATUS_H
#define CS_STATUS_H

#include <stddef.h>
#include "model.h"

/* The exit code of status s (cs_exit, options.h): CS_EXIT_OK for a
 * completed run, whose verdicts then decide (cs_session_exit). */
int cs_status_exit(cs_status s);

/* The status an exit code stands for (codes a runner never returns, such
 * as CS_EXIT_VERDICT, read as completed; unknown codes as internal). */
cs_status cs_status_of_exit(int code);

/* The word of s in run.json's "status", junit.xml's error type and the
 * console: "completed", "interrupted", "crashed", "hung", "could not
 * write", "call failed", "target failed", "bad command line", "internal
 * error". Never NULL. */
const char *cs_status_word(cs_status s);

/* The status a word names (cs_status_word), CS_ST_COUNT when none. */
cs_status cs_status_from_word(const char *word);

/* The end word of the phase file (phase_text.h) for a session that ended
 * with s, its runs judged failing or not: "passed", "failed", "hung",
 * "interrupted", "crashed" or "error". */
const char *cs_status_phase_end(cs_status s, int fails);

/* The exit code of a session that ended with s over runs[0..n): s's own
 * when not completed, else CS_EXIT_VERDICT when the judge fails a run
 * under its gate, else CS_EXIT_OK. */
int cs_session_exit(cs_status s, const cs_run *runs, size_t n);

#endif
