/*
 * What allocation tracing costs, and that it costs nothing once off:
 *   - `comstress run --call "Echo('x')"` (one BSTR allocated by the server
 *     per call) and `--call "Add(1)"` (nothing allocated), with and without
 *     --trace, alternating pairs, the same iterations and default sampling;
 *   - tracing support when off, in children of this program (which links
 *     the tracer in): Echo calls per second with the tracer never started,
 *     against after a start, a traced warm-up and cs_trace_stop.
 */
#include "bench.h"
#include "trace.h"
#include "comstress.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHILD_WARMUP 20000   /* calls before measuring (traced in the "after" child) */
#define CHILD_BATCH 2000     /* calls per timed batch */

/* One Echo through Invoke, its result cleared as a client would; FALSE
 * when the call fails. */
static BOOL echo_once(IDispatch *d, DISPID id, VARIANT *arg)
{
    DISPPARAMS dp = { arg, NULL, 1, 0 };
    VARIANT res;
    HRESULT hr;

    VariantInit(&res);
    hr = IDispatch_Invoke(d, id, &IID_NULL, 0, DISPATCH_METHOD, &dp, &res, NULL, NULL);
    VariantClear(&res);
    return SUCCEEDED(hr);
}

/*
 * Calls per second of the fastest batch of CHILD_BATCH calls within
 * `seconds`; -1 when a call fails. The machine is shared: the batch no
 * neighbour interrupted is the one that measures the call.
 */
static double fastest_batch(IDispatch *d, DISPID id, VARIANT *arg, double seconds)
{
    double start = bench_now(), fastest = 1e9, t0, t;
    int i;

    do {
        t0 = bench_now();
        for (i = 0; i < CHILD_BATCH; i++)
            if (!echo_once(d, id, arg))
                return -1;
        if ((t = bench_now() - t0) < fastest)
            fastest = t;
    } while (bench_now() - start < seconds);
    return CHILD_BATCH / fastest;
}

/*
 * The warm-up: CHILD_WARMUP calls, traced when `after` (the tracing of
 * the reference server started before and stopped after them). FALSE
 * after a message when a call fails, tracing does not start, or it
 * recorded nothing (then "after" would not follow any tracing).
 */
static BOOL warm_up(BOOL after, IDispatch *d, DISPID id, VARIANT *arg)
{
    cs_trace_config config = { L"comstress_server.dll", NULL, 0 };
    cs_trace_stats stats = { 0 };
    HRESULT hr;
    int i;

    if (after && FAILED(hr = cs_trace_start(&config))) {
        fprintf(stderr, "bench: cs_trace_start: 0x%08lx\n", (unsigned long)hr);
        return FALSE;
    }
    for (i = 0; i < CHILD_WARMUP && echo_once(d, id, arg); i++)
        ;
    if (after) {
        cs_trace_get_stats(&stats);
        cs_trace_stop();
    }
    if (i < CHILD_WARMUP) {
        fprintf(stderr, "bench: Echo failed in the warm-up\n");
        return FALSE;
    }
    if (after && stats.allocations < CHILD_WARMUP) {
        fprintf(stderr, "bench: the traced warm-up recorded %lld allocations, not %d\n",
                (long long)stats.allocations, CHILD_WARMUP);
        return FALSE;
    }
    return TRUE;
}

int bench_trace_child(BOOL after, double seconds)
{
    void (WINAPI *set_no_cache)(void);
    LPOLESTR name = (LPOLESTR)L"Echo";
    IDispatch *target;
    DISPID id;
    VARIANT text;
    double cps;
    HRESULT hr;
    int rc = 6;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    /* BSTR cache off, as in comstress runs: every Echo allocates. */
    set_no_cache = (void *)GetProcAddress(GetModuleHandleA("oleaut32.dll"), "SetOaNoCache");
    if (set_no_cache)
        set_no_cache();
    if (FAILED(hr = CoCreateInstance(&CLSID_StressTarget, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch,
                                     (void **)&target))) {
        fprintf(stderr, "bench: the reference server is not registered (0x%08lx)\n", (unsigned long)hr);
        rc = 3;
        goto out_uninit;
    }
    V_VT(&text) = VT_BSTR;
    V_BSTR(&text) = SysAllocString(L"x");
    if (FAILED(IDispatch_GetIDsOfNames(target, &IID_NULL, &name, 1, 0, &id)) || !warm_up(after, target, id, &text))
        goto out_clear_text;
    if ((cps = fastest_batch(target, id, &text, seconds)) <= 0) {
        fprintf(stderr, "bench: Echo failed\n");
        goto out_clear_text;
    }
    printf("\"calls_per_second\": %.0f\n", cps);
    rc = 0;
out_clear_text:
    VariantClear(&text);
    IDispatch_Release(target);
out_uninit:
    CoUninitialize();
    return rc;
}

/* The children, alternating (the order swapped every pair). */
static void trace_children(const bench_opts *o, bench_trace_results *r)
{
    double never[BENCH_MAX_ROUNDS], after[BENCH_MAX_ROUNDS], ratio[BENCH_MAX_ROUNDS];
    char args_never[64], args_after[64];
    int round, n = 0;
    BOOL ok;

    snprintf(args_never, sizeof(args_never), "--trace-child never %g", o->trace_seconds);
    snprintf(args_after, sizeof(args_after), "--trace-child after %g", o->trace_seconds);
    for (round = 0; round < o->trace_rounds; round++) {
        if (round % 2)
            ok = bench_self_child(args_after, "calls_per_second", &after[n], r->child_error, sizeof(r->child_error))
              && bench_self_child(args_never, "calls_per_second", &never[n], r->child_error, sizeof(r->child_error));
        else
            ok = bench_self_child(args_never, "calls_per_second", &never[n], r->child_error, sizeof(r->child_error))
              && bench_self_child(args_after, "calls_per_second", &after[n], r->child_error, sizeof(r->child_error));
        if (!ok)
            break;
        ratio[n] = never[n] / after[n];     /* time per call after stop over never traced */
        n++;
    }
    r->child_rounds = n;
    r->r_after = bench_median(ratio, n);
    r->never_cps = bench_median(never, n);
    r->after_cps = bench_median(after, n);
}

/* p set up for `calls` (one call per iteration), o->trace_iterations. */
static void trace_pair(const bench_opts *o, const char *calls, bench_run_pair *p)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->calls, sizeof(p->calls), "%s", calls);
    p->ncalls = 1;
    p->iterations = o->trace_iterations;
}

void bench_trace(const bench_opts *o, bench_trace_results *r)
{
    memset(r, 0, sizeof(*r));
    trace_pair(o, "--call \"Echo('x')\"", &r->echo);
    bench_run_pairs(o, "trace-echo", "", "--trace", o->trace_rounds, &r->echo);
    trace_pair(o, "--call \"Add(1)\"", &r->add);
    bench_run_pairs(o, "trace-add", "", "--trace", o->trace_rounds, &r->add);
    trace_children(o, r);
}

void bench_print_trace(const bench_opts *o, const bench_trace_results *r)
{
    bench_print_pair("tracing overhead, Echo (the server allocates a BSTR per call)", "without --trace",
                     "with --trace", &r->echo);
    bench_print_pair("tracing overhead, Add (the call itself allocates nothing; information)",
                     "without --trace", "with --trace", &r->add);
    printf("  (calls/s: iterations / run.json's seconds: the run loop, each iteration creating,\n"
           "  calling and releasing one object, default sampling on both sides; the tracer's start\n"
           "  and its report at the end are outside that time)\n");
    printf("\ntracing support when off, in process: %d alternating pairs of children of this program\n"
           "(the tracer linked in), one reference object, Echo('x') through IDispatch::Invoke, BSTR\n"
           "cache off; %d warm-up calls (\"never\": untraced; \"after\": traced, then cs_trace_stop),\n"
           "then calls/s of the fastest batch of %d calls within %g s; medians\n",
           r->child_rounds, CHILD_WARMUP, CHILD_BATCH, o->trace_seconds);
    if (r->child_error[0])
        printf("  error: %s\n", r->child_error);
    if (!r->child_rounds)
        return;
    printf("  %-30s %12.0f calls/s\n", "never traced", r->never_cps);
    printf("  %-30s %12.0f calls/s\n", "traced, then stopped", r->after_cps);
}
