/*
 * `comstress report DIR`: everything rebuilt from DIR/samples.csv, the
 * one file written as the run went, merged with each run's record
 * (runs.txt, or a traced run's provisional traced.txt), so a run that
 * crashed or hung still gets its reports.
 */
#ifndef CS_REBUILT_H
#define CS_REBUILT_H

/* Rebuilds and writes the reports of the run in dir and returns the exit
 * code the run had (status.h), or, for a run that completed, 1 when the
 * judge fails a run under gate (CS_FAIL_* whole; 0: each run's own, from
 * its record or its phase file), else 0. verbose: every metric's
 * verdict. CS_EXIT_OUTPUT after one line naming the file when
 * samples.csv is missing, unreadable or holds no sample, a report cannot
 * be written, or a run still holds the directory. */
int cs_rebuild_reports(const char *dir, unsigned gate, int verbose);

#endif
