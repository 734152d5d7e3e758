/*
 * The findings of a set of runs, in plain words, for the top of
 * report.html: what leaks, how much per iteration, where it was allocated
 * (when traced), which call, and what usually fixes that class of finding.
 * A finding is a run's error (a crash, a hang), a leak verdict that gates,
 * or a release check that failed. Pure.
 */
#ifndef CS_FINDINGS_H
#define CS_FINDINGS_H

#include <stddef.h>
#include "model.h"

typedef struct cs_finding {
    const cs_run *run;
    char what[512];           /* one line: what is wrong */
    char amount[128];         /* how much per iteration, "" when not a rate */
    const char *where;        /* allocation site, or NULL */
    const char *call;         /* the call that made it, or NULL */
    const char *advice;       /* what usually fixes it (never NULL) */
} cs_finding;

/* Fills out[0..max) with the findings of runs[0..n), run by run: errors,
 * then gating verdicts, then release findings. Returns how many there are
 * (which may be more than max; only max are filled). */
size_t cs_findings_collect(const cs_run *const *runs, size_t n, cs_finding *out, size_t max);

/* What usually fixes a release finding line ("refcount leak: ...",
 * "unload: ...", ...) or a leak of metric m (pass the metric's name as
 * line, and the run's cache policy). Never NULL. */
const char *cs_finding_advice(const char *line, const char *policy, int traced);

#endif
