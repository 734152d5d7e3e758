/* The event source of the script executor's tests (see script_objects.h):
 * IDispatch, IConnectionPointContainer, one IConnectionPoint sharing the
 * object's reference count (as ATL's do), IProvideClassInfo2. */
#include "script_objects.h"
#include <oleauto.h>
#include <olectl.h>
#include <stdlib.h>
#include <string.h>

#define SO_MAX_SINKS 8

typedef struct source {
    IDispatch IDispatch_iface;
    IConnectionPointContainer IConnectionPointContainer_iface;
    IConnectionPoint IConnectionPoint_iface;
    IProvideClassInfo2 IProvideClassInfo2_iface;
    LONG ref;
    so_source_info info;
    so_source_fault fault;
    IDispatch *sinks[SO_MAX_SINKS];   /* cookie: index + 1 */
} source;

static inline source *impl_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, source, IDispatch_iface);
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

static HRESULT WINAPI source_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    source *s = impl_from_IDispatch(iface);

    *out = NULL;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch))
        *out = &s->IDispatch_iface;
    else if (IsEqualIID(riid, &IID_IConnectionPointContainer))
        *out = &s->IConnectionPointContainer_iface;
    else if ((IsEqualIID(riid, &IID_IProvideClassInfo2) && s->info == SO_INFO_CLASSINFO2)
             || (IsEqualIID(riid, &IID_IProvideClassInfo) && s->info != SO_INFO_NONE))
        *out = &s->IProvideClassInfo2_iface;
    if (!*out)
        return E_NOINTERFACE;
    IUnknown_AddRef((IUnknown *)*out);
    return S_OK;
}

static ULONG WINAPI source_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&impl_from_IDispatch(iface)->ref);
}

static ULONG WINAPI source_Release(IDispatch *iface)
{
    source *s = impl_from_IDispatch(iface);
    LONG ref = InterlockedDecrement(&s->ref);
    int i;

    if (!ref) {
        for (i = 0; i < SO_MAX_SINKS && s->fault != SO_FAULT_DESTROY_KEEPS; i++)
            if (s->sinks[i])
                IDispatch_Release(s->sinks[i]);
        InterlockedDecrement(&so_live_sources);
        free(s);
    }
    return ref;
}

static HRESULT WINAPI source_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count,
                                           LCID lcid, DISPID *ids)
{
    static const so_name table[] = { { L"Fire", 1 }, { L"Sinks", 2 } };
    return so_names_lookup(table, 2, names, count, ids);
}

/* Fire: DISPID 1 on every sink; Sinks: how many are connected. */
static HRESULT WINAPI source_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                    DISPPARAMS *dp, VARIANT *result, EXCEPINFO *ei, UINT *argerr)
{
    source *s = impl_from_IDispatch(iface);
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    int i, n = 0;

    for (i = 0; i < SO_MAX_SINKS; i++) {
        if (!s->sinks[i])
            continue;
        n++;
        if (id == 1)
            IDispatch_Invoke(s->sinks[i], 1, &IID_NULL, 0, DISPATCH_METHOD, &none, NULL, NULL, NULL);
    }
    if (id == 2 && result) {
        V_VT(result) = VT_I4;
        V_I4(result) = n;
    }
    return id == 1 || id == 2 ? S_OK : DISP_E_MEMBERNOTFOUND;
}

static const IDispatchVtbl source_vtbl = {
    .QueryInterface = source_QueryInterface,
    .AddRef = source_AddRef,
    .Release = source_Release,
    .GetTypeInfoCount = so_no_typeinfo_count,
    .GetTypeInfo = so_no_typeinfo,
    .GetIDsOfNames = source_GetIDsOfNames,
    .Invoke = source_Invoke,
};

static HRESULT WINAPI cpc_QueryInterface(IConnectionPointContainer *iface, REFIID riid, void **out)
{
    return source_QueryInterface(&impl_from_IConnectionPointContainer(iface)->IDispatch_iface, riid, out);
}

static ULONG WINAPI cpc_AddRef(IConnectionPointContainer *iface)
{
    return source_AddRef(&impl_from_IConnectionPointContainer(iface)->IDispatch_iface);
}

static ULONG WINAPI cpc_Release(IConnectionPointContainer *iface)
{
    return source_Release(&impl_from_IConnectionPointContainer(iface)->IDispatch_iface);
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
    if (!IsEqualIID(riid, &so_events_iid))
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
    return source_AddRef(&impl_from_IConnectionPoint(iface)->IDispatch_iface);
}

static ULONG WINAPI cp_Release(IConnectionPoint *iface)
{
    return source_Release(&impl_from_IConnectionPoint(iface)->IDispatch_iface);
}

static HRESULT WINAPI cp_GetConnectionInterface(IConnectionPoint *iface, IID *iid)
{
    *iid = so_events_iid;
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
    for (i = 0; i < SO_MAX_SINKS && s->sinks[i]; i++)
        ;
    if (i == SO_MAX_SINKS)
        return CONNECT_E_ADVISELIMIT;
    if (FAILED(IUnknown_QueryInterface(sink, &so_events_iid, (void **)&d)) || !d)
        return CONNECT_E_CANNOTCONNECT;
    s->sinks[i] = d;
    *cookie = (DWORD)i + 1;
    return S_OK;
}

static HRESULT WINAPI cp_Unadvise(IConnectionPoint *iface, DWORD cookie)
{
    source *s = impl_from_IConnectionPoint(iface);
    IDispatch *d;

    if (!cookie || cookie > SO_MAX_SINKS || !(d = s->sinks[cookie - 1]))
        return CONNECT_E_NOCONNECTION;
    s->sinks[cookie - 1] = NULL;
    if (s->fault != SO_FAULT_UNADVISE_KEEPS)
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
    return source_QueryInterface(&impl_from_IProvideClassInfo2(iface)->IDispatch_iface, riid, out);
}

static ULONG WINAPI pci_AddRef(IProvideClassInfo2 *iface)
{
    return source_AddRef(&impl_from_IProvideClassInfo2(iface)->IDispatch_iface);
}

static ULONG WINAPI pci_Release(IProvideClassInfo2 *iface)
{
    return source_Release(&impl_from_IProvideClassInfo2(iface)->IDispatch_iface);
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
    if (FAILED(hr = CreateTypeLib2(SYS_WIN64, L"so_events.tlb", &lib)))
        return hr;
    if (SUCCEEDED(hr = ICreateTypeLib2_CreateTypeInfo(lib, L"SoEvents", TKIND_DISPATCH, &events))
        && SUCCEEDED(hr = ICreateTypeInfo_SetGuid(events, &so_events_iid))
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
    if (impl_from_IProvideClassInfo2(iface)->info == SO_INFO_CLASSINFO2) {
        *ti = NULL;
        return E_NOTIMPL;     /* GetGUID is the way for this one */
    }
    return coclass_info(ti);
}

static HRESULT WINAPI pci_GetGUID(IProvideClassInfo2 *iface, DWORD kind, GUID *guid)
{
    if (kind != GUIDKIND_DEFAULT_SOURCE_DISP_IID)
        return E_INVALIDARG;
    *guid = so_events_iid;
    return S_OK;
}

static const IProvideClassInfo2Vtbl pci_vtbl = {
    .QueryInterface = pci_QueryInterface,
    .AddRef = pci_AddRef,
    .Release = pci_Release,
    .GetClassInfo = pci_GetClassInfo,
    .GetGUID = pci_GetGUID,
};

IDispatch *so_source_new(so_source_info info, so_source_fault fault)
{
    source *s = calloc(1, sizeof(*s));

    s->IDispatch_iface.lpVtbl = &source_vtbl;
    s->IConnectionPointContainer_iface.lpVtbl = &cpc_vtbl;
    s->IConnectionPoint_iface.lpVtbl = &cp_vtbl;
    s->IProvideClassInfo2_iface.lpVtbl = &pci_vtbl;
    s->ref = 1;
    s->info = info;
    s->fault = fault;
    InterlockedIncrement(&so_live_sources);
    return &s->IDispatch_iface;
}
