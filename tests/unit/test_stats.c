/* Suite "stats": Theil-Sen and the leak verdict on synthetic series with
 * deterministic pseudo-random noise, plus the model's name tables. */
#include "cs_unit.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "stats.h"
#include "judge.h"

#define NPTS 201            /* 0..20,000 iterations, a sample every 100 */
#define STEP 100
#define WARMUP 2000

static double xs[NPTS], ys[NPTS];

/* xorshift64*: the test's own reproducible noise source. */
static unsigned long long rng;

static double uniform(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

/* Approximately normal, mean 0, standard deviation sd. */
static double gauss(double sd)
{
    double s = 0;
    int i;

    for (i = 0; i < 12; i++)
        s += uniform();
    return (s - 6) * sd;
}

static void seed(unsigned long long s)
{
    rng = s * 0x9E3779B97F4A7C15ULL + 1;
}

/* y = base + slope * x + noise, sampled every STEP iterations. */
static void make_line(double base, double slope, double sd)
{
    int i;

    for (i = 0; i < NPTS; i++) {
        xs[i] = (double)i * STEP;
        ys[i] = base + slope * xs[i] + gauss(sd);
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

START_TEST(theil_sen_exact_line)
{
    double x[1000], y[1000];
    cs_fit f;
    int i;

    for (i = 0; i < 50; i++)
        x[i] = i * 10.0, y[i] = 3 + 2.5 * x[i];
    ck_assert_int_eq(cs_theil_sen(x, y, 50, &f), 0);
    ck_assert_double_eq_tol(f.slope, 2.5, 1e-12);
    ck_assert_double_eq_tol(f.intercept, 3, 1e-9);
    ck_assert_double_eq_tol(f.ci_low, 2.5, 1e-12);
    ck_assert_double_eq_tol(f.ci_high, 2.5, 1e-12);
    ck_assert_uint_eq(f.n, 50);
    /* above CS_THEIL_SEN_MAX_EXACT points: sampled pairs, same answer */
    for (i = 0; i < 1000; i++)
        x[i] = i * 7.0, y[i] = -40 - 0.75 * x[i];
    ck_assert_int_eq(cs_theil_sen(x, y, 1000, &f), 0);
    ck_assert_double_eq_tol(f.slope, -0.75, 1e-12);
    ck_assert_double_eq_tol(f.intercept, -40, 1e-9);
    ck_assert_uint_eq(f.n, 1000);
}
END_TEST

START_TEST(theil_sen_skips_nan_and_needs_two_points)
{
    double x[5] = { 0, 1, 2, 3, 4 }, y[5] = { 1, NAN, 5, 7, NAN };
    double same_x[3] = { 2, 2, 2 };
    cs_fit f;

    ck_assert_int_eq(cs_theil_sen(x, y, 5, &f), 0);
    ck_assert_double_eq_tol(f.slope, 2, 1e-12);
    ck_assert_uint_eq(f.n, 3);
    ck_assert_int_eq(cs_theil_sen(x, y, 1, &f), -1);
    ck_assert(isnan(f.slope));
    ck_assert_int_eq(cs_theil_sen(same_x, x, 3, &f), -1);
    y[0] = y[2] = y[3] = NAN;
    ck_assert_int_eq(cs_theil_sen(x, y, 5, &f), -1);
}
END_TEST

START_TEST(theil_sen_sampled_is_accurate_and_deterministic)
{
    static double x[5000], y[5000];
    cs_fit a, b;
    int i;

    seed(99);
    for (i = 0; i < 5000; i++)
        x[i] = i * 10.0, y[i] = 1e6 + 12 * x[i] + gauss(3000);
    ck_assert_int_eq(cs_theil_sen(x, y, 5000, &a), 0);
    ck_assert_int_eq(cs_theil_sen(x, y, 5000, &b), 0);
    ck_assert_double_eq_tol(a.slope, 12, 0.12);
    ck_assert(a.slope == b.slope && a.ci_low == b.ci_low && a.ci_high == b.ci_high);
    ck_assert(a.ci_low <= a.slope && a.slope <= a.ci_high);
    ck_assert(a.ci_high - a.ci_low > 0);
}
END_TEST

/* Values at the ends of the double range (a corrupt or hand-made
 * samples.csv): the differences between them overflow, the slopes and
 * their medians must not. x = 0, 100, 200, ... */
typedef struct extreme_case {
    const char *what;
    double y[4];
    size_t n;
    double slope;
    double intercept;        /* NaN: not asked */
} extreme_case;

static const extreme_case extreme_cases[] = {
    { "1e308 then -1e308", { 1e308, -1e308 }, 2, -2e306, 1e308 },
    { "-1e308 then 1e308", { -1e308, 1e308 }, 2, 2e306, -1e308 },
    { "the largest double, then its negative", { DBL_MAX, -DBL_MAX }, 2, -DBL_MAX / 50, DBL_MAX },
    { "alternating 1e308 and -1e308", { 1e308, -1e308, 1e308, -1e308 }, 4, -1e308 / 300, NAN },
    { "constant at the largest double", { DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX }, 4, 0, DBL_MAX },
};

START_TEST(theil_sen_is_finite_at_the_ends_of_the_double_range)
{
    double x[4] = { 0, 100, 200, 300 };
    size_t i;
    cs_fit f;

    for (i = 0; i < sizeof(extreme_cases) / sizeof(extreme_cases[0]); i++) {
        const extreme_case *c = &extreme_cases[i];

        ck_assert_msg(cs_theil_sen(x, c->y, c->n, &f) == 0, "%s: no fit", c->what);
        ck_assert_msg(fabs(f.slope - c->slope) <= 1e-12 * fabs(c->slope),
                      "%s: slope %.17g, expected %.17g", c->what, f.slope, c->slope);
        ck_assert_msg(isfinite(f.ci_low) && isfinite(f.ci_high) && f.ci_low <= f.slope
                      && f.slope <= f.ci_high, "%s: interval [%g, %g]", c->what, f.ci_low, f.ci_high);
        ck_assert_msg(isnan(c->intercept) || f.intercept == c->intercept,
                      "%s: intercept %.17g, expected %.17g", c->what, f.intercept, c->intercept);
    }
}
END_TEST

/* 95% intervals on 40 independent noisy lines: expect about 38 to cover
 * the truth; fewer than 34 (or all 40 with absurd widths) is a broken
 * interval. */
START_TEST(ci_contains_true_slope)
{
    int s, covered = 0;
    double width = 0;
    cs_fit f;

    for (s = 0; s < 40; s++) {
        seed(1000 + s);
        make_line(5e5, 7, 3000);
        ck_assert_int_eq(cs_theil_sen(xs, ys, NPTS, &f), 0);
        covered += f.ci_low <= 7 && 7 <= f.ci_high;
        width += f.ci_high - f.ci_low;
    }
    ck_assert_int_ge(covered, 34);
    /* OLS standard error here is about 0.017: the width must be of
     * that order, not a trivially huge interval */
    ck_assert_double_lt(width / 40, 0.2);
    ck_assert_double_gt(width / 40, 0.01);
}
END_TEST

START_TEST(linear_growth_is_leak)
{
    cs_verdict v;

    seed(1);
    make_line(2e6, 24, 200);
    ck_assert_str_eq(kind(verdict_for(CS_M_HEAP_BYTES, &v)), "leak");
    ck_assert_double_eq_tol(v.per_iteration, 24, 2.4);
    ck_assert(v.ci_low <= 24 && 24 <= v.ci_high);
    ck_assert_int_eq(v.warmup, WARMUP);
    ck_assert_uint_eq(v.samples, NPTS - WARMUP / STEP);
    /* exact heap walk, no noise */
    make_line(2e6, 24, 0);
    ck_assert_str_eq(kind(verdict_for(CS_M_HEAP_BYTES, &v)), "leak");
    ck_assert_double_eq_tol(v.per_iteration, 24, 1e-9);
}
END_TEST

START_TEST(noise_only_is_clean)
{
    cs_verdict v;
    int s;

    for (s = 0; s < 10; s++) {
        seed(200 + s);
        make_line(3e6, 0, 4000);
        ck_assert_str_eq(kind(verdict_for(CS_M_HEAP_BYTES, &v)), "clean");
        ck_assert_double_lt(v.ci_high, CS_DEFAULT_MAX_LEAK_BYTES);
    }
    make_line(3e6, 0, 0);
    ck_assert_str_eq(kind(verdict_for(CS_M_HEAP_BYTES, &v)), "clean");
    ck_assert_double_eq(v.per_iteration, 0);
}
END_TEST

START_TEST(growth_that_stops_is_plateau)
{
    cs_verdict v;
    int i;

    /* a cache filling up: 50 bytes/iteration until 9,000, then flat */
    seed(3);
    for (i = 0; i < NPTS; i++) {
        xs[i] = (double)i * STEP;
        ys[i] = 1e6 + 50 * (xs[i] < 9000 ? xs[i] : 9000) + gauss(300);
    }
    ck_assert_str_eq(kind(verdict_for(CS_M_HEAP_BYTES, &v)), "plateau");
    ck_assert_double_gt(v.per_iteration, 0);
    /* a one-off step of 200 KB at 8,000 iterations, then flat */
    for (i = 0; i < NPTS; i++)
        ys[i] = 1e6 + (xs[i] >= 8000 ? 200000 : 0) + gauss(300);
    ck_assert_str_eq(kind(verdict_for(CS_M_HEAP_BYTES, &v)), "plateau");
}
END_TEST

/* Heap walks spaced out by their budget on a busy machine: twelve from the
 * warm-up to 12,000 iterations, then one alone at 19,000. A 48-byte leak
 * is a leak (the tail is then the lone walk and the one before it: alone
 * it was "inconclusive"); the same walks of a cache that stopped at
 * 12,500 are not. */
START_TEST(a_late_walk_alone_leaves_a_leak_a_leak)
{
    static const double at[13] = { 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 11000, 12000,
                                   12500, 19000 };
    double x[13], y[13];
    cs_leak_params p;
    cs_verdict v;
    int i;

    cs_leak_params_default(CS_M_HEAP_BYTES, -1, &p);
    for (i = 0; i < 13; i++) {
        x[i] = at[i];
        y[i] = 1e6 + 48 * at[i];
    }
    ck_assert_str_eq(kind(cs_leak_verdict(x, y, 13, 2000, &p, &v)), "leak");
    ck_assert_double_eq_tol(v.per_iteration, 48, 1e-9);
    for (i = 0; i < 13; i++)
        y[i] = 1e6 + 48 * (at[i] < 12500 ? at[i] : 12500);
    ck_assert_str_ne(kind(cs_leak_verdict(x, y, 13, 2000, &p, &v)), "leak");
}
END_TEST

/* An exact series shifted once in its middle, as a block someone else
 * freed (or the target allocated once) shifts the heap walks of a short
 * run: the rate between neighbours is the figure, exactly; a second
 * shift leaves the series to Theil-Sen. */
START_TEST(one_shift_in_an_exact_series_leaves_its_rate_exact)
{
    double x[19], y[19];
    cs_leak_params p;
    cs_verdict v;
    int i;

    cs_leak_params_default(CS_M_HEAP_BYTES, -1, &p);
    for (i = 0; i < 19; i++) {
        x[i] = 30 + 15 * i;                                     /* 30 .. 300 */
        y[i] = 250000 + 48 * x[i] - (x[i] >= 150 ? 54 : 0);     /* 54 bytes freed by another */
    }
    ck_assert_str_eq(kind(cs_leak_verdict(x, y, 19, 30, &p, &v)), "leak");
    ck_assert_double_eq(v.per_iteration, 48);
    ck_assert_double_eq(v.ci_low, 48);
    ck_assert_double_eq(v.ci_high, 48);
    for (i = 0; i < 19; i++)                                    /* a clean heap, 54 bytes allocated once */
        y[i] = 250000 + (x[i] >= 150 ? 54 : 0);
    ck_assert_str_eq(kind(cs_leak_verdict(x, y, 19, 30, &p, &v)), "clean");
    ck_assert_double_eq(v.per_iteration, 0);
    ck_assert_double_eq(v.ci_high, 0);
    for (i = 0; i < 19; i++)                                    /* two shifts: Theil-Sen's figure */
        y[i] = 250000 + 48 * x[i] - (x[i] >= 120 ? 54 : 0) - (x[i] >= 210 ? 54 : 0);
    ck_assert_str_eq(kind(cs_leak_verdict(x, y, 19, 30, &p, &v)), "leak");
    ck_assert_double_lt(v.per_iteration, 48);
    ck_assert_double_lt(v.ci_low, 48);
}
END_TEST

START_TEST(a_steady_rate_survives_one_shift_and_only_one)
{
    double x[11], y[11], rate = -1;
    int i;

    for (i = 0; i <= 10; i++) {                                 /* ten unload cycles */
        x[i] = i;
        y[i] = 300000 + 19128.0 * i - (i >= 4 ? 248 : 0);       /* 248 bytes freed by another in cycle 4 */
    }
    ck_assert_int_eq(cs_steady_rate(x, y, 11, &rate), 1);
    ck_assert_double_eq(rate, 19128);
    y[0] -= 248;                                                /* the shift in the first pair: still found */
    for (i = 1; i <= 10; i++)
        y[i] = 300000 + 19128.0 * i;
    ck_assert_int_eq(cs_steady_rate(x, y, 11, &rate), 1);
    ck_assert_double_eq(rate, 19128);
    y[7] += 16;                                                 /* a second pair off: no steady rate */
    rate = -1;
    ck_assert_int_eq(cs_steady_rate(x, y, 11, &rate), 0);
    ck_assert_double_eq(rate, -1);
    ck_assert_int_eq(cs_steady_rate(x, y, 5, &rate), 0);        /* five points are too few */
    x[3] = x[2];                                                /* x not rising */
    for (i = 0; i <= 10; i++)
        y[i] = 19128.0 * x[i];
    ck_assert_int_eq(cs_steady_rate(x, y, 11, &rate), 1);       /* one pair off still allowed... */
    x[6] = x[5];
    ck_assert_int_eq(cs_steady_rate(x, y, 11, &rate), 0);       /* ...not two */
}
END_TEST

/* The pool variant's ten unload cycles (4 x 4,770 + 48 = 19,128 bytes
 * each): a block freed by another thread once, several times, or freed
 * and made again leaves the figure at what the cycles share; growth that
 * only some cycles show is the mean, never hidden. */
START_TEST(a_cycles_growth_is_what_most_cycles_share_unless_that_hides_growth)
{
    double y[11];
    int common = -1, i;

#define WALKS(expr) for (i = 0; i <= 10; i++) y[i] = 300000 + (expr)
    WALKS(19128.0 * i - (i >= 4 ? 248 : 0));                    /* 248 bytes freed in cycle 4 */
    ck_assert_double_eq(cs_cycle_growth(y, 11, &common), 19128);
    ck_int_eq(common, 1);
    WALKS(19128.0 * i - (i >= 1 ? 248 : 0) - (i >= 5 ? 96 : 0) - (i >= 9 ? 32 : 0));   /* three frees */
    ck_assert_double_eq(cs_cycle_growth(y, 11, &common), 19128);
    WALKS(19128.0 * i - (i == 6 ? 496 : 0));                    /* freed and made again */
    ck_assert_double_eq(cs_cycle_growth(y, 11, &common), 19128);
    ck_int_eq(common, 1);
    WALKS(4770.0 * (i / 3));                                    /* a block stranded every third cycle */
    ck_assert_double_eq_tol(cs_cycle_growth(y, 11, &common), 4770.0 * 3 / 10, 1e-9);
    ck_int_eq(common, 0);
    WALKS(19128.0 * i + (i >= 4 ? 248 : 0));                    /* one more block, kept: the mean */
    ck_assert_double_eq_tol(cs_cycle_growth(y, 11, &common), 19128 + 24.8, 1e-9);
    ck_int_eq(common, 0);
    WALKS(1000.0 * i * i);                                      /* no two cycles alike */
    ck_assert_double_eq_tol(cs_cycle_growth(y, 11, &common), 10000, 1e-9);
    ck_int_eq(common, 0);
    ck_assert(isnan(cs_cycle_growth(y, 1, &common)));           /* no cycle */
    ck_assert_double_eq(cs_cycle_growth(y, 2, &common), 1000);  /* one cycle */
#undef WALKS
}
END_TEST

START_TEST(growth_inside_warmup_is_clean)
{
    cs_verdict v;
    cs_leak_params p;
    int i;

    for (i = 0; i < NPTS; i++) {
        xs[i] = (double)i * STEP;
        ys[i] = 1e6 + 100 * (xs[i] < 5000 ? xs[i] : 5000);
    }
    cs_leak_params_default(CS_M_HEAP_BYTES, -1, &p);
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, 6000, &p, &v)), "clean");
    ck_assert_double_eq(v.per_iteration, 0);
    /* without the warm-up cut the same series rose, then stopped */
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, 0, &p, &v)), "plateau");
}
END_TEST

/* Working set: a handful of 4096-byte jumps at random places. */
START_TEST(few_page_jumps_are_not_leak)
{
    cs_verdict v;
    int s, i, j;

    for (s = 0; s < 20; s++) {
        int njumps = 2 + s % 5;
        double at[6];

        seed(400 + s);
        for (j = 0; j < njumps; j++)
            at[j] = floor(uniform() * 20000);
        for (i = 0; i < NPTS; i++) {
            xs[i] = (double)i * STEP;
            ys[i] = 8 << 20;
            for (j = 0; j < njumps; j++)
                ys[i] += xs[i] >= at[j] ? 4096 : 0;
        }
        verdict_for(CS_M_WORKING_SET, &v);
        ck_assert_msg(v.kind != CS_V_LEAK, "seed %d, %d jumps: %s at %.2f/iteration",
                      s, njumps, kind(v.kind), v.per_iteration);
    }
}
END_TEST

/* A short run (2,000 iterations, a sample every 10) with five page jumps
 * spread over it: the slope is well above the threshold, but five steps
 * are page faults, not a staircase. */
START_TEST(few_page_jumps_in_short_run_are_not_leak)
{
    static const double at[] = { 300, 700, 1100, 1500, 1800 };
    cs_leak_params p;
    cs_verdict v;
    size_t i, j;

    for (i = 0; i < NPTS; i++) {
        xs[i] = (double)i * 10;
        ys[i] = 8 << 20;
        for (j = 0; j < sizeof(at) / sizeof(at[0]); j++)
            ys[i] += xs[i] >= at[j] ? 4096 : 0;
    }
    cs_leak_params_default(CS_M_WORKING_SET, -1, &p);
    cs_leak_verdict(xs, ys, NPTS, 200, &p, &v);
    ck_assert_double_gt(v.ci_low, p.threshold);
    ck_assert_msg(v.kind != CS_V_LEAK, "%s at %.2f/iteration", kind(v.kind), v.per_iteration);
    /* the same series read as a heap figure (not page-granular) grows */
    cs_leak_params_default(CS_M_HEAP_BYTES, -1, &p);
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, 200, &p, &v)), "leak");
}
END_TEST

/* Working set with a 24 bytes/iteration leak: a page every ~171
 * iterations, seen through page-granular sampling. */
START_TEST(steady_staircase_is_leak)
{
    cs_verdict v;
    int i;

    for (i = 0; i < NPTS; i++) {
        xs[i] = (double)i * STEP;
        ys[i] = (8 << 20) + 4096 * floor(24 * xs[i] / 4096);
    }
    ck_assert_str_eq(kind(verdict_for(CS_M_WORKING_SET, &v)), "leak");
    ck_assert_double_eq_tol(v.per_iteration, 24, 2.4);
    /* the same staircase stopping at 10,000 iterations is not a leak */
    for (i = 0; i < NPTS; i++)
        ys[i] = (8 << 20) + 4096 * floor(24 * (xs[i] < 10000 ? xs[i] : 10000) / 4096);
    ck_assert_str_eq(kind(verdict_for(CS_M_WORKING_SET, &v)), "plateau");
    /* one step of 64 KB after the warm-up, late or mid-run, is clean for a
     * page-granular metric (one commit by anyone in the process); two
     * steps are a plateau */
    for (i = 0; i < NPTS; i++)
        ys[i] = (8 << 20) + (i >= NPTS * 17 / 20 ? 65536 : 0);
    ck_assert_str_eq(kind(verdict_for(CS_M_WORKING_SET, &v)), "clean");
    for (i = 0; i < NPTS; i++)
        ys[i] = (8 << 20) + (i >= NPTS * 3 / 5 ? 65536 : 0);
    ck_assert_str_eq(kind(verdict_for(CS_M_WORKING_SET, &v)), "clean");
    for (i = 0; i < NPTS; i++)
        ys[i] = (8 << 20) + (i >= NPTS * 2 / 5 ? 32768 : 0) + (i >= NPTS * 3 / 5 ? 32768 : 0);
    ck_assert_str_eq(kind(verdict_for(CS_M_WORKING_SET, &v)), "plateau");
    /* the heap is exact: its one step is a plateau */
    for (i = 0; i < NPTS; i++)
        ys[i] = (8 << 20) + (i >= NPTS * 3 / 5 ? 65536 : 0);
    ck_assert_str_eq(kind(verdict_for(CS_M_HEAP_BYTES, &v)), "plateau");
}
END_TEST

/* One wild sample (either sign, anywhere) leaves the verdict alone. */
START_TEST(single_spike_does_not_change_verdict)
{
    static const int where[] = { WARMUP / STEP, NPTS / 2, NPTS - 1 };
    static const double spike[] = { 5e6, -5e6 };
    cs_verdict ref, v;
    size_t w, s;
    int clean;

    for (clean = 0; clean < 2; clean++) {
        for (w = 0; w < 3; w++) {
            for (s = 0; s < 2; s++) {
                seed(500);
                make_line(4e6, clean ? 0 : 24, 300);
                verdict_for(CS_M_HEAP_BYTES, &ref);
                ys[where[w]] += spike[s];
                verdict_for(CS_M_HEAP_BYTES, &v);
                ck_assert_str_eq(kind(v.kind), kind(ref.kind));
                ck_assert_str_eq(kind(v.kind), clean ? "clean" : "leak");
                ck_assert_double_eq_tol(v.per_iteration, ref.per_iteration, 0.5);
            }
        }
    }
}
END_TEST

START_TEST(too_few_samples_is_inconclusive)
{
    cs_leak_params p;
    cs_verdict v;

    make_line(1e6, 500, 0);
    cs_leak_params_default(CS_M_HEAP_BYTES, -1, &p);
    /* 11 samples, none in the warm-up */
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, 11, 0, &p, &v)), "inconclusive");
    ck_assert_uint_eq(v.samples, 11);
    ck_assert_double_eq_tol(v.per_iteration, 500, 1e-9);
    /* plenty of samples, but all of them inside the warm-up */
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, 1000000, &p, &v)), "inconclusive");
    ck_assert_uint_eq(v.samples, 0);
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, 12, 0, &p, &v)), "leak");
}
END_TEST

START_TEST(interval_straddling_threshold_is_inconclusive)
{
    cs_verdict v;

    seed(7);
    make_line(1e6, CS_DEFAULT_MAX_LEAK_BYTES, 3000);
    ck_assert_str_eq(kind(verdict_for(CS_M_HEAP_BYTES, &v)), "inconclusive");
    ck_assert(v.ci_low < CS_DEFAULT_MAX_LEAK_BYTES && CS_DEFAULT_MAX_LEAK_BYTES < v.ci_high);
}
END_TEST

START_TEST(threshold_is_a_parameter)
{
    cs_leak_params p;
    cs_verdict v;

    make_line(1e6, 24, 0);
    cs_leak_params_default(CS_M_HEAP_BYTES, 32, &p);
    ck_assert_double_eq(p.threshold, 32);
    ck_assert_str_eq(kind(cs_leak_verdict(xs, ys, NPTS, WARMUP, &p, &v)), "clean");
    cs_leak_params_default(CS_M_HANDLES, 32, &p);
    ck_assert_double_eq(p.threshold, CS_DEFAULT_MAX_LEAK_COUNT);
    ck_assert_double_eq(p.quantum, 0);
    cs_leak_params_default(CS_M_PAGEFILE, -1, &p);
    ck_assert_double_eq(p.threshold, CS_DEFAULT_MAX_LEAK_BYTES);
    ck_assert_double_eq(p.quantum, 4096);
    cs_leak_params_default(CS_M_HEAP_BYTES, NAN, &p);          /* not a number: the default */
    ck_assert_double_eq(p.threshold, CS_DEFAULT_MAX_LEAK_BYTES);
    cs_leak_params_default(CS_M_HEAP_BYTES, 0, &p);            /* 0 is a threshold */
    ck_assert_double_eq(p.threshold, 0);
}
END_TEST

/* Per-run verdicts: unmeasured metrics are left out, heap figure set. */
START_TEST(run_verdicts_cover_measured_metrics)
{
    static cs_sample smp[NPTS];
    cs_run r = { 0 };
    int i, m;

    for (i = 0; i < NPTS; i++) {
        smp[i].iteration = (long long)i * STEP;
        smp[i].elapsed_s = i * 0.01;
        for (m = 0; m < CS_M_COUNT; m++)
            smp[i].v[m] = NAN;
        smp[i].v[CS_M_HEAP_BYTES] = 1e6 + 24.0 * smp[i].iteration;
        smp[i].v[CS_M_HANDLES] = 40;
        smp[i].v[CS_M_LIVE_OBJECTS] = i ? (double)smp[i].iteration : NAN;
    }
    ck_assert_uint_eq(cs_run_verdicts(&r, smp, NPTS, WARMUP, -1), 3);
    ck_assert_uint_eq(r.samples, NPTS);
    ck_assert_double_eq_tol(r.heap_bytes_per_iteration, 24, 1e-9);
    ck_assert_int_eq(r.verdicts[0].metric, CS_M_HEAP_BYTES);
    ck_assert_str_eq(kind(r.verdicts[0].kind), "leak");
    ck_assert_int_eq(r.verdicts[1].metric, CS_M_HANDLES);
    ck_assert_str_eq(kind(r.verdicts[1].kind), "clean");
    ck_assert_int_eq(r.verdicts[2].metric, CS_M_LIVE_OBJECTS);
    ck_assert_str_eq(kind(r.verdicts[2].kind), "leak");
    ck_assert_int_eq(r.verdicts[2].warmup, WARMUP);
}
END_TEST

/* Samples of a leak of 24 B an iteration whose heap was walked only at
 * the iterations listed in walks (the sampler's budget spaced the walks
 * out) or at every sample (walks NULL); the pagefile rises in pages with
 * it, or stays flat. */
static void spaced_run(cs_sample *smp, const long long *walks, int pagefile_grows)
{
    int i, m;

    for (i = 0; i < NPTS; i++) {
        int walked = walks == NULL;
        const long long *w;

        smp[i].iteration = (long long)i * STEP;
        smp[i].elapsed_s = i * 0.01;
        for (m = 0; m < CS_M_COUNT; m++)
            smp[i].v[m] = NAN;
        for (w = walks; w && *w >= 0; w++)
            walked |= *w == smp[i].iteration;
        if (walked) {
            smp[i].v[CS_M_HEAP_BYTES] = 1e6 + 24.0 * smp[i].iteration;
            smp[i].v[CS_M_HEAP_BLOCKS] = 3000 + (double)smp[i].iteration;
        }
        smp[i].v[CS_M_PAGEFILE] = (8 << 20) + (pagefile_grows ? 4096 * floor(48.0 * smp[i].iteration / 4096) : 0);
    }
}

static const cs_verdict *verdict_of(const cs_run *r, cs_metric m)
{
    size_t i;

    for (i = 0; i < r->nverdicts; i++)
        if (r->verdicts[i].metric == m)
            return &r->verdicts[i];
    ck_abort_msg("no verdict for %s", cs_metric_name(m));
    return NULL;
}

/* Known bad: a leak that made the heap too dear to walk (4 walks after
 * the warm-up) still fails the run, through the pagefile standing in. */
START_TEST(memory_counters_stand_in_for_a_heap_walked_too_rarely)
{
    static cs_sample smp[NPTS];
    static const long long walks[] = { 0, 2500, 5000, 10000, 20000, -1 };
    cs_run r = { 0 };
    const cs_verdict *v;

    spaced_run(smp, walks, 1);
    cs_run_verdicts(&r, smp, NPTS, WARMUP, -1);
    v = verdict_of(&r, CS_M_HEAP_BYTES);
    ck_assert_str_eq(kind(v->kind), "inconclusive");
    ck_int_eq(v->samples, 4);
    ck_assert_double_eq_tol(v->per_iteration, 24, 1e-9);
    v = verdict_of(&r, CS_M_PAGEFILE);
    ck_assert_str_eq(kind(v->kind), "leak");
    ck_int_eq(v->stands_in, 1);
    ck_int_eq(cs_judge_verdict(v, CS_FAIL_DEFAULT), CS_G_GATES);
}
END_TEST

/* Clean cases: with the heap walked at every sample the pagefile gates
 * only at leak-any, as ever; spaced-out walks with a flat pagefile fail
 * nothing. */
START_TEST(memory_counters_stand_in_only_for_missing_walks_and_only_for_a_leak)
{
    static cs_sample smp[NPTS];
    static const long long walks[] = { 0, 2500, 5000, 10000, 20000, -1 };
    cs_run r = { 0 };
    const cs_verdict *v;
    size_t i;

    spaced_run(smp, NULL, 1);
    cs_run_verdicts(&r, smp, NPTS, WARMUP, -1);
    ck_assert_str_eq(kind(verdict_of(&r, CS_M_HEAP_BYTES)->kind), "leak");
    v = verdict_of(&r, CS_M_PAGEFILE);
    ck_int_eq(v->stands_in, 0);
    ck_int_eq(cs_judge_verdict(v, CS_FAIL_DEFAULT), CS_G_PAGE_GRANULAR);
    ck_int_eq(cs_judge_verdict(v, CS_FAIL_ALL), CS_G_GATES);
    spaced_run(smp, walks, 0);
    cs_run_verdicts(&r, smp, NPTS, WARMUP, -1);
    for (i = 0; i < r.nverdicts; i++)
        ck_assert_msg(cs_judge_verdict(&r.verdicts[i], CS_FAIL_DEFAULT) != CS_G_GATES, "%s gates a flat run",
                      cs_metric_name(r.verdicts[i].metric));
}
END_TEST

START_TEST(model_names_round_trip)
{
    int m;

    for (m = 0; m < CS_M_COUNT; m++) {
        ck_assert_int_eq(cs_metric_from_name(cs_metric_name((cs_metric)m)), m);
        ck_assert_str_ne(cs_metric_unit((cs_metric)m), "units");
    }
    ck_assert_str_eq(cs_metric_name(CS_M_HEAP_BYTES), "heap_bytes");
    ck_assert_str_eq(cs_metric_name(CS_M_WORKING_SET), "working_set_bytes");
    ck_assert_str_eq(cs_metric_name(CS_M_PAGEFILE), "pagefile_bytes");
    ck_assert_str_eq(cs_metric_name(CS_M_COTASKMEM_BYTES), "cotaskmem_bytes");
    ck_assert_int_eq(cs_metric_from_name("heap"), CS_M_COUNT);
    ck_assert_int_eq(cs_metric_from_name(NULL), CS_M_COUNT);
    ck_assert_str_eq(cs_verdict_name(CS_V_PLATEAU), "plateau");
    ck_assert_str_eq(cs_verdict_name(CS_V_INCONCLUSIVE), "inconclusive");
    ck_assert_str_eq(cs_verdict_name((cs_verdict_kind)42), "unknown");
    /* a metric out of range has a name and a unit that say so */
    ck_assert_str_eq(cs_metric_name((cs_metric)CS_M_COUNT), "unknown");
    ck_assert_str_eq(cs_metric_unit((cs_metric)-1), "units");
    ck_assert_int_eq(cs_metric_page_granular((cs_metric)CS_M_COUNT), 0);
}
END_TEST

TCase *stats_edges_tcase(void);

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *fit = tcase_create("theil_sen");
    TCase *verdict = tcase_create("verdict");

    tcase_add_test(fit, theil_sen_exact_line);
    tcase_add_test(fit, theil_sen_skips_nan_and_needs_two_points);
    tcase_add_test(fit, theil_sen_sampled_is_accurate_and_deterministic);
    tcase_add_test(fit, ci_contains_true_slope);
    tcase_add_test(fit, theil_sen_is_finite_at_the_ends_of_the_double_range);
    tcase_add_test(verdict, linear_growth_is_leak);
    tcase_add_test(verdict, noise_only_is_clean);
    tcase_add_test(verdict, growth_that_stops_is_plateau);
    tcase_add_test(verdict, a_late_walk_alone_leaves_a_leak_a_leak);
    tcase_add_test(verdict, one_shift_in_an_exact_series_leaves_its_rate_exact);
    tcase_add_test(verdict, a_steady_rate_survives_one_shift_and_only_one);
    tcase_add_test(verdict, a_cycles_growth_is_what_most_cycles_share_unless_that_hides_growth);
    tcase_add_test(verdict, growth_inside_warmup_is_clean);
    tcase_add_test(verdict, few_page_jumps_are_not_leak);
    tcase_add_test(verdict, few_page_jumps_in_short_run_are_not_leak);
    tcase_add_test(verdict, steady_staircase_is_leak);
    tcase_add_test(verdict, single_spike_does_not_change_verdict);
    tcase_add_test(verdict, too_few_samples_is_inconclusive);
    tcase_add_test(verdict, interval_straddling_threshold_is_inconclusive);
    tcase_add_test(verdict, threshold_is_a_parameter);
    tcase_add_test(verdict, run_verdicts_cover_measured_metrics);
    tcase_add_test(verdict, memory_counters_stand_in_for_a_heap_walked_too_rarely);
    tcase_add_test(verdict, memory_counters_stand_in_only_for_missing_walks_and_only_for_a_leak);
    tcase_add_test(verdict, model_names_round_trip);
    suite_add_tcase(s, fit);
    suite_add_tcase(s, verdict);
    suite_add_tcase(s, stats_edges_tcase());
    return cs_run_suite(s);
}
