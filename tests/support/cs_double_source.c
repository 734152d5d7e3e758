/* The event source double; see cs_double.h. Its IDispatch is a cs_double
 * (Fire, Sinks); IConnectionPointContainer, the one IConnectionPoint and
 * IProvideClassInfo2 share the double's reference count, as ATL's do. */
#include "cs_double.h"
#include "cs_check.h"
#include <oleauto.h>
#include <olectl.h>
#include <stdlib.h>

#define MAX_SINKS 8

/* {6d1b2f4e-3a51-4c87-9e0a-5b7c2d81f0a3} */
const IID cs_double_events_iid = { 0x6d1b2f4e, 0x3a51, 0x4c87, { 0x9e, 0x0a, 0x5b, 0x7c, 0x2d, 0x81, 0xf0, 0xa3 } };

typedef struct source {
    cs_double base;            /* IDispatch_iface, ref */
    IConnectionPointContainer IConnectionPointContainer_iface;
    IConnectionPoint IConnectionPoint_iface;
    IProvideClassInfo2 IProvideClassInfo2_iface;
    cs_source_info info;
    cs_source_fault fault;
    IDispatch *sinks[MAX_SINKS];   /* cookie: index + 1 */
} source;

static inline source *impl_from_cs_double(cs_double *d)
{
    return CONTAINING_RECORD(d, source, base);
}

static inline source *impl_from_IConnectionPointContainer(IConnectionPointContainer *iface)
{
    return CONTAINING_RECORD(iface, source, IConnectionPointContainer_iface);
}

static inline source *impl_from_IConnectionPoint(IConnectionPoint *iface)
{
    return CONTAINING_RECORD(iface, source, IConnectionPoint_iface);
}

static inline source *impl_from_IProvideClassInfo2(IProvideClassInfo2 *iface)
{
    return CONTAINING_RECORD(iface, source, IProvideClassInfo2_iface);
}

/* The source's other interfaces: the container always, class information
 * as its info says. */
static BOOL source_query(cs_double *d, REFIID riid, void **out)
{
    source *s = impl_from_cs_double(d);

    if (IsEqualIID(riid, &IID_IConnectionPointContainer))
        *out = &s->IConnectionPointContainer_iface;
    else if ((IsEqualIID(riid, &IID_IProvideClassInfo2) && s->info == CS_SOURCE_CLASSINFO2)
             || (IsEqualIID(riid, &IID_IProvideClassInfo) && s->info != CS_SOURCE_NO_CLASSINFO))
        *out = &s->IProvideClassInfo2_iface;
    else
        return FALSE;
    IUnknown_AddRef((IUnknown *)*out);
    return TRUE;
}

/* The last release: the connected sinks are released, unless the fault
 * says the source forgets them. */
static void source_destroy(cs_double *d)
{
    source *s = impl_from_cs_double(d);
    int i;

    for (i = 0; i < MAX_SINKS && s->fault != CS_SOURCE_DESTROY_KEEPS; i++)
        if (s->sinks[i])
            IDispatch_Release(s->sinks[i]);
    free(s);
}

static const cs_double_ops source_ops = { .query = source_query, .destroy = source_destroy };

/* Fire: DISPID 1 on every sink, with no arguments. */
static HRESULT source_fire(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result)
{
    source *s = impl_from_cs_double(d);
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    int i;

    for (i = 0; i < MAX_SINKS; i++)
        if (s->sinks[i])
            IDispatch_Invoke(s->sinks[i], 1, &IID_NULL, 0, DISPATCH_METHOD, &none, NULL, NULL, NULL);
    return S_OK;
}

/* Sinks: how many are connected (nothing when no result is wanted). */
static HRESULT source_sinks(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result)
{
    source *s = impl_from_cs_double(d);
    int i, n = 0;

    for (i = 0; i < MAX_SINKS; i++)
        n += s->sinks[i] != NULL;
    if (result) {
        V_VT(result) = VT_I4;
        V_I4(result) = n;
    }
    return S_OK;
}

static HRESULT WINAPI cpc_QueryInterface(IConnectionPointContainer *iface, REFIID riid, void **out)
{
    return IDispatch_QueryInterface(&impl_from_IConnectionPointContainer(iface)->base.IDispatch_iface, riid, out);
}

static ULONG WINAPI cpc_AddRef(IConnectionPointContainer *iface)
{
    return IDispatch_AddRef(&impl_from_IConnectionPointContainer(iface)->base.IDispatch_iface);
}

static ULONG WINAPI cpc_Release(IConnectionPointContainer *iface)
{
    return IDispatch_Release(&impl_from_IConnectionPointContainer(iface)->base.IDispatch_iface);
}

static HRESULT WINAPI cpc_EnumConnectionPoints(IConnectionPointContainer *iface, IEnumConnectionPoints **out)
{
    *out = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI cpc_FindConnectionPoint(IConnectionPointContainer *iface, REFIID riid,
                                              IConnectionPoint **cp)
{
    source *s = impl_from_IConnectionPointContainer(iface);

    *cp = NULL;
    if (!IsEqualIID(riid, &cs_double_events_iid))
        return CONNECT_E_NOCONNECTION;
    *cp = &s->IConnectionPoint_iface;
    IConnectionPoint_AddRef(*cp);
    return S_OK;
}

static const IConnectionPointContainerVtbl cpc_vtbl = {
    .QueryInterface = cpc_QueryInterface,
    .AddRef = cpc_AddRef,
    .Release = cpc_Release,
    .EnumConnectionPoints = cpc_EnumConnectionPoints,
    .FindConnectionPoint = cpc_FindConnectionPoint,
};

static HRESULT WINAPI cp_QueryInterface(IConnectionPoint *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IConnectionPoint)) {
        *out = iface;
        IConnectionPoint_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI cp_AddRef(IConnectionPoint *iface)
{
    return IDispatch_AddRef(&impl_from_IConnectionPoint(iface)->base.IDispatch_iface);
}

static ULONG WINAPI cp_Release(IConnectionPoint *iface)
{
    return IDispatch_Release(&impl_from_IConnectionPoint(iface)->base.IDispatch_iface);
}

static HRESULT WINAPI cp_GetConnectionInterface(IConnectionPoint *iface, IID *iid)
{
    *iid = cs_double_events_iid;
    return S_OK;
}

static HRESULT WINAPI cp_GetConnectionPointContainer(IConnectionPoint *iface, IConnectionPointContainer **out)
{
    *out = &impl_from_IConnectionPoint(iface)->IConnectionPointContainer_iface;
    IConnectionPointContainer_AddRef(*out);
    return S_OK;
}

/* Keeps the sink as the source interface (asked for it, as servers do). */
static HRESULT WINAPI cp_Advise(IConnectionPoint *iface, IUnknown *sink, DWORD *cookie)
{
    source *s = impl_from_IConnectionPoint(iface);
    IDispatch *d = NULL;
    int i;

    *cookie = 0;
    for (i = 0; i < MAX_SINKS && s->sinks[i]; i++)
        ;
    if (i == MAX_SINKS)
        return CONNECT_E_ADVISELIMIT;
    if (FAILED(IUnknown_QueryInterface(sink, &cs_double_events_iid, (void **)&d)) || !d)
        return CONNECT_E_CANNOTCONNECT;
    s->sinks[i] = d;
    *cookie = (DWORD)i + 1;
    return S_OK;
}

static HRESULT WINAPI cp_Unadvise(IConnectionPoint *iface, DWORD cookie)
{
    source *s = impl_from_IConnectionPoint(iface);
    IDispatch *d;

    if (!cookie || cookie > MAX_SINKS || !(d = s->sinks[cookie - 1]))
        return CONNECT_E_NOCONNECTION;
    s->sinks[cookie - 1] = NULL;
    if (s->fault != CS_SOURCE_UNADVISE_KEEPS)
        IDispatch_Release(d);
    return S_OK;
}

static HRESULT WINAPI cp_EnumConnections(IConnectionPoint *iface, IEnumConnections **out)
{
    *out = NULL;
    return E_NOTIMPL;
}

static const IConnectionPointVtbl cp_vtbl = {
    .QueryInterface = cp_QueryInterface,
    .AddRef = cp_AddRef,
    .Release = cp_Release,
    .GetConnectionInterface = cp_GetConnectionInterface,
    .GetConnectionPointContainer = cp_GetConnectionPointContainer,
    .Advise = cp_Advise,
    .Unadvise = cp_Unadvise,
    .EnumConnections = cp_EnumConnections,
};

static HRESULT WINAPI pci_QueryInterface(IProvideClassInfo2 *iface, REFIID riid, void **out)
{
    return IDispatch_QueryInterface(&impl_from_IProvideClassInfo2(iface)->base.IDispatch_iface, riid, out);
}

static ULONG WINAPI pci_AddRef(IProvideClassInfo2 *iface)
{
    return IDispatch_AddRef(&impl_from_IProvideClassInfo2(iface)->base.IDispatch_iface);
}

static ULONG WINAPI pci_Release(IProvideClassInfo2 *iface)
{
    return IDispatch_Release(&impl_from_IProvideClassInfo2(iface)->base.IDispatch_iface);
}

/*
 * A coclass type information made in memory (ICreateTypeLib2): one
 * implemented interface, the events dispinterface, flagged [default,
 * source]. Made on each call; the caller releases it.
 */
static HRESULT coclass_info(ITypeInfo **out)
{
    ICreateTypeLib2 *lib = NULL;
    ICreateTypeInfo *events = NULL, *cls = NULL;
    ITypeInfo *events_ti = NULL;
    HREFTYPE href;
    HRESULT hr;

    *out = NULL;
    if (FAILED(hr = CreateTypeLib2(SYS_WIN64, L"cs_double_events.tlb", &lib)))
        return hr;
    if (SUCCEEDED(hr = ICreateTypeLib2_CreateTypeInfo(lib, L"SoEvents", TKIND_DISPATCH, &events))
        && SUCCEEDED(hr = ICreateTypeInfo_SetGuid(events, &cs_double_events_iid))
        && SUCCEEDED(hr = ICreateTypeInfo_QueryInterface(events, &IID_ITypeInfo, (void **)&events_ti))
        && SUCCEEDED(hr = ICreateTypeLib2_CreateTypeInfo(lib, L"SoSource", TKIND_COCLASS, &cls))
        && SUCCEEDED(hr = ICreateTypeInfo_AddRefTypeInfo(cls, events_ti, &href))
        && SUCCEEDED(hr = ICreateTypeInfo_AddImplType(cls, 0, href))
        && SUCCEEDED(hr = ICreateTypeInfo_SetImplTypeFlags(cls, 0, IMPLTYPEFLAG_FDEFAULT | IMPLTYPEFLAG_FSOURCE)))
        hr = ICreateTypeInfo_QueryInterface(cls, &IID_ITypeInfo, (void **)out);
    if (events_ti)
        ITypeInfo_Release(events_ti);
    if (cls)
        ICreateTypeInfo_Release(cls);
    if (events)
        ICreateTypeInfo_Release(events);
    ICreateTypeLib2_Release(lib);
    return hr;
}

static HRESULT WINAPI pci_GetClassInfo(IProvideClassInfo2 *iface, ITypeInfo **ti)
{
    if (impl_from_IProvideClassInfo2(iface)->info == CS_SOURCE_CLASSINFO2) {
        *ti = NULL;
        return E_NOTIMPL;     /* GetGUID is the way for this one */
    }
    return coclass_info(ti);
}

static HRESULT WINAPI pci_GetGUID(IProvideClassInfo2 *iface, DWORD kind, GUID *guid)
{
    if (kind != GUIDKIND_DEFAULT_SOURCE_DISP_IID)
        return E_INVALIDARG;
    *guid = cs_double_events_iid;
    return S_OK;
}

static const IProvideClassInfo2Vtbl pci_vtbl = {
    .QueryInterface = pci_QueryInterface,
    .AddRef = pci_AddRef,
    .Release = pci_Release,
    .GetClassInfo = pci_GetClassInfo,
    .GetGUID = pci_GetGUID,
};

IDispatch *cs_double_source_new(cs_source_info info, cs_source_fault fault, volatile LONG *live)
{
    source *s = calloc(1, sizeof(*s));

    ck_assert_ptr_nonnull(s);
    cs_double_init(&s->base);
    cs_double_add(&s->base, L"Fire", 1, source_fire);
    cs_double_add(&s->base, L"Sinks", 2, source_sinks);
    s->base.ops = &source_ops;
    cs_double_own(&s->base, live);
    s->IConnectionPointContainer_iface.lpVtbl = &cpc_vtbl;
    s->IConnectionPoint_iface.lpVtbl = &cp_vtbl;
    s->IProvideClassInfo2_iface.lpVtbl = &pci_vtbl;
    s->info = info;
    s->fault = fault;
    return &s->base.IDispatch_iface;
}
