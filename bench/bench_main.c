/*
 * comstress_bench: every benchmark side by side in one run, one table,
 * each target with PASS or MISS.
 *
 * Usage: comstress_bench [--calls N] [--rounds R] [--vbs-rounds R]
 *                        [--vbs-iterations N] [--run-iterations N] [--run-rounds R]
 *                        [--scale-iterations N] [--scale-rounds R]
 *                        [--leak-iterations N] [--leak-rounds R]
 *                        [--trace-iterations N] [--trace-rounds R] [--trace-seconds S]
 *                        [--comstress PATH] [--out DIR] [--no-vbs] [--no-runs]
 *                        [--no-scaling] [--no-leak] [--no-trace]
 *        comstress_bench --heap-child THREADS default|lfh PAIRS SIZE
 *                        (the scaling bench's heap baseline, run as a child)
 *        comstress_bench --trace-child never|during|after SECONDS
 *                        (the in-process tracing comparison, run as a child)
 * Needs the reference server registered (scripts/bench.sh does it).
 * Exit: 0 every target met, 1 a target missed, 2 bad command line,
 * 3 server not registered, 6 internal.
 */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static LARGE_INTEGER freq;

double bench_now(void)
{
    LARGE_INTEGER t;

    if (!freq.QuadPart)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart / (double)freq.QuadPart;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The directory of this executable, without the trailing backslash. */
static void exe_dir(char *buf, size_t len)
{
    char *slash;

    GetModuleFileNameA(NULL, buf, (DWORD)len);
    if ((slash = strrchr(buf, '\\')))
        *slash = 0;
}

/* Makes path absolute and free of ".." in place (it stays as it was when
 * that fails). */
static void full_path(char *path, size_t len)
{
    char buf[MAX_PATH];
    DWORD n = GetFullPathNameA(path, sizeof(buf), buf, NULL);

    if (n && n < sizeof(buf))
        snprintf(path, len, "%s", buf);
}

/* A count option in [lo, hi]; FALSE with a message naming it otherwise. */
static BOOL parse_long(const char *opt, const char *val, long lo, long hi, long *out)
{
    char *end;

    *out = val ? strtol(val, &end, 10) : 0;
    if (!val || *end || *out < lo || *out > hi) {
        fprintf(stderr, "bench: %s: '%s' is not a whole number from %ld to %ld\n", opt, val ? val : "", lo, hi);
        return FALSE;
    }
    return TRUE;
}

/* Seconds in (0, 60]; FALSE with a message naming the option otherwise. */
static BOOL parse_seconds(const char *opt, const char *val, double *out)
{
    char *end;

    *out = val ? strtod(val, &end) : 0;
    if (!val || *end || !(*out > 0 && *out <= 60)) {
        fprintf(stderr, "bench: %s: '%s' is not a number of seconds above 0, at most 60\n", opt, val ? val : "");
        return FALSE;
    }
    return TRUE;
}

/* Parses argv into o (defaults first); FALSE after a one-line message. */
static BOOL parse_args(int argc, char **argv, bench_opts *o)
{
    char dir[MAX_PATH];
    long v;
    int i;

    exe_dir(dir, sizeof(dir));
    memset(o, 0, sizeof(*o));
    /* Many short interleaved rounds: on a loaded two-core machine a chunk
     * of a quarter millisecond is rarely preempted, and the median of 401
     * per-round ratios moves by about 0.01 between runs (21 rounds of
     * 60,000 calls moved by 0.05 and more). */
    o->calls = 1000;
    o->rounds = 401;
    o->vbs_rounds = 5;
    o->vbs_iterations = 400000;
    o->run_iterations = 100000;
    o->run_rounds = 31;
    o->scale_iterations = 200000;
    o->scale_rounds = 7;
    o->leak_iterations = 1000000;
    o->leak_rounds = 3;
    o->trace_iterations = 100000;
    o->trace_rounds = 7;
    o->trace_seconds = 0.5;
    snprintf(o->comstress, sizeof(o->comstress), "%s\\..\\stress\\comstress.exe", dir);
    snprintf(o->out_dir, sizeof(o->out_dir), "%s\\..\\bench-out", dir);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--no-vbs")) { o->skip_vbs = TRUE; continue; }
        if (!strcmp(a, "--no-runs")) { o->skip_runs = TRUE; continue; }
        if (!strcmp(a, "--no-scaling")) { o->skip_scaling = TRUE; continue; }
        if (!strcmp(a, "--no-leak")) { o->skip_leak = TRUE; continue; }
        if (!strcmp(a, "--no-trace")) { o->skip_trace = TRUE; continue; }
        if (!strcmp(a, "--comstress") && val) snprintf(o->comstress, sizeof(o->comstress), "%s", val);
        else if (!strcmp(a, "--out") && val) snprintf(o->out_dir, sizeof(o->out_dir), "%s", val);
        else if (!strcmp(a, "--calls")) { if (!parse_long(a, val, 1, 100000000, &o->calls)) return FALSE; }
        else if (!strcmp(a, "--rounds")) { if (!parse_long(a, val, 1, BENCH_MAX_ROUNDS, &v)) return FALSE; o->rounds = (int)v; }
        else if (!strcmp(a, "--vbs-rounds")) { if (!parse_long(a, val, 1, BENCH_MAX_ROUNDS, &v)) return FALSE; o->vbs_rounds = (int)v; }
        else if (!strcmp(a, "--run-rounds")) { if (!parse_long(a, val, 1, BENCH_MAX_ROUNDS, &v)) return FALSE; o->run_rounds = (int)v; }
        else if (!strcmp(a, "--vbs-iterations")) { if (!parse_long(a, val, 1, 100000000, &o->vbs_iterations)) return FALSE; }
        else if (!strcmp(a, "--run-iterations")) { if (!parse_long(a, val, 1, 100000000, &o->run_iterations)) return FALSE; }
        else if (!strcmp(a, "--scale-iterations")) { if (!parse_long(a, val, 1000, 100000000, &o->scale_iterations)) return FALSE; }
        else if (!strcmp(a, "--scale-rounds")) { if (!parse_long(a, val, 1, BENCH_MAX_ROUNDS, &v)) return FALSE; o->scale_rounds = (int)v; }
        else if (!strcmp(a, "--leak-iterations")) { if (!parse_long(a, val, 1000, 100000000, &o->leak_iterations)) return FALSE; }
        else if (!strcmp(a, "--leak-rounds")) { if (!parse_long(a, val, 1, BENCH_MAX_ROUNDS, &v)) return FALSE; o->leak_rounds = (int)v; }
        else if (!strcmp(a, "--trace-iterations")) { if (!parse_long(a, val, 1, 100000000, &o->trace_iterations)) return FALSE; }
        else if (!strcmp(a, "--trace-rounds")) { if (!parse_long(a, val, 1, BENCH_MAX_ROUNDS, &v)) return FALSE; o->trace_rounds = (int)v; }
        else if (!strcmp(a, "--trace-seconds")) { if (!parse_seconds(a, val, &o->trace_seconds)) return FALSE; }
        else {
            fprintf(stderr, "bench: argument %d: unknown option or missing value '%s' (see bench/bench_main.c)\n", i, a);
            return FALSE;
        }
        i++;
    }
    full_path(o->comstress, sizeof(o->comstress));
    full_path(o->out_dir, sizeof(o->out_dir));
    return TRUE;
}

/* One target row; returns 1 when it was missed (or not measured).
 * measured < 0: skipped on request, not counted. */
static int target_row(const char *what, double measured, const char *op, double target)
{
    BOOL ok = measured > 0 && (!strcmp(op, "<=") ? measured <= target : measured >= target);

    if (measured < 0) {
        printf("  %-52s %8s   %s %5.2f   %s\n", what, "-", op, target, "skipped");
        return 0;
    }
    if (measured > 0)
        printf("  %-52s %8.3f   %s %5.2f   %s\n", what, measured, op, target, ok ? "PASS" : "MISS");
    else
        printf("  %-52s %8s   %s %5.2f   %s\n", what, "-", op, target, "MISS (not measured)");
    return !ok;
}

static void path_row(const char *what, double ns, double invoke, const char *note)
{
    printf("  %-52s %9.1f %8.2f  %s\n", what, ns, invoke > 0 ? ns / invoke : 0, note);
}

static void print_calls(const bench_opts *o, const bench_call_results *r)
{
    char note[96];

    printf("\ncost of one late-bound call to Add(1): %ld calls per path per round, %d rounds interleaved,\n"
           "median ns/call; ratios are medians of the per-round ratios\n\n", o->calls, r->rounds);
    printf("  %-52s %9s %8s\n", "path", "ns/call", "x Invoke");
    path_row("direct vtable call (early binding)", r->direct, r->invoke, "");
    path_row("IDispatch::Invoke, DISPID resolved once", r->invoke, r->invoke, "(reference)");
    snprintf(note, sizeof(note), "(%lld vtable calls)", r->vt_calls);
    path_row("comstress layer, cache type, vtable plan", r->type_vt, r->invoke, note);
    snprintf(note, sizeof(note), "(%lld Invoke calls)", r->inv_calls);
    path_row("comstress layer, cache type, Invoke plan", r->type_inv, r->invoke, note);
    path_row("  the same through a refcount-ledger wrapper", r->ledger, r->invoke, "");
    path_row("comstress layer, cache instance", r->inst, r->invoke, "(one object, called again)");
    path_row("comstress layer, cache none", r->none, r->invoke, "(calls / 8 per round)");
    if (r->vbs > 0) {
        snprintf(note, sizeof(note), "(%ld loop iterations, median of %d pairs)", o->vbs_iterations, r->vbs_rounds);
        path_row("VBScript (cscript), empty loop subtracted", r->vbs, r->invoke, note);
    } else {
        printf("  %-52s %9s\n", "VBScript (cscript)", o->skip_vbs ? "skipped" : "failed to run");
    }
}

/* The heap child's command line; 2 when it is malformed. */
static int heap_child_main(int argc, char **argv)
{
    long threads, size, pairs;

    if (argc != 6 || !parse_long("--heap-child", argv[2], 1, SCALE_MAX_THREADS, &threads)
        || (strcmp(argv[3], "default") && strcmp(argv[3], "lfh"))
        || !parse_long("PAIRS", argv[4], 1, 2000000000, &pairs) || !parse_long("SIZE", argv[5], 1, 1 << 20, &size)) {
        fprintf(stderr, "bench: usage: --heap-child THREADS default|lfh PAIRS SIZE\n");
        return 2;
    }
    return bench_heap_child((int)threads, argv[3], pairs, size);
}

/* The trace child's command line; 2 when it is malformed. */
static int trace_child_main(int argc, char **argv)
{
    double seconds;

    if (argc != 4 || (strcmp(argv[2], "never") && strcmp(argv[2], "during") && strcmp(argv[2], "after"))
        || !parse_seconds("--trace-child", argv[3], &seconds)) {
        fprintf(stderr, "bench: usage: --trace-child never|during|after SECONDS\n");
        return 2;
    }
    return bench_trace_child(!strcmp(argv[2], "never") ? BENCH_TRACE_NEVER
                             : !strcmp(argv[2], "during") ? BENCH_TRACE_DURING : BENCH_TRACE_AFTER, seconds);
}

/* The sampler's share and tracing targets; returns how many were missed. */
static int instrument_targets(const bench_opts *o, const bench_share_results *sh, const bench_trace_results *tr)
{
    int missed = 0;

    if (!o->skip_leak) {
        if (sh->every.runs)
            printf("  %-52s %8.3f   (information: a heap walk at every sample)\n",
                   "leaking run: sampling_seconds / seconds, every", sh->every.share);
        else
            printf("  %-52s %8s   (information: not measured)\n", "leaking run: sampling_seconds / seconds, every", "-");
        missed += target_row("leaking run: sampling_seconds / seconds, default", sh->dflt.runs ? sh->dflt.share : 0,
                             "<=", 0.10);
    }
    if (!o->skip_trace) {
        missed += target_row("trace, Echo run: time per call, --trace / without", tr->echo.ratio, "<=", 2.0);
        printf("  %-52s %8.2f   (information: the call itself allocates nothing)\n",
               "trace, Add(1) run: time per call, --trace / without", tr->add.ratio);
        printf("  %-52s %8.2f   (information: the hooks and the stack walk on every allocation)\n",
               "trace, Echo in process: while traced / never", tr->r_during);
        missed += target_row("trace off, Echo in process: after stop / never", tr->r_after, "<=", 1.03);
    }
    return missed;
}

/* x2 of workload w in heap mode h from the fastest round of each thread
 * count, or 0. */
static double fastest_x2(const bench_scale_results *r, int w, int h)
{
    return r->rounds && r->best[w][h][0] > 0 ? r->best[w][h][1] / r->best[w][h][0] : 0;
}

/*
 * The scaling targets; returns how many were missed. They are judged on
 * each configuration's fastest round: a run on this machine goes at one
 * of two speeds (calls-same on one thread: about 10 or about 17 M calls/s
 * from one run to the next, the same build, nothing else running), and a
 * per-round ratio that pairs a slow run with a fast one reads 1.1 or 3.5
 * for the same harness. The fastest rounds compare runs at the same speed.
 * The medians of the per-round ratios are printed too, for information.
 */
static int scaling_targets(const bench_scale_results *r)
{
    static const char *const heap[SCALE_NHEAPS] = { "default heap", "lfh heap" };
    char what[96];
    int h, missed = 0;
    double rel, create, alone;

    for (h = 0; h < SCALE_NHEAPS; h++) {
        snprintf(what, sizeof(what), "(a) calls-same, 2 threads / 1, fastest (%s)", heap[h]);
        missed += target_row(what, fastest_x2(r, SCALE_SAME, h), ">=", 1.70);
        snprintf(what, sizeof(what), "(a) the same, median of the rounds (%s)", heap[h]);
        printf("  %-52s %8.2f   (information)\n", what, r->rounds ? r->ratio[SCALE_SAME][h][1] : 0);
    }
    for (h = 0; h < SCALE_NHEAPS; h++) {
        create = fastest_x2(r, SCALE_CREATE, h);
        alone = fastest_x2(r, SCALE_HEAP, h);
        snprintf(what, sizeof(what), "(b) create / heap x2 = %.2f / %.2f, fastest (%s)", create, alone,
                 h ? "lfh" : "default");
        missed += target_row(what, alone > 0 ? create / alone : 0, ">=", 0.90);
        rel = r->rounds && r->ratio[SCALE_HEAP][h][1] > 0
              ? r->ratio[SCALE_CREATE][h][1] / r->ratio[SCALE_HEAP][h][1] : 0;
        snprintf(what, sizeof(what), "(b) the same, medians %.2f / %.2f (%s)", r->ratio[SCALE_CREATE][h][1],
                 r->ratio[SCALE_HEAP][h][1], h ? "lfh" : "default");
        printf("  %-52s %8.2f   (information)\n", what, rel);
    }
    return missed;
}

int main(int argc, char **argv)
{
    bench_call_results cr;
    bench_run_pair led, smp;
    bench_share_results sh;
    bench_trace_results tr;
    bench_scale_results sc;
    bench_explore_results ex;
    bench_opts o;
    int rc, missed = 0;

    if (argc > 1 && !strcmp(argv[1], "--heap-child"))
        return heap_child_main(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "--trace-child"))
        return trace_child_main(argc, argv);
    if (!parse_args(argc, argv, &o))
        return 2;
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if ((rc = bench_calls(&o, &cr)))
        return rc;
    memset(&led, 0, sizeof(led));
    memset(&smp, 0, sizeof(smp));
    CreateDirectoryA(o.out_dir, NULL);
    if (!o.skip_runs) {
        bench_ledger(&o, &led);
        bench_sampling(&o, &smp);
    }
    if (!o.skip_leak)
        bench_share(&o, &sh);
    if (!o.skip_trace)
        bench_trace(&o, &tr);
    if (!o.skip_scaling)
        bench_scaling(&o, &sc);
    bench_explore(&o, &ex);
    printf("comstress bench\n");
    print_calls(&o, &cr);
    if (!o.skip_runs) {
        bench_print_pair("ledger overhead", "without --ledger", "with --ledger", &led);
        bench_print_pair("sampling overhead", "sampling off (baseline+end)", "default sampling interval", &smp);
        printf("  (%ld iterations per run, reports under %s)\n", o.run_iterations, o.out_dir);
    }
    if (!o.skip_leak)
        bench_print_share(&o, &sh);
    if (!o.skip_trace)
        bench_print_trace(&o, &tr);
    if (!o.skip_scaling)
        bench_print_scaling(&o, &sc);
    bench_print_explore(&ex);
    printf("\ntargets%53s   %8s   %s\n", "measured", "target", "verdict");
    missed += target_row("type, vtable plan: x raw Invoke", cr.r_type_vt, "<=", 0.15);
    missed += target_row("type, Invoke plan: x raw Invoke", cr.r_type_inv, "<=", 1.03);
    missed += target_row("instance, one object called again: x raw Invoke", cr.r_inst, "<=", 1.10);
    missed += target_row("VBScript / type (vtable plan)", o.skip_vbs ? -1 : cr.r_vbs_type, ">=", 4.0);
    printf("  %-52s %8.2f   (information: the ledger wrapper alone, same plan)\n",
           "ledger, in process, Invoke plan: with / without", cr.r_ledger);
    if (!o.skip_runs) {
        missed += target_row("ledger (run, Invoke plan both): with / without", led.ratio, "<=", 1.15);
        missed += target_row("sampling: time per call, default / off", smp.ratio, "<=", 1.05);
    }
    missed += instrument_targets(&o, &sh, &tr);
    if (!o.skip_scaling)
        missed += scaling_targets(&sc);
    missed += target_row("explore, reference Target at depth 1: seconds", ex.rounds ? ex.seconds : 0, "<=", 30.0);
    CoUninitialize();
    return missed ? 1 : 0;
}
