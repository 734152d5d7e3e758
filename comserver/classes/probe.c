/*
 * Class "Probe": IStressProbe, the harness's window on the server's
 * counters and the fault selection. Probe objects keep the DLL loaded but
 * are left out of the totals and of LiveObjects("").
 */
#include "classes.h"
#include "dispatch.h"

#include <stdio.h>

typedef struct probe {
    IStressProbe IStressProbe_iface;
    cs_dispatch dispatch;      /* IDispatch, ISupportErrorInfo */
    LONG ref;
} probe;

static inline probe *impl_from_IStressProbe(IStressProbe *iface)
{
    return CONTAINING_RECORD(iface, probe, IStressProbe_iface);
}

static HRESULT WINAPI probe_QueryInterface(IStressProbe *iface, REFIID riid, void **out)
{
    probe *This = impl_from_IStressProbe(iface);

    *out = NULL;
    return cs_dispatch_query(&This->dispatch, riid, out) ? S_OK : E_NOINTERFACE;
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
    cs_dispatch_cleanup(&This->dispatch);
    HeapFree(GetProcessHeap(), 0, This);
    cs_object_destroyed(CS_CLASS_PROBE);
    return 0;
}

CS_DISPATCH_IMPL(probe, IStressProbe, probe, dispatch)

/* Maps a class name argument to a filter ("" = every class but Probe);
 * an unknown name fails with E_INVALIDARG and error info naming it. */
static HRESULT class_filter(const WCHAR *member, BSTR name, cs_class *filter)
{
    WCHAR text[300], known[160];

    if (!name || !*name) {
        *filter = CS_CLASS_COUNT;
        return S_OK;
    }
    if ((*filter = cs_class_from_name(name)) != CS_CLASS_COUNT)
        return S_OK;
    cs_class_names(known, ARRAY_SIZE(known), L", ");
    _snwprintf(text, ARRAY_SIZE(text), L"%ls: unknown class name '%.64ls' (known: %ls)",
               member, name, known);
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
    WCHAR text[160];

    cs_class_names(text, ARRAY_SIZE(text), L",");
    *names = SysAllocString(text);
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
    char narrow[64] = "", why[160];
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
    if (!cs_fault_param_ok(fault, param, why, sizeof(why))) {
        MultiByteToWideChar(CP_UTF8, 0, why, -1, text, ARRAY_SIZE(text));
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
    char buf[4096];

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
    This->ref = 1;
    cs_object_created(CS_CLASS_PROBE);
    if (SUCCEEDED(hr = cs_dispatch_init(&This->dispatch, CS_TID_STRESS_PROBE,
                                        (IUnknown *)&This->IStressProbe_iface)))
        hr = IStressProbe_QueryInterface(&This->IStressProbe_iface, riid, out);
    IStressProbe_Release(&This->IStressProbe_iface);
    return hr;
}
