/*
 * Class "Target": IStressTarget (dual) with IDispatch and ISupportErrorInfo
 * from the shared plumbing (dispatch.h), and the fault catalogue applied
 * per object.
 */
#include "dispatch.h"

typedef struct target {
    IStressTarget IStressTarget_iface;
    cs_dispatch dispatch;      /* IDispatch, ISupportErrorInfo */
    LONG ref;
    LONG value;
    cs_fault fault;            /* selected when the object was created */
    LONG fault_param;
    IStressTarget *internal_child;
} target;

static HRESULT target_construct(cs_fault fault, LONG param, target **out);

static inline target *impl_from_IStressTarget(IStressTarget *iface)
{
    return CONTAINING_RECORD(iface, target, IStressTarget_iface);
}

/* A server bug that kills its host: a read through a null pointer. */
static void crash_now(void)
{
    volatile LONG *nowhere = NULL;

    (void)*nowhere;
}

/* Per-call faults. leak-bytes: every IStressTarget member leaks param bytes
 * of the process heap, where a heap walk sees them. hang-call: once param
 * calls have been served, the next never returns (a server that hangs, for
 * a harness's watchdog); crash-call: the same call crashes instead. */
static void target_on_call(target *This)
{
    if (This->fault == CS_FAULT_LEAK_BYTES) {
        LONG n = This->fault_param > 0 ? This->fault_param : CS_FAULT_LEAK_BYTES_DEFAULT;
        HeapAlloc(GetProcessHeap(), 0, (SIZE_T)n);
    } else if (This->fault == CS_FAULT_HANG_CALL || This->fault == CS_FAULT_CRASH_CALL) {
        LONG n = This->fault_param > 0 ? This->fault_param : CS_FAULT_HANG_CALL_DEFAULT;
        if (cs_fault_call_count() <= n)
            return;
        if (This->fault == CS_FAULT_HANG_CALL)
            Sleep(INFINITE);
        crash_now();
    }
}

static HRESULT WINAPI target_QueryInterface(IStressTarget *iface, REFIID riid, void **out)
{
    target *This = impl_from_IStressTarget(iface);

    *out = NULL;
    return cs_dispatch_query(&This->dispatch, riid, out) ? S_OK : E_NOINTERFACE;
}

static ULONG WINAPI target_AddRef(IStressTarget *iface)
{
    target *This = impl_from_IStressTarget(iface);

    cs_count_addref(CS_CLASS_TARGET);
    return InterlockedIncrement(&This->ref);
}

static ULONG WINAPI target_Release(IStressTarget *iface)
{
    target *This = impl_from_IStressTarget(iface);
    LONG ref;

    cs_count_release(CS_CLASS_TARGET);
    ref = InterlockedDecrement(&This->ref);
    if (ref)
        return ref;
    /* internal-child-leak: the internal child is deliberately never
     * released, so it outlives its parent. */
    cs_dispatch_cleanup(&This->dispatch);
    HeapFree(GetProcessHeap(), 0, This);
    cs_object_destroyed(CS_CLASS_TARGET);
    return 0;
}

CS_DISPATCH_IMPL(target, IStressTarget, target, dispatch)

static HRESULT WINAPI target_Add(IStressTarget *iface, LONG n, LONG *result)
{
    target *This = impl_from_IStressTarget(iface);

    target_on_call(This);
    *result = InterlockedAdd(&This->value, n);
    if (This->fault == CS_FAULT_EXTRA_ADDREF)
        IStressTarget_AddRef(iface);
    return S_OK;
}

static HRESULT WINAPI target_get_Value(IStressTarget *iface, LONG *value)
{
    target *This = impl_from_IStressTarget(iface);

    target_on_call(This);
    *value = This->value;
    return S_OK;
}

static HRESULT WINAPI target_put_Value(IStressTarget *iface, LONG value)
{
    target *This = impl_from_IStressTarget(iface);

    target_on_call(This);
    InterlockedExchange(&This->value, value);
    return S_OK;
}

static HRESULT WINAPI target_Echo(IStressTarget *iface, BSTR text, BSTR *result)
{
    target *This = impl_from_IStressTarget(iface);

    *result = NULL;
    target_on_call(This);
    if (!(*result = SysAllocStringLen(text, SysStringLen(text))))
        return E_OUTOFMEMORY;
    if (This->fault == CS_FAULT_ECHO_LEAK_BSTR)
        SysAllocStringLen(text, SysStringLen(text));
    return S_OK;
}

/* Follows VT_BYREF|VT_VARIANT links (script engines pass variables so). */
static VARIANT *deref_variant(VARIANT *v)
{
    while (V_VT(v) == (VT_BYREF | VT_VARIANT) && V_VARIANTREF(v))
        v = V_VARIANTREF(v);
    return v;
}

static HRESULT WINAPI target_Consume(IStressTarget *iface, VARIANT item, LONG *result)
{
    target *This = impl_from_IStressTarget(iface);
    VARIANT *v = deref_variant(&item), leaked;
    VARTYPE vt = V_VT(v) & ~VT_BYREF;

    *result = 0;
    target_on_call(This);
    if (vt == VT_DISPATCH || vt == VT_UNKNOWN)
        *result = (V_VT(v) & VT_BYREF) ? (*V_UNKNOWNREF(v) != NULL) : (V_UNKNOWN(v) != NULL);
    if (This->fault == CS_FAULT_VARIANT_LEAK) {
        /* The copy owns a BSTR or a reference; it is never cleared. */
        VariantInit(&leaked);
        VariantCopyInd(&leaked, v);
    }
    return S_OK;
}

static HRESULT WINAPI target_CreateChild(IStressTarget *iface, IDispatch **child)
{
    target *This = impl_from_IStressTarget(iface), *created;
    LONG param;
    cs_fault fault = cs_current_fault(&param);
    HRESULT hr;

    *child = NULL;
    target_on_call(This);
    if (FAILED(hr = target_construct(fault, param, &created)))
        return hr;
    hr = IStressTarget_QueryInterface(&created->IStressTarget_iface, &IID_IDispatch,
                                      (void **)child);
    if (SUCCEEDED(hr) && This->fault == CS_FAULT_CHILD_EXTRA_REF)
        IDispatch_AddRef(*child);
    IStressTarget_Release(&created->IStressTarget_iface);
    return hr;
}

static HRESULT WINAPI target_Divide(IStressTarget *iface, LONG a, LONG b, DOUBLE *result)
{
    target *This = impl_from_IStressTarget(iface);

    *result = 0;
    target_on_call(This);
    if (b == 0)
        return cs_set_error(&IID_IStressTarget, DISP_E_DIVBYZERO, L"Divide: division by zero");
    *result = (DOUBLE)a / (DOUBLE)b;
    return S_OK;
}

static HRESULT WINAPI target_Swap(IStressTarget *iface, LONG *a, LONG *b)
{
    target *This = impl_from_IStressTarget(iface);
    LONG t;

    target_on_call(This);
    if (!a || !b)
        return E_POINTER;
    t = *a;
    *a = *b;
    *b = t;
    return S_OK;
}

static HRESULT WINAPI target_get_Name(IStressTarget *iface, BSTR *name)
{
    target *This = impl_from_IStressTarget(iface);

    target_on_call(This);
    *name = SysAllocString(L"Target");
    return *name ? S_OK : E_OUTOFMEMORY;
}

static const IStressTargetVtbl target_vtbl = {
    .QueryInterface = target_QueryInterface,
    .AddRef = target_AddRef,
    .Release = target_Release,
    .GetTypeInfoCount = target_GetTypeInfoCount,
    .GetTypeInfo = target_GetTypeInfo,
    .GetIDsOfNames = target_GetIDsOfNames,
    .Invoke = target_Invoke,
    .Add = target_Add,
    .get_Value = target_get_Value,
    .put_Value = target_put_Value,
    .Echo = target_Echo,
    .Consume = target_Consume,
    .CreateChild = target_CreateChild,
    .Divide = target_Divide,
    .Swap = target_Swap,
    .get_Name = target_get_Name,
};

/*
 * Creates a Target holding one reference, with the given fault. The
 * lock-leak and internal-child-leak faults act here; the internal child is
 * created without a fault (it would otherwise recurse).
 */
static HRESULT target_construct(cs_fault fault, LONG param, target **out)
{
    target *This;
    HRESULT hr;

    *out = NULL;
    if (!(This = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*This))))
        return E_OUTOFMEMORY;
    This->IStressTarget_iface.lpVtbl = &target_vtbl;
    This->ref = 1;
    This->fault = fault;
    This->fault_param = param;
    cs_object_created(CS_CLASS_TARGET);
    if (FAILED(hr = cs_dispatch_init(&This->dispatch, CS_TID_STRESS_TARGET,
                                     (IUnknown *)&This->IStressTarget_iface)))
        goto out_release;
    if (fault == CS_FAULT_LOCK_LEAK)
        cs_lock_server();
    if (fault == CS_FAULT_INTERNAL_CHILD_LEAK) {
        target *child;
        if (FAILED(hr = target_construct(CS_FAULT_NONE, 0, &child)))
            goto out_release;
        This->internal_child = &child->IStressTarget_iface;
    }
    *out = This;
    return S_OK;

out_release:
    IStressTarget_Release(&This->IStressTarget_iface);
    return hr;
}

HRESULT target_create(IUnknown *outer, REFIID riid, void **out)
{
    target *This;
    LONG param;
    cs_fault fault = cs_current_fault(&param);
    HRESULT hr;

    *out = NULL;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    if (FAILED(hr = target_construct(fault, param, &This)))
        return hr;
    hr = IStressTarget_QueryInterface(&This->IStressTarget_iface, riid, out);
    IStressTarget_Release(&This->IStressTarget_iface);
    return hr;
}
