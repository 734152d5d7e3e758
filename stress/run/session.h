/*
 * A run or compare session, from its plan to the exit code: the target,
 * the output directory and the statements opened once; the workload run
 * once per policy of the plan (stress/run/runner.h); the release checks,
 * the verdicts, the judge (core/verdicts/judge.h) and the report files;
 * Ctrl-C and close requests told as an interrupted run.
 */
#ifndef CS_SESSION_H
#define CS_SESSION_H

#include "plan.h"

/* Runs the session of plan p (argc/argv: the command line, for run.json's
 * context). Returns the exit code (status.h: the engine's status, or for
 * a completed session 1 when the judge fails a run, else 0). */
int cs_session_run(const cs_plan *p, int argc, char **argv);

#endif
