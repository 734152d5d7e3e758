/* The script executor: the harness's counting event sink, advise,
 * unadvise and the sweep that finds sinks someone still holds (see
 * script.h). */
#include "script_internal.h"
#include <ocidl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sink for one source dispinterface: counts every Invoke. Holds its
 * source (a client's handler holds the object it listens to) until
 * unadvised, unless made weak. Lives on its own: whoever holds it last
 * frees it, even after the executor is gone. */
struct xs_sink {
    IDispatch IDispatch_iface;
    LONG ref;
    IID iid;
    IUnknown *source;       /* NULL once dropped, or weak */
    LONG events;
};

static inline xs_sink *impl_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, xs_sink, IDispatch_iface);
}

static HRESULT WINAPI sink_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    xs_sink *sink = impl_from_IDispatch(iface);

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &sink->iid)) {
        *out = iface;
        IDispatch_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI sink_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&impl_from_IDispatch(iface)->ref);
}

/* Drops the sink's reference on its source, once. */
static void sink_drop_source(xs_sink *sink)
{
    IUnknown *src = InterlockedExchangePointer((void **)&sink->source, NULL);

    if (src)
        IUnknown_Release(src);
}

static ULONG WINAPI sink_Release(IDispatch *iface)
{
    xs_sink *sink = impl_from_IDispatch(iface);
    LONG ref = InterlockedDecrement(&sink->ref);

    if (!ref) {
        sink_drop_source(sink);
        free(sink);
    }
    return ref;
}

static HRESULT WINAPI sink_GetTypeInfoCount(IDispatch *iface, UINT *count)
{
    *count = 0;
    return S_OK;
}

static HRESULT WINAPI sink_GetTypeInfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **ti)
{
    *ti = NULL;
    return DISP_E_BADINDEX;
}

static HRESULT WINAPI sink_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count,
                                         LCID lcid, DISPID *ids)
{
    return DISP_E_UNKNOWNNAME;
}

/* Every event is welcome: counted, nothing else. */
static HRESULT WINAPI sink_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                  DISPPARAMS *params, VARIANT *result, EXCEPINFO *ei, UINT *argerr)
{
    InterlockedIncrement(&impl_from_IDispatch(iface)->events);
    return S_OK;
}

static const IDispatchVtbl sink_vtbl = {
    .QueryInterface = sink_QueryInterface,
    .AddRef = sink_AddRef,
    .Release = sink_Release,
    .GetTypeInfoCount = sink_GetTypeInfoCount,
    .GetTypeInfo = sink_GetTypeInfo,
    .GetIDsOfNames = sink_GetIDsOfNames,
    .Invoke = sink_Invoke,
};

/* A new sink (one reference) for iid, holding source unless NULL. */
static xs_sink *sink_new(const IID *iid, IUnknown *source)
{
    xs_sink *sink = calloc(1, sizeof(*sink));

    if (!sink)
        return NULL;
    sink->IDispatch_iface.lpVtbl = &sink_vtbl;
    sink->ref = 1;
    sink->iid = *iid;
    if ((sink->source = source))
        IUnknown_AddRef(source);
    return sink;
}

/* The [default, source] interface of a coclass's type information. */
static HRESULT coclass_source(ITypeInfo *ti, IID *iid)
{
    ITypeInfo *ref = NULL;
    TYPEATTR *ta;
    HREFTYPE href;
    UINT i, n;
    INT flags;
    HRESULT hr = E_NOINTERFACE;

    if (FAILED(ITypeInfo_GetTypeAttr(ti, &ta)))
        return E_NOINTERFACE;
    n = ta->cImplTypes;
    ITypeInfo_ReleaseTypeAttr(ti, ta);
    for (i = 0; i < n && hr == E_NOINTERFACE; i++) {
        if (FAILED(ITypeInfo_GetImplTypeFlags(ti, i, &flags))
            || (flags & (IMPLTYPEFLAG_FDEFAULT | IMPLTYPEFLAG_FSOURCE)) != (IMPLTYPEFLAG_FDEFAULT | IMPLTYPEFLAG_FSOURCE)
            || FAILED(ITypeInfo_GetRefTypeOfImplType(ti, i, &href))
            || FAILED(ITypeInfo_GetRefTypeInfo(ti, href, &ref)))
            continue;
        if (SUCCEEDED(hr = ITypeInfo_GetTypeAttr(ref, &ta))) {
            *iid = ta->guid;
            ITypeInfo_ReleaseTypeAttr(ref, ta);
        }
        ITypeInfo_Release(ref);
    }
    return hr;
}

/* The default source dispinterface of obj: IProvideClassInfo2 first,
 * then the coclass behind IProvideClassInfo. */
static HRESULT source_iid(IUnknown *obj, const char *who, IID *iid, lb_error *err)
{
    IProvideClassInfo2 *pci2 = NULL;
    IProvideClassInfo *pci = NULL;
    ITypeInfo *ti = NULL;
    HRESULT hr;

    if (SUCCEEDED(IUnknown_QueryInterface(obj, &IID_IProvideClassInfo2, (void **)&pci2)) && pci2) {
        hr = IProvideClassInfo2_GetGUID(pci2, GUIDKIND_DEFAULT_SOURCE_DISP_IID, iid);
        IProvideClassInfo2_Release(pci2);
        if (SUCCEEDED(hr))
            return S_OK;
    }
    if (FAILED(hr = IUnknown_QueryInterface(obj, &IID_IProvideClassInfo, (void **)&pci)) || !pci) {
        xs_error(err, E_NOINTERFACE, who, "names no default source interface (no IProvideClassInfo)");
        return E_NOINTERFACE;
    }
    hr = IProvideClassInfo_GetClassInfo(pci, &ti);
    IProvideClassInfo_Release(pci);
    if (SUCCEEDED(hr) && ti) {
        hr = coclass_source(ti, iid);
        ITypeInfo_Release(ti);
    }
    if (FAILED(hr))
        xs_error(err, hr, who, "names no default source interface (its coclass has no [default, source])");
    return hr;
}

/* obj's connection point for iid (a new reference). */
static HRESULT find_cp(IUnknown *obj, const IID *iid, const char *who, IConnectionPoint **cp, lb_error *err)
{
    IConnectionPointContainer *cpc = NULL;
    HRESULT hr;

    *cp = NULL;
    if (FAILED(hr = IUnknown_QueryInterface(obj, &IID_IConnectionPointContainer, (void **)&cpc)) || !cpc) {
        xs_error(err, E_NOINTERFACE, who, "not a connection point container");
        return E_NOINTERFACE;
    }
    hr = IConnectionPointContainer_FindConnectionPoint(cpc, iid, cp);
    IConnectionPointContainer_Release(cpc);
    if (FAILED(hr) || !*cp) {
        *cp = NULL;
        xs_error(err, FAILED(hr) ? hr : E_POINTER, who, "FindConnectionPoint failed");
        return FAILED(hr) ? hr : E_POINTER;
    }
    return S_OK;
}

/* This iteration's connection of the name in slot still active, or NULL. */
static xs_advisory *active_on(cs_exec *x, size_t slot)
{
    size_t i;

    for (i = x->nadv; i > 0; i--)
        if (x->adv[i - 1].slot == slot && x->adv[i - 1].active)
            return &x->adv[i - 1];
    return NULL;
}

HRESULT xs_advise(cs_exec *x, size_t index, lb_error *err)
{
    const cs_stmt *st = &x->script->stmts[index];
    size_t slot = (size_t)(xs_slot_find(x, st->root) - x->slots);
    IConnectionPoint *cp;
    IDispatch *obj;
    IUnknown *inner, *canon = NULL;
    xs_advisory *a;
    char who[CS_MAX_NAME + 2];
    HRESULT hr;

    snprintf(who, sizeof(who), "@%s", st->root);
    if (FAILED(hr = xs_slot_object(x, st->root, &obj, err)))
        return hr;
    if (active_on(x, slot) || x->nadv == x->maxadv) {
        xs_error(err, E_INVALIDARG, who, "already advised (unadvise it first)");
        return E_INVALIDARG;
    }
    inner = xs_inner(x, obj);
    a = &x->adv[x->nadv];
    memset(a, 0, sizeof(*a));
    if (FAILED(hr = source_iid(inner, who, &a->iid, err)) || FAILED(hr = find_cp(inner, &a->iid, who, &cp, err)))
        return hr;
    if (!st->weak)
        IUnknown_QueryInterface(inner, &IID_IUnknown, (void **)&canon);
    a->sink = sink_new(&a->iid, canon);
    if (canon)
        IUnknown_Release(canon);
    hr = a->sink ? IConnectionPoint_Advise(cp, (IUnknown *)&a->sink->IDispatch_iface, &a->cookie) : E_OUTOFMEMORY;
    IConnectionPoint_Release(cp);
    if (FAILED(hr)) {
        if (a->sink)
            IDispatch_Release(&a->sink->IDispatch_iface);
        xs_error(err, hr, who, "Advise failed");
        return hr;
    }
    a->slot = slot;
    a->stmt = index;
    a->source = obj;
    a->active = TRUE;
    a->weak = st->weak;
    a->iteration = x->iteration;
    x->nadv++;
    x->totals.advises++;
    return S_OK;
}

HRESULT xs_unadvise(cs_exec *x, size_t index, lb_error *err)
{
    const cs_stmt *st = &x->script->stmts[index];
    xs_advisory *a = active_on(x, (size_t)(xs_slot_find(x, st->root) - x->slots));
    IConnectionPoint *cp;
    IDispatch *obj;
    char who[CS_MAX_NAME + 2];
    HRESULT hr;

    snprintf(who, sizeof(who), "@%s", st->root);
    if (!a) {
        xs_error(err, E_INVALIDARG, who, "not advised");
        return E_INVALIDARG;
    }
    if (x->fault == CS_XF_MISSING_UNADVISE)
        return S_OK;      /* the client forgets: the connection and the sink's hold stay */
    if (FAILED(hr = xs_slot_object(x, st->root, &obj, err)))
        return hr;
    if (obj != a->source) {
        xs_error(err, E_INVALIDARG, who, "bound to another object since it was advised");
        return E_INVALIDARG;
    }
    if (FAILED(hr = find_cp(xs_inner(x, obj), &a->iid, who, &cp, err)))
        return hr;
    hr = IConnectionPoint_Unadvise(cp, a->cookie);
    IConnectionPoint_Release(cp);
    if (FAILED(hr)) {
        xs_error(err, hr, who, "Unadvise failed");
        return hr;
    }
    sink_drop_source(a->sink);
    a->active = FALSE;
    a->unadvised = TRUE;
    x->totals.unadvises++;
    return S_OK;
}

void xs_retire(cs_exec *x)
{
    size_t i;

    for (i = 0; i < x->nadv && x->nretired < x->maxadv; i++)
        x->retired[x->nretired++] = x->adv[i];
    x->nadv = 0;
}

/* Records one sink found held by others (refs beyond ours). */
static void found_held(cs_exec *x, const xs_advisory *a, LONG refs)
{
    cs_sink_verdict v = a->unadvised ? CS_SINK_KEPT_AFTER_UNADVISE : a->weak ? CS_SINK_KEPT_BY_SOURCE : CS_SINK_CYCLE;
    xs_found *f = &x->found[a->stmt];

    if (!f->sinks[v] || a->iteration < f->first[v])
        f->first[v] = a->iteration;
    if (!f->sinks[v] || a->iteration > f->last[v])
        f->last[v] = a->iteration;
    f->sinks[v]++;
    f->refs[v] += refs;
    if (v == CS_SINK_KEPT_AFTER_UNADVISE)
        x->totals.kept_after_unadvise++;
    else if (v == CS_SINK_KEPT_BY_SOURCE)
        x->totals.kept_by_source++;
    else
        x->totals.cycles++;
}

void xs_sweep(cs_exec *x)
{
    size_t i;

    for (i = 0; i < x->nretired; i++) {
        xs_advisory *a = &x->retired[i];
        LONG ref = a->sink->ref;
        x->totals.events += a->sink->events;
        if (ref > 1)
            found_held(x, a, ref - 1);
        IDispatch_Release(&a->sink->IDispatch_iface);
    }
    x->nretired = 0;
}

size_t cs_exec_sink_findings(const cs_exec *x, cs_sink_finding *out, size_t max)
{
    size_t i, n = 0;
    int v;

    for (i = 0; i < x->script->count; i++) {
        for (v = 0; v < 3; v++) {
            const xs_found *f = &x->found[i];
            if (!f->sinks[v])
                continue;
            if (n < max) {
                cs_sink_finding *o = &out[n];
                o->verdict = (cs_sink_verdict)v;
                o->line = x->script->stmts[i].line;
                snprintf(o->text, sizeof(o->text), "%s", x->script->stmts[i].text);
                o->sinks = f->sinks[v];
                o->refs = f->refs[v];
                o->first_iteration = f->first[v];
                o->last_iteration = f->last[v];
            }
            n++;
        }
    }
    return n;
}

const char *cs_sink_verdict_text(cs_sink_verdict v)
{
    switch (v) {
    case CS_SINK_KEPT_AFTER_UNADVISE: return "the server kept our sink alive after Unadvise";
    case CS_SINK_KEPT_BY_SOURCE:      return "the released source never released our sink (advised weak, never unadvised)";
    case CS_SINK_CYCLE:               return "never unadvised: our sink and its source hold each other";
    }
    return "unknown";
}
