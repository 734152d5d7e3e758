/*
 * From a finished (or interrupted) set of runs to the report files: reads
 * the streamed samples back, computes the verdicts, writes run.json,
 * memory.svg, report.html and junit.xml into the output directory.
 */
#ifndef CS_REPORTS_H
#define CS_REPORTS_H

#include <stddef.h>
#include <stdio.h>
#include "model.h"
#include "runner.h"

typedef struct cs_verdict_params {
    double max_leak_bytes;   /* bytes metrics: tolerated per iteration */
    long long warmup;        /* iterations left out */
} cs_verdict_params;

/* Computes r->verdicts (and heap_bytes_per_iteration) from the samples of
 * run r->name in dir/samples.csv. Returns 0, or -1 with a one-line message
 * in err when the samples cannot be read back (then no verdict exists, and
 * the run must not pass as clean). */
int cs_reports_verdicts(const char *dir, cs_run *r, const cs_verdict_params *p,
                        char *err, size_t errlen);

/* Prints r's verdicts to stdout: one indented line per metric that is not
 * clean (every metric when verbose), then how many were clean. */
void cs_reports_print_verdicts(const cs_run *r, int verbose);

/* Prints r's release findings to stdout, one indented line each, as the
 * judge words them under r's own gate (judge.h). */
void cs_reports_print_findings(const cs_run *r);

/* Prints one run's summary lines: speed and cache figures, sampling,
 * the verdicts, the probe's counters, what the statements of sc did
 * beyond calls (x), and the findings as the judge words them. */
void cs_reports_print_run(const cs_run *r, int verbose, const struct cs_script *sc, const cs_run_extra *x);

/* The compare table: one row per policy. */
void cs_reports_print_compare(const cs_run *runs, size_t n);

/* Writes every report file for runs[0..n). Returns 0, or -1 with a
 * one-line message in err naming the file that could not be written. */
int cs_reports_write(const char *dir, const cs_context *ctx, const cs_run *runs, size_t n,
                     char *err, size_t errlen);

#endif
