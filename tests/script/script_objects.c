/* Test objects for the script executor (see script_objects.h). */
#include "script_objects.h"
#include <oleauto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile LONG so_live_recorders, so_live_owners, so_live_colls, so_live_items, so_live_enums, so_live_sources;

/* {6d1b2f4e-3a51-4c87-9e0a-5b7c2d81f0a3} */
const IID so_events_iid = { 0x6d1b2f4e, 0x3a51, 0x4c87, { 0x9e, 0x0a, 0x5b, 0x7c, 0x2d, 0x81, 0xf0, 0xa3 } };

/* GetIDsOfNames over a table: every name looked up, unknown ones get
 * DISPID_UNKNOWN and the call DISP_E_UNKNOWNNAME (as typelib-based
 * implementations do). */
HRESULT so_names_lookup(const so_name *table, size_t n, LPOLESTR *names, UINT count, DISPID *ids)
{
    HRESULT hr = S_OK;
    UINT i;
    size_t j;

    for (i = 0; i < count; i++) {
        ids[i] = DISPID_UNKNOWN;
        for (j = 0; j < n; j++)
            if (!_wcsicmp(names[i], table[j].name))
                ids[i] = table[j].id;
        if (ids[i] == DISPID_UNKNOWN)
            hr = DISP_E_UNKNOWNNAME;
    }
    return hr;
}

HRESULT WINAPI so_no_typeinfo_count(IDispatch *iface, UINT *count)
{
    *count = 0;
    return S_OK;
}

HRESULT WINAPI so_no_typeinfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **ti)
{
    *ti = NULL;
    return DISP_E_BADINDEX;
}

/* QueryInterface for the plain IDispatch objects of this file. */
static HRESULT WINAPI dispatch_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)) {
        *out = iface;
        IDispatch_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

/* ---- recorder ---------------------------------------------------------- */

typedef struct recorder {
    IDispatch IDispatch_iface;
    LONG ref;
    so_record *rec;
    LONG value;
} recorder;

static inline recorder *recorder_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, recorder, IDispatch_iface);
}

static ULONG WINAPI recorder_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&recorder_from_IDispatch(iface)->ref);
}

static ULONG WINAPI recorder_Release(IDispatch *iface)
{
    recorder *r = recorder_from_IDispatch(iface);
    LONG ref = InterlockedDecrement(&r->ref);

    if (!ref) {
        InterlockedDecrement(&so_live_recorders);
        free(r);
    }
    return ref;
}

static HRESULT WINAPI recorder_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count,
                                             LCID lcid, DISPID *ids)
{
    static const so_name table[] = {
        { L"Call", 1 }, { L"GetPair", 2 }, { L"Value", 3 },
        { L"ReadOnly", 10 }, { L"Mode", 11 }, { L"Path", 12 },
    };
    return so_names_lookup(table, sizeof(table) / sizeof(table[0]), names, count, ids);
}

void so_record_clear(so_record *rec)
{
    UINT i;

    for (i = 0; i < SO_MAX_RECORDED; i++)
        VariantClear(&rec->args[i]);
    memset(rec, 0, sizeof(*rec));
}

/* GetPair: the first text argument (rgvarg[1]) gets 7, the second
 * (rgvarg[0]) a new recorder; what they held is cleared first. */
static HRESULT recorder_get_pair(recorder *r, DISPPARAMS *dp)
{
    VARIANT *a, *b;

    if (dp->cArgs != 2 || V_VT(&dp->rgvarg[0]) != (VT_BYREF | VT_VARIANT)
        || V_VT(&dp->rgvarg[1]) != (VT_BYREF | VT_VARIANT))
        return DISP_E_TYPEMISMATCH;
    a = V_VARIANTREF(&dp->rgvarg[1]);
    b = V_VARIANTREF(&dp->rgvarg[0]);
    VariantClear(a);
    V_VT(a) = VT_I4;
    V_I4(a) = 7;
    VariantClear(b);
    V_VT(b) = VT_DISPATCH;
    V_DISPATCH(b) = so_recorder_new(r->rec);
    return S_OK;
}

static HRESULT WINAPI recorder_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                      DISPPARAMS *dp, VARIANT *result, EXCEPINFO *ei, UINT *argerr)
{
    recorder *r = recorder_from_IDispatch(iface);
    so_record *rec = r->rec;
    UINT i;

    so_record_clear(rec);
    rec->invokes++;
    rec->id = id;
    rec->flags = flags;
    rec->cargs = dp->cArgs;
    rec->cnamed = dp->cNamedArgs;
    for (i = 0; i < dp->cNamedArgs && i < SO_MAX_RECORDED; i++)
        rec->named[i] = dp->rgdispidNamedArgs[i];
    for (i = 0; i < dp->cArgs && i < SO_MAX_RECORDED; i++)
        VariantCopy(&rec->args[i], &dp->rgvarg[i]);
    if (id == 2)
        return recorder_get_pair(r, dp);
    if (id == 3 && (flags & DISPATCH_PROPERTYPUT)) {
        VARIANT v;
        VariantInit(&v);
        if (!dp->cArgs || FAILED(VariantChangeType(&v, &dp->rgvarg[0], 0, VT_I4)))
            return DISP_E_TYPEMISMATCH;
        r->value = V_I4(&v);
        return S_OK;
    }
    if (id == 3 && result) {
        V_VT(result) = VT_I4;
        V_I4(result) = r->value;
    }
    return id >= 1 && id <= 3 ? S_OK : DISP_E_MEMBERNOTFOUND;
}

static const IDispatchVtbl recorder_vtbl = {
    .QueryInterface = dispatch_QueryInterface,
    .AddRef = recorder_AddRef,
    .Release = recorder_Release,
    .GetTypeInfoCount = so_no_typeinfo_count,
    .GetTypeInfo = so_no_typeinfo,
    .GetIDsOfNames = recorder_GetIDsOfNames,
    .Invoke = recorder_Invoke,
};

IDispatch *so_recorder_new(so_record *rec)
{
    recorder *r = calloc(1, sizeof(*r));

    r->IDispatch_iface.lpVtbl = &recorder_vtbl;
    r->ref = 1;
    r->rec = rec;
    InterlockedIncrement(&so_live_recorders);
    return &r->IDispatch_iface;
}

/* ---- items, collection, enumerator, owner ------------------------------ */

#define SO_MAX_ITEMS 16

typedef struct item {
    IDispatch IDispatch_iface;
    LONG ref;
    int index;
} item;

typedef struct coll {
    IDispatch IDispatch_iface;
    LONG ref;
    int n;
    IDispatch *items[SO_MAX_ITEMS];
} coll;

typedef struct enumerator {
    IEnumVARIANT IEnumVARIANT_iface;
    LONG ref;
    coll *coll;
    int pos;
} enumerator;

typedef struct owner {
    IDispatch IDispatch_iface;
    LONG ref;
    int n;
} owner;

static inline item *item_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, item, IDispatch_iface);
}

static inline coll *coll_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, coll, IDispatch_iface);
}

static inline enumerator *enumerator_from_IEnumVARIANT(IEnumVARIANT *iface)
{
    return CONTAINING_RECORD(iface, enumerator, IEnumVARIANT_iface);
}

static inline owner *owner_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, owner, IDispatch_iface);
}

static ULONG WINAPI item_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&item_from_IDispatch(iface)->ref);
}

static ULONG WINAPI item_Release(IDispatch *iface)
{
    item *it = item_from_IDispatch(iface);
    LONG ref = InterlockedDecrement(&it->ref);

    if (!ref) {
        InterlockedDecrement(&so_live_items);
        free(it);
    }
    return ref;
}

static HRESULT WINAPI item_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count,
                                         LCID lcid, DISPID *ids)
{
    static const so_name table[] = { { L"Name", 1 }, { L"Index", 2 } };
    return so_names_lookup(table, 2, names, count, ids);
}

/* Name: "item<index>"; Index: the 1-based index. */
static HRESULT WINAPI item_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                  DISPPARAMS *dp, VARIANT *result, EXCEPINFO *ei, UINT *argerr)
{
    item *it = item_from_IDispatch(iface);
    WCHAR name[16];

    if ((id != 1 && id != 2) || !result)
        return DISP_E_MEMBERNOTFOUND;
    if (id == 2) {
        V_VT(result) = VT_I4;
        V_I4(result) = it->index;
        return S_OK;
    }
    swprintf(name, 16, L"item%d", it->index);
    V_VT(result) = VT_BSTR;
    V_BSTR(result) = SysAllocString(name);
    return S_OK;
}

static const IDispatchVtbl item_vtbl = {
    .QueryInterface = dispatch_QueryInterface,
    .AddRef = item_AddRef,
    .Release = item_Release,
    .GetTypeInfoCount = so_no_typeinfo_count,
    .GetTypeInfo = so_no_typeinfo,
    .GetIDsOfNames = item_GetIDsOfNames,
    .Invoke = item_Invoke,
};

static HRESULT WINAPI enumerator_QueryInterface(IEnumVARIANT *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IEnumVARIANT)) {
        *out = iface;
        IEnumVARIANT_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI enumerator_AddRef(IEnumVARIANT *iface)
{
    return InterlockedIncrement(&enumerator_from_IEnumVARIANT(iface)->ref);
}

static ULONG WINAPI enumerator_Release(IEnumVARIANT *iface)
{
    enumerator *e = enumerator_from_IEnumVARIANT(iface);
    LONG ref = InterlockedDecrement(&e->ref);

    if (!ref) {
        IDispatch_Release(&e->coll->IDispatch_iface);
        InterlockedDecrement(&so_live_enums);
        free(e);
    }
    return ref;
}

/* Each item given with its own reference, as IEnumVARIANT requires. */
static HRESULT WINAPI enumerator_Next(IEnumVARIANT *iface, ULONG celt, VARIANT *var, ULONG *fetched)
{
    enumerator *e = enumerator_from_IEnumVARIANT(iface);
    ULONG i;

    for (i = 0; i < celt && e->pos < e->coll->n; i++) {
        V_VT(&var[i]) = VT_DISPATCH;
        V_DISPATCH(&var[i]) = e->coll->items[e->pos++];
        IDispatch_AddRef(V_DISPATCH(&var[i]));
    }
    if (fetched)
        *fetched = i;
    return i == celt ? S_OK : S_FALSE;
}

static HRESULT WINAPI enumerator_Skip(IEnumVARIANT *iface, ULONG celt)
{
    return E_NOTIMPL;
}

static HRESULT WINAPI enumerator_Reset(IEnumVARIANT *iface)
{
    enumerator_from_IEnumVARIANT(iface)->pos = 0;
    return S_OK;
}

static HRESULT WINAPI enumerator_Clone(IEnumVARIANT *iface, IEnumVARIANT **out)
{
    *out = NULL;
    return E_NOTIMPL;
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

static ULONG WINAPI coll_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&coll_from_IDispatch(iface)->ref);
}

static ULONG WINAPI coll_Release(IDispatch *iface)
{
    coll *c = coll_from_IDispatch(iface);
    LONG ref = InterlockedDecrement(&c->ref);
    int i;

    if (!ref) {
        for (i = 0; i < c->n; i++)
            IDispatch_Release(c->items[i]);
        InterlockedDecrement(&so_live_colls);
        free(c);
    }
    return ref;
}

static HRESULT WINAPI coll_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count,
                                         LCID lcid, DISPID *ids)
{
    static const so_name table[] = { { L"Count", 1 }, { L"Item", DISPID_VALUE }, { L"_NewEnum", DISPID_NEWENUM } };
    return so_names_lookup(table, 3, names, count, ids);
}

/* Count; Item(i), 1-based, the default member; _NewEnum. */
static HRESULT WINAPI coll_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                  DISPPARAMS *dp, VARIANT *result, EXCEPINFO *ei, UINT *argerr)
{
    coll *c = coll_from_IDispatch(iface);
    enumerator *e;
    VARIANT i;

    if (!result)
        return E_INVALIDARG;
    if (id == 1) {
        V_VT(result) = VT_I4;
        V_I4(result) = c->n;
        return S_OK;
    }
    if (id == DISPID_VALUE) {
        VariantInit(&i);
        if (dp->cArgs != 1 || FAILED(VariantChangeType(&i, &dp->rgvarg[0], 0, VT_I4)))
            return DISP_E_BADPARAMCOUNT;
        if (V_I4(&i) < 1 || V_I4(&i) > c->n)
            return DISP_E_BADINDEX;
        V_VT(result) = VT_DISPATCH;
        V_DISPATCH(result) = c->items[V_I4(&i) - 1];
        IDispatch_AddRef(V_DISPATCH(result));
        return S_OK;
    }
    if (id != DISPID_NEWENUM)
        return DISP_E_MEMBERNOTFOUND;
    e = calloc(1, sizeof(*e));
    e->IEnumVARIANT_iface.lpVtbl = &enumerator_vtbl;
    e->ref = 1;
    e->coll = c;
    IDispatch_AddRef(iface);
    InterlockedIncrement(&so_live_enums);
    V_VT(result) = VT_UNKNOWN;
    V_UNKNOWN(result) = (IUnknown *)&e->IEnumVARIANT_iface;
    return S_OK;
}

static const IDispatchVtbl coll_vtbl = {
    .QueryInterface = dispatch_QueryInterface,
    .AddRef = coll_AddRef,
    .Release = coll_Release,
    .GetTypeInfoCount = so_no_typeinfo_count,
    .GetTypeInfo = so_no_typeinfo,
    .GetIDsOfNames = coll_GetIDsOfNames,
    .Invoke = coll_Invoke,
};

static IDispatch *coll_new(int n)
{
    coll *c = calloc(1, sizeof(*c));
    item *it;
    int i;

    c->IDispatch_iface.lpVtbl = &coll_vtbl;
    c->ref = 1;
    c->n = n < SO_MAX_ITEMS ? n : SO_MAX_ITEMS;
    for (i = 0; i < c->n; i++) {
        it = calloc(1, sizeof(*it));
        it->IDispatch_iface.lpVtbl = &item_vtbl;
        it->ref = 1;
        it->index = i + 1;
        c->items[i] = &it->IDispatch_iface;
        InterlockedIncrement(&so_live_items);
    }
    InterlockedIncrement(&so_live_colls);
    return &c->IDispatch_iface;
}

static ULONG WINAPI owner_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&owner_from_IDispatch(iface)->ref);
}

static ULONG WINAPI owner_Release(IDispatch *iface)
{
    owner *o = owner_from_IDispatch(iface);
    LONG ref = InterlockedDecrement(&o->ref);

    if (!ref) {
        InterlockedDecrement(&so_live_owners);
        free(o);
    }
    return ref;
}

static HRESULT WINAPI owner_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count,
                                          LCID lcid, DISPID *ids)
{
    static const so_name table[] = { { L"Items", 1 } };
    return so_names_lookup(table, 1, names, count, ids);
}

static HRESULT WINAPI owner_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                   DISPPARAMS *dp, VARIANT *result, EXCEPINFO *ei, UINT *argerr)
{
    if (id != 1 || !result)
        return DISP_E_MEMBERNOTFOUND;
    V_VT(result) = VT_DISPATCH;
    V_DISPATCH(result) = coll_new(owner_from_IDispatch(iface)->n);
    return S_OK;
}

static const IDispatchVtbl owner_vtbl = {
    .QueryInterface = dispatch_QueryInterface,
    .AddRef = owner_AddRef,
    .Release = owner_Release,
    .GetTypeInfoCount = so_no_typeinfo_count,
    .GetTypeInfo = so_no_typeinfo,
    .GetIDsOfNames = owner_GetIDsOfNames,
    .Invoke = owner_Invoke,
};

IDispatch *so_owner_new(int n)
{
    owner *o = calloc(1, sizeof(*o));

    o->IDispatch_iface.lpVtbl = &owner_vtbl;
    o->ref = 1;
    o->n = n;
    InterlockedIncrement(&so_live_owners);
    return &o->IDispatch_iface;
}
