/* Late binding (client/lb*.c) against ComStress.Target, ComStress.Untyped
 * and Wine's Scripting.Dictionary: every member, puts, BSTRs, @refs, and
 * the error line of each kind of bad call. */
#include "cs_check.h"
#include "lb.h"
#include <stdio.h>
#include <string.h>

static lb_dispatcher *disp;
static IDispatch *target, *other, *dict, *untyped;
static lb_error err;

static IDispatch *create(const WCHAR *progid)
{
    IDispatch *d = NULL;
    CLSID clsid;

    ck_assert_msg(SUCCEEDED(CLSIDFromProgID(progid, &clsid)), "%ls is not registered", progid);
    ck_assert_ok(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d));
    return d;
}

static void setup(void)
{
    cs_com_sta_setup();
    target = create(L"ComStress.Target");
    other = create(L"ComStress.Target");
    untyped = create(L"ComStress.Untyped");
    dict = create(L"Scripting.Dictionary");
    disp = lb_dispatcher_new(LB_CACHE_NONE);
    ck_assert_ptr_nonnull(disp);
}

static void teardown(void)
{
    lb_dispatcher_free(disp);
    IDispatch_Release(target);
    IDispatch_Release(other);
    IDispatch_Release(untyped);
    IDispatch_Release(dict);
    cs_com_teardown();
}

/* Calls text on obj with @obj = other; returns the HRESULT. */
static HRESULT call(IDispatch *obj, const char *text, VARIANT *res)
{
    lb_ref items[] = { { "obj", other } };
    lb_refs refs = { items, 1 };
    lb_site *site;
    HRESULT hr;

    ck_assert_msg(SUCCEEDED(lb_site_parse(text, &site, &err)), "%s", err.message);
    hr = lb_call(disp, site, obj, &refs, res, &err);
    lb_site_free(site);
    if (res && FAILED(hr))
        ck_assert_int_eq(V_VT(res), VT_EMPTY);
    return hr;
}

static LONG call_i4(IDispatch *obj, const char *text)
{
    VARIANT v;

    ck_assert_msg(SUCCEEDED(call(obj, text, &v)), "%s: %s", text, err.message);
    ck_assert_msg(SUCCEEDED(VariantChangeType(&v, &v, 0, VT_I4)), "%s: result not an integer", text);
    return V_I4(&v);
}

/* Asserts text fails with hr and exactly the message expected. */
static void fails(IDispatch *obj, const char *text, HRESULT hr, const char *expected)
{
    VARIANT v;

    ck_assert_hr(call(obj, text, &v), hr);
    ck_assert_hr(err.hr, hr);
    ck_assert_str_eq(err.message, expected);
}

/* Text outside the BMP (a surrogate pair in UTF-16) reaches the server and
 * comes back exactly: the call text is UTF-8, the BSTR UTF-16. */
START_TEST(text_outside_the_bmp_reaches_the_server_exactly)
{
    VARIANT v;

    ck_assert_ok(call(target, "Echo('\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x98\x80')", &v));
    ck_assert_int_eq(V_VT(&v), VT_BSTR);
    ck_assert_uint_eq(SysStringLen(V_BSTR(&v)), 5);
    ck_assert_msg(!wcscmp(V_BSTR(&v), L"\x00e9\x65e5\x672c\xd83d\xde00"), "got %ls", V_BSTR(&v));
    VariantClear(&v);
}
END_TEST

START_TEST(target_add_and_value)
{
    ck_assert_ok(call(target, "Value=5", NULL));
    ck_assert_int_eq(call_i4(target, "Value"), 5);
    ck_assert_int_eq(call_i4(target, "Add(3)"), 8);
    ck_assert_int_eq(call_i4(target, "Add(-10)"), -2);
    ck_assert_int_eq(call_i4(target, "Add(0x10)"), 14);
    ck_assert_int_eq(call_i4(target, "value"), 14);   /* names are case-insensitive */
}
END_TEST

START_TEST(target_echo_bstr)
{
    VARIANT v;

    ck_assert_ok(call(target, "Echo('h\xc3\xa9llo ''x''')", &v));
    ck_assert_int_eq(V_VT(&v), VT_BSTR);
    ck_assert_msg(!wcscmp(V_BSTR(&v), L"h\x00e9llo 'x'"), "got %ls", V_BSTR(&v));
    VariantClear(&v);
    ck_assert_ok(call(target, "Echo(42)", &v));     /* coerced to a string */
    ck_assert_msg(!wcscmp(V_BSTR(&v), L"42"), "got %ls", V_BSTR(&v));
    VariantClear(&v);
    ck_assert_ok(call(target, "Echo('')", &v));
    ck_assert_uint_eq(SysStringLen(V_BSTR(&v)), 0);
    VariantClear(&v);
}
END_TEST

START_TEST(target_consume_ref)
{
    ULONG before = cs_refcount((IUnknown *)other);

    ck_assert_int_eq(call_i4(target, "Consume(@obj)"), 1);
    ck_assert_int_eq(call_i4(target, "Consume(5)"), 0);
    ck_assert_int_eq(call_i4(target, "Consume('s')"), 0);
    ck_assert_int_eq(call_i4(target, "Consume(null)"), 0);
    ck_assert_uint_eq(cs_refcount((IUnknown *)other), before);
}
END_TEST

START_TEST(target_child_divide_swap_name)
{
    VARIANT v;

    ck_assert_ok(call(target, "CreateChild", &v));
    ck_assert_int_eq(V_VT(&v), VT_DISPATCH);
    ck_assert_ptr_nonnull(V_DISPATCH(&v));
    ck_assert_int_eq(call_i4(V_DISPATCH(&v), "Add(2)"), 2);
    VariantClear(&v);
    ck_assert_ok(call(target, "CreateChild()", &v));
    ck_assert_int_eq(V_VT(&v), VT_DISPATCH);
    VariantClear(&v);
    ck_assert_ok(call(target, "Divide(7, 2)", &v));
    ck_assert_int_eq(V_VT(&v), VT_R8);
    ck_assert(V_R8(&v) == 3.5);
    ck_assert_ok(call(target, "Divide(1.5e1, 2)", &v));   /* 15 converted to LONG */
    ck_assert(V_R8(&v) == 7.5);
    ck_assert_ok(call(target, "Swap(1, 2)", &v));
    ck_assert_int_eq(V_VT(&v), VT_EMPTY);
    ck_assert_ok(call(target, "Name", &v));
    ck_assert_int_eq(V_VT(&v), VT_BSTR);
    ck_assert_uint_gt(SysStringLen(V_BSTR(&v)), 0);
    VariantClear(&v);
}
END_TEST

START_TEST(target_error_lines)
{
    fails(target, "Frob(1)", DISP_E_UNKNOWNNAME, "Frob: no such member (DISP_E_UNKNOWNNAME, 0x80020006)");
    fails(target, "Add('abc')", DISP_E_TYPEMISMATCH,
          "Add: argument 1: type mismatch (DISP_E_TYPEMISMATCH, 0x80020005)");
    fails(target, "Divide(1, 'x')", DISP_E_TYPEMISMATCH,
          "Divide: argument 2: type mismatch (DISP_E_TYPEMISMATCH, 0x80020005)");
    fails(target, "Add(1, 2)", DISP_E_BADPARAMCOUNT,
          "Add: wrong number of arguments: 2 given, 1 expected (DISP_E_BADPARAMCOUNT, 0x8002000e)");
    fails(target, "Add", DISP_E_BADPARAMCOUNT,
          "Add: wrong number of arguments: 0 given, 1 expected (DISP_E_BADPARAMCOUNT, 0x8002000e)");
    fails(target, "Value()", DISP_E_MEMBERNOTFOUND,
          "Value: is a property, not a method: write 'Value' without parentheses (DISP_E_MEMBERNOTFOUND, 0x80020003)");
    fails(target, "Add=5", DISP_E_MEMBERNOTFOUND,
          "Add: is a method: it cannot be assigned (DISP_E_MEMBERNOTFOUND, 0x80020003)");
    fails(target, "Name='x'", DISP_E_MEMBERNOTFOUND,
          "Name: is a read-only property (DISP_E_MEMBERNOTFOUND, 0x80020003)");
    fails(target, "Consume(@nope)", E_INVALIDARG,
          "Consume: argument 1: unknown object reference '@nope' (E_INVALIDARG, 0x80070057)");
    fails(target, "Divide(1, 0)", DISP_E_DIVBYZERO,
          "Divide: ComStress: Divide: division by zero (DISP_E_DIVBYZERO, 0x80020012)");
}
END_TEST

START_TEST(failed_binds_leave_no_entry)
{
    static const char *const bad[] = { "Frob(1)", "Add(1, 2)", "Value()", "Add=5", "Name='x'" };
    lb_policy p;
    lb_stats st;
    size_t i;

    for (p = LB_CACHE_TYPE; p <= LB_CACHE_INSTANCE_UNBOUNDED; p++) {
        lb_dispatcher_free(disp);
        disp = lb_dispatcher_new(p);
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            ck_assert(FAILED(call(target, bad[i], NULL)));
        lb_dispatcher_stats(disp, &st);
        ck_assert_msg(st.entries == 0, "%s: %lld entries after failed binds", lb_policy_name(p), st.entries);
        ck_assert_int_eq(st.binds, 5);
        ck_assert_int_eq(call_i4(target, "Add(1)"), 1 + (int)(p - LB_CACHE_TYPE));
        lb_dispatcher_stats(disp, &st);
        ck_assert_int_eq(st.entries, 1);
    }
}
END_TEST

START_TEST(untyped_late_binding)
{
    VARIANT v;

    ck_assert_ok(call(untyped, "Value=3", NULL));
    ck_assert_int_eq(call_i4(untyped, "Add(4)"), 7);
    ck_assert_int_eq(call_i4(untyped, "Value"), 7);
    ck_assert_ok(call(untyped, "Echo('u')", &v));
    ck_assert_msg(V_VT(&v) == VT_BSTR && !wcscmp(V_BSTR(&v), L"u"), "Echo on Untyped");
    VariantClear(&v);
    ck_assert_int_eq(call_i4(untyped, "Consume(@obj)"), 1);
    fails(untyped, "Frob", DISP_E_UNKNOWNNAME, "Frob: no such member (DISP_E_UNKNOWNNAME, 0x80020006)");
}
END_TEST

START_TEST(dictionary_members)
{
    VARIANT v;

    ck_assert_ok(call(dict, "Add('a', 1)", NULL));
    ck_assert_ok(call(dict, "Add('b', 'two')", NULL));
    ck_assert_int_eq(call_i4(dict, "Count"), 2);
    ck_assert_int_eq(call_i4(dict, "Item('a')"), 1);
    ck_assert_ok(call(dict, "Item('a') = 5", NULL));
    ck_assert_int_eq(call_i4(dict, "Item('a')"), 5);
    ck_assert_ok(call(dict, "Exists('b')", &v));
    ck_assert_int_eq(V_VT(&v), VT_BOOL);
    ck_assert_int_eq(V_BOOL(&v), VARIANT_TRUE);
    ck_assert_ok(call(dict, "Exists('zz')", &v));
    ck_assert_int_eq(V_BOOL(&v), VARIANT_FALSE);
    ck_assert_ok(call(dict, "Item('b')", &v));
    ck_assert_msg(V_VT(&v) == VT_BSTR && !wcscmp(V_BSTR(&v), L"two"), "Item('b')");
    VariantClear(&v);
    ck_assert_ok(call(dict, "Add('o', @obj)", NULL));
    ck_assert_ok(call(dict, "Remove('a')", NULL));
    ck_assert_ok(call(dict, "RemoveAll()", NULL));
    ck_assert_int_eq(call_i4(dict, "Count"), 0);
    fails(dict, "Frob", DISP_E_UNKNOWNNAME, "Frob: no such member (DISP_E_UNKNOWNNAME, 0x80020006)");
    fails(dict, "Exists()", DISP_E_BADPARAMCOUNT,
          "Exists: wrong number of arguments: 0 given, 1 expected (DISP_E_BADPARAMCOUNT, 0x8002000e)");
    fails(dict, "Count()", DISP_E_MEMBERNOTFOUND,
          "Count: is a property, not a method: write 'Count' without parentheses (DISP_E_MEMBERNOTFOUND, 0x80020003)");
    ck_assert_ok(call(dict, "Add('k', 1)", NULL));
    ck_assert(FAILED(call(dict, "Add('k', 2)", NULL)));     /* key exists */
    ck_assert_msg(!strncmp(err.message, "Add: ", 5), "got %s", err.message);
}
END_TEST

START_TEST(site_and_policy_names)
{
    lb_site *site = (lb_site *)1;
    lb_policy p;

    ck_assert_hr(lb_site_parse("Add(1,", &site, &err), E_INVALIDARG);
    ck_assert_ptr_null(site);
    ck_assert_str_eq(err.message, "Add(1,: expected an argument at column 7");
    ck_assert_hr(lb_site_parse("F(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17)", &site, &err), E_INVALIDARG);
    ck_assert_str_eq(err.message, "F(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17): too many arguments (at most 16) at column 42");
    ck_assert_ok(lb_site_parse(" Echo('x') ", &site, &err));
    ck_assert_str_eq(lb_site_member(site), "Echo");
    ck_assert_str_eq(lb_site_text(site), " Echo('x') ");
    lb_site_free(site);
    for (p = LB_CACHE_NONE; p <= LB_CACHE_INSTANCE_UNBOUNDED; p++) {
        lb_policy q = (lb_policy)-1;
        ck_assert(lb_policy_from_name(lb_policy_name(p), &q));
        ck_assert_int_eq(q, p);
    }
    ck_assert(!lb_policy_from_name("Type", &p));
    ck_assert(!lb_policy_from_name(NULL, &p));
    ck_assert_str_eq(lb_policy_name(LB_CACHE_INSTANCE_UNBOUNDED), "instance-unbounded");
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(target_add_and_value), CS_TEST(text_outside_the_bmp_reaches_the_server_exactly), CS_TEST(target_echo_bstr), CS_TEST(target_consume_ref),
        CS_TEST(target_child_divide_swap_name), CS_TEST(target_error_lines),
        CS_TEST(failed_binds_leave_no_entry), CS_TEST(untyped_late_binding),
        CS_TEST(dictionary_members), CS_TEST(site_and_policy_names), NULL
    };

    return cs_run_tests("client", setup, teardown, tests);
}
