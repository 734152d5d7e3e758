/*
 * Suite "release_rules": end-of-run figures become classified finding
 * lines (core/verdicts/release_rules.h). Pure.
 */
#include <stdio.h>
#include <string.h>
#include "cs_unit.h"
#include "findings.h"
#include "release_rules.h"

static cs_release r;
static cs_release_store st;

static void fresh(void)
{
    cs_release_init(&r);
    memset(&st, 0, sizeof(st));
}

START_TEST(a_fresh_record_measures_nothing_and_passes)
{
    fresh();
    ck_assert_int_eq(r.measured, 1);
    ck_assert_int_eq(r.outstanding_refs, -1);
    ck_assert_int_eq(r.live_objects_end, -1);
    ck_assert_int_eq(r.can_unload, -1);
    cs_release_judge_probe(&r, &st, 100);
    cs_release_judge_unload(&r, &st, 1, "CoFreeUnusedLibrariesEx(0, 0)");
    ck_assert_uint_eq(r.nfindings, 0);
    ck_assert_int_eq(r.foreign, 0);
}
END_TEST

START_TEST(counts_that_divide_by_the_iterations_are_said_per_iteration)
{
    char buf[96];

    cs_per_iteration(buf, sizeof(buf), 600, 300, "outstanding");
    ck_assert_str_eq(buf, "2 outstanding per iteration");
    cs_per_iteration(buf, sizeof(buf), 37, 300, "outstanding");
    ck_assert_str_eq(buf, "37 outstanding");
    cs_per_iteration(buf, sizeof(buf), 301, 300, "never freed");
    ck_assert_str_eq(buf, "301 never freed");
    cs_per_iteration(buf, sizeof(buf), 5, 0, "never freed");
    ck_assert_str_eq(buf, "5 never freed");
}
END_TEST

/* "per iteration" needs a whole multiple of at least one per iteration:
 * 300 of 300 is 1 per iteration, 299 and 0 are plain counts, 900 is 3. */
START_TEST(per_iteration_starts_at_one_per_iteration)
{
    char buf[96];

    cs_per_iteration(buf, sizeof(buf), 300, 300, "held");
    ck_assert_str_eq(buf, "1 held per iteration");
    cs_per_iteration(buf, sizeof(buf), 299, 300, "held");
    ck_assert_str_eq(buf, "299 held");
    cs_per_iteration(buf, sizeof(buf), 0, 300, "held");
    ck_assert_str_eq(buf, "0 held");
    cs_per_iteration(buf, sizeof(buf), 900, 300, "held");
    ck_assert_str_eq(buf, "3 held per iteration");
    cs_per_iteration(buf, sizeof(buf), 1, 1, "held");
    ck_assert_str_eq(buf, "1 held per iteration");
}
END_TEST

/* Each class of finding gets the advice of its class: release lines by
 * their prefix (the longer "BSTR/CoTaskMem leak" before "BSTR leak"),
 * leaking metrics by name, the cache's by policy, memory by whether the
 * run was traced and has sites that leak (-1 untraced, 0 none, 1 some). */
START_TEST(each_finding_gets_the_advice_of_its_class)
{
    static const struct { const char *line, *policy; int traced; const char *says; } cases[] = {
        { "refcount leak: IDispatch from Add(1)", "type", 0, "release what that call returned" },
        { "use after release: IDispatch from Add(1)", "type", 0, "keep the reference until the last use" },
        { "object leak: server objects 1 never freed", "type", 0, "server objects never destroyed" },
        { "live_objects", "type", 0, "server objects never destroyed" },
        { "server_locks", "type", 0, "server objects never destroyed" },
        { "lock leak: 3 server locks", "type", 0, "a lock never released" },
        { "unload: the server DLL is still loaded", "type", 0, "refuses to unload" },
        { "BSTR/CoTaskMem leak: Echo('x')", "type", 0, "a BSTR or CoTaskMem block never freed" },
        { "cotaskmem_bytes", "type", 0, "a BSTR or CoTaskMem block never freed" },
        { "BSTR leak: 16 B per call of Echo('x')", "type", 1, "[retval] or [out] string" },
        { "CoTaskMem leak: 16 B per call", "type", 1, "CoTaskMemFree where it is done with" },
        { "heap leak: 24 B per call", "type", 1, "memory allocated at the named site" },
        { "crashed: access violation", "type", 0, "phase.txt names it" },
        { "hang: Add(1) never returned", "type", 0, "a deadlock or an endless wait" },
        { "hung", "type", 0, "a deadlock or an endless wait" },
        { "interrupted", "type", 0, "stopped before its end" },
        { "threads", "type", 0, "threads started and never ended" },
        { "cache_entries", "instance-unbounded", 0, "or bound it (instance policy)" },
        { "cache_bytes", "type", 0, "key the binding cache on type identity" },
        { "cache_bytes", NULL, 0, "key the binding cache on type identity" },
        { "heap_bytes", "type", -1, "run again with --trace" },
        { "heap_bytes", "type", 0, "the trace found no allocation site" },
        { "working_set_bytes", "type", 1, "the allocation findings name the site" },
        { "pagefile_bytes", "type", -1, "run again with --trace" },
        { "sink leak: something", "type", 0, "see the release checks below" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *a = cs_finding_advice(cases[i].line, cases[i].policy, cases[i].traced);

        ck_assert_msg(a && strstr(a, cases[i].says), "'%s': '%s'", cases[i].line, a ? a : "(null)");
    }
}
END_TEST

/* Findings run by run (error, gating verdicts, release lines), all
 * counted though only max are filled; a traced site named in a release
 * line is attributed to it. */
START_TEST(findings_are_collected_run_by_run_and_counted_past_the_room)
{
    static cs_alloc_site site;
    cs_run a, b;
    const cs_run *runs[2] = { &a, &b };
    cs_finding out[3];

    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    a.name = "compare/type";
    a.cache = "type";
    a.fail_on = CS_FAIL_DEFAULT;
    a.error = "crashed: access violation in Add(1)";
    a.nverdicts = 2;
    a.verdicts[0].metric = CS_M_HEAP_BYTES;
    a.verdicts[0].kind = CS_V_LEAK;
    a.verdicts[0].per_iteration = 24;
    a.verdicts[0].stands_in = 0;
    a.verdicts[1].metric = CS_M_WORKING_SET;
    a.verdicts[1].kind = CS_V_LEAK;
    a.verdicts[1].stands_in = 1;
    a.release.nfindings = 1;
    a.release.findings[0] = "BSTR leak: 16 B per call of Echo('x'), allocated in target_Echo (target.c:90)";
    snprintf(site.site, sizeof(site.site), "target_Echo (target.c:90)");
    site.call = "Echo('x')";
    site.bytes_per_iteration = 16;
    site.blocks_per_iteration = 1;
    a.allocs = &site;
    a.nallocs = 1;
    b = a;
    b.name = "compare/none";
    b.error = NULL;
    b.nverdicts = 0;
    ck_int_eq(cs_findings_collect(runs, 2, out, 3), 5);
    ck_assert_str_eq(out[0].what, "crashed: access violation in Add(1)");
    ck_assert_ptr_eq(out[0].run, &a);
    ck_assert_str_eq(out[1].what, "heap_bytes grows: leak");
    ck_assert_str_eq(out[1].amount, "+24.00 bytes (95% interval 0.00 to 0.00)");
    ck_assert_str_eq(out[2].what, "working_set_bytes grows: leak (standing in for the heap, whose walks the "
                     "sampler spaced out: --heap-walk every for the heap's own figure)");
    ck_int_eq(cs_findings_collect(runs + 1, 1, out, 3), 1);
    ck_assert_ptr_eq(out[0].run, &b);
    ck_assert_str_eq(out[0].where, "target_Echo (target.c:90)");
    ck_assert_str_eq(out[0].call, "Echo('x')");
    ck_assert_str_eq(out[0].amount, "16.00 B (1.00 blocks) per iteration");
    ck_assert_ptr_nonnull(strstr(out[0].advice, "[retval]"));
    ck_int_eq(cs_findings_collect(runs, 2, out, 0), 5);
}
END_TEST

START_TEST(ledger_references_and_use_after_release_are_findings)
{
    fresh();
    cs_release_judge_ledger(&r, &st, "CreateChild", 300, 0, 1, 300, 300);
    ck_assert_uint_eq(r.nfindings, 1);
    ck_assert_str_eq(r.findings[0],
        "refcount leak: IDispatch from CreateChild, 1 outstanding per iteration (iterations 1..300)");
    cs_release_judge_ledger(&r, &st, "Add(1)", 0, 7, 1, 1, 300);
    ck_assert_uint_eq(r.nfindings, 2);
    ck_assert_str_eq(r.findings[1], "use after release: IDispatch from Add(1) called 7 times after its last Release");
    ck_assert_uint_eq(r.categories[0], CS_FAIL_REFS);
    ck_assert_uint_eq(r.categories[1], CS_FAIL_REFS);
}
END_TEST

START_TEST(server_objects_and_locks_left_are_findings)
{
    fresh();
    r.live_objects_end = 300;
    r.locks_end = 0;
    cs_release_judge_probe(&r, &st, 300);
    ck_assert_uint_eq(r.nfindings, 1);
    ck_assert_str_eq(r.findings[0],
        "object leak: server objects 1 never freed per iteration (server live-object counter)");
    fresh();
    r.live_objects_end = 0;
    r.locks_end = 300;
    cs_release_judge_probe(&r, &st, 300);
    ck_assert_str_eq(r.findings[0], "lock leak: 300 server locks never released (DLL cannot unload)");
    ck_assert_uint_eq(r.categories[0], CS_FAIL_OBJECTS);
}
END_TEST

START_TEST(only_a_steady_loss_at_a_call_site_is_a_finding)
{
    fresh();
    cs_release_judge_site(&r, &st, "Echo('x')", 49, 784, 100);   /* a cache fill */
    ck_assert_uint_eq(r.nfindings, 0);
    cs_release_judge_site(&r, &st, "Echo('x')", 100, 1600, 100);
    ck_assert_uint_eq(r.nfindings, 1);
    ck_assert_str_eq(r.findings[0], "BSTR/CoTaskMem leak: Echo('x'), 1.0 blocks (16 bytes) per call");
    cs_release_judge_site(&r, &st, NULL, 200, 3200, 100);
    ck_assert_str_eq(r.findings[1],
        "BSTR/CoTaskMem leak: in the harness outside calls, 2.0 blocks (32 bytes) per iteration");
    ck_assert_uint_eq(r.categories[1], CS_FAIL_BLOCKS);
}
END_TEST

START_TEST(nothing_left_at_a_call_site_is_never_a_finding_however_short_the_run)
{
    fresh();
    cs_release_judge_site(&r, &st, "Add(1)", 0, 0, 1);
    cs_release_judge_site(&r, &st, NULL, 0, 0, 1);
    cs_release_judge_site(&r, &st, "Add(1)", 1, 16, 3);      /* under half a block per call */
    ck_assert_uint_eq(r.nfindings, 0);
    cs_release_judge_site(&r, &st, "Add(1)", 1, 16, 1);
    ck_assert_uint_eq(r.nfindings, 1);
    ck_assert_str_eq(r.findings[0], "BSTR/CoTaskMem leak: Add(1), 1.0 blocks (16 bytes) per call");
}
END_TEST

/* Half a block per iteration is the line: 60 blocks left over 100
 * iterations is a finding, 50 of 100 too, 49 is not; with no iteration
 * counted nothing is judged. */
START_TEST(a_call_site_losing_half_a_block_per_iteration_is_a_finding)
{
    fresh();
    cs_release_judge_site(&r, &st, "Echo('x')", 60, 960, 100);
    ck_assert_uint_eq(r.nfindings, 1);
    ck_assert_str_eq(r.findings[0], "BSTR/CoTaskMem leak: Echo('x'), 0.6 blocks (10 bytes) per call");
    ck_assert_uint_eq(r.categories[0], CS_FAIL_BLOCKS);
    fresh();
    cs_release_judge_site(&r, &st, "Echo('x')", 50, 800, 100);
    ck_assert_uint_eq(r.nfindings, 1);
    ck_assert_str_eq(r.findings[0], "BSTR/CoTaskMem leak: Echo('x'), 0.5 blocks (8 bytes) per call");
    fresh();
    cs_release_judge_site(&r, &st, "Echo('x')", 49, 784, 100);
    ck_assert_uint_eq(r.nfindings, 0);
    cs_release_judge_site(&r, &st, "Echo('x')", 5, 80, 0);
    ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

START_TEST(a_server_that_stays_loaded_fails_the_unload_proof)
{
    fresh();
    r.can_unload = 0;
    r.unloaded = 0;
    cs_release_judge_unload(&r, &st, 1, "CoFreeUnusedLibrariesEx(0, 0)");
    ck_assert_uint_eq(r.nfindings, 2);
    ck_assert_str_eq(r.findings[0], "unload: DllCanUnloadNow says S_FALSE after every object was released");
    ck_assert_str_eq(r.findings[1], "unload: the server DLL is still loaded after CoFreeUnusedLibrariesEx(0, 0)");
    ck_assert_uint_eq(r.categories[0], CS_FAIL_UNLOAD);
    ck_assert_uint_eq(r.categories[1], CS_FAIL_UNLOAD);
    ck_assert_int_eq(r.foreign, 0);
    fresh();
    r.unloaded = 0;
    cs_release_judge_unload(&r, &st, 0, "FreeLibrary");   /* not ours: said, the line the same */
    ck_assert_int_eq(r.foreign, 1);
    ck_assert_str_eq(r.findings[0], "unload: the server DLL is still loaded after FreeLibrary");
    fresh();
    r.can_unload = 1;
    r.unloaded = 1;
    cs_release_judge_unload(&r, &st, 1, "CoFreeUnusedLibrariesEx(0, 0)");
    ck_assert_uint_eq(r.nfindings, 0);
}
END_TEST

START_TEST(findings_past_the_limit_keep_their_categories)
{
    int i;

    fresh();
    for (i = 0; i < CS_MAX_FINDINGS + 3; i++)
        cs_release_add(&r, &st, i < CS_MAX_FINDINGS + 2 ? CS_FAIL_OBJECTS : CS_FAIL_REFS, "finding %d", i);
    ck_assert_uint_eq(r.nfindings, CS_MAX_FINDINGS);
    ck_assert_str_eq(r.findings[CS_MAX_FINDINGS - 1], "finding 15");
    ck_assert_uint_eq(r.dropped, CS_FAIL_OBJECTS | CS_FAIL_REFS);
}
END_TEST

/* The executor's sink findings: the server keeping sinks is a leak, the
 * client's never-unadvised sink a cycle; the statement is named with its
 * script line, figures per iteration when they divide. */
START_TEST(event_sinks_held_after_their_iteration_are_findings)
{
    fresh();
    cs_release_judge_sink(&r, &st, "the server kept our sink alive after Unadvise", 0, 2, "advise @obj",
                          300, 300, 1, 300, 300);
    cs_release_judge_sink(&r, &st, "never unadvised: our sink and its source hold each other", 1, 0,
                          "advise @c", 600, 1200, 1, 300, 300);
    cs_release_judge_sink(&r, &st, "the released source never released our sink (advised weak, never unadvised)",
                          0, 7, "advise weak @c", 37, 40, 4, 290, 300);
    cs_release_judge_sink(&r, &st, "unused", 0, 1, "advise @c", 0, 0, 0, 0, 300);
    ck_assert_uint_eq(r.nfindings, 3);
    ck_assert_str_eq(r.findings[0], "sink leak: the server kept our sink alive after Unadvise (line 2: "
                     "advise @obj), 1 held per iteration, 1 reference each (iterations 1..300)");
    ck_assert_str_eq(r.findings[1], "sink cycle: never unadvised: our sink and its source hold each other "
                     "(advise @c), 2 held per iteration, 2 references each (iterations 1..300)");
    ck_assert_str_eq(r.findings[2], "sink leak: the released source never released our sink (advised weak, "
                     "never unadvised) (line 7: advise weak @c), 37 held, 40 references in all (iterations 4..290)");
    ck_assert_uint_eq(r.categories[2], CS_FAIL_REFS);
}
END_TEST

START_TEST(a_leaking_allocation_site_is_one_line_naming_site_and_call)
{
    cs_alloc_site a;

    memset(&a, 0, sizeof(a));
    a.cls = "leak";
    a.kind = "heap";
    a.call = "Add(1)";
    a.bytes_per_iteration = 24;
    a.blocks_per_iteration = 1;
    snprintf(a.site, sizeof(a.site), "target_on_call (target.c:48) <- target_Add (target.c:103)");
    fresh();
    cs_release_judge_alloc(&r, &st, &a);
    ck_assert_uint_eq(r.nfindings, 1);
    ck_assert_str_eq(r.findings[0], "heap leak: 24 B per call of Add(1), allocated in "
                     "target_on_call (target.c:48) <- target_Add (target.c:103)");
    ck_assert_uint_eq(r.categories[0], CS_FAIL_BLOCKS);
    a.kind = "bstr";
    a.call = NULL;
    a.bytes_per_iteration = 2.4;
    a.blocks_per_iteration = 0.1;
    cs_release_judge_alloc(&r, &st, &a);
    ck_assert_str_eq(r.findings[1], "BSTR leak: 2.40 B (0.10 blocks) per iteration, allocated in "
                     "target_on_call (target.c:48) <- target_Add (target.c:103)");
    a.cls = "plateau";
    cs_release_judge_alloc(&r, &st, &a);
    a.cls = "one-off";
    cs_release_judge_alloc(&r, &st, &a);
    ck_assert_uint_eq(r.nfindings, 2);
}
END_TEST

/* A site of many frames (a deep C++ call chain) after a long call: the
 * finding keeps the frames that fit whole and says the rest was cut,
 * never a name in half. */
START_TEST(a_site_too_long_for_a_finding_keeps_whole_frames)
{
    cs_alloc_site a;
    char call[200];
    size_t len = 0, k;
    const char *end;

    memset(&a, 0, sizeof(a));
    memset(call, 'x', sizeof(call));
    memcpy(call, "Format('", 8);
    memcpy(call + sizeof(call) - 3, "')", 3);       /* a call of 199 bytes */
    a.cls = "leak";
    a.kind = "heap";
    a.call = call;
    a.bytes_per_iteration = 301;
    a.blocks_per_iteration = 6;
    for (k = 0; k < 14; k++)        /* 14 frames of 28 bytes and their joins: 444 bytes */
        len += (size_t)snprintf(a.site + len, sizeof(a.site) - len, "%sframe_number_%02u (node.c:%03u)",
                                k ? " <- " : "", (unsigned)k, (unsigned)(100 + k));
    ck_assert_uint_eq(strlen(a.site), 444);
    fresh();
    cs_release_judge_alloc(&r, &st, &a);
    ck_assert_uint_eq(r.nfindings, 1);
    ck_assert_msg(strstr(r.findings[0], "')" ", allocated in frame_number_00 (node.c:100) <- frame_number_01 (node.c:101) <- ")
                  != NULL, "%s", r.findings[0]);
    ck_assert_msg(strlen(r.findings[0]) < CS_FINDING_LEN, "%lu bytes", (unsigned long)strlen(r.findings[0]));
    end = r.findings[0] + strlen(r.findings[0]);
    ck_assert_msg(!strcmp(end - 8, ") <- ..."), "not cut between frames: %s", r.findings[0]);
    ck_assert_msg(!strncmp(end - 39, " <- frame_number_", 17), "not cut between frames: %s", r.findings[0]);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_fresh_record_measures_nothing_and_passes),
        CS_TEST(counts_that_divide_by_the_iterations_are_said_per_iteration),
        CS_TEST(per_iteration_starts_at_one_per_iteration),
        CS_TEST(each_finding_gets_the_advice_of_its_class),
        CS_TEST(findings_are_collected_run_by_run_and_counted_past_the_room),
        CS_TEST(ledger_references_and_use_after_release_are_findings),
        CS_TEST(server_objects_and_locks_left_are_findings),
        CS_TEST(only_a_steady_loss_at_a_call_site_is_a_finding),
        CS_TEST(nothing_left_at_a_call_site_is_never_a_finding_however_short_the_run),
        CS_TEST(a_call_site_losing_half_a_block_per_iteration_is_a_finding),
        CS_TEST(a_server_that_stays_loaded_fails_the_unload_proof),
        CS_TEST(findings_past_the_limit_keep_their_categories),
        CS_TEST(event_sinks_held_after_their_iteration_are_findings),
        CS_TEST(a_leaking_allocation_site_is_one_line_naming_site_and_call),
        CS_TEST(a_site_too_long_for_a_finding_keeps_whole_frames), NULL
    };

    return cs_run_tests("release_rules", NULL, NULL, tests);
}
