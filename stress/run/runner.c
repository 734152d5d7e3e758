/* The create / call / release loop; see runner.h for the contract. */
#include "runner.h"
#include "trace.h"
#include "tracing.h"
#include "paths.h"
#include "ends.h"
#include "samplers.h"
#include "report_csv.h"
#include "lb.h"
#include "ledger.h"
#include "mallocspy.h"
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

/* Creates one instance of the target as IDispatch. */
static HRESULT create_obj(const cs_run_config *cfg, IClassFactory *cf, IDispatch **out)
{
    *out = NULL;
    if (cf)
        return IClassFactory_CreateInstance(cf, NULL, &IID_IDispatch, (void **)out);
    return CoCreateInstance(&cfg->target->clsid, NULL, CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER,
                            &IID_IDispatch, (void **)out);
}

/* Makes the calls of one iteration; FALSE on the first failure. Each call
 * runs under its own malloc-spy site so leaked blocks name the call. */
static BOOL make_calls(run_shared *sh, lb_dispatcher *d, lb_site **sites, IDispatch *obj,
                       IDispatch *sink, const lb_refs *refs, long long iteration)
{
    const cs_run_config *cfg = sh->cfg;
    const int tracing = cs_tracing_on();
    lb_error e;
    VARIANT res;
    size_t i;
    HRESULT hr;
    char msg[CS_ERR_LEN];

    for (i = 0; i < cfg->opt->ncalls; i++) {
        VariantInit(&res);
        if (tracing)
            cs_trace_set_context(cfg->trace_base + iteration, (int32_t)i);
        cs_spy_set_site((int)i + 1);
        hr = lb_call(d, sites[i], sink ? sink : obj, refs, &res, &e);
        cs_spy_set_site(0);
        if (FAILED(hr) && cs_is_exception_code((unsigned long)hr)) {
            snprintf(msg, sizeof(msg), "crashed: 0x%08lx %s in the target during %s, on the thread "
                     "that serves it (the marshaller returned the exception as the call's result)",
                     (unsigned long)hr, cs_exception_name((unsigned long)hr), lb_site_member(sites[i]));
            sh->exception = (unsigned long)hr;
            run_fail(sh, CS_EXIT_CRASH, msg);
            return FALSE;
        }
        if (FAILED(hr)) {
            snprintf(msg, sizeof(msg), "%s: %s", cfg->target->name, e.message);
            run_fail(sh, CS_EXIT_CALL, msg);
            return FALSE;
        }
        if (cfg->ledger)
            cs_ledger_wrap_variant(cfg->ledger, &res, lb_site_member(sites[i]), iteration);
        if (cfg->opt->client_fault != CS_CF_MISSING_VARIANTCLEAR)
            VariantClear(&res);
        InterlockedIncrement64(&sh->calls_ok);
    }
    return TRUE;
}

/* One iteration: create, make every call (on the new object, or on the
 * sink with the new object as @obj), release. Returns FALSE on error (the
 * run is then stopped with the message recorded). */
static BOOL iterate(run_shared *sh, lb_dispatcher *d, lb_site **sites, IClassFactory *cf,
                    IDispatch *sink, long long iteration)
{
    char why[300];
    const cs_run_config *cfg = sh->cfg;
    IDispatch *obj;
    lb_ref items[2];
    lb_refs refs = { items, 0 };
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
    items[refs.count].name = "obj";
    items[refs.count++].disp = obj;
    if (sink) {
        items[refs.count].name = "sink";
        items[refs.count++].disp = sink;
    }
    ok = make_calls(sh, d, sites, obj, sink, &refs, iteration);
    if (cfg->opt->client_fault == CS_CF_MISSING_SYSFREESTRING)
        SysAllocString(L"comstress: a BSTR the harness forgets to free");
    lb_dispatcher_forget(d, (IUnknown *)obj);
    if (cfg->opt->client_fault != CS_CF_MISSING_RELEASE)
        IDispatch_Release(obj);
    return ok && !sh->stop;
}

/* Parses every --call into a call site; on error records it. */
static BOOL parse_sites(run_shared *sh, lb_site **sites)
{
    const cs_options *o = sh->cfg->opt;
    lb_error e;
    size_t i;
    char msg[CS_ERR_LEN];

    for (i = 0; i < o->ncalls; i++) {
        if (FAILED(lb_site_parse(o->calls[i], &sites[i], &e))) {
            snprintf(msg, sizeof(msg), "--call '%s': %s", o->calls[i], e.message);
            run_fail(sh, CS_EXIT_USAGE, msg);
            while (i > 0) {
                lb_site_free(sites[--i]);
                sites[i] = NULL;
            }
            return FALSE;
        }
    }
    return TRUE;
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
    lb_site *sites[CS_MAX_CALLS];
    IClassFactory *cf;
    IDispatch *sink;
    lb_dispatcher *d;
} worker_state;

/*
 * A worker's set-up in its (already initialised) apartment: parsed call
 * sites, its dispatcher, the class factory (factory activation) and the
 * sink (pass-instance). Returns TRUE when the loop can start; on FALSE the
 * run has failed (run_fail) and ws holds what must still be freed.
 */
static BOOL worker_setup(run_shared *sh, worker_state *ws)
{
    char why[300];
    const cs_run_config *cfg = sh->cfg;
    lb_policy policy;
    char msg[CS_ERR_LEN];
    HRESULT hr;

    if (!parse_sites(sh, ws->sites))
        return FALSE;
    lb_policy_from_name(cfg->policy, &policy);
    if (!(ws->d = lb_dispatcher_new(policy))) {
        run_fail(sh, CS_EXIT_INTERNAL, "out of memory creating the dispatcher");
        return FALSE;
    }
    if (cfg->opt->invoke_plan)
        lb_dispatcher_use_vtable(ws->d, FALSE);
    if (cfg->opt->activation == CS_ACT_FACTORY
        && FAILED(hr = CoGetClassObject(&cfg->target->clsid, CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER,
                                        NULL, &IID_IClassFactory, (void **)&ws->cf))) {
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

/* Releases what worker_setup made and adds the dispatcher's figures to
 * the run's (under the lock: the sampler reads sh->live). */
static void worker_teardown(run_shared *sh, int index, worker_state *ws)
{
    lb_stats st;
    size_t i;

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
    for (i = 0; i < sh->cfg->opt->ncalls; i++)
        if (ws->sites[i])
            lb_site_free(ws->sites[i]);
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
        if (!iterate(sh, ws.d, ws.sites, ws.cf, ws.sink, sh->done + 1))
            break;
        InterlockedIncrement64(&sh->done);
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
