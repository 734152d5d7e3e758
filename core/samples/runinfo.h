/*
 * The run record: what only the live run knows (target, calls, settings,
 * cache figures, release findings, its error), appended to DIR/runs.txt
 * as each run ends, so `comstress report DIR` rebuilds the same report
 * from the directory alone, after a crash as after a clean end.
 *
 * Format: UTF-8 lines "key value", a record from "run NAME" to "end";
 * values escaped (\n, \t, \\) so a value is always one line. Unknown keys
 * are skipped: fields can be added, never renamed. Pure.
 */
#ifndef CS_RUNINFO_H
#define CS_RUNINFO_H

#include <stdio.h>
#include <stddef.h>
#include "model.h"

#define CS_RUNINFO_FILE "runs.txt"

/* Appends r's record to f. Returns 0, or -1 on a write error. */
int cs_runinfo_write(FILE *f, const cs_run *r);

/* Everything read back from a runs.txt: one cs_run per record, with its
 * strings owned here. */
typedef struct cs_runinfo {
    cs_run *runs;
    size_t n;
    char **strings;           /* every string the runs point to */
    size_t nstrings;
} cs_runinfo;

/* Parses the text of a runs.txt (NULL or "": no runs). A truncated last
 * record (the process died while writing it) is kept as far as it goes.
 * Returns 0, or -1 when memory runs out. */
int cs_runinfo_parse(const char *text, cs_runinfo *ri);

/* The record named name, or NULL. */
const cs_run *cs_runinfo_find(const cs_runinfo *ri, const char *name);

/* Copies what the record knows into r (a run rebuilt from samples):
 * target, calls, settings, cache figures, speed, release findings, error.
 * r's strings then point into ri, which must outlive it. */
void cs_runinfo_merge(const cs_run *rec, cs_run *r);

void cs_runinfo_free(cs_runinfo *ri);

#endif
