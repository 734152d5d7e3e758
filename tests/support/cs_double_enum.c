/* The IEnumVARIANT double; see cs_double.h. */
#include "cs_double.h"
#include "cs_check.h"
#include <oleauto.h>
#include <stdlib.h>

typedef struct cs_double_enum {
    IEnumVARIANT IEnumVARIANT_iface;
    LONG ref;
    IDispatch *const *items;   /* borrowed from holder */
    int n, pos;
    IUnknown *holder;          /* one reference until the last release */
    volatile LONG *live;
} cs_double_enum;

static inline cs_double_enum *impl_from_IEnumVARIANT(IEnumVARIANT *iface)
{
    return CONTAINING_RECORD(iface, cs_double_enum, IEnumVARIANT_iface);
}

static HRESULT WINAPI enum_QueryInterface(IEnumVARIANT *iface, REFIID riid, void **out)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IEnumVARIANT)) {
        *out = iface;
        IEnumVARIANT_AddRef(iface);
        return S_OK;
    }
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI enum_AddRef(IEnumVARIANT *iface)
{
    return InterlockedIncrement(&impl_from_IEnumVARIANT(iface)->ref);
}

static ULONG WINAPI enum_Release(IEnumVARIANT *iface)
{
    cs_double_enum *e = impl_from_IEnumVARIANT(iface);
    LONG ref = InterlockedDecrement(&e->ref);

    if (!ref) {
        IUnknown_Release(e->holder);
        if (e->live)
            InterlockedDecrement(e->live);
        free(e);
    }
    return ref;
}

/* Each item given with its own reference, as IEnumVARIANT requires;
 * S_FALSE when fewer than celt were left. */
static HRESULT WINAPI enum_Next(IEnumVARIANT *iface, ULONG celt, VARIANT *var, ULONG *fetched)
{
    cs_double_enum *e = impl_from_IEnumVARIANT(iface);
    ULONG i;

    for (i = 0; i < celt && e->pos < e->n; i++) {
        V_VT(&var[i]) = VT_DISPATCH;
        V_DISPATCH(&var[i]) = e->items[e->pos++];
        IDispatch_AddRef(V_DISPATCH(&var[i]));
    }
    if (fetched)
        *fetched = i;
    return i == celt ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_Skip(IEnumVARIANT *iface, ULONG celt)
{
    return E_NOTIMPL;
}

static HRESULT WINAPI enum_Reset(IEnumVARIANT *iface)
{
    impl_from_IEnumVARIANT(iface)->pos = 0;
    return S_OK;
}

static HRESULT WINAPI enum_Clone(IEnumVARIANT *iface, IEnumVARIANT **out)
{
    *out = NULL;
    return E_NOTIMPL;
}

static const IEnumVARIANTVtbl enum_vtbl = {
    .QueryInterface = enum_QueryInterface,
    .AddRef = enum_AddRef,
    .Release = enum_Release,
    .Next = enum_Next,
    .Skip = enum_Skip,
    .Reset = enum_Reset,
    .Clone = enum_Clone,
};

IEnumVARIANT *cs_double_enum_new(IDispatch *const *items, int n, IUnknown *holder, volatile LONG *live)
{
    cs_double_enum *e = calloc(1, sizeof(*e));

    ck_assert_ptr_nonnull(e);
    e->IEnumVARIANT_iface.lpVtbl = &enum_vtbl;
    e->ref = 1;
    e->items = items;
    e->n = n;
    e->holder = holder;
    IUnknown_AddRef(holder);
    if ((e->live = live))
        InterlockedIncrement(live);
    return &e->IEnumVARIANT_iface;
}
