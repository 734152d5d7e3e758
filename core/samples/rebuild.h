/*
 * `comstress report DIR` rebuilds runs from samples.csv alone (after a
 * crash or a hang). Pure.
 */
#ifndef CS_REBUILD_H
#define CS_REBUILD_H

#include "model.h"
#include "report_csv.h"

/*
 * Rebuilds what the CSV can tell about one run: its name and cache policy
 * (the part of the name after '/', NULL when the name has none), the
 * iterations and seconds of its last sample, the probe and cache counters
 * of its last sample, and the verdicts with default parameters and a 10%
 * warm-up, the same defaults `run` uses; r->fail_on is the default
 * gate (the CSV does not record the run's: its record does). What only
 * the live run knew (target, calls, binds, release checks) is left "not
 * measured", and so is a counter whose last value is negative or not
 * finite. A run without samples (cr->n == 0) is rebuilt empty: no
 * verdicts, figures not measured.
 */
void cs_run_from_csv(const cs_csv_run *cr, cs_run *r);

#endif
