/*
 * `--trace` in a run: the allocation tracer (trace/trace.h) started on the
 * target's DLL before it loads, and at the end of each run its outstanding
 * allocations grouped, named and turned into the run's allocation sites
 * and findings ("heap leak: 24 B per call of Add(1), allocated in ...");
 * while it goes, the same written to its directory at sample points, for
 * a crash that ends the process before the end.
 */
#ifndef CS_TRACING_H
#define CS_TRACING_H

#include "model.h"
#include "options.h"
#include "plan.h"
#include "release_rules.h"

/* A tracing session: the tracer started on a run's DLL, and the run
 * going in it (its snapshots). A session's functions take it; NULL (a run
 * without --trace) makes each of them do nothing. */
typedef struct cs_tracing cs_tracing;

/* Starts tracing dll (a UTF-8 path or file name) and o's --trace-module
 * names into a new session *out. Returns CS_EXIT_OK, or an exit code
 * after one line on stderr (*out NULL). */
int cs_tracing_start(const cs_plan *o, const char *dll, cs_tracing **out);

/* Collects the outstanding allocations of run r (iterations past its
 * warm-up), fills sites[0..max) and r->allocs, and adds a finding to r's
 * release checks for every site that leaks. calls name the statements. */
void cs_tracing_collect(cs_tracing *t, cs_run *r, cs_release_store *st, cs_alloc_site *sites, size_t max,
                        const char *const *calls, size_t ncalls);

/*
 * Crash-proof attribution: while a traced run goes, its allocation sites
 * are collected at sample points and written whole (temporary name, then
 * renamed) into DIR/traced.txt as a provisional run record
 * (core/samples/runinfo.h): the run's description, the iterations done,
 * the sites classified over the iterations past the warm-up, and their
 * findings judged as the end of the run would judge them. A crash that
 * ends the process leaves the latest one for `comstress report DIR`.
 *
 * cs_tracing_begin_run takes r's description (name, target, calls,
 * settings; the strings must outlive the run) and r->warmup before the
 * workload; trace_base is the tracer's number of the run's iteration 0,
 * calls the statements' names (the gate is r->fail_on). Does
 * nothing when tracing is off.
 */
void cs_tracing_begin_run(cs_tracing *t, const cs_run *r, const char *dir, long long trace_base,
                          const char *const *calls, size_t ncalls);

/*
 * Called by the sampler at each sample, done iterations into the run,
 * from the sampling thread. Takes a snapshot when one is due: never
 * within the warm-up, always at the first sample past it, afterwards only
 * while the snapshots' total stays within 2% of the run's time (each
 * one's cost is measured; the latest one's is the estimate of the next).
 * A snapshot's frames are written unnamed (cs_tracing_name_sites names
 * them later): no dbghelp while the run goes. Its time is the caller's
 * to count as sampling time.
 */
void cs_tracing_snapshot(cs_tracing *t, long long done);

/* What the snapshots of a run cost. */
typedef struct cs_tracing_costs {
    int snapshots;              /* taken */
    double seconds;             /* all of them */
    long long written;          /* iterations of the latest one on disk, 0: none */
} cs_tracing_costs;

/* After the run's final record is on disk: fills *costs (may be NULL)
 * and removes the provisional record, no longer needed. */
void cs_tracing_end_run(cs_tracing *t, cs_tracing_costs *costs);

/*
 * Names the sites of r that a snapshot wrote unnamed (cs_alloc_site.raw),
 * for `report DIR` when a run left only its snapshot: the frames are
 * looked up in the module files they came from (cs_trace_name_frames),
 * and each site line is replaced, in the site and in r's findings, by the
 * one the run's own end would have written. Tracing need not be on.
 */
void cs_tracing_name_sites(cs_run *r);

/* Stops tracing (restores every patched import slot) and frees t. */
void cs_tracing_stop(cs_tracing *t);

#endif
