/*
 * `--trace` in a run: the allocation tracer (trace/trace.h) started on the
 * target's DLL before it loads, and at the end of each run its outstanding
 * allocations grouped, named and turned into the run's allocation sites
 * and findings ("heap leak: 24 B per call of Add(1), allocated in ...").
 */
#ifndef CS_TRACING_H
#define CS_TRACING_H

#include "model.h"
#include "options.h"
#include "release_rules.h"

/* Starts tracing dll (a UTF-8 path or file name) and o's --trace-module
 * names. Returns CS_EXIT_OK, or an exit code after one line on stderr. */
int cs_tracing_start(const cs_options *o, const char *dll);

/* Whether tracing is on (for the hot path, which sets the context). */
int cs_tracing_on(void);

/* Collects the outstanding allocations of run r (iterations past its
 * warm-up), fills sites[0..max) and r->allocs, and adds a finding to r's
 * release checks for every site that leaks. calls name the statements. */
void cs_tracing_collect(cs_run *r, cs_release_store *st, cs_alloc_site *sites, size_t max,
                        const char *const *calls, size_t ncalls);

/* Stops tracing (restores every patched import slot). */
void cs_tracing_stop(void);

#endif
