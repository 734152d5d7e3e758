/*
 * The object model's faults (part of the test_comserver suite): each seen
 * with its exact effect on a reference count or on the probe's live-object
 * counters, then cleaned up by hand so the next test starts even.
 */
#include "test_comserver.h"

static IStressProbe *mf_probe;

static void mf_setup(void)
{
    setup();
    mf_probe = create_direct(&CLSID_StressProbe, &IID_IStressProbe);
}

/* Clears the fault even when the test failed half-way. */
static void mf_teardown(void)
{
    set_fault(mf_probe, L"", 0);
    IStressProbe_Release(mf_probe);
    mf_probe = NULL;
    cs_com_teardown();
}

/* A Target made under fault (the fault is cleared again at once: it is
 * the object's from its creation on). */
static IStressTarget *faulty_target(const WCHAR *fault)
{
    IStressTarget *t;

    ck_assert_ok(set_fault(mf_probe, fault, 0));
    t = create_direct(&CLSID_StressTarget, &IID_IStressTarget);
    ck_assert_ok(set_fault(mf_probe, L"", 0));
    return t;
}

START_TEST(fault_enum_item_extra_ref_keeps_each_fetched_item)
{
    LONG base = live(mf_probe, L"Item"), all = live(mf_probe, L"");
    IStressTarget *t = faulty_target(L"enum-item-extra-ref");
    IStressItems *items = target_items(t);
    IEnumVARIANT *e = new_enum((IDispatch *)items);
    IDispatch *leaked;
    VARIANT v;

    VariantInit(&v);
    ck_assert_hr(IEnumVARIANT_Next(e, 1, &v, NULL), S_OK);
    leaked = V_DISPATCH(&v);
    /* The collection's, the variant's, and one too many. */
    ck_assert_uint_eq(cs_refcount((IUnknown *)leaked), 3);
    VariantClear(&v);
    ck_assert_uint_eq(IEnumVARIANT_Release(e), 0);
    IStressItems_Release(items);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(mf_probe, L"Item"), base + 1);
    ck_assert_int_eq(live(mf_probe, L""), all + 1);
    ck_assert_uint_eq(IDispatch_Release(leaked), 0);
    ck_assert_int_eq(live(mf_probe, L""), all);
}
END_TEST

START_TEST(fault_enum_clone_leak_keeps_the_clone_and_its_collection)
{
    LONG base_e = live(mf_probe, L"Enumerator"), base_c = live(mf_probe, L"Items");
    LONG base_i = live(mf_probe, L"Item"), all = live(mf_probe, L"");
    IStressTarget *t = faulty_target(L"enum-clone-leak");
    IStressItems *items = target_items(t);
    IEnumVARIANT *e = new_enum((IDispatch *)items), *clone;

    ck_assert_ok(IEnumVARIANT_Clone(e, &clone));
    ck_assert_uint_eq(cs_refcount((IUnknown *)clone), 2);
    ck_assert_uint_eq(IEnumVARIANT_Release(clone), 1);
    ck_assert_uint_eq(IEnumVARIANT_Release(e), 0);
    IStressItems_Release(items);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(mf_probe, L"Enumerator"), base_e + 1);
    ck_assert_int_eq(live(mf_probe, L"Items"), base_c + 1);
    ck_assert_int_eq(live(mf_probe, L"Item"), base_i + 3);
    ck_assert_uint_eq(IEnumVARIANT_Release(clone), 0);
    ck_assert_int_eq(live(mf_probe, L""), all);
}
END_TEST

START_TEST(fault_newenum_extra_ref_keeps_the_enumerator)
{
    LONG base_e = live(mf_probe, L"Enumerator"), all = live(mf_probe, L"");
    IStressTarget *t = faulty_target(L"newenum-extra-ref");
    IStressItems *items = target_items(t);
    IEnumVARIANT *e = new_enum((IDispatch *)items);

    ck_assert_uint_eq(cs_refcount((IUnknown *)e), 2);
    ck_assert_uint_eq(IEnumVARIANT_Release(e), 1);
    IStressItems_Release(items);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(mf_probe, L"Enumerator"), base_e + 1);
    /* The enumerator keeps the collection and its three items. */
    ck_assert_int_eq(live(mf_probe, L""), all + 5);
    ck_assert_uint_eq(IEnumVARIANT_Release(e), 0);
    ck_assert_int_eq(live(mf_probe, L""), all);
}
END_TEST

START_TEST(fault_unadvise_keeps_sink_leaves_one_reference)
{
    IStressTarget *t = faulty_target(L"unadvise-keeps-sink");
    IConnectionPoint *cp = target_connection_point(t);
    test_sink sink;
    DWORD cookie;
    LONG fired;

    test_sink_init(&sink);
    ck_assert_ok(IConnectionPoint_Advise(cp, (IUnknown *)&sink.IDispatch_iface, &cookie));
    ck_assert_int_eq(sink.ref, 2);
    ck_assert_ok(IConnectionPoint_Unadvise(cp, cookie));
    ck_assert_int_eq(sink.ref, 2);
    ck_assert_ok(IStressTarget_Fire(t, 1, &fired));
    ck_assert_int_eq(fired, 0);
    IConnectionPoint_Release(cp);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(sink.ref, 2);
    ck_assert_int_eq(sink_fired(&sink), 0);
}
END_TEST

START_TEST(fault_destroy_keeps_sinks_never_releases_them)
{
    LONG all = live(mf_probe, L"");
    IStressTarget *t = faulty_target(L"destroy-keeps-sinks");
    IConnectionPoint *cp = target_connection_point(t);
    test_sink a, b;
    DWORD ca, cb;

    test_sink_init(&a), test_sink_init(&b);
    ck_assert_ok(IConnectionPoint_Advise(cp, (IUnknown *)&a.IDispatch_iface, &ca));
    ck_assert_ok(IConnectionPoint_Advise(cp, (IUnknown *)&b.IDispatch_iface, &cb));
    /* An Unadvise still releases: only destruction forgets. */
    ck_assert_ok(IConnectionPoint_Unadvise(cp, cb));
    ck_assert_int_eq(b.ref, 1);
    IConnectionPoint_Release(cp);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(mf_probe, L""), all);
    ck_assert_int_eq(a.ref, 2);
}
END_TEST

START_TEST(fault_out_overwrite_leak_keeps_what_the_variable_held)
{
    IStressTarget *t = faulty_target(L"out-overwrite-leak");
    IDispatch *held = create_direct(&CLSID_StressUntyped, &IID_IDispatch);
    VARIANT first, second, args[2];

    IDispatch_AddRef(held);
    first = vdisp(held);
    VariantInit(&second);
    V_VT(&args[0]) = VT_BYREF | VT_VARIANT, V_VARIANTREF(&args[0]) = &first;
    V_VT(&args[1]) = VT_BYREF | VT_VARIANT, V_VARIANTREF(&args[1]) = &second;
    ck_assert_ok(call((IDispatch *)t, L"GetPair", DISPATCH_METHOD, args, 2, NULL, NULL, NULL));
    ck_assert(V_VT(&first) == VT_I4 && V_VT(&second) == VT_BSTR);
    /* Ours and the overwritten variable's, never released. */
    ck_assert_uint_eq(cs_refcount((IUnknown *)held), 2);
    VariantClear(&second);
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_uint_eq(IDispatch_Release(held), 1);
    ck_assert_uint_eq(IDispatch_Release(held), 0);
}
END_TEST

START_TEST(fault_array_element_leak_keeps_every_item)
{
    LONG base = live(mf_probe, L"Item"), all = live(mf_probe, L""), i;
    IStressTarget *t = faulty_target(L"array-element-leak");
    IDispatch *elems[3];
    SAFEARRAY *sa;
    VARIANT v;

    ck_assert_ok(IStressTarget_MakeItems(t, 3, &sa));
    for (i = 0; i < 3; i++) {
        ck_assert_ok(SafeArrayGetElement(sa, &i, &v));
        elems[i] = V_DISPATCH(&v);
        /* The array's, our copy's, and one too many. */
        ck_assert_uint_eq(cs_refcount((IUnknown *)elems[i]), 3);
        VariantClear(&v);
    }
    ck_assert_ok(SafeArrayDestroy(sa));
    ck_assert_uint_eq(IStressTarget_Release(t), 0);
    ck_assert_int_eq(live(mf_probe, L"Item"), base + 3);
    for (i = 0; i < 3; i++)
        ck_assert_uint_eq(IDispatch_Release(elems[i]), 0);
    ck_assert_int_eq(live(mf_probe, L""), all);
}
END_TEST

TCase *comserver_model_faults_tcase(void)
{
    TCase *tc = tcase_create("model_faults");

    tcase_add_checked_fixture(tc, mf_setup, mf_teardown);
    tcase_add_test(tc, fault_enum_item_extra_ref_keeps_each_fetched_item);
    tcase_add_test(tc, fault_enum_clone_leak_keeps_the_clone_and_its_collection);
    tcase_add_test(tc, fault_newenum_extra_ref_keeps_the_enumerator);
    tcase_add_test(tc, fault_unadvise_keeps_sink_leaves_one_reference);
    tcase_add_test(tc, fault_destroy_keeps_sinks_never_releases_them);
    tcase_add_test(tc, fault_out_overwrite_leak_keeps_what_the_variable_held);
    tcase_add_test(tc, fault_array_element_leak_keeps_every_item);
    return tc;
}
