/*
 * When a sample takes its costly parts (a walk of every heap, the memory
 * counters). Pure.
 *
 * A sample always has the in-process figures (live objects, locks, cache,
 * threads): they cost microseconds. A heap walk visits every live block
 * (its cost grows with the heap: a million blocks take about 35 ms under
 * Wine), and the memory counters are a round trip to the wineserver. Taken
 * at every sample they made the sampler most of a long leaking run, and a
 * few percent of a short clean one. So each costly part is taken:
 *
 *  - at the baseline (iteration 0), always;
 *  - at most at `grid` points spread evenly over the run (k * iterations /
 *    grid), the first sample at or after each point taking it: enough for
 *    a verdict after the warm-up, no more;
 *  - and only while what it took so far, plus its last cost, stays within
 *    share * seconds so far + allowance * the share of the iterations
 *    done. When it gets dearer (a leaking heap), later points wait until
 *    the budget allows: the walks space themselves out.
 *
 * A walk's cost grows with the heap, and a leaking heap grows with the
 * run, so a budget that grows with the run's time cannot keep up: on a
 * million-iteration leak the walks fell at doubling distances, four after
 * the warm-up, too few for a verdict. Hence the verdict window of the
 * heap walks: at the first sample after the warm-up the schedule
 * predicts, from the walks so far (the heap's growth per iteration, the
 * cost per block, the time per iteration), whether the grid will give the
 * walks a verdict needs. When it will not, and the walks a verdict needs,
 * taken at the samples from there on while the heap is still small, fit
 * in window_share of the run's predicted time, it takes them there: the
 * figure is then exact (the bytes a call keeps), measured over a part of
 * the run rather than guessed from the working set. The window spends
 * the run's budget: no grid point is walked after it (a walk of the
 * grown heap late in the run would cost what the window did).
 *
 * With `every` set (--heap-walk every, or an explicit --sample-every) every
 * sample takes every part, as the sampler once did. Every figure taken is
 * exact; a sample without it has NaN there (not measured), which the
 * verdicts and the charts skip.
 */
#ifndef CS_SCHEDULE_H
#define CS_SCHEDULE_H

#include <stddef.h>

typedef struct cs_schedule {
    long long iterations;     /* the run's planned iterations (> 0) */
    int every;                /* every sample takes the part */
    size_t grid;              /* points over the run (> 0) */
    double share;             /* of the run's time so far */
    double allowance_s;       /* seconds, spread over the run's progress */
    long long warmup;         /* the verdict window opens at or after it */
    size_t verdict;           /* takes after the warm-up a verdict needs (0: no window) */
    double window_share;      /* what the window may spend, of the run's predicted time */
} cs_schedule;

/* One costly part's account. Zero it before the run. */
typedef struct cs_part_budget {
    double spent_s;           /* charged so far */
    double last_s;            /* the last charge */
    double unit_s;            /* best cost per unit seen (per block walked) */
    size_t taken;             /* samples that had the part */
    size_t next_point;        /* the grid point (1-based) still to serve */
    double base_units;        /* units at the baseline */
    double last_units;        /* units of the last take */
    long long last_at;        /* iteration of the last take */
    size_t after_warmup;      /* takes at or after the warm-up's end */
    double units_charged;     /* units of the charged takes (the baseline's not) */
    double prev_unit_s;       /* the charge before the last, a unit (0: none) */
    int window;               /* 0 undecided, 1 open, -1 closed or not needed */
} cs_part_budget;

/* The grid the run uses for its heap walks and memory counters, and their
 * budgets (docs/performance.md says why these figures). */
void cs_schedule_walks(cs_schedule *s, long long iterations, int every);
void cs_schedule_counters(cs_schedule *s, long long iterations, int every);

/* Gives a walk schedule its verdict window: the warm-up's last iteration
 * and the takes after it a verdict needs. Without it (or with `every`, or
 * verdict 0) the grid alone decides. */
void cs_schedule_window(cs_schedule *s, long long warmup, size_t verdict);

/*
 * Decides b's verdict window, once, at the first sample at or after the
 * warm-up (iteration, now_s seconds into the run; spacing: the iterations
 * between samples now). It stays closed when the grid is predicted to
 * give the takes a verdict needs within its own budget, when the part
 * does not grow, when nothing was taken since the baseline to predict
 * from, and when the takes would not fit in the window's share. A no-op
 * before the warm-up and after the decision.
 */
void cs_part_window(const cs_schedule *s, cs_part_budget *b, long long iteration, double now_s,
                    long long spacing);

/*
 * Whether the sample at iteration, taken now_s seconds into the run, takes
 * the part accounted in b. The allowance is spent at the rate the takes
 * are slowed: on a busy machine a take costs several times its best cost
 * per unit, and so does the run's own time, which the share follows; the
 * allowance, a fixed number of seconds, would not, and a short run (where
 * the allowance is most of the budget) would lose grid points to a
 * neighbour's load. So the allowance is multiplied by what the charged
 * takes cost over their best cost (1 to 4): the takes it pays for are the
 * same on a busy machine as on a quiet one.
 */
int cs_part_due(const cs_schedule *s, const cs_part_budget *b, long long iteration, double now_s);

/*
 * Accounts for the part taken at iteration: it took took_s seconds for
 * units units of work (blocks walked; 1 for a fixed cost). The charge is
 * what it took, but at most four times its best cost per unit so far: a
 * part preempted by another process (milliseconds on a busy machine) would
 * otherwise starve the rest of the run. The baseline (iteration 0) is
 * taken before the loop starts and is not charged: a baseline preempted
 * would otherwise leave the run without walks. Moves the grid past
 * iteration.
 */
void cs_part_charge(const cs_schedule *s, cs_part_budget *b, long long iteration, double took_s,
                    double units);

/*
 * Iterations one of `workers` workers may do before the run's next
 * checkpoint (a sampling point) can be due, dist iterations away: the
 * distance shared between the workers, rounded up, at least 1. Workers
 * look at the run's totals only then, so a shared line is not read on
 * every iteration; with one worker every point is met exactly, with more
 * the sample lands within about one share past it.
 */
long long cs_worker_countdown(long long dist, int workers);

#endif
