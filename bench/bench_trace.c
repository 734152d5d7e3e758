/*
 * What allocation tracing costs, and that it costs nothing once off:
 *   - `comstress run --call "Echo('x')"` (one BSTR allocated by the server
 *     per call) and `--call "Add(1)"` (nothing allocated), with and without
 *     --trace, alternating pairs, the same iterations and default sampling;
 *   - in children of this program (which links the tracer in): Echo calls
 *     per second through IDispatch::Invoke with the tracer never started,
 *     while it traces, and after a start, a traced warm-up and
 *     cs_trace_stop (tracing support when off must cost nothing).
 */
#include "bench.h"
#include "trace.h"
#include "comstress.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHILD_WARMUP 20000   /* calls before measuring (traced but in the "never" child) */
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
 * The warm-up: CHILD_WARMUP calls, traced unless mode is never (the
 * tracing of the reference server started before them; stopped after
 * them for after, after the measurement for during). FALSE after a
 * message when a call fails, tracing does not start, or it recorded
 * nothing (then the child would not measure any tracing).
 */
static BOOL warm_up(bench_trace_mode mode, IDispatch *d, DISPID id, VARIANT *arg)
{
    cs_trace_config config = { L"comstress_server.dll", NULL, 0 };
    cs_trace_stats stats = { 0 };
    HRESULT hr;
    int i;

    if (mode != BENCH_TRACE_NEVER && FAILED(hr = cs_trace_start(&config))) {
        fprintf(stderr, "bench: cs_trace_start: 0x%08lx\n", (unsigned long)hr);
        return FALSE;
    }
    for (i = 0; i < CHILD_WARMUP && echo_once(d, id, arg); i++)
        ;
    cs_trace_get_stats(&stats);
    if (mode == BENCH_TRACE_AFTER)
        cs_trace_stop();
    if (i < CHILD_WARMUP) {
        fprintf(stderr, "bench: Echo failed in the warm-up\n");
        return FALSE;
    }
    if (mode != BENCH_TRACE_NEVER && stats.allocations < CHILD_WARMUP) {
        fprintf(stderr, "bench: the traced warm-up recorded %lld allocations, not %d\n",
                (long long)stats.allocations, CHILD_WARMUP);
        return FALSE;
    }
    return TRUE;
}

int bench_trace_child(bench_trace_mode mode, double seconds)
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
    if (FAILED(IDispatch_GetIDsOfNames(target, &IID_NULL, &name, 1, 0, &id)) || !warm_up(mode, target, id, &text))
        goto out_clear_text;
    cps = fastest_batch(target, id, &text, seconds);
    cs_trace_stop();                         /* during: after the measurement */
    if (cps <= 0) {
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

/* One child of mode into *cps; FALSE with r->child_error filled. */
static BOOL child(const bench_opts *o, const char *mode, double *cps, bench_trace_results *r)
{
    char args[64];

    snprintf(args, sizeof(args), "--trace-child %s %g", mode, o->trace_seconds);
    return bench_self_child(args, "calls_per_second", cps, r->child_error, sizeof(r->child_error));
}

/* The children, a round of the three modes at a time, the order reversed
 * every other round. */
static void trace_children(const bench_opts *o, bench_trace_results *r)
{
    static const char *const modes[] = { "never", "during", "after" };
    double cps[3][BENCH_MAX_ROUNDS], r_after[BENCH_MAX_ROUNDS], r_during[BENCH_MAX_ROUNDS];
    int round, n = 0, k;
    BOOL ok = TRUE;

    for (round = 0; round < o->trace_rounds && ok; round++) {
        for (k = 0; k < 3 && ok; k++) {
            int m = round % 2 ? 2 - k : k;

            ok = child(o, modes[m], &cps[m][n], r);
        }
        if (!ok)
            break;
        r_after[n] = cps[0][n] / cps[2][n];     /* time per call after stop over never traced */
        r_during[n] = cps[0][n] / cps[1][n];    /* while traced over never */
        n++;
    }
    r->child_rounds = n;
    r->r_after = bench_ratio_of(r_after, n);
    r->r_during = bench_ratio_of(r_during, n);
    r->never_cps = bench_median(cps[0], n);
    r->during_cps = bench_median(cps[1], n);
    r->after_cps = bench_median(cps[2], n);
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
    printf("\ntracing in process: %d rounds of three children of this program (the tracer linked\n"
           "in), one reference object, Echo('x') through IDispatch::Invoke, BSTR cache off; %d\n"
           "warm-up calls (\"never\": untraced; \"while traced\": traced throughout; \"after\": traced,\n"
           "then cs_trace_stop), then calls/s of the fastest batch of %d calls within %g s; medians\n",
           r->child_rounds, CHILD_WARMUP, CHILD_BATCH, o->trace_seconds);
    if (r->child_error[0])
        printf("  error: %s\n", r->child_error);
    if (!r->child_rounds)
        return;
    printf("  %-30s %12.0f calls/s\n", "never traced", r->never_cps);
    printf("  %-30s %12.0f calls/s  x%.2f time per call\n", "while traced", r->during_cps, r->r_during.median);
    printf("  %-30s %12.0f calls/s\n", "traced, then stopped", r->after_cps);
}
