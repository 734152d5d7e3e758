/*
 * One stress run: T worker threads, each in its own apartment, each running
 * create / call / release iterations through its own caching dispatcher,
 * while samples are taken every K iterations and streamed to the CSV.
 */
#ifndef CS_RUNNER_H
#define CS_RUNNER_H

#include "options.h"
#include "target.h"
#include "model.h"

struct cs_csv_writer;

typedef struct cs_run_config {
    const cs_options *opt;
    cs_target *target;
    const char *run_name;       /* CSV "run" column and run.json name */
    const char *policy;         /* binding-cache policy name */
    long long sample_every;
    struct cs_csv_writer *csv;  /* sample stream, may be NULL */
    struct cs_ledger *ledger;   /* wrap every pointer, may be NULL */
    int spy_on;                 /* the malloc spy is registered */
    long long trace_base;       /* added to iteration numbers given to the
                                 * tracer, so runs of one process never share
                                 * numbers */
} cs_run_config;

/* Runs the workload and fills r (everything but verdicts). Returns
 * CS_EXIT_OK, or CS_EXIT_CALL / CS_EXIT_TARGET / CS_EXIT_INTERNAL with
 * r->error set to a one-line message (err_buf holds it); samples taken
 * before the failure are already in the CSV. */
int cs_run_workload(const cs_run_config *cfg, cs_run *r, char *err_buf, size_t errlen);

/* Stops the run now going (if any) as interrupted, with why in its error
 * ("Ctrl-C"); safe from a console control handler's thread. The workers
 * finish their iteration, the run ends with CS_EXIT_INTERRUPTED. */
void cs_run_interrupt(const char *why);

#endif
