/*
 * Class "Items": IStressItems, the collection a Target's Items property
 * leads to: Count, Item (the default member), Add, Remove and _NewEnum.
 * Not creatable: a Target makes its collection on first use. The
 * collection owns one reference to each of its items; the enumerators it
 * hands out keep a reference to it and walk it by position.
 */
#include "dispatch.h"

#include <stdio.h>

/* Items a new collection starts with ("Item 1" ...). */
#define ITEMS_INITIAL 3

typedef struct items {
    IStressItems IStressItems_iface;
    cs_dispatch dispatch;      /* IDispatch, ISupportErrorInfo */
    LONG ref;
    cs_fault fault;            /* the owning Target's, for _NewEnum */
    SRWLOCK lock;              /* guards elems, count, capacity */
    IDispatch **elems;
    LONG count;
    LONG capacity;
} items;

static inline items *impl_from_IStressItems(IStressItems *iface)
{
    return CONTAINING_RECORD(iface, items, IStressItems_iface);
}

static HRESULT WINAPI items_QueryInterface(IStressItems *iface, REFIID riid, void **out)
{
    items *This = impl_from_IStressItems(iface);

    *out = NULL;
    return cs_dispatch_query(&This->dispatch, riid, out) ? S_OK : E_NOINTERFACE;
}

static ULONG WINAPI items_AddRef(IStressItems *iface)
{
    items *This = impl_from_IStressItems(iface);

    cs_count_addref(CS_CLASS_ITEMS);
    return InterlockedIncrement(&This->ref);
}

static ULONG WINAPI items_Release(IStressItems *iface)
{
    items *This = impl_from_IStressItems(iface);
    LONG ref, i;

    cs_count_release(CS_CLASS_ITEMS);
    if ((ref = InterlockedDecrement(&This->ref)))
        return ref;
    for (i = 0; i < This->count; i++)
        IDispatch_Release(This->elems[i]);
    HeapFree(GetProcessHeap(), 0, This->elems);
    cs_dispatch_cleanup(&This->dispatch);
    HeapFree(GetProcessHeap(), 0, This);
    cs_object_destroyed(CS_CLASS_ITEMS);
    return 0;
}

CS_DISPATCH_IMPL(items, IStressItems, items, dispatch)

/*
 * The 0-based position index names, the caller holding the lock: a string
 * is an item's name (case-sensitive, the first match), anything else a
 * 1-based number (script engines pass variables by reference, so index may
 * be VT_BYREF). No such item fails with DISP_E_BADINDEX and error info
 * naming member and index.
 */
static HRESULT find_position(items *This, const WCHAR *member, VARIANT *index, LONG *pos)
{
    VARIANT v, name;
    WCHAR text[200];
    HRESULT hr;
    LONG i;

    VariantInit(&v);
    if (FAILED(hr = VariantCopyInd(&v, index)))
        return hr;
    if (V_VT(&v) == VT_BSTR) {
        for (i = 0; i < This->count; i++) {
            VariantInit(&name);
            if (SUCCEEDED(IStressItem_get_Name((IStressItem *)This->elems[i], &V_BSTR(&name)))) {
                V_VT(&name) = VT_BSTR;
                hr = VarBstrCmp(V_BSTR(&name), V_BSTR(&v), LOCALE_USER_DEFAULT, 0);
                VariantClear(&name);
                if (hr == (HRESULT)VARCMP_EQ) {
                    *pos = i;
                    VariantClear(&v);
                    return S_OK;
                }
            }
        }
        _snwprintf(text, ARRAY_SIZE(text), L"%ls: no item named '%.64ls'", member, V_BSTR(&v));
    } else if (SUCCEEDED(VariantChangeType(&v, &v, 0, VT_I4))) {
        if (V_I4(&v) >= 1 && V_I4(&v) <= This->count) {
            *pos = V_I4(&v) - 1;
            return S_OK;
        }
        _snwprintf(text, ARRAY_SIZE(text), L"%ls: no item %ld (Count is %ld)", member,
                   (long)V_I4(&v), (long)This->count);
    } else {
        VariantClear(&v);
        return DISP_E_TYPEMISMATCH;
    }
    text[ARRAY_SIZE(text) - 1] = 0;
    VariantClear(&v);
    return cs_set_error(&IID_IStressItems, DISP_E_BADINDEX, text);
}

static HRESULT WINAPI items_get_Count(IStressItems *iface, LONG *count)
{
    items *This = impl_from_IStressItems(iface);

    *count = This->count;
    return S_OK;
}

static HRESULT WINAPI items_get_Item(IStressItems *iface, VARIANT index, IDispatch **item)
{
    items *This = impl_from_IStressItems(iface);
    LONG pos;
    HRESULT hr;

    *item = NULL;
    AcquireSRWLockShared(&This->lock);
    if (SUCCEEDED(hr = find_position(This, L"Item", &index, &pos))) {
        *item = This->elems[pos];
        IDispatch_AddRef(*item);
    }
    ReleaseSRWLockShared(&This->lock);
    return hr;
}

/* Appends elem (the collection takes over its reference), the caller
 * holding the lock exclusively; grows the array as needed. */
static HRESULT append(items *This, IDispatch *elem)
{
    IDispatch **grown;
    LONG capacity;

    if (This->count == This->capacity) {
        capacity = This->capacity ? 2 * This->capacity : 4;
        grown = This->elems
            ? HeapReAlloc(GetProcessHeap(), 0, This->elems, capacity * sizeof(*grown))
            : HeapAlloc(GetProcessHeap(), 0, capacity * sizeof(*grown));
        if (!grown)
            return E_OUTOFMEMORY;
        This->elems = grown;
        This->capacity = capacity;
    }
    This->elems[This->count++] = elem;
    return S_OK;
}

static HRESULT WINAPI items_Add(IStressItems *iface, BSTR name, IDispatch **item)
{
    items *This = impl_from_IStressItems(iface);
    IDispatch *created;
    HRESULT hr;

    *item = NULL;
    if (FAILED(hr = item_create(name ? name : L"", &created)))
        return hr;
    AcquireSRWLockExclusive(&This->lock);
    hr = append(This, created);
    ReleaseSRWLockExclusive(&This->lock);
    if (FAILED(hr)) {
        IDispatch_Release(created);
        return hr;
    }
    IDispatch_AddRef(created);
    *item = created;
    return S_OK;
}

static HRESULT WINAPI items_Remove(IStressItems *iface, VARIANT index)
{
    items *This = impl_from_IStressItems(iface);
    IDispatch *removed = NULL;
    LONG pos;
    HRESULT hr;

    AcquireSRWLockExclusive(&This->lock);
    if (SUCCEEDED(hr = find_position(This, L"Remove", &index, &pos))) {
        removed = This->elems[pos];
        memmove(&This->elems[pos], &This->elems[pos + 1],
                (This->count - pos - 1) * sizeof(*This->elems));
        This->count--;
    }
    ReleaseSRWLockExclusive(&This->lock);
    if (removed)
        IDispatch_Release(removed);
    return hr;
}

/* newenum-extra-ref: the enumerator handed out carries one reference too
 * many, so the caller's Release never frees it. */
static HRESULT WINAPI items_get__NewEnum(IStressItems *iface, IUnknown **enumerator)
{
    items *This = impl_from_IStressItems(iface);
    IEnumVARIANT *e;
    HRESULT hr;

    *enumerator = NULL;
    if (FAILED(hr = enumerator_create(iface, 0, This->fault, &e)))
        return hr;
    if (This->fault == CS_FAULT_NEWENUM_EXTRA_REF)
        IEnumVARIANT_AddRef(e);
    *enumerator = (IUnknown *)e;
    return S_OK;
}

static const IStressItemsVtbl items_vtbl = {
    .QueryInterface = items_QueryInterface,
    .AddRef = items_AddRef,
    .Release = items_Release,
    .GetTypeInfoCount = items_GetTypeInfoCount,
    .GetTypeInfo = items_GetTypeInfo,
    .GetIDsOfNames = items_GetIDsOfNames,
    .Invoke = items_Invoke,
    .get_Count = items_get_Count,
    .get_Item = items_get_Item,
    .Add = items_Add,
    .Remove = items_Remove,
    .get__NewEnum = items_get__NewEnum,
};

HRESULT items_get_at(IStressItems *iface, LONG position, VARIANT *out)
{
    items *This = impl_from_IStressItems(iface);
    HRESULT hr = S_FALSE;

    VariantInit(out);
    AcquireSRWLockShared(&This->lock);
    if (position >= 0 && position < This->count) {
        V_VT(out) = VT_DISPATCH;
        V_DISPATCH(out) = This->elems[position];
        IDispatch_AddRef(V_DISPATCH(out));
        hr = S_OK;
    }
    ReleaseSRWLockShared(&This->lock);
    return hr;
}

HRESULT items_create(cs_fault fault, IStressItems **out)
{
    items *This;
    IDispatch *created;
    WCHAR name[32];
    HRESULT hr;
    int i;

    *out = NULL;
    if (!(This = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*This))))
        return E_OUTOFMEMORY;
    This->IStressItems_iface.lpVtbl = &items_vtbl;
    This->ref = 1;
    This->fault = fault;
    InitializeSRWLock(&This->lock);
    cs_object_created(CS_CLASS_ITEMS);
    if (FAILED(hr = cs_dispatch_init(&This->dispatch, CS_TID_STRESS_ITEMS,
                                     (IUnknown *)&This->IStressItems_iface)))
        goto out_release;
    for (i = 1; i <= ITEMS_INITIAL; i++) {
        _snwprintf(name, ARRAY_SIZE(name), L"Item %d", i);
        if (FAILED(hr = item_create(name, &created)))
            goto out_release;
        if (FAILED(hr = append(This, created))) {
            IDispatch_Release(created);
            goto out_release;
        }
    }
    *out = &This->IStressItems_iface;
    return S_OK;

out_release:
    IStressItems_Release(&This->IStressItems_iface);
    return hr;
}
