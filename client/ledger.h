/*
 * The refcount ledger: a forwarding IDispatch wrapper put around every
 * interface pointer the harness obtains (created objects, objects in
 * results), counting each AddRef and Release made through it, by anyone:
 * the harness, or the server when the wrapper is passed as an argument.
 *
 * At the end of a run every wrapper still holding references is an
 * outstanding reference, reported with the member call and iteration that
 * produced it. A call through a wrapper already released to zero is
 * recorded as use-after-release and answered with RPC_E_DISCONNECTED
 * instead of crashing (for the last CS_LEDGER_TOMBSTONES released wrappers;
 * older ones are freed to keep the ledger's memory bounded).
 *
 * The ledger allocates from a private heap (cs_ledger_heap) so the heap
 * sampler can leave its bookkeeping out of the figures, and makes its
 * memory at creation, before the run's baseline, so the process figures
 * (working set, pagefile) never see it grow.
 *
 * Limits: QueryInterface for an interface other than IUnknown/IDispatch is
 * refused (E_NOINTERFACE): a C wrapper cannot forward vtable slots it does
 * not know, so with the ledger on the dispatch layer uses the Invoke plan.
 * References the server takes on its own objects internally never pass
 * through a wrapper; the server's live-object counters catch those.
 */
#ifndef CS_LEDGER_H
#define CS_LEDGER_H

#include <windows.h>
#include <oaidl.h>

#define CS_LEDGER_TOMBSTONES 4096
/* Wrappers made ready for use, besides the tombstones, before a run
 * starts (cs_ledger_new): live at once in a run without a refcount leak. */
#define CS_LEDGER_RESERVE 1024

typedef struct cs_ledger cs_ledger;

typedef struct cs_ledger_totals {
    long long wrapped;            /* wrappers made */
    long long addrefs, releases;  /* through wrappers */
    long long outstanding_refs;   /* references still held on live wrappers */
    long long outstanding_ptrs;   /* wrappers with references left */
    long long use_after_release;  /* calls through released wrappers */
} cs_ledger_totals;

/* One line per origin of outstanding references, e.g. origin "CreateChild",
 * 2000 wrappers, 2000 references, iterations 1..2000. */
typedef struct cs_ledger_finding {
    char origin[64];
    long long pointers, refs;
    long long first_iteration, last_iteration;
    long long use_after_release;
} cs_ledger_finding;

cs_ledger *cs_ledger_new(void);
/* Frees the ledger's bookkeeping. Wrappers still referenced are left
 * alive (their holders may call them) and leak by design. */
void cs_ledger_free(cs_ledger *l);
HANDLE cs_ledger_heap(const cs_ledger *l);

/* Takes over the caller's reference on disp and returns a wrapper holding
 * it; the caller now owns one reference on the wrapper. origin names the
 * call that produced the pointer ("CreateInstance", "CreateChild"). On out
 * of memory returns disp itself, untracked. */
IDispatch *cs_ledger_wrap(cs_ledger *l, IDispatch *disp, const char *origin, long long iteration);

/* Wraps the object in a VT_DISPATCH or VT_UNKNOWN result in place. */
void cs_ledger_wrap_variant(cs_ledger *l, VARIANT *v, const char *origin, long long iteration);

/* The object a wrapper forwards to (borrowed), for QueryInterface of an
 * interface the wrapper refuses (a connection point container, ...); p
 * itself when p is no wrapper, NULL for a wrapper already released. A
 * reference taken through it bypasses the ledger. */
IUnknown *cs_ledger_inner(IDispatch *p);

void cs_ledger_totals_get(cs_ledger *l, cs_ledger_totals *t);

/* Fills up to max findings (outstanding references grouped by origin, plus
 * use-after-release); returns how many there are. */
size_t cs_ledger_findings(cs_ledger *l, cs_ledger_finding *out, size_t max);

#endif
