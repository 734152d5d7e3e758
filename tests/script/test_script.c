/*
 * The script executor (client/script*.c) against ComStress.Target, Wine's
 * Scripting.Dictionary and the test objects of script_objects.h: chains
 * and names with exact release counts, enumeration, rich arguments as
 * they reach DISPPARAMS, error lines, cache policies. Events, sink
 * findings and client faults are in test_script_events.c.
 */
#include "test_script.h"
#include <stdio.h>
#include <string.h>

lb_dispatcher *disp, *probe_disp;
cs_script *script;
cs_exec *ex;
lb_error err;
cs_double_record rec;
IDispatch *target, *probe, *recorder;
cs_ledger *ledger;
int tracked;

IDispatch *create(const WCHAR *progid)
{
    IDispatch *d = NULL;
    CLSID clsid;

    ck_assert_msg(SUCCEEDED(CLSIDFromProgID(progid, &clsid)), "%ls is not registered", progid);
    ck_assert_ok(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d));
    return d;
}

void setup(void)
{
    cs_com_sta_setup();
    disp = lb_dispatcher_new(LB_CACHE_TYPE);
    probe_disp = lb_dispatcher_new(LB_CACHE_NONE);
    target = create(L"ComStress.Target");
    probe = create(L"ComStress.Probe");
    recorder = so_recorder_new(&rec);
    tracked = 0;
}

void teardown(void)
{
    cs_exec_free(ex);
    ex = NULL;
    cs_script_free(script);
    script = NULL;
    IDispatch_Release(recorder);
    cs_double_record_clear(&rec);
    IDispatch_Release(probe);
    IDispatch_Release(target);
    lb_dispatcher_free(disp);
    lb_dispatcher_free(probe_disp);
    cs_ledger_free(ledger);
    ledger = NULL;
    cs_com_teardown();
}

/* Live ComStress.Target objects (the server's own count). */
LONG live_targets(void)
{
    lb_site *site;
    VARIANT v;

    ck_assert_ok(lb_site_parse("LiveObjects('Target')", &site, &err));
    ck_assert_msg(SUCCEEDED(lb_call(probe_disp, site, probe, NULL, &v, &err)), "%s", err.message);
    lb_site_free(site);
    ck_assert_int_eq(V_VT(&v), VT_I4);
    return V_I4(&v);
}

/* The hooks the runner gives when the ledger is on. */
static void track_ledger(void *ctx, VARIANT *v, const char *origin, long long iteration)
{
    tracked++;
    cs_ledger_wrap_variant(ctx, v, origin, iteration);
}

static IUnknown *inner_ledger(void *ctx, IDispatch *p)
{
    return cs_ledger_inner(p);
}

/* A counting track hook that wraps nothing. */
static void track_count(void *ctx, VARIANT *v, const char *origin, long long iteration)
{
    tracked++;
}

/*
 * Parses text into the script, makes the executor (the ledger's hooks
 * when the ledger is on, else the counting hook) and begins an iteration
 * on receiver with @obj = receiver, @rec = the recorder, @src = src.
 */
void prepare_with(const char *text, cs_exec_fault fault, IDispatch *receiver, IDispatch *src)
{
    cs_exec_hooks counting = { NULL, track_count, NULL }, wrapping = { ledger, track_ledger, inner_ledger };
    lb_ref given[] = { { "obj", receiver }, { "rec", recorder }, { "src", src } };
    char perr[256];

    cs_exec_free(ex);
    ex = NULL;
    cs_script_free(script);
    ck_assert_msg(cs_script_parse(text, &script, perr, sizeof(perr)) == 0, "%s", perr);
    ck_assert_ok(cs_exec_new(script, disp, ledger ? &wrapping : &counting, fault, &ex, &err));
    ck_assert_ok(cs_exec_begin(ex, receiver, given, src ? 3 : 2, 1, &err));
}

void prepare(const char *text, cs_exec_fault fault, IDispatch *receiver)
{
    prepare_with(text, fault, receiver, NULL);
}

/* Runs every statement; they must succeed. */
void run_ok(void)
{
    ck_assert_msg(SUCCEEDED(cs_exec_run(ex, &err)), "%s", err.message);
}

/* Runs statement i alone; it must succeed. */
void step_ok(size_t i)
{
    ck_assert_msg(SUCCEEDED(cs_exec_statement(ex, i, &err)), "%s", err.message);
}

cs_exec_totals totals(void)
{
    cs_exec_totals t;

    cs_exec_totals_get(ex, &t);
    return t;
}

START_TEST(chains_release_every_intermediate_when_the_statement_ends)
{
    LONG base = live_targets();

    prepare("CreateChild().CreateChild().Add(5)\n"
            "@v = CreateChild().Add(7)\n"
            "@rec.Call(@v)", CS_XF_NONE, target);
    step_ok(0);
    ck_assert_int_eq(live_targets(), base);
    step_ok(1);
    ck_assert_int_eq(live_targets(), base);
    step_ok(2);
    ck_assert_int_eq(rec.cargs, 1);
    ck_assert_int_eq(V_VT(&rec.args[0]), VT_I4);
    ck_assert_int_eq(V_I4(&rec.args[0]), 7);
    ck_assert_int_eq(totals().calls, 6);
    ck_assert_int_eq(totals().statements, 3);
    ck_assert_int_eq(tracked, 3);          /* the three children, none of them kept */
}
END_TEST

START_TEST(names_live_until_the_iteration_ends)
{
    LONG base = live_targets();

    prepare("@c = CreateChild()\n"
            "@c.Add(2)\n"
            "@c.Add(3)\n"
            "@d = @c.CreateChild()\n"
            "@e = @d\n"
            "@v = @c.Value\n"
            "@rec.Call(@v, @d)", CS_XF_NONE, target);
    run_ok();
    ck_assert_int_eq(live_targets(), base + 2);
    ck_assert_int_eq(V_VT(&rec.args[1]), VT_I4);   /* rgvarg is in reverse order */
    ck_assert_int_eq(V_I4(&rec.args[1]), 5);
    ck_assert_int_eq(V_VT(&rec.args[0]), VT_DISPATCH);
    cs_double_record_clear(&rec);                          /* its copy of @d */
    cs_exec_end(ex);
    ck_assert_int_eq(live_targets(), base);
    /* a name bound again lets go of what it held */
    prepare("@c = CreateChild()\n@c = CreateChild()\n@c = 1", CS_XF_NONE, target);
    step_ok(0);
    step_ok(1);
    ck_assert_int_eq(live_targets(), base + 1);
    step_ok(2);
    ck_assert_int_eq(live_targets(), base);
}
END_TEST

START_TEST(each_walks_the_collection_and_releases_items_and_enumerator)
{
    IDispatch *owner = so_owner_new(3);
    LONG colls = so_live_colls, items = so_live_items, enums = so_live_enums;

    prepare("each Items: Name\n"
            "each Items\n"
            "@it = Items\n"
            "each @it : Index\n"
            "@n = Items.Item(2).Name\n"
            "@rec.Call(@n)", CS_XF_NONE, owner);
    step_ok(0);
    ck_assert_int_eq(so_live_colls, colls);
    ck_assert_int_eq(so_live_items, items);
    ck_assert_int_eq(so_live_enums, enums);
    ck_assert_int_eq(totals().items, 3);
    ck_assert_int_eq(totals().calls, 4);            /* Items, then Name on each item */
    step_ok(1);
    ck_assert_int_eq(totals().items, 6);
    step_ok(2);
    step_ok(3);
    ck_assert_int_eq(so_live_colls, colls + 1);     /* @it */
    ck_assert_int_eq(so_live_items, items + 3);
    ck_assert_int_eq(so_live_enums, enums);
    step_ok(4);
    step_ok(5);
    ck_assert_int_eq(V_VT(&rec.args[0]), VT_BSTR);
    ck_assert_msg(!wcscmp(V_BSTR(&rec.args[0]), L"item2"), "got %ls", V_BSTR(&rec.args[0]));
    cs_exec_end(ex);
    ck_assert_int_eq(so_live_colls, colls);
    ck_assert_int_eq(so_live_items, items);
    ck_assert_int_eq(totals().enumerations, 3);
    ck_assert_int_eq(totals().items, 9);
    IDispatch_Release(owner);
}
END_TEST

START_TEST(each_over_a_dictionary_walks_its_keys)
{
    IDispatch *dict = create(L"Scripting.Dictionary");

    prepare("Add('a', 1)\n"
            "Add('b', 'two')\n"
            "Add(Key:='c', Item:=3)\n"
            "Add('d', Item:=[1, 2])\n"
            "each @obj\n"
            "@n = Count\n"
            "@k = Item('c')\n"
            "@rec.Call(@n, @k)", CS_XF_NONE, dict);
    run_ok();
    ck_assert_int_eq(totals().enumerations, 1);
    ck_assert_int_eq(totals().items, 4);
    ck_assert_int_eq(V_I4(&rec.args[1]), 4);
    ck_assert_int_eq(V_VT(&rec.args[0]), VT_I4);
    ck_assert_int_eq(V_I4(&rec.args[0]), 3);
    /* an omitted argument reaches the VARIANT parameter as it was sent */
    prepare("Add('e', )\n@v = Item('e')\n@rec.Call(@v)\nExists(,)", CS_XF_NONE, dict);
    step_ok(0);
    step_ok(1);
    step_ok(2);
    ck_assert_int_eq(V_VT(&rec.args[0]), VT_ERROR);
    ck_assert_int_eq(V_ERROR(&rec.args[0]), DISP_E_PARAMNOTFOUND);
    ck_assert_hr(cs_exec_statement(ex, 3, &err), DISP_E_BADPARAMCOUNT);
    ck_assert_str_eq(err.message, "line 4: Exists(,): Exists: wrong number of arguments: 2 given, 1 expected "
                                  "(DISP_E_BADPARAMCOUNT, 0x8002000e)");
    cs_exec_end(ex);
    IDispatch_Release(dict);
}
END_TEST

START_TEST(named_omitted_array_and_date_arguments_reach_dispparams)
{
    SAFEARRAY *sa;
    VARIANT *el;

    prepare("Call('x', ReadOnly:=true, Mode:=2)\n"
            "Call(1,,3)\n"
            "Call([1, 'a', 2.5, [true]], #2026-11-25 18:00#)\n"
            "Value = 4\n"
            "Value(Mode:=1) = 9\n"
            "Call(ReadOnly:=0)\n"
            "Call(Mode:=0)", CS_XF_NONE, recorder);
    step_ok(0);
    ck_assert_int_eq(rec.cargs, 3);
    ck_assert_int_eq(rec.cnamed, 2);
    ck_assert_int_eq(rec.named[0], 11);             /* Mode: last in the text, first in rgvarg */
    ck_assert_int_eq(rec.named[1], 10);             /* ReadOnly */
    ck_assert_int_eq(V_VT(&rec.args[0]), VT_I4);
    ck_assert_int_eq(V_VT(&rec.args[1]), VT_BOOL);
    ck_assert_int_eq(V_VT(&rec.args[2]), VT_BSTR);
    step_ok(1);
    ck_assert_int_eq(rec.cnamed, 0);
    ck_assert_int_eq(V_VT(&rec.args[1]), VT_ERROR);
    ck_assert_int_eq(V_ERROR(&rec.args[1]), DISP_E_PARAMNOTFOUND);
    ck_assert_int_eq(V_I4(&rec.args[0]), 3);
    step_ok(2);
    ck_assert_int_eq(V_VT(&rec.args[0]), VT_DATE);
    ck_assert(V_DATE(&rec.args[0]) == 46351.75);
    ck_assert_int_eq(V_VT(&rec.args[1]), VT_ARRAY | VT_VARIANT);
    sa = V_ARRAY(&rec.args[1]);
    ck_assert_int_eq(SafeArrayGetDim(sa), 1);
    ck_assert_int_eq(sa->rgsabound[0].cElements, 4);
    el = sa->pvData;
    ck_assert_int_eq(V_VT(&el[0]), VT_I4);
    ck_assert_int_eq(V_VT(&el[1]), VT_BSTR);
    ck_assert_int_eq(V_VT(&el[2]), VT_R8);
    ck_assert_int_eq(V_VT(&el[3]), VT_ARRAY | VT_VARIANT);
    step_ok(3);
    ck_assert_int_eq(rec.flags, DISPATCH_PROPERTYPUT);
    ck_assert_int_eq(rec.cnamed, 1);
    ck_assert_int_eq(rec.named[0], DISPID_PROPERTYPUT);
    step_ok(4);
    ck_assert_int_eq(rec.cnamed, 2);
    ck_assert_int_eq(rec.named[0], DISPID_PROPERTYPUT);
    ck_assert_int_eq(rec.named[1], 11);
    ck_assert_int_eq(V_I4(&rec.args[0]), 9);
    ck_assert_int_eq(V_I4(&rec.args[1]), 1);
    /* same member and count, another name: another binding */
    step_ok(5);
    ck_assert_int_eq(rec.named[0], 10);
    step_ok(6);
    ck_assert_int_eq(rec.named[0], 11);
}
END_TEST

START_TEST(objects_in_arrays_are_referenced_and_released)
{
    ULONG before = cs_refcount((IUnknown *)target);

    prepare("@rec.Call([@obj, [@obj]])", CS_XF_NONE, target);
    run_ok();
    ck_assert_uint_eq(cs_refcount((IUnknown *)target), before + 2);  /* the recorder's deep copy */
    cs_double_record_clear(&rec);
    ck_assert_uint_eq(cs_refcount((IUnknown *)target), before);      /* ours was destroyed */
}
END_TEST

START_TEST(outputs_bind_their_results_to_names)
{
    LONG recorders = so_live_recorders;

    prepare("@a = 'old'\n"
            "GetPair(out @a, out @b)\n"
            "@b.Value = 3\n"
            "@v = @b.Value\n"
            "@rec.Call(@a, @v)", CS_XF_NONE, recorder);
    step_ok(0);
    step_ok(1);
    ck_assert_int_eq(so_live_recorders, recorders + 1);
    ck_assert_int_eq(tracked, 1);                  /* @b's new object */
    step_ok(2);
    step_ok(3);
    step_ok(4);
    ck_assert_int_eq(V_VT(&rec.args[1]), VT_I4);
    ck_assert_int_eq(V_I4(&rec.args[1]), 7);
    ck_assert_int_eq(V_I4(&rec.args[0]), 3);
    cs_exec_end(ex);
    ck_assert_int_eq(so_live_recorders, recorders);
}
END_TEST

START_TEST(outputs_reach_typed_by_reference_parameters)
{
    prepare("@x = 1\n"
            "@y = 2\n"
            "Swap(out @x, out @y)\n"
            "@rec.Call(@x, @y)", CS_XF_NONE, target);
    run_ok();
    ck_assert_int_eq(V_VT(&rec.args[1]), VT_I4);
    ck_assert_int_eq(V_I4(&rec.args[1]), 2);       /* @x after the swap */
    ck_assert_int_eq(V_I4(&rec.args[0]), 1);
}
END_TEST

/* Scripts that fail, the statement that fails, and its exact line. */
static const struct { const char *text; size_t fails; HRESULT hr; const char *message; } bad_runs[] = {
    { "Frob(1)", 0, DISP_E_UNKNOWNNAME,
      "line 1: Frob(1): Frob: no such member (DISP_E_UNKNOWNNAME, 0x80020006)" },
    { "Add(1)\n@c.Add(1)", 1, E_INVALIDARG,
      "line 2: @c.Add(1): @c: not set (bind it first: @c = ...) (E_INVALIDARG, 0x80070057)" },
    { "@n = 5\n\n@n.Add(1)", 1, DISP_E_TYPEMISMATCH,
      "line 3: @n.Add(1): @n: not an object (VT_I4) (DISP_E_TYPEMISMATCH, 0x80020005)" },
    { "Value.Add(1)", 0, DISP_E_TYPEMISMATCH,
      "line 1: Value.Add(1): Value: the result is not an object (VT_I4) (DISP_E_TYPEMISMATCH, 0x80020005)" },
    { "each Name", 0, DISP_E_TYPEMISMATCH,
      "line 1: each Name: Name: the result is not an object (VT_BSTR) (DISP_E_TYPEMISMATCH, 0x80020005)" },
    { "each @obj  # Target is no collection", 0, DISP_E_MEMBERNOTFOUND,
      "line 1: each @obj: _NewEnum: not a collection (no _NewEnum) (DISP_E_MEMBERNOTFOUND, 0x80020003)" },
    { "@obj = CreateChild()", 0, E_INVALIDARG,
      "line 1: @obj = CreateChild(): @obj: given by the harness: it cannot be bound (E_INVALIDARG, 0x80070057)" },
    { "Swap(out @obj, out @x)", 0, E_INVALIDARG,
      "line 1: Swap(out @obj, out @x): @obj: given by the harness: it cannot be bound (E_INVALIDARG, 0x80070057)" },
    { "@i = Items\nadvise @i", 1, E_NOINTERFACE,      /* the collection fires no events */
      "line 2: advise @i: @i: names no default source interface (no IProvideClassInfo) (E_NOINTERFACE, 0x80004002)" },
    { "@c = CreateChild()\nunadvise @c", 1, E_INVALIDARG,
      "line 2: unadvise @c: @c: not advised (E_INVALIDARG, 0x80070057)" },
    { "CreateChild().Divide(1, 0)", 0, DISP_E_DIVBYZERO,
      "line 1: CreateChild().Divide(1, 0): Divide: ComStress: Divide: division by zero (DISP_E_DIVBYZERO, 0x80020012)" },
    { "CreateChild().CreateChild().Add(Amount:=1)", 0, DISP_E_UNKNOWNNAME,
      "line 1: CreateChild().CreateChild().Add(Amount:=1): Add: argument 1: no parameter named 'Amount' "
      "(DISP_E_UNKNOWNNAME, 0x80020006)" },
};

START_TEST(errors_name_the_line_the_member_and_the_hresult)
{
    LONG base = live_targets();
    size_t i, j;

    for (i = 0; i < sizeof(bad_runs) / sizeof(bad_runs[0]); i++) {
        prepare(bad_runs[i].text, CS_XF_NONE, target);
        for (j = 0; j < bad_runs[i].fails; j++)
            step_ok(j);
        ck_assert_hr(cs_exec_statement(ex, bad_runs[i].fails, &err), bad_runs[i].hr);
        ck_assert_hr(err.hr, bad_runs[i].hr);
        ck_assert_str_eq(err.message, bad_runs[i].message);
        cs_exec_end(ex);
        ck_assert_msg(live_targets() == base, "'%s' left %ld targets", bad_runs[i].text, live_targets() - base);
    }
    /* a lone statement (line 0) has no line prefix */
    cs_exec_free(ex);
    ex = NULL;
    cs_script_free(script);
    script = cs_script_new();
    ck_assert_int_eq(cs_script_add(script, "Frob", 0, err.message, sizeof(err.message)), 0);
    ck_assert_ok(cs_exec_new(script, disp, NULL, CS_XF_NONE, &ex, &err));
    ck_assert_ok(cs_exec_begin(ex, target, NULL, 0, 1, &err));
    ck_assert_hr(cs_exec_run(ex, &err), DISP_E_UNKNOWNNAME);
    ck_assert_str_eq(err.message, "Frob: Frob: no such member (DISP_E_UNKNOWNNAME, 0x80020006)");
}
END_TEST

START_TEST(every_cache_policy_runs_the_same_iterations)
{
    static const char text[] =
        "@c = CreateChild()\n"
        "@c.Value = 4\n"
        "@d = @c.CreateChild()\n"
        "@d.Add(4)\n"
        "CreateChild().Consume(@c)\n"
        "@rec.Call(@c, @d)";
    lb_policy p;
    LONG base = live_targets();
    lb_stats st;
    int it;

    for (p = LB_CACHE_NONE; p <= LB_CACHE_INSTANCE_UNBOUNDED; p++) {
        cs_exec_free(ex);
        ex = NULL;
        lb_dispatcher_free(disp);
        disp = lb_dispatcher_new(p);
        prepare(text, CS_XF_NONE, target);
        for (it = 1; it <= 3; it++) {
            lb_ref given[] = { { "obj", target }, { "rec", recorder } };
            ck_assert_ok(cs_exec_begin(ex, target, given, 2, it, &err));
            run_ok();
            cs_double_record_clear(&rec);
            cs_exec_end(ex);
            ck_assert_msg(live_targets() == base, "%s: %ld targets left", lb_policy_name(p), live_targets() - base);
        }
        ck_assert_int_eq(totals().calls, 3 * 7);
        lb_dispatcher_stats(disp, &st);
        ck_assert_int_eq(st.calls, 3 * 7);
    }
}
END_TEST

START_TEST(fault_names_round_trip)
{
    cs_exec_fault f;

    for (f = CS_XF_NONE; f <= CS_XF_MISSING_UNADVISE; f++) {
        cs_exec_fault g = (cs_exec_fault)-1;
        ck_assert(cs_exec_fault_from_name(cs_exec_fault_name(f), &g));
        ck_assert_int_eq(g, f);
    }
    ck_assert_str_eq(cs_exec_fault_name(CS_XF_MISSING_ENUM_RELEASE), "missing-enum-release");
    ck_assert(!cs_exec_fault_from_name("missing-release", &f));
    ck_assert(!cs_exec_fault_from_name(NULL, &f));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("script");
    TCase *tc = tcase_create("executor");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, chains_release_every_intermediate_when_the_statement_ends);
    tcase_add_test(tc, names_live_until_the_iteration_ends);
    tcase_add_test(tc, each_walks_the_collection_and_releases_items_and_enumerator);
    tcase_add_test(tc, each_over_a_dictionary_walks_its_keys);
    tcase_add_test(tc, named_omitted_array_and_date_arguments_reach_dispparams);
    tcase_add_test(tc, objects_in_arrays_are_referenced_and_released);
    tcase_add_test(tc, outputs_bind_their_results_to_names);
    tcase_add_test(tc, outputs_reach_typed_by_reference_parameters);
    tcase_add_test(tc, errors_name_the_line_the_member_and_the_hresult);
    tcase_add_test(tc, every_cache_policy_runs_the_same_iterations);
    tcase_add_test(tc, fault_names_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("events and client faults");
    tcase_add_checked_fixture(tc, setup, teardown);
    ts_add_event_tests(tc);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
