/*
 * The regression gate (--baseline DIR): a run set beside an earlier run of
 * the same workload, metric by metric and finding by finding, says what
 * changed. Pure: the caller reads both runs (the baseline from its
 * directory, as `report DIR` does) and hands them here.
 */
#ifndef CS_REGRESS_H
#define CS_REGRESS_H

#include <stddef.h>
#include "model.h"
#include "options.h"

#define CS_CHANGE_LEN 320
/* Room for every change two runs can have: each metric, and each finding
 * new or gone. */
#define CS_REGRESS_MAX (CS_M_COUNT + 2 * CS_MAX_FINDINGS)

typedef enum cs_change_kind {
    CS_CHANGE_REGRESSION,     /* worse than the baseline: fails --fail-on regression */
    CS_CHANGE_FIXED           /* better: a leak or finding of the baseline is gone */
} cs_change_kind;

typedef struct cs_change {
    cs_change_kind kind;
    const char *run;          /* the run's name ("run", "compare/type") */
    char subject[64];         /* the metric ("heap_bytes") or the finding's
                               * kind ("refcount leak") */
    char text[CS_CHANGE_LEN]; /* one line: "heap_bytes: clean then, leak now
                               * (+24.0 bytes/iteration)" */
} cs_change;

/*
 * Appends to out[*n..max) what changed from base to now (two runs of one
 * name), and returns how many changes there are in all from *n on (which
 * may be more than fit; *n counts only those filled).
 *
 * A metric measured in both runs is a regression when it was not a leak
 * then and is one now ("clean then, leak now"), or when it leaks in both
 * and now's whole 95% interval lies above the baseline's ("slope up beyond
 * both intervals"); it is fixed when it leaked then and is clean or a
 * plateau now. Page-granular metrics (working set, pagefile) are compared
 * only when gate (the --fail-on categories, CS_FAIL_*) holds leak-any, as
 * the judge lets them gate, unless one stands in for the heap: noise of
 * the working set never reads as a regression under --fail-on leak. A release
 * finding whose kind (its text before the first ':') the baseline did not
 * have is a regression ("new finding"); a kind of the baseline gone now is
 * fixed ("finding gone"). An inconclusive or unmeasured metric on either
 * side is no change: too little is known to say.
 */
size_t cs_regress_run(const cs_run *base, const cs_run *now, unsigned gate,
                      cs_change *out, size_t *n, size_t max);

/* Sets now's baseline fields (model.h) from the changes ch[0..n) found
 * against the run in dir: the lines, regressions first (pointing into ch,
 * which must outlive now; past CS_MAX_CHANGES they are not listed), their
 * kinds, and regressions, the regressions found in all. */
void cs_regress_attach(cs_run *now, const char *dir, const cs_change *ch, size_t n, size_t regressions);

/* The number of changes of kind in out[0..n). */
size_t cs_regress_count(const cs_change *out, size_t n, cs_change_kind kind);

#endif
