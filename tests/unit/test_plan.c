/*
 * Suite "plan": a run's options resolved once into its plan
 * (core/samples/plan.h): the policies, the schedule, the gate. Pure.
 */
#include <stdarg.h>
#include <string.h>
#include "cs_unit.h"
#include "plan.h"

static cs_options o;
static cs_plan p;

/* Parses the words (NULL-terminated, after "comstress") and resolves
 * them into p; fails the test on a bad command line. */
static void plan_of(const char *first, ...)
{
    char *argv[32], err[CS_ERR_LEN];
    const char *w;
    int argc = 0;
    va_list ap;

    argv[argc++] = "comstress";
    va_start(ap, first);
    for (w = first; w && argc < 31; w = va_arg(ap, const char *))
        argv[argc++] = (char *)w;
    va_end(ap);
    ck_assert_msg(cs_options_parse(argc, argv, &o, err, sizeof(err)) == CS_EXIT_OK, "%s", err);
    cs_plan_resolve(&o, &p);
}

/* run: --cache's one policy; compare: every policy, in the list's order. */
START_TEST(run_plans_its_policy_and_compare_every_policy_in_order)
{
    plan_of("run", "--cache", "instance", NULL);
    ck_int_eq(p.compare, 0);
    ck_int_eq(p.npolicies, 1);
    ck_int_eq(p.policies[0], CS_POLICY_INSTANCE);
    plan_of("compare", NULL);
    ck_int_eq(p.compare, 1);
    ck_int_eq(p.npolicies, CS_NPOLICIES);
    ck_int_eq(p.policies[0], CS_POLICY_NONE);
    ck_int_eq(p.policies[3], CS_POLICY_INSTANCE_UNBOUNDED);
    ck_assert_str_eq(cs_policy_names[p.policies[3]], "instance-unbounded");
}
END_TEST

/* The schedule is derived here once: about 200 samples a run (at least
 * one iteration apart), a tenth as warm-up, heap walks within budget;
 * --sample-every fixes the interval and walks the heap at every sample,
 * as --heap-walk every does. */
START_TEST(the_schedule_is_derived_once_from_the_iterations)
{
    plan_of("run", "--iterations", "3000", NULL);
    ck_int_eq(p.iterations, 3000);
    ck_int_eq(p.sample_every, 15);
    ck_int_eq(p.sample_every_given, 0);
    ck_int_eq(p.warmup, 300);
    ck_int_eq(p.warmup_given, 0);
    ck_int_eq(p.walk_every, 0);
    plan_of("run", "--iterations", "150", NULL);
    ck_int_eq(p.sample_every, 1);
    plan_of("run", "--iterations", "3000", "--sample-every", "7", "--warmup", "0", NULL);
    ck_int_eq(p.sample_every, 7);
    ck_int_eq(p.sample_every_given, 1);
    ck_int_eq(p.walk_every, 1);
    ck_int_eq(p.warmup, 0);
    ck_int_eq(p.warmup_given, 1);
    plan_of("run", "--heap-walk", "every", NULL);
    ck_int_eq(p.walk_every, 1);
    ck_int_eq(p.sample_every, 100);
}
END_TEST

/* The gate travels whole: the default, or --fail-on's categories. */
START_TEST(the_gate_is_fail_on_whole)
{
    plan_of("run", NULL);
    ck_assert_uint_eq(p.gate, CS_FAIL_DEFAULT);
    plan_of("compare", "--fail-on", "leak,refs,objects,blocks", NULL);
    ck_assert_uint_eq(p.gate, CS_FAIL_LEAK | CS_FAIL_REFS | CS_FAIL_OBJECTS | CS_FAIL_BLOCKS);
}
END_TEST

/* A soak (--duration): the clock ends it, a warm-up the runner marks,
 * samples from the first iteration, a row budget; what is given stays. */
START_TEST(a_soak_starts_sampling_at_once_and_keeps_what_is_given)
{
    plan_of("run", "--duration", "90", NULL);
    ck_assert(p.duration_s == 90);
    ck_assert(p.warmup == CS_SOAK_ITERATIONS);
    ck_int_eq(p.warmup_given, 0);
    ck_int_eq(p.sample_every, 1);
    ck_int_eq(p.sample_every_given, 0);
    ck_int_eq(p.row_budget, CS_SOAK_ROW_BUDGET);
    ck_int_eq(p.walk_every, 0);
    plan_of("run", "--duration", "90", "--warmup", "50", "--sample-every", "9", NULL);
    ck_int_eq(p.warmup, 50);
    ck_int_eq(p.sample_every, 9);
    ck_int_eq(p.row_budget, CS_SOAK_ROW_BUDGET);
    ck_int_eq(p.walk_every, 1);
    plan_of("run", NULL);
    ck_int_eq(p.row_budget, 0);
}
END_TEST

/* A progress line every 10 s unless --progress says otherwise; options
 * made without the parser (no gate at all) gate as the default does. */
START_TEST(progress_defaults_to_ten_seconds_and_a_missing_gate_to_the_default)
{
    plan_of("run", NULL);
    ck_assert(p.progress_s == 10);
    plan_of("run", "--progress", "3", NULL);
    ck_assert(p.progress_s == 3);
    memset(&o, 0, sizeof(o));
    o.iterations = 1000;
    cs_plan_resolve(&o, &p);
    ck_assert_uint_eq(p.gate, CS_FAIL_DEFAULT);
    ck_assert(p.progress_s == 10);
    ck_int_eq(p.iterations, 1000);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(run_plans_its_policy_and_compare_every_policy_in_order),
        CS_TEST(the_schedule_is_derived_once_from_the_iterations),
        CS_TEST(the_gate_is_fail_on_whole),
        CS_TEST(a_soak_starts_sampling_at_once_and_keeps_what_is_given),
        CS_TEST(progress_defaults_to_ten_seconds_and_a_missing_gate_to_the_default), NULL
    };

    return cs_run_tests("plan", NULL, NULL, tests);
}
