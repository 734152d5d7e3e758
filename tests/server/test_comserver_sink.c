/* The object-model helpers of the reference server's suite: a counting
 * event sink (the shared sink double) and shortcuts to a Target's
 * collection and enumerator; see test_comserver.h. */
#include "test_comserver.h"

void test_sink_init(test_sink *sink)
{
    cs_double_init_sink(sink, &DIID_DStressTargetEvents, ONFIRED_DISPID);
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
