/* The object-model helpers of the reference server's suite: a counting
 * event sink and shortcuts to a Target's collection and enumerator; see
 * test_comserver.h. */
#include "test_comserver.h"

static inline test_sink *impl_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, test_sink, IDispatch_iface);
}

static HRESULT WINAPI sink_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    *out = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch)
        && !IsEqualIID(riid, &DIID_DStressTargetEvents))
        return E_NOINTERFACE;
    *out = iface;
    IDispatch_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI sink_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&impl_from_IDispatch(iface)->ref);
}

/* The sink lives in the test's frame: nothing is freed at zero. */
static ULONG WINAPI sink_Release(IDispatch *iface)
{
    return InterlockedDecrement(&impl_from_IDispatch(iface)->ref);
}

static HRESULT WINAPI sink_GetTypeInfoCount(IDispatch *iface, UINT *count)
{
    *count = 0;
    return S_OK;
}

static HRESULT WINAPI sink_GetTypeInfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **info)
{
    *info = NULL;
    return DISP_E_BADINDEX;
}

static HRESULT WINAPI sink_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names,
                                         UINT count, LCID lcid, DISPID *dispids)
{
    return DISP_E_UNKNOWNNAME;
}

/* OnFired(n) (DISPID 1, one VT_I4): counted, n kept. */
static HRESULT WINAPI sink_Invoke(IDispatch *iface, DISPID dispid, REFIID riid, LCID lcid,
                                  WORD flags, DISPPARAMS *params, VARIANT *result,
                                  EXCEPINFO *excepinfo, UINT *argerr)
{
    test_sink *sink = impl_from_IDispatch(iface);

    if (dispid != 1)
        return DISP_E_MEMBERNOTFOUND;
    if (!params || params->cArgs != 1 || V_VT(&params->rgvarg[0]) != VT_I4)
        return DISP_E_BADPARAMCOUNT;
    sink->fired++;
    sink->last = V_I4(&params->rgvarg[0]);
    return S_OK;
}

static const IDispatchVtbl sink_vtbl = {
    .QueryInterface = sink_QueryInterface,
    .AddRef = sink_AddRef,
    .Release = sink_Release,
    .GetTypeInfoCount = sink_GetTypeInfoCount,
    .GetTypeInfo = sink_GetTypeInfo,
    .GetIDsOfNames = sink_GetIDsOfNames,
    .Invoke = sink_Invoke,
};

void test_sink_init(test_sink *sink)
{
    sink->IDispatch_iface.lpVtbl = &sink_vtbl;
    sink->ref = 1;
    sink->fired = 0;
    sink->last = 0;
}

IConnectionPoint *target_connection_point(IStressTarget *t)
{
    IConnectionPointContainer *container;
    IConnectionPoint *cp;

    ck_assert_ok(IStressTarget_QueryInterface(t, &IID_IConnectionPointContainer,
                                              (void **)&container));
    ck_assert_ok(IConnectionPointContainer_FindConnectionPoint(container,
                                                               &DIID_DStressTargetEvents, &cp));
    IConnectionPointContainer_Release(container);
    return cp;
}

IStressItems *target_items(IStressTarget *t)
{
    IDispatch *disp;
    IStressItems *items;

    ck_assert_ok(IStressTarget_get_Items(t, &disp));
    ck_assert_ok(IDispatch_QueryInterface(disp, &IID_IStressItems, (void **)&items));
    IDispatch_Release(disp);
    return items;
}

IEnumVARIANT *new_enum(IDispatch *collection)
{
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    IEnumVARIANT *e;
    VARIANT res;

    VariantInit(&res);
    ck_assert_ok(IDispatch_Invoke(collection, DISPID_NEWENUM, &IID_NULL, 0,
                                  DISPATCH_METHOD | DISPATCH_PROPERTYGET, &none, &res, NULL,
                                  NULL));
    ck_assert_int_eq(V_VT(&res), VT_UNKNOWN);
    ck_assert_ok(IUnknown_QueryInterface(V_UNKNOWN(&res), &IID_IEnumVARIANT, (void **)&e));
    VariantClear(&res);
    return e;
}

BSTR item_name(IDispatch *item)
{
    VARIANT res;

    ck_assert_ok(call(item, L"Name", DISPATCH_PROPERTYGET, NULL, 0, &res, NULL, NULL));
    ck_assert_int_eq(V_VT(&res), VT_BSTR);
    return V_BSTR(&res);
}
