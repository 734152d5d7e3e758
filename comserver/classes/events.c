/*
 * The embedded event source (see events.h): IConnectionPointContainer,
 * IConnectionPoint and IProvideClassInfo2, all three answering for the
 * owner's references.
 */
#include "events.h"

/* Most arguments cs_events_fire passes. */
#define EVENT_MAX_ARGS 4

static inline cs_events *impl_from_IConnectionPointContainer(IConnectionPointContainer *iface)
{
    return CONTAINING_RECORD(iface, cs_events, IConnectionPointContainer_iface);
}

static inline cs_events *impl_from_IConnectionPoint(IConnectionPoint *iface)
{
    return CONTAINING_RECORD(iface, cs_events, IConnectionPoint_iface);
}

static inline cs_events *impl_from_IProvideClassInfo2(IProvideClassInfo2 *iface)
{
    return CONTAINING_RECORD(iface, cs_events, IProvideClassInfo2_iface);
}

/* ---- IConnectionPointContainer ---------------------------------------- */

static HRESULT WINAPI container_QueryInterface(IConnectionPointContainer *iface, REFIID riid,
                                               void **out)
{
    return IUnknown_QueryInterface(impl_from_IConnectionPointContainer(iface)->owner, riid, out);
}

static ULONG WINAPI container_AddRef(IConnectionPointContainer *iface)
{
    return IUnknown_AddRef(impl_from_IConnectionPointContainer(iface)->owner);
}

static ULONG WINAPI container_Release(IConnectionPointContainer *iface)
{
    return IUnknown_Release(impl_from_IConnectionPointContainer(iface)->owner);
}

static HRESULT WINAPI container_EnumConnectionPoints(IConnectionPointContainer *iface,
                                                     IEnumConnectionPoints **out)
{
    *out = NULL;
    return E_NOTIMPL;
}

/* The one connection point, for the source interface only. */
static HRESULT WINAPI container_FindConnectionPoint(IConnectionPointContainer *iface, REFIID riid,
                                                    IConnectionPoint **out)
{
    cs_events *e = impl_from_IConnectionPointContainer(iface);

    if (!out)
        return E_POINTER;
    *out = NULL;
    if (!IsEqualIID(riid, e->source_iid))
        return CONNECT_E_NOCONNECTION;
    *out = &e->IConnectionPoint_iface;
    IConnectionPoint_AddRef(*out);
    return S_OK;
}

static const IConnectionPointContainerVtbl container_vtbl = {
    .QueryInterface = container_QueryInterface,
    .AddRef = container_AddRef,
    .Release = container_Release,
    .EnumConnectionPoints = container_EnumConnectionPoints,
    .FindConnectionPoint = container_FindConnectionPoint,
};

/* ---- IConnectionPoint -------------------------------------------------- */

static HRESULT WINAPI point_QueryInterface(IConnectionPoint *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IConnectionPoint))
        return E_NOINTERFACE;
    *out = iface;
    IConnectionPoint_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI point_AddRef(IConnectionPoint *iface)
{
    return IUnknown_AddRef(impl_from_IConnectionPoint(iface)->owner);
}

static ULONG WINAPI point_Release(IConnectionPoint *iface)
{
    return IUnknown_Release(impl_from_IConnectionPoint(iface)->owner);
}

static HRESULT WINAPI point_GetConnectionInterface(IConnectionPoint *iface, IID *iid)
{
    if (!iid)
        return E_POINTER;
    *iid = *impl_from_IConnectionPoint(iface)->source_iid;
    return S_OK;
}

static HRESULT WINAPI point_GetConnectionPointContainer(IConnectionPoint *iface,
                                                        IConnectionPointContainer **out)
{
    cs_events *e = impl_from_IConnectionPoint(iface);

    if (!out)
        return E_POINTER;
    *out = &e->IConnectionPointContainer_iface;
    IConnectionPointContainer_AddRef(*out);
    return S_OK;
}

/* A free slot of the sink table (grown as needed), the caller holding the
 * lock; returns its index, or capacity when memory ran out. */
static DWORD free_slot(cs_events *e)
{
    IDispatch **grown;
    DWORD i, capacity;

    for (i = 0; i < e->capacity; i++)
        if (!e->sinks[i])
            return i;
    capacity = e->capacity ? 2 * e->capacity : 4;
    grown = e->sinks ? HeapReAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, e->sinks,
                                   capacity * sizeof(*grown))
                     : HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, capacity * sizeof(*grown));
    if (!grown)
        return e->capacity;
    e->sinks = grown;
    e->capacity = capacity;
    return i;
}

/*
 * Keeps one reference to sink (as the source interface, or failing that
 * as IDispatch: script sinks often answer only that) and returns its
 * cookie. CONNECT_E_CANNOTCONNECT when the sink is neither.
 */
static HRESULT WINAPI point_Advise(IConnectionPoint *iface, IUnknown *sink, DWORD *cookie)
{
    cs_events *e = impl_from_IConnectionPoint(iface);
    IDispatch *disp;
    DWORD slot;

    if (!sink || !cookie)
        return E_POINTER;
    *cookie = 0;
    if (FAILED(IUnknown_QueryInterface(sink, e->source_iid, (void **)&disp))
        && FAILED(IUnknown_QueryInterface(sink, &IID_IDispatch, (void **)&disp)))
        return CONNECT_E_CANNOTCONNECT;
    AcquireSRWLockExclusive(&e->lock);
    if ((slot = free_slot(e)) < e->capacity) {
        e->sinks[slot] = disp;
        *cookie = slot + 1;
    }
    ReleaseSRWLockExclusive(&e->lock);
    if (*cookie)
        return S_OK;
    IDispatch_Release(disp);
    return E_OUTOFMEMORY;
}

/* Forgets and releases the sink of cookie. unadvise-keeps-sink: forgets
 * it without releasing it. */
static HRESULT WINAPI point_Unadvise(IConnectionPoint *iface, DWORD cookie)
{
    cs_events *e = impl_from_IConnectionPoint(iface);
    IDispatch *sink = NULL;

    AcquireSRWLockExclusive(&e->lock);
    if (cookie >= 1 && cookie <= e->capacity) {
        sink = e->sinks[cookie - 1];
        e->sinks[cookie - 1] = NULL;
    }
    ReleaseSRWLockExclusive(&e->lock);
    if (!sink)
        return CONNECT_E_NOCONNECTION;
    if (e->fault != CS_FAULT_UNADVISE_KEEPS_SINK)
        IDispatch_Release(sink);
    return S_OK;
}

static HRESULT WINAPI point_EnumConnections(IConnectionPoint *iface, IEnumConnections **out)
{
    *out = NULL;
    return E_NOTIMPL;
}

static const IConnectionPointVtbl point_vtbl = {
    .QueryInterface = point_QueryInterface,
    .AddRef = point_AddRef,
    .Release = point_Release,
    .GetConnectionInterface = point_GetConnectionInterface,
    .GetConnectionPointContainer = point_GetConnectionPointContainer,
    .Advise = point_Advise,
    .Unadvise = point_Unadvise,
    .EnumConnections = point_EnumConnections,
};

/* ---- IProvideClassInfo2 ------------------------------------------------ */

static HRESULT WINAPI classinfo_QueryInterface(IProvideClassInfo2 *iface, REFIID riid, void **out)
{
    return IUnknown_QueryInterface(impl_from_IProvideClassInfo2(iface)->owner, riid, out);
}

static ULONG WINAPI classinfo_AddRef(IProvideClassInfo2 *iface)
{
    return IUnknown_AddRef(impl_from_IProvideClassInfo2(iface)->owner);
}

static ULONG WINAPI classinfo_Release(IProvideClassInfo2 *iface)
{
    return IUnknown_Release(impl_from_IProvideClassInfo2(iface)->owner);
}

/* The coclass's type information (AddRef'd). */
static HRESULT WINAPI classinfo_GetClassInfo(IProvideClassInfo2 *iface, ITypeInfo **info)
{
    if (!info)
        return E_POINTER;
    return cs_get_typeinfo(impl_from_IProvideClassInfo2(iface)->class_tid, info);
}

/* Only GUIDKIND_DEFAULT_SOURCE_DISP_IID is defined. */
static HRESULT WINAPI classinfo_GetGUID(IProvideClassInfo2 *iface, DWORD kind, GUID *guid)
{
    if (!guid)
        return E_POINTER;
    if (kind != GUIDKIND_DEFAULT_SOURCE_DISP_IID)
        return E_INVALIDARG;
    *guid = *impl_from_IProvideClassInfo2(iface)->source_iid;
    return S_OK;
}

static const IProvideClassInfo2Vtbl classinfo_vtbl = {
    .QueryInterface = classinfo_QueryInterface,
    .AddRef = classinfo_AddRef,
    .Release = classinfo_Release,
    .GetClassInfo = classinfo_GetClassInfo,
    .GetGUID = classinfo_GetGUID,
};

/* ---- the owner's side -------------------------------------------------- */

void cs_events_init(cs_events *e, IUnknown *owner, const IID *source_iid, cs_tid class_tid,
                    cs_fault fault)
{
    e->IConnectionPointContainer_iface.lpVtbl = &container_vtbl;
    e->IConnectionPoint_iface.lpVtbl = &point_vtbl;
    e->IProvideClassInfo2_iface.lpVtbl = &classinfo_vtbl;
    e->owner = owner;
    e->source_iid = source_iid;
    e->class_tid = class_tid;
    e->fault = fault;
    InitializeSRWLock(&e->lock);
    e->sinks = NULL;
    e->capacity = 0;
}

/* destroy-keeps-sinks: the sinks still advised are never released. */
void cs_events_cleanup(cs_events *e)
{
    DWORD i;

    for (i = 0; i < e->capacity && e->fault != CS_FAULT_DESTROY_KEEPS_SINKS; i++)
        if (e->sinks[i])
            IDispatch_Release(e->sinks[i]);
    HeapFree(GetProcessHeap(), 0, e->sinks);
    e->sinks = NULL;
    e->capacity = 0;
}

BOOL cs_events_query(cs_events *e, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IConnectionPointContainer))
        *out = &e->IConnectionPointContainer_iface;
    else if (IsEqualIID(riid, &IID_IProvideClassInfo) || IsEqualIID(riid, &IID_IProvideClassInfo2))
        *out = &e->IProvideClassInfo2_iface;
    else
        return FALSE;
    IUnknown_AddRef((IUnknown *)*out);
    return TRUE;
}

/* The sinks advised now, AddRef'd, into a new array (*count of them);
 * NULL when there are none or memory ran out. */
static IDispatch **snapshot_sinks(cs_events *e, DWORD *count)
{
    IDispatch **copy = NULL;
    DWORD i;

    *count = 0;
    AcquireSRWLockShared(&e->lock);
    if (e->capacity && (copy = HeapAlloc(GetProcessHeap(), 0, e->capacity * sizeof(*copy))))
        for (i = 0; i < e->capacity; i++)
            if (e->sinks[i]) {
                copy[(*count)++] = e->sinks[i];
                IDispatch_AddRef(e->sinks[i]);
            }
    ReleaseSRWLockShared(&e->lock);
    return copy;
}

LONG cs_events_fire(cs_events *e, DISPID dispid, VARIANT *args, UINT nargs)
{
    VARIANT rev[EVENT_MAX_ARGS];
    DISPPARAMS params = { rev, NULL, nargs, 0 };
    IDispatch **sinks;
    DWORD count, i;
    LONG called = 0;
    UINT a;

    if (nargs > EVENT_MAX_ARGS)
        return 0;
    for (a = 0; a < nargs; a++)
        rev[nargs - 1 - a] = args[a];
    sinks = snapshot_sinks(e, &count);
    for (i = 0; i < count; i++) {
        if (SUCCEEDED(IDispatch_Invoke(sinks[i], dispid, &IID_NULL, LOCALE_USER_DEFAULT,
                                       DISPATCH_METHOD, &params, NULL, NULL, NULL)))
            called++;
        IDispatch_Release(sinks[i]);
    }
    HeapFree(GetProcessHeap(), 0, sinks);
    return called;
}
