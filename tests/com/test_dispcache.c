/* The cache policies (client/dispcache.c) against the reference server:
 * bind counts, bounded and unbounded growth, no stale DISPID with address
 * reuse, no reference kept on objects, vtable plan == Invoke plan. */
#include "cs_check.h"
#include "cs_double.h"
#include "lb.h"
#include "bindcache.h"
#include <stdio.h>
#include <string.h>

#define OBJECTS 200

static IClassFactory *target_cf, *untyped_cf, *shifting_cf;
static IDispatch *probe;
static lb_dispatcher *disp;
static lb_error err;

static IClassFactory *factory(const WCHAR *progid)
{
    IClassFactory *cf = NULL;
    CLSID clsid;

    ck_assert_msg(SUCCEEDED(CLSIDFromProgID(progid, &clsid)), "%ls is not registered", progid);
    ck_assert_ok(CoGetClassObject(&clsid, CLSCTX_INPROC_SERVER, NULL, &IID_IClassFactory, (void **)&cf));
    return cf;
}

static void setup(void)
{
    CLSID clsid;

    cs_com_sta_setup();
    target_cf = factory(L"ComStress.Target");
    untyped_cf = factory(L"ComStress.Untyped");
    shifting_cf = factory(L"ComStress.Shifting");
    ck_assert_ok(CLSIDFromProgID(L"ComStress.Probe", &clsid));
    ck_assert_ok(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&probe));
    disp = NULL;
}

static void teardown(void)
{
    lb_dispatcher_free(disp);
    IDispatch_Release(probe);
    IClassFactory_Release(target_cf);
    IClassFactory_Release(untyped_cf);
    IClassFactory_Release(shifting_cf);
    cs_com_teardown();
}

static IDispatch *make(IClassFactory *cf)
{
    IDispatch *d = NULL;

    ck_assert_ok(IClassFactory_CreateInstance(cf, NULL, &IID_IDispatch, (void **)&d));
    return d;
}

static lb_site *site(const char *text)
{
    lb_site *s;

    ck_assert_msg(SUCCEEDED(lb_site_parse(text, &s, &err)), "%s", err.message);
    return s;
}

/* Live server objects of every class but Probe, read through the layer. */
static LONG live_objects(void)
{
    lb_dispatcher *d = lb_dispatcher_new(LB_CACHE_NONE);
    lb_site *s = site("LiveObjects('')");
    VARIANT v;

    ck_assert_msg(SUCCEEDED(lb_call(d, s, probe, NULL, &v, &err)), "%s", err.message);
    lb_site_free(s);
    lb_dispatcher_free(d);
    ck_assert_int_eq(V_VT(&v), VT_I4);
    return V_I4(&v);
}

/* The stress loop's shape: per object create, call every site (obj as
 * @obj too), forget, release. Returns the stats after the loop. */
static void run_loop(lb_policy p, IClassFactory *cf, const char *const *texts, size_t ntexts,
                     int objects, lb_stats *st)
{
    lb_site *sites[8];
    lb_ref item = { "obj", NULL };
    lb_refs refs = { &item, 1 };
    IDispatch *o;
    size_t i;
    int k;

    if (!disp)
        disp = lb_dispatcher_new(p);
    for (i = 0; i < ntexts; i++)
        sites[i] = site(texts[i]);
    for (k = 0; k < objects; k++) {
        o = make(cf);
        item.disp = o;
        for (i = 0; i < ntexts; i++)
            ck_assert_msg(SUCCEEDED(lb_call(disp, sites[i], o, &refs, NULL, &err)),
                          "%s, object %d, '%s': %s", lb_policy_name(p), k, texts[i], err.message);
        lb_dispatcher_forget(disp, (IUnknown *)o);
        IDispatch_Release(o);
    }
    for (i = 0; i < ntexts; i++)
        lb_site_free(sites[i]);
    lb_dispatcher_stats(disp, st);
}

static const char *const members[] = { "Add(1)", "Value", "Echo('x')" };

START_TEST(type_binds_once_per_member_and_type)
{
    lb_stats st;

    run_loop(LB_CACHE_TYPE, target_cf, members, 3, OBJECTS, &st);
    ck_assert_int_eq(st.calls, 3 * OBJECTS);
    ck_assert_int_eq(st.binds, 3);
    ck_assert_int_eq(st.getidsofnames_calls, 3);
    ck_assert_int_eq(st.type_fallbacks, 0);
    ck_assert_int_eq(st.entries, 3);
    ck_assert_int_eq(st.misses, 3);
    ck_assert_int_eq(st.vtable_calls, 3 * OBJECTS);
    ck_assert_int_eq(st.invoke_calls, 0);
    /* the same members on an untyped class: per-instance fallback, counted */
    run_loop(LB_CACHE_TYPE, untyped_cf, members, 3, 50, &st);
    ck_assert_int_eq(st.binds, 3 + 3 * 50);
    ck_assert_int_eq(st.type_fallbacks, 50);
    ck_assert_int_le(st.entries, 3 + BC_L2_SIZE + 3 * BC_L1_SIZE);
}
END_TEST

START_TEST(instance_binds_every_object_bounded)
{
    lb_stats st;

    run_loop(LB_CACHE_INSTANCE, target_cf, members, 3, OBJECTS, &st);
    ck_assert_int_eq(st.binds, 3 * OBJECTS);
    ck_assert_int_eq(st.getidsofnames_calls, 3 * OBJECTS);
    ck_assert_int_eq(st.misses, 3 * OBJECTS);
    ck_assert_int_eq(st.vtable_calls, 0);
    ck_assert_int_le(st.entries, BC_L2_SIZE + 3 * BC_L1_SIZE);
    ck_assert_int_gt(st.evictions, 0);
    ck_assert_int_eq(st.entries + st.evictions, 3 * OBJECTS);
}
END_TEST

START_TEST(instance_unbounded_grows_per_object)
{
    lb_stats half, st;

    run_loop(LB_CACHE_INSTANCE_UNBOUNDED, target_cf, members, 3, OBJECTS / 2, &half);
    run_loop(LB_CACHE_INSTANCE_UNBOUNDED, target_cf, members, 3, OBJECTS / 2, &st);
    ck_assert_int_eq(st.binds, 3 * OBJECTS);
    ck_assert_int_eq(st.entries, 3 * OBJECTS);
    ck_assert_int_eq(st.evictions, 0);
    ck_assert_int_eq(half.entries, 3 * OBJECTS / 2);
    /* every object leaves three rules behind: at least their bytes */
    ck_assert_int_ge(st.bytes - half.bytes, (long long)(3 * OBJECTS / 2) * (long long)sizeof(bc_rule));
}
END_TEST

START_TEST(none_resolves_every_call)
{
    lb_stats st;

    run_loop(LB_CACHE_NONE, target_cf, members, 3, 20, &st);
    ck_assert_int_eq(st.binds, 60);
    ck_assert_int_eq(st.getidsofnames_calls, 60);
    ck_assert_int_eq(st.entries, 0);
}
END_TEST

/* The .NET leak pattern: a long-lived sink, a new @obj every iteration. */
static void pass_instance(lb_policy p, lb_stats *st)
{
    lb_site *s = site("Consume(@obj)");
    lb_ref item = { "obj", NULL };
    lb_refs refs = { &item, 1 };
    IDispatch *sink = make(target_cf), *o;
    VARIANT v;
    int k;

    disp = lb_dispatcher_new(p);
    for (k = 0; k < 100; k++) {
        item.disp = o = make(target_cf);
        ck_assert_msg(SUCCEEDED(lb_call(disp, s, sink, &refs, &v, &err)), "%s", err.message);
        ck_assert_int_eq(V_I4(&v), 1);
        lb_dispatcher_forget(disp, (IUnknown *)o);
        IDispatch_Release(o);
    }
    lb_dispatcher_stats(disp, st);
    lb_dispatcher_forget(disp, (IUnknown *)sink);
    IDispatch_Release(sink);
    lb_dispatcher_free(disp);
    disp = NULL;
    lb_site_free(s);
}

START_TEST(argument_identity_is_part_of_the_rule)
{
    lb_stats st;

    pass_instance(LB_CACHE_TYPE, &st);
    ck_assert_int_eq(st.binds, 1);
    pass_instance(LB_CACHE_INSTANCE, &st);
    ck_assert_int_eq(st.binds, 100);
    ck_assert_int_eq(st.misses, 100);
    pass_instance(LB_CACHE_INSTANCE_UNBOUNDED, &st);
    ck_assert_int_eq(st.binds, 100);
    ck_assert_int_eq(st.entries, 100);
}
END_TEST

START_TEST(no_stale_dispid_with_address_reuse)
{
    static const char *const calls[] = { "Add(1)", "Value", "Echo('s')" };
    lb_policy p;
    lb_stats st;
    void *seen[64];
    int reused = 0, k, j;

    for (p = LB_CACHE_NONE; p <= LB_CACHE_INSTANCE_UNBOUNDED; p++) {
        lb_dispatcher_free(disp);
        disp = NULL;
        run_loop(p, shifting_cf, calls, 3, 64, &st);   /* fails on any DISP_E_MEMBERNOTFOUND */
        ck_assert_int_eq(st.binds, 3 * 64);
    }
    /* the test is meaningful only if addresses were reused */
    for (k = 0; k < 64; k++) {
        IDispatch *o = make(shifting_cf);
        seen[k] = o;
        for (j = 0; j < k; j++)
            reused += seen[j] == seen[k];
        IDispatch_Release(o);
    }
    ck_assert_int_gt(reused, 0);
}
END_TEST

START_TEST(cache_keeps_no_object_alive)
{
    lb_policy p;
    lb_stats st;

    ck_assert_int_eq(live_objects(), 0);
    for (p = LB_CACHE_TYPE; p <= LB_CACHE_INSTANCE_UNBOUNDED; p++) {
        lb_dispatcher_free(disp);
        disp = NULL;
        run_loop(p, target_cf, members, 3, 30, &st);
        ck_assert_int_gt(st.entries, 0);
        ck_assert_msg(live_objects() == 0, "%s: objects alive with the cache populated", lb_policy_name(p));
        run_loop(p, untyped_cf, members, 3, 30, &st);
        ck_assert_int_eq(live_objects(), 0);
    }
}
END_TEST

/* Runs text on a (vtable plan) and b (Invoke plan) and compares. */
static void same_on_both(lb_dispatcher *dv, lb_dispatcher *di, IDispatch *a, IDispatch *b,
                         const lb_refs *refs, const char *text)
{
    lb_site *s = site(text);
    lb_error ev, ei;
    VARIANT rv, ri;
    HRESULT hv, hi;

    hv = lb_call(dv, s, a, refs, &rv, &ev);
    hi = lb_call(di, s, b, refs, &ri, &ei);
    lb_site_free(s);
    ck_assert_msg(hv == hi, "%s: vtable 0x%08lx, Invoke 0x%08lx", text, (unsigned long)hv, (unsigned long)hi);
    ck_assert_msg(V_VT(&rv) == V_VT(&ri), "%s: vtable VT %d, Invoke VT %d", text, V_VT(&rv), V_VT(&ri));
    if (FAILED(hv)) {
        ck_assert_msg(!strcmp(ev.message, ei.message), "%s: '%s' vs '%s'", text, ev.message, ei.message);
        ck_assert_hr(ev.hr, ei.hr);
    } else if (V_VT(&rv) == VT_DISPATCH) {
        ck_assert_ptr_nonnull(V_DISPATCH(&rv));
        ck_assert_ptr_nonnull(V_DISPATCH(&ri));
    } else if (V_VT(&rv) != VT_EMPTY) {
        ck_assert_msg(VarCmp(&rv, &ri, LOCALE_USER_DEFAULT, 0) == VARCMP_EQ, "%s: results differ", text);
    }
    VariantClear(&rv);
    VariantClear(&ri);
}

START_TEST(vtable_plan_matches_invoke_plan)
{
    static const char *const texts[] = {
        "Value=7", "Value", "Add(5)", "Add(-3)", "Add('12')", "Add(2.6)", "Echo('abc')", "Echo(42)",
        "Consume(@obj)", "Consume(3)", "Consume(null)", "CreateChild", "Divide(7, 2)", "Divide(1, 0)",
        "Divide('x', 1)", "Swap(1, 2)", "Name", "Add('abc')", "Add(1, 2)", "Frob", "Value()",
    };
    lb_dispatcher *dv = lb_dispatcher_new(LB_CACHE_TYPE), *di = lb_dispatcher_new(LB_CACHE_TYPE);
    IDispatch *a = make(target_cf), *b = make(target_cf), *arg = make(target_cf);
    lb_ref item = { "obj", arg };
    lb_refs refs = { &item, 1 };
    lb_stats sv, si;
    size_t i;
    int round;

    lb_dispatcher_use_vtable(di, FALSE);
    for (round = 0; round < 2; round++)     /* the second round hits the cache */
        for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
            same_on_both(dv, di, a, b, &refs, texts[i]);
    lb_dispatcher_stats(dv, &sv);
    lb_dispatcher_stats(di, &si);
    ck_assert_int_gt(sv.vtable_calls, 20);
    ck_assert_int_eq(si.vtable_calls, 0);
    ck_assert_int_eq(sv.binds, si.binds);
    lb_dispatcher_free(dv);
    lb_dispatcher_free(di);
    IDispatch_Release(a);
    IDispatch_Release(b);
    IDispatch_Release(arg);
}
END_TEST

/* A bad input: broken type information falls back to per-instance
 * binding, says so (type_fallbacks), and never crashes. */
START_TEST(broken_typeinfo_falls_back)
{
    cs_double objs[3];
    lb_dispatcher *d = lb_dispatcher_new(LB_CACHE_TYPE);
    lb_site *site;
    lb_error e;
    lb_stats st;
    VARIANT res;
    int i;

    ck_assert_ok(lb_site_parse("Add(5)", &site, &e));
    for (i = 0; i < 3; i++) {
        /* type information that says it exists and cannot be read */
        cs_double_init(&objs[i]);
        objs[i].typeinfo_count = 1;
        objs[i].typeinfo_hr = TYPE_E_CANTLOADLIBRARY;
        cs_double_add(&objs[i], L"Add", 7, cs_double_returns_arg);
        ck_assert_ok(lb_call(d, site, &objs[i].IDispatch_iface, NULL, &res, &e));
        ck_assert_int_eq(V_VT(&res), VT_I4);
        ck_assert_int_eq(V_I4(&res), 5);
        lb_dispatcher_forget(d, (IUnknown *)&objs[i].IDispatch_iface);
        ck_assert_int_eq(objs[i].ref, 1);           /* nothing kept */
    }
    lb_dispatcher_stats(d, &st);
    ck_assert_int_eq(st.type_fallbacks, 3);
    ck_assert_int_eq(st.binds, 3);                  /* per instance, not per type */
    lb_site_free(site);
    lb_dispatcher_free(d);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(type_binds_once_per_member_and_type), CS_TEST(instance_binds_every_object_bounded),
        CS_TEST(instance_unbounded_grows_per_object), CS_TEST(none_resolves_every_call),
        CS_TEST(argument_identity_is_part_of_the_rule),
        CS_TEST(no_stale_dispid_with_address_reuse), CS_TEST(cache_keeps_no_object_alive),
        CS_TEST(vtable_plan_matches_invoke_plan), CS_TEST(broken_typeinfo_falls_back), NULL
    };

    return cs_run_tests("dispcache", setup, teardown, tests);
}
