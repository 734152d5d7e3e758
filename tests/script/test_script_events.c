/*
 * The script executor's events (advise, the counting sink, unadvise, the
 * sweep's findings) against the reference server's ComStress.Target, the
 * real event source (its two sink faults selected through the probe), and
 * each client-side fault of the executor next to its clean case. Part of
 * the test_script suite (fixture in test_script.c).
 */
#include "test_script.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Calls text on the probe; it must succeed. */
static void probe_call(const char *text)
{
    lb_site *site;
    VARIANT v;

    ck_assert_ok(lb_site_parse(text, &site, &err));
    ck_assert_msg(SUCCEEDED(lb_call(probe_disp, site, probe, NULL, &v, &err)), "%s: %s", text, err.message);
    lb_site_free(site);
    VariantClear(&v);
}

/* A new Target (the event source) with the server fault named, "" for
 * none: the probe selects it for the objects made while it is set. */
static IDispatch *source_with(const char *fault)
{
    char text[80];
    IDispatch *t;

    snprintf(text, sizeof(text), "SetFault('%s', 0)", fault);
    probe_call(text);
    t = create(L"ComStress.Target");
    probe_call("SetFault('', 0)");
    return t;
}

/* The classinfo-only view: the Target's container and IProvideClassInfo
 * are handed out, its IProvideClassInfo2 is not. */
static BOOL classinfo_only_query(cs_double *d, REFIID riid, void **out)
{
    if (!IsEqualIID(riid, &IID_IConnectionPointContainer) && !IsEqualIID(riid, &IID_IProvideClassInfo))
        return FALSE;
    return SUCCEEDED(IDispatch_QueryInterface(d->inner, riid, out)) && *out;
}

/* Its last release lets the Target go. */
static void classinfo_only_destroy(cs_double *d)
{
    IDispatch_Release(d->inner);
    free(d);
}

static const cs_double_ops classinfo_only_ops = {
    .query = classinfo_only_query,
    .destroy = classinfo_only_destroy,
};

/* A new Target seen through IProvideClassInfo only, as an older server
 * gives it: a client must read the coclass for its default source. A spy
 * on the Target (cs_double.h) that holds it. */
static IDispatch *classinfo_only_source(void)
{
    cs_double *d = cs_double_new(NULL);

    d->inner = source_with("");
    d->ops = &classinfo_only_ops;
    return &d->IDispatch_iface;
}

/* Runs text with @src = src (its reference taken), ends the iteration,
 * releases the source as the harness releases its own objects, then
 * sweeps. With the ledger on, @src is a ledger wrapper. */
static void run_events(const char *text, IDispatch *src, cs_exec_fault cfault)
{
    if (ledger)
        src = cs_ledger_wrap(ledger, src, "src", 1);
    prepare_with(text, cfault, target, src);
    run_ok();
    cs_exec_end(ex);
    IDispatch_Release(src);
    cs_exec_sweep(ex);
}

/* Fire(n) calls every sink advised and returns how many took the event. */
static const char events_script[] =
    "advise @src\n"
    "@src.Fire(1)\n"
    "@n = @src.Fire(2)\n"
    "unadvise @src\n"
    "@m = @src.Fire(3)\n"
    "@rec.Call(@n, @m)";

START_TEST(advise_counts_events_and_unadvise_lets_the_sink_go)
{
    LONG sources = live_targets();
    cs_sink_finding f;
    int i;

    for (i = 0; i < 2; i++) {
        run_events(events_script, i == 0 ? source_with("") : classinfo_only_source(), CS_XF_NONE);
        ck_assert_int_eq(V_I4(&rec.args[1]), 1);   /* connected while advised */
        ck_assert_int_eq(V_I4(&rec.args[0]), 0);   /* and not after */
        ck_assert_int_eq(totals().advises, 1);
        ck_assert_int_eq(totals().unadvises, 1);
        ck_assert_int_eq(totals().events, 2);
        ck_assert_int_eq(totals().kept_after_unadvise + totals().kept_by_source + totals().cycles, 0);
        ck_assert_uint_eq(cs_exec_sink_findings(ex, &f, 1), 0);
        ck_assert_int_eq(live_targets(), sources);
    }
    prepare_with("advise @src", CS_XF_NONE, target, recorder);
    ck_assert_hr(cs_exec_run(ex, &err), E_NOINTERFACE);
    ck_assert_str_eq(err.message, "line 1: advise @src: @src: names no default source interface "
                                  "(no IProvideClassInfo) (E_NOINTERFACE, 0x80004002)");
}
END_TEST

START_TEST(the_sink_holds_its_source_only_while_advised)
{
    IDispatch *src = source_with("");
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
    run_events(events_script, source_with(""), CS_XF_NONE);
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
    run_events(events_script, source_with("unadvise-keeps-sink"), CS_XF_NONE);
    ck_assert_int_eq(totals().kept_after_unadvise, 1);
    one_finding(CS_SINK_KEPT_AFTER_UNADVISE);
    ck_assert_str_eq(cs_sink_verdict_text(CS_SINK_KEPT_AFTER_UNADVISE),
                     "the server kept our sink alive after Unadvise");
}
END_TEST

START_TEST(a_destroyed_source_keeping_a_weak_sink_is_found)
{
    LONG sources = live_targets();
    cs_sink_finding f;

    run_events("advise weak @src\n@src.Fire(1)", source_with(""), CS_XF_NONE);
    ck_assert_uint_eq(cs_exec_sink_findings(ex, &f, 1), 0);      /* the source let it go */
    ck_assert_int_eq(live_targets(), sources);
    run_events("advise weak @src\n@src.Fire(1)", source_with("destroy-keeps-sinks"), CS_XF_NONE);
    ck_assert_int_eq(live_targets(), sources);                    /* destroyed, yet ... */
    ck_assert_int_eq(totals().kept_by_source, 1);
    one_finding(CS_SINK_KEPT_BY_SOURCE);
}
END_TEST

START_TEST(client_fault_missing_unadvise_is_a_cycle)
{
    LONG sources = live_targets();
    cs_sink_finding f;

    run_events(events_script, source_with(""), CS_XF_NONE);
    ck_assert_uint_eq(cs_exec_sink_findings(ex, &f, 1), 0);
    ck_assert_int_eq(live_targets(), sources);
    run_events(events_script, source_with(""), CS_XF_MISSING_UNADVISE);
    ck_assert_int_eq(V_I4(&rec.args[0]), 1);        /* still connected after "unadvise" */
    ck_assert_int_eq(totals().unadvises, 0);
    ck_assert_int_eq(totals().cycles, 1);
    one_finding(CS_SINK_CYCLE);
    ck_assert_int_eq(live_targets(), sources + 1);   /* the source leaked with our sink */
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

void ts_add_event_tests(TCase *tc)
{
    tcase_add_test(tc, advise_counts_events_and_unadvise_lets_the_sink_go);
    tcase_add_test(tc, the_sink_holds_its_source_only_while_advised);
    tcase_add_test(tc, events_through_the_ledger_reach_the_wrapped_source);
    tcase_add_test(tc, a_server_keeping_the_sink_after_unadvise_is_found);
    tcase_add_test(tc, a_destroyed_source_keeping_a_weak_sink_is_found);
    tcase_add_test(tc, client_fault_missing_unadvise_is_a_cycle);
    tcase_add_test(tc, client_faults_of_each_leave_exactly_what_they_forget);
    tcase_add_test(tc, the_ledger_names_items_never_released);
}
