/* A worker of the run loop: set-up, iterations through the script
 * executor, teardown (see runner.h and runner_internal.h). */
#include "runner_internal.h"
#include "ends.h"
#include "paths.h"
#include "ledger.h"
#include "mallocspy.h"
#include "script.h"
#include "trace.h"
#include "tracing.h"
#include <stdio.h>
#include <string.h>

/* The plan's policy is the client's: one order of the policy names. */
_Static_assert((int)LB_CACHE_NONE == CS_POLICY_NONE && (int)LB_CACHE_TYPE == CS_POLICY_TYPE
               && (int)LB_CACHE_INSTANCE == CS_POLICY_INSTANCE
               && (int)LB_CACHE_INSTANCE_UNBOUNDED == CS_POLICY_INSTANCE_UNBOUNDED,
               "lb_policy and cs_policy list the policies in one order");

/* The COM calls the executor made so far: late-bound member calls, and
 * for each walk _NewEnum plus one Next per item and the last one (and
 * Clone for each clone), and every Advise and Unadvise. What calls/s
 * counts: a statement is the calls it makes, not one. */
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
 * runs under its own malloc-spy site so leaked blocks name it, and with
 * --trace under the tracer's context (iteration, statement). */
static BOOL run_statements(run_shared *sh, cs_exec *x, long long iteration)
{
    const cs_run_config *cfg = sh->cfg;
    const cs_script *sc = cfg->script;
    const int tracing = cfg->tracing != NULL;
    lb_error e;
    size_t i;
    HRESULT hr;
    char msg[CS_ERR_LEN];

    for (i = 0; i < sc->count; i++) {
        if (tracing)
            cs_trace_set_context(cfg->trace_base + iteration, (int32_t)i);
        cs_spy_set_site(statement_site(i));
        hr = cs_exec_statement(x, i, &e);
        cs_spy_set_site(0);
        if (FAILED(hr) && cs_is_exception_code((unsigned long)hr)) {
            snprintf(msg, sizeof(msg), "crashed: 0x%08lx %s in the target during %s, on the thread "
                     "that serves it (the marshaller returned the exception as the call's result)",
                     (unsigned long)hr, cs_exception_name((unsigned long)hr), sc->stmts[i].text);
            sh->exception = (unsigned long)hr;
            rs_fail(sh, CS_ST_CRASHED, msg);
            return FALSE;
        }
        if (FAILED(hr)) {
            snprintf(msg, sizeof(msg), "%s: %s", cfg->target->name, e.message);
            rs_fail(sh, CS_ST_CALL_FAILED, msg);
            return FALSE;
        }
    }
    return TRUE;
}

/* One iteration of calls-same: the statements on the worker's one
 * object (made by worker_setup, released by worker_teardown), which stays
 * known to the dispatcher, so every call after the first is its cache's
 * repeated call. Returns FALSE on error, as iterate. */
static BOOL iterate_same(run_shared *sh, cs_exec *x, IDispatch *obj, long long iteration)
{
    lb_ref given = { "obj", obj };
    lb_error e;
    BOOL ok;

    ok = SUCCEEDED(cs_exec_begin(x, obj, &given, 1, iteration, &e));
    if (!ok)
        rs_fail(sh, CS_ST_INTERNAL, e.message);
    else
        ok = run_statements(sh, x, iteration);
    cs_exec_end(x);
    if (sh->cfg->plan->client_fault == CS_CF_MISSING_SYSFREESTRING)
        SysAllocString(L"comstress: a BSTR the harness forgets to free");
    cs_exec_sweep(x);
    return ok && !sh->stop;
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

    if (FAILED(hr = rs_create_obj(cfg, cf, &obj))) {
        snprintf(msg, sizeof(msg), "target '%s': creating an instance failed: %s",
                 cfg->target->name, cs_hresult_text(hr, why, sizeof(why)));
        rs_fail(sh, CS_ST_TARGET_FAILED, msg);
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
        rs_fail(sh, CS_ST_INTERNAL, e.message);
    else
        ok = run_statements(sh, x, iteration);
    cs_exec_end(x);
    if (cfg->plan->client_fault == CS_CF_MISSING_SYSFREESTRING)
        SysAllocString(L"comstress: a BSTR the harness forgets to free");
    lb_dispatcher_forget(d, (IUnknown *)obj);
    if (cfg->plan->client_fault != CS_CF_MISSING_RELEASE)
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

/* The sink for a pass-instance worker: its own object, or a proxy to the
 * STA sink. */
static HRESULT get_sink(run_shared *sh, IClassFactory *cf, IDispatch **sink)
{
    IGlobalInterfaceTable *git;
    HRESULT hr;

    if (!sh->sink_cookie)
        return rs_create_obj(sh->cfg, cf, sink);
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
    IDispatch *same;             /* calls-same: the one object */
    lb_dispatcher *d;
} worker_state;

/*
 * A worker's set-up in its (already initialised) apartment: its
 * dispatcher, its script executor (the call sites made once), the class
 * factory (factory activation), the sink (pass-instance) and the one
 * object (calls-same). Returns TRUE when the loop can start; on FALSE the
 * run has failed (rs_fail) and ws holds what must still be freed.
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

    policy = (lb_policy)cfg->policy;                   /* one order: see the top */
    if (!(ws->d = lb_dispatcher_new(policy))) {
        rs_fail(sh, CS_ST_INTERNAL, "out of memory creating the dispatcher");
        return FALSE;
    }
    if (cfg->plan->invoke_plan)
        lb_dispatcher_use_vtable(ws->d, FALSE);
    if (FAILED(cs_exec_new(cfg->script, ws->d, cfg->ledger ? &hooks : NULL,
                           exec_fault(cfg->plan->client_fault), &ws->x, &e))) {
        rs_fail(sh, CS_ST_INTERNAL, e.message);
        return FALSE;
    }
    if (cfg->plan->activation == CS_ACT_FACTORY
        && FAILED(hr = cs_target_factory(cfg->target, &ws->cf))) {
        snprintf(msg, sizeof(msg), "target '%s': no class factory: %s%s", cfg->target->name,
                 cs_hresult_text(hr, why, sizeof(why)), cfg->target->from_dll ? "" : "; try --activation cocreate");
        rs_fail(sh, CS_ST_TARGET_FAILED, msg);
        return FALSE;
    }
    if (cfg->plan->scenario == CS_SCEN_PASS_INSTANCE && FAILED(hr = get_sink(sh, ws->cf, &ws->sink))) {
        snprintf(msg, sizeof(msg), "target '%s': creating the sink failed: %s",
                 cfg->target->name, cs_hresult_text(hr, why, sizeof(why)));
        rs_fail(sh, CS_ST_TARGET_FAILED, msg);
        ws->sink = NULL;
        return FALSE;
    }
    if (ws->sink && cfg->ledger)
        ws->sink = cs_ledger_wrap(cfg->ledger, ws->sink, "sink", 0);
    if (cfg->plan->scenario == CS_SCEN_CALLS_SAME && FAILED(hr = rs_create_obj(cfg, ws->cf, &ws->same))) {
        snprintf(msg, sizeof(msg), "target '%s': creating an instance failed: %s",
                 cfg->target->name, cs_hresult_text(hr, why, sizeof(why)));
        rs_fail(sh, CS_ST_TARGET_FAILED, msg);
        ws->same = NULL;
        return FALSE;
    }
    if (ws->same && cfg->ledger)
        ws->same = cs_ledger_wrap(cfg->ledger, ws->same, "CreateInstance", 0);
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
        sh->slots[index].calls = exec_calls(ws->x);
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
    if (ws->same) {
        lb_dispatcher_forget(ws->d, (IUnknown *)ws->same);
        if (sh->cfg->plan->client_fault != CS_CF_MISSING_RELEASE)
            IDispatch_Release(ws->same);
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

/*
 * Per-thread loop: its own apartment, class factory, sink, dispatcher.
 * Every worker arrives at the start line once, set up or failed. Its
 * counters go to its own slot, and it looks at the run's totals only when
 * its countdown runs out (rs_checkpoint): nothing it writes per iteration
 * is shared. Iteration k (from 0) of worker t of T is numbered k*T + t + 1,
 * unique within the run and never above --iterations.
 */
DWORD WINAPI rs_worker_main(void *arg)
{
    worker *w = arg;
    run_shared *sh = w->sh;
    rs_slot *slot = &sh->slots[w->index];
    worker_state ws;
    long long i, it;
    BOOL ok;

    memset(&ws, 0, sizeof(ws));
    if (FAILED(CoInitializeEx(NULL, sh->cfg->plan->apartment_mta ? COINIT_MULTITHREADED
                                                                  : COINIT_APARTMENTTHREADED))) {
        rs_fail(sh, CS_ST_INTERNAL, "CoInitializeEx failed in a worker thread");
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
        it = i * sh->nthreads + w->index + 1;
        ok = ws.same ? iterate_same(sh, ws.x, ws.same, it) : iterate(sh, ws.x, ws.d, ws.cf, ws.sink, it);

        slot->calls = exec_calls(ws.x);
        if (!ok)
            break;
        slot->done = i + 1;
        if (--slot->countdown <= 0)
            rs_checkpoint(sh, slot);
    }
    slot->loop_end_s = rs_elapsed(sh);
out_teardown:
    worker_teardown(sh, w->index, &ws);
    CoUninitialize();
    return 0;
}
