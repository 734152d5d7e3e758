/* Test objects for the script executor (see script_objects.h), each a
 * cs_double with its members. */
#include "script_objects.h"
#include "cs_check.h"
#include <oleauto.h>
#include <stdio.h>
#include <stdlib.h>

volatile LONG so_live_recorders, so_live_owners, so_live_colls, so_live_items, so_live_enums;

/* ---- recorder ---------------------------------------------------------- */

/* GetPair: the first text argument (rgvarg[1]) gets 7, the second
 * (rgvarg[0]) a new recorder; what they held is cleared first. */
static HRESULT recorder_get_pair(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp,
                                 VARIANT *result)
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
    V_DISPATCH(b) = so_recorder_new(d->record);
    return S_OK;
}

IDispatch *so_recorder_new(cs_double_record *rec)
{
    cs_double *d = cs_double_new(&so_live_recorders);

    d->record = rec;
    cs_double_add(d, L"Call", 1, NULL);
    cs_double_add(d, L"GetPair", 2, recorder_get_pair);
    cs_double_add(d, L"Value", 3, cs_double_property);
    cs_double_add(d, L"ReadOnly", 10, cs_double_is_argument);
    cs_double_add(d, L"Mode", 11, cs_double_is_argument);
    cs_double_add(d, L"Path", 12, cs_double_is_argument);
    return &d->IDispatch_iface;
}

/* ---- items, collection, owner ------------------------------------------ */

#define SO_MAX_ITEMS 16

/* A collection: a double with the items it owns. */
typedef struct coll {
    cs_double base;
    int n;
    IDispatch *items[SO_MAX_ITEMS];
} coll;

static inline coll *impl_from_cs_double(cs_double *d)
{
    return CONTAINING_RECORD(d, coll, base);
}

/* Name: "item<index>", the index being the Index member's value. */
static HRESULT item_name(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result)
{
    WCHAR name[16];

    if (!result)
        return DISP_E_MEMBERNOTFOUND;
    swprintf(name, 16, L"item%ld", (long)cs_double_value(d, 2));
    V_VT(result) = VT_BSTR;
    V_BSTR(result) = SysAllocString(name);
    return S_OK;
}

/* Item(i), 1-based, the default member: the item with a new reference. */
static HRESULT coll_item(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result)
{
    coll *c = impl_from_cs_double(d);
    VARIANT i;

    if (!result)
        return E_INVALIDARG;
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

/* _NewEnum: an enumerator holding the collection. */
static HRESULT coll_new_enum(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result)
{
    coll *c = impl_from_cs_double(d);

    if (!result)
        return E_INVALIDARG;
    V_VT(result) = VT_UNKNOWN;
    V_UNKNOWN(result) = (IUnknown *)cs_double_enum_new(c->items, c->n, (IUnknown *)&d->IDispatch_iface,
                                                       &so_live_enums);
    return S_OK;
}

/* The collection's last release: its items go with it. */
static void coll_destroy(cs_double *d)
{
    coll *c = impl_from_cs_double(d);
    int i;

    for (i = 0; i < c->n; i++)
        IDispatch_Release(c->items[i]);
    free(c);
}

static const cs_double_ops coll_ops = { .destroy = coll_destroy };

static IDispatch *coll_new(int n)
{
    coll *c = calloc(1, sizeof(*c));
    cs_double *it;
    int i;

    ck_assert_ptr_nonnull(c);
    cs_double_init(&c->base);
    c->base.ops = &coll_ops;
    c->n = n < SO_MAX_ITEMS ? n : SO_MAX_ITEMS;
    cs_double_add(&c->base, L"Count", 1, cs_double_returns_value)->value = c->n;
    cs_double_add(&c->base, L"Item", DISPID_VALUE, coll_item);
    cs_double_add(&c->base, L"_NewEnum", DISPID_NEWENUM, coll_new_enum);
    for (i = 0; i < c->n; i++) {
        it = cs_double_new(&so_live_items);
        cs_double_add(it, L"Name", 1, item_name);
        cs_double_add(it, L"Index", 2, cs_double_returns_value)->value = i + 1;
        c->items[i] = &it->IDispatch_iface;
    }
    cs_double_own(&c->base, &so_live_colls);
    return &c->base.IDispatch_iface;
}

/* Items: a new collection of the owner's n items each time. */
static HRESULT owner_items(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result)
{
    if (!result)
        return DISP_E_MEMBERNOTFOUND;
    V_VT(result) = VT_DISPATCH;
    V_DISPATCH(result) = coll_new(m->value);
    return S_OK;
}

IDispatch *so_owner_new(int n)
{
    cs_double *d = cs_double_new(&so_live_owners);

    cs_double_add(d, L"Items", 1, owner_items)->value = n;
    return &d->IDispatch_iface;
}
