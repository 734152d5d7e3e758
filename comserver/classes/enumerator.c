/*
 * Class "Enumerator": the IEnumVARIANT that Items._NewEnum hands out (For
 * Each). It keeps one reference to its collection and walks it by
 * position, so items added or removed meanwhile are seen as a script
 * engine expects of a live collection. Not creatable.
 */
#include "module.h"

typedef struct enumerator {
    IEnumVARIANT IEnumVARIANT_iface;
    LONG ref;
    IStressItems *items;       /* one reference */
    SRWLOCK lock;              /* guards position */
    LONG position;             /* 0-based position of the next item */
    cs_fault fault;            /* the collection's */
} enumerator;

static inline enumerator *impl_from_IEnumVARIANT(IEnumVARIANT *iface)
{
    return CONTAINING_RECORD(iface, enumerator, IEnumVARIANT_iface);
}

static HRESULT WINAPI enumerator_QueryInterface(IEnumVARIANT *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IEnumVARIANT))
        return E_NOINTERFACE;
    *out = iface;
    IEnumVARIANT_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI enumerator_AddRef(IEnumVARIANT *iface)
{
    enumerator *This = impl_from_IEnumVARIANT(iface);

    cs_count_addref(CS_CLASS_ENUMERATOR);
    return InterlockedIncrement(&This->ref);
}

static ULONG WINAPI enumerator_Release(IEnumVARIANT *iface)
{
    enumerator *This = impl_from_IEnumVARIANT(iface);
    LONG ref;

    cs_count_release(CS_CLASS_ENUMERATOR);
    if ((ref = InterlockedDecrement(&This->ref)))
        return ref;
    IStressItems_Release(This->items);
    HeapFree(GetProcessHeap(), 0, This);
    cs_object_destroyed(CS_CLASS_ENUMERATOR);
    return 0;
}

/*
 * Up to count items into out[] (each VT_DISPATCH, AddRef'd; the caller
 * clears them). *fetched (may be NULL) receives how many; S_FALSE when the
 * end came first. enum-item-extra-ref: each item carries one reference
 * too many.
 */
static HRESULT WINAPI enumerator_Next(IEnumVARIANT *iface, ULONG count, VARIANT *out,
                                      ULONG *fetched)
{
    enumerator *This = impl_from_IEnumVARIANT(iface);
    ULONG i;

    if (fetched)
        *fetched = 0;
    if (count && !out)
        return E_POINTER;
    AcquireSRWLockExclusive(&This->lock);
    for (i = 0; i < count; i++) {
        if (items_get_at(This->items, This->position, &out[i]) != S_OK)
            break;
        if (This->fault == CS_FAULT_ENUM_ITEM_EXTRA_REF)
            IDispatch_AddRef(V_DISPATCH(&out[i]));
        This->position++;
    }
    ReleaseSRWLockExclusive(&This->lock);
    if (fetched)
        *fetched = i;
    return i == count ? S_OK : S_FALSE;
}

/* Moves count items on; S_FALSE (at the end) when fewer were left. */
static HRESULT WINAPI enumerator_Skip(IEnumVARIANT *iface, ULONG count)
{
    enumerator *This = impl_from_IEnumVARIANT(iface);
    LONG total = 0, left;
    HRESULT hr;

    IStressItems_get_Count(This->items, &total);
    AcquireSRWLockExclusive(&This->lock);
    left = total > This->position ? total - This->position : 0;
    hr = count <= (ULONG)left ? S_OK : S_FALSE;
    This->position += hr == S_OK ? (LONG)count : left;
    ReleaseSRWLockExclusive(&This->lock);
    return hr;
}

static HRESULT WINAPI enumerator_Reset(IEnumVARIANT *iface)
{
    enumerator *This = impl_from_IEnumVARIANT(iface);

    AcquireSRWLockExclusive(&This->lock);
    This->position = 0;
    ReleaseSRWLockExclusive(&This->lock);
    return S_OK;
}

/* A new enumerator at the same position. enum-clone-leak: the server
 * keeps a reference to the clone it never releases. */
static HRESULT WINAPI enumerator_Clone(IEnumVARIANT *iface, IEnumVARIANT **out)
{
    enumerator *This = impl_from_IEnumVARIANT(iface);
    LONG position;
    HRESULT hr;

    if (!out)
        return E_POINTER;
    AcquireSRWLockShared(&This->lock);
    position = This->position;
    ReleaseSRWLockShared(&This->lock);
    if (FAILED(hr = enumerator_create(This->items, position, This->fault, out)))
        return hr;
    if (This->fault == CS_FAULT_ENUM_CLONE_LEAK)
        IEnumVARIANT_AddRef(*out);
    return S_OK;
}

static const IEnumVARIANTVtbl enumerator_vtbl = {
    .QueryInterface = enumerator_QueryInterface,
    .AddRef = enumerator_AddRef,
    .Release = enumerator_Release,
    .Next = enumerator_Next,
    .Skip = enumerator_Skip,
    .Reset = enumerator_Reset,
    .Clone = enumerator_Clone,
};

HRESULT enumerator_create(IStressItems *items, LONG position, cs_fault fault,
                          IEnumVARIANT **out)
{
    enumerator *This;

    *out = NULL;
    if (!(This = HeapAlloc(GetProcessHeap(), 0, sizeof(*This))))
        return E_OUTOFMEMORY;
    This->IEnumVARIANT_iface.lpVtbl = &enumerator_vtbl;
    This->ref = 1;
    This->items = items;
    IStressItems_AddRef(items);
    InitializeSRWLock(&This->lock);
    This->position = position;
    This->fault = fault;
    cs_object_created(CS_CLASS_ENUMERATOR);
    *out = &This->IEnumVARIANT_iface;
    return S_OK;
}
