/*
 * Samplers: each reads one or more process metrics into a cs_sample
 * (stress/model.h). Win32 glue; the figures they produce feed the pure
 * statistics and writers.
 */
#ifndef CS_SAMPLERS_H
#define CS_SAMPLERS_H

#include <windows.h>
#include "model.h"

/* Live bytes and blocks over every heap of the process (HeapWalk). Exact
 * under Wine, unlike working set; cost grows with the heap. Returns FALSE
 * if no heap could be walked. */
BOOL cs_heap_totals(double *bytes, double *blocks);

/* Leaves heap out of cs_heap_totals (the harness's own bookkeeping, such
 * as the refcount ledger's private heap). At most 8; NULL is ignored. */
void cs_samplers_exclude_heap(HANDLE heap);

/* The busy bytes of the heaps left out (the harness's own: the ledger's
 * wrappers, the malloc spy's tables), walked now; 0 when there are none. */
double cs_harness_heap_bytes(void);

/* Live threads of this process from the executable's TLS callback: free,
 * so it is read on every sample. Threads created with
 * THREAD_CREATE_FLAGS_SKIP_THREAD_ATTACH are not seen. Valid only in a
 * program that links this file (the callback lives in the executable). */
double cs_thread_count(void);

/* The same count from a toolhelp snapshot (costly: for cross-checks). */
double cs_thread_count_snapshot(void);

/* Fills every process metric of s: heap bytes and blocks, working set and
 * pagefile usage (GetProcessMemoryInfo; Wine leaves PrivateUsage empty),
 * handles (Wine 8 reports 0: left NaN) and threads; leaves the others
 * untouched. */
void cs_sample_process(cs_sample *s);

/* cs_sample_process in three parts, for a sampler on a time budget: */
/* threads only (an in-process count: free); */
void cs_sample_process_light(cs_sample *s);
/* heap bytes and blocks (a walk of every heap: its cost grows with the
 * heap); */
void cs_sample_heap(cs_sample *s);
/* working set, pagefile usage and handles (each a round trip to the
 * wineserver under Wine: a constant cost, about 0.05 ms here). */
void cs_sample_counters(cs_sample *s);

#endif
