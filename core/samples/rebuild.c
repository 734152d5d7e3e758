/* A run rebuilt from its samples: see rebuild.h. */
#include <limits.h>
#include <math.h>
#include <string.h>
#include "rebuild.h"
#include "stats.h"
#include "options.h"

/* The value of metric m in the last sample that measured it, or NaN. */
static double last_value(const cs_csv_run *cr, cs_metric m)
{
    size_t i = cr->n;

    while (i-- > 0)
        if (!isnan(cr->samples[i].v[m]))
            return cr->samples[i].v[m];
    return NAN;
}

/* A count from the last sample that measured it, at most max: -1 ("not
 * measured") when never sampled, or when the value cannot be a count
 * (negative, not finite), which a hand-edited or corrupt file may hold.
 * Checked before the conversion: a double beyond the integer's range has
 * no defined conversion. */
static long long last_count(const cs_csv_run *cr, cs_metric m, long long max)
{
    double v = last_value(cr, m);

    if (!(v >= 0) || !isfinite(v))
        return -1;
    return v >= (double)max ? max : (long long)v;
}

/* Iterations between two samples, 0 when they go backwards; computed
 * without the signed overflow two far-apart iteration counts could
 * cause. */
static long long iteration_step(long long from, long long to)
{
    unsigned long long d;

    if (to <= from)
        return 0;
    d = (unsigned long long)to - (unsigned long long)from;
    return d > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)d;
}

void cs_run_from_csv(const cs_csv_run *cr, cs_run *r)
{
    const char *slash = strchr(cr->name, '/');
    const cs_sample *last;
    size_t i;

    memset(r, 0, sizeof(*r));
    r->name = cr->name;
    r->cache = slash ? slash + 1 : NULL;
    r->calls_per_second = NAN;
    r->sampling_seconds = NAN;
    r->loop_seconds = NAN;
    r->seconds = NAN;
    r->heap_bytes_per_iteration = NAN;
    r->live_objects_end = r->server_locks_end = -1;
    r->binds = r->getidsofnames_calls = r->type_fallbacks = -1;
    r->cache_entries_end = r->cache_bytes_end = -1;
    r->fail_on = CS_FAIL_DEFAULT;
    if (!cr->n)
        return;
    last = &cr->samples[cr->n - 1];
    r->iterations = last->iteration;
    r->warmup = cs_default_warmup(r->iterations);
    r->seconds = last->elapsed_s;
    r->sample_every_end = cr->n > 1 ? iteration_step(cr->samples[cr->n - 2].iteration, last->iteration) : 0;
    for (i = 0; i < cr->n; i++)
        r->heap_walks += isfinite(cr->samples[i].v[CS_M_HEAP_BYTES]);
    r->live_objects_end = (long)last_count(cr, CS_M_LIVE_OBJECTS, LONG_MAX);
    r->server_locks_end = (long)last_count(cr, CS_M_SERVER_LOCKS, LONG_MAX);
    r->cache_entries_end = last_count(cr, CS_M_CACHE_ENTRIES, LLONG_MAX);
    r->cache_bytes_end = last_count(cr, CS_M_CACHE_BYTES, LLONG_MAX);
    cs_run_verdicts(r, cr->samples, cr->n, r->warmup, -1);
}
