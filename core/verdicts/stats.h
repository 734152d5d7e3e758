/*
 * Leak statistics: a robust slope (Theil-Sen with Sen's rank interval) and
 * the per-metric leak verdict built on it. Pure C, no Win32.
 *
 * A series is (x = iterations completed, y = metric value) as sampled by
 * the run loop. NaN values (metric not measured at that sample) are skipped.
 */
#ifndef CS_STATS_H
#define CS_STATS_H

#include <stddef.h>
#include "model.h"

/* Default tolerated growth for bytes metrics, bytes per iteration. Chosen
 * well below the 24 bytes/iteration calibration leak (the smallest block a
 * 64-bit heap hands out, header included) and well above what the slope
 * of a clean run's exact heap walk shows (0 to 1 byte/iteration). */
#define CS_DEFAULT_MAX_LEAK_BYTES 4.0
/* Default tolerated growth for count metrics (objects, handles, blocks,
 * threads, cache entries): one per 100 iterations. */
#define CS_DEFAULT_MAX_LEAK_COUNT 0.01
/* Fewest samples after warm-up for a verdict other than inconclusive. */
#define CS_DEFAULT_MIN_SAMPLES 12
/* Fewest distinct upward page steps before a page-granular metric can be
 * called a leak: fewer is a handful of page faults, not a staircase. */
#define CS_DEFAULT_MIN_STEPS 8
/* Above this many points Theil-Sen uses a deterministic sample of pairs. */
#define CS_THEIL_SEN_MAX_EXACT 300
/* Pairs drawn when sampling (cost O(P log P) whatever the length). */
#define CS_THEIL_SEN_PAIRS 40000

/* A fitted line y = intercept + slope * x, with the 95% confidence
 * interval of the slope. n is the number of points used. */
typedef struct cs_fit {
    double slope;
    double intercept;
    double ci_low;
    double ci_high;
    size_t n;
} cs_fit;

/* Iterations left out of verdicts when --warmup is not given: 10%. */
long long cs_default_warmup(long long iterations);

/* Theil-Sen fit over the points (x[i], y[i]) with both finite; needs at
 * least two points with distinct x. Returns 0, or -1 (fit set to NaN)
 * when there are too few points or memory ran out. */
int cs_theil_sen(const double *x, const double *y, size_t n, cs_fit *fit);

/* Median of v[0..n) (v is not modified; NaN skipped). NaN when empty. */
double cs_median(const double *v, size_t n);

/* The one rate of an exact series (counts, bytes of a heap walk) that
 * rises at that rate between every two neighbouring points but at most
 * one pair: a level shift made once by someone else (a block another
 * thread frees mid-run) leaves the rate as it is, where a mean or a
 * Theil-Sen fit would move. Needs at least 6 points with x rising.
 * Returns 1 and sets *rate, or 0 when the series has no such rate. */
int cs_steady_rate(const double *x, const double *y, size_t n, double *rate);

/* The growth a cycle from walks taken after each cycle (y[0] before the
 * first, n >= 2): the larger of the mean growth and the growth that more
 * than half of the cycles share exactly. A block that was there before
 * the cycles, freed by another thread during them, lowers the mean and
 * one cycle's growth, never the growth the cycles share; growth that only
 * some cycles show (a block stranded every third cycle) stays in the
 * mean. *common is 1 when the shared growth is the figure. NaN for n < 2. */
double cs_cycle_growth(const double *y, size_t n, int *common);

/* What a verdict is measured against. */
typedef struct cs_leak_params {
    double threshold;     /* tolerated growth, metric unit per iteration */
    size_t min_samples;   /* fewer after warm-up: inconclusive */
    double quantum;       /* 4096 for page-granular metrics, 0 otherwise */
    size_t min_steps;     /* page-granular: fewest upward steps for a leak */
} cs_leak_params;

/* Defaults for metric m: bytes metrics get max_leak_bytes (pass a negative
 * value for CS_DEFAULT_MAX_LEAK_BYTES), counts CS_DEFAULT_MAX_LEAK_COUNT;
 * working set and pagefile usage are page-granular. */
void cs_leak_params_default(cs_metric m, double max_leak_bytes, cs_leak_params *p);

/* The leak verdict of one series after dropping points with x < warmup.
 * Fills v (metric left as is) and returns v->kind. See stats.c for the
 * rules. */
cs_verdict_kind cs_leak_verdict(const double *x, const double *y, size_t n,
                                long long warmup, const cs_leak_params *p,
                                cs_verdict *v);

/* Verdict for metric m over samples[0..n): CS_V_NOT_MEASURED when every
 * value of m is NaN. */
cs_verdict_kind cs_sample_verdict(const cs_sample *samples, size_t n, cs_metric m,
                                  long long warmup, const cs_leak_params *p,
                                  cs_verdict *v);

/* Fills r->verdicts with one verdict per measured metric (model order),
 * r->nverdicts, r->samples and r->heap_bytes_per_iteration (NaN when the
 * heap was not measured), using default parameters with max_leak_bytes
 * (negative: the default). Returns r->nverdicts, or 0 when out of memory. */
size_t cs_run_verdicts(cs_run *r, const cs_sample *samples, size_t n,
                       long long warmup, double max_leak_bytes);

#endif
