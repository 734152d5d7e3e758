/*
 * Cost per late-bound call to Add(1), every path measured in the same
 * rounds: a direct vtable call, IDispatch::Invoke with a DISPID resolved
 * once (the limit for late binding, the reference of every ratio), our
 * layer under the type policy (vtable plan, and forced onto the Invoke
 * plan), instance and none, a naive client (GetIDsOfNames and Invoke on
 * every call: what a C programmer without a cache writes, and what
 * VBScript does), and Wine's VBScript engine through cscript with the
 * empty-loop cost subtracted.
 */
#include "bench.h"
#include "process.h"
#include <stdio.h>
#include <string.h>
#include "comstress.h"
#include "lb.h"
#include "ledger.h"

typedef struct call_ctx {
    IStressTarget *target;
    IDispatch *disp;
    DISPID add;
    lb_dispatcher *d;     /* layer paths only */
    lb_site *site;
    IDispatch *callee;    /* layer paths: the object lb_call is given */
} call_ctx;

typedef void (*path_fn)(call_ctx *c, long calls);

typedef struct path {
    const char *name;
    path_fn fn;
    int divisor;          /* slow paths run calls / divisor per chunk */
    int times;            /* fast paths run calls * times per chunk: the clock
                           * ticks every 100 ns under Wine, and 1,000 direct
                           * calls take less than 50 ticks */
    call_ctx ctx;
    double ns[BENCH_MAX_ROUNDS];
} path;

static void run_direct(call_ctx *c, long calls)
{
    LONG r;
    long i;

    for (i = 0; i < calls; i++)
        IStressTarget_Add(c->target, 1, &r);
}

static void run_invoke(call_ctx *c, long calls)
{
    VARIANT arg, res;
    DISPPARAMS dp = { &arg, NULL, 1, 0 };
    long i;

    V_VT(&arg) = VT_I4;
    V_I4(&arg) = 1;
    for (i = 0; i < calls; i++) {
        VariantInit(&res);
        IDispatch_Invoke(c->disp, c->add, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &dp, &res, NULL, NULL);
        VariantClear(&res);
    }
}

/* The naive client: the name looked up again before every Invoke. */
static void run_naive(call_ctx *c, long calls)
{
    static OLECHAR add_name[] = L"Add";
    OLECHAR *name = add_name;
    VARIANT arg, res;
    DISPPARAMS dp = { &arg, NULL, 1, 0 };
    DISPID id;
    long i;

    V_VT(&arg) = VT_I4;
    V_I4(&arg) = 1;
    for (i = 0; i < calls; i++) {
        if (FAILED(IDispatch_GetIDsOfNames(c->disp, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id)))
            continue;
        VariantInit(&res);
        IDispatch_Invoke(c->disp, id, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &dp, &res, NULL, NULL);
        VariantClear(&res);
    }
}

/* What lb_call's contract asks of a caller: the result cleared after
 * each call (lb_call sets it, so no VariantInit before). */
static void run_layer(call_ctx *c, long calls)
{
    VARIANT res;
    lb_error e;
    long i;

    for (i = 0; i < calls; i++) {
        lb_call(c->d, c->site, c->callee, NULL, &res, &e);
        VariantClear(&res);
    }
}

/* A dispatcher and its Add(1) site for a layer path; FALSE on failure. */
static BOOL layer_setup(call_ctx *c, lb_policy p, BOOL use_vtable)
{
    lb_error e;

    if (!c->callee)
        c->callee = c->disp;
    if (!(c->d = lb_dispatcher_new(p)))
        return FALSE;
    lb_dispatcher_use_vtable(c->d, use_vtable);
    return SUCCEEDED(lb_site_parse("Add(1)", &c->site, &e));
}

/* Calls per chunk of path p (slow paths make fewer). */
static long chunk_calls(const path *p, long calls)
{
    long n = calls * (p->times > 0 ? p->times : 1) / p->divisor;

    return n > 0 ? n : 1;
}

/* ns per call of one timed chunk of p. */
static double time_chunk(path *p, long calls)
{
    long n = chunk_calls(p, calls);
    double t0 = bench_now();

    p->fn(&p->ctx, n);
    return (bench_now() - t0) * 1e9 / (double)n;
}

/* Runs `chunks` chunks of every path per round, alternating (ABC CBA ...)
 * so no path always runs first; a path's figure in a round is the median
 * of its chunks there. A first untimed chunk warms caches and binds. */
static void run_rounds(path *p, int np, long calls, int chunks, int rounds)
{
    static double c[16][BENCH_MAX_CHUNKS];
    int r, k, i, j;

    for (i = 0; i < np; i++)
        p[i].fn(&p[i].ctx, chunk_calls(&p[i], calls) / 10 + 1);
    for (r = 0; r < rounds; r++) {
        for (j = 0; j < chunks; j++) {
            for (k = 0; k < np; k++) {
                i = j % 2 ? np - 1 - k : k;
                c[i][j] = time_chunk(&p[i], calls);
            }
        }
        for (i = 0; i < np; i++)
            p[i].ns[r] = bench_median(c[i], chunks);
    }
}

/* Median and spread over the rounds of a[r] / b[r]. */
static bench_ratio round_ratio(const double *a, const double *b, int rounds)
{
    double v[BENCH_MAX_ROUNDS];
    int r;

    for (r = 0; r < rounds; r++)
        v[r] = b[r] > 0 ? a[r] / b[r] : 0;
    return bench_ratio_of(v, rounds);
}

/* Seconds cscript takes for a loop of n iterations, with or without the
 * call in its body; negative when cscript cannot run or the script did not
 * reach its end (cscript exits 0 even on a script error). */
static double time_cscript(const char *dir, long n, int with_call)
{
    char path[MAX_PATH], cmd[MAX_PATH * 2];
    cs_proc_spec ps = { 0 };
    cs_proc_result pr;
    FILE *f;
    double t0, t;

    snprintf(path, sizeof(path), "%s\\bench_%d.vbs", dir, with_call);
    if (!(f = fopen(path, "w")))
        return -1;
    fprintf(f, "Set o = CreateObject(\"ComStress.Target\")\nFor i = 1 To %ld\n%s\nNext\nWScript.Quit 7\n",
            n, with_call ? "o.Add 1" : "");
    fclose(f);
    snprintf(cmd, sizeof(cmd), "cscript.exe //nologo \"%s\"", path);
    ps.cmdline = cmd;
    ps.timeout_ms = INFINITE;
    t0 = bench_now();
    if (cs_proc_run(&ps, &pr))
        return -1;
    t = bench_now() - t0;
    return pr.exit_code == 7 ? t : -1;
}

/* The VBScript comparison: per pair, the loop with the call and the empty
 * loop back to back in cscript, then `chunks` chunks of the type policy's
 * vtable plan in process; the pair's ratio is VBScript's ns per call (the
 * difference of the two loops over n) over the layer's (the median of its
 * chunks). 0 ns when cscript fails. */
static double bench_vbscript(long n, int rounds, path *layer, long calls, int chunks, bench_ratio *ratio)
{
    double v[BENCH_MAX_ROUNDS], q[BENCH_MAX_ROUNDS], c[BENCH_MAX_CHUNKS], a, b, ns;
    char dir[MAX_PATH];
    int i, j;

    GetTempPathA(sizeof(dir), dir);
    for (i = 0; i < rounds; i++) {
        a = time_cscript(dir, n, 1);
        b = time_cscript(dir, n, 0);
        if (a < 0 || b < 0)
            return 0;
        v[i] = (a - b) * 1e9 / (double)n;
        for (j = 0; j < chunks; j++)
            c[j] = time_chunk(layer, calls);
        ns = bench_median(c, chunks);
        q[i] = ns > 0 ? v[i] / ns : 0;
    }
    *ratio = bench_ratio_of(q, rounds);
    return bench_median(v, rounds);
}

/* Run order: the paths compared with each other are neighbours. */
enum { P_DIRECT, P_TYPE_VT, P_INVOKE, P_TYPE_INV, P_LEDGER, P_INST, P_NONE, P_NAIVE, P_COUNT };

/* Fills the results from the measured paths. */
static void collect(path *p, const bench_opts *o, bench_call_results *r)
{
    lb_stats st;

    r->r_type_vt = round_ratio(p[P_TYPE_VT].ns, p[P_INVOKE].ns, o->rounds);
    r->r_vt_direct = round_ratio(p[P_TYPE_VT].ns, p[P_DIRECT].ns, o->rounds);
    r->r_type_inv = round_ratio(p[P_TYPE_INV].ns, p[P_INVOKE].ns, o->rounds);
    r->r_inst = round_ratio(p[P_INST].ns, p[P_INVOKE].ns, o->rounds);
    r->r_ledger = round_ratio(p[P_LEDGER].ns, p[P_TYPE_INV].ns, o->rounds);
    r->r_none = round_ratio(p[P_NONE].ns, p[P_INVOKE].ns, o->rounds);
    r->r_naive = round_ratio(p[P_NAIVE].ns, p[P_INVOKE].ns, o->rounds);
    r->r_none_naive = round_ratio(p[P_NONE].ns, p[P_NAIVE].ns, o->rounds);
    r->ledger = bench_median(p[P_LEDGER].ns, o->rounds);
    r->direct = bench_median(p[P_DIRECT].ns, o->rounds);
    r->invoke = bench_median(p[P_INVOKE].ns, o->rounds);
    r->type_vt = bench_median(p[P_TYPE_VT].ns, o->rounds);
    r->type_inv = bench_median(p[P_TYPE_INV].ns, o->rounds);
    r->inst = bench_median(p[P_INST].ns, o->rounds);
    r->none = bench_median(p[P_NONE].ns, o->rounds);
    r->naive = bench_median(p[P_NAIVE].ns, o->rounds);
    r->rounds = o->rounds;
    lb_dispatcher_stats(p[P_TYPE_VT].ctx.d, &st);
    r->vt_calls = st.vtable_calls;
    lb_dispatcher_stats(p[P_TYPE_INV].ctx.d, &st);
    r->inv_calls = st.invoke_calls;
    lb_dispatcher_stats(p[P_NONE].ctx.d, &st);
    r->none_getids = st.getidsofnames_calls;
    r->none_calls = (long)st.calls;
}

/* Frees the layer paths' dispatchers and sites. */
static void free_layers(path *p)
{
    int i;

    for (i = P_TYPE_VT; i < P_NAIVE; i++) {
        lb_site_free(p[i].ctx.site);
        lb_dispatcher_free(p[i].ctx.d);
    }
}

int bench_calls(const bench_opts *o, bench_call_results *r)
{
    path p[P_COUNT] = {
        [P_DIRECT]   = { "direct", run_direct, 1, 10 },
        [P_INVOKE]   = { "invoke", run_invoke, 1 },
        [P_TYPE_VT]  = { "type/vtable", run_layer, 1, 10 },
        [P_TYPE_INV] = { "type/invoke", run_layer, 1 },
        [P_LEDGER]   = { "type/invoke/ledger", run_layer, 1 },
        [P_INST]     = { "instance", run_layer, 1 },
        [P_NONE]     = { "none", run_layer, 8 },
        [P_NAIVE]    = { "naive", run_naive, 8 },
    };
    OLECHAR *name = L"Add";
    call_ctx base = { 0 };
    cs_ledger *ledger;
    HRESULT hr;
    int i;

    memset(r, 0, sizeof(*r));
    hr = CoCreateInstance(&CLSID_StressTarget, NULL, CLSCTX_INPROC_SERVER, &IID_IStressTarget, (void **)&base.target);
    if (FAILED(hr)) {
        fprintf(stderr, "bench: ComStress.Target is not registered (0x%08lx): run scripts/bench.sh\n", (unsigned long)hr);
        return 3;
    }
    IStressTarget_QueryInterface(base.target, &IID_IDispatch, (void **)&base.disp);
    IDispatch_GetIDsOfNames(base.disp, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &base.add);
    for (i = 0; i < P_COUNT; i++)
        p[i].ctx = base;
    if (!(ledger = cs_ledger_new())) {
        fprintf(stderr, "bench: cannot create the refcount ledger (out of memory)\n");
        return 6;
    }
    IDispatch_AddRef(base.disp);
    p[P_LEDGER].ctx.callee = cs_ledger_wrap(ledger, base.disp, "bench", 0);
    if (!layer_setup(&p[P_LEDGER].ctx, LB_CACHE_TYPE, FALSE) || !layer_setup(&p[P_TYPE_VT].ctx, LB_CACHE_TYPE, TRUE) || !layer_setup(&p[P_TYPE_INV].ctx, LB_CACHE_TYPE, FALSE)
        || !layer_setup(&p[P_INST].ctx, LB_CACHE_INSTANCE, TRUE) || !layer_setup(&p[P_NONE].ctx, LB_CACHE_NONE, TRUE)) {
        fprintf(stderr, "bench: cannot set up the late-binding layer (out of memory or bad call text)\n");
        return 6;
    }
    run_rounds(p, P_COUNT, o->calls, o->chunks, o->rounds);
    collect(p, o, r);
    if (!o->skip_vbs && (r->vbs = bench_vbscript(o->vbs_iterations, o->vbs_rounds, &p[P_TYPE_VT], o->calls,
                                                  o->chunks, &r->r_vbs_type)) > 0)
        r->vbs_rounds = o->vbs_rounds;
    free_layers(p);
    IDispatch_Release(p[P_LEDGER].ctx.callee);
    cs_ledger_free(ledger);
    IDispatch_Release(base.disp);
    IStressTarget_Release(base.target);
    return 0;
}
