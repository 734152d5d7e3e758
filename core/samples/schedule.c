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
/* The verdict window may take 7% of the run (8.4% with its slack), 4 to 6%
 * in practice (its prediction takes the best cost a block seen): with the
 * light samples (under 1%), the counters and the walks before the warm-up
 * the sampler stays under its 10% target. */
#define WINDOW_SHARE 0.07
/* An open window may overrun its prediction by a fifth: its takes are worth
 * something only all together (a verdict), so stopping one short would
 * waste what the others cost. */
#define WINDOW_SLACK 1.2

static void fill(cs_schedule *s, long long iterations, int every, double share, double allowance)
{
    s->iterations = iterations > 0 ? iterations : 1;
    s->every = every;
    s->grid = GRID;
    s->share = share;
    s->allowance_s = allowance;
    s->warmup = 0;
    s->verdict = 0;
    s->window_share = 0;
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

void cs_schedule_window(cs_schedule *s, long long warmup, size_t verdict)
{
    s->warmup = warmup > 0 ? warmup : 0;
    s->verdict = verdict;
    s->window_share = WINDOW_SHARE;
}

/* A part that grows: unit_s a unit, units at iteration at, per_it units
 * more each iteration. */
typedef struct growth {
    double unit_s, units, per_it;
    long long at;
} growth;

static double cost_at(const growth *g, long long iteration)
{
    return g->unit_s * (g->units + g->per_it * (double)(iteration - g->at));
}

/* b's part as it has grown since the baseline (per_it 0 when it has not,
 * or nothing was taken since), at unit_s a unit from its last take on. */
static growth growth_of(const cs_part_budget *b, double unit_s)
{
    growth g = { .unit_s = unit_s, .units = b->last_units, .at = b->last_at };

    if (b->last_at > 0 && b->last_units > b->base_units)
        g.per_it = (b->last_units - b->base_units) / (double)b->last_at;
    return g;
}

/* The takes the grid's rule (cs_part_due) is predicted to give from
 * iteration on, the run's clock at sec_per_it seconds an iteration. */
static size_t grid_predicts(const cs_schedule *s, const cs_part_budget *b, const growth *g,
                            long long iteration, double sec_per_it)
{
    double spent = b->spent_s;
    size_t k, n = 0;

    for (k = b->next_point > 0 ? b->next_point : 1; k <= s->grid; k++) {
        long long at = point_at(s, k);
        double progress = (double)at / (double)s->iterations;

        if (at < iteration || spent + cost_at(g, at) > s->share * sec_per_it * (double)at
                                                       + s->allowance_s * progress)
            continue;
        spent += cost_at(g, at);
        n++;
    }
    return n;
}

void cs_part_window(const cs_schedule *s, cs_part_budget *b, long long iteration, double now_s,
                    long long spacing)
{
    growth g;
    size_t need, i;
    double per_it, budget, cost = 0;

    if (b->window || !s->verdict || s->every || iteration <= 0 || iteration < s->warmup)
        return;
    b->window = -1;
    need = s->verdict > b->after_warmup ? s->verdict - b->after_warmup : 0;
    if (!need || b->last_at <= 0 || b->last_units <= b->base_units || now_s <= b->spent_s)
        return;                 /* enough, nothing to predict from, or no growth */
    per_it = (now_s - b->spent_s) / (double)iteration;     /* the walks' own time left out */
    g = growth_of(b, b->unit_s);    /* the best seen: a preempted take says nothing */
    if (grid_predicts(s, b, &g, iteration, per_it) >= need)
        return;
    if (spacing < 1)
        spacing = 1;
    if (iteration + (long long)(need - 1) * spacing > s->iterations)
        return;                 /* the run ends first */
    for (i = 0; i < need; i++)
        cost += cost_at(&g, iteration + (long long)i * spacing);
    budget = s->window_share * per_it * (double)s->iterations - b->spent_s;
    if (cost <= budget)
        b->window = 1;
}

/* What the next take at iteration is expected to cost: the units
 * predicted for it (a leaking heap grows between takes) at the cheaper of
 * the last two charges' cost a unit. One take preempted by another process
 * costs up to four times the others; taken as the next one's cost, it
 * would defer the walks after it, though the time it lost is already
 * charged. A take slowed for good (every take since) still predicts the
 * slower cost, as both charges show it. */
static double next_cost(const cs_part_budget *b, long long iteration)
{
    double per_unit;
    growth g;

    if (b->last_units <= 0)
        return b->last_s;
    per_unit = b->last_s / b->last_units;
    if (b->prev_unit_s > 0 && b->prev_unit_s < per_unit)
        per_unit = b->prev_unit_s;
    g = growth_of(b, per_unit);
    return cost_at(&g, iteration > b->last_at ? iteration : b->last_at);
}

/* What the charged takes cost over their cost at the best cost per unit:
 * 1 on a quiet machine, more when the takes were slowed (preempted); 1
 * before any was charged, at most 4 (a charge's own cap). */
static double slowdown(const cs_part_budget *b)
{
    double best = b->unit_s * b->units_charged, r;

    if (best <= 0 || b->spent_s <= best)
        return 1;
    r = b->spent_s / best;
    return r < 4 ? r : 4;
}

int cs_part_due(const cs_schedule *s, const cs_part_budget *b, long long iteration, double now_s)
{
    double progress;

    if (iteration <= 0 || s->every)
        return 1;
    progress = (double)iteration / (double)s->iterations;
    if (progress > 1)
        progress = 1;
    if (b->window == 1 && iteration >= s->warmup && now_s > 0)   /* see WINDOW_SLACK */
        return b->spent_s + next_cost(b, iteration)
               <= WINDOW_SLACK * s->window_share * (now_s - b->spent_s) / progress;
    if (b->next_point < 1 || b->next_point > s->grid || iteration < point_at(s, b->next_point))
        return 0;
    return b->spent_s + b->last_s <= s->share * now_s + s->allowance_s * progress * slowdown(b);
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
    double cap, last_unit_s = b->last_units > 0 ? b->last_s / b->last_units : 0;

    if (units < 1)
        units = 1;
    if (took_s < 0)
        took_s = 0;
    if (!b->taken || took_s / units < b->unit_s)
        b->unit_s = took_s / units;
    b->taken++;
    if (iteration <= 0)
        b->base_units = units;
    b->last_units = units;
    b->last_at = iteration;
    if (iteration > 0 && s->verdict && iteration >= s->warmup && ++b->after_warmup >= s->verdict
        && b->window == 1) {
        b->window = -1;         /* the verdict has its takes, and the run's budget is spent */
        b->next_point = s->grid + 1;
    }
    if (b->next_point < 1)
        b->next_point = 1;
    while (b->next_point <= s->grid && point_at(s, b->next_point) <= iteration)
        b->next_point++;
    if (iteration <= 0)
        return;                 /* the baseline is taken before the loop starts */
    cap = 4 * b->unit_s * units;
    b->prev_unit_s = last_unit_s;
    b->last_s = took_s < cap ? took_s : cap;
    b->spent_s += b->last_s;
    b->units_charged += units;
}
