/*
 * Release discipline at the end of a run: the ledger's outstanding
 * references, the server's live objects and locks, CoTaskMem/BSTR blocks
 * left per call site, and (after the last run) whether the server DLL says
 * it can unload and really does. This file gathers the figures; the rules
 * that turn them into classified lines are pure (release_rules.h).
 */
#ifndef CS_RELEASE_H
#define CS_RELEASE_H

#include "model.h"
#include "release_rules.h"
#include "target.h"
#include "ledger.h"
#include "runner.h"

/* Fills r from the ledger (may be NULL), what the workload left (extra:
 * the event sinks found held, the spy's mark at the end of the warm-up;
 * may be NULL), the probe (may be absent) and the malloc spy (spy_on).
 * calls[0..ncalls) name the call sites (site i+1). iterations scales
 * per-iteration figures. */
void cs_release_collect(cs_release *r, cs_release_store *st, cs_target *t, cs_ledger *l,
                        int spy_on, const char *const *calls, size_t ncalls,
                        const cs_run_extra *extra, long long iterations);

/* The unload proof, after the last run: releases the probe, asks the
 * server's DllCanUnloadNow, calls CoFreeUnusedLibrariesEx(0, 0) (--dll:
 * frees our own reference when it said S_OK) and checks the module is
 * gone. Adds findings to r. */
void cs_release_unload(cs_release *r, cs_release_store *st, cs_target *t);

#endif
