/*
 * Suite "stats", test case "edges": the leak verdict at its boundaries
 * (core/verdicts/stats.c): the half-page step of a staircase, the
 * interval exactly at the threshold, min_steps, a tail at exactly half
 * the threshold. Noise-free series, so each boundary is met exactly.
 * Part of test_stats.
 */
#include <math.h>
#include "cs_unit.h"
#include "stats.h"

#define NPTS 201            /* 0..20,000 iterations, a sample every 100 */
#define STEP 100
#define WARMUP 2000

/* The median leaves NaN out, is NaN for nothing, and takes the mean of
 * two values near the largest double through their halves. */
START_TEST(a_median_leaves_nan_out_and_does_not_overflow)
{
    const double none[] = { NAN, NAN }, some[] = { NAN, 3, 1, NAN }, big[] = { 1.5e308, 1.7e308 };
    const double inf[] = { INFINITY, INFINITY };

    ck_assert(isnan(cs_median(none, 0)));
    ck_assert(isnan(cs_median(none, 2)));
    ck_assert(cs_median(some, 4) == 2);
    ck_assert(cs_median(big, 2) == 1.6e308);
    ck_assert(cs_median(inf, 2) == INFINITY);
}
END_TEST

TCase *stats_edges_tcase(void);

static double xs[NPTS], ys[NPTS];

/* y = base + slope * x, sampled every STEP iterations. */
static void make_line(double base, double slope)
{
    int i;

    for (i = 0; i < NPTS; i++) {
        xs[i] = (double)i * STEP;
        ys[i] = base + slope * xs[i];
    }
}

static cs_verdict_kind verdict_for(cs_metric m, cs_verdict *v)
{
    cs_leak_params p;

    cs_leak_params_default(m, -1, &p);
    return cs_leak_verdict(xs, ys, NPTS, WARMUP, &p, v);
}

static const char *kind(cs_verdict_kind k)
{
    return cs_verdict_name(k);
}

/* Working set rising by `step` bytes at every sample (every 100
 * iterations), from 8 MiB. */
static void make_steps(double step)
{
    int i;

    for (i = 0; i < NPTS; i++) {
        xs[i] = (double)i * STEP;
        ys[i] = (8 << 20) + step * i;
    }
}

/* A staircase counts steps of half a page or more: 3,000-byte steps (30
 * bytes an iteration) are a leak; a step of exactly 2,048 bytes is a
 * step, one of 2,047 is not (below that the rise is too smooth for
 * page-granular memory and stays inconclusive). */
START_TEST(a_staircase_of_steps_of_half_a_page_or_more_is_a_leak)
{
    cs_verdict v;

    make_steps(3000);
    ck_assert_str_eq(kind(verdict_for(CS_M_WORKING_SET, &v)), "leak");
    ck_assert_double_eq_tol(v.per_iteration, 30, 1e-9);
    make_steps(2048);
    ck_assert_str_eq(kind(verdict_for(CS_M_WORKING_SET, &v)), "leak");
    make_steps(2047);
    ck_assert_str_eq(kind(verdict_for(CS_M_WORKING_SET, &v)), "inconclusive");
    /* a byte metric has no quantum: the same smooth rise is a leak */
    ck_assert_str_eq(kind(verdict_for(CS_M_HEAP_BYTES, &v)), "leak");
}
END_TEST

/* A noise-free rise of exactly 2 bytes an iteration against a threshold
 * at 2: the interval [2, 2] is neither above nor below it, so the
 * verdict is inconclusive; a threshold a hair below makes it a leak, a
 * hair above clean. */
START_TEST(a_slope_exactly_at_the_threshold_is_neither_leak_nor_clean)
{
    cs_leak_params p;
    cs_verdict v;

    make_line(1 << 20, 2);
    cs_leak_params_default(CS_M_HEAP_BYTES, -1, &p);
    p.threshold = 2;
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, WARMUP, &p, &v)), "inconclusive");
    ck_assert_double_eq(v.ci_low, 2);
    ck_assert_double_eq(v.ci_high, 2);
    p.threshold = nextafter(2, 0);
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, WARMUP, &p, &v)), "leak");
    p.threshold = nextafter(2, 3);
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, WARMUP, &p, &v)), "clean");
}
END_TEST

/* A page staircase needs at least min_steps upward steps: the steady
 * 24 bytes/iteration staircase has k of them after the warm-up; with
 * min_steps k it is a leak, with k + 1 not. */
START_TEST(a_staircase_needs_at_least_min_steps_steps)
{
    cs_leak_params p;
    cs_verdict v;
    int i;
    size_t k = 0;

    for (i = 0; i < NPTS; i++) {
        xs[i] = (double)i * STEP;
        ys[i] = (8 << 20) + 4096 * floor(24 * xs[i] / 4096);
        if (i > WARMUP / STEP && ys[i] - ys[i - 1] >= 2048)
            k++;
    }
    ck_assert_msg(k > 50, "%lu steps", (unsigned long)k);
    cs_leak_params_default(CS_M_WORKING_SET, -1, &p);
    p.min_steps = k;
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, WARMUP, &p, &v)), "leak");
    p.min_steps = k + 1;
    ck_assert_str_ne(kind(cs_leak_verdict(xs, ys, NPTS, WARMUP, &p, &v)), "leak");
}
END_TEST

/* A rise of 10 bytes an iteration that slows to exactly 2 in the last
 * third (from 14,000 on), against a threshold of 4: a tail at exactly
 * half the threshold is not flat, so this is no plateau (inconclusive);
 * slowing to 1.99 makes it one. */
START_TEST(a_tail_at_exactly_half_the_threshold_is_not_flat)
{
    cs_leak_params p;
    cs_verdict v;
    double tail_slope[2] = { 2, 1.99 };
    int i, k;

    cs_leak_params_default(CS_M_HEAP_BYTES, -1, &p);
    p.threshold = 4;
    for (k = 0; k < 2; k++) {
        const char *want = k ? "plateau" : "inconclusive";

        for (i = 0; i < NPTS; i++) {
            xs[i] = (double)i * STEP;
            ys[i] = xs[i] < 14000 ? 10 * xs[i] : 140000 + tail_slope[k] * (xs[i] - 14000);
        }
        ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, WARMUP, &p, &v)), want);
    }
}
END_TEST

TCase *stats_edges_tcase(void)
{
    TCase *tc = tcase_create("edges");

    tcase_add_test(tc, a_staircase_of_steps_of_half_a_page_or_more_is_a_leak);
    tcase_add_test(tc, a_slope_exactly_at_the_threshold_is_neither_leak_nor_clean);
    tcase_add_test(tc, a_staircase_needs_at_least_min_steps_steps);
    tcase_add_test(tc, a_tail_at_exactly_half_the_threshold_is_not_flat);
    tcase_add_test(tc, a_median_leaves_nan_out_and_does_not_overflow);
    return tc;
}
