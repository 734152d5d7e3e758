/*
 * Suite "schedule": when a sample takes its costly parts, the heap walk
 * and the memory counters (core/samples/schedule.h). Runs are simulated:
 * a sample every so many iterations, the run's clock advancing with the
 * iterations and with what the parts take. Pure.
 */
#include <math.h>
#include <string.h>
#include "cs_unit.h"
#include "schedule.h"

/* One simulated run: n iterations at sec_per_it seconds each, a sample
 * every `every` iterations (and at the end); the part costs base_s plus
 * per_it_s for each iteration done so far (a leak of one block an
 * iteration makes a heap walk grow so). Fills what was taken where
 * (at most max entries) and returns how many samples took the part;
 * *share gets the part's time over the run's. Asserts the budget at
 * every take. */
typedef struct sim {
    long long n, every;
    double sec_per_it, base_s, per_it_s;
    int every_sample;
    long long warmup;         /* with verdict: the walks' verdict window */
    size_t verdict;
    double slow;              /* from the warm-up on, each take costs this many times more */
    double load;              /* a busy machine: the run this many times slower, and */
    double preempt_s;         /* every other take after the baseline this much longer */
    long long preempt_at;     /* with preempt_s: only the take at this iteration */
    double blocks0, blocks_per_it, block_s;   /* with block_s: a take walks blocks0 +
                                               * blocks_per_it * i blocks at block_s each */
} sim;

/* The allowance's multiplier as schedule.c's rule states it (the charged
 * takes' cost over their best cost, 1 to 4). */
static double slowdown_of(const cs_part_budget *b)
{
    double best = b->unit_s * b->units_charged;

    if (best <= 0 || b->spent_s <= best)
        return 1;
    return b->spent_s / best < 4 ? b->spent_s / best : 4;
}

/* What the take at iteration i, the taken-th, is preempted for. */
static double preempted(const sim *p, long long i, size_t taken)
{
    if (p->preempt_at)
        return i == p->preempt_at ? p->preempt_s : 0;
    return taken > 0 && taken % 2 == 0 ? p->preempt_s : 0;
}

static size_t simulate(const sim *p, long long *at, size_t max, double *share)
{
    cs_schedule s;
    cs_part_budget b;
    double now = 0, spent = 0;
    size_t taken = 0;
    long long i = 0;

    memset(&b, 0, sizeof(b));
    cs_schedule_walks(&s, p->n, p->every_sample);
    if (p->verdict)
        cs_schedule_window(&s, p->warmup, p->verdict);
    for (;;) {
        cs_part_window(&s, &b, i, now, p->every);
        if (cs_part_due(&s, &b, i, now)) {
            double units = p->block_s > 0 ? p->blocks0 + p->blocks_per_it * (double)i : 1 + (double)i;
            double cost = (p->block_s > 0 ? p->block_s * units : p->base_s + p->per_it_s * (double)i)
                          * (p->slow > 0 && i >= p->warmup ? p->slow : 1) + preempted(p, i, taken);

            if (i > 0 && !p->every_sample && b.window != 1)
                ck_assert_msg(b.spent_s + b.last_s <= s.share * now
                              + s.allowance_s * (double)i / (double)p->n * slowdown_of(&b) + 1e-12,
                              "taken at %lld beyond the budget", i);
            cs_part_charge(&s, &b, i, cost, units);
            now += cost;
            spent += cost;
            if (taken < max)
                at[taken] = i;
            taken++;
        }
        if (i == p->n)
            break;
        i = i + p->every < p->n ? i + p->every : p->n;
        now = (double)i * p->sec_per_it * (p->load > 0 ? p->load : 1) + spent;
    }
    ck_int_eq(b.taken, taken);
    *share = spent / now;
    return taken;
}

START_TEST(the_baseline_and_every_sample_take_the_part_when_asked_for_every_sample)
{
    sim p = { .n = 100000, .every = 500, .sec_per_it = 1.3e-6, .base_s = 1.3e-4, .every_sample = 1 };
    long long at[4];
    double share;

    ck_int_eq(simulate(&p, at, 4, &share), 201);      /* 0, 500, ..., 100000 */
    ck_int_eq(at[0], 0);
    ck_int_eq(at[1], 500);
}
END_TEST

/* A quiet heap (0.13 ms a walk, the reference server's): the baseline and
 * the twenty grid points, each at the first sample at or after it. */
START_TEST(a_cheap_part_is_taken_at_the_baseline_and_at_each_grid_point_only)
{
    sim p = { .n = 100000, .every = 500, .sec_per_it = 1.3e-6, .base_s = 1.3e-4 };
    long long at[32];
    double share;
    size_t k;

    ck_int_eq(simulate(&p, at, 32, &share), 21);
    ck_int_eq(at[0], 0);
    for (k = 1; k <= 20; k++)
        ck_int_eq(at[k], (long long)k * 5000);
    ck_assert_msg(share < 0.025, "the walks took %.1f%% of a clean run", 100 * share);
}
END_TEST

/* Grid points that do not fall on a sample wait for the next one; with
 * fewer iterations than points, each iteration is a point at most once. */
START_TEST(grid_points_round_up_to_the_next_sample_and_never_pass_the_end)
{
    sim p = { .n = 7, .every = 1, .sec_per_it = 1e-3, .base_s = 1e-6 };
    sim q = { .n = 1000, .every = 30, .sec_per_it = 1e-3, .base_s = 1e-6 };
    long long at[32];
    double share;

    ck_int_eq(simulate(&p, at, 32, &share), 8);        /* 0 and 1..7 */
    ck_int_eq(at[7], 7);
    ck_int_eq(simulate(&q, at, 32, &share), 21);
    ck_int_eq(at[1], 60);                              /* point 50: next sample 60 */
    ck_int_eq(at[2], 120);                             /* point 100 */
    ck_int_eq(at[20], 1000);                           /* point 1000: the end */
}
END_TEST

/* A leak of one block an iteration, a million iterations at 0.8 us, a
 * walk at 35 ns a block (the figures measured under Wine 8): walking at
 * the twenty points would take a third of the run; the budget spaces the
 * walks out and keeps them near 4%. */
START_TEST(a_part_that_grows_with_the_heap_is_spaced_out_within_its_budget)
{
    sim p = { .n = 1000000, .every = 20000, .sec_per_it = 8e-7, .base_s = 1.3e-4, .per_it_s = 3.5e-8 };
    sim all = p;
    long long at[32];
    double share, share_all;
    size_t n = simulate(&p, at, 32, &share);

    all.every_sample = 1;
    simulate(&all, at + 0, 0, &share_all);
    ck_assert_msg(n >= 4 && n < 21, "%lu walks", (unsigned long)n);
    ck_assert_msg(share <= 0.06, "the walks took %.1f%% of the run", 100 * share);
    ck_assert_msg(share_all > 0.4, "walking every sample took only %.1f%%", 100 * share_all);
}
END_TEST

/* A leak with the verdict window (a million iterations at 1.2 us, a walk
 * at 25 ns a block, as measured on the reference server; a warm-up of a
 * tenth, 12 walks needed, a sample every 5,000): the grid would give a
 * handful after the warm-up, so the window takes the twelve at the samples from the
 * warm-up on, 100,000 to 155,000, and nothing is walked after them; the
 * sampler's walks stay within the window's 7% (8.4% with its slack). */
START_TEST(a_growing_heap_is_walked_twelve_times_from_the_warm_up_for_an_exact_verdict)
{
    sim p = { .n = 1000000, .every = 5000, .sec_per_it = 1.2e-6, .base_s = 1.3e-4, .per_it_s = 2.5e-8,
              .warmup = 100000, .verdict = 12 };
    long long at[32];
    double share;
    size_t n = simulate(&p, at, 32, &share), k;

    ck_int_eq(n, 14);                                  /* 0, 50000, then the window */
    ck_int_eq(at[0], 0);
    ck_int_eq(at[1], 50000);
    for (k = 0; k < 12; k++)
        ck_assert_msg(at[2 + k] == 100000 + 5000 * (long long)k, "walk %lu at %lld", (unsigned long)k,
                      at[2 + k]);
    ck_assert_msg(share <= 0.084, "the walks took %.1f%% of the run", 100 * share);
}
END_TEST

/* The same leak with the window near its share (a walk of a block at 45
 * ns: 12 walks take about 6% of the run), the window's eleventh walk
 * preempted for 30 ms: it is charged four times its cost (about 23 ms),
 * and the twelfth is still taken at the next sample, predicted at what the
 * walks cost a block, not at what the preempted one took (predicted so,
 * it falls past the window's slack and the verdict is one walk short). */
START_TEST(a_walk_preempted_in_the_window_does_not_defer_the_walks_after_it)
{
    sim p = { .n = 1000000, .every = 5000, .sec_per_it = 1.2e-6, .base_s = 1.3e-4, .per_it_s = 4.5e-8,
              .warmup = 100000, .verdict = 12, .preempt_s = 3e-2, .preempt_at = 150000 };
    long long at[32];
    double share;
    size_t n = simulate(&p, at, 32, &share), k;

    ck_int_eq(n, 14);
    for (k = 0; k < 12; k++)
        ck_assert_msg(at[2 + k] == 100000 + 5000 * (long long)k, "walk %lu at %lld", (unsigned long)k,
                      at[2 + k]);
    ck_assert_msg(share <= 0.084, "the walks took %.1f%% of the run", 100 * share);
}
END_TEST

/* The window stays closed when the grid will do (a clean heap: the twenty
 * points as without it), when the twelve would not fit in its share (a
 * walk of a block a fifteenth of an iteration's time), and when it was
 * opened but the walks cost more than predicted: it stops at its slack,
 * short of twelve, rather than take the run. */
START_TEST(the_window_stays_closed_when_the_grid_will_do_or_the_walks_cannot_fit)
{
    sim clean = { .n = 100000, .every = 500, .sec_per_it = 1.3e-6, .base_s = 1.3e-4, .warmup = 10000,
                  .verdict = 12 };
    sim dear = { .n = 1000000, .every = 5000, .sec_per_it = 1.2e-6, .base_s = 1.3e-4, .per_it_s = 8e-8,
                 .warmup = 100000, .verdict = 12 };
    sim slower = { .n = 1000000, .every = 5000, .sec_per_it = 1.2e-6, .base_s = 1.3e-4, .per_it_s = 2.5e-8,
                   .warmup = 100000, .verdict = 12, .slow = 3 };
    long long at[32];
    double share;
    size_t k;

    ck_int_eq(simulate(&clean, at, 32, &share), 21);
    for (k = 1; k <= 20; k++)
        ck_int_eq(at[k], (long long)k * 5000);
    ck_assert_msg(simulate(&dear, at, 32, &share) < 8, "a walk too dear for the window was taken often");
    ck_assert_msg(share <= 0.06, "the walks took %.1f%% of the run", 100 * share);
    ck_assert_msg(simulate(&slower, at, 32, &share) < 14, "the window overran its slack");
    ck_assert_msg(share <= 0.085, "the walks took %.1f%% of the run", 100 * share);
}
END_TEST

/* A short leaking run (the CI recipe's: 20,000 iterations at 4.8 us, a
 * heap of 3,700 blocks gaining 2 an iteration, 35 ns a block, a sample
 * every 100, a warm-up of a tenth, 12 walks needed), on a quiet machine
 * and on a busy one (the run three times slower, every other walk
 * preempted for 3 ms): the allowance, most of a short run's budget, pays
 * for as many walks on both, 17 after the warm-up. Spent in seconds
 * whatever the load, it paid for 13 walks on the busy one, 11 after the
 * warm-up: no verdict. */
static size_t walked_after_warm_up(const long long *at, size_t n, long long warmup)
{
    size_t k, after = 0;

    for (k = 0; k < n; k++)
        after += at[k] >= warmup;
    return after;
}

START_TEST(a_busy_machine_walks_a_short_run_as_often_as_a_quiet_one)
{
    sim quiet = { .n = 20000, .every = 100, .sec_per_it = 4.8e-6, .blocks0 = 3700, .blocks_per_it = 2,
                  .block_s = 3.5e-8, .warmup = 2000, .verdict = 12 };
    sim busy = quiet;
    long long at_quiet[32], at_busy[32];
    double share;
    size_t n_quiet = simulate(&quiet, at_quiet, 32, &share), n_busy;

    busy.load = 3;
    busy.preempt_s = 3e-3;
    n_busy = simulate(&busy, at_busy, 32, &share);
    ck_int_eq(n_quiet, 19);
    ck_int_eq(walked_after_warm_up(at_quiet, n_quiet, 2000), 17);
    ck_int_eq(n_busy, 19);
    ck_int_eq(walked_after_warm_up(at_busy, n_busy, 2000), 17);
}
END_TEST

/* Grid point k of n iterations is k * n / 20 rounded up: with 30
 * iterations, a sample at each, the points fall on 2, 3, 5, 6, 8, 9 ...
 * (1.5 -> 2, 4.5 -> 5), never on 1, 3, 4, 6 ... as rounding down gives. */
START_TEST(grid_points_that_fall_between_iterations_round_up)
{
    static const long long want[21] = { 0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24,
                                         26, 27, 29, 30 };
    sim p = { .n = 30, .every = 1, .sec_per_it = 1e-3, .base_s = 1e-6 };
    long long at[32];
    double share;
    size_t k;

    ck_int_eq(simulate(&p, at, 32, &share), 21);
    for (k = 0; k < 21; k++)
        ck_assert_msg(at[k] == want[k], "sample %lu taken at %lld, expected %lld", (unsigned long)k, at[k],
                      want[k]);
}
END_TEST

/* A part preempted once (10 ms instead of 0.13) is charged four times its
 * best cost, not the 10 ms: the next grid point is still served. The
 * baseline, taken before the loop, is not charged at all, even when it
 * was the one preempted. */
START_TEST(a_preempted_part_is_charged_at_most_four_times_its_best_cost)
{
    cs_schedule s;
    cs_part_budget b;

    memset(&b, 0, sizeof(b));
    cs_schedule_walks(&s, 100000, 0);
    cs_part_charge(&s, &b, 0, 2e-2, 3000);
    ck_assert_double_eq(b.spent_s, 0);
    ck_assert(cs_part_due(&s, &b, 5000, 0.007));
    cs_part_charge(&s, &b, 5000, 1.3e-4, 3000);
    cs_part_charge(&s, &b, 5000, 1e-2, 3000);
    ck_assert_double_eq_tol(b.last_s, 4 * 1.3e-4, 1e-12);
    ck_assert_double_eq_tol(b.spent_s, 5 * 1.3e-4, 1e-12);
    ck_int_eq(b.next_point, 2);
    ck_assert(cs_part_due(&s, &b, 10000, 0.013));
    ck_assert(!cs_part_due(&s, &b, 9999, 0.013));     /* before point 2 */
}
END_TEST

/* The distance to the next sampling point, shared between the workers:
 * one worker meets it exactly, three share it rounded up, never 0 and
 * never overflowing. */
START_TEST(each_worker_counts_down_its_share_of_the_distance_to_the_next_point)
{
    ck_int_eq(cs_worker_countdown(100, 1), 100);
    ck_int_eq(cs_worker_countdown(100, 3), 34);
    ck_int_eq(cs_worker_countdown(99, 3), 33);
    ck_int_eq(cs_worker_countdown(100, 64), 2);
    ck_int_eq(cs_worker_countdown(2, 3), 1);
    ck_int_eq(cs_worker_countdown(0, 2), 1);
    ck_int_eq(cs_worker_countdown(-5, 1), 1);
    ck_int_eq(cs_worker_countdown(1, 0), 1);
    ck_assert(cs_worker_countdown(9223372036854775807LL, 2) == 4611686018427387904LL);
}
END_TEST

/* The budget's edges: asked for every sample, every iteration is due;
 * nothing is due before its grid point, at it it is, and past the last
 * point (20) nothing more; a time below 0 is charged as 0, a unit count
 * below 1 as 1; progress past the end counts as the end. */
START_TEST(the_budget_at_its_edges)
{
    cs_schedule s, every;
    cs_part_budget b;

    memset(&b, 0, sizeof(b));
    cs_schedule_walks(&every, 100, 1);
    ck_assert(cs_part_due(&every, &b, 37, 0));
    cs_schedule_walks(&s, 100, 0);
    ck_assert(cs_part_due(&s, &b, 0, 0));                  /* the baseline */
    cs_part_charge(&s, &b, 0, -1, 0);
    ck_assert_double_eq(b.unit_s, 0);
    ck_int_eq(b.next_point, 1);
    ck_assert(!cs_part_due(&s, &b, 4, 1));                 /* point 1 is iteration 5 */
    ck_assert(cs_part_due(&s, &b, 5, 1));
    cs_part_charge(&s, &b, 100, 1e-3, 0.5);                /* past every point */
    ck_int_eq(b.next_point, 21);
    ck_assert_double_eq_tol(b.last_s, 0, 1e-12);           /* 4 x the best (0) */
    ck_assert(!cs_part_due(&s, &b, 100, 100));
    b.next_point = 20;
    ck_assert(cs_part_due(&s, &b, 150, 100));              /* progress capped at 1 */
    cs_schedule_counters(&s, 0, 0);                        /* no iteration: one */
    ck_int_eq(s.iterations, 1);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(the_baseline_and_every_sample_take_the_part_when_asked_for_every_sample),
        CS_TEST(a_cheap_part_is_taken_at_the_baseline_and_at_each_grid_point_only),
        CS_TEST(grid_points_round_up_to_the_next_sample_and_never_pass_the_end),
        CS_TEST(grid_points_that_fall_between_iterations_round_up),
        CS_TEST(the_budget_at_its_edges),
        CS_TEST(a_part_that_grows_with_the_heap_is_spaced_out_within_its_budget),
        CS_TEST(a_growing_heap_is_walked_twelve_times_from_the_warm_up_for_an_exact_verdict),
        CS_TEST(a_walk_preempted_in_the_window_does_not_defer_the_walks_after_it),
        CS_TEST(the_window_stays_closed_when_the_grid_will_do_or_the_walks_cannot_fit),
        CS_TEST(a_preempted_part_is_charged_at_most_four_times_its_best_cost),
        CS_TEST(a_busy_machine_walks_a_short_run_as_often_as_a_quiet_one),
        CS_TEST(each_worker_counts_down_its_share_of_the_distance_to_the_next_point),
        NULL
    };

    return cs_run_tests("schedule", NULL, NULL, tests);
}
