/* A run rebuilt from its samples: see rebuild.h. */
#include <math.h>
#include <string.h>
#include "rebuild.h"
#include "stats.h"

/* The value of metric m in the last sample that measured it, or NaN. */
static double last_value(const cs_csv_run *cr, cs_metric m)
{
    size_t i = cr->n;

    while (i-- > 0)
        if (!isnan(cr->samples[i].v[m]))
            return cr->samples[i].v[m];
    return NAN;
}

/* A count from the last sample, -1 ("not measured") when never sampled. */
static long long last_count(const cs_csv_run *cr, cs_metric m)
{
    double v = last_value(cr, m);

    return isnan(v) ? -1 : (long long)v;
}

void cs_run_from_csv(const cs_csv_run *cr, cs_run *r)
{
    const cs_sample *last = &cr->samples[cr->n - 1];
    const char *slash = strchr(cr->name, '/');

    memset(r, 0, sizeof(*r));
    r->name = cr->name;
    r->cache = slash ? slash + 1 : NULL;
    r->iterations = last->iteration;
    r->warmup = cs_default_warmup(r->iterations);
    r->seconds = last->elapsed_s;
    r->calls_per_second = NAN;
    r->sampling_seconds = NAN;
    r->sample_every_end = cr->n > 1 ? last->iteration - cr->samples[cr->n - 2].iteration : 0;
    r->live_objects_end = (long)last_count(cr, CS_M_LIVE_OBJECTS);
    r->server_locks_end = (long)last_count(cr, CS_M_SERVER_LOCKS);
    r->binds = r->getidsofnames_calls = r->type_fallbacks = -1;
    r->cache_entries_end = last_count(cr, CS_M_CACHE_ENTRIES);
    r->cache_bytes_end = last_count(cr, CS_M_CACHE_BYTES);
    r->threads = 0;
    cs_run_verdicts(r, cr->samples, cr->n, r->warmup, -1);
}
