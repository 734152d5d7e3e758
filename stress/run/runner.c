/* The create / call / release loop: the run, its threads, the start line,
 * sampling, the STA sink and the results (a worker's own work is in
 * worker.c); see runner.h for the contract. */
#include "runner_internal.h"
#include "paths.h"
#include "ends.h"
#include "samplers.h"
#include "report_csv.h"
#include "schedule.h"
#include "stats.h"
#include "mallocspy.h"
#include "tracing.h"
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <stdlib.h>

double rs_elapsed(run_shared *sh)
{
    LARGE_INTEGER now;

    QueryPerformanceCounter(&now);
    return (double)(now.QuadPart - sh->t0.QuadPart) / (double)sh->freq.QuadPart;
}

/* The run now going (one at a time), for cs_run_interrupt; and an
 * interruption that came while none was going (the session's start-up),
 * which stops the next run before its first iteration. Both under
 * current_lock: the console's handler runs on a thread of its own, and
 * without the lock it could take the run just as the run ends and fail it
 * after its shared state was freed, or leave its word in pending_why just
 * after the next run looked there and so never stop that run. */
static SRWLOCK current_lock = SRWLOCK_INIT;
static run_shared *current_run;
static const char *pending_why;

void cs_run_interrupt(const char *why)
{
    char msg[CS_ERR_LEN];

    AcquireSRWLockExclusive(&current_lock);
    if (current_run) {
        snprintf(msg, sizeof(msg), "interrupted: %s after %lld iterations", why, rs_done(current_run));
        rs_fail(current_run, CS_ST_INTERRUPTED, msg);
    } else {
        pending_why = why;
    }
    ReleaseSRWLockExclusive(&current_lock);
}

/* Makes sh the run now going (NULL: none), stopped at once if an
 * interruption came while none was. */
static void set_current(run_shared *sh)
{
    char msg[CS_ERR_LEN];

    AcquireSRWLockExclusive(&current_lock);
    current_run = sh;
    if (sh && pending_why) {
        snprintf(msg, sizeof(msg), "interrupted: %s before the first iteration", pending_why);
        rs_fail(sh, CS_ST_INTERRUPTED, msg);
    }
    ReleaseSRWLockExclusive(&current_lock);
}

long long rs_done(run_shared *sh)
{
    long long n = 0;
    int i;

    for (i = 0; i < sh->nthreads; i++)
        n += sh->slots[i].done;
    return n;
}

long long rs_calls(run_shared *sh)
{
    long long n = 0;
    int i;

    for (i = 0; i < sh->nthreads; i++)
        n += sh->slots[i].calls;
    return n;
}

/* Records the first error of the run and asks every thread to stop. */
void rs_fail(run_shared *sh, cs_status status, const char *msg)
{
    EnterCriticalSection(&sh->lock);
    if (!sh->err[0]) {
        snprintf(sh->err, sizeof(sh->err), "%s", msg);
        sh->status = status;
    }
    LeaveCriticalSection(&sh->lock);
    InterlockedExchange(&sh->stop, 1);
}

/* The units a part's cost grows with: blocks walked, or one. */
static double walk_units(const cs_sample *s)
{
    double blocks = s->v[CS_M_HEAP_BLOCKS];

    return isfinite(blocks) && blocks > 0 ? blocks : 1;
}

static double one_unit(const cs_sample *s)
{
    (void)s;
    return 1;
}

/* The heap walk under --client-fault slow-walks: it takes a fiftieth of
 * the run so far more (s->elapsed_s), as the walk of a heap too large to
 * walk often does, whatever the machine's load: the grid spaces the walks
 * out and the verdict window's twelve never fit in its share (the
 * known-bad case of the memory counters standing in). */
static void slow_heap_walk(cs_sample *s)
{
    cs_sample_heap(s);
    Sleep((DWORD)(s->elapsed_s * 1000 / 50) + 1);
}

/* Runs one costly part into s when its schedule says so (schedule.h), and
 * accounts for what it took; returns that time (0 when not due). */
static double take_part(run_shared *sh, const cs_schedule *plan, cs_part_budget *b,
                        void (*part)(cs_sample *), double (*units)(const cs_sample *), cs_sample *s)
{
    double t0 = rs_elapsed(sh);
    long long at = rs_grid_position(sh, s->iteration, t0);

    cs_part_window(plan, b, at, t0, sh->every);
    if (!cs_part_due(plan, b, at, t0))
        return 0;
    part(s);
    t0 = rs_elapsed(sh) - t0;
    cs_part_charge(plan, b, at, t0, units(s));
    return t0;
}

/* Takes one sample now and streams it: the in-process figures always, the
 * costly parts when their schedules say so. Caller holds sh->lock. */
static void take_sample(run_shared *sh, long long iteration)
{
    cs_sample s;
    lb_stats st;
    double entries = 0, bytes = 0;
    int i;

    double t0 = rs_elapsed(sh), parts;
    cs_sample_clear(&s);
    s.iteration = iteration;
    s.elapsed_s = t0;
    parts = take_part(sh, &sh->walk_plan, &sh->walks,
                      sh->cfg->plan->client_fault == CS_CF_SLOW_WALKS ? slow_heap_walk : cs_sample_heap,
                      walk_units, &s)
          + take_part(sh, &sh->counter_plan, &sh->counters, cs_sample_counters, one_unit, &s);
    cs_sample_process_light(&s);
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
    if (isfinite(s.v[CS_M_HEAP_BYTES]))
        sh->last_heap = s.v[CS_M_HEAP_BYTES];
    if (sh->cfg->csv && !(sh->cfg->plan->client_fault == CS_CF_SAMPLES_FULL && sh->samples >= 20)
        && !cs_csv_write(sh->cfg->csv, sh->cfg->run_name, &s))
        rs_row_written(sh);
    else if (sh->cfg->csv)
        rs_row_lost(sh, iteration);
    cs_tracing_snapshot(sh->cfg->tracing, iteration);  /* --trace: the sites so far, to disk */
    t0 = rs_elapsed(sh) - t0;
    sh->sampling_s += t0;
    if (iteration > 0)
        sh->light_s += t0 - parts;
    sh->samples++;
    sh->last_sampled = iteration;
}

/* Doubles the sampling interval while the light part of the samples (each
 * row, written and flushed so that a crash keeps it, and the in-process
 * figures: about 13 us) costs more than 2.5% of the loop's time, as long
 * as the run still gets about 50 samples. Left out: the baseline, and the
 * costly parts, which keep to budgets of their own (schedule.h; counted
 * in, a leaking heap's walks doubled the interval). Kept until the heap
 * walks' verdict window is decided, and while it is open: its walks are
 * at the samples. An interval given with --sample-every is kept. */
static void adapt_interval(run_shared *sh)
{
    double el = rs_elapsed(sh) - sh->go_s;

    if (sh->cfg->plan->sample_every_given || el <= 0 || sh->light_s <= 0.025 * el
        || sh->walks.window >= 0)
        return;
    if (sh->cfg->plan->iterations / (sh->every * 2) >= 50)
        sh->every *= 2;
}

/* Samples when the run has crossed the next sampling point (done: the
 * iterations so far, read again under the lock). */
static void maybe_sample(run_shared *sh, long long done)
{
    if (done < sh->next_sample)
        return;
    EnterCriticalSection(&sh->lock);
    done = rs_done(sh);
    if (done >= sh->next_sample) {
        take_sample(sh, done);
        adapt_interval(sh);
        while (sh->next_sample <= done)
            sh->next_sample += sh->every;
        /* The last point is the last iteration, sampled by the worker
         * that does it, before the workers tear down (what a worker frees
         * as it ends is not a change over the iterations). */
        if (sh->next_sample > sh->cfg->plan->iterations && done < sh->cfg->plan->iterations)
            sh->next_sample = sh->cfg->plan->iterations;
    }
    LeaveCriticalSection(&sh->lock);
}

/* Takes the malloc spy's per-site figures once the warm-up is done (see
 * cs_run_extra). With several threads a few iterations may be in flight:
 * a handful of blocks against a finding's iterations / 2. */
static void maybe_mark_spy(run_shared *sh, long long done)
{
    cs_run_extra *x = sh->cfg->extra;
    int i;

    if (!x || sh->spy_marked || !sh->cfg->spy_on || sh->warmup <= 0 || done < sh->warmup)
        return;
    EnterCriticalSection(&sh->lock);
    if (!sh->spy_marked) {
        x->spy_at = rs_done(sh);
        for (i = 0; i < CS_SPY_SITES; i++)
            cs_spy_site(i, &x->spy[i]);
        sh->spy_marked = 1;
    }
    LeaveCriticalSection(&sh->lock);
}

/* Iterations a worker may do before the next checkpoint can be due, when
 * the run has done done: the distance to the next sampling point (or to
 * the end of the warm-up while the spy mark is still to be taken) shared
 * between the workers, at least 1. */
static long long countdown(run_shared *sh, long long done)
{
    long long dist = sh->next_sample - done;

    if (!sh->spy_marked && sh->cfg->extra && sh->cfg->spy_on && sh->warmup > done
        && sh->warmup - done < dist)
        dist = sh->warmup - done;
    return cs_worker_countdown(dist, sh->nthreads);
}

/* Workers do not look at the run's totals on every iteration: reading the
 * other workers' slots moves their cache lines, and a shared counter
 * written on every iteration (as this loop once had) makes two threads
 * slower than one. */
void rs_checkpoint(run_shared *sh, rs_slot *slot)
{
    long long done = rs_done(sh);

    maybe_mark_spy(sh, done);
    maybe_sample(sh, done);
    slot->countdown = countdown(sh, rs_done(sh));
}

/* Creates one instance of the target as IDispatch: through the kept
 * factory, else as the target makes one (CoCreateInstance, or --dll's
 * factory). */
HRESULT rs_create_obj(const cs_run_config *cfg, IClassFactory *cf, IDispatch **out)
{
    *out = NULL;
    if (cf)
        return IClassFactory_CreateInstance(cf, NULL, &IID_IDispatch, (void **)out);
    return cs_target_create(cfg->target, out);
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
    sh->sink_hr = rs_create_obj(sh->cfg, NULL, &sink);
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

/* Starts the workers, waits for them (up to --timeout, watching the run:
 * rs_watch), fills r. On a timeout the run is stopped as hung
 * (CS_ST_HUNG); workers stuck inside the target are left as they are
 * (they cannot be unwound safely). */
static void run_threads(run_shared *sh, cs_run *r)
{
    const cs_plan *o = sh->cfg->plan;
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
        th[t] = CreateThread(NULL, 0, rs_worker_main, &w[t], 0, NULL);
        if (!th[t]) {
            rs_fail(sh, CS_ST_INTERNAL, "CreateThread failed");
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
    sh->go_s = rs_elapsed(sh);
    sh->go_sampling_s = sh->sampling_s;
    SetEvent(sh->go);
    if (!rs_watch(sh, th, t)) {
        snprintf(msg, sizeof(msg), "hang: the workload did not finish within %lld s "
                 "(%lld iterations done; a call into the target never returned)",
                 o->timeout_s, rs_done(sh));
        rs_fail(sh, CS_ST_HUNG, msg);
        sh->hung = 1;
        WaitForMultipleObjects(t, th, TRUE, 2000);   /* the healthy ones stop */
    }
    r->seconds = rs_elapsed(sh);
    rs_loop_time(sh);
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

    r->iterations = rs_done(sh);
    /* Calls per second of the loop's time (loop_time): the samplers' own
     * time is left out, so a short run is not mostly a measure of the
     * sampler, and so are set-up and teardown. */
    r->loop_seconds = sh->loop_s;
    r->calls_per_second = sh->loop_s > 0 ? (double)rs_calls(sh) / sh->loop_s : 0;
    r->samples = sh->samples;
    r->sampling_seconds = sh->sampling_s;
    r->sample_every_end = sh->every;
    r->heap_walks = sh->walks.taken;
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

/* The shared state of a run of cfg, zeroed then set from its plan: the
 * threads, the heap walks' and counters' schedules (the plan's, as is),
 * the first sample point, the workers' countdowns, the lock and clock. */
static void shared_init(run_shared *sh, const cs_run_config *cfg)
{
    long long grid;
    int i;

    memset(sh, 0, sizeof(*sh));
    sh->cfg = cfg;
    if (cfg->extra)
        memset(cfg->extra, 0, sizeof(*cfg->extra));
    sh->nthreads = cfg->plan->threads;
    /* a soak's grid is laid over its time, in milliseconds */
    grid = cfg->plan->duration_s > 0 ? (long long)(cfg->plan->duration_s * 1000) : cfg->plan->iterations;
    cs_schedule_walks(&sh->walk_plan, grid, cfg->plan->walk_every);
    cs_schedule_counters(&sh->counter_plan, grid, cfg->plan->walk_every);
    if (cfg->plan->duration_s <= 0)
        cs_schedule_window(&sh->walk_plan, cfg->plan->warmup, CS_DEFAULT_MIN_SAMPLES);
    sh->every = cfg->plan->sample_every;
    sh->warmup = cfg->plan->warmup;
    sh->last_heap = NAN;
    sh->next_sample = cfg->plan->sample_every;
    for (i = 0; i < sh->nthreads; i++)
        sh->slots[i].countdown = countdown(sh, 0);
    InitializeCriticalSection(&sh->lock);
    QueryPerformanceFrequency(&sh->freq);
    QueryPerformanceCounter(&sh->t0);
}

/* The shared state lives on the heap, aligned to a cache line (its slots
 * must each have a line of their own): after a timeout, workers stuck in
 * the target still point at it, so it is then never freed. */
cs_status cs_run_workload(const cs_run_config *cfg, cs_run *r, char *err_buf, size_t errlen)
{
    char why[300];
    run_shared *sh = _aligned_malloc(sizeof(*sh), RS_LINE);
    long long done;

    if (!sh) {
        snprintf(err_buf, errlen, "out of memory starting the run");
        r->error = err_buf;
        return r->status = CS_ST_INTERNAL;
    }
    shared_init(sh, cfg);
    if (cfg->plan->sink_sta && !start_sink(sh, err_buf, errlen)) {
        r->error = err_buf;
        DeleteCriticalSection(&sh->lock);
        _aligned_free(sh);
        return r->status = CS_ST_TARGET_FAILED;
    }
    sh->all_arrived = CreateEventW(NULL, TRUE, FALSE, NULL);
    sh->go = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!sh->all_arrived || !sh->go) {
        snprintf(err_buf, errlen, "cannot create the start events: %s",
                 cs_win32_text(GetLastError(), why, sizeof(why)));
        r->error = err_buf;
        r->status = CS_ST_INTERNAL;
        goto out_free;
    }
    set_current(sh);
    run_threads(sh, r);
    set_current(NULL);
    if (!sh->hung)
        stop_sink(sh);
    EnterCriticalSection(&sh->lock);
    if ((done = rs_done(sh)) != sh->last_sampled)    /* the end point */
        take_sample(sh, done);
    LeaveCriticalSection(&sh->lock);
    fill_result(sh, r);
    if (sh->err[0]) {
        snprintf(err_buf, errlen, "%s", sh->err);
        r->error = err_buf;
        r->status = sh->status;
    }
    if (sh->hung)
        return r->status;
out_free:
    if (sh->all_arrived)
        CloseHandle(sh->all_arrived);
    if (sh->go)
        CloseHandle(sh->go);
    stop_sink(sh);
    DeleteCriticalSection(&sh->lock);
    _aligned_free(sh);
    return r->status;
}
