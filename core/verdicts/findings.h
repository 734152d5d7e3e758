/*
 * The findings of a set of runs, in plain words, for the top of
 * report.html: what leaks, how much per iteration, where it was allocated
 * (when traced), which call, and what usually fixes that class of finding.
 * A finding is a run's error (a crash, a hang), a leak verdict, or a
 * release check that failed; whether it counts is the judge's word
 * (judge.h), kept in the finding with why it does not count. One finding
 * per cause: the heap and binding-cache metrics that grow together in one
 * run are one finding with all their figures. Pure.
 */
#ifndef CS_FINDINGS_H
#define CS_FINDINGS_H

#include <stddef.h>
#include "model.h"

typedef struct cs_finding {
    const cs_run *run;
    int gates;                /* 1: it fails its run under the run's gate */
    const char *why_not;      /* why it does not count, NULL when it gates */
    char what[512];           /* one line: what is wrong (the cause first
                               * when it is known) */
    char amount[512];         /* how much per iteration, every figure of
                               * the metrics that grow together; "" when
                               * not a rate */
    const char *where;        /* allocation site, or NULL */
    const char *call;         /* the call that made it, or NULL */
    const char *advice;       /* what usually fixes it (never NULL) */
} cs_finding;

/* Fills out[0..max) with the findings of runs[0..n), run by run: errors,
 * then leak verdicts (the heap and cache metrics of a run as one), then
 * release findings; each judged under its run's gate. A page-granular
 * metric's leak that does not gate is listed too (not counted, with its
 * reason). Returns how many there are (which may be more than max; only
 * max are filled). */
size_t cs_findings_collect(const cs_run *const *runs, size_t n, cs_finding *out, size_t max);

/* Allocation sites that leak per iteration in r: -1 when r was not
 * traced, else how many of its traced sites are of class "leak". */
int cs_finding_sites(const cs_run *r);

/* What usually fixes a release finding line ("refcount leak: ...",
 * "unload: ...", ...) or a leak of metric m (pass the metric's name as
 * line, the run's cache policy, and cs_finding_sites of the run: advice
 * to trace is given only to an untraced run, and the allocation findings
 * are pointed to only when there are some). Never NULL. */
const char *cs_finding_advice(const char *line, const char *policy, int sites);

/*
 * The one sentence a compare page opens with, into buf: which policy
 * leaks, how much per object (its heap bytes per iteration, or the first
 * exact metric that leaks), why, and that the others are clean ("Every
 * policy is clean: ..." when none leaks). A run that ended with an error
 * is said to have ended early. Returns buf.
 */
const char *cs_findings_compare_sentence(const cs_run *const *runs, size_t n, char *buf, size_t len);

#endif
