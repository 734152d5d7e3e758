/*
 * Class "Target": IStressTarget (dual) with IDispatch and ISupportErrorInfo
 * from the shared plumbing (dispatch.h), and the fault catalogue applied
 * per object.
 */
#include "events.h"

#include <stdio.h>

typedef struct target {
    IStressTarget IStressTarget_iface;
    cs_dispatch dispatch;      /* IDispatch, ISupportErrorInfo */
    cs_events events;          /* connection points, IProvideClassInfo2 */
    LONG ref;
    LONG value;
    cs_fault fault;            /* selected when the object was created */
    LONG fault_param;
    IStressTarget *internal_child;
    IStressItems *items;       /* made on first use of Items */
} target;

/* OnFired's [id(1)] in DStressTargetEvents (idl/comstress.idl). */
enum { DISPID_STRESSTARGETEVENTS_ONFIRED = 1 };

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
 * a harness's watchdog); crash-call: the same call crashes instead;
 * leak-then-crash: leaks like leak-bytes (24 bytes) and crashes like
 * crash-call (a leak whose attribution must survive the crash). The noise
 * faults (leak-every, leak-random, plateau-cache, temp-allocs) act in
 * noise.c. */
static void target_on_call(target *This)
{
    cs_fault f = This->fault;

    if (f == CS_FAULT_LEAK_BYTES || f == CS_FAULT_LEAK_THEN_CRASH) {
        LONG n = f == CS_FAULT_LEAK_BYTES && This->fault_param > 0 ? This->fault_param
                 : CS_FAULT_LEAK_BYTES_DEFAULT;
        HeapAlloc(GetProcessHeap(), 0, (SIZE_T)n);
    }
    if (f == CS_FAULT_HANG_CALL || f == CS_FAULT_CRASH_CALL || f == CS_FAULT_LEAK_THEN_CRASH) {
        LONG n = This->fault_param > 0 ? This->fault_param : CS_FAULT_HANG_CALL_DEFAULT;
        if (cs_fault_call_count() <= n)
            return;
        if (f == CS_FAULT_HANG_CALL)
            Sleep(INFINITE);
        crash_now();
    } else if (cs_fault_is_noise(f)) {
        cs_noise_on_call(f, This->fault_param);
    }
}

static HRESULT WINAPI target_QueryInterface(IStressTarget *iface, REFIID riid, void **out)
{
    target *This = impl_from_IStressTarget(iface);

    *out = NULL;
    if (cs_dispatch_query(&This->dispatch, riid, out) || cs_events_query(&This->events, riid, out))
        return S_OK;
    return E_NOINTERFACE;
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
    cs_events_cleanup(&This->events);
    if (This->items)
        IStressItems_Release(This->items);
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

/* The collection, made on first use; when two threads race to make it,
 * the loser's copy is released. */
static HRESULT WINAPI target_get_Items(IStressTarget *iface, IDispatch **items)
{
    target *This = impl_from_IStressTarget(iface);
    IStressItems *created;
    HRESULT hr;

    *items = NULL;
    target_on_call(This);
    if (!This->items) {
        if (FAILED(hr = items_create(This->fault, &created)))
            return hr;
        if (InterlockedCompareExchangePointer((void **)&This->items, created, NULL))
            IStressItems_Release(created);
    }
    return IStressItems_QueryInterface(This->items, &IID_IDispatch, (void **)items);
}

/* out-overwrite-leak: what the caller's variables held is overwritten
 * without being cleared (a BSTR freed never, an object never released). */
static HRESULT WINAPI target_GetPair(IStressTarget *iface, VARIANT *first, VARIANT *second)
{
    target *This = impl_from_IStressTarget(iface);
    BSTR name;

    target_on_call(This);
    if (!first || !second)
        return E_POINTER;
    if (!(name = SysAllocString(L"Target")))
        return E_OUTOFMEMORY;
    if (This->fault != CS_FAULT_OUT_OVERWRITE_LEAK) {
        VariantClear(first);
        VariantClear(second);
    }
    V_VT(first) = VT_I4;
    V_I4(first) = This->value;
    V_VT(second) = VT_BSTR;
    V_BSTR(second) = name;
    return S_OK;
}

/* The optional step: 1 when omitted (VT_ERROR / DISP_E_PARAMNOTFOUND),
 * else the argument as a LONG, or DISP_E_TYPEMISMATCH. */
static HRESULT optional_step(VARIANT *arg, LONG *step)
{
    VARIANT v;
    HRESULT hr;

    *step = 1;
    if (V_VT(arg) == VT_ERROR && V_ERROR(arg) == DISP_E_PARAMNOTFOUND)
        return S_OK;
    VariantInit(&v);
    if (FAILED(VariantCopyInd(&v, arg)) || FAILED(hr = VariantChangeType(&v, &v, 0, VT_I4))) {
        VariantClear(&v);
        return DISP_E_TYPEMISMATCH;
    }
    *step = V_I4(&v);
    return S_OK;
}

static HRESULT WINAPI target_Range(IStressTarget *iface, LONG first, LONG last, VARIANT step,
                                   LONG *count)
{
    target *This = impl_from_IStressTarget(iface);
    LONGLONG span;
    LONG by;
    HRESULT hr;

    *count = 0;
    target_on_call(This);
    if (FAILED(hr = optional_step(&step, &by)))
        return hr;
    if (by == 0)
        return cs_set_error(&IID_IStressTarget, E_INVALIDARG, L"Range: step must not be 0");
    span = by > 0 ? (LONGLONG)last - first : (LONGLONG)first - last;
    *count = span < 0 ? 0 : (LONG)(span / (by > 0 ? (LONGLONG)by : -(LONGLONG)by) + 1);
    return S_OK;
}

/* Adds every element of an array of VARIANT, whatever its dimensions. */
static HRESULT WINAPI target_Sum(IStressTarget *iface, SAFEARRAY *values, DOUBLE *total)
{
    target *This = impl_from_IStressTarget(iface);
    VARIANT *elems, v;
    VARTYPE vt;
    ULONG n = 1, i;
    UINT d;
    HRESULT hr = S_OK;

    *total = 0;
    target_on_call(This);
    if (!values)
        return E_POINTER;
    if (FAILED(SafeArrayGetVartype(values, &vt)) || vt != VT_VARIANT)
        return DISP_E_TYPEMISMATCH;
    for (d = 0; d < values->cDims; d++)
        n *= values->rgsabound[d].cElements;
    if (FAILED(hr = SafeArrayAccessData(values, (void **)&elems)))
        return hr;
    for (i = 0; i < n && SUCCEEDED(hr); i++) {
        VariantInit(&v);
        if (SUCCEEDED(hr = VariantChangeType(&v, &elems[i], 0, VT_R8)))
            *total += V_R8(&v);
    }
    SafeArrayUnaccessData(values);
    if (FAILED(hr))
        return cs_set_error(&IID_IStressTarget, DISP_E_TYPEMISMATCH,
                            L"Sum: an element is not a number");
    return S_OK;
}

/* array-element-leak: each element's item carries one reference too many. */
static HRESULT WINAPI target_MakeItems(IStressTarget *iface, LONG count, SAFEARRAY **items)
{
    target *This = impl_from_IStressTarget(iface);
    SAFEARRAY *sa;
    VARIANT *elems;
    WCHAR name[32];
    LONG i;
    HRESULT hr = S_OK;

    *items = NULL;
    target_on_call(This);
    if (count < 0)
        return cs_set_error(&IID_IStressTarget, E_INVALIDARG, L"MakeItems: count is negative");
    if (!(sa = SafeArrayCreateVector(VT_VARIANT, 0, (ULONG)count)))
        return E_OUTOFMEMORY;
    if (FAILED(hr = SafeArrayAccessData(sa, (void **)&elems)))
        goto out_destroy;
    for (i = 0; i < count && SUCCEEDED(hr); i++) {
        _snwprintf(name, ARRAY_SIZE(name), L"Item %ld", (long)(i + 1));
        if (FAILED(hr = item_create(name, &V_DISPATCH(&elems[i]))))
            break;
        V_VT(&elems[i]) = VT_DISPATCH;
        if (This->fault == CS_FAULT_ARRAY_ELEMENT_LEAK)
            IDispatch_AddRef(V_DISPATCH(&elems[i]));
    }
    SafeArrayUnaccessData(sa);
    if (SUCCEEDED(hr)) {
        *items = sa;
        return S_OK;
    }

out_destroy:
    SafeArrayDestroy(sa);
    return hr;
}

static HRESULT WINAPI target_Fire(IStressTarget *iface, LONG n, LONG *sinks)
{
    target *This = impl_from_IStressTarget(iface);
    VARIANT arg;

    target_on_call(This);
    V_VT(&arg) = VT_I4;
    V_I4(&arg) = n;
    *sinks = cs_events_fire(&This->events, DISPID_STRESSTARGETEVENTS_ONFIRED, &arg, 1);
    return S_OK;
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
    .get_Items = target_get_Items,
    .GetPair = target_GetPair,
    .Range = target_Range,
    .Sum = target_Sum,
    .MakeItems = target_MakeItems,
    .Fire = target_Fire,
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
    cs_events_init(&This->events, (IUnknown *)&This->IStressTarget_iface,
                   &DIID_DStressTargetEvents, CS_TID_STRESS_TARGET_CLASS, fault);
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
