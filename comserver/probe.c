/*
 * Class "Probe": IStressProbe, the harness's window on the server's
 * counters and the fault selection. Probe objects keep the DLL loaded but
 * are left out of the totals and of LiveObjects("").
 */
#include "module.h"

#include <stdio.h>

typedef struct probe {
    IStressProbe IStressProbe_iface;
    ISupportErrorInfo ISupportErrorInfo_iface;
    LONG ref;
    ITypeInfo *typeinfo;
} probe;

static inline probe *impl_from_IStressProbe(IStressProbe *iface)
{
    return CONTAINING_RECORD(iface, probe, IStressProbe_iface);
}

static inline probe *impl_from_ISupportErrorInfo(ISupportErrorInfo *iface)
{
    return CONTAINING_RECORD(iface, probe, ISupportErrorInfo_iface);
}

static HRESULT WINAPI probe_QueryInterface(IStressProbe *iface, REFIID riid, void **out)
{
    probe *This = impl_from_IStressProbe(iface);

    *out = NULL;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IStressProbe))
        *out = &This->IStressProbe_iface;
    else if (IsEqualIID(riid, &IID_ISupportErrorInfo))
        *out = &This->ISupportErrorInfo_iface;
    else
        return E_NOINTERFACE;
    IUnknown_AddRef((IUnknown *)*out);
    return S_OK;
}

static ULONG WINAPI probe_AddRef(IStressProbe *iface)
{
    probe *This = impl_from_IStressProbe(iface);
    return InterlockedIncrement(&This->ref);
}

static ULONG WINAPI probe_Release(IStressProbe *iface)
{
    probe *This = impl_from_IStressProbe(iface);
    LONG ref = InterlockedDecrement(&This->ref);

    if (ref)
        return ref;
    if (This->typeinfo)
        ITypeInfo_Release(This->typeinfo);
    HeapFree(GetProcessHeap(), 0, This);
    cs_object_destroyed(CS_CLASS_PROBE);
    return 0;
}

static HRESULT WINAPI probe_GetTypeInfoCount(IStressProbe *iface, UINT *count)
{
    *count = 1;
    return S_OK;
}

static HRESULT WINAPI probe_GetTypeInfo(IStressProbe *iface, UINT index, LCID lcid,
                                        ITypeInfo **info)
{
    probe *This = impl_from_IStressProbe(iface);

    *info = NULL;
    if (index != 0)
        return DISP_E_BADINDEX;
    *info = This->typeinfo;
    ITypeInfo_AddRef(*info);
    return S_OK;
}

static HRESULT WINAPI probe_GetIDsOfNames(IStressProbe *iface, REFIID riid, LPOLESTR *names,
                                          UINT count, LCID lcid, DISPID *dispids)
{
    probe *This = impl_from_IStressProbe(iface);
    return ITypeInfo_GetIDsOfNames(This->typeinfo, names, count, dispids);
}

static HRESULT WINAPI probe_Invoke(IStressProbe *iface, DISPID dispid, REFIID riid, LCID lcid,
                                   WORD flags, DISPPARAMS *params, VARIANT *result,
                                   EXCEPINFO *excepinfo, UINT *argerr)
{
    probe *This = impl_from_IStressProbe(iface);

    if (!IsEqualIID(riid, &IID_NULL))
        return DISP_E_UNKNOWNINTERFACE;
    return ITypeInfo_Invoke(This->typeinfo, &This->IStressProbe_iface, dispid, flags, params,
                            result, excepinfo, argerr);
}

/* Maps a class name argument to a filter ("" = every class but Probe);
 * an unknown name fails with E_INVALIDARG and error info naming it. */
static HRESULT class_filter(const WCHAR *member, BSTR name, cs_class *filter)
{
    WCHAR text[200];

    if (!name || !*name) {
        *filter = CS_CLASS_COUNT;
        return S_OK;
    }
    if ((*filter = cs_class_from_name(name)) != CS_CLASS_COUNT)
        return S_OK;
    _snwprintf(text, ARRAY_SIZE(text), L"%ls: unknown class name '%.64ls' "
               L"(known: Target, Untyped, Shifting, Probe)", member, name);
    text[ARRAY_SIZE(text) - 1] = 0;
    return cs_set_error(&IID_IStressProbe, E_INVALIDARG, text);
}

static HRESULT WINAPI probe_LiveObjects(IStressProbe *iface, BSTR name, LONG *count)
{
    cs_class filter;
    HRESULT hr;

    *count = 0;
    if (FAILED(hr = class_filter(L"LiveObjects", name, &filter)))
        return hr;
    *count = cs_live_objects(filter);
    return S_OK;
}

static HRESULT WINAPI probe_PeakObjects(IStressProbe *iface, BSTR name, LONG *count)
{
    cs_class filter;
    HRESULT hr;

    *count = 0;
    if (FAILED(hr = class_filter(L"PeakObjects", name, &filter)))
        return hr;
    *count = cs_peak_objects(filter);
    return S_OK;
}

static HRESULT WINAPI probe_get_ServerLocks(IStressProbe *iface, LONG *count)
{
    *count = cs_server_locks();
    return S_OK;
}

static HRESULT WINAPI probe_get_AddRefCalls(IStressProbe *iface, LONG *count)
{
    *count = cs_addref_total();
    return S_OK;
}

static HRESULT WINAPI probe_get_ReleaseCalls(IStressProbe *iface, LONG *count)
{
    *count = cs_release_total();
    return S_OK;
}

static HRESULT WINAPI probe_get_ClassNames(IStressProbe *iface, BSTR *names)
{
    *names = SysAllocString(L"Target,Untyped,Shifting,Probe");
    return *names ? S_OK : E_OUTOFMEMORY;
}

/* A BSTR from ASCII/UTF-8 text. */
static BSTR bstr_from_utf8(const char *text)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, text, -1, NULL, 0);
    BSTR b = n > 0 ? SysAllocStringLen(NULL, (UINT)(n - 1)) : NULL;

    if (b)
        MultiByteToWideChar(CP_UTF8, 0, text, -1, b, n);
    return b;
}

static HRESULT WINAPI probe_SetFault(IStressProbe *iface, BSTR name, LONG param)
{
    char narrow[64] = "";
    WCHAR text[200];
    cs_fault fault = CS_FAULT_COUNT;

    if (SysStringLen(name) < sizeof(narrow)
        && WideCharToMultiByte(CP_UTF8, 0, name ? name : L"", -1, narrow, sizeof(narrow),
                               NULL, NULL) > 0)
        fault = cs_fault_from_name(narrow);
    if (fault == CS_FAULT_COUNT) {
        _snwprintf(text, ARRAY_SIZE(text), L"SetFault: unknown fault '%.64ls' "
                   L"(see FaultCatalogue)", name ? name : L"");
        text[ARRAY_SIZE(text) - 1] = 0;
        return cs_set_error(&IID_IStressProbe, E_INVALIDARG, text);
    }
    cs_set_fault(fault, param);
    return S_OK;
}

static HRESULT WINAPI probe_get_Fault(IStressProbe *iface, BSTR *name)
{
    *name = bstr_from_utf8(cs_fault_name(cs_current_fault(NULL)));
    return *name ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI probe_get_FaultCatalogue(IStressProbe *iface, BSTR *text)
{
    char buf[2048];

    *text = NULL;
    if (cs_fault_catalogue(buf, sizeof(buf)) >= sizeof(buf))
        return E_UNEXPECTED;
    *text = bstr_from_utf8(buf);
    return *text ? S_OK : E_OUTOFMEMORY;
}

static const IStressProbeVtbl probe_vtbl = {
    .QueryInterface = probe_QueryInterface,
    .AddRef = probe_AddRef,
    .Release = probe_Release,
    .GetTypeInfoCount = probe_GetTypeInfoCount,
    .GetTypeInfo = probe_GetTypeInfo,
    .GetIDsOfNames = probe_GetIDsOfNames,
    .Invoke = probe_Invoke,
    .LiveObjects = probe_LiveObjects,
    .PeakObjects = probe_PeakObjects,
    .get_ServerLocks = probe_get_ServerLocks,
    .get_AddRefCalls = probe_get_AddRefCalls,
    .get_ReleaseCalls = probe_get_ReleaseCalls,
    .get_ClassNames = probe_get_ClassNames,
    .SetFault = probe_SetFault,
    .get_Fault = probe_get_Fault,
    .get_FaultCatalogue = probe_get_FaultCatalogue,
};

static HRESULT WINAPI probe_errorinfo_QueryInterface(ISupportErrorInfo *iface, REFIID riid,
                                                     void **out)
{
    probe *This = impl_from_ISupportErrorInfo(iface);
    return IStressProbe_QueryInterface(&This->IStressProbe_iface, riid, out);
}

static ULONG WINAPI probe_errorinfo_AddRef(ISupportErrorInfo *iface)
{
    probe *This = impl_from_ISupportErrorInfo(iface);
    return IStressProbe_AddRef(&This->IStressProbe_iface);
}

static ULONG WINAPI probe_errorinfo_Release(ISupportErrorInfo *iface)
{
    probe *This = impl_from_ISupportErrorInfo(iface);
    return IStressProbe_Release(&This->IStressProbe_iface);
}

static HRESULT WINAPI probe_errorinfo_InterfaceSupportsErrorInfo(ISupportErrorInfo *iface,
                                                                 REFIID riid)
{
    return IsEqualIID(riid, &IID_IStressProbe) ? S_OK : S_FALSE;
}

static const ISupportErrorInfoVtbl probe_errorinfo_vtbl = {
    .QueryInterface = probe_errorinfo_QueryInterface,
    .AddRef = probe_errorinfo_AddRef,
    .Release = probe_errorinfo_Release,
    .InterfaceSupportsErrorInfo = probe_errorinfo_InterfaceSupportsErrorInfo,
};

HRESULT probe_create(IUnknown *outer, REFIID riid, void **out)
{
    probe *This;
    HRESULT hr;

    *out = NULL;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    if (!(This = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*This))))
        return E_OUTOFMEMORY;
    This->IStressProbe_iface.lpVtbl = &probe_vtbl;
    This->ISupportErrorInfo_iface.lpVtbl = &probe_errorinfo_vtbl;
    This->ref = 1;
    cs_object_created(CS_CLASS_PROBE);
    if (SUCCEEDED(hr = cs_get_typeinfo(CS_TID_STRESS_PROBE, &This->typeinfo)))
        hr = IStressProbe_QueryInterface(&This->IStressProbe_iface, riid, out);
    IStressProbe_Release(&This->IStressProbe_iface);
    return hr;
}
