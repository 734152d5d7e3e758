/* The run plan: see plan.h. */
#include <string.h>
#include "plan.h"
#include "stats.h"

long long cs_plan_default_sample_every(long long iterations)
{
    return iterations / 200 > 0 ? iterations / 200 : 1;
}

/* The policies a plan runs: every one in compare, else --cache's. */
static void resolve_policies(const cs_options *o, cs_plan *p)
{
    size_t i;

    p->npolicies = 0;
    if (p->compare)
        for (i = 0; i < CS_NPOLICIES; i++)
            p->policies[p->npolicies++] = (cs_policy)i;
    else
        p->policies[p->npolicies++] = o->cache;
}

/* The schedule: iterations, warm-up, the samples interval and whether
 * every sample walks the heap. */
static void resolve_schedule(const cs_options *o, cs_plan *p)
{
    p->iterations = o->iterations;
    p->duration_s = o->duration_s;
    p->warmup_given = o->warmup >= 0;
    p->warmup = p->warmup_given ? o->warmup : cs_default_warmup(o->iterations);
    p->sample_every_given = o->sample_every > 0;
    p->sample_every = p->sample_every_given ? o->sample_every : cs_plan_default_sample_every(o->iterations);
    if (p->duration_s > 0) {
        /* a soak: the clock ends it, the warm-up is the first tenth of its
         * time (the runner marks the iteration), samples start dense and
         * space themselves out (the sampler's share, the row budget) */
        if (!p->warmup_given)
            p->warmup = CS_SOAK_ITERATIONS;
        if (!p->sample_every_given)
            p->sample_every = 1;
        p->row_budget = CS_SOAK_ROW_BUDGET;
    }
    p->walk_every = o->heap_walk_every || p->sample_every_given;
}

void cs_plan_resolve(const cs_options *o, cs_plan *p)
{
    memset(p, 0, sizeof(*p));
    p->compare = o->command == CS_CMD_COMPARE;
    p->target = o->target;
    p->dll = o->dll;
    p->fault = o->fault;
    p->script = o->script;
    p->calls = o->calls;
    p->ncalls = o->ncalls;
    p->scenario = o->scenario;
    p->activation = o->activation;
    p->threads = o->threads;
    p->apartment_mta = o->apartment_mta;
    p->sink_sta = o->sink_sta;
    p->invoke_plan = o->invoke_plan;
    p->client_fault = o->client_fault;
    p->ledger = o->ledger;
    p->bstr_cache = o->bstr_cache;
    p->heap_lfh = o->heap_lfh;
    p->timeout_s = o->timeout_s;
    resolve_policies(o, p);
    resolve_schedule(o, p);
    p->max_leak = o->max_leak;
    p->gate = o->fail_on ? o->fail_on : CS_FAIL_DEFAULT;
    p->trace = o->trace;
    p->trace_modules = o->trace_modules;
    p->ntrace_modules = o->ntrace_modules;
    p->out_dir = o->out_dir;
    p->verbose = o->verbose;
    p->progress_s = o->progress_s ? o->progress_s : 10;
    p->baseline = o->baseline;
}
