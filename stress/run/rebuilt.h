/*
 * `comstress report DIR`: everything rebuilt from DIR/samples.csv, the
 * one file written as the run went, merged with each run's record
 * (runs.txt, or a traced run's provisional traced.txt), so a run that
 * crashed or hung still gets its reports.
 */
#ifndef CS_REBUILT_H
#define CS_REBUILT_H

#include <stddef.h>
#include "model.h"
#include "rebuild.h"
#include "report_csv.h"
#include "runinfo.h"

/* The runs of a directory read back (samples and records), as `report
 * DIR` reads them; what the runs point to is owned here. */
typedef struct cs_rebuilt {
    cs_csv_data d;
    cs_runinfo info, traced;
    cs_run *runs;
    size_t n;
} cs_rebuilt;

/*
 * Reads the runs of an earlier run's directory for --baseline: samples.csv
 * rebuilt into runs with their verdicts, merged with their records. A
 * directory without a run record (runs.txt) is no run: returns
 * CS_EXIT_USAGE with one line in err naming dir and what it lacks (as it
 * does for samples that cannot be read or hold none); CS_EXIT_INTERNAL
 * when memory runs out; else 0. Free with cs_rebuilt_free either way.
 */
int cs_rebuilt_load(const char *dir, cs_rebuilt *b, char *err, size_t errlen);

/* The run of b that ran policy (its "cache"), or NULL. */
const cs_run *cs_rebuilt_find_policy(const cs_rebuilt *b, const char *policy);

void cs_rebuilt_free(cs_rebuilt *b);

/* Rebuilds and writes the reports of the run in dir and returns the exit
 * code the run had (status.h), or, for a run that completed, 1 when the
 * judge fails a run under gate (CS_FAIL_* whole; 0: each run's own, from
 * its record or its phase file), else 0. verbose: every metric's
 * verdict. CS_EXIT_OUTPUT after one line naming the file when
 * samples.csv is missing, unreadable or holds no sample, a report cannot
 * be written, or a run still holds the directory. */
int cs_rebuild_reports(const char *dir, unsigned gate, int verbose);

#endif
