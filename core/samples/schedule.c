/* When a sample takes its costly parts: see schedule.h. */
#include "schedule.h"

/*
 * The figures (measured under Wine 8 on the reference server; the reasons
 * are in docs/performance.md):
 *  - 20 grid points: about 18 after the default warm-up (a tenth), for a
 *    verdict that needs 12;
 *  - heap walks: 4% of the run's time, plus 10 ms spread over the run, so
 *    a run under a second or so (the walks of a small heap cost about
 *    0.13 ms each) keeps every grid point, and a million-block heap is
 *    walked a few times, not twenty;
 *  - memory counters (about 0.05 ms each): 1% plus 2 ms, which keeps
 *    every grid point on any run.
 */
#define GRID 20
#define WALK_SHARE 0.04
#define WALK_ALLOWANCE_S 0.010
#define COUNTERS_SHARE 0.01
#define COUNTERS_ALLOWANCE_S 0.002

static void fill(cs_schedule *s, long long iterations, int every, double share, double allowance)
{
    s->iterations = iterations > 0 ? iterations : 1;
    s->every = every;
    s->grid = GRID;
    s->share = share;
    s->allowance_s = allowance;
}

void cs_schedule_walks(cs_schedule *s, long long iterations, int every)
{
    fill(s, iterations, every, WALK_SHARE, WALK_ALLOWANCE_S);
}

void cs_schedule_counters(cs_schedule *s, long long iterations, int every)
{
    fill(s, iterations, every, COUNTERS_SHARE, COUNTERS_ALLOWANCE_S);
}

/* The iteration of grid point k (1-based): k * iterations / grid, rounded
 * up, computed without overflow for any long long iterations. */
static long long point_at(const cs_schedule *s, size_t k)
{
    long long n = s->iterations, g = (long long)s->grid, q = n / g, r = n % g;

    return q * (long long)k + (r * (long long)k + g - 1) / g;
}

int cs_part_due(const cs_schedule *s, const cs_part_budget *b, long long iteration, double now_s)
{
    double progress;

    if (iteration <= 0 || s->every)
        return 1;
    if (b->next_point < 1 || b->next_point > s->grid || iteration < point_at(s, b->next_point))
        return 0;
    progress = (double)iteration / (double)s->iterations;
    if (progress > 1)
        progress = 1;
    return b->spent_s + b->last_s <= s->share * now_s + s->allowance_s * progress;
}

long long cs_worker_countdown(long long dist, int workers)
{
    long long t = workers > 1 ? workers : 1;

    if (dist <= t)
        return 1;
    return dist / t + (dist % t != 0);
}

void cs_part_charge(const cs_schedule *s, cs_part_budget *b, long long iteration, double took_s,
                    double units)
{
    double cap;

    if (units < 1)
        units = 1;
    if (took_s < 0)
        took_s = 0;
    if (!b->taken || took_s / units < b->unit_s)
        b->unit_s = took_s / units;
    b->taken++;
    if (b->next_point < 1)
        b->next_point = 1;
    while (b->next_point <= s->grid && point_at(s, b->next_point) <= iteration)
        b->next_point++;
    if (iteration <= 0)
        return;                 /* the baseline is taken before the loop starts */
    cap = 4 * b->unit_s * units;
    b->last_s = took_s < cap ? took_s : cap;
    b->spent_s += b->last_s;
}
