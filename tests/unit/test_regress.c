/* Suite "regress": a run set beside its baseline (core/verdicts/regress.c):
 * what counts as a regression, what as fixed, and what as no change. */
#include "cs_unit.h"
#include <string.h>
#include "judge.h"
#include "regress.h"
#include "test_regress.h"

cs_run base, now;
cs_change ch[24];
size_t n;

void verdict(cs_run *r, cs_metric m, cs_verdict_kind k, double slope, double lo, double hi)
{
    cs_verdict *v = &r->verdicts[r->nverdicts++];

    memset(v, 0, sizeof(*v));
    v->metric = m;
    v->kind = k;
    v->per_iteration = slope;
    v->ci_low = lo;
    v->ci_high = hi;
}

static void setup(void)
{
    memset(&base, 0, sizeof(base));
    memset(&now, 0, sizeof(now));
    base.name = now.name = "run";
    base.release.measured = now.release.measured = 1;
    memset(ch, 0, sizeof(ch));
    n = 0;
}

START_TEST(two_clean_runs_have_no_change)
{
    verdict(&base, CS_M_HEAP_BYTES, CS_V_CLEAN, 0.1, -0.2, 0.3);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_CLEAN, -0.1, -0.3, 0.2);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 0);
    ck_int_eq(n, 0);
}
END_TEST

START_TEST(clean_then_leak_now_is_a_regression)
{
    verdict(&base, CS_M_HEAP_BYTES, CS_V_CLEAN, 0.1, -0.2, 0.3);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_LEAK, 24, 23.5, 24.5);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 1);
    ck_int_eq(ch[0].kind, CS_CHANGE_REGRESSION);
    ck_assert_str_eq(ch[0].subject, "heap_bytes");
    ck_assert_str_eq(ch[0].text, "heap_bytes: clean then, leak now (+24.0 bytes/iteration)");
    ck_assert_str_eq(ch[0].run, "run");
    ck_int_eq(cs_regress_count(ch, n, CS_CHANGE_REGRESSION), 1);
    ck_int_eq(cs_regress_count(ch, n, CS_CHANGE_FIXED), 0);
}
END_TEST

START_TEST(a_plateau_then_and_a_leak_now_is_a_regression)
{
    verdict(&base, CS_M_HEAP_BLOCKS, CS_V_PLATEAU, 0, 0, 0);
    verdict(&now, CS_M_HEAP_BLOCKS, CS_V_LEAK, 1, 1, 1);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 1);
    ck_assert_str_eq(ch[0].text, "heap_blocks: plateau then, leak now (+1.0 blocks/iteration)");
}
END_TEST

START_TEST(a_leak_whose_interval_rises_above_the_baseline_is_a_regression)
{
    verdict(&base, CS_M_HEAP_BYTES, CS_V_LEAK, 24, 23, 25);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_LEAK, 48, 47, 49);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 1);
    ck_int_eq(ch[0].kind, CS_CHANGE_REGRESSION);
    ck_assert_str_eq(ch[0].text, "heap_bytes: slope up beyond both intervals, +24.0 then "
                     "[+23.0, +25.0], +48.0 now [+47.0, +49.0] bytes/iteration");
}
END_TEST

START_TEST(intervals_that_touch_are_no_regression)
{
    /* now's low end equal to the baseline's high end: not beyond it */
    verdict(&base, CS_M_HEAP_BYTES, CS_V_LEAK, 24, 23, 25);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_LEAK, 26, 25, 27);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 0);
}
END_TEST

START_TEST(a_leak_gone_is_fixed)
{
    verdict(&base, CS_M_HEAP_BYTES, CS_V_LEAK, 24, 23, 25);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_CLEAN, 0, -0.1, 0.1);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 1);
    ck_int_eq(ch[0].kind, CS_CHANGE_FIXED);
    ck_assert_str_eq(ch[0].text, "heap_bytes: leak then (+24.0 bytes/iteration), clean now");
    ck_int_eq(cs_regress_count(ch, n, CS_CHANGE_REGRESSION), 0);
}
END_TEST

START_TEST(an_inconclusive_side_is_no_change)
{
    verdict(&base, CS_M_HEAP_BYTES, CS_V_INCONCLUSIVE, 0, 0, 0);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_LEAK, 24, 23, 25);
    verdict(&base, CS_M_HEAP_BLOCKS, CS_V_LEAK, 1, 1, 1);
    verdict(&now, CS_M_HEAP_BLOCKS, CS_V_INCONCLUSIVE, 0, 0, 0);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 0);
}
END_TEST

START_TEST(a_metric_the_baseline_did_not_measure_is_no_change)
{
    verdict(&now, CS_M_LIVE_OBJECTS, CS_V_LEAK, 1, 1, 1);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 0);
}
END_TEST

START_TEST(the_working_set_compares_only_at_leak_any)
{
    verdict(&base, CS_M_WORKING_SET, CS_V_CLEAN, 0, -10, 10);
    verdict(&now, CS_M_WORKING_SET, CS_V_LEAK, 400, 300, 500);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 0);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_ALL, ch, &n, 16), 1);
    ck_assert_str_eq(ch[0].subject, "working_set_bytes");
}
END_TEST

START_TEST(a_counter_standing_in_for_the_heap_compares_at_leak)
{
    verdict(&base, CS_M_WORKING_SET, CS_V_CLEAN, 0, -10, 10);
    verdict(&now, CS_M_WORKING_SET, CS_V_LEAK, 400, 300, 500);
    now.verdicts[0].stands_in = 1;
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 1);
}
END_TEST

START_TEST(a_new_finding_kind_is_a_regression_and_a_gone_one_is_fixed)
{
    base.release.findings[0] = "unload: the DLL is still loaded";
    base.release.nfindings = 1;
    now.release.findings[0] = "refcount leak: 1 outstanding per iteration (created)";
    now.release.findings[1] = "refcount leak: 2 outstanding (sink)";
    now.release.nfindings = 2;
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 3);
    ck_int_eq(ch[0].kind, CS_CHANGE_REGRESSION);
    ck_assert_str_eq(ch[0].subject, "refcount leak");
    ck_assert_str_eq(ch[0].text, "new finding: refcount leak: 1 outstanding per iteration (created)");
    ck_int_eq(ch[2].kind, CS_CHANGE_FIXED);
    ck_assert_str_eq(ch[2].text, "finding gone: unload: the DLL is still loaded");
}
END_TEST

START_TEST(the_same_finding_kind_in_both_runs_is_no_change)
{
    base.release.findings[0] = "unload: the DLL is still loaded";
    base.release.nfindings = 1;
    now.release.findings[0] = "unload: the DLL is still loaded after FreeLibrary";
    now.release.nfindings = 1;
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 0);
}
END_TEST

START_TEST(findings_are_compared_only_when_both_runs_made_release_checks)
{
    base.release.measured = 0;
    now.release.findings[0] = "refcount leak: 1 outstanding per iteration (created)";
    now.release.nfindings = 1;
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16), 0);
}
END_TEST

START_TEST(changes_past_the_room_are_counted_not_written)
{
    verdict(&base, CS_M_HEAP_BYTES, CS_V_CLEAN, 0, -1, 1);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_LEAK, 24, 23, 25);
    verdict(&base, CS_M_HEAP_BLOCKS, CS_V_CLEAN, 0, -1, 1);
    verdict(&now, CS_M_HEAP_BLOCKS, CS_V_LEAK, 1, 1, 1);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 1), 2);
    ck_int_eq(n, 1);
    ck_assert_str_eq(ch[0].subject, "heap_bytes");
}
END_TEST

START_TEST(a_regression_fails_the_run_only_when_the_gate_holds_regression)
{
    cs_judgement j;

    verdict(&base, CS_M_HEAP_BYTES, CS_V_CLEAN, 0, -1, 1);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_CLEAN, 0, -1, 1);
    base.release.findings[0] = "unload: the DLL is still loaded";
    base.release.nfindings = 1;
    now.release.findings[0] = "refcount leak: 1 outstanding per iteration (created)";
    now.release.categories[0] = CS_FAIL_REFS;
    now.release.nfindings = 1;
    n = 0;
    cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16);
    cs_regress_attach(&now, "Z:/base", ch, n, cs_regress_count(ch, n, CS_CHANGE_REGRESSION));
    ck_assert_str_eq(now.baseline, "Z:/base");
    ck_int_eq(now.nchanges, 2);
    ck_int_eq(now.regressions, 1);
    ck_int_eq(now.change_regression[0], 1);        /* regressions first */
    ck_assert_str_eq(now.changes[1], "finding gone: unload: the DLL is still loaded");
    /* the refcount finding is left out of the gate, its novelty is not */
    ck_int_eq(cs_judge(&now, CS_FAIL_LEAK | CS_FAIL_REGRESSION | CS_FAIL_UNLOAD, &j), 1);
    ck_assert_uint_eq(j.failed, CS_FAIL_REGRESSION);
    ck_assert_str_eq(j.reasons[0], "regression against the baseline: new finding: refcount leak: "
                     "1 outstanding per iteration (created)");
    ck_int_eq(cs_judge(&now, CS_FAIL_LEAK | CS_FAIL_UNLOAD, &j), 0);
    now.baseline = NULL;                            /* no baseline: nothing to regress from */
    ck_int_eq(cs_judge(&now, CS_FAIL_LEAK | CS_FAIL_REGRESSION | CS_FAIL_UNLOAD, &j), 0);
}
END_TEST

START_TEST(a_run_that_only_got_better_passes)
{
    cs_judgement j;

    verdict(&base, CS_M_HEAP_BYTES, CS_V_LEAK, 24, 23, 25);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_CLEAN, 0, -1, 1);
    n = 0;
    cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 16);
    cs_regress_attach(&now, "Z:/base", ch, n, cs_regress_count(ch, n, CS_CHANGE_REGRESSION));
    ck_int_eq(now.nchanges, 1);
    ck_int_eq(now.change_regression[0], 0);
    ck_int_eq(cs_judge(&now, CS_FAIL_ALL, &j), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("regress");
    TCase *tc = tcase_create("regress");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, two_clean_runs_have_no_change);
    tcase_add_test(tc, clean_then_leak_now_is_a_regression);
    tcase_add_test(tc, a_plateau_then_and_a_leak_now_is_a_regression);
    tcase_add_test(tc, a_leak_whose_interval_rises_above_the_baseline_is_a_regression);
    tcase_add_test(tc, intervals_that_touch_are_no_regression);
    tcase_add_test(tc, a_leak_gone_is_fixed);
    tcase_add_test(tc, an_inconclusive_side_is_no_change);
    tcase_add_test(tc, a_metric_the_baseline_did_not_measure_is_no_change);
    tcase_add_test(tc, the_working_set_compares_only_at_leak_any);
    tcase_add_test(tc, a_counter_standing_in_for_the_heap_compares_at_leak);
    tcase_add_test(tc, a_new_finding_kind_is_a_regression_and_a_gone_one_is_fixed);
    tcase_add_test(tc, the_same_finding_kind_in_both_runs_is_no_change);
    tcase_add_test(tc, findings_are_compared_only_when_both_runs_made_release_checks);
    tcase_add_test(tc, changes_past_the_room_are_counted_not_written);
    tcase_add_test(tc, a_regression_fails_the_run_only_when_the_gate_holds_regression);
    tcase_add_test(tc, a_run_that_only_got_better_passes);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, regress_edges_tcase(setup));
    return cs_run_suite(s);
}
