/*
 * One stress run: T worker threads, each in its own apartment, each running
 * create / call / release iterations through its own caching dispatcher,
 * while samples are taken every K iterations and streamed to the CSV.
 *
 * An iteration runs the script's statements (every --call is one, and
 * each line of --script) through the worker's executor (client/script):
 * cs_exec_begin with @obj (and @sink for pass-instance), each statement
 * under its malloc-spy site (statement index + 1), cs_exec_end, the object
 * forgotten and released, then cs_exec_sweep. With the ledger on, every
 * object a statement obtains is wrapped (the executor's track hook).
 */
#ifndef CS_RUNNER_H
#define CS_RUNNER_H

#include "options.h"
#include "plan.h"
#include "target.h"
#include "model.h"
#include "script.h"
#include "mallocspy.h"

struct cs_csv_writer;
struct cs_script;

/* Event sinks found held (cs_exec_sink_findings), summed over the
 * workers: one per advise statement and verdict. */
#define CS_RUN_SINK_FINDINGS 16
typedef struct cs_run_sinks {
    cs_sink_finding f[CS_RUN_SINK_FINDINGS];
    size_t n;
} cs_run_sinks;

/* What a workload leaves besides its cs_run: what the statements did
 * (summed executor totals), the event sinks found held, and the malloc
 * spy's per-site figures when the
 * warm-up ended (the first calls of a member fill type information and
 * caches once: only the loss after the warm-up is judged). */
typedef struct cs_run_extra {
    cs_exec_totals totals;                  /* the executors', summed */
    cs_run_sinks sinks;
    long long spy_at;                       /* iterations done at the spy
                                             * mark; 0: none taken */
    cs_spy_site_stats spy[CS_SPY_SITES];
} cs_run_extra;

typedef struct cs_run_config {
    const cs_plan *plan;        /* the run's plan: workload, schedule (its
                                 * iterations, samples interval, heap walks,
                                 * warm-up: the spy's mark), threads */
    cs_target *target;
    const char *run_name;       /* CSV "run" column and run.json name */
    cs_policy policy;           /* binding-cache policy */
    struct cs_csv_writer *csv;  /* sample stream, may be NULL */
    struct cs_ledger *ledger;   /* wrap every pointer, may be NULL */
    int spy_on;                 /* the malloc spy is registered */
    long long trace_base;       /* added to iteration numbers given to the
                                 * tracer, so runs of one process never share
                                 * numbers */
    const struct cs_script *script; /* the statements of an iteration (at
                                 * least one; read-only, shared by workers) */
    cs_run_extra *extra;        /* out: sinks, spy mark; may be NULL */
    struct cs_tracing *tracing; /* --trace's session (snapshots at samples,
                                 * the tracer's context per statement); NULL:
                                 * not traced */
} cs_run_config;

/* Runs the workload and fills r (everything but verdicts);
 * r->calls_per_second counts the COM calls the statements made. Returns
 * how the run ended (r->status too): CS_ST_COMPLETED, or another status
 * (call failed, target failed, crashed, hung, interrupted, internal) with
 * r->error set to a one-line message (err_buf holds it); samples taken
 * before the failure are already in the CSV. status.h maps it to the exit
 * code and to words. */
cs_status cs_run_workload(const cs_run_config *cfg, cs_run *r, char *err_buf, size_t errlen);

/* Stops the run now going as interrupted, with why in its error
 * ("Ctrl-C"); safe from a console control handler's thread. The workers
 * finish their iteration, the run ends with CS_ST_INTERRUPTED. With no
 * run going (start-up, between runs) the next run stops before its first
 * iteration. */
void cs_run_interrupt(const char *why);

#endif
