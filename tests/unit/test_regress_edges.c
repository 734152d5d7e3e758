/*
 * The regression gate at its edges (core/verdicts/regress.c): a baseline
 * whose counter stood in for the heap, sides not measured, findings
 * without a kind or with one longer than a subject holds, release checks
 * made on one side only, and more changes than a run lists.
 */
#include "cs_unit.h"
#include <stdio.h>
#include <string.h>
#include "options.h"
#include "regress.h"
#include "test_regress.h"

START_TEST(a_baseline_counter_that_stood_in_for_the_heap_compares_at_leak)
{
    verdict(&base, CS_M_WORKING_SET, CS_V_CLEAN, 0, -1, 1);
    base.verdicts[0].stands_in = 1;
    verdict(&now, CS_M_WORKING_SET, CS_V_LEAK, 40, 38, 42);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 24), 1);
    ck_int_eq(ch[0].kind, CS_CHANGE_REGRESSION);
    ck_assert_str_eq(ch[0].text, "working_set_bytes: clean then, leak now (+40.0 bytes/iteration)");
}
END_TEST

START_TEST(a_side_not_measured_or_inconclusive_is_no_change)
{
    verdict(&base, CS_M_HEAP_BYTES, CS_V_NOT_MEASURED, 0, 0, 0);
    verdict(&now, CS_M_HEAP_BYTES, CS_V_LEAK, 40, 38, 42);
    verdict(&base, CS_M_HEAP_BLOCKS, CS_V_CLEAN, 0, 0, 0);
    verdict(&now, CS_M_HEAP_BLOCKS, CS_V_NOT_MEASURED, 0, 0, 0);
    verdict(&base, CS_M_HANDLES, CS_V_LEAK, 1, 1, 1);
    verdict(&now, CS_M_HANDLES, CS_V_INCONCLUSIVE, 0, 0, 0);
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 24), 0);
    ck_int_eq(n, 0);
}
END_TEST

START_TEST(findings_are_matched_by_their_kind_whole_lines_and_long_kinds_cut)
{
    static char long_kind[120];

    memset(long_kind, 'k', 100);
    snprintf(long_kind + 100, sizeof(long_kind) - 100, ": 1");
    base.release.nfindings = 2;
    base.release.findings[0] = NULL;
    base.release.findings[1] = "no colon here";
    now.release.nfindings = 3;
    now.release.findings[0] = "no colon here";
    now.release.findings[1] = NULL;
    now.release.findings[2] = long_kind;
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 24), 1);
    ck_int_eq(ch[0].kind, CS_CHANGE_REGRESSION);
    ck_int_eq(strlen(ch[0].subject), 63);
    ck_assert(strspn(ch[0].subject, "k") == 63);
    ck_assert_str_eq(ch[0].text + strlen(ch[0].text) - 3, ": 1");
    ck_assert(strncmp(ch[0].text, "new finding: kkkk", 17) == 0);
    /* release checks made on one side only: findings are not compared */
    n = 0;
    base.release.measured = 0;
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 24), 0);
    base.release.measured = 1;
    now.release.measured = 0;
    ck_int_eq(cs_regress_run(&base, &now, CS_FAIL_DEFAULT, ch, &n, 24), 0);
}
END_TEST

START_TEST(a_run_lists_regressions_first_and_at_most_sixteen_changes)
{
    size_t i;

    for (i = 0; i < 20; i++) {
        ch[i].kind = i % 2 ? CS_CHANGE_REGRESSION : CS_CHANGE_FIXED;
        snprintf(ch[i].text, sizeof(ch[i].text), "change %u", (unsigned)i);
    }
    cs_regress_attach(&now, "old", ch, 20, 10);
    ck_int_eq(now.nchanges, CS_MAX_CHANGES);
    ck_int_eq(now.regressions, 10);
    ck_assert_str_eq(now.baseline, "old");
    ck_assert_str_eq(now.changes[0], "change 1");
    ck_assert_str_eq(now.changes[9], "change 19");
    ck_int_eq(now.change_regression[9], 1);
    ck_assert_str_eq(now.changes[10], "change 0");
    ck_assert_str_eq(now.changes[15], "change 10");
    ck_int_eq(now.change_regression[15], 0);
}
END_TEST

TCase *regress_edges_tcase(void (*setup)(void))
{
    TCase *tc = tcase_create("edges");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, a_baseline_counter_that_stood_in_for_the_heap_compares_at_leak);
    tcase_add_test(tc, a_side_not_measured_or_inconclusive_is_no_change);
    tcase_add_test(tc, findings_are_matched_by_their_kind_whole_lines_and_long_kinds_cut);
    tcase_add_test(tc, a_run_lists_regressions_first_and_at_most_sixteen_changes);
    return tc;
}
