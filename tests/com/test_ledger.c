/* The refcount ledger (client/ledger.c) in front of an IDispatch double
 * (cs_double.h) whose own count, and what it was asked, the test reads. */
#include "cs_check.h"
#include "cs_double.h"
#include "ledger.h"

static cs_double obj;
static cs_ledger *ledger;

static void setup(void)
{
    cs_double_init(&obj);
    obj.typeinfo_count = 7;                     /* a figure to see forwarded */
    ledger = cs_ledger_new();
    ck_assert_ptr_nonnull(ledger);
}

static void teardown(void)
{
    cs_ledger_free(ledger);
}

START_TEST(balanced_references_leave_nothing)
{
    IDispatch *w = cs_ledger_wrap(ledger, &obj.IDispatch_iface, "CreateInstance", 1);
    cs_ledger_totals t;
    UINT n = 0;

    ck_assert_ptr_ne(w, &obj.IDispatch_iface);
    ck_assert_ok(IDispatch_GetTypeInfoCount(w, &n));
    ck_assert_uint_eq(n, 7);                    /* forwarded */
    ck_assert_int_eq(obj.asked.typeinfo_count, 1);
    IDispatch_AddRef(w);
    IDispatch_Release(w);
    ck_assert_int_eq(obj.ref, 1);               /* the wrapper holds one */
    ck_assert_uint_eq(IDispatch_Release(w), 0);
    ck_assert_int_eq(obj.ref, 0);               /* released exactly once */
    cs_ledger_totals_get(ledger, &t);
    ck_assert_int_eq(t.wrapped, 1);
    ck_assert_int_eq(t.addrefs, 1);
    ck_assert_int_eq(t.releases, 2);
    ck_assert_int_eq(t.outstanding_refs, 0);
    ck_assert_uint_eq(cs_ledger_findings(ledger, NULL, 0), 0);
}
END_TEST

START_TEST(outstanding_reference_is_attributed)
{
    IDispatch *w = cs_ledger_wrap(ledger, &obj.IDispatch_iface, "CreateChild", 17);
    cs_ledger_finding f[4];

    IDispatch_AddRef(w);                       /* never released */
    IDispatch_Release(w);
    IDispatch_AddRef(w);
    ck_assert_uint_eq(cs_ledger_findings(ledger, f, 4), 1);
    ck_assert_str_eq(f[0].origin, "CreateChild");
    ck_assert_int_eq(f[0].pointers, 1);
    ck_assert_int_eq(f[0].refs, 2);
    ck_assert_int_eq(f[0].first_iteration, 17);
    IDispatch_Release(w);
    IDispatch_Release(w);
    ck_assert_uint_eq(cs_ledger_findings(ledger, f, 4), 0);
}
END_TEST

START_TEST(use_after_release_is_caught_not_crashed)
{
    IDispatch *w = cs_ledger_wrap(ledger, &obj.IDispatch_iface, "CreateInstance", 3);
    cs_ledger_finding f[4];
    cs_ledger_totals t;
    DISPID id;
    LPOLESTR name = L"Add";

    IDispatch_Release(w);
    ck_assert_hr(IDispatch_GetIDsOfNames(w, &IID_NULL, &name, 1, 0, &id), RPC_E_DISCONNECTED);
    ck_assert_int_eq(obj.asked.ids_of_names, 0);   /* never reached the object */
    ck_assert_uint_eq(IDispatch_Release(w), 0);
    ck_assert_int_eq(obj.ref, 0);              /* not released twice */
    cs_ledger_totals_get(ledger, &t);
    ck_assert_int_eq(t.use_after_release, 2);
    ck_assert_uint_eq(cs_ledger_findings(ledger, f, 4), 1);
    ck_assert_int_eq(f[0].use_after_release, 2);
}
END_TEST

START_TEST(query_interface_rules)
{
    IDispatch *w = cs_ledger_wrap(ledger, &obj.IDispatch_iface, "CreateInstance", 1);
    IUnknown *unk = NULL;
    void *other = (void *)1;

    ck_assert_ok(IDispatch_QueryInterface(w, &IID_IUnknown, (void **)&unk));
    ck_assert_ptr_eq(unk, w);
    ck_assert_uint_eq(cs_refcount(unk), 2);
    IUnknown_Release(unk);
    ck_assert_hr(IDispatch_QueryInterface(w, &IID_IClassFactory, &other), E_NOINTERFACE);
    ck_assert_ptr_null(other);
    IDispatch_Release(w);
    ck_assert_int_eq(obj.ref, 0);
}
END_TEST

START_TEST(variant_results_are_wrapped)
{
    VARIANT v;
    cs_ledger_totals t;

    V_VT(&v) = VT_UNKNOWN;
    V_UNKNOWN(&v) = (IUnknown *)&obj.IDispatch_iface;
    cs_ledger_wrap_variant(ledger, &v, "CreateChild", 5);
    ck_assert_int_eq(V_VT(&v), VT_DISPATCH);
    ck_assert_ptr_ne(V_DISPATCH(&v), &obj.IDispatch_iface);
    ck_assert_int_eq(obj.ref, 1);
    VariantClear(&v);
    ck_assert_int_eq(obj.ref, 0);
    cs_ledger_totals_get(ledger, &t);
    ck_assert_int_eq(t.wrapped, 1);
    ck_assert_int_eq(t.outstanding_ptrs, 0);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(balanced_references_leave_nothing), CS_TEST(outstanding_reference_is_attributed),
        CS_TEST(use_after_release_is_caught_not_crashed), CS_TEST(query_interface_rules),
        CS_TEST(variant_results_are_wrapped), NULL
    };

    return cs_run_tests("ledger", setup, teardown, tests);
}
