/*
 * The reference server's object model without faults (part of the
 * test_comserver suite): the collection, its enumerator, the by-reference,
 * optional and array arguments and the event source each keep every
 * reference count and the probe's live-object counters exact.
 */
#include "test_comserver.h"

#include <string.h>
#include <wchar.h>

static IStressProbe *model_probe;
/* Live objects when the test started: of every class but Probe, and of
 * each class of the object model. */
static LONG model_base, base_items, base_item, base_enum;

static void model_setup(void)
{
    setup();
    model_probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);
    model_base = live(model_probe, L"");
    base_items = live(model_probe, L"Items");
    base_item = live(model_probe, L"Item");
    base_enum = live(model_probe, L"Enumerator");
}

/* Live objects of an object-model class ("Items", "Item", "Enumerator")
 * more than when the test started. */
static LONG grown(const WCHAR *cls)
{
    LONG base = !wcscmp(cls, L"Items") ? base_items : !wcscmp(cls, L"Item") ? base_item : base_enum;

    return live(model_probe, cls) - base;
}

static void model_teardown(void)
{
    if (model_probe)
        IStressProbe_Release(model_probe);
    model_probe = NULL;
    cs_com_teardown();
}

/* Asserts item's Name is expected. */
static void check_name(IDispatch *item, const WCHAR *expected)
{
    BSTR name = item_name(item);

    ck_assert_msg(!wcscmp(name, expected), "Name '%ls', expected '%ls'", name, expected);
    SysFreeString(name);
}

/* A VT_BSTR holding a new copy of text (the caller clears it). */
static VARIANT vbstr_new(const WCHAR *text)
{
    return vstr(SysAllocString(text));
}

START_TEST(collection_counts_finds_adds_and_removes_exactly)
{
    IStressTarget *t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    IStressItems *items = target_items(t), *again = target_items(t);
    IDispatch *second, *third, *added, *removed;
    VARIANT index, res, args[1];
    IErrorInfo *info;
    BSTR desc;
    LONG count;

    ck_assert_ptr_eq(items, again);
    IStressItems_Release(again);
    ck_assert_int_eq(grown(L"Items"), 1);
    ck_assert_int_eq(grown(L"Item"), 3);
    ck_assert_ok(IStressItems_get_Count(items, &count));
    ck_assert_int_eq(count, 3);
    ck_assert_ok(IStressItems_get_Item(items, vi4(2), &second));
    check_name(second, L"Item 2");
    ck_assert_uint_eq(cs_refcount((IUnknown *)second), 2);
    index = vbstr_new(L"Item 3");
    ck_assert_ok(IStressItems_get_Item(items, index, &third));
    VariantClear(&index);
    check_name(third, L"Item 3");
    ck_assert_hr(IStressItems_get_Item(items, vi4(4), &added), DISP_E_BADINDEX);
    ck_assert_ptr_null(added);
    ck_assert_ok(GetErrorInfo(0, &info));
    ck_assert_ok(IErrorInfo_GetDescription(info, &desc));
    ck_assert_msg(!wcscmp(desc, L"Item: no item 4 (Count is 3)"), "description %ls", desc);
    SysFreeString(desc);
    IErrorInfo_Release(info);
    index = vbstr_new(L"Nope");
    ck_assert_hr(IStressItems_get_Item(items, index, &added), DISP_E_BADINDEX);
    VariantClear(&index);
    /* The default member, as a script's Items(2) calls it. */
    args[0] = vi4(2);
    ck_assert_ok(call((IDispatch *)items, L"Item", DISPATCH_METHOD | DISPATCH_PROPERTYGET, args, 1,
                      &res, NULL, NULL));
    ck_assert(V_VT(&res) == VT_DISPATCH && V_DISPATCH(&res) == second);
    ck_assert_uint_eq(cs_refcount((IUnknown *)second), 3);
    VariantClear(&res);
    index = vbstr_new(L"four");
    ck_assert_ok(IStressItems_Add(items, V_BSTR(&index), &added));
    VariantClear(&index);
    ck_assert_uint_eq(cs_refcount((IUnknown *)added), 2);
    ck_assert_ok(IStressItems_get_Count(items, &count));
    ck_assert_int_eq(count, 4);
    ck_assert_int_eq(grown(L"Item"), 4);
    ck_assert_ok(IStressItems_get_Item(items, vi4(1), &removed));
    ck_assert_ok(IStressItems_Remove(items, vi4(1)));
    ck_assert_uint_eq(cs_refcount((IUnknown *)removed), 1);
    ck_assert_ok(IStressItems_get_Count(items, &count));
    ck_assert_int_eq(count, 3);
    ck_assert_hr(IStressItems_Remove(items, vi4(9)), DISP_E_BADINDEX);
    ck_assert_uint_eq(IDispatch_Release(removed), 0);
    ck_assert_int_eq(grown(L"Item"), 3);
    IDispatch_Release(second), IDispatch_Release(third), IDispatch_Release(added);
    ck_assert_uint_eq(IStressItems_Release(items), 1);    /* the Target's reference */
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(grown(L"Items"), 0);
    ck_assert_int_eq(grown(L"Item"), 0);
    ck_assert_int_eq(live(model_probe, L""), model_base);
}
END_TEST

/* Next(count) on e: asserts its HRESULT, the number fetched and the
 * names (NULL-terminated list), and clears what it fetched. */
static void check_next(IEnumVARIANT *e, ULONG count, HRESULT hr, const WCHAR *const *names)
{
    VARIANT v[4];
    ULONG fetched = 99, i, n = 0;

    ck_assert_uint_le(count, 4);
    while (names[n])
        n++;
    for (i = 0; i < count; i++)
        VariantInit(&v[i]);
    ck_assert_hr(IEnumVARIANT_Next(e, count, v, &fetched), hr);
    ck_assert_uint_eq(fetched, n);
    for (i = 0; i < n; i++) {
        ck_assert_int_eq(V_VT(&v[i]), VT_DISPATCH);
        /* The collection's reference and the variant's. */
        ck_assert_uint_eq(cs_refcount((IUnknown *)V_DISPATCH(&v[i])), 2);
        check_name(V_DISPATCH(&v[i]), names[i]);
        VariantClear(&v[i]);
    }
}

START_TEST(enumerator_walks_skips_resets_and_clones_exactly)
{
    static const WCHAR *const one_two[] = { L"Item 1", L"Item 2", NULL };
    static const WCHAR *const three[] = { L"Item 3", NULL }, *const none[] = { NULL };
    static const WCHAR *const two[] = { L"Item 2", NULL };
    IStressTarget *t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    IStressItems *items = target_items(t);
    IEnumVARIANT *e = new_enum((IDispatch *)items), *clone;

    DISPPARAMS no_args = { NULL, NULL, 0, 0 };
    VARIANT res;

    ck_assert_uint_eq(cs_refcount((IUnknown *)e), 1);
    ck_assert_uint_eq(cs_refcount((IUnknown *)items), 3);  /* Target, us, enumerator */
    /* Asked for as a plain method too (Wine's JScript Enumerator does). */
    VariantInit(&res);
    ck_assert_ok(IDispatch_Invoke((IDispatch *)items, DISPID_NEWENUM, &IID_NULL, 0, DISPATCH_METHOD,
                                  &no_args, &res, NULL, NULL));
    ck_assert_int_eq(V_VT(&res), VT_UNKNOWN);
    ck_assert_int_eq(grown(L"Enumerator"), 2);
    VariantClear(&res);
    ck_assert_int_eq(grown(L"Enumerator"), 1);
    check_next(e, 2, S_OK, one_two);
    check_next(e, 4, S_FALSE, three);
    check_next(e, 1, S_FALSE, none);
    ck_assert_ok(IEnumVARIANT_Reset(e));
    ck_assert_hr(IEnumVARIANT_Skip(e, 2), S_OK);
    check_next(e, 1, S_OK, three);
    ck_assert_ok(IEnumVARIANT_Reset(e));
    ck_assert_hr(IEnumVARIANT_Skip(e, 5), S_FALSE);
    check_next(e, 1, S_FALSE, none);
    ck_assert_ok(IEnumVARIANT_Reset(e));
    ck_assert_hr(IEnumVARIANT_Skip(e, 1), S_OK);
    ck_assert_ok(IEnumVARIANT_Clone(e, &clone));
    ck_assert_uint_eq(cs_refcount((IUnknown *)clone), 1);
    ck_assert_int_eq(grown(L"Enumerator"), 2);
    check_next(clone, 1, S_OK, two);
    check_next(e, 1, S_OK, two);
    ck_assert_uint_eq(IEnumVARIANT_Release(clone), 0);
    ck_assert_uint_eq(IEnumVARIANT_Release(e), 0);
    ck_assert_int_eq(grown(L"Enumerator"), 0);
    ck_assert_uint_eq(cs_refcount((IUnknown *)items), 2);
    IStressItems_Release(items);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(model_probe, L""), model_base);
}
END_TEST

/* GetPair through the vtable and as a script calls it (by-reference
 * variants): what the variables held is released, the pair written. */
static void check_get_pair(IStressTarget *t, IDispatch *held)
{
    VARIANT first, second, args[2];
    ULONG refs = cs_refcount((IUnknown *)held);

    IDispatch_AddRef(held);
    first = vdisp(held);
    second = vbstr_new(L"old");
    ck_assert_ok(IStressTarget_put_Value(t, 7));
    ck_assert_ok(IStressTarget_GetPair(t, &first, &second));
    ck_assert_uint_eq(cs_refcount((IUnknown *)held), refs);
    ck_assert(V_VT(&first) == VT_I4 && V_I4(&first) == 7);
    ck_assert(V_VT(&second) == VT_BSTR && !wcscmp(V_BSTR(&second), L"Target"));
    VariantClear(&second);
    IDispatch_AddRef(held);
    first = vdisp(held);
    V_VT(&args[0]) = VT_BYREF | VT_VARIANT, V_VARIANTREF(&args[0]) = &first;
    V_VT(&args[1]) = VT_BYREF | VT_VARIANT, V_VARIANTREF(&args[1]) = &second;
    ck_assert_ok(call((IDispatch *)t, L"GetPair", DISPATCH_METHOD, args, 2, NULL, NULL, NULL));
    ck_assert_uint_eq(cs_refcount((IUnknown *)held), refs);
    ck_assert(V_VT(&first) == VT_I4 && V_I4(&first) == 7);
    ck_assert(V_VT(&second) == VT_BSTR && !wcscmp(V_BSTR(&second), L"Target"));
    VariantClear(&second);
}

/* Range through IDispatch with nargs of first, last, step (VT_EMPTY in
 * args stands for an argument left out as VT_ERROR/DISP_E_PARAMNOTFOUND). */
static LONG range(IDispatch *d, LONG first, VARIANT last, VARIANT step, UINT nargs)
{
    VARIANT args[3] = { vi4(first), last, step };
    UINT i;

    for (i = 1; i < 3; i++)
        if (V_VT(&args[i]) == VT_EMPTY)
            V_VT(&args[i]) = VT_ERROR, V_ERROR(&args[i]) = DISP_E_PARAMNOTFOUND;
    return call_long(d, L"Range", args, nargs);
}

static void check_range(IStressTarget *t)
{
    IDispatch *d = (IDispatch *)t;
    VARIANT omitted, args[3];
    EXCEPINFO ei;
    LONG count;

    VariantInit(&omitted);
    ck_assert_int_eq(range(d, 1, omitted, omitted, 1), 10);
    ck_assert_int_eq(range(d, 1, vi4(5), omitted, 2), 5);
    ck_assert_int_eq(range(d, 1, vi4(5), vi4(2), 3), 3);
    ck_assert_int_eq(range(d, 1, omitted, vi4(3), 3), 4);
    ck_assert_int_eq(range(d, 1, vi4(5), omitted, 3), 5);
    ck_assert_int_eq(range(d, 5, vi4(1), vi4(-2), 3), 3);
    ck_assert_int_eq(range(d, 5, vi4(1), omitted, 3), 0);
    args[0] = vi4(1), args[1] = vi4(5), args[2] = vi4(0);
    memset(&ei, 0, sizeof(ei));
    ck_assert_hr(call(d, L"Range", DISPATCH_METHOD, args, 3, NULL, &ei, NULL), DISP_E_EXCEPTION);
    ck_assert_hr(ei.scode, E_INVALIDARG);
    SysFreeString(ei.bstrSource), SysFreeString(ei.bstrDescription), SysFreeString(ei.bstrHelpFile);
    V_VT(&omitted) = VT_ERROR, V_ERROR(&omitted) = DISP_E_PARAMNOTFOUND;
    ck_assert_ok(IStressTarget_Range(t, 2, 10, omitted, &count));
    ck_assert_int_eq(count, 9);
}

/* A SAFEARRAY of VARIANT holding 1, "2" and last. */
static SAFEARRAY *three_values(VARIANT last)
{
    SAFEARRAY *sa = SafeArrayCreateVector(VT_VARIANT, 0, 3);
    LONG i;
    VARIANT v[3] = { vi4(1), vbstr_new(L"2"), last };

    for (i = 0; i < 3; i++) {
        ck_assert_ok(SafeArrayPutElement(sa, &i, &v[i]));
        VariantClear(&v[i]);
    }
    return sa;
}

static void check_arrays(IStressTarget *t)
{
    VARIANT x, arg, res;
    SAFEARRAY *sa;
    IDispatch *elems[3];
    DOUBLE total;
    LONG i;

    V_VT(&x) = VT_R8, V_R8(&x) = 3.5;
    sa = three_values(x);
    ck_assert_ok(IStressTarget_Sum(t, sa, &total));
    ck_assert_double_eq(total, 6.5);
    V_VT(&arg) = VT_ARRAY | VT_VARIANT, V_ARRAY(&arg) = sa;
    ck_assert_ok(call((IDispatch *)t, L"Sum", DISPATCH_METHOD, &arg, 1, &res, NULL, NULL));
    ck_assert(V_VT(&res) == VT_R8 && V_R8(&res) == 6.5);
    SafeArrayDestroy(sa);
    sa = three_values(vbstr_new(L"x"));
    ck_assert_hr(IStressTarget_Sum(t, sa, &total), DISP_E_TYPEMISMATCH);
    SafeArrayDestroy(sa);
    ck_assert_ok(IStressTarget_MakeItems(t, 3, &sa));
    ck_assert_int_eq(grown(L"Item"), 3);
    for (i = 0; i < 3; i++) {
        ck_assert_ok(SafeArrayGetElement(sa, &i, &x));
        ck_assert_int_eq(V_VT(&x), VT_DISPATCH);
        elems[i] = V_DISPATCH(&x);
        /* The array's reference and our copy's. */
        ck_assert_uint_eq(cs_refcount((IUnknown *)elems[i]), 2);
        VariantClear(&x);
    }
    check_name(elems[2], L"Item 3");
    ck_assert_ok(SafeArrayDestroy(sa));
    ck_assert_int_eq(grown(L"Item"), 0);
    arg = vi4(2);
    ck_assert_ok(call((IDispatch *)t, L"MakeItems", DISPATCH_METHOD, &arg, 1, &res, NULL, NULL));
    ck_assert_int_eq(V_VT(&res), VT_ARRAY | VT_VARIANT);
    ck_assert_int_eq(grown(L"Item"), 2);
    VariantClear(&res);
    ck_assert_int_eq(grown(L"Item"), 0);
    ck_assert_hr(IStressTarget_MakeItems(t, -1, &sa), E_INVALIDARG);
}

START_TEST(out_optional_and_array_arguments_keep_every_reference)
{
    IStressTarget *t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    IDispatch *held = create_direct(&CLSID_StressUntyped, &IID_IDispatch);

    check_get_pair(t, held);
    ck_assert_uint_eq(IDispatch_Release(held), 0);
    check_range(t);
    check_arrays(t);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(model_probe, L""), model_base);
}
END_TEST

/* IProvideClassInfo2 names the coclass and its default source. */
static void check_class_info(IStressTarget *t)
{
    IProvideClassInfo2 *pci;
    ITypeInfo *ti;
    TYPEATTR *attr;
    GUID guid;

    ck_assert_ok(IStressTarget_QueryInterface(t, &IID_IProvideClassInfo2, (void **)&pci));
    ck_assert_ok(IProvideClassInfo2_GetGUID(pci, GUIDKIND_DEFAULT_SOURCE_DISP_IID, &guid));
    ck_assert(IsEqualGUID(&guid, &DIID_DStressTargetEvents));
    ck_assert_hr(IProvideClassInfo2_GetGUID(pci, 0, &guid), E_INVALIDARG);
    ck_assert_ok(IProvideClassInfo2_GetClassInfo(pci, &ti));
    ck_assert_ok(ITypeInfo_GetTypeAttr(ti, &attr));
    ck_assert(attr->typekind == TKIND_COCLASS && IsEqualGUID(&attr->guid, &CLSID_StressTarget));
    ITypeInfo_ReleaseTypeAttr(ti, attr);
    ITypeInfo_Release(ti);
    IProvideClassInfo2_Release(pci);
}

START_TEST(events_advise_fire_unadvise_keep_the_sinks_exact)
{
    IStressTarget *t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    IConnectionPoint *cp = target_connection_point(t), *none;
    IConnectionPointContainer *container;
    test_sink a, b;
    DWORD ca, cb;
    LONG sinks;
    IID iid;
    VARIANT arg;

    check_class_info(t);
    test_sink_init(&a), test_sink_init(&b);
    ck_assert_uint_eq(cs_refcount((IUnknown *)t), 2);     /* ours and the point's */
    ck_assert_ok(IConnectionPoint_GetConnectionInterface(cp, &iid));
    ck_assert(IsEqualIID(&iid, &DIID_DStressTargetEvents));
    ck_assert_ok(IConnectionPoint_GetConnectionPointContainer(cp, &container));
    ck_assert_hr(IConnectionPointContainer_FindConnectionPoint(container, &IID_IStressTarget, &none),
                 CONNECT_E_NOCONNECTION);
    IConnectionPointContainer_Release(container);
    ck_assert_ok(IConnectionPoint_Advise(cp, (IUnknown *)&a.IDispatch_iface, &ca));
    ck_assert_ok(IConnectionPoint_Advise(cp, (IUnknown *)&b.IDispatch_iface, &cb));
    ck_assert(ca != 0 && cb != 0 && ca != cb);
    ck_assert_int_eq(a.ref, 2);
    ck_assert_ok(IStressTarget_Fire(t, 5, &sinks));
    ck_assert_int_eq(sinks, 2);
    ck_assert(sink_fired(&a) == 1 && sink_last(&a) == 5 && sink_fired(&b) == 1);
    arg = vi4(6);
    ck_assert_int_eq(call_long((IDispatch *)t, L"Fire", &arg, 1), 2);
    ck_assert(sink_fired(&a) == 2 && sink_last(&a) == 6 && sink_last(&b) == 6);
    ck_assert_ok(IConnectionPoint_Unadvise(cp, ca));
    ck_assert_int_eq(a.ref, 1);
    ck_assert_hr(IConnectionPoint_Unadvise(cp, ca), CONNECT_E_NOCONNECTION);
    ck_assert_ok(IStressTarget_Fire(t, 7, &sinks));
    ck_assert_int_eq(sinks, 1);
    ck_assert(sink_fired(&a) == 2 && sink_fired(&b) == 3);
    ck_assert_int_eq(a.ref, 1);
    IConnectionPoint_Release(cp);
    /* Destroyed with b still advised: b is released. */
    ck_assert_int_eq(b.ref, 2);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(b.ref, 1);
    ck_assert_int_eq(live(model_probe, L""), model_base);
}
END_TEST

/* Skip at the edge of what is left: exactly the items left is S_OK and
 * leaves the enumerator at the end; one more is S_FALSE and stops at the
 * end too; Skip(0) is S_OK anywhere, the end included. */
START_TEST(enumerator_skips_exactly_the_items_left_with_s_ok)
{
    static const WCHAR *const none[] = { NULL }, *const three[] = { L"Item 3", NULL };
    IStressTarget *t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    IStressItems *items = target_items(t);
    IEnumVARIANT *e = new_enum((IDispatch *)items);

    ck_assert_hr(IEnumVARIANT_Skip(e, 3), S_OK);           /* all three */
    check_next(e, 1, S_FALSE, none);
    ck_assert_hr(IEnumVARIANT_Skip(e, 0), S_OK);           /* at the end */
    ck_assert_hr(IEnumVARIANT_Skip(e, 1), S_FALSE);
    ck_assert_ok(IEnumVARIANT_Reset(e));
    ck_assert_hr(IEnumVARIANT_Skip(e, 1), S_OK);
    ck_assert_hr(IEnumVARIANT_Skip(e, 2), S_OK);           /* the two left */
    check_next(e, 1, S_FALSE, none);
    ck_assert_ok(IEnumVARIANT_Reset(e));
    ck_assert_hr(IEnumVARIANT_Skip(e, 2), S_OK);           /* one short of the end */
    check_next(e, 1, S_OK, three);
    ck_assert_ok(IEnumVARIANT_Reset(e));
    ck_assert_hr(IEnumVARIANT_Skip(e, 1), S_OK);
    ck_assert_hr(IEnumVARIANT_Skip(e, 3), S_FALSE);        /* one past: stops at the end */
    check_next(e, 1, S_FALSE, none);
    ck_assert_uint_eq(IEnumVARIANT_Release(e), 0);
    IStressItems_Release(items);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(model_probe, L""), model_base);
}
END_TEST

/* The connection point's slots at their edges: four sinks fill the first
 * four slots (cookies 1..4); the last slot's cookie unadvises and its sink
 * is released; cookie 0 and the cookie one past the slots are
 * CONNECT_E_NOCONNECTION; a fifth sink grows the slots and gets cookie 5,
 * the freed slot 4 is reused first. */
START_TEST(events_unadvise_the_last_slot_and_refuse_cookies_past_it)
{
    IStressTarget *t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    IConnectionPoint *cp = target_connection_point(t);
    test_sink s[6];
    DWORD c[6];
    LONG sinks;
    int i;

    for (i = 0; i < 6; i++)
        test_sink_init(&s[i]);
    for (i = 0; i < 4; i++) {
        ck_assert_ok(IConnectionPoint_Advise(cp, (IUnknown *)&s[i].IDispatch_iface, &c[i]));
        ck_assert_uint_eq(c[i], (DWORD)i + 1);
    }
    ck_assert_hr(IConnectionPoint_Unadvise(cp, 0), CONNECT_E_NOCONNECTION);
    ck_assert_hr(IConnectionPoint_Unadvise(cp, 5), CONNECT_E_NOCONNECTION);
    ck_assert_ok(IConnectionPoint_Unadvise(cp, 4));
    ck_assert_int_eq(s[3].ref, 1);
    ck_assert_hr(IConnectionPoint_Unadvise(cp, 4), CONNECT_E_NOCONNECTION);
    ck_assert_ok(IStressTarget_Fire(t, 1, &sinks));
    ck_assert_int_eq(sinks, 3);
    ck_assert_int_eq(sink_fired(&s[3]), 0);
    ck_assert_ok(IConnectionPoint_Advise(cp, (IUnknown *)&s[4].IDispatch_iface, &c[4]));
    ck_assert_uint_eq(c[4], 4);                              /* the freed slot */
    ck_assert_ok(IConnectionPoint_Advise(cp, (IUnknown *)&s[5].IDispatch_iface, &c[5]));
    ck_assert_uint_eq(c[5], 5);                              /* grown */
    ck_assert_ok(IConnectionPoint_Unadvise(cp, 5));
    ck_assert_int_eq(s[5].ref, 1);
    for (i = 0; i < 3; i++)
        ck_assert_ok(IConnectionPoint_Unadvise(cp, c[i]));
    ck_assert_ok(IConnectionPoint_Unadvise(cp, 4));
    for (i = 0; i < 6; i++)
        ck_assert_int_eq(s[i].ref, 1);
    IConnectionPoint_Release(cp);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(model_probe, L""), model_base);
}
END_TEST

TCase *comserver_model_tcase(void)
{
    TCase *tc = tcase_create("model");

    tcase_add_checked_fixture(tc, model_setup, model_teardown);
    tcase_add_test(tc, collection_counts_finds_adds_and_removes_exactly);
    tcase_add_test(tc, enumerator_walks_skips_resets_and_clones_exactly);
    tcase_add_test(tc, out_optional_and_array_arguments_keep_every_reference);
    tcase_add_test(tc, events_advise_fire_unadvise_keep_the_sinks_exact);
    tcase_add_test(tc, enumerator_skips_exactly_the_items_left_with_s_ok);
    tcase_add_test(tc, events_unadvise_the_last_slot_and_refuse_cookies_past_it);
    return tc;
}
