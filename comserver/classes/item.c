/*
 * Class "Item": IStressItem, an element of a Target's collection (or of
 * MakeItems' array), with a Name. Not creatable: collections and Target
 * make them.
 */
#include "dispatch.h"

typedef struct item {
    IStressItem IStressItem_iface;
    cs_dispatch dispatch;      /* IDispatch, ISupportErrorInfo */
    LONG ref;
    SRWLOCK lock;              /* guards name */
    BSTR name;
} item;

static inline item *impl_from_IStressItem(IStressItem *iface)
{
    return CONTAINING_RECORD(iface, item, IStressItem_iface);
}

static HRESULT WINAPI item_QueryInterface(IStressItem *iface, REFIID riid, void **out)
{
    item *This = impl_from_IStressItem(iface);

    *out = NULL;
    return cs_dispatch_query(&This->dispatch, riid, out) ? S_OK : E_NOINTERFACE;
}

static ULONG WINAPI item_AddRef(IStressItem *iface)
{
    item *This = impl_from_IStressItem(iface);

    cs_count_addref(CS_CLASS_ITEM);
    return InterlockedIncrement(&This->ref);
}

static ULONG WINAPI item_Release(IStressItem *iface)
{
    item *This = impl_from_IStressItem(iface);
    LONG ref;

    cs_count_release(CS_CLASS_ITEM);
    if ((ref = InterlockedDecrement(&This->ref)))
        return ref;
    cs_dispatch_cleanup(&This->dispatch);
    SysFreeString(This->name);
    HeapFree(GetProcessHeap(), 0, This);
    cs_object_destroyed(CS_CLASS_ITEM);
    return 0;
}

CS_DISPATCH_IMPL(item, IStressItem, item, dispatch)

static HRESULT WINAPI item_get_Name(IStressItem *iface, BSTR *name)
{
    item *This = impl_from_IStressItem(iface);

    AcquireSRWLockShared(&This->lock);
    *name = SysAllocStringLen(This->name, SysStringLen(This->name));
    ReleaseSRWLockShared(&This->lock);
    return *name ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI item_put_Name(IStressItem *iface, BSTR name)
{
    item *This = impl_from_IStressItem(iface);
    BSTR copy = SysAllocStringLen(name, SysStringLen(name)), old;

    if (!copy)
        return E_OUTOFMEMORY;
    AcquireSRWLockExclusive(&This->lock);
    old = This->name;
    This->name = copy;
    ReleaseSRWLockExclusive(&This->lock);
    SysFreeString(old);
    return S_OK;
}

static const IStressItemVtbl item_vtbl = {
    .QueryInterface = item_QueryInterface,
    .AddRef = item_AddRef,
    .Release = item_Release,
    .GetTypeInfoCount = item_GetTypeInfoCount,
    .GetTypeInfo = item_GetTypeInfo,
    .GetIDsOfNames = item_GetIDsOfNames,
    .Invoke = item_Invoke,
    .get_Name = item_get_Name,
    .put_Name = item_put_Name,
};

HRESULT item_create(const WCHAR *name, IDispatch **out)
{
    item *This;
    HRESULT hr;

    *out = NULL;
    if (!(This = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*This))))
        return E_OUTOFMEMORY;
    This->IStressItem_iface.lpVtbl = &item_vtbl;
    This->ref = 1;
    InitializeSRWLock(&This->lock);
    cs_object_created(CS_CLASS_ITEM);
    if (!(This->name = SysAllocString(name)))
        hr = E_OUTOFMEMORY;
    else
        hr = cs_dispatch_init(&This->dispatch, CS_TID_STRESS_ITEM,
                              (IUnknown *)&This->IStressItem_iface);
    if (FAILED(hr)) {
        IStressItem_Release(&This->IStressItem_iface);
        return hr;
    }
    *out = (IDispatch *)&This->IStressItem_iface;
    return S_OK;
}
