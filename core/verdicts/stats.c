/* Robust slopes and leak verdicts; see stats.h. Pure C. */
#include "stats.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* z for a two-sided 95% interval. */
#define Z95 1.959964

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The mean of a and b; through halves when the sum overflows (two
 * values near the largest double), so a finite pair has a finite mean. */
static double mean2(double a, double b)
{
    double m = (a + b) / 2;

    return isfinite(m) || !isfinite(a) || !isfinite(b) ? m : a / 2 + b / 2;
}

/* Median of an already sorted array of n > 0 values. */
static double sorted_median(const double *v, size_t n)
{
    return n % 2 ? v[n / 2] : mean2(v[n / 2 - 1], v[n / 2]);
}

/* The slope between two points with distinct finite coordinates. A
 * difference of two finite doubles can overflow (1e308 - -1e308), which
 * would make an ordinary slope infinite or, divided by another overflow,
 * NaN; the halves' differences cannot, so the slope is then taken from
 * them: infinite only when the slope itself is beyond the doubles, never
 * NaN. */
static double pair_slope(double x0, double y0, double x1, double y1)
{
    double dx = x1 - x0, dy = y1 - y0;

    if (isfinite(dx) && isfinite(dy))
        return dy / dx;
    return (y1 / 2 - y0 / 2) / (x1 / 2 - x0 / 2);
}

double cs_median(const double *v, size_t n)
{
    double *tmp, med = NAN;
    size_t i, k = 0;

    if (!n || !(tmp = malloc(n * sizeof(*tmp))))
        return NAN;
    for (i = 0; i < n; i++)
        if (!isnan(v[i]))
            tmp[k++] = v[i];
    if (k) {
        qsort(tmp, k, sizeof(*tmp), cmp_double);
        med = sorted_median(tmp, k);
    }
    free(tmp);
    return med;
}

/* splitmix64: a fixed-seed generator, so a sampled fit is reproducible. */
static unsigned long long next_random(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Pairwise slopes of the m points into out (capacity cap). Every pair
 * when m is small; otherwise cap pairs drawn with a fixed seed, which
 * keeps the cost bounded and the median within sampling error of the
 * exact one. Pairs with equal x carry no slope and are skipped. Returns
 * the number of slopes written. */
static size_t pair_slopes(const double *x, const double *y, size_t m,
                          double *out, size_t cap)
{
    unsigned long long state = 0x5eed5eedULL;
    size_t i, j, k = 0, tries;

    if (m <= CS_THEIL_SEN_MAX_EXACT) {
        for (i = 0; i < m; i++)
            for (j = i + 1; j < m && k < cap; j++)
                if (x[j] != x[i])
                    out[k++] = pair_slope(x[i], y[i], x[j], y[j]);
        return k;
    }
    for (tries = 0; k < cap && tries < 4 * cap; tries++) {
        i = (size_t)(next_random(&state) % m);
        j = (size_t)(next_random(&state) % m);
        if (x[j] != x[i])
            out[k++] = pair_slope(x[i], y[i], x[j], y[j]);
    }
    return k;
}

/* The intercept of the line of the given slope through (x, y). When
 * slope * x or the difference overflows although the intercept itself
 * is a double, it is taken through halves. */
static double intercept_at(double x, double y, double slope)
{
    double b = y - slope * x;

    return isfinite(b) || !isfinite(slope) ? b : 2 * (y / 2 - slope / 2 * x);
}

/* Sen's rank interval on k sorted slopes drawn from the m points'
 * N = m(m-1)/2 pairs: the slopes at ranks (N -+ C)/2 with C from the
 * normal approximation of Kendall's S (ties ignored, which only widens
 * the interval). Ranks scale by k/N when pairs were sampled. */
static void sen_interval(const double *s, size_t k, size_t m, cs_fit *fit)
{
    double N = (double)m * (double)(m - 1) / 2;
    double C = Z95 * sqrt((double)m * (m - 1) * (2.0 * m + 5) / 18);
    double scale = (double)k / N;
    double lo = floor((N - C) / 2 * scale) - 1;
    double hi = ceil(((N + C) / 2 + 1) * scale) - 1;

    if (lo < 0)
        lo = 0;
    if (hi > (double)(k - 1))
        hi = (double)(k - 1);
    fit->ci_low = s[(size_t)lo];
    fit->ci_high = s[(size_t)hi];
}

/* Theil-Sen on m finite points (no NaN): slope, interval, intercept. */
static int fit_finite(const double *x, const double *y, size_t m, cs_fit *fit)
{
    size_t cap = m <= CS_THEIL_SEN_MAX_EXACT ? m * (m - 1) / 2 : CS_THEIL_SEN_PAIRS;
    size_t k, i;
    double *s = malloc((cap > m ? cap : m) * sizeof(*s));

    if (!s)
        return -1;
    if (!(k = pair_slopes(x, y, m, s, cap))) {
        free(s);
        return -1;
    }
    qsort(s, k, sizeof(*s), cmp_double);
    fit->slope = sorted_median(s, k);
    sen_interval(s, k, m, fit);
    for (i = 0; i < m; i++)
        s[i] = intercept_at(x[i], y[i], fit->slope);
    qsort(s, m, sizeof(*s), cmp_double);
    fit->intercept = sorted_median(s, m);
    fit->n = m;
    free(s);
    return 0;
}

int cs_theil_sen(const double *x, const double *y, size_t n, cs_fit *fit)
{
    double *xs, *ys;
    size_t i, m = 0;
    int rc = -1;

    fit->slope = fit->intercept = fit->ci_low = fit->ci_high = NAN;
    fit->n = 0;
    if (n < 2 || !(xs = malloc(2 * n * sizeof(*xs))))
        return -1;
    ys = xs + n;
    for (i = 0; i < n; i++) {
        if (isfinite(x[i]) && isfinite(y[i])) {
            xs[m] = x[i];
            ys[m++] = y[i];
        }
    }
    if (m >= 2)
        rc = fit_finite(xs, ys, m, fit);
    free(xs);
    return rc;
}

long long cs_default_warmup(long long iterations)
{
    return iterations / 10;
}

void cs_leak_params_default(cs_metric m, double max_leak_bytes, cs_leak_params *p)
{
    int bytes = cs_metric_is_bytes(m);

    if (max_leak_bytes < 0 || isnan(max_leak_bytes))
        max_leak_bytes = CS_DEFAULT_MAX_LEAK_BYTES;
    p->threshold = bytes ? max_leak_bytes : CS_DEFAULT_MAX_LEAK_COUNT;
    p->min_samples = CS_DEFAULT_MIN_SAMPLES;
    p->quantum = cs_metric_page_granular(m) ? 4096 : 0;
    p->min_steps = CS_DEFAULT_MIN_STEPS;
}

/* The series after warm-up, sorted by x, NaN dropped. */
typedef struct series {
    double *x, *y;
    size_t n;
} series;

typedef struct point { double x, y; } point;

static int cmp_point(const void *a, const void *b)
{
    return cmp_double(&((const point *)a)->x, &((const point *)b)->x);
}

/* Builds s from the points with finite values and x >= warmup. Returns 0
 * or -1 when out of memory. */
static int series_build(const double *x, const double *y, size_t n,
                        long long warmup, series *s)
{
    point *p = malloc((n ? n : 1) * sizeof(*p));
    size_t i, m = 0;

    s->x = NULL;
    s->n = 0;
    if (!p)
        return -1;
    for (i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i]) && x[i] >= (double)warmup)
            p[m].x = x[i], p[m++].y = y[i];
    qsort(p, m, sizeof(*p), cmp_point);
    if (!(s->x = malloc((m ? m : 1) * 2 * sizeof(double)))) {
        free(p);
        return -1;
    }
    s->y = s->x + (m ? m : 1);
    for (i = 0; i < m; i++)
        s->x[i] = p[i].x, s->y[i] = p[i].y;
    s->n = m;
    free(p);
    return 0;
}

/* Index of the first point with x >= cut (the series is sorted). */
static size_t first_at(const series *s, double cut)
{
    size_t i = 0;

    while (i < s->n && s->x[i] < cut)
        i++;
    return i;
}

/* Upward steps of at least half a quantum between consecutive samples
 * from index `from` on. */
static size_t count_steps(const series *s, size_t from, double quantum)
{
    size_t i, k = 0;

    for (i = from ? from : 1; i < s->n; i++)
        if (s->y[i] - s->y[i - 1] >= quantum / 2)
            k++;
    return k;
}

/* What the verdict is decided from. */
typedef struct evidence {
    cs_fit all;          /* whole series after warm-up */
    cs_fit tail;         /* last third (by iterations) */
    double level_rate;   /* (median of last third - median of first third)
                          * / distance between their median x */
    size_t steps;        /* upward page steps, whole series */
    size_t tail_steps;   /* upward page steps in the last third */
} evidence;

/* Given the whole-series fit in e->all, fits the last third and measures
 * the level change between the first and last thirds and the page steps.
 * The thirds are of the iterations; when the last one holds a single
 * sample, the tail is that sample and the one before it: heap walks
 * spaced out by their budget on a busy machine can leave one walk alone
 * near the end, and a leak walked twelve times before it was then
 * "inconclusive" for want of a tail, where the lone walk says whether the
 * growth went on. Returns 0 or -1. */
static int gather(const series *s, const cs_leak_params *p, evidence *e)
{
    double x0 = s->x[0], span = s->x[s->n - 1] - x0;
    size_t a = first_at(s, x0 + span / 3), b = first_at(s, x0 + 2 * span / 3);
    double dx;

    if (b + 1 == s->n && b >= 2)
        b--;
    if (b + 2 > s->n || a < 1)
        return -1;
    if (cs_theil_sen(s->x + b, s->y + b, s->n - b, &e->tail))
        return -1;
    dx = cs_median(s->x + b, s->n - b) - cs_median(s->x, a);
    e->level_rate = dx > 0 ? (cs_median(s->y + b, s->n - b) - cs_median(s->y, a)) / dx : 0;
    e->steps = p->quantum > 0 ? count_steps(s, 0, p->quantum) : 0;
    e->tail_steps = p->quantum > 0 ? count_steps(s, b, p->quantum) : 0;
    return 0;
}

/*
 * The rules, t being the threshold per iteration:
 *  - leak: the whole series' interval lies above t (ci_low > t) AND the
 *    last third still grows: its slope is above t and its own interval
 *    excludes 0. For page-granular metrics a leak also needs at least
 *    min_steps upward page steps overall and two in the last third: a
 *    handful of page faults is not a staircase.
 *  - plateau: the series rose (interval above t, slope above t, or the
 *    last third's median level above the first third's by more than t
 *    per iteration) but the last third is flat (slope below t/2): a cache
 *    that filled up, a one-off step.
 *  - a page-granular metric whose one rise is a single upward step is
 *    clean: one step is one commit of memory by anyone in the process (Wine's
 *    own runtime makes one, 64 KB, at a moment that moves with the
 *    machine's load), neither a staircase nor a cache filling up; the
 *    exact heap metrics say a target's one-off allocation.
 *  - clean: the interval's upper end is below t (this includes an
 *    interval straddling 0 narrower than t).
 *  - inconclusive: otherwise (the interval straddles t, growth only in
 *    the last third, a noisy tail), and always with fewer than
 *    min_samples samples.
 * Theil-Sen ignores up to 29% of wild points, so a single spike changes
 * neither slope nor verdict. A shift of level does move it (the pairs
 * that straddle a shift in the middle are half of all), so an exact
 * series that rises at one rate between all neighbouring points but one
 * pair is given that rate, with no spread (one_shift_off): the figure of
 * a leak stays exact when another thread frees a block once mid-run.
 */
static cs_verdict_kind decide(const evidence *e, const cs_leak_params *p)
{
    double t = p->threshold;
    int staircase = p->quantum <= 0 || (e->steps >= p->min_steps && e->tail_steps >= 2);
    int grow = e->all.ci_low > t;
    int rose = grow || e->all.slope > t || e->level_rate > t;
    int tail_grow = staircase && e->tail.slope > t && e->tail.ci_low > 0;
    int tail_flat = e->tail.slope < t / 2;

    if (grow && tail_grow)
        return CS_V_LEAK;
    if (p->quantum > 0 && e->steps == 1)
        return CS_V_CLEAN;
    if (rose && tail_flat)
        return CS_V_PLATEAU;
    if (e->all.ci_high < t)
        return CS_V_CLEAN;
    return CS_V_INCONCLUSIVE;
}

/* Whether two rates are the same (exact counts give exact quotients; the
 * tolerance is for the last bits of a division). */
static int same_rate(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (fabs(a) > 1 ? fabs(a) : 1);
}

/*
 * An exact series that rises at one rate between every two neighbouring
 * points but one pair: a level shift made once, by another thread of the
 * process freeing or allocating a block that was there before, or by the
 * target allocating once. Theil-Sen gives way to a shift in the middle of
 * the series, where the pairs that straddle it are half of all: a 54-byte
 * block freed by someone else once read as 47.77 bytes an iteration
 * instead of 48. The rate is what the series says. Of the first three
 * neighbouring rates at least two are the rate when at most one pair is
 * off, so one of them is the candidate.
 */
int cs_steady_rate(const double *x, const double *y, size_t n, double *rate)
{
    double d[3], r, dx;
    size_t k, off = 0;

    if (n < 6)
        return 0;
    for (k = 0; k < 3; k++)
        d[k] = (y[k + 1] - y[k]) / (x[k + 1] - x[k]);
    r = same_rate(d[0], d[1]) || same_rate(d[0], d[2]) ? d[0] : d[1];
    for (k = 0; k + 1 < n && off <= 1; k++) {
        dx = x[k + 1] - x[k];
        off += !(dx > 0) || !same_rate((y[k + 1] - y[k]) / dx, r);
    }
    if (off > 1 || !isfinite(r))
        return 0;
    *rate = r;
    return 1;
}

double cs_cycle_growth(const double *y, size_t n, int *common)
{
    size_t k, m = n > 1 ? n - 1 : 0, count = 0;
    double mean, cand = 0;

    *common = 0;
    if (!m)
        return NAN;
    mean = (y[m] - y[0]) / (double)m;
    /* the majority's candidate (Boyer-Moore), then its count */
    for (k = 0; k < m; k++) {
        double d = y[k + 1] - y[k];

        if (!count) {
            cand = d;
            count = 1;
        } else if (same_rate(d, cand)) {
            count++;
        } else {
            count--;
        }
    }
    for (count = 0, k = 0; k < m; k++)
        count += same_rate(y[k + 1] - y[k], cand);
    if (2 * count <= m || !(cand >= mean || same_rate(cand, mean)))
        return mean;
    *common = 1;
    return cand;
}

/* The steady rate of an exact series as its fit, with no spread: fills
 * fit and returns 1, or 0 (fit untouched) when the series has none. */
static int one_shift_off(const series *s, cs_fit *fit)
{
    double rate;

    if (!cs_steady_rate(s->x, s->y, s->n, &rate))
        return 0;
    fit->slope = fit->ci_low = fit->ci_high = rate;
    fit->intercept = s->y[0] - rate * s->x[0];
    fit->n = s->n;
    return 1;
}

cs_verdict_kind cs_leak_verdict(const double *x, const double *y, size_t n,
                                long long warmup, const cs_leak_params *p,
                                cs_verdict *v)
{
    series s;
    evidence e;

    v->kind = CS_V_INCONCLUSIVE;
    v->stands_in = 0;
    v->per_iteration = v->ci_low = v->ci_high = NAN;
    v->warmup = warmup;
    v->samples = 0;
    v->from = v->to = NAN;
    if (series_build(x, y, n, warmup, &s))
        return v->kind;
    v->samples = s.n;
    if (s.n) {
        v->from = s.x[0];
        v->to = s.x[s.n - 1];
    }
    if (s.n >= 2 && !cs_theil_sen(s.x, s.y, s.n, &e.all)) {
        if (p->quantum <= 0)            /* exact metrics; pages rise in steps of their own */
            one_shift_off(&s, &e.all);
        v->per_iteration = e.all.slope;
        v->ci_low = e.all.ci_low;
        v->ci_high = e.all.ci_high;
        if (s.n >= p->min_samples && s.n >= 6 && !gather(&s, p, &e))
            v->kind = decide(&e, p);
    }
    free(s.x);
    return v->kind;
}

cs_verdict_kind cs_sample_verdict(const cs_sample *samples, size_t n, cs_metric m,
                                  long long warmup, const cs_leak_params *p,
                                  cs_verdict *v)
{
    /* calloc: gcc cannot see that the loop below fills every slot */
    double *x = calloc((n ? n : 1) * 2, sizeof(*x)), *y;
    size_t i, measured = 0;

    v->metric = m;
    if (!x) {
        cs_leak_verdict(NULL, NULL, 0, warmup, p, v);
        return v->kind;
    }
    y = x + (n ? n : 1);
    for (i = 0; i < n; i++) {
        x[i] = (double)samples[i].iteration;
        y[i] = samples[i].v[m];
        measured += !isnan(y[i]);
    }
    cs_leak_verdict(x, y, n, warmup, p, v);
    if (!measured)
        v->kind = CS_V_NOT_MEASURED;
    free(x);
    return v->kind;
}

/*
 * When the sampler spaced its heap walks out (the heap got too large to
 * walk at every grid point within its time budget: samples without a heap
 * figure) and neither heap metric had enough walks for a verdict, the
 * memory counters, which keep their own, cheaper schedule, stand in: their
 * leak verdicts then fail the run like the heap's would have. A leaking
 * run must not pass because its leak made the heap dear to walk.
 */
static void stand_in(cs_run *r, const cs_sample *samples, size_t n)
{
    size_t i, walks = 0, short_heap = 0;

    for (i = 0; i < n; i++)
        walks += isfinite(samples[i].v[CS_M_HEAP_BYTES]) != 0;
    if (walks == n)
        return;
    for (i = 0; i < r->nverdicts; i++) {
        const cs_verdict *v = &r->verdicts[i];

        if (v->metric == CS_M_HEAP_BYTES || v->metric == CS_M_HEAP_BLOCKS)
            short_heap += v->kind == CS_V_INCONCLUSIVE && v->samples < CS_DEFAULT_MIN_SAMPLES;
    }
    if (short_heap < 2)
        return;
    for (i = 0; i < r->nverdicts; i++) {
        cs_verdict *v = &r->verdicts[i];

        v->stands_in = v->metric == CS_M_WORKING_SET || v->metric == CS_M_PAGEFILE;
    }
}

size_t cs_run_verdicts(cs_run *r, const cs_sample *samples, size_t n,
                       long long warmup, double max_leak_bytes)
{
    cs_leak_params p;
    cs_verdict v;
    int m;

    r->nverdicts = 0;
    r->samples = n;
    r->heap_bytes_per_iteration = NAN;
    for (m = 0; m < CS_M_COUNT; m++) {
        cs_leak_params_default((cs_metric)m, max_leak_bytes, &p);
        if (cs_sample_verdict(samples, n, (cs_metric)m, warmup, &p, &v) == CS_V_NOT_MEASURED)
            continue;
        if (m == CS_M_HEAP_BYTES)
            r->heap_bytes_per_iteration = v.per_iteration;
        v.stands_in = 0;
        r->verdicts[r->nverdicts++] = v;
    }
    stand_in(r, samples, n);
    return r->nverdicts;
}
