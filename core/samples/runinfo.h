/*
 * The run record: what only the live run knows (target, calls, settings,
 * cache figures, release findings, its error), appended to DIR/runs.txt
 * as each run ends, so `comstress report DIR` rebuilds the same report
 * from the directory alone, after a crash as after a clean end.
 *
 * Format: UTF-8 lines "key value", a record from "run NAME" to "end";
 * values escaped (\n, \t, \r, \\) so a value is always one line. Unknown
 * keys are skipped: fields can be added, never renamed. Pure.
 *
 * The gate and the findings are kept whole, so `report DIR --fail-on X`
 * judges the run anew (judge.h): "fail_on WORDS" (the --fail-on
 * categories; "gate LEVEL", the leak level alone, is still written for
 * older readers and read when "fail_on" is absent), each "finding LINE"
 * as found followed by its "finding_category WORD", "findings_dropped"
 * (the categories of findings past the list), "server_foreign" (a server
 * without the probe), "status WORD" (how the run ended, status.h).
 * "release_failed" says the run's own judgement, for older readers.
 *
 * A traced run's allocation sites follow its findings: "allocations N"
 * (the run was traced; N sites follow, maybe none), then for each site
 * "alloc CLASS" and its fields "alloc_allocator", "alloc_call" (absent:
 * no call was running), "alloc_bytes", "alloc_blocks",
 * "alloc_bytes_per_iteration", "alloc_blocks_per_iteration" (numbers
 * written with 17 digits: read back exact), "alloc_site", and one
 * "alloc_frame" per frame, innermost first.
 *
 * While a traced run goes, the same record, as far as it is known, is
 * rewritten whole at snapshots into CS_RUNINFO_TRACED_FILE (written under
 * a temporary name, then renamed): what `report DIR` uses for a run that
 * never reached its final record (a crash ended the process).
 */
#ifndef CS_RUNINFO_H
#define CS_RUNINFO_H

#include <stdio.h>
#include <stddef.h>
#include "model.h"

#define CS_RUNINFO_FILE "runs.txt"
#define CS_RUNINFO_TRACED_FILE "traced.txt"

/* Appends r's record to f. Returns 0, or -1 on a write error. */
int cs_runinfo_write(FILE *f, const cs_run *r);

/* Everything read back from a runs.txt: one cs_run per record, with its
 * strings and allocation sites owned here. */
typedef struct cs_runinfo {
    cs_run *runs;
    size_t n;
    void **owned;             /* every string and site array the runs point to */
    size_t nowned;
    int finding_kept;         /* while parsing: the last "finding" line was kept
                               * (past CS_MAX_FINDINGS it is not, nor its category) */
} cs_runinfo;

/* Parses the text of a runs.txt (NULL or "": no runs). A truncated last
 * record (the process died while writing it) is kept as far as it goes.
 * Returns 0, or -1 when memory runs out. */
int cs_runinfo_parse(const char *text, cs_runinfo *ri);

/* The record named name, or NULL. */
const cs_run *cs_runinfo_find(const cs_runinfo *ri, const char *name);

/* Copies what the record knows into r (a run rebuilt from samples):
 * target, calls, settings, cache figures, speed, release findings, error,
 * and the allocation sites when it has them (r->allocs stays as it was
 * when it has none). r's strings and sites then point into ri, which
 * must outlive it. */
void cs_runinfo_merge(const cs_run *rec, cs_run *r);

void cs_runinfo_free(cs_runinfo *ri);

#endif
