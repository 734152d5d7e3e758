/*
 * Suite "judge": whether a run fails and why, from its figures and the
 * gate (core/verdicts/judge.h). Pure.
 */
#include <stdio.h>
#include <string.h>
#include "cs_unit.h"
#include "judge.h"
#include "release_rules.h"
#include "status.h"

static cs_run r;
static cs_release_store st;
static cs_judgement j;
static char line[512];

#define NO_UNLOAD (CS_FAIL_LEAK | CS_FAIL_REFS | CS_FAIL_OBJECTS | CS_FAIL_BLOCKS)

static void fresh(void)
{
    memset(&r, 0, sizeof(r));
    memset(&st, 0, sizeof(st));
    cs_release_init(&r.release);
    r.name = "run/type";
}

/* One verdict of metric m, of kind k, standing in or not. */
static void verdict(cs_metric m, cs_verdict_kind k, int stands_in)
{
    cs_verdict *v = &r.verdicts[r.nverdicts++];

    memset(v, 0, sizeof(*v));
    v->metric = m;
    v->kind = k;
    v->per_iteration = 24;
    v->stands_in = stands_in;
}

/* A leak of an exact metric gates with leak; a page-granular one only
 * with leak-any, unless it stands in for the heap; no leak category: a
 * leak is left out; what is no leak never gates. */
START_TEST(leak_verdicts_gate_as_the_leak_categories_say)
{
    fresh();
    verdict(CS_M_HEAP_BYTES, CS_V_LEAK, 0);
    verdict(CS_M_WORKING_SET, CS_V_LEAK, 0);
    verdict(CS_M_PAGEFILE, CS_V_LEAK, 1);
    verdict(CS_M_THREADS, CS_V_PLATEAU, 0);
    ck_int_eq(cs_judge(&r, CS_FAIL_DEFAULT, &j), 1);
    ck_int_eq(j.verdict[0], CS_G_GATES);
    ck_int_eq(j.verdict[1], CS_G_PAGE_GRANULAR);
    ck_int_eq(j.verdict[2], CS_G_GATES);
    ck_int_eq(j.verdict[3], CS_G_NOT_A_LEAK);
    ck_int_eq(j.gated, 2);
    ck_assert_uint_eq(j.failed, CS_FAIL_LEAK);
    ck_assert_str_eq(j.reasons[0], "heap_bytes grows: leak, +24.00 bytes per iteration");
    ck_assert_str_eq(cs_judge_verdict_why(&j, 1), "page-granular: gates only with --fail-on leak-any");
    ck_assert_ptr_null(cs_judge_verdict_why(&j, 0));
    ck_int_eq(cs_judge(&r, CS_FAIL_ALL, &j), 1);
    ck_int_eq(j.gated, 3);
    ck_assert_uint_eq(j.failed, CS_FAIL_LEAK | CS_FAIL_LEAK_ANY);
    ck_int_eq(cs_judge(&r, CS_FAIL_RELEASE, &j), 0);           /* --fail-on none */
    ck_int_eq(j.verdict[0], CS_G_LEFT_OUT);
    ck_int_eq(j.verdict[1], CS_G_LEFT_OUT);
    ck_assert_str_eq(cs_judge_verdict_why(&j, 0), "left out by --fail-on");
    ck_int_eq(j.nreasons, 0);
}
END_TEST

/* A finding outside the gate is listed, marked, and passes; one inside
 * fails, whatever order they came in. */
START_TEST(findings_outside_the_gate_are_listed_marked_and_pass)
{
    fresh();
    r.release.can_unload = 0;
    cs_release_judge_unload(&r.release, &st, 1, "CoFreeUnusedLibrariesEx(0, 0)");
    ck_int_eq(cs_judge(&r, NO_UNLOAD, &j), 0);
    ck_int_eq(j.finding[0], CS_G_LEFT_OUT);
    ck_assert_str_eq(cs_judge_finding_line(&r, &j, 0, line, sizeof(line)),
                     "unload: DllCanUnloadNow says S_FALSE after every object was released (left out by --fail-on)");
    cs_release_judge_site(&r.release, &st, "Echo('x')", 100, 1600, 100);
    ck_int_eq(cs_judge(&r, NO_UNLOAD, &j), 1);
    ck_int_eq(j.release_fails, 1);
    ck_assert_uint_eq(j.failed, CS_FAIL_BLOCKS);
    ck_int_eq(j.nreasons, 1);
    ck_assert_str_eq(j.reasons[0], "BSTR/CoTaskMem leak: Echo('x'), 1.0 blocks (16 bytes) per call");
    ck_assert_str_eq(cs_judge_finding_line(&r, &j, 1, line, sizeof(line)),
                     "BSTR/CoTaskMem leak: Echo('x'), 1.0 blocks (16 bytes) per call");
    ck_int_eq(cs_judge(&r, CS_FAIL_UNLOAD, &j), 1);                /* the other way round */
    ck_int_eq(j.finding[0], CS_G_GATES);
    ck_int_eq(j.finding[1], CS_G_LEFT_OUT);
    ck_assert_str_eq(cs_judge_finding_line(&r, &j, 0, line, sizeof(line)),
                     "unload: DllCanUnloadNow says S_FALSE after every object was released");
    ck_int_eq(cs_judge(&r, CS_FAIL_OBJECTS | CS_FAIL_REFS, &j), 0);
    ck_int_eq(j.gated, 0);
}
END_TEST

/* An unload finding that fails a run against a server that is not ours
 * says, once, how to leave the category out, with the gate's other
 * categories; against ours (the probe), or when no value can say it
 * (unload the only release category), it does not. */
START_TEST(an_unload_failure_of_a_foreign_server_says_how_to_leave_it_out)
{
    fresh();
    r.release.can_unload = 0;
    r.release.unloaded = 0;
    cs_release_judge_unload(&r.release, &st, 0, "FreeLibrary");
    cs_judge(&r, CS_FAIL_DEFAULT, &j);
    ck_assert_str_eq(cs_judge_finding_line(&r, &j, 0, line, sizeof(line)),
                     "unload: DllCanUnloadNow says S_FALSE after every object was released "
                     "(a server that never unloads by design: --fail-on leak,refs,objects,blocks,regression)");
    ck_assert_str_eq(cs_judge_finding_line(&r, &j, 1, line, sizeof(line)),
                     "unload: the server DLL is still loaded after FreeLibrary");
    cs_judge(&r, CS_FAIL_LEAK | CS_FAIL_LEAK_ANY | CS_FAIL_REFS | CS_FAIL_UNLOAD, &j);
    ck_assert_str_eq(cs_judge_finding_line(&r, &j, 0, line, sizeof(line)),
                     "unload: DllCanUnloadNow says S_FALSE after every object was released "
                     "(a server that never unloads by design: --fail-on leak-any,refs)");
    cs_judge(&r, CS_FAIL_LEAK | CS_FAIL_UNLOAD, &j);
    ck_assert_str_eq(cs_judge_finding_line(&r, &j, 0, line, sizeof(line)),
                     "unload: DllCanUnloadNow says S_FALSE after every object was released");
    r.release.foreign = 0;
    cs_judge(&r, CS_FAIL_DEFAULT, &j);
    ck_assert_str_eq(cs_judge_finding_line(&r, &j, 0, line, sizeof(line)),
                     "unload: DllCanUnloadNow says S_FALSE after every object was released");
}
END_TEST

/* Findings past the list still count, each by its category. */
START_TEST(findings_past_the_list_are_judged_by_their_category)
{
    int i;

    fresh();
    for (i = 0; i < CS_MAX_FINDINGS + 1; i++)
        cs_release_add(&r.release, &st, i < CS_MAX_FINDINGS ? CS_FAIL_OBJECTS : CS_FAIL_REFS, "finding %d", i);
    ck_int_eq(cs_judge(&r, CS_FAIL_REFS, &j), 1);
    ck_int_eq(j.gated, 1);
    ck_assert_str_eq(j.reasons[0], "more release findings than a run lists (16)");
    ck_int_eq(cs_judge(&r, CS_FAIL_UNLOAD, &j), 0);
    ck_int_eq(cs_judge(&r, CS_FAIL_OBJECTS, &j), 1);
    ck_int_eq(j.gated, CS_MAX_FINDINGS);
    ck_int_eq(j.nreasons, CS_MAX_FINDINGS);                  /* counted past those kept */
    ck_assert_str_eq(j.reasons[CS_JUDGE_REASONS - 1], "finding 7");
}
END_TEST

/* A run that ended with an error fails whatever the gate, saying so
 * first; a clean run passes every gate. */
START_TEST(an_error_fails_the_run_whatever_the_gate)
{
    fresh();
    verdict(CS_M_HEAP_BYTES, CS_V_CLEAN, 0);
    ck_int_eq(cs_judge(&r, CS_FAIL_ALL, &j), 0);
    ck_int_eq(j.nreasons, 0);
    r.error = "interrupted by Ctrl-C after 120 of 20000 iterations";
    ck_int_eq(cs_judge(&r, CS_FAIL_RELEASE, &j), 1);
    ck_int_eq(j.gated, 0);
    ck_assert_str_eq(j.reasons[0], "the run ended: interrupted by Ctrl-C after 120 of 20000 iterations");
}
END_TEST

/* Finding lines of a record written before categories: the category
 * from the first words, the notes the live judge then wrote cut off. */
START_TEST(an_old_finding_line_gives_its_category_and_loses_its_note)
{
    char a[] = "unload: DllCanUnloadNow says S_FALSE after every object was released (left out by --fail-on)";
    char b[] = "unload: the server DLL is still loaded after FreeLibrary (a server that never unloads by "
               "design: --fail-on leak,refs,objects,blocks,regression)";
    char c[] = "object leak: server objects 1 never freed per iteration (server live-object counter)";
    char d[] = "sink cycle: never unadvised (advise @c), 2 held per iteration";
    char e[] = "heap leak: 24 B per call of Add(1), allocated in f (f.c:1)";
    char f[] = "something else";

    ck_assert_uint_eq(cs_judge_category_of(a), CS_FAIL_UNLOAD);
    ck_assert_str_eq(a, "unload: DllCanUnloadNow says S_FALSE after every object was released");
    ck_assert_uint_eq(cs_judge_category_of(b), CS_FAIL_UNLOAD);
    ck_assert_str_eq(b, "unload: the server DLL is still loaded after FreeLibrary");
    ck_assert_uint_eq(cs_judge_category_of(c), CS_FAIL_OBJECTS);
    ck_assert_str_eq(c, "object leak: server objects 1 never freed per iteration (server live-object counter)");
    ck_assert_uint_eq(cs_judge_category_of(d), CS_FAIL_REFS);
    ck_assert_uint_eq(cs_judge_category_of(e), CS_FAIL_BLOCKS);
    ck_assert_uint_eq(cs_judge_category_of(f), 0);
}
END_TEST

/* Of several runs, one failing under its own gate fails them all. */
START_TEST(any_run_failing_under_its_own_gate_fails_the_set)
{
    cs_run runs[2];

    fresh();
    r.release.can_unload = 0;
    cs_release_judge_unload(&r.release, &st, 1, "CoFreeUnusedLibrariesEx(0, 0)");
    runs[0] = r;
    runs[1] = r;
    runs[0].fail_on = runs[1].fail_on = NO_UNLOAD;
    ck_int_eq(cs_judge_any(runs, 2), 0);
    runs[1].fail_on = CS_FAIL_DEFAULT;
    ck_int_eq(cs_judge_any(runs, 2), 1);
    ck_int_eq(cs_judge_any(runs, 1), 0);
}
END_TEST

/* One status, one exit code and one word, both ways; a completed
 * session's exit code is the judge's: 1 when a run fails, else 0. */
START_TEST(a_status_has_one_exit_code_and_one_word)
{
    static const struct { cs_status st; int code; const char *word, *phase; } want[] = {
        { CS_ST_COMPLETED, CS_EXIT_OK, "completed", "passed" },
        { CS_ST_INTERRUPTED, CS_EXIT_INTERRUPTED, "interrupted", "interrupted" },
        { CS_ST_CRASHED, CS_EXIT_CRASH, "crashed", "crashed" },
        { CS_ST_HUNG, CS_EXIT_HANG, "hung", "hung" },
        { CS_ST_CANNOT_WRITE, CS_EXIT_OUTPUT, "could not write", "error" },
        { CS_ST_CALL_FAILED, CS_EXIT_CALL, "call failed", "error" },
        { CS_ST_TARGET_FAILED, CS_EXIT_TARGET, "target failed", "error" },
        { CS_ST_USAGE, CS_EXIT_USAGE, "bad command line", "error" },
        { CS_ST_INTERNAL, CS_EXIT_INTERNAL, "internal error", "error" },
    };
    cs_run runs[1];
    size_t i;

    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        ck_int_eq(cs_status_exit(want[i].st), want[i].code);
        ck_int_eq(cs_status_of_exit(want[i].code), want[i].st);
        ck_assert_str_eq(cs_status_word(want[i].st), want[i].word);
        ck_int_eq(cs_status_from_word(want[i].word), want[i].st);
        ck_assert_str_eq(cs_status_phase_end(want[i].st, 0), want[i].phase);
    }
    ck_int_eq(cs_status_of_exit(CS_EXIT_VERDICT), CS_ST_COMPLETED);
    ck_int_eq(cs_status_of_exit(77), CS_ST_INTERNAL);
    ck_int_eq(cs_status_from_word("finished"), CS_ST_COUNT);
    ck_assert_str_eq(cs_status_phase_end(CS_ST_COMPLETED, 1), "failed");
    fresh();
    r.release.can_unload = 0;
    cs_release_judge_unload(&r.release, &st, 1, "CoFreeUnusedLibrariesEx(0, 0)");
    runs[0] = r;
    runs[0].fail_on = CS_FAIL_DEFAULT;
    ck_int_eq(cs_session_exit(CS_ST_COMPLETED, runs, 1), CS_EXIT_VERDICT);
    ck_int_eq(cs_session_exit(CS_ST_INTERRUPTED, runs, 1), CS_EXIT_INTERRUPTED);
    runs[0].fail_on = NO_UNLOAD;
    ck_int_eq(cs_session_exit(CS_ST_COMPLETED, runs, 1), CS_EXIT_OK);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(leak_verdicts_gate_as_the_leak_categories_say),
        CS_TEST(findings_outside_the_gate_are_listed_marked_and_pass),
        CS_TEST(an_unload_failure_of_a_foreign_server_says_how_to_leave_it_out),
        CS_TEST(findings_past_the_list_are_judged_by_their_category),
        CS_TEST(an_error_fails_the_run_whatever_the_gate),
        CS_TEST(an_old_finding_line_gives_its_category_and_loses_its_note),
        CS_TEST(any_run_failing_under_its_own_gate_fails_the_set),
        CS_TEST(a_status_has_one_exit_code_and_one_word), NULL
    };

    return cs_run_tests("judge", NULL, NULL, tests);
}
