/* Fuzz entry of the leak statistics; see fuzz_entries.h. */
#include "fuzz_entries.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"

/* Most points decoded: Theil-Sen's sampled path starts above 300. */
#define MAX_POINTS 2048

typedef struct series {
    double x[MAX_POINTS], y[MAX_POINTS];
    size_t n;
    int paired;          /* x read from the input, not 100 * index */
    cs_metric metric;
    long long warmup;
} series;

static double get_double(const unsigned char *p)
{
    double v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static void decode(const unsigned char *data, size_t size, series *s)
{
    size_t per, i;

    memset(s, 0, sizeof(*s));
    if (size < 3)
        return;
    s->paired = data[0] & 1;
    s->metric = (cs_metric)(((data[0] >> 1) & 15) % CS_M_COUNT);
    s->warmup = data[1] | data[2] << 8;
    data += 3, size -= 3;
    per = s->paired ? 16 : 8;
    for (i = 0; i < size / per && i < MAX_POINTS; i++) {
        s->x[i] = s->paired ? get_double(data + i * per) : 100.0 * (double)i;
        s->y[i] = get_double(data + i * per + (s->paired ? 8 : 0));
    }
    s->n = i;
}

/* Every y finite, x from the index: the slope is at most twice the
 * largest double over 100, so a fit must give a finite slope and
 * interval. */
static int all_y_finite(const series *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (!isfinite(s->y[i]))
            return 0;
    return 1;
}

static const char *check_fit(const series *s)
{
    cs_fit fit;
    int rc = cs_theil_sen(s->x, s->y, s->n, &fit);

    if (rc == 0 && (fit.n < 2 || fit.n > s->n))
        return "theil-sen: fit.n out of range";
    if (rc != 0 && (!isnan(fit.slope) || fit.n))
        return "theil-sen: a failed fit not set to NaN";
    if (rc == 0 && !isnan(fit.slope) && !isnan(fit.ci_low) && !isnan(fit.ci_high)
        && !(fit.ci_low <= fit.slope && fit.slope <= fit.ci_high))
        return "theil-sen: the slope outside its own interval";
    if (!s->paired && s->n >= 2 && all_y_finite(s)
        && (rc || !isfinite(fit.slope) || !isfinite(fit.ci_low) || !isfinite(fit.ci_high)))
        return "theil-sen: finite data, evenly spaced, without a finite slope";
    return NULL;
}

static int kind_ok(cs_verdict_kind k, int measured_allowed)
{
    return k == CS_V_CLEAN || k == CS_V_LEAK || k == CS_V_PLATEAU || k == CS_V_INCONCLUSIVE
        || (measured_allowed && k == CS_V_NOT_MEASURED);
}

static const char *check_verdict(const series *s)
{
    cs_leak_params p;
    cs_verdict v;

    cs_leak_params_default(s->metric, -1, &p);
    v.metric = s->metric;
    if (!kind_ok(cs_leak_verdict(s->x, s->y, s->n, s->warmup, &p, &v), 0) || v.samples > s->n)
        return "leak verdict: a kind or sample count out of range";
    return NULL;
}

/* The series as samples of one run: the metric picked, and the reverse
 * series in the next metric. x is clamped into the iteration range. */
static const char *check_run(const series *s)
{
    cs_sample *smp = malloc((s->n ? s->n : 1) * sizeof(*smp));
    cs_metric other = (cs_metric)((s->metric + 1) % CS_M_COUNT);
    const char *problem = NULL;
    cs_run r;
    size_t i;

    if (!smp)
        return NULL;
    for (i = 0; i < s->n; i++) {
        double x = s->x[i];
        cs_sample_clear(&smp[i]);
        smp[i].iteration = !(x > -9e18) ? -9000000000000000000LL
                         : !(x < 9e18) ? 9000000000000000000LL : (long long)x;
        smp[i].v[s->metric] = s->y[i];
        smp[i].v[other] = s->y[s->n - 1 - i];
    }
    memset(&r, 0, sizeof(r));
    if (cs_run_verdicts(&r, smp, s->n, s->warmup, -1) > CS_M_COUNT || r.samples != s->n)
        problem = "run verdicts: counts out of range";
    for (i = 0; !problem && i < r.nverdicts; i++)
        if (!kind_ok(r.verdicts[i].kind, 0))
            problem = "run verdicts: a kind out of range";
    free(smp);
    return problem;
}

const char *cs_fuzz_stats(const unsigned char *data, size_t size)
{
    series *s = malloc(sizeof(*s));
    const char *problem;

    if (!s)
        return NULL;
    decode(data, size, s);
    if (!(problem = check_fit(s)) && !(problem = check_verdict(s)))
        problem = check_run(s);
    free(s);
    return problem;
}
