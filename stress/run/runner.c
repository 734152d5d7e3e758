/* The create / call / release loop; see runner.h for the contract. */
#include "runner.h"
#include "paths.h"
#include "ends.h"
#include "samplers.h"
#include "report_csv.h"
#include "lb.h"
#include "ledger.h"
#include "mallocspy.h"
#include "script.h"
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <stdlib.h>

/* State shared by the workers and the sampling thread of one run. */
typedef struct run_shared {
    const cs_run_config *cfg;
    volatile LONG64 done;        /* iterations completed, all threads */
    volatile LONG stop;          /* set on the first error */
    volatile LONG64 calls_ok;
    CRITICAL_SECTION lock;       /* guards err, stats and sample writing */
    char err[512];
    int exit_code;
    lb_stats stats;              /* summed by workers when they end */
    LONG64 next_sample;          /* next multiple of sample_every to sample */
    LARGE_INTEGER t0, freq;
    size_t samples;
    double sampling_s;           /* time spent taking samples */
    long long every;             /* current interval (adapts) */
    lb_dispatcher *live[CS_MAX_THREADS]; /* per-thread dispatchers, for cache figures */
    int nthreads;
    int hung;                    /* --timeout expired */
    volatile LONG spy_marked;    /* cfg->extra's spy mark taken */
    unsigned long exception;     /* a call returned an exception code */
    DWORD sink_cookie;           /* GIT cookie of the STA sink, 0: none */
    HANDLE sink_ready, sink_stop, sink_thread;
    HRESULT sink_hr;
    /* The start line: every worker sets up (apartment, factory, sink,
     * dispatcher) before the baseline sample, and none iterates before it
     * is taken, so per-thread set-up is never read as growth. */
    volatile LONG arrived;       /* workers done with their set-up */
    int started;                 /* workers created */
    HANDLE all_arrived, go;
} run_shared;

typedef struct worker {
    run_shared *sh;
    int index;
    long long iterations;
} worker;

static double elapsed(run_shared *sh)
{
    LARGE_INTEGER now;

    QueryPerformanceCounter(&now);
    return (double)(now.QuadPart - sh->t0.QuadPart) / (double)sh->freq.QuadPart;
}

static void run_fail(run_shared *sh, int code, const char *msg);

/* The run now going (one at a time), for cs_run_interrupt. */
static run_shared *volatile current_run;

void cs_run_interrupt(const char *why)
{
    run_shared *sh = current_run;
    char msg[CS_ERR_LEN];

    if (!sh)
        return;
    snprintf(msg, sizeof(msg), "interrupted: %s after %lld iterations", why, (long long)sh->done);
    run_fail(sh, CS_EXIT_INTERRUPTED, msg);
}

/* Records the first error of the run and asks every thread to stop. */
static void run_fail(run_shared *sh, int code, const char *msg)
{
    EnterCriticalSection(&sh->lock);
    if (!sh->err[0]) {
        snprintf(sh->err, sizeof(sh->err), "%s", msg);
        sh->exit_code = code;
    }
    LeaveCriticalSection(&sh->lock);
    InterlockedExchange(&sh->stop, 1);
}

/* Takes one sample now and streams it. Caller holds sh->lock. */
static void take_sample(run_shared *sh, long long iteration)
{
    cs_sample s;
    lb_stats st;
    double entries = 0, bytes = 0;
    int i;

    double t0 = elapsed(sh);

    cs_sample_clear(&s);
    s.iteration = iteration;
    s.elapsed_s = t0;
    cs_sample_process(&s);
    cs_target_sample(sh->cfg->target, &s);
    for (i = 0; i < sh->nthreads; i++) {
        if (!sh->live[i])
            continue;
        lb_dispatcher_stats(sh->live[i], &st);
        entries += (double)st.entries;
        bytes += (double)st.bytes;
    }
    if (sh->cfg->spy_on) {
        cs_spy_site_stats spy;
        cs_spy_totals(&spy);
        s.v[CS_M_COTASKMEM_BYTES] = (double)spy.live_bytes;
    }
    s.v[CS_M_CACHE_ENTRIES] = entries;
    s.v[CS_M_CACHE_BYTES] = bytes;
    if (sh->cfg->csv)
        cs_csv_write(sh->cfg->csv, sh->cfg->run_name, &s);
    sh->sampling_s += elapsed(sh) - t0;
    sh->samples++;
}

/* Doubles the sampling interval while the sampler costs more than 5% of
 * the run, as long as the run still gets about 50 samples: HeapWalk grows
 * with the heap and thread snapshots are slow under Wine, and a stress
 * tester must not mostly measure itself. An interval given with
 * --sample-every is kept as given. */
static void adapt_interval(run_shared *sh)
{
    double el = elapsed(sh);

    if (sh->cfg->opt->sample_every || el <= 0 || sh->sampling_s <= 0.05 * el)
        return;
    if (sh->cfg->opt->iterations / (sh->every * 2) >= 50)
        sh->every *= 2;
}

/* Samples when the run has crossed the next sampling point. */
static void maybe_sample(run_shared *sh)
{
    LONG64 done = sh->done;

    if (done < sh->next_sample)
        return;
    EnterCriticalSection(&sh->lock);
    if (done >= sh->next_sample) {
        take_sample(sh, done);
        adapt_interval(sh);
        while (sh->next_sample <= done)
            sh->next_sample += sh->every;
    }
    LeaveCriticalSection(&sh->lock);
}

/* Takes the malloc spy's per-site figures once the warm-up is done (see
 * cs_run_extra). With several threads a few iterations may be in flight:
 * a handful of blocks against a finding's iterations / 2. */
static void maybe_mark_spy(run_shared *sh)
{
    cs_run_extra *x = sh->cfg->extra;
    int i;

    if (!x || sh->spy_marked || !sh->cfg->spy_on || sh->cfg->warmup <= 0 || sh->done < sh->cfg->warmup)
        return;
    EnterCriticalSection(&sh->lock);
    if (!sh->spy_marked) {
        x->spy_at = sh->done;
        for (i = 0; i < CS_SPY_SITES; i++)
            cs_spy_site(i, &x->spy[i]);
        sh->spy_marked = 1;
    }
    LeaveCriticalSection(&sh->lock);
}

/* Creates one instance of the target as IDispatch: through the kept
 * factory, else as the target makes one (CoCreateInstance, or --dll's
 * factory). */
static HRESULT create_obj(const cs_run_config *cfg, IClassFactory *cf, IDispatch **out)
{
    *out = NULL;
    if (cf)
        return IClassFactory_CreateInstance(cf, NULL, &IID_IDispatch, (void **)out);
    return cs_target_create(cfg->target, out);
}

/* The COM calls the executor made so far: late-bound member calls, and
 * for each walk _NewEnum plus one Next per item and the last one (and
 * Clone for each clone), and every Advise and Unadvise. What calls/s counts: a statement is the
 * calls it makes, not one. */
static long long exec_calls(const cs_exec *x)
{
    cs_exec_totals t;

    cs_exec_totals_get(x, &t);
    return t.calls + 2 * t.enumerations + t.items + t.clones + t.advises + t.unadvises;
}

/* The malloc-spy site of statement index: its index + 1, the statements
 * past the last site sharing it (release.c names them so). */
static int statement_site(size_t index)
{
    return index + 1 < CS_SPY_SITES ? (int)index + 1 : CS_SPY_SITES - 1;
}

/* Runs every statement of the iteration begun on x; FALSE on the first
 * failure (the run is then stopped with its message). Each statement
 * runs under its own malloc-spy site so leaked blocks name it. */
static BOOL run_statements(run_shared *sh, cs_exec *x)
{
    const cs_run_config *cfg = sh->cfg;
    const cs_script *sc = cfg->script;
    lb_error e;
    size_t i;
    HRESULT hr;
    char msg[CS_ERR_LEN];

    for (i = 0; i < sc->count; i++) {
        cs_spy_set_site(statement_site(i));
        hr = cs_exec_statement(x, i, &e);
        cs_spy_set_site(0);
        if (FAILED(hr) && cs_is_exception_code((unsigned long)hr)) {
            snprintf(msg, sizeof(msg), "crashed: 0x%08lx %s in the target during %s, on the thread "
                     "that serves it (the marshaller returned the exception as the call's result)",
                     (unsigned long)hr, cs_exception_name((unsigned long)hr), sc->stmts[i].text);
            sh->exception = (unsigned long)hr;
            run_fail(sh, CS_EXIT_CRASH, msg);
            return FALSE;
        }
        if (FAILED(hr)) {
            snprintf(msg, sizeof(msg), "%s: %s", cfg->target->name, e.message);
            run_fail(sh, CS_EXIT_CALL, msg);
            return FALSE;
        }
    }
    return TRUE;
}

/*
 * One iteration: create, run the statements (on the new object, or on the
 * sink with the new object as @obj), end the executor's iteration (its
 * names released), release the object, then sweep the event sinks (which
 * needs the sources gone). Returns FALSE on error (the run is then stopped
 * with the message recorded); the iteration is cleaned up either way.
 */
static BOOL iterate(run_shared *sh, cs_exec *x, lb_dispatcher *d, IClassFactory *cf, IDispatch *sink,
                    long long iteration)
{
    char why[300];
    const cs_run_config *cfg = sh->cfg;
    IDispatch *obj;
    lb_ref given[2];
    size_t n = 0;
    lb_error e;
    HRESULT hr;
    BOOL ok;
    char msg[CS_ERR_LEN];

    if (FAILED(hr = create_obj(cfg, cf, &obj))) {
        snprintf(msg, sizeof(msg), "target '%s': creating an instance failed: %s",
                 cfg->target->name, cs_hresult_text(hr, why, sizeof(why)));
        run_fail(sh, CS_EXIT_TARGET, msg);
        return FALSE;
    }
    if (cfg->ledger)
        obj = cs_ledger_wrap(cfg->ledger, obj, "CreateInstance", iteration);
    given[n].name = "obj";
    given[n++].disp = obj;
    if (sink) {
        given[n].name = "sink";
        given[n++].disp = sink;
    }
    ok = SUCCEEDED(cs_exec_begin(x, sink ? sink : obj, given, n, iteration, &e));
    if (!ok)
        run_fail(sh, CS_EXIT_INTERNAL, e.message);
    else
        ok = run_statements(sh, x);
    cs_exec_end(x);
    if (cfg->opt->client_fault == CS_CF_MISSING_SYSFREESTRING)
        SysAllocString(L"comstress: a BSTR the harness forgets to free");
    lb_dispatcher_forget(d, (IUnknown *)obj);
    if (cfg->opt->client_fault != CS_CF_MISSING_RELEASE)
        IDispatch_Release(obj);
    cs_exec_sweep(x);
    return ok && !sh->stop;
}

/* The executor's fault for the harness's --client-fault (the others are
 * the run loop's own). */
static cs_exec_fault exec_fault(cs_client_fault f)
{
    switch (f) {
    case CS_CF_MISSING_VARIANTCLEAR:  return CS_XF_MISSING_VARIANTCLEAR;
    case CS_CF_MISSING_ITEM_RELEASE:  return CS_XF_MISSING_ITEM_RELEASE;
    case CS_CF_MISSING_ENUM_RELEASE:  return CS_XF_MISSING_ENUM_RELEASE;
    case CS_CF_MISSING_UNADVISE:      return CS_XF_MISSING_UNADVISE;
    default:                          return CS_XF_NONE;
    }
}

/* The ledger's hooks: every object a statement obtains is wrapped, and
 * the executor reaches the object behind a wrapper for the interfaces a
 * wrapper does not forward (connection points). */
static void ledger_track(void *ctx, VARIANT *v, const char *origin, long long iteration)
{
    cs_ledger_wrap_variant(ctx, v, origin, iteration);
}

static IUnknown *ledger_inner(void *ctx, IDispatch *p)
{
    return cs_ledger_inner(p);
}

/* The sink's own STA: creates the sink, publishes it in the global
 * interface table, then pumps messages (the marshalled calls arrive as
 * messages) until the run is over. */
static DWORD WINAPI sink_thread(void *arg)
{
    run_shared *sh = arg;
    IGlobalInterfaceTable *git = NULL;
    IDispatch *sink = NULL;
    MSG msg;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    sh->sink_hr = create_obj(sh->cfg, NULL, &sink);
    if (SUCCEEDED(sh->sink_hr))
        sh->sink_hr = CoCreateInstance(&CLSID_StdGlobalInterfaceTable, NULL, CLSCTX_INPROC_SERVER,
                                       &IID_IGlobalInterfaceTable, (void **)&git);
    if (SUCCEEDED(sh->sink_hr))
        sh->sink_hr = IGlobalInterfaceTable_RegisterInterfaceInGlobal(git, (IUnknown *)sink,
                                                                      &IID_IDispatch, &sh->sink_cookie);
    SetEvent(sh->sink_ready);
    while (SUCCEEDED(sh->sink_hr)
           && MsgWaitForMultipleObjects(1, &sh->sink_stop, FALSE, INFINITE, QS_ALLINPUT) != WAIT_OBJECT_0) {
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE))
            DispatchMessageW(&msg);
    }
    if (sh->sink_cookie)
        IGlobalInterfaceTable_RevokeInterfaceFromGlobal(git, sh->sink_cookie);
    if (git)
        IGlobalInterfaceTable_Release(git);
    if (sink)
        IDispatch_Release(sink);
    CoUninitialize();
    return 0;
}

/* The sink for a pass-instance worker: its own object, or a proxy to the
 * STA sink. */
static HRESULT get_sink(run_shared *sh, IClassFactory *cf, IDispatch **sink)
{
    IGlobalInterfaceTable *git;
    HRESULT hr;

    if (!sh->sink_cookie)
        return create_obj(sh->cfg, cf, sink);
    hr = CoCreateInstance(&CLSID_StdGlobalInterfaceTable, NULL, CLSCTX_INPROC_SERVER,
                          &IID_IGlobalInterfaceTable, (void **)&git);
    if (FAILED(hr))
        return hr;
    hr = IGlobalInterfaceTable_GetInterfaceFromGlobal(git, sh->sink_cookie, &IID_IDispatch, (void **)sink);
    IGlobalInterfaceTable_Release(git);
    return hr;
}

/* A worker reached the start line (set up, or failed to). The last one to
 * arrive tells the main thread. */
static void arrive(run_shared *sh)
{
    if (InterlockedIncrement(&sh->arrived) == sh->started)
        SetEvent(sh->all_arrived);
}

/* What one worker holds for its loop. */
typedef struct worker_state {
    cs_exec *x;
    IClassFactory *cf;
    IDispatch *sink;
    lb_dispatcher *d;
    long long calls_counted;     /* exec_calls already added to calls_ok */
} worker_state;

/*
 * A worker's set-up in its (already initialised) apartment: its
 * dispatcher, its script executor (the call sites made once), the class
 * factory (factory activation) and the sink (pass-instance). Returns TRUE when the loop can start; on FALSE the
 * run has failed (run_fail) and ws holds what must still be freed.
 */
static BOOL worker_setup(run_shared *sh, worker_state *ws)
{
    char why[300];
    const cs_run_config *cfg = sh->cfg;
    cs_exec_hooks hooks = { cfg->ledger, ledger_track, ledger_inner };
    lb_policy policy;
    lb_error e;
    char msg[CS_ERR_LEN];
    HRESULT hr;

    lb_policy_from_name(cfg->policy, &policy);
    if (!(ws->d = lb_dispatcher_new(policy))) {
        run_fail(sh, CS_EXIT_INTERNAL, "out of memory creating the dispatcher");
        return FALSE;
    }
    if (cfg->opt->invoke_plan)
        lb_dispatcher_use_vtable(ws->d, FALSE);
    if (FAILED(cs_exec_new(cfg->script, ws->d, cfg->ledger ? &hooks : NULL,
                           exec_fault(cfg->opt->client_fault), &ws->x, &e))) {
        run_fail(sh, CS_EXIT_INTERNAL, e.message);
        return FALSE;
    }
    if (cfg->opt->activation == CS_ACT_FACTORY
        && FAILED(hr = cs_target_factory(cfg->target, &ws->cf))) {
        snprintf(msg, sizeof(msg), "target '%s': no class factory: %s; try --activation cocreate",
                 cfg->target->name, cs_hresult_text(hr, why, sizeof(why)));
        run_fail(sh, CS_EXIT_TARGET, msg);
        return FALSE;
    }
    if (cfg->opt->scenario == CS_SCEN_PASS_INSTANCE && FAILED(hr = get_sink(sh, ws->cf, &ws->sink))) {
        snprintf(msg, sizeof(msg), "target '%s': creating the sink failed: %s",
                 cfg->target->name, cs_hresult_text(hr, why, sizeof(why)));
        run_fail(sh, CS_EXIT_TARGET, msg);
        ws->sink = NULL;
        return FALSE;
    }
    if (ws->sink && cfg->ledger)
        ws->sink = cs_ledger_wrap(cfg->ledger, ws->sink, "sink", 0);
    return TRUE;
}

/* Adds one worker's executor totals to the run's. Caller holds sh->lock. */
static void merge_totals(run_shared *sh, const cs_exec *x)
{
    cs_exec_totals t, *all = &sh->cfg->extra->totals;

    cs_exec_totals_get(x, &t);
    all->statements += t.statements;
    all->calls += t.calls;
    all->enumerations += t.enumerations;
    all->items += t.items;
    all->clones += t.clones;
    all->advises += t.advises;
    all->unadvises += t.unadvises;
    all->events += t.events;
    all->kept_after_unadvise += t.kept_after_unadvise;
    all->kept_by_source += t.kept_by_source;
    all->cycles += t.cycles;
}

/* Adds the sink findings of one worker's executor to the run's: the same
 * advise statement and verdict are one finding (sinks and references
 * summed, iterations widened). Caller holds sh->lock. */
static void merge_sinks(run_shared *sh, const cs_exec *x)
{
    cs_sink_finding f[CS_RUN_SINK_FINDINGS];
    cs_run_sinks *all = sh->cfg->extra ? &sh->cfg->extra->sinks : NULL;
    size_t n = cs_exec_sink_findings(x, f, CS_RUN_SINK_FINDINGS), i, k;

    for (i = 0; all && i < n && i < CS_RUN_SINK_FINDINGS; i++) {
        for (k = 0; k < all->n; k++)
            if (all->f[k].verdict == f[i].verdict && all->f[k].line == f[i].line
                && !strcmp(all->f[k].text, f[i].text))
                break;
        if (k == all->n) {
            if (all->n == CS_RUN_SINK_FINDINGS)
                continue;
            all->f[all->n++] = f[i];
            continue;
        }
        all->f[k].sinks += f[i].sinks;
        all->f[k].refs += f[i].refs;
        if (f[i].first_iteration < all->f[k].first_iteration)
            all->f[k].first_iteration = f[i].first_iteration;
        if (f[i].last_iteration > all->f[k].last_iteration)
            all->f[k].last_iteration = f[i].last_iteration;
    }
}

/* Releases what worker_setup made and adds the dispatcher's figures and
 * the sink findings to the run's (under the lock: the sampler reads
 * sh->live). */
static void worker_teardown(run_shared *sh, int index, worker_state *ws)
{
    lb_stats st;

    if (ws->x) {
        cs_exec_end(ws->x);
        cs_exec_sweep(ws->x);
        InterlockedExchangeAdd64(&sh->calls_ok, exec_calls(ws->x) - ws->calls_counted);
        EnterCriticalSection(&sh->lock);
        if (sh->cfg->extra) {
            merge_totals(sh, ws->x);
            merge_sinks(sh, ws->x);
        }
        LeaveCriticalSection(&sh->lock);
        cs_exec_free(ws->x);      /* before the dispatcher it borrows */
    }
    if (ws->sink) {
        lb_dispatcher_forget(ws->d, (IUnknown *)ws->sink);
        IDispatch_Release(ws->sink);
    }
    if (ws->cf)
        IClassFactory_Release(ws->cf);
    if (ws->d) {
        EnterCriticalSection(&sh->lock);
        lb_dispatcher_stats(ws->d, &st);
        sh->live[index] = NULL;
        sh->stats.calls += st.calls;
        sh->stats.binds += st.binds;
        sh->stats.getidsofnames_calls += st.getidsofnames_calls;
        sh->stats.type_fallbacks += st.type_fallbacks;
        sh->stats.entries += st.entries;
        sh->stats.bytes += st.bytes;
        LeaveCriticalSection(&sh->lock);
        lb_dispatcher_free(ws->d);
    }
}

/* Per-thread loop: its own apartment, class factory, sink, dispatcher.
 * Every worker arrives at the start line once, set up or failed. */
static DWORD WINAPI worker_main(void *arg)
{
    worker *w = arg;
    run_shared *sh = w->sh;
    worker_state ws;
    long long i;

    memset(&ws, 0, sizeof(ws));
    if (FAILED(CoInitializeEx(NULL, sh->cfg->opt->apartment_mta ? COINIT_MULTITHREADED
                                                                  : COINIT_APARTMENTTHREADED))) {
        run_fail(sh, CS_EXIT_INTERNAL, "CoInitializeEx failed in a worker thread");
        arrive(sh);
        return 0;
    }
    if (!worker_setup(sh, &ws)) {
        arrive(sh);
        goto out_teardown;
    }
    sh->live[w->index] = ws.d;
    arrive(sh);
    WaitForSingleObject(sh->go, INFINITE);
    for (i = 0; i < w->iterations && !sh->stop; i++) {
        BOOL ok = iterate(sh, ws.x, ws.d, ws.cf, ws.sink, sh->done + 1);
        long long calls = exec_calls(ws.x);

        InterlockedExchangeAdd64(&sh->calls_ok, calls - ws.calls_counted);
        ws.calls_counted = calls;
        if (!ok)
            break;
        InterlockedIncrement64(&sh->done);
        maybe_mark_spy(sh);
        maybe_sample(sh);
    }
out_teardown:
    worker_teardown(sh, w->index, &ws);
    CoUninitialize();
    return 0;
}

/* Stops the sink thread (if any) and waits for it. */
static void stop_sink(run_shared *sh)
{
    if (!sh->sink_thread)
        return;
    SetEvent(sh->sink_stop);
    WaitForSingleObject(sh->sink_thread, INFINITE);
    CloseHandle(sh->sink_thread);
    CloseHandle(sh->sink_ready);
    CloseHandle(sh->sink_stop);
    sh->sink_thread = NULL;
}

/* Starts the workers, waits for them (up to --timeout), fills r. On a
 * timeout the run is stopped with CS_EXIT_HANG; workers stuck inside the
 * target are left as they are (they cannot be unwound safely). */
static void run_threads(run_shared *sh, cs_run *r)
{
    const cs_options *o = sh->cfg->opt;
    /* --timeout is at most CS_MAX_TIMEOUT_S: its milliseconds fit a DWORD
     * below INFINITE. */
    DWORD wait = o->timeout_s ? (DWORD)(o->timeout_s * 1000ULL) : INFINITE;
    HANDLE th[CS_MAX_THREADS];
    worker w[CS_MAX_THREADS];
    char msg[300];
    int t;

    sh->started = o->threads;
    for (t = 0; t < o->threads; t++) {
        w[t].sh = sh;
        w[t].index = t;
        w[t].iterations = o->iterations / o->threads + (t < o->iterations % o->threads ? 1 : 0);
        th[t] = CreateThread(NULL, 0, worker_main, &w[t], 0, NULL);
        if (!th[t]) {
            run_fail(sh, CS_EXIT_INTERNAL, "CreateThread failed");
            break;
        }
    }
    if (t < o->threads) {                     /* those never created never arrive */
        sh->started = t;
        if (sh->arrived >= t)
            SetEvent(sh->all_arrived);
    }
    /* Everyone set up (a set-up that hangs is caught by the wait below). */
    WaitForSingleObject(sh->all_arrived, wait);
    EnterCriticalSection(&sh->lock);
    take_sample(sh, 0);                      /* the baseline */
    LeaveCriticalSection(&sh->lock);
    SetEvent(sh->go);
    if (WaitForMultipleObjects(t, th, TRUE, wait) == WAIT_TIMEOUT) {
        snprintf(msg, sizeof(msg), "hang: the workload did not finish within %lld s "
                 "(%lld iterations done; a call into the target never returned)",
                 o->timeout_s, (long long)sh->done);
        run_fail(sh, CS_EXIT_HANG, msg);
        sh->hung = 1;
        WaitForMultipleObjects(t, th, TRUE, 2000);   /* the healthy ones stop */
    }
    r->seconds = elapsed(sh);
    while (t > 0)
        CloseHandle(th[--t]);
}

/* Starts the STA sink thread and waits until the sink is published. */
static BOOL start_sink(run_shared *sh, char *err, size_t errlen)
{
    char why[300];
    sh->sink_ready = CreateEventW(NULL, TRUE, FALSE, NULL);
    sh->sink_stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    sh->sink_thread = CreateThread(NULL, 0, sink_thread, sh, 0, NULL);
    if (!sh->sink_thread) {
        snprintf(err, errlen, "cannot start the sink's STA thread");
        return FALSE;
    }
    WaitForSingleObject(sh->sink_ready, INFINITE);
    if (FAILED(sh->sink_hr)) {
        snprintf(err, errlen, "target '%s': creating the STA sink failed: %s",
                 sh->cfg->target->name, cs_hresult_text(sh->sink_hr, why, sizeof(why)));
        stop_sink(sh);
        return FALSE;
    }
    return TRUE;
}

/* Copies the run's figures into r. */
static void fill_result(run_shared *sh, cs_run *r)
{
    cs_sample last;

    r->iterations = sh->done;
    /* Calls per second of loop time: the samplers' own time is left out,
     * so a short run is not mostly a measure of the sampler. */
    r->calls_per_second = r->seconds - sh->sampling_s > 0
                          ? (double)sh->calls_ok / (r->seconds - sh->sampling_s) : 0;
    r->samples = sh->samples;
    r->sampling_seconds = sh->sampling_s;
    r->sample_every_end = sh->every;
    r->binds = sh->stats.binds;
    r->getidsofnames_calls = sh->stats.getidsofnames_calls;
    r->cache_entries_end = sh->stats.entries;
    r->cache_bytes_end = sh->stats.bytes;
    r->type_fallbacks = sh->stats.type_fallbacks;
    r->exception = sh->exception;
    cs_sample_clear(&last);
    cs_target_sample(sh->cfg->target, &last);
    r->live_objects_end = isnan(last.v[CS_M_LIVE_OBJECTS]) ? -1 : (long)last.v[CS_M_LIVE_OBJECTS];
    r->server_locks_end = isnan(last.v[CS_M_SERVER_LOCKS]) ? -1 : (long)last.v[CS_M_SERVER_LOCKS];
}

/* The shared state lives on the heap: after a timeout, workers stuck in
 * the target still point at it, so it is then never freed. */
int cs_run_workload(const cs_run_config *cfg, cs_run *r, char *err_buf, size_t errlen)
{
    char why[300];
    run_shared *sh = calloc(1, sizeof(*sh));
    int code = CS_EXIT_OK;

    if (!sh) {
        snprintf(err_buf, errlen, "out of memory starting the run");
        r->error = err_buf;
        return CS_EXIT_INTERNAL;
    }
    sh->cfg = cfg;
    if (cfg->extra)
        memset(cfg->extra, 0, sizeof(*cfg->extra));
    sh->nthreads = cfg->opt->threads;
    sh->every = cfg->sample_every;
    sh->next_sample = cfg->sample_every;
    InitializeCriticalSection(&sh->lock);
    QueryPerformanceFrequency(&sh->freq);
    QueryPerformanceCounter(&sh->t0);
    if (cfg->opt->sink_sta && !start_sink(sh, err_buf, errlen)) {
        r->error = err_buf;
        DeleteCriticalSection(&sh->lock);
        free(sh);
        return CS_EXIT_TARGET;
    }
    sh->all_arrived = CreateEventW(NULL, TRUE, FALSE, NULL);
    sh->go = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!sh->all_arrived || !sh->go) {
        snprintf(err_buf, errlen, "cannot create the start events: %s",
                 cs_win32_text(GetLastError(), why, sizeof(why)));
        r->error = err_buf;
        code = CS_EXIT_INTERNAL;
        goto out_free;
    }
    current_run = sh;
    run_threads(sh, r);
    current_run = NULL;
    if (!sh->hung)
        stop_sink(sh);
    EnterCriticalSection(&sh->lock);
    if (sh->done % sh->every)                /* the end point */
        take_sample(sh, sh->done);
    LeaveCriticalSection(&sh->lock);
    fill_result(sh, r);
    if (sh->err[0]) {
        snprintf(err_buf, errlen, "%s", sh->err);
        r->error = err_buf;
        code = sh->exit_code;
    }
    if (sh->hung)
        return code;
out_free:
    if (sh->all_arrived)
        CloseHandle(sh->all_arrived);
    if (sh->go)
        CloseHandle(sh->go);
    stop_sink(sh);
    DeleteCriticalSection(&sh->lock);
    free(sh);
    return code;
}
