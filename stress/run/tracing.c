/* `--trace` in a run: see tracing.h. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "paths.h"
#include "report_util.h"
#include "runinfo.h"
#include "samplers.h"
#include "say.h"
#include "trace.h"
#include "tracing.h"

/* Snapshots after the first take at most this share of the run's time. */
#define SNAPSHOT_SHARE 0.02

/* A tracing session (tracing.h), and the run going in it, between
 * cs_tracing_begin_run and cs_tracing_end_run: what its snapshots write
 * (a record of its own, with the sites and their findings), where, and
 * what they have cost. Touched by the sampling thread only while the run
 * goes (under the run's lock). */
struct cs_tracing {
    int on;                             /* a run is going */
    cs_run rec;                         /* the provisional record */
    char path[CS_PATH_LEN];             /* DIR/traced.txt */
    long long base, warmup;             /* the tracer's numbering */
    const char *const *calls;
    size_t ncalls;
    LARGE_INTEGER t0, freq;
    cs_tracing_costs costs;
    double last_cost;                   /* seconds, of the latest snapshot */
    cs_alloc_site sites[CS_MAX_ALLOCS];
    cs_release_store st;
};

/* --debug-dir: a folder that exists, handed to the tracer's naming.
 * Non-zero (after one line) when it is not one. */
static int set_debug_dir(const char *dir)
{
    WCHAR *w = cs_wide(dir);
    DWORD attr = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;

    if (attr == INVALID_FILE_ATTRIBUTES || !(attr & FILE_ATTRIBUTE_DIRECTORY)) {
        fprintf(stderr, "comstress: --debug-dir '%s': no such folder\n", dir);
        free(w);
        return 1;
    }
    cs_trace_set_debug_dir(w);
    free(w);
    return 0;
}

int cs_tracing_start(const cs_plan *o, const char *dll, cs_tracing **out)
{
    WCHAR *wdll = cs_wide(dll), *mods[CS_MAX_TRACE_MODULES + 1] = { 0 };
    cs_trace_config cfg = { 0 };
    char why[300];
    size_t i;
    HRESULT hr = E_OUTOFMEMORY;

    *out = NULL;
    if (o->debug_dir && set_debug_dir(o->debug_dir))
        return CS_EXIT_USAGE;
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
    if (!(*out = calloc(1, sizeof(**out)))) {
        cs_trace_stop();
        fprintf(stderr, "comstress: --trace: out of memory\n");
        return CS_EXIT_INTERNAL;
    }
    cs_samplers_exclude_heap(cs_trace_heap());   /* its records are not the target's */
    return CS_EXIT_OK;
}

/* A site's line and frame texts from the tracer's frames t[0..n). */
static void put_frames(const cs_trace_site *t, cs_alloc_site *a)
{
    char whole[4096];
    unsigned k;

    cs_trace_format_site(t, whole, sizeof(whole));
    cs_cut_frames(whole, a->site, sizeof(a->site));     /* whole frames, " <- ..." after */
    a->nframes = 0;
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

/* One site of the tracer's report as run.json and the findings carry it;
 * a site collected without names keeps its frames as collected, for
 * cs_tracing_name_sites. */
static void take_site(const cs_trace_site *t, cs_alloc_site *a, BOOL named, const char *const *calls,
                      size_t ncalls)
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
    put_frames(t, a);
    for (k = 0; !named && k < t->nframes && a->nraw < CS_ALLOC_FRAMES; k++) {
        cs_raw_frame *raw = &a->raw[a->nraw++];

        raw->traced = t->frames[k].traced;
        raw->offset = t->frames[k].offset;
        snprintf(raw->path, sizeof(raw->path), "%s", t->frames[k].path);
    }
}

/* Collects the tracer's sites classified over the tracer's iterations
 * first..last into sites[0..max), then sets r->allocs and r->nallocs and
 * adds r's finding for every leaking site. FALSE (r untouched) when the
 * tracer could not report. */
static BOOL collect(cs_run *r, cs_release_store *st, long long first, long long last, BOOL named,
                    cs_alloc_site *sites, size_t max, const char *const *calls, size_t ncalls)
{
    cs_trace_collect_options co = { 0 };
    cs_trace_report *rep = NULL;
    size_t i, n = 0;

    co.first_iteration = first;
    co.last_iteration = last;
    co.max_sites = max;
    co.no_symbols = !named;
    if (FAILED(cs_trace_collect(&co, &rep)))
        return FALSE;
    for (i = 0; i < rep->nsites && n < max; i++)
        take_site(&rep->sites[i], &sites[n++], named, calls, ncalls);
    cs_trace_report_free(rep);
    r->allocs = sites;
    r->nallocs = n;
    for (i = 0; i < n; i++)
        cs_release_judge_alloc(&r->release, st, &sites[i]);
    return TRUE;
}

void cs_tracing_collect(cs_tracing *t, cs_run *r, cs_release_store *st, cs_alloc_site *sites, size_t max,
                        const char *const *calls, size_t ncalls)
{
    if (t)
        collect(r, st, r->warmup + 1, r->iterations, TRUE, sites, max, calls, ncalls);
}

static double seconds_since(const cs_tracing *t, LARGE_INTEGER t0)
{
    LARGE_INTEGER now;

    QueryPerformanceCounter(&now);
    return (double)(now.QuadPart - t0.QuadPart) / (double)t->freq.QuadPart;
}

void cs_tracing_begin_run(cs_tracing *t, const cs_run *r, const char *dir, long long trace_base,
                          const char *const *calls, size_t ncalls)
{
    if (!t)
        return;
    memset(t, 0, sizeof(*t));
    t->on = 1;
    t->rec.name = r->name;
    t->rec.target = r->target;
    t->rec.calls = r->calls;
    t->rec.cache = r->cache;
    t->rec.apartment = r->apartment;
    t->rec.activation = r->activation;
    t->rec.scenario = r->scenario;
    t->rec.threads = r->threads;
    t->rec.fail_on = r->fail_on;
    t->warmup = r->warmup;
    t->base = trace_base;
    t->calls = calls;
    t->ncalls = ncalls;
    snprintf(t->path, sizeof(t->path), "%s/%s", dir, CS_RUNINFO_TRACED_FILE);
    QueryPerformanceFrequency(&t->freq);
    QueryPerformanceCounter(&t->t0);
}

/*
 * Whether a snapshot is due at done iterations: never within the warm-up
 * (its blocks are not judged); always the first sample past it, so that
 * a crash after that still has attribution; afterwards while the
 * snapshots, with one more of the latest one's cost, stay within
 * SNAPSHOT_SHARE of the run's time. A snapshot groups the outstanding
 * records and writes them with their frames unnamed (module file and
 * offset): naming them through dbghelp would cost the run most of a
 * second, and leave dbghelp's blocks in the heap it measures; the final
 * collect names them after the loop, or `report DIR` after a crash
 * (cs_tracing_name_sites).
 */
static BOOL snapshot_due(const cs_tracing *t, long long done)
{
    const cs_tracing_costs *c = &t->costs;

    if (done <= t->warmup)
        return FALSE;
    if (!c->snapshots)
        return TRUE;
    return c->seconds + t->last_cost <= SNAPSHOT_SHARE * seconds_since(t, t->t0);
}

/* The provisional record at done iterations: the run's description, its
 * sites so far and their findings, every other figure not measured. */
static BOOL build_record(cs_tracing *t, long long done)
{
    cs_run *r = &t->rec;

    r->iterations = done;
    r->seconds = r->calls_per_second = r->sampling_seconds = r->loop_seconds = NAN;
    r->binds = r->getidsofnames_calls = r->type_fallbacks = -1;
    r->cache_entries_end = r->cache_bytes_end = -1;
    cs_release_init(&r->release);
    memset(&t->st, 0, sizeof(t->st));
    r->allocs = NULL;
    r->nallocs = 0;
    return collect(r, &t->st, t->base + t->warmup + 1, t->base + done, FALSE, t->sites,
                   CS_MAX_ALLOCS, t->calls, t->ncalls);
}

void cs_tracing_snapshot(cs_tracing *t, long long done)
{
    LARGE_INTEGER t0;
    char err[CS_ERR_LEN];
    FILE *f;

    if (!t || !t->on || !snapshot_due(t, done))
        return;
    QueryPerformanceCounter(&t0);
    if (build_record(t, done) && (f = cs_report_open(t->path, err, sizeof(err)))
        && !cs_report_close(f, cs_runinfo_write(f, &t->rec), t->path, err, sizeof(err)))
        t->costs.written = done;
    t->last_cost = seconds_since(t, t0);
    t->costs.snapshots++;
    t->costs.seconds += t->last_cost;
}

void cs_tracing_end_run(cs_tracing *t, cs_tracing_costs *costs)
{
    if (!t)
        return;
    if (costs)
        *costs = t->costs;
    if (t->on && t->costs.written)
        cs_delete_file(t->path);
    t->on = 0;
}

/*
 * Replaces, in every finding of r, the site line old by new: a finding
 * names its site ("allocated in ..."); a new site too long for the
 * finding keeps the frames that fit whole. The texts live in a store of this
 * file (report DIR names one run's sites once, at most CS_MAX_FINDINGS
 * lines in all).
 */
static void rename_site(cs_run *r, const char *old, const char *new)
{
    static char store[CS_MAX_FINDINGS][CS_FINDING_LEN];
    static size_t used;
    size_t i;

    for (i = 0; i < r->release.nfindings && used < CS_MAX_FINDINGS; i++) {
        if (!old[0] || !strstr(r->release.findings[i], old))
            continue;
        cs_replace_frames(r->release.findings[i], old, new, store[used], CS_FINDING_LEN);
        r->release.findings[i] = store[used++];
    }
}

void cs_tracing_name_sites(cs_run *r)
{
    cs_trace_site *t = calloc(1, sizeof(*t) + CS_ALLOC_FRAMES * sizeof(cs_trace_frame));
    cs_trace_frame *raw = (cs_trace_frame *)(t + 1);
    cs_alloc_site *a;
    char old[sizeof(a->site)];
    size_t i, k;

    for (i = 0; t && i < r->nallocs; i++) {
        a = (cs_alloc_site *)&r->allocs[i];
        if (!a->nraw)
            continue;
        memset(raw, 0, CS_ALLOC_FRAMES * sizeof(*raw));
        for (k = 0; k < a->nraw; k++) {
            const char *slash = strrchr(a->raw[k].path, '\\');

            raw[k].traced = a->raw[k].traced;
            raw[k].offset = a->raw[k].offset;
            snprintf(raw[k].path, sizeof(raw[k].path), "%s", a->raw[k].path);
            snprintf(raw[k].module, sizeof(raw[k].module), "%s", slash ? slash + 1 : a->raw[k].path);
        }
        t->nframes = cs_trace_name_frames(raw, (unsigned)a->nraw, t->frames, CS_TRACE_MAX_FRAMES);
        cs_trace_site_hint(t);
        snprintf(old, sizeof(old), "%s", a->site);
        put_frames(t, a);
        rename_site(r, old, a->site);
        a->nraw = 0;
    }
    free(t);
}

void cs_tracing_stop(cs_tracing *t)
{
    if (!t)
        return;
    cs_trace_stop();
    free(t);
}
