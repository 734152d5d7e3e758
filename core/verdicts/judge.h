/*
 * The judge: whether a run fails, and why, from its figures (the leak
 * verdicts, the release findings with their categories, how it ended)
 * and the gate (the --fail-on categories, CS_FAIL_* of options.h, whole).
 * Pure, and the only place that applies a gate: the exit code of run,
 * compare and report, the console lines, run.json, junit.xml and
 * report.html all ask it, so a gate given to `report DIR` judges a run
 * exactly as the same gate given to the live run did.
 */
#ifndef CS_JUDGE_H
#define CS_JUDGE_H

#include <stddef.h>
#include "model.h"
#include "options.h"

/* How one verdict or finding stands under a gate. */
typedef enum cs_gating {
    CS_G_GATES,           /* fails the run */
    CS_G_LEFT_OUT,        /* its category is outside --fail-on */
    CS_G_PAGE_GRANULAR,   /* a page-granular leak: gates only at leak-any */
    CS_G_NOT_A_LEAK       /* a verdict that is no leak (clean, plateau...) */
} cs_gating;

/* Reasons a judgement keeps in words (the count goes on past them). */
#define CS_JUDGE_REASONS 8
#define CS_REASON_LEN 320

typedef struct cs_judgement {
    unsigned gate;            /* the gate judged under */
    int fails;                /* 1: the run fails (an error, a gated verdict
                               * or finding) */
    int release_fails;        /* a release finding gates */
    unsigned failed;          /* the CS_FAIL_* categories that gate */
    size_t gated;             /* verdicts and findings that gate */
    unsigned char verdict[CS_M_COUNT];        /* cs_gating per r->verdicts[i] */
    unsigned char finding[CS_MAX_FINDINGS];   /* cs_gating per finding */
    size_t nreasons;          /* why it fails, one line each (may exceed
                               * CS_JUDGE_REASONS; those past it are not
                               * kept) */
    char reasons[CS_JUDGE_REASONS][CS_REASON_LEN];
} cs_judgement;

/*
 * Judges run r under gate (CS_FAIL_* categories). A leak verdict gates
 * when the gate holds leak (exact metrics, and counters standing in for
 * the heap) or leak-any (every metric); a release finding when the gate
 * holds its category (a finding past CS_MAX_FINDINGS judged by its
 * category too); a run that ended with an error fails whatever the gate.
 * Fills j whole and returns j->fails.
 */
int cs_judge(const cs_run *r, unsigned gate, cs_judgement *j);

/* How verdict v stands under gate (cs_gating). */
cs_gating cs_judge_verdict(const cs_verdict *v, unsigned gate);

/*
 * Finding k of r as every report shows it: its line, then what the
 * judgement j (of r) says of it: " (left out by --fail-on)" when it does
 * not gate; for the first gating unload finding of a server that is not
 * ours, how a --fail-on value leaves that category out (" (a server that
 * never unloads by design: --fail-on leak,refs,objects,blocks)") when a
 * value can say it. Returns buf.
 */
const char *cs_judge_finding_line(const cs_run *r, const cs_judgement *j, size_t k, char *buf, size_t len);

/* Why verdict i of r does not gate, in words for a report ("left out by
 * --fail-on", "page-granular: gates only with --fail-on leak-any"), or
 * NULL when it gates or is no leak. */
const char *cs_judge_verdict_why(const cs_judgement *j, size_t i);

/*
 * The category of a finding line from its first words, for a run record
 * written before records kept categories ("refcount leak: ..." refs,
 * "object leak"/"lock leak" objects, "unload:" unload, the leaks of
 * blocks blocks); 0 when the line names none. The note such a record
 * wrote after a line (" (left out by --fail-on)", the unload hint) is
 * cut from line in place.
 */
unsigned cs_judge_category_of(char *line);

/* Any of runs[0..n) fails (cs_judge, each under its own gate). */
int cs_judge_any(const cs_run *runs, size_t n);

#endif
