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
#include <stdlib.h>
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
        lb_result_clear(&res);
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
        lb_result_clear(&res);
    }
}

/* What lb_call's contract asks of a caller: the result cleared after
 * each call (lb_call sets it, so no VariantInit before). Every loop with
 * a VARIANT result (this one, raw Invoke, the naive client) clears it
 * the same way, lb_result_clear, so no row differs from another by how
 * its result is cleared. */
static void run_layer(call_ctx *c, long calls)
{
    VARIANT res;
    lb_error e;
    long i;

    for (i = 0; i < calls; i++) {
        lb_call(c->d, c->site, c->callee, NULL, &res, &e);
        lb_result_clear(&res);
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

/*
 * time_chunk with the stack `depth` bytes deeper. A path's cost moved by
 * up to 8% with where its frames fell against the heap blocks the callee
 * touches (Wine's ITypeInfo::Invoke allocates its arrays per call): the
 * same build measured the Invoke plan at 1.01 or 1.08 times raw Invoke
 * from one process to the next, and moving one local of the layer's from
 * the stack to the heap changed it. Every path's chunks run at depths
 * spread over a page, the same depths for every path, so a ratio is the
 * paths' and not one accident of alignment.
 */
static __attribute__((noinline)) double time_chunk_at(path *p, long calls, size_t depth)
{
    volatile char *pad = __builtin_alloca(depth + 16);

    pad[0] = 0;
    return time_chunk(p, calls);
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
                c[i][j] = time_chunk_at(&p[i], calls, (size_t)((r * chunks + j) * 1040 % 4096) & ~(size_t)15);
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

/* The paths: name, loop, calls divisor, calls multiplier. */
#define PATHS { \
        [P_DIRECT]   = { "direct", run_direct, 1, 10 }, \
        [P_INVOKE]   = { "invoke", run_invoke, 1, 1 }, \
        [P_TYPE_VT]  = { "type/vtable", run_layer, 1, 10 }, \
        [P_TYPE_INV] = { "type/invoke", run_layer, 1, 1 }, \
        [P_LEDGER]   = { "type/invoke/ledger", run_layer, 1, 1 }, \
        [P_INST]     = { "instance", run_layer, 1, 1 }, \
        [P_NONE]     = { "none", run_layer, 8, 1 }, \
        [P_NAIVE]    = { "naive", run_naive, 8, 1 }, \
    }

/* Fills the results from n measured rounds and the plan counters c. */
static void collect(path *p, int n, const long long *c, bench_call_results *r)
{
    r->r_type_vt = round_ratio(p[P_TYPE_VT].ns, p[P_INVOKE].ns, n);
    r->r_vt_direct = round_ratio(p[P_TYPE_VT].ns, p[P_DIRECT].ns, n);
    r->r_type_inv = round_ratio(p[P_TYPE_INV].ns, p[P_INVOKE].ns, n);
    r->r_inst = round_ratio(p[P_INST].ns, p[P_INVOKE].ns, n);
    r->r_ledger = round_ratio(p[P_LEDGER].ns, p[P_TYPE_INV].ns, n);
    r->r_none = round_ratio(p[P_NONE].ns, p[P_INVOKE].ns, n);
    r->r_naive = round_ratio(p[P_NAIVE].ns, p[P_INVOKE].ns, n);
    r->r_none_naive = round_ratio(p[P_NONE].ns, p[P_NAIVE].ns, n);
    r->ledger = bench_median(p[P_LEDGER].ns, n);
    r->direct = bench_median(p[P_DIRECT].ns, n);
    r->invoke = bench_median(p[P_INVOKE].ns, n);
    r->type_vt = bench_median(p[P_TYPE_VT].ns, n);
    r->type_inv = bench_median(p[P_TYPE_INV].ns, n);
    r->inst = bench_median(p[P_INST].ns, n);
    r->none = bench_median(p[P_NONE].ns, n);
    r->naive = bench_median(p[P_NAIVE].ns, n);
    r->rounds = n;
    r->vt_calls = c[0];
    r->inv_calls = c[1];
    r->none_getids = c[2];
    r->none_calls = (long)c[3];
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

/* The paths of bench_calls set up on one reference object; 3 when the
 * server is not registered, 6 on OOM (message printed), else 0. */
static int set_up(path *p, cs_ledger **ledger)
{
    OLECHAR *name = L"Add";
    call_ctx base = { 0 };
    HRESULT hr;
    int i;

    hr = CoCreateInstance(&CLSID_StressTarget, NULL, CLSCTX_INPROC_SERVER, &IID_IStressTarget, (void **)&base.target);
    if (FAILED(hr)) {
        fprintf(stderr, "bench: ComStress.Target is not registered (0x%08lx): run scripts/bench.sh\n", (unsigned long)hr);
        return 3;
    }
    IStressTarget_QueryInterface(base.target, &IID_IDispatch, (void **)&base.disp);
    IDispatch_GetIDsOfNames(base.disp, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &base.add);
    for (i = 0; i < P_COUNT; i++)
        p[i].ctx = base;
    if (!(*ledger = cs_ledger_new())) {
        fprintf(stderr, "bench: cannot create the refcount ledger (out of memory)\n");
        return 6;
    }
    IDispatch_AddRef(base.disp);
    p[P_LEDGER].ctx.callee = cs_ledger_wrap(*ledger, base.disp, "bench", 0);
    if (!layer_setup(&p[P_LEDGER].ctx, LB_CACHE_TYPE, FALSE) || !layer_setup(&p[P_TYPE_VT].ctx, LB_CACHE_TYPE, TRUE)
        || !layer_setup(&p[P_TYPE_INV].ctx, LB_CACHE_TYPE, FALSE) || !layer_setup(&p[P_INST].ctx, LB_CACHE_INSTANCE, TRUE)
        || !layer_setup(&p[P_NONE].ctx, LB_CACHE_NONE, TRUE)) {
        fprintf(stderr, "bench: cannot set up the late-binding layer (out of memory or bad call text)\n");
        return 6;
    }
    return 0;
}

static void tear_down(path *p, cs_ledger *ledger)
{
    free_layers(p);
    IDispatch_Release(p[P_LEDGER].ctx.callee);
    cs_ledger_free(ledger);
    IDispatch_Release(p[P_INVOKE].ctx.disp);
    IStressTarget_Release(p[P_INVOKE].ctx.target);
}

/* The plan counters of this process's layer paths. */
static void counters(path *p, long long *c)
{
    lb_stats st;

    lb_dispatcher_stats(p[P_TYPE_VT].ctx.d, &st);
    c[0] = st.vtable_calls;
    lb_dispatcher_stats(p[P_TYPE_INV].ctx.d, &st);
    c[1] = st.invoke_calls;
    lb_dispatcher_stats(p[P_NONE].ctx.d, &st);
    c[2] = st.getidsofnames_calls;
    c[3] = st.calls;
}

int bench_calls_child(const bench_opts *o)
{
    path p[P_COUNT] = PATHS;
    cs_ledger *ledger;
    long long c[4];
    int rc, r, i;

    if ((rc = set_up(p, &ledger)))
        return rc;
    run_rounds(p, P_COUNT, o->calls, o->chunks, o->rounds);
    for (r = 0; r < o->rounds; r++) {
        printf("ns");
        for (i = 0; i < P_COUNT; i++)
            printf(" %.4f", p[i].ns[r]);
        printf("\n");
    }
    counters(p, c);
    printf("counts %lld %lld %lld %lld\n", c[0], c[1], c[2], c[3]);
    tear_down(p, ledger);
    return 0;
}

/* One child's rounds added to p (from round *n on) and its counters to c;
 * FALSE with err filled when it fails or prints something else. */
static BOOL child_rounds(const bench_opts *o, int rounds, path *p, int *n, long long *c, char *err, size_t errlen)
{
    static char text[65536];
    char exe[MAX_PATH], cmd[MAX_PATH + 128], *line, *next;
    cs_proc_spec ps = { 0 };
    cs_proc_result pr;
    long long k[4];
    int i, got = 0;

    GetModuleFileNameA(NULL, exe, sizeof(exe));
    snprintf(cmd, sizeof(cmd), "\"%s\" --calls-child --rounds %d --calls %ld --chunks %d", exe, rounds, o->calls,
             o->chunks);
    ps.cmdline = cmd;
    ps.capture = text;
    ps.capture_len = sizeof(text);
    ps.timeout_ms = 120000;
    if (cs_proc_run(&ps, &pr) || pr.timed_out || pr.exit_code) {
        snprintf(err, errlen, "child `%s` failed: %.200s", cmd, text);
        return FALSE;
    }
    for (line = text; line && *line; line = next) {
        if ((next = strchr(line, '\n')))
            *next++ = 0;
        if (!strncmp(line, "ns", 2) && got < rounds && *n < BENCH_MAX_ROUNDS) {
            char *q = line + 2, *end;
            for (i = 0; i < P_COUNT; i++, q = end)
                p[i].ns[*n] = strtod(q, &end);
            (*n)++;
            got++;
        } else if (sscanf(line, "counts %lld %lld %lld %lld", &k[0], &k[1], &k[2], &k[3]) == 4) {
            for (i = 0; i < 4; i++)
                c[i] += k[i];
        }
    }
    if (got != rounds)
        snprintf(err, errlen, "child `%s` printed %d rounds of %d", cmd, got, rounds);
    return got == rounds;
}

int bench_calls(const bench_opts *o, bench_call_results *r)
{
    path p[P_COUNT] = PATHS;
    long long c[4] = { 0, 0, 0, 0 };
    cs_ledger *ledger;
    int rc, k, n = 0, per;

    memset(r, 0, sizeof(*r));
    if ((rc = set_up(p, &ledger)))
        return rc;
    if (o->call_processes > 0) {
        per = o->rounds / o->call_processes > 0 ? o->rounds / o->call_processes : 1;
        for (k = 0; k < o->call_processes; k++)
            if (!child_rounds(o, per, p, &n, c, r->error, sizeof(r->error)))
                break;
        r->processes = k;
    } else {
        run_rounds(p, P_COUNT, o->calls, o->chunks, o->rounds);
        n = o->rounds;
        r->processes = 1;
        counters(p, c);
    }
    collect(p, n, c, r);
    if (!o->skip_vbs && (r->vbs = bench_vbscript(o->vbs_iterations, o->vbs_rounds, &p[P_TYPE_VT], o->calls,
                                                  o->chunks, &r->r_vbs_type)) > 0)
        r->vbs_rounds = o->vbs_rounds;
    tear_down(p, ledger);
    return 0;
}
