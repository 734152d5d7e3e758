/*
 * The repeated call (client/dispcache.c): a site called again on the same
 * receiver is served without building its key, under every caching
 * policy, and counted as the L0 hit it is; it never repeats on an object
 * that was forgotten (a new object at the same address), on another
 * receiver, or after the plan was switched.
 */
#include "cs_check.h"
#include "cs_double.h"
#include "lb.h"
#include <stdio.h>
#include <string.h>

static IClassFactory *target_cf;
static lb_error err;

static void setup(void)
{
    CLSID clsid;

    cs_com_sta_setup();
    ck_assert_ok(CLSIDFromProgID(L"ComStress.Target", &clsid));
    ck_assert_ok(CoGetClassObject(&clsid, CLSCTX_INPROC_SERVER, NULL, &IID_IClassFactory, (void **)&target_cf));
}

static void teardown(void)
{
    IClassFactory_Release(target_cf);
    cs_com_teardown();
}

static IDispatch *make(void)
{
    IDispatch *d = NULL;

    ck_assert_ok(IClassFactory_CreateInstance(target_cf, NULL, &IID_IDispatch, (void **)&d));
    return d;
}

static lb_site *site(const char *text)
{
    lb_site *s;

    ck_assert_msg(SUCCEEDED(lb_site_parse(text, &s, &err)), "%s", err.message);
    return s;
}

/* Calls s on obj and returns the VT_I4 result. */
static LONG call_i4(lb_dispatcher *d, lb_site *s, IDispatch *obj)
{
    VARIANT v;

    ck_assert_msg(SUCCEEDED(lb_call(d, s, obj, NULL, &v, &err)), "%s", err.message);
    ck_assert_int_eq(V_VT(&v), VT_I4);
    return V_I4(&v);
}

static const lb_policy cached[] = { LB_CACHE_TYPE, LB_CACHE_INSTANCE, LB_CACHE_INSTANCE_UNBOUNDED };

/* 100 calls of Add(1) on one Target: one bind, 99 L0 hits, the running sum
 * returned every time (the call really happens), in both plans. */
START_TEST(repeated_calls_on_one_object_are_l0_hits)
{
    lb_dispatcher *d = lb_dispatcher_new(cached[_i / 2]);
    lb_site *add = site("Add(1)");
    IDispatch *o = make();
    lb_stats st;
    LONG i;

    lb_dispatcher_use_vtable(d, _i % 2 == 0);
    for (i = 1; i <= 100; i++)
        ck_assert_int_eq(call_i4(d, add, o), i);
    lb_dispatcher_stats(d, &st);
    ck_assert_int_eq(st.calls, 100);
    ck_assert_int_eq(st.binds, 1);
    ck_assert_int_eq(st.misses, 1);
    ck_assert_int_eq(st.hits_l0, 99);
    ck_assert_int_eq(st.hits_l1 + st.hits_l2, 0);
    ck_assert_int_eq(st.vtable_calls + st.invoke_calls, 100);
    if (cached[_i / 2] == LB_CACHE_TYPE && _i % 2 == 0)
        ck_assert_int_eq(st.vtable_calls, 100);
    else
        ck_assert_int_eq(st.invoke_calls, 100);
    lb_dispatcher_forget(d, (IUnknown *)o);
    ck_assert_uint_eq(IDispatch_Release(o), 0);
    lb_site_free(add);
    lb_dispatcher_free(d);
}
END_TEST

/* Two receivers taking turns on one site: every call finds its own rule
 * (the other receiver's call changed L0 in between), none is answered by
 * the other object's repeat. */
START_TEST(alternating_receivers_never_share_a_repeat)
{
    lb_dispatcher *d = lb_dispatcher_new(LB_CACHE_INSTANCE);
    lb_site *add = site("Add(1)");
    IDispatch *a = make(), *b = make();
    lb_stats st;
    LONG i;

    for (i = 1; i <= 10; i++) {                  /* a twice a turn, b once */
        ck_assert_int_eq(call_i4(d, add, a), 2 * i - 1);
        ck_assert_int_eq(call_i4(d, add, a), 2 * i);
        ck_assert_int_eq(call_i4(d, add, b), i);
    }
    lb_dispatcher_stats(d, &st);
    ck_assert_int_eq(st.binds, 2);
    ck_assert_int_eq(st.misses, 2);
    ck_assert_int_eq(st.hits_l0, 10);            /* a's second call of each turn */
    ck_assert_int_eq(st.hits_l1, 18);            /* every change of receiver after the first turn */
    lb_dispatcher_forget(d, (IUnknown *)a);
    lb_dispatcher_forget(d, (IUnknown *)b);
    IDispatch_Release(a);
    IDispatch_Release(b);
    lb_site_free(add);
    lb_dispatcher_free(d);
}
END_TEST

/* An untyped object whose member "Add" returns the DISPID it has and
 * refuses any other: a new object made at the same address with another
 * DISPID must be bound afresh, so a repeat that outlived the forgotten
 * object fails with DISP_E_MEMBERNOTFOUND. */
START_TEST(a_repeat_never_outlives_a_forgotten_object)
{
    lb_dispatcher *d = lb_dispatcher_new(cached[_i]);
    lb_site *add = site("Add(1)");
    cs_double obj;
    cs_double_member *add_member;
    IDispatch *p = &obj.IDispatch_iface;
    lb_stats st;

    cs_double_init(&obj);
    add_member = cs_double_add(&obj, L"Add", 7, cs_double_returns_id);
    ck_assert_int_eq(call_i4(d, add, p), 7);
    ck_assert_int_eq(call_i4(d, add, p), 7);     /* the repeat */
    lb_dispatcher_forget(d, (IUnknown *)p);
    add_member->id = 9;                           /* a new object, same address */
    ck_assert_int_eq(call_i4(d, add, p), 9);
    ck_assert_int_eq(call_i4(d, add, p), 9);
    lb_dispatcher_stats(d, &st);
    ck_assert_int_eq(st.binds, 2);
    ck_assert_int_eq(st.hits_l0, 2);
    ck_assert_int_eq(obj.ref, 1);                 /* nothing kept */
    lb_dispatcher_forget(d, (IUnknown *)p);
    lb_site_free(add);
    lb_dispatcher_free(d);
}
END_TEST

/* A repeat made under the vtable plan is not repeated once the plan is
 * switched to Invoke, nor the other way round. */
START_TEST(switching_the_plan_stops_a_repeat)
{
    lb_dispatcher *d = lb_dispatcher_new(LB_CACHE_TYPE);
    lb_site *add = site("Add(1)");
    IDispatch *o = make();
    lb_stats st;

    ck_assert_int_eq(call_i4(d, add, o), 1);
    ck_assert_int_eq(call_i4(d, add, o), 2);
    lb_dispatcher_use_vtable(d, FALSE);
    ck_assert_int_eq(call_i4(d, add, o), 3);
    ck_assert_int_eq(call_i4(d, add, o), 4);
    lb_dispatcher_stats(d, &st);
    ck_assert_int_eq(st.vtable_calls, 2);
    ck_assert_int_eq(st.invoke_calls, 2);
    lb_dispatcher_use_vtable(d, TRUE);
    ck_assert_int_eq(call_i4(d, add, o), 5);
    lb_dispatcher_stats(d, &st);
    ck_assert_int_eq(st.vtable_calls, 3);
    ck_assert_int_eq(st.binds, 1);
    lb_dispatcher_forget(d, (IUnknown *)o);
    IDispatch_Release(o);
    lb_site_free(add);
    lb_dispatcher_free(d);
}
END_TEST

/* The type policy on 50 new objects of one class, then of another: the
 * class's type identity is read once per class (GetTypeAttr once to
 * identify, twice to bind), not once per object; each class binds once;
 * and once the dispatcher is freed no reference to either class's type
 * information is left. */
START_TEST(type_information_is_read_once_per_class)
{
    static const GUID guid_a = { 0xa1, 0, 0, { 0 } }, guid_b = { 0xb2, 0, 0, { 0 } };
    lb_dispatcher *d = lb_dispatcher_new(LB_CACHE_TYPE);
    lb_site *add = site("Add(1)");
    cs_double_ti ta, tb;
    cs_double obj;
    cs_double_member *add_member;
    IDispatch *p = &obj.IDispatch_iface;
    lb_stats st;
    int k;

    /* a class's type information, as a dispinterface of no members:
     * calls are then bound untyped, by name */
    cs_double_ti_init(&ta, &guid_a, TKIND_DISPATCH);
    cs_double_ti_init(&tb, &guid_b, TKIND_DISPATCH);
    /* an object of a typed class: "Add" returns its class's number */
    cs_double_init(&obj);
    obj.typeinfo_count = 1;
    add_member = cs_double_add(&obj, L"Add", 7, cs_double_returns_value);
    for (k = 0; k < 100; k++) {                  /* a new object each time, same address */
        obj.typeinfo = k < 50 ? &ta.ITypeInfo_iface : &tb.ITypeInfo_iface;
        add_member->value = k < 50 ? 1 : 2;
        ck_assert_int_eq(call_i4(d, add, p), add_member->value);
        lb_dispatcher_forget(d, (IUnknown *)p);
    }
    lb_dispatcher_stats(d, &st);
    ck_assert_int_eq(st.binds, 2);
    ck_assert_int_eq(st.type_fallbacks, 0);
    ck_assert_int_eq(ta.asked.type_attr, 3);
    ck_assert_int_eq(tb.asked.type_attr, 3);
    lb_site_free(add);
    lb_dispatcher_free(d);
    ck_assert_int_eq(ta.ref, 1);
    ck_assert_int_eq(tb.ref, 1);
    ck_assert_int_eq(obj.ref, 1);
}
END_TEST

/*
 * Echo: returns a copy of its string argument and then writes '#' over
 * the caller's string, as a block freed and reused would read: a call
 * that passed a string of an earlier call (freed since) would echo "#",
 * never the text of the site.
 */
static HRESULT echo_then_scribble(cs_double *d, cs_double_member *m, WORD flags, DISPPARAMS *p, VARIANT *res)
{
    BSTR in;
    UINT i;

    if (p->cArgs != 1 || V_VT(&p->rgvarg[0]) != VT_BSTR || !res)
        return DISP_E_TYPEMISMATCH;
    in = V_BSTR(&p->rgvarg[0]);
    V_VT(res) = VT_BSTR;
    if (!(V_BSTR(res) = SysAllocStringLen(in, SysStringLen(in))))
        return E_OUTOFMEMORY;
    for (i = 0; i < SysStringLen(in); i++)
        in[i] = L'#';
    return S_OK;
}

/* Echo('x') called again and again on one object, under every caching
 * policy: each call passes a string made for it, so each echoes "x"
 * (a repeat of the first call's freed string would echo "#"); the calls
 * are still L0 hits after the first. */
START_TEST(a_repeated_call_with_a_string_argument_passes_a_fresh_string)
{
    lb_dispatcher *d = lb_dispatcher_new(cached[_i]);
    lb_site *echo = site("Echo('x')");
    cs_double obj;
    IDispatch *p = &obj.IDispatch_iface;
    lb_stats st;
    VARIANT v;
    int k;

    cs_double_init(&obj);
    cs_double_add(&obj, L"Echo", 3, echo_then_scribble);
    for (k = 0; k < 5; k++) {
        ck_assert_msg(SUCCEEDED(lb_call(d, echo, p, NULL, &v, &err)), "%s", err.message);
        ck_assert_int_eq(V_VT(&v), VT_BSTR);
        ck_assert_msg(!lstrcmpW(V_BSTR(&v), L"x"), "call %d echoed \"%ls\"", k + 1, V_BSTR(&v));
        VariantClear(&v);
    }
    lb_dispatcher_stats(d, &st);
    ck_assert_int_eq(cs_double_calls(&obj, 3), 5);
    ck_assert_int_eq(st.calls, 5);
    ck_assert_int_eq(st.binds, 1);
    ck_assert_int_eq(st.hits_l0, 4);
    lb_dispatcher_forget(d, (IUnknown *)p);
    lb_site_free(echo);
    lb_dispatcher_free(d);
    ck_assert_int_eq(obj.ref, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fastcall");
    TCase *tc = tcase_create("fastcall");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, repeated_calls_on_one_object_are_l0_hits, 0, 6);
    tcase_add_test(tc, alternating_receivers_never_share_a_repeat);
    tcase_add_loop_test(tc, a_repeat_never_outlives_a_forgotten_object, 0, 3);
    tcase_add_test(tc, switching_the_plan_stops_a_repeat);
    tcase_add_test(tc, type_information_is_read_once_per_class);
    tcase_add_loop_test(tc, a_repeated_call_with_a_string_argument_passes_a_fresh_string, 0, 3);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
