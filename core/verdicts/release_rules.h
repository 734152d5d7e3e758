/*
 * The release rules: how end-of-run figures (ledger references, the
 * server's live objects and locks, CoTaskMem/BSTR blocks left per call,
 * DllCanUnloadNow and the module's presence) become classified finding
 * lines in a cs_release. Pure: stress/run/release.c gathers the figures
 * through COM and Win32 and hands them here.
 */
#ifndef CS_RELEASE_RULES_H
#define CS_RELEASE_RULES_H

#include <stddef.h>
#include "model.h"
#include "options.h"

#define CS_FINDING_LEN 640

/* Storage for the finding lines a cs_release points to. Whether a
 * finding fails the run is not decided here: the judge (judge.h) applies
 * the gate to each finding's category. */
typedef struct cs_release_store {
    char lines[CS_MAX_FINDINGS][CS_FINDING_LEN];
} cs_release_store;

/* Every figure "not measured" (-1), no findings, r->measured set. */
void cs_release_init(cs_release *r);

/*
 * Appends one finding line (printf-style) of category (CS_FAIL_REFS,
 * _OBJECTS, _BLOCKS or _UNLOAD), the category kept beside it. Past
 * CS_MAX_FINDINGS lines the line is dropped and its category kept in
 * r->dropped (the judge still counts it).
 */
void cs_release_add(cs_release *r, cs_release_store *st, unsigned category, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "2 outstanding per iteration" when n is a whole multiple of iterations,
 * else "37 outstanding" (what is the noun phrase). */
void cs_per_iteration(char *buf, size_t len, long long n, long long iterations, const char *what);

/* One ledger origin: refs never released, calls through released pointers,
 * over iterations first..last. */
void cs_release_judge_ledger(cs_release *r, cs_release_store *st, const char *origin,
                             long long refs, long long use_after_release,
                             long long first, long long last, long long iterations);

/* The server's counters at the end, from r->live_objects_end and
 * r->locks_end (negative: not measured, no finding). */
void cs_release_judge_probe(cs_release *r, cs_release_store *st, long long iterations);

/* Blocks left at one call site (call NULL: the harness outside calls).
 * Only a steady loss of at least one block every other iteration is a
 * finding, not a one-off cache fill. */
void cs_release_judge_site(cs_release *r, cs_release_store *st, const char *call,
                           long long live_blocks, long long live_bytes, long long iterations);

/* A traced allocation site that grows with the iterations: one line
 * naming how much leaks per call (or per iteration when no call was
 * running), the allocator, the call and where it was allocated. Sites of
 * other classes (plateau, one-off) are no finding. Category blocks. */
void cs_release_judge_alloc(cs_release *r, cs_release_store *st, const cs_alloc_site *a);

/* The unload proof, from r->can_unload and r->unloaded (1, 0, or -1 for
 * not known); freed_by names what should have unloaded the DLL
 * ("CoFreeUnusedLibrariesEx(0, 0)", "FreeLibrary"). ours: the server has
 * the comstress probe; one that is not ours may never unload by design
 * (Wine's own automation DLLs): r->foreign says so, and the judge's line
 * for a gating unload finding then says how to leave the category out
 * (cs_judge_finding_line). */
void cs_release_judge_unload(cs_release *r, cs_release_store *st, int ours, const char *freed_by);

/*
 * Event sinks of one advise statement found held after their iteration
 * (the script executor's sweep): verdict is the executor's phrase ("the
 * server kept our sink alive after Unadvise"); client_side marks the
 * client's own reference cycle (never unadvised) apart from a server that
 * keeps sinks. line is the statement's script line (0: a --call), text the
 * statement; sinks held, refs others held on them, over iterations
 * first..last. Category refs:
 *   sink leak: the server kept our sink alive after Unadvise (line 2:
 *   advise @obj), 1 held per iteration, 1 reference each (iterations 1..300)
 */
void cs_release_judge_sink(cs_release *r, cs_release_store *st, const char *verdict, int client_side,
                           int line, const char *text, long long sinks, long long refs,
                           long long first, long long last, long long iterations);

#endif
