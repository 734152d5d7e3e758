/*
 * The repeated call (client/dispcache.c): a site called again on the same
 * receiver is served without building its key, under every caching
 * policy, and counted as the L0 hit it is; it never repeats on an object
 * that was forgotten (a new object at the same address), on another
 * receiver, or after the plan was switched. A repeated vtable-plan call
 * gives what the first call gave, result and failure alike, and
 * lb_result_clear clears its results as VariantClear does.
 */
#include "cs_check.h"
#include "cs_double.h"
#include "lb.h"
#include "mallocspy.h"
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

/* Calls text `times` times on one Target under the type policy's vtable
 * plan; every call after the first must be a repeat (an L0 hit by the
 * vtable plan). check(k, hr, v) looks at call k's outcome; the result is
 * then cleared with lb_result_clear. */
static void repeat_on_vtable(const char *text, int times, void (*check)(int k, HRESULT hr, VARIANT *v))
{
    lb_dispatcher *d = lb_dispatcher_new(LB_CACHE_TYPE);
    lb_site *s = site(text);
    IDispatch *o = make();
    lb_stats st;
    VARIANT v;
    HRESULT hr;
    int k;

    for (k = 0; k < times; k++) {
        memset(&v, 0xAB, sizeof(v));               /* garbage in: the call sets what it gives */
        memset(&err, 0xCD, sizeof(err));
        hr = lb_call(d, s, o, NULL, &v, &err);
        check(k, hr, &v);
        ck_assert_hr(lb_result_clear(&v), S_OK);
        ck_assert_int_eq(V_VT(&v), VT_EMPTY);
    }
    lb_dispatcher_stats(d, &st);
    ck_assert_int_eq(st.calls, times);
    ck_assert_int_eq(st.binds, 1);
    ck_assert_int_eq(st.vtable_calls, times);
    ck_assert_int_eq(st.hits_l0, times - 1);
    lb_dispatcher_forget(d, (IUnknown *)o);
    ck_assert_uint_eq(IDispatch_Release(o), 0);
    lb_site_free(s);
    lb_dispatcher_free(d);
}

/* A success: S_OK in err too, its message empty. */
static void ok(HRESULT hr)
{
    ck_assert_msg(SUCCEEDED(hr), "%s", err.message);
    ck_assert_hr(err.hr, S_OK);
    ck_assert_int_eq(err.message[0], 0);
}

static void check_put(int k, HRESULT hr, VARIANT *v)
{
    ok(hr);
    ck_assert_int_eq(V_VT(v), VT_EMPTY);         /* no retval */
}

static void check_get(int k, HRESULT hr, VARIANT *v)
{
    ok(hr);
    ck_assert_int_eq(V_VT(v), VT_I4);
    ck_assert_int_eq(V_I4(v), 0);
    ck_assert_int_eq(V_UI8(v), 0);               /* the 4 bytes above the LONG are zero too */
}

static void check_add(int k, HRESULT hr, VARIANT *v)
{
    ok(hr);
    ck_assert_int_eq(V_VT(v), VT_I4);
    ck_assert_int_eq(V_I4(v), 2 * (k + 1));     /* the call really happens each time */
}

static void check_divide(int k, HRESULT hr, VARIANT *v)
{
    ok(hr);
    ck_assert_int_eq(V_VT(v), VT_R8);
    ck_assert(V_R8(v) == 3.5);
}

static char first_message[sizeof(err.message)];

static void check_divide_by_zero(int k, HRESULT hr, VARIANT *v)
{
    ck_assert_hr(hr, DISP_E_DIVBYZERO);
    ck_assert_hr(err.hr, DISP_E_DIVBYZERO);
    ck_assert_int_eq(V_VT(v), VT_EMPTY);
    ck_assert_msg(strstr(err.message, "division by zero"), "call %d: '%s'", k + 1, err.message);
    if (k == 0)
        strcpy(first_message, err.message);
    else
        ck_assert_str_eq(err.message, first_message);
}

/* The shapes of a repeated vtable-plan call, each repeated on one object:
 * a put (no retval), a get (the retval in the first slot), a method with
 * its retval second (Add) and third (Divide, a VT_R8 result), a failing
 * call (the same HRESULT and message as the first call, the result
 * empty), each time the same as the first call gave. */
START_TEST(a_repeated_vtable_call_gives_what_the_first_gave)
{
    repeat_on_vtable("Value=0", 4, check_put);
    repeat_on_vtable("Value", 4, check_get);
    repeat_on_vtable("Add(2)", 4, check_add);
    repeat_on_vtable("Divide(7, 2)", 4, check_divide);
    repeat_on_vtable("Divide(1, 0)", 4, check_divide_by_zero);
}
END_TEST

static void check_name(int k, HRESULT hr, VARIANT *v)
{
    ok(hr);
    ck_assert_int_eq(V_VT(v), VT_BSTR);
    ck_assert_msg(!lstrcmpW(V_BSTR(v), L"Target"), "call %d: \"%ls\"", k + 1, V_BSTR(v));
}

static IDispatch *children[5];

/* Keeps a reference of its own on each child, to see lb_result_clear
 * release the result's. */
static void check_child(int k, HRESULT hr, VARIANT *v)
{
    ok(hr);
    ck_assert_int_eq(V_VT(v), VT_DISPATCH);
    ck_assert_ptr_nonnull(children[k] = V_DISPATCH(v));
    IDispatch_AddRef(children[k]);
}

/* A repeated vtable-plan call's string and object results, cleared with
 * lb_result_clear: every string the server allocated is freed (counted
 * by the malloc spy, with oleaut32's string cache off) and every object
 * released. */
START_TEST(lb_result_clear_frees_a_repeated_calls_strings_and_objects)
{
    cs_spy_site_stats st;
    int k;

    repeat_on_vtable("Name", 2, check_name);      /* the type library loaded before counting */
    ck_assert_ok(cs_spy_start(FALSE));
    cs_spy_mark();
    cs_spy_set_site(9);
    repeat_on_vtable("Name", 5, check_name);
    cs_spy_set_site(0);
    cs_spy_site(9, &st);
    cs_spy_stop();
    ck_assert_int_ge(st.allocs, 5);
    ck_assert_int_eq(st.frees, st.allocs);
    ck_assert_int_eq(st.live_blocks, 0);
    repeat_on_vtable("CreateChild", 5, check_child);
    for (k = 0; k < 5; k++)                       /* ours was the last reference */
        ck_assert_uint_eq(IDispatch_Release(children[k]), 0);
}
END_TEST

/* lb_result_clear against VariantClear on the same VARIANT, for every
 * base type (valid or not), by reference and as an array: the same
 * HRESULT and the same bytes after. */
START_TEST(lb_result_clear_clears_as_variantclear_does)
{
    static const VARTYPE flags[] = { 0, VT_BYREF, VT_ARRAY };
    LONG target = 5;
    VARIANT a, b;
    HRESULT ha, hb;
    VARTYPE vt;
    size_t f;

    for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
        for (vt = 0; vt < 80; vt++) {
            memset(&a, 0, sizeof(a));
            V_VT(&a) = vt | flags[f];
            V_I4(&a) = 0x1234;
            if (flags[f] == VT_BYREF)
                V_BYREF(&a) = &target;
            if (flags[f] == VT_ARRAY || vt == VT_BSTR || vt == VT_DISPATCH || vt == VT_UNKNOWN
                || vt == VT_RECORD || vt == VT_SAFEARRAY)
                V_BYREF(&a) = flags[f] == VT_BYREF ? (void *)&target : NULL;   /* owns nothing to free */
            b = a;
            ha = lb_result_clear(&a);
            hb = VariantClear(&b);
            ck_assert_msg(ha == hb, "vt 0x%x: 0x%08lx, VariantClear 0x%08lx", vt | flags[f], (unsigned long)ha,
                          (unsigned long)hb);
            ck_assert_msg(!memcmp(&a, &b, sizeof(a)), "vt 0x%x: the VARIANTs differ after", vt | flags[f]);
        }
    }
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
    tcase_add_test(tc, a_repeated_vtable_call_gives_what_the_first_gave);
    tcase_add_test(tc, lb_result_clear_frees_a_repeated_calls_strings_and_objects);
    tcase_add_test(tc, lb_result_clear_clears_as_variantclear_does);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
