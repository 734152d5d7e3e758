/*
 * What a resolve asks of the object (client/lb_resolve.c, the none
 * policy's path in client/dispcache.c): a spy (cs_double.h) in front of
 * a ComStress.Target counts every GetIDsOfNames, every request for type
 * information and every FUNCDESC read through the type information it
 * hands out. Under the none policy a good call costs what a late-binding
 * client without a cache pays, one GetIDsOfNames and one Invoke; the type
 * information is read once, and only, when a call fails.
 */
#include "cs_check.h"
#include "cs_double.h"
#include "lb.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static IDispatch *target;
static cs_double obj;
static lb_dispatcher *disp;
static lb_error err;

static void setup(void)
{
    CLSID clsid;

    cs_com_sta_setup();
    ck_assert_ok(CLSIDFromProgID(L"ComStress.Target", &clsid));
    ck_assert_ok(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&target));
    cs_double_init_spy(&obj, target);
    disp = NULL;
}

static void teardown(void)
{
    lb_dispatcher_free(disp);
    IDispatch_Release(target);
    cs_com_teardown();
}

/* Calls text `times` times under policy p (a new dispatcher) and returns
 * the last result; fails the test on any failed call. */
static VARIANT call_n(lb_policy p, const char *text, int times)
{
    lb_site *site;
    VARIANT v;
    int i;

    lb_dispatcher_free(disp);
    ck_assert_ptr_nonnull(disp = lb_dispatcher_new(p));
    ck_assert_msg(SUCCEEDED(lb_site_parse(text, &site, &err)), "%s", err.message);
    VariantInit(&v);
    for (i = 0; i < times; i++) {
        VariantClear(&v);
        ck_assert_msg(SUCCEEDED(lb_call(disp, site, &obj.IDispatch_iface, NULL, &v, &err)), "%s: %s", text,
                      err.message);
    }
    lb_site_free(site);
    return v;
}

START_TEST(none_asks_one_getidsofnames_and_no_type_information_per_call)
{
    VARIANT v = call_n(LB_CACHE_NONE, "Add(1)", 10);

    ck_assert_int_eq(V_VT(&v), VT_I4);
    ck_assert_int_eq(V_I4(&v), 10);
    ck_assert_int_eq(obj.asked.ids_of_names, 10);
    ck_assert_int_eq(obj.asked.invoke, 10);
    ck_assert_int_eq(obj.asked.func_desc, 0);
    ck_assert_int_eq(obj.asked.typeinfo, 0);
    ck_assert_int_eq(obj.asked.type_attr, 0);
}
END_TEST

START_TEST(none_resolves_named_arguments_in_the_same_getidsofnames)
{
    /* Range(first, last = 10, step = 1): 1, 3, 5, 7 */
    VARIANT v = call_n(LB_CACHE_NONE, "Range(1, step:=2, last:=7)", 5);

    ck_assert_int_eq(V_VT(&v), VT_I4);
    ck_assert_int_eq(V_I4(&v), 4);
    ck_assert_int_eq(obj.asked.ids_of_names, 5);
    ck_assert_int_eq(obj.asked.invoke, 5);
    ck_assert_int_eq(obj.asked.func_desc, 0);
    ck_assert_int_eq(obj.asked.typeinfo, 0);
}
END_TEST

START_TEST(none_property_get_and_put_ask_no_type_information)
{
    VARIANT v = call_n(LB_CACHE_NONE, "Value=41", 3);

    ck_assert_int_eq(V_VT(&v), VT_EMPTY);
    v = call_n(LB_CACHE_NONE, "Value", 3);
    ck_assert_int_eq(V_VT(&v), VT_I4);
    ck_assert_int_eq(V_I4(&v), 41);
    ck_assert_int_eq(obj.asked.ids_of_names, 6);
    ck_assert_int_eq(obj.asked.typeinfo, 0);
    ck_assert_int_eq(obj.asked.func_desc, 0);
}
END_TEST

/* A failed call reads the type information once, for the message the
 * typed plan gives; nothing is called a second time. */
START_TEST(none_reads_type_information_once_to_explain_a_failed_call)
{
    lb_site *site;
    VARIANT v;

    ck_assert_ptr_nonnull(disp = lb_dispatcher_new(LB_CACHE_NONE));
    ck_assert_ok(lb_site_parse("Value()", &site, &err));
    ck_assert_hr(lb_call(disp, site, &obj.IDispatch_iface, NULL, &v, &err), DISP_E_MEMBERNOTFOUND);
    lb_site_free(site);
    ck_assert_int_eq(V_VT(&v), VT_EMPTY);
    ck_assert_str_eq(err.message, "Value: is a property, not a method: write 'Value' without parentheses "
                                  "(DISP_E_MEMBERNOTFOUND, 0x80020003)");
    ck_assert_int_eq(obj.asked.ids_of_names, 1);
    ck_assert_int_eq(obj.asked.invoke, 1);
    ck_assert_int_eq(obj.asked.typeinfo, 1);
    ck_assert_int_gt(obj.asked.func_desc, 0);
}
END_TEST

/* The type policy reads the type information at its one bind, then never
 * again: the cost none no longer pays per call. */
START_TEST(type_reads_type_information_at_its_bind_only)
{
    cs_double_asked after_first;
    VARIANT v = call_n(LB_CACHE_TYPE, "Add(2)", 1);

    after_first = obj.asked;
    ck_assert_int_eq(V_I4(&v), 2);
    ck_assert_int_eq(after_first.ids_of_names, 1);
    ck_assert_int_gt(after_first.typeinfo, 0);
    v = call_n(LB_CACHE_TYPE, "Add(2)", 1);     /* a new dispatcher: binds again */
    ck_assert_int_eq(obj.asked.ids_of_names, 2);
    ck_assert_int_eq(V_I4(&v), 4);
    lb_dispatcher_free(disp);
    disp = NULL;
    memset(&obj.asked, 0, sizeof(obj.asked));
    v = call_n(LB_CACHE_TYPE, "Add(1)", 20);
    ck_assert_int_eq(V_I4(&v), 24);
    ck_assert_int_eq(obj.asked.ids_of_names, 1);
    ck_assert_int_eq(obj.asked.invoke, 20);
    ck_assert_int_eq(obj.asked.func_desc, after_first.func_desc);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(none_asks_one_getidsofnames_and_no_type_information_per_call),
        CS_TEST(none_resolves_named_arguments_in_the_same_getidsofnames),
        CS_TEST(none_property_get_and_put_ask_no_type_information),
        CS_TEST(none_reads_type_information_once_to_explain_a_failed_call),
        CS_TEST(type_reads_type_information_at_its_bind_only), NULL
    };

    return cs_run_tests("resolve", setup, teardown, tests);
}
