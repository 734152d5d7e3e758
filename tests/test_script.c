/*
 * The script executor (client/script*.c) against ComStress.Target, Wine's
 * Scripting.Dictionary and the test objects of script_objects.h: chains
 * and names with exact release counts, enumeration, rich arguments as
 * they reach DISPPARAMS, error lines, events and the sink findings, and
 * each client-side fault caught next to its clean case.
 */
#include "cs_check.h"
#include "script.h"
#include "ledger.h"
#include "script_objects.h"
#include <stdio.h>
#include <string.h>

static lb_dispatcher *disp, *probe_disp;
static cs_script *script;
static cs_exec *ex;
static lb_error err;
static so_record rec;
static IDispatch *target, *probe, *recorder;
static cs_ledger *ledger;
static int tracked;

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
    disp = lb_dispatcher_new(LB_CACHE_TYPE);
    probe_disp = lb_dispatcher_new(LB_CACHE_NONE);
    target = create(L"ComStress.Target");
    probe = create(L"ComStress.Probe");
    recorder = so_recorder_new(&rec);
    tracked = 0;
}

static void teardown(void)
{
    cs_exec_free(ex);
    ex = NULL;
    cs_script_free(script);
    script = NULL;
    IDispatch_Release(recorder);
    so_record_clear(&rec);
    IDispatch_Release(probe);
    IDispatch_Release(target);
    lb_dispatcher_free(disp);
    lb_dispatcher_free(probe_disp);
    cs_ledger_free(ledger);
    ledger = NULL;
    cs_com_teardown();
}

/* Live ComStress.Target objects (the server's own count). */
static LONG live_targets(void)
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
static void track_ledger(void *ctx, VARIANT *v, const char *origin)
{
    tracked++;
    cs_ledger_wrap_variant(ctx, v, origin, 1);
}

static IUnknown *inner_ledger(void *ctx, IDispatch *p)
{
    return cs_ledger_inner(p);
}

/* A counting track hook that wraps nothing. */
static void track_count(void *ctx, VARIANT *v, const char *origin)
{
    tracked++;
}

/*
 * Parses text into the script, makes the executor (the ledger's hooks
 * when the ledger is on, else the counting hook) and begins an iteration
 * on receiver with @obj = receiver, @rec = the recorder, @src = src.
 */
static void prepare_with(const char *text, cs_exec_fault fault, IDispatch *receiver, IDispatch *src)
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

static void prepare(const char *text, cs_exec_fault fault, IDispatch *receiver)
{
    prepare_with(text, fault, receiver, NULL);
}

/* Runs every statement; they must succeed. */
static void run_ok(void)
{
    ck_assert_msg(SUCCEEDED(cs_exec_run(ex, &err)), "%s", err.message);
}

/* Runs statement i alone; it must succeed. */
static void step_ok(size_t i)
{
    ck_assert_msg(SUCCEEDED(cs_exec_statement(ex, i, &err)), "%s", err.message);
}

static cs_exec_totals totals(void)
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
    so_record_clear(&rec);                          /* its copy of @d */
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
    so_record_clear(&rec);
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
    { "advise @obj", 0, E_NOINTERFACE,
      "line 1: advise @obj: @obj: names no default source interface (no IProvideClassInfo) (E_NOINTERFACE, 0x80004002)" },
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

/* Runs text with @src = a new event source, ends the iteration, releases
 * the source as the harness releases its own objects, then sweeps. With
 * the ledger on, @src is a ledger wrapper. */
static void run_events(const char *text, so_source_info info, so_source_fault sfault, cs_exec_fault cfault)
{
    IDispatch *src = so_source_new(info, sfault);

    if (ledger)
        src = cs_ledger_wrap(ledger, src, "src", 1);
    prepare_with(text, cfault, target, src);
    run_ok();
    cs_exec_end(ex);
    IDispatch_Release(src);
    cs_exec_sweep(ex);
}

static const char events_script[] =
    "advise @src\n"
    "@src.Fire()\n"
    "@src.Fire()\n"
    "@n = @src.Sinks\n"
    "unadvise @src\n"
    "@m = @src.Sinks\n"
    "@rec.Call(@n, @m)";

START_TEST(advise_counts_events_and_unadvise_lets_the_sink_go)
{
    static const so_source_info infos[] = { SO_INFO_CLASSINFO2, SO_INFO_CLASSINFO };
    LONG sources = so_live_sources;
    cs_sink_finding f;
    size_t i;

    for (i = 0; i < 2; i++) {
        run_events(events_script, infos[i], SO_FAULT_NONE, CS_XF_NONE);
        ck_assert_int_eq(V_I4(&rec.args[1]), 1);   /* connected while advised */
        ck_assert_int_eq(V_I4(&rec.args[0]), 0);   /* and not after */
        ck_assert_int_eq(totals().advises, 1);
        ck_assert_int_eq(totals().unadvises, 1);
        ck_assert_int_eq(totals().events, 2);
        ck_assert_int_eq(totals().kept_after_unadvise + totals().kept_by_source + totals().cycles, 0);
        ck_assert_uint_eq(cs_exec_sink_findings(ex, &f, 1), 0);
        ck_assert_int_eq(so_live_sources, sources);
    }
    prepare_with("advise @src", CS_XF_NONE, target, recorder);
    ck_assert_hr(cs_exec_run(ex, &err), E_NOINTERFACE);
    ck_assert_str_eq(err.message, "line 1: advise @src: @src: names no default source interface "
                                  "(no IProvideClassInfo) (E_NOINTERFACE, 0x80004002)");
}
END_TEST

START_TEST(the_sink_holds_its_source_only_while_advised)
{
    IDispatch *src = so_source_new(SO_INFO_CLASSINFO2, SO_FAULT_NONE);
    ULONG before = cs_refcount((IUnknown *)src);

    prepare_with("advise @src\nunadvise @src\nadvise weak @src", CS_XF_NONE, target, src);
    step_ok(0);
    ck_assert_uint_eq(cs_refcount((IUnknown *)src), before + 1);
    step_ok(1);
    ck_assert_uint_eq(cs_refcount((IUnknown *)src), before);
    step_ok(2);
    ck_assert_uint_eq(cs_refcount((IUnknown *)src), before);
    cs_exec_end(ex);
    IDispatch_Release(src);                        /* destroyed: it releases the weak sink */
    cs_exec_sweep(ex);
    ck_assert_int_eq(totals().kept_by_source + totals().kept_after_unadvise + totals().cycles, 0);
}
END_TEST

START_TEST(events_through_the_ledger_reach_the_wrapped_source)
{
    cs_ledger_totals lt;

    ck_assert_ptr_nonnull(ledger = cs_ledger_new());
    run_events(events_script, SO_INFO_CLASSINFO2, SO_FAULT_NONE, CS_XF_NONE);
    ck_assert_int_eq(totals().events, 2);
    ck_assert_int_eq(totals().unadvises, 1);
    cs_ledger_totals_get(ledger, &lt);
    ck_assert_int_eq(lt.outstanding_refs, 0);
    ck_assert_int_eq(lt.use_after_release, 0);
}
END_TEST

/* Asserts exactly one sink finding, for line 1, with this verdict. */
static void one_finding(cs_sink_verdict verdict)
{
    cs_sink_finding f[2];

    ck_assert_uint_eq(cs_exec_sink_findings(ex, f, 2), 1);
    ck_assert_int_eq(f[0].verdict, verdict);
    ck_assert_int_eq(f[0].line, 1);
    ck_assert_int_eq(f[0].sinks, 1);
    ck_assert_int_eq(f[0].refs, 1);
    ck_assert_int_eq(f[0].first_iteration, 1);
    ck_assert_int_eq(f[0].last_iteration, 1);
}

START_TEST(a_server_keeping_the_sink_after_unadvise_is_found)
{
    run_events(events_script, SO_INFO_CLASSINFO2, SO_FAULT_UNADVISE_KEEPS, CS_XF_NONE);
    ck_assert_int_eq(totals().kept_after_unadvise, 1);
    one_finding(CS_SINK_KEPT_AFTER_UNADVISE);
    ck_assert_str_eq(cs_sink_verdict_text(CS_SINK_KEPT_AFTER_UNADVISE),
                     "the server kept our sink alive after Unadvise");
}
END_TEST

START_TEST(a_destroyed_source_keeping_a_weak_sink_is_found)
{
    LONG sources = so_live_sources;
    cs_sink_finding f;

    run_events("advise weak @src\n@src.Fire()", SO_INFO_CLASSINFO2, SO_FAULT_NONE, CS_XF_NONE);
    ck_assert_uint_eq(cs_exec_sink_findings(ex, &f, 1), 0);      /* the source let it go */
    ck_assert_int_eq(so_live_sources, sources);
    run_events("advise weak @src\n@src.Fire()", SO_INFO_CLASSINFO2, SO_FAULT_DESTROY_KEEPS, CS_XF_NONE);
    ck_assert_int_eq(so_live_sources, sources);                   /* destroyed, yet ... */
    ck_assert_int_eq(totals().kept_by_source, 1);
    one_finding(CS_SINK_KEPT_BY_SOURCE);
}
END_TEST

START_TEST(client_fault_missing_unadvise_is_a_cycle)
{
    LONG sources = so_live_sources;
    cs_sink_finding f;

    run_events(events_script, SO_INFO_CLASSINFO2, SO_FAULT_NONE, CS_XF_NONE);
    ck_assert_uint_eq(cs_exec_sink_findings(ex, &f, 1), 0);
    ck_assert_int_eq(so_live_sources, sources);
    run_events(events_script, SO_INFO_CLASSINFO2, SO_FAULT_NONE, CS_XF_MISSING_UNADVISE);
    ck_assert_int_eq(V_I4(&rec.args[0]), 1);        /* still connected after "unadvise" */
    ck_assert_int_eq(totals().unadvises, 0);
    ck_assert_int_eq(totals().cycles, 1);
    one_finding(CS_SINK_CYCLE);
    ck_assert_int_eq(so_live_sources, sources + 1);  /* the source leaked with our sink */
}
END_TEST

/* Walks three items with a client fault; returns the live counts left
 * over (items, enumerators, collections) after the iteration. */
static void walk_with(cs_exec_fault fault, LONG *items, LONG *enums, LONG *colls)
{
    IDispatch *owner = so_owner_new(3);
    LONG i0 = so_live_items, e0 = so_live_enums, c0 = so_live_colls;

    prepare("each Items: Name", fault, owner);
    run_ok();
    cs_exec_end(ex);
    IDispatch_Release(owner);
    ck_assert_int_eq(totals().items, 3);
    *items = so_live_items - i0;
    *enums = so_live_enums - e0;
    *colls = so_live_colls - c0;
}

START_TEST(client_faults_of_each_leave_exactly_what_they_forget)
{
    LONG items, enums, colls;

    walk_with(CS_XF_NONE, &items, &enums, &colls);
    ck_assert_int_eq(items + enums + colls, 0);
    walk_with(CS_XF_MISSING_ITEM_RELEASE, &items, &enums, &colls);
    ck_assert_int_eq(items, 3);
    ck_assert_int_eq(enums, 0);
    ck_assert_int_eq(colls, 0);
    walk_with(CS_XF_MISSING_ENUM_RELEASE, &items, &enums, &colls);
    ck_assert_int_eq(enums, 1);
    ck_assert_int_eq(colls, 1);                      /* the enumerator holds its collection */
    ck_assert_int_eq(items, 3);                      /* ... and so its items */
}
END_TEST

START_TEST(the_ledger_names_items_never_released)
{
    cs_ledger_finding f[4];
    cs_ledger_totals lt;
    LONG items, enums, colls;

    ck_assert_ptr_nonnull(ledger = cs_ledger_new());
    walk_with(CS_XF_NONE, &items, &enums, &colls);
    ck_assert_int_eq(tracked, 4);                    /* the collection and three items */
    ck_assert_uint_eq(cs_ledger_findings(ledger, f, 4), 0);
    walk_with(CS_XF_MISSING_ITEM_RELEASE, &items, &enums, &colls);
    ck_assert_uint_eq(cs_ledger_findings(ledger, f, 4), 1);
    ck_assert_str_eq(f[0].origin, "each Items: Name");
    ck_assert_int_eq(f[0].pointers, 3);
    ck_assert_int_eq(f[0].refs, 3);
    cs_ledger_totals_get(ledger, &lt);
    ck_assert_int_eq(lt.outstanding_refs, 3);
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
            so_record_clear(&rec);
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
    tcase_add_test(tc, advise_counts_events_and_unadvise_lets_the_sink_go);
    tcase_add_test(tc, the_sink_holds_its_source_only_while_advised);
    tcase_add_test(tc, events_through_the_ledger_reach_the_wrapped_source);
    tcase_add_test(tc, a_server_keeping_the_sink_after_unadvise_is_found);
    tcase_add_test(tc, a_destroyed_source_keeping_a_weak_sink_is_found);
    tcase_add_test(tc, client_fault_missing_unadvise_is_a_cycle);
    tcase_add_test(tc, client_faults_of_each_leave_exactly_what_they_forget);
    tcase_add_test(tc, the_ledger_names_items_never_released);
    tcase_add_test(tc, every_cache_policy_runs_the_same_iterations);
    tcase_add_test(tc, fault_names_round_trip);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
