/*
 * The script executor: runs parsed statements (callspec.h) against the
 * objects of one stress iteration through the late-binding layer (lb.h).
 *
 * One executor per worker thread (like its dispatcher). Per iteration:
 *
 *   cs_exec_begin(x, obj, given, n, iteration, &e)   the harness's objects
 *   cs_exec_statement(x, i, &e) for each statement   (or cs_exec_run)
 *   cs_exec_end(x)                                   names released
 *   ... the harness releases its own objects ...
 *   cs_exec_sweep(x)                                 sinks checked
 *
 * Object lifetimes, as a careful late-binding client keeps them:
 * - every intermediate object of a chain (and the collection of an
 *   "each") is released when its statement ends; the intermediates of the
 *   calls made on an enumerated item when that item is done;
 * - an object bound to a name ("@c = CreateChild()", or an "out @c"
 *   result) is released at the end of the iteration, or when the name is
 *   bound again;
 * - each enumerated item is cleared after its calls; the enumerator is
 *   released after the walk;
 * - before the last release of any object it called or passed, the
 *   executor tells the dispatcher to forget it (lb_dispatcher_forget).
 * Objects the harness gives (cs_exec_begin) are borrowed, never released.
 *
 * Hooks let the harness's refcount ledger wrap each object the script
 * obtains (track) and reach the object behind a wrapper for the interfaces
 * a wrapper cannot forward (inner: IConnectionPointContainer, ...).
 *
 * Events: "advise @c" finds @c's default source dispinterface
 * (IProvideClassInfo2::GetGUID(GUIDKIND_DEFAULT_SOURCE_DISP_IID), else the
 * [default, source] interface of IProvideClassInfo's coclass), makes a
 * counting sink for it (an IDispatch whose Invoke counts calls), and
 * connects it through IConnectionPointContainer::FindConnectionPoint and
 * IConnectionPoint::Advise; the connection point is released at once and
 * found again by "unadvise @c" (the ATL way). The sink holds @c until
 * unadvised, unless advised weak. At the end of the iteration the executor
 * keeps one reference on each sink; cs_exec_sweep, once the sources have
 * been released, reports every sink someone still holds:
 *   after Unadvise            the server kept our sink alive (server bug);
 *   weak, never unadvised     the released source never let go of it
 *                             (server bug, or the source itself leaked);
 *   holding, never unadvised  a reference cycle through our sink (client
 *                             bug: the script, or the missing-unadvise
 *                             fault).
 */
#ifndef CS_SCRIPT_H
#define CS_SCRIPT_H

#include "lb.h"
#include "callspec.h"

/* Client-side faults (the harness misbehaving on purpose). */
typedef enum cs_exec_fault {
    CS_XF_NONE,
    CS_XF_MISSING_ITEM_RELEASE,   /* each: enumerated items are never cleared */
    CS_XF_MISSING_ENUM_RELEASE,   /* each: the enumerator is never released */
    CS_XF_MISSING_UNADVISE,       /* unadvise does nothing: no Unadvise, the sink keeps its source */
    CS_XF_MISSING_VARIANTCLEAR    /* a statement's result is never cleared */
} cs_exec_fault;

/* "none", "missing-item-release", "missing-enum-release",
 * "missing-unadvise", "missing-variantclear"; FALSE when unknown. */
BOOL cs_exec_fault_from_name(const char *name, cs_exec_fault *out);
const char *cs_exec_fault_name(cs_exec_fault f);

typedef struct cs_exec_hooks {
    void *ctx;
    /* Called once for each object the script obtains (chain results,
     * enumerated items, values bound to names, out results), before the
     * executor uses it; may replace the object in *v, taking over its
     * reference (cs_ledger_wrap_variant). origin is the member that
     * produced it, or the each statement's text for items: a string that
     * lives as long as the executor; iteration is cs_exec_begin's. NULL:
     * nothing tracked. */
    void (*track)(void *ctx, VARIANT *v, const char *origin, long long iteration);
    /* The object behind p (borrowed), for QueryInterface of interfaces a
     * tracking wrapper does not forward. NULL: p itself. */
    IUnknown *(*inner)(void *ctx, IDispatch *p);
} cs_exec_hooks;

typedef struct cs_exec cs_exec;

/*
 * Prepares script for runs through dispatcher d (both borrowed: they must
 * outlive the executor). hooks may be NULL (copied). Returns S_OK and
 * *out, or E_OUTOFMEMORY / E_INVALIDARG with err naming the statement.
 */
HRESULT cs_exec_new(const cs_script *script, lb_dispatcher *d, const cs_exec_hooks *hooks,
                    cs_exec_fault fault, cs_exec **out, lb_error *err);

/* Releases what the last iteration left (cs_exec_end, cs_exec_sweep). */
void cs_exec_free(cs_exec *x);

/*
 * Starts an iteration: chains without "@name" start at receiver; given
 * (n entries, borrowed objects) binds names such as
 * "obj" and "sink" for the iteration. Ends a previous iteration not ended
 * and sweeps. Fails (E_INVALIDARG) only without a receiver.
 */
HRESULT cs_exec_begin(cs_exec *x, IDispatch *receiver, const lb_ref *given, size_t n, long long iteration,
                      lb_error *err);

/* Runs statement index (0-based, script order). On failure err reads
 * "line 3: @c.Item(9).Name: Item: bad index (DISP_E_BADINDEX, 0x8002000b)"
 * (no "line N: " for a lone statement) and err->hr is the HRESULT; what
 * the statement obtained is released. */
HRESULT cs_exec_statement(cs_exec *x, size_t index, lb_error *err);

/* Runs every statement in order; stops at the first failure. */
HRESULT cs_exec_run(cs_exec *x, lb_error *err);

/* Ends the iteration: named objects released, sinks retired (one
 * reference kept on each until cs_exec_sweep). */
void cs_exec_end(cs_exec *x);

/* Checks every retired sink (see the header comment) and releases the
 * executor's reference on it. Call it after the harness has released the
 * iteration's own objects. */
void cs_exec_sweep(cs_exec *x);

typedef struct cs_exec_totals {
    long long statements;              /* statements run to completion */
    long long calls;                   /* late-bound calls made */
    long long enumerations, items;     /* each statements, items walked */
    long long clones;                  /* enumerators cloned (each clone) */
    long long advises, unadvises;      /* connections made and broken */
    long long events;                  /* Invoke calls our sinks received (swept sinks) */
    long long kept_after_unadvise;     /* sinks held after Unadvise and the source's release */
    long long kept_by_source;          /* weak sinks held after the source's release */
    long long cycles;                  /* holding sinks never unadvised, still held */
} cs_exec_totals;

void cs_exec_totals_get(const cs_exec *x, cs_exec_totals *out);

typedef enum cs_sink_verdict {
    CS_SINK_KEPT_AFTER_UNADVISE,
    CS_SINK_KEPT_BY_SOURCE,
    CS_SINK_CYCLE
} cs_sink_verdict;

/* One line per advise statement and verdict with sinks found held. */
typedef struct cs_sink_finding {
    cs_sink_verdict verdict;
    int line;                          /* the advise statement's line (0: lone) */
    char text[128];                    /* ... and its text */
    long long sinks;                   /* sinks found held */
    long long refs;                    /* references others held on them */
    long long first_iteration, last_iteration;
} cs_sink_finding;

/* Fills up to max findings; returns how many there are. */
size_t cs_exec_sink_findings(const cs_exec *x, cs_sink_finding *out, size_t max);

/* What a verdict means, one phrase ("the server kept our sink alive after
 * Unadvise"). */
const char *cs_sink_verdict_text(cs_sink_verdict v);

#endif
