/* `--trace` in a run: see tracing.h. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "samplers.h"
#include "trace.h"
#include "tracing.h"

static int tracing;

int cs_tracing_on(void)
{
    return tracing;
}

int cs_tracing_start(const cs_options *o, const char *dll)
{
    WCHAR *wdll = cs_wide(dll), *mods[CS_MAX_TRACE_MODULES + 1] = { 0 };
    cs_trace_config cfg = { 0 };
    char why[300];
    size_t i;
    HRESULT hr = E_OUTOFMEMORY;

    for (i = 0; i < o->ntrace_modules; i++)
        if (!(mods[i] = cs_wide(o->trace_modules[i])))
            goto out_free;
    if (!wdll)
        goto out_free;
    cfg.target = wdll;
    cfg.extra_modules = (const WCHAR *const *)mods;
    hr = cs_trace_start(&cfg);
out_free:
    free(wdll);
    for (i = 0; i < CS_MAX_TRACE_MODULES; i++)
        free(mods[i]);
    if (FAILED(hr)) {
        fprintf(stderr, "comstress: --trace: cannot trace %s: %s\n", dll,
                cs_hresult_text(hr, why, sizeof(why)));
        return hr == E_NOTIMPL ? CS_EXIT_INTERNAL : CS_EXIT_TARGET;
    }
    cs_samplers_exclude_heap(cs_trace_heap());   /* its records are not the target's */
    tracing = 1;
    return CS_EXIT_OK;
}

/* One site of the tracer's report as run.json and the findings carry it. */
static void take_site(const cs_trace_site *t, cs_alloc_site *a, const char *const *calls, size_t ncalls)
{
    unsigned k;

    memset(a, 0, sizeof(*a));
    a->cls = cs_trace_class_name(t->cls);
    a->kind = cs_trace_kind_name(t->kind);
    a->call = t->statement >= 0 && (size_t)t->statement < ncalls ? calls[t->statement] : NULL;
    a->blocks = (double)t->blocks;
    a->bytes = (double)t->bytes;
    a->blocks_per_iteration = t->blocks_per_iteration;
    a->bytes_per_iteration = t->bytes_per_iteration;
    cs_trace_format_site(t, a->site, sizeof(a->site));
    for (k = 0; k < t->nframes && a->nframes < CS_ALLOC_FRAMES; k++) {
        const cs_trace_frame *f = &t->frames[k];

        if (f->line)
            snprintf(a->frames[a->nframes++], CS_FRAME_LEN, "%s (%s:%u) in %s", f->function,
                     f->file, f->line, f->module);
        else
            snprintf(a->frames[a->nframes++], CS_FRAME_LEN, "%s!%s+0x%llx", f->module,
                     f->function[0] ? f->function : "", (unsigned long long)f->offset);
    }
}

void cs_tracing_collect(cs_run *r, cs_release_store *st, cs_alloc_site *sites, size_t max,
                        const char *const *calls, size_t ncalls)
{
    cs_trace_collect_options co = { 0 };
    cs_trace_report *rep = NULL;
    size_t i, n = 0;

    if (!tracing)
        return;
    co.first_iteration = r->warmup + 1;
    co.last_iteration = r->iterations;
    co.max_sites = max;
    if (FAILED(cs_trace_collect(&co, &rep)))
        return;
    for (i = 0; i < rep->nsites && n < max; i++)
        take_site(&rep->sites[i], &sites[n++], calls, ncalls);
    cs_trace_report_free(rep);
    r->allocs = sites;
    r->nallocs = n;
    for (i = 0; i < n; i++)
        cs_release_judge_alloc(&r->release, st, &sites[i]);
}

void cs_tracing_stop(void)
{
    if (tracing)
        cs_trace_stop();
    tracing = 0;
}
