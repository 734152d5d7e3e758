/* The refcount ledger; see ledger.h for what it promises and its limits. */
#include "ledger.h"
#include <stdio.h>
#include <string.h>

typedef struct tracked {
    IDispatch IDispatch_iface;
    LONG ref;                 /* references held through this wrapper */
    IDispatch *inner;         /* NULL once released to zero */
    cs_ledger *ledger;
    const char *origin;       /* interned in the ledger */
    long long iteration;
    struct tracked *prev, *next;
} tracked;

#define MAX_ORIGINS 64

struct cs_ledger {
    HANDLE heap;
    CRITICAL_SECTION lock;
    tracked live;                         /* list head: wrappers with refs */
    tracked *tomb[CS_LEDGER_TOMBSTONES];  /* ring of released wrappers */
    size_t tomb_next;
    tracked *free_list;                   /* wrappers to reuse (next links) */
    const char *last_origin_in;           /* the caller's pointer last interned */
    const char *last_origin;              /* ... and its interned copy */
    char origins[MAX_ORIGINS][64];
    long long uar[MAX_ORIGINS];           /* use-after-release per origin */
    size_t norigins;
    cs_ledger_totals totals;
};

static const IDispatchVtbl tracked_vtbl;

static inline tracked *impl_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, tracked, IDispatch_iface);
}

/* The slow path of intern: search, then add. */
static const char *intern_search(cs_ledger *l, const char *origin)
{
    size_t i;

    for (i = 0; i < l->norigins; i++)
        if (!strcmp(l->origins[i], origin))
            return l->origins[i];
    if (l->norigins == MAX_ORIGINS)
        return l->origins[MAX_ORIGINS - 1];
    snprintf(l->origins[l->norigins], 64, "%s", origin);
    return l->origins[l->norigins++];
}

/* Returns the interned copy of origin (or the last slot when full). The
 * caller usually passes the same pointer every time (a literal, a call
 * site's member name): that case skips the search (the text is still
 * compared, in case a buffer was reused). Lock held. */
static const char *intern(cs_ledger *l, const char *origin)
{
    if (origin == l->last_origin_in && !strcmp(origin, l->last_origin))
        return l->last_origin;
    l->last_origin_in = origin;
    l->last_origin = intern_search(l, origin);
    return l->last_origin;
}

/* Records a call through a released wrapper. */
static void use_after_release(tracked *t)
{
    cs_ledger *l = t->ledger;

    EnterCriticalSection(&l->lock);
    l->totals.use_after_release++;
    l->uar[(t->origin - l->origins[0]) / 64]++;
    LeaveCriticalSection(&l->lock);
}

/* Moves a wrapper whose count reached zero from the live list to the
 * tombstone ring; the oldest tombstone, when the ring is full, goes to the
 * free list. Wrappers are never freed one by one: the ledger's memory
 * only grows while more wrappers are alive at once than ever before. */
static void bury(tracked *t)
{
    cs_ledger *l = t->ledger;
    tracked *old;

    EnterCriticalSection(&l->lock);
    t->prev->next = t->next;
    t->next->prev = t->prev;
    t->prev = t->next = NULL;
    old = l->tomb[l->tomb_next];
    l->tomb[l->tomb_next] = t;
    l->tomb_next = (l->tomb_next + 1) % CS_LEDGER_TOMBSTONES;
    if (old) {                        /* reused by a later wrap */
        old->next = l->free_list;
        l->free_list = old;
    }
    LeaveCriticalSection(&l->lock);
}

static HRESULT WINAPI tracked_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    tracked *t = impl_from_IDispatch(iface);

    *out = NULL;
    if (!t->inner) {
        use_after_release(t);
        return RPC_E_DISCONNECTED;
    }
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)) {
        *out = iface;
        IDispatch_AddRef(iface);
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG WINAPI tracked_AddRef(IDispatch *iface)
{
    tracked *t = impl_from_IDispatch(iface);

    if (!t->inner) {
        use_after_release(t);
        return 0;
    }
    InterlockedIncrement64(&t->ledger->totals.addrefs);
    return InterlockedIncrement(&t->ref);
}

static ULONG WINAPI tracked_Release(IDispatch *iface)
{
    tracked *t = impl_from_IDispatch(iface);
    IDispatch *inner = t->inner;
    LONG ref;

    if (!inner) {
        use_after_release(t);
        return 0;
    }
    InterlockedIncrement64(&t->ledger->totals.releases);
    ref = InterlockedDecrement(&t->ref);
    if (ref == 0) {
        t->inner = NULL;
        IDispatch_Release(inner);
        bury(t);
    }
    return ref;
}

static HRESULT WINAPI tracked_GetTypeInfoCount(IDispatch *iface, UINT *count)
{
    tracked *t = impl_from_IDispatch(iface);

    if (!t->inner) {
        *count = 0;
        use_after_release(t);
        return RPC_E_DISCONNECTED;
    }
    return IDispatch_GetTypeInfoCount(t->inner, count);
}

static HRESULT WINAPI tracked_GetTypeInfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **ti)
{
    tracked *t = impl_from_IDispatch(iface);

    if (!t->inner) {
        *ti = NULL;
        use_after_release(t);
        return RPC_E_DISCONNECTED;
    }
    return IDispatch_GetTypeInfo(t->inner, index, lcid, ti);
}

static HRESULT WINAPI tracked_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names,
                                            UINT count, LCID lcid, DISPID *ids)
{
    tracked *t = impl_from_IDispatch(iface);

    if (!t->inner) {
        use_after_release(t);
        return RPC_E_DISCONNECTED;
    }
    return IDispatch_GetIDsOfNames(t->inner, riid, names, count, lcid, ids);
}

static HRESULT WINAPI tracked_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid,
                                     WORD flags, DISPPARAMS *params, VARIANT *result,
                                     EXCEPINFO *ei, UINT *argerr)
{
    tracked *t = impl_from_IDispatch(iface);

    if (!t->inner) {
        use_after_release(t);
        return RPC_E_DISCONNECTED;
    }
    return IDispatch_Invoke(t->inner, id, riid, lcid, flags, params, result, ei, argerr);
}

static const IDispatchVtbl tracked_vtbl = {
    .QueryInterface = tracked_QueryInterface,
    .AddRef = tracked_AddRef,
    .Release = tracked_Release,
    .GetTypeInfoCount = tracked_GetTypeInfoCount,
    .GetTypeInfo = tracked_GetTypeInfo,
    .GetIDsOfNames = tracked_GetIDsOfNames,
    .Invoke = tracked_Invoke,
};

/*
 * The ledger's memory is made and touched before the run's baseline: the
 * tombstone ring fills over the first CS_LEDGER_TOMBSTONES releases, and
 * wrappers allocated then would read as the target's working set growing
 * (the heap sampler leaves the private heap out, but the process figures
 * cannot). One block holds the ring's wrappers and CS_LEDGER_RESERVE live
 * ones, all on the free list; past that the heap grows only when more
 * wrappers are alive at once, which is the target's own doing.
 */
cs_ledger *cs_ledger_new(void)
{
    HANDLE heap = HeapCreate(0, 0, 0);
    size_t i, n = CS_LEDGER_TOMBSTONES + CS_LEDGER_RESERVE;
    tracked *pool;
    cs_ledger *l;

    if (!heap)
        return NULL;
    l = HeapAlloc(heap, HEAP_ZERO_MEMORY, sizeof(*l));
    pool = l ? HeapAlloc(heap, HEAP_ZERO_MEMORY, n * sizeof(*pool)) : NULL;
    if (!pool) {
        HeapDestroy(heap);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        pool[i].next = l->free_list;
        l->free_list = &pool[i];
    }
    l->heap = heap;
    InitializeCriticalSection(&l->lock);
    l->live.next = l->live.prev = &l->live;
    return l;
}

void cs_ledger_free(cs_ledger *l)
{
    if (!l)
        return;
    /* Live wrappers may still be called by whoever holds them: the heap
     * (and so the ledger) must outlive them, so it is kept when any remain. */
    if (l->live.next != &l->live)
        return;
    DeleteCriticalSection(&l->lock);
    HeapDestroy(l->heap);
}

HANDLE cs_ledger_heap(const cs_ledger *l)
{
    return l ? l->heap : NULL;
}

IDispatch *cs_ledger_wrap(cs_ledger *l, IDispatch *disp, const char *origin, long long iteration)
{
    tracked *t;

    if (!l || !disp || disp->lpVtbl == &tracked_vtbl)
        return disp;
    EnterCriticalSection(&l->lock);
    if ((t = l->free_list))
        l->free_list = t->next;
    else if (!(t = HeapAlloc(l->heap, 0, sizeof(*t)))) {
        LeaveCriticalSection(&l->lock);
        return disp;
    }
    t->IDispatch_iface.lpVtbl = &tracked_vtbl;
    t->ref = 1;
    t->inner = disp;
    t->ledger = l;
    t->iteration = iteration;
    t->origin = intern(l, origin);
    t->next = l->live.next;
    t->prev = &l->live;
    l->live.next->prev = t;
    l->live.next = t;
    l->totals.wrapped++;
    LeaveCriticalSection(&l->lock);
    return &t->IDispatch_iface;
}

void cs_ledger_wrap_variant(cs_ledger *l, VARIANT *v, const char *origin, long long iteration)
{
    IDispatch *disp = NULL;

    if (V_VT(v) == VT_DISPATCH && V_DISPATCH(v)) {
        V_DISPATCH(v) = cs_ledger_wrap(l, V_DISPATCH(v), origin, iteration);
    } else if (V_VT(v) == VT_UNKNOWN && V_UNKNOWN(v)
               && SUCCEEDED(IUnknown_QueryInterface(V_UNKNOWN(v), &IID_IDispatch, (void **)&disp))) {
        IUnknown_Release(V_UNKNOWN(v));
        V_VT(v) = VT_DISPATCH;
        V_DISPATCH(v) = cs_ledger_wrap(l, disp, origin, iteration);
    }
}

IUnknown *cs_ledger_inner(IDispatch *p)
{
    if (!p || p->lpVtbl != &tracked_vtbl)
        return (IUnknown *)p;
    return (IUnknown *)impl_from_IDispatch(p)->inner;
}

void cs_ledger_totals_get(cs_ledger *l, cs_ledger_totals *out)
{
    tracked *t;

    EnterCriticalSection(&l->lock);
    *out = l->totals;
    out->outstanding_refs = out->outstanding_ptrs = 0;
    for (t = l->live.next; t != &l->live; t = t->next) {
        out->outstanding_ptrs++;
        out->outstanding_refs += t->ref;
    }
    LeaveCriticalSection(&l->lock);
}

/* Adds one live wrapper to its origin's finding. */
static void add_finding(cs_ledger_finding *f, const tracked *t)
{
    if (!f->pointers || t->iteration < f->first_iteration)
        f->first_iteration = t->iteration;
    if (!f->pointers || t->iteration > f->last_iteration)
        f->last_iteration = t->iteration;
    f->pointers++;
    f->refs += t->ref;
}

size_t cs_ledger_findings(cs_ledger *l, cs_ledger_finding *out, size_t max)
{
    cs_ledger_finding all[MAX_ORIGINS];
    size_t i, n = 0;
    tracked *t;

    memset(all, 0, sizeof(all));
    EnterCriticalSection(&l->lock);
    for (t = l->live.next; t != &l->live; t = t->next)
        add_finding(&all[(t->origin - l->origins[0]) / 64], t);
    for (i = 0; i < l->norigins; i++) {
        all[i].use_after_release = l->uar[i];
        snprintf(all[i].origin, sizeof(all[i].origin), "%s", l->origins[i]);
    }
    for (i = 0; i < l->norigins; i++) {
        if (!all[i].pointers && !all[i].use_after_release)
            continue;
        if (n < max)
            out[n] = all[i];
        n++;
    }
    LeaveCriticalSection(&l->lock);
    return n;
}
