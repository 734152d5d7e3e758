/* The IDispatch double and its common members; see cs_double.h. */
#include "cs_double.h"
#include "cs_check.h"
#include <oleauto.h>
#include <stdlib.h>
#include <string.h>

static inline cs_double *impl_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, cs_double, IDispatch_iface);
}

/* IUnknown, IDispatch and a sink's events IID give the IDispatch; any
 * other interface is the embedding object's (ops->query) or refused. */
static HRESULT WINAPI double_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    cs_double *d = impl_from_IDispatch(iface);

    d->asked.query_interface++;
    *out = NULL;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || (d->events_iid && IsEqualIID(riid, d->events_iid))) {
        *out = iface;
        IDispatch_AddRef(iface);
        return S_OK;
    }
    if (d->ops && d->ops->query && d->ops->query(d, riid, out))
        return S_OK;
    *out = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI double_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&impl_from_IDispatch(iface)->ref);
}

/* A double in the test's storage only counts down: the test reads ref. */
static ULONG WINAPI double_Release(IDispatch *iface)
{
    cs_double *d = impl_from_IDispatch(iface);
    LONG ref = InterlockedDecrement(&d->ref);

    if (!ref && d->heap) {
        if (d->live)
            InterlockedDecrement(d->live);
        if (d->ops && d->ops->destroy)
            d->ops->destroy(d);
        else
            free(d);
    }
    return ref;
}

static HRESULT WINAPI double_GetTypeInfoCount(IDispatch *iface, UINT *count)
{
    cs_double *d = impl_from_IDispatch(iface);

    d->asked.typeinfo_count++;
    if (d->inner)
        return IDispatch_GetTypeInfoCount(d->inner, count);
    *count = d->typeinfo_count;
    return S_OK;
}

/* The set type information, a spy's inner one behind a counting view, or
 * typeinfo_hr. */
static HRESULT WINAPI double_GetTypeInfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **out)
{
    cs_double *d = impl_from_IDispatch(iface);
    ITypeInfo *ti = NULL;
    HRESULT hr;

    d->asked.typeinfo++;
    *out = NULL;
    if (d->inner) {
        if (FAILED(hr = IDispatch_GetTypeInfo(d->inner, index, lcid, &ti)))
            return hr;
        *out = cs_double_ti_spy(ti, &d->asked);
        ITypeInfo_Release(ti);
        return *out ? S_OK : E_OUTOFMEMORY;
    }
    if (!d->typeinfo)
        return d->typeinfo_hr;
    *out = d->typeinfo;
    ITypeInfo_AddRef(*out);
    return S_OK;
}

/* Every name looked up in the table: an unknown one gets DISPID_UNKNOWN
 * and the call DISP_E_UNKNOWNNAME, as typelib-based implementations do. */
static HRESULT WINAPI double_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count,
                                           LCID lcid, DISPID *ids)
{
    cs_double *d = impl_from_IDispatch(iface);
    HRESULT hr = S_OK;
    UINT i, j;

    d->asked.ids_of_names++;
    if (d->inner)
        return IDispatch_GetIDsOfNames(d->inner, riid, names, count, lcid, ids);
    for (i = 0; i < count; i++) {
        ids[i] = DISPID_UNKNOWN;
        for (j = 0; j < d->nmembers; j++)
            if (d->members[j].name && !_wcsicmp(names[i], d->members[j].name))
                ids[i] = d->members[j].id;
        if (ids[i] == DISPID_UNKNOWN)
            hr = DISP_E_UNKNOWNNAME;
    }
    return hr;
}

/* Copies what reached Invoke into rec, after clearing what it held. */
static void record_invoke(cs_double_record *rec, DISPID id, WORD flags, DISPPARAMS *dp)
{
    UINT i;
    LONG invokes = rec->invokes;

    cs_double_record_clear(rec);
    rec->invokes = invokes + 1;
    rec->id = id;
    rec->flags = flags;
    rec->cargs = dp->cArgs;
    rec->cnamed = dp->cNamedArgs;
    for (i = 0; i < dp->cNamedArgs && i < CS_DOUBLE_MAX_ARGS; i++)
        rec->named[i] = dp->rgdispidNamedArgs[i];
    for (i = 0; i < dp->cArgs && i < CS_DOUBLE_MAX_ARGS; i++)
        VariantCopy(&rec->args[i], &dp->rgvarg[i]);
}

/* Recorded (when a record is set), then answered by the member at id:
 * DISP_E_MEMBERNOTFOUND when there is none. */
static HRESULT WINAPI double_Invoke(IDispatch *iface, DISPID id, REFIID riid, LCID lcid, WORD flags,
                                    DISPPARAMS *dp, VARIANT *result, EXCEPINFO *ei, UINT *argerr)
{
    cs_double *d = impl_from_IDispatch(iface);
    cs_double_member *m;
    HRESULT hr;

    d->asked.invoke++;
    if (d->inner)
        return IDispatch_Invoke(d->inner, id, riid, lcid, flags, dp, result, ei, argerr);
    if (d->record && dp)
        record_invoke(d->record, id, flags, dp);
    if (!(m = cs_double_find(d, id)))
        return DISP_E_MEMBERNOTFOUND;
    hr = m->call ? m->call(d, m, flags, dp, result) : S_OK;
    if (SUCCEEDED(hr))
        m->calls++;
    return hr;
}

static const IDispatchVtbl double_vtbl = {
    .QueryInterface = double_QueryInterface,
    .AddRef = double_AddRef,
    .Release = double_Release,
    .GetTypeInfoCount = double_GetTypeInfoCount,
    .GetTypeInfo = double_GetTypeInfo,
    .GetIDsOfNames = double_GetIDsOfNames,
    .Invoke = double_Invoke,
};

void cs_double_init(cs_double *d)
{
    memset(d, 0, sizeof(*d));
    d->IDispatch_iface.lpVtbl = &double_vtbl;
    d->ref = 1;
    d->typeinfo_hr = DISP_E_BADINDEX;
}

void cs_double_own(cs_double *d, volatile LONG *live)
{
    d->heap = TRUE;
    if ((d->live = live))
        InterlockedIncrement(live);
}

cs_double *cs_double_new(volatile LONG *live)
{
    cs_double *d = malloc(sizeof(*d));

    ck_assert_ptr_nonnull(d);
    cs_double_init(d);
    cs_double_own(d, live);
    return d;
}

void cs_double_init_spy(cs_double *d, IDispatch *inner)
{
    cs_double_init(d);
    d->inner = inner;
}

void cs_double_init_sink(cs_double *d, const IID *events_iid, DISPID event)
{
    cs_double_init(d);
    d->events_iid = events_iid;
    cs_double_add(d, NULL, event, cs_double_takes_i4);
}

cs_double_member *cs_double_add(cs_double *d, const WCHAR *name, DISPID id, cs_double_fn call)
{
    cs_double_member *m;

    ck_assert_msg(d->nmembers < CS_DOUBLE_MAX_MEMBERS, "a double has at most %d members",
                  CS_DOUBLE_MAX_MEMBERS);
    m = &d->members[d->nmembers++];
    m->name = name;
    m->id = id;
    m->call = call;
    m->value = 0;
    m->calls = 0;
    return m;
}

cs_double_member *cs_double_find(cs_double *d, DISPID id)
{
    UINT i;

    for (i = 0; i < d->nmembers; i++)
        if (d->members[i].id == id)
            return &d->members[i];
    return NULL;
}

LONG cs_double_calls(cs_double *d, DISPID id)
{
    cs_double_member *m = cs_double_find(d, id);

    return m ? m->calls : 0;
}

LONG cs_double_value(cs_double *d, DISPID id)
{
    cs_double_member *m = cs_double_find(d, id);

    return m ? m->value : 0;
}

void cs_double_record_clear(cs_double_record *rec)
{
    UINT i;

    for (i = 0; i < CS_DOUBLE_MAX_ARGS; i++)
        VariantClear(&rec->args[i]);
    memset(rec, 0, sizeof(*rec));
}

/* Sets result to VT_I4 n; E_INVALIDARG when no result is wanted. */
static HRESULT return_i4(VARIANT *result, LONG n)
{
    if (!result)
        return E_INVALIDARG;
    V_VT(result) = VT_I4;
    V_I4(result) = n;
    return S_OK;
}

HRESULT cs_double_returns_id(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result)
{
    return return_i4(result, (LONG)m->id);
}

HRESULT cs_double_returns_value(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp,
                                VARIANT *result)
{
    return return_i4(result, m->value);
}

HRESULT cs_double_returns_arg(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp,
                              VARIANT *result)
{
    if (dp->cArgs != 1)
        return DISP_E_BADPARAMCOUNT;
    return result ? VariantChangeType(result, &dp->rgvarg[0], 0, VT_I4) : S_OK;
}

HRESULT cs_double_property(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result)
{
    VARIANT v;

    if (flags & DISPATCH_PROPERTYPUT) {
        VariantInit(&v);
        if (!dp->cArgs || FAILED(VariantChangeType(&v, &dp->rgvarg[0], 0, VT_I4)))
            return DISP_E_TYPEMISMATCH;
        m->value = V_I4(&v);
        return S_OK;
    }
    return result ? return_i4(result, m->value) : S_OK;
}

HRESULT cs_double_takes_i4(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp, VARIANT *result)
{
    if (!dp || dp->cArgs != 1 || V_VT(&dp->rgvarg[0]) != VT_I4)
        return DISP_E_BADPARAMCOUNT;
    m->value = V_I4(&dp->rgvarg[0]);
    return S_OK;
}

HRESULT cs_double_is_argument(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *dp,
                              VARIANT *result)
{
    return DISP_E_MEMBERNOTFOUND;
}
