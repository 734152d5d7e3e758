/*
 * comstress_bench: every benchmark side by side in one run, one table,
 * each target judged on the median of its per-round ratios, the spread
 * (smallest-largest round) beside it: PASS, "noisy" (the median misses,
 * some rounds met it) or MISS (bench_verdict.c).
 *
 * Usage: comstress_bench [--calls N] [--chunks K] [--rounds R] [--call-processes P] [--vbs-rounds R]
 *                        [--vbs-iterations N] [--run-iterations N] [--run-rounds R]
 *                        [--scale-iterations N] [--scale-rounds R]
 *                        [--leak-iterations N] [--leak-rounds R]
 *                        [--trace-iterations N] [--trace-rounds R] [--trace-seconds S]
 *                        [--comstress PATH] [--out DIR] [--no-vbs] [--no-runs]
 *                        [--no-scaling] [--no-leak] [--no-trace]
 *        comstress_bench --calls-child [--rounds R] [--calls N] [--chunks K]
 *                        (the in-process call paths, run as a child)
 *        comstress_bench --heap-child THREADS default|lfh PAIRS SIZE
 *                        (the scaling bench's heap baseline, run as a child)
 *        comstress_bench --trace-child never|during|after SECONDS
 *                        (the in-process tracing comparison, run as a child)
 * Needs the reference server registered (scripts/bench.sh does it).
 * Exit: 0 every target PASS, 1 a target noisy or missed, 2 bad command line,
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
    /* Short chunks, alternating, many to a round: on a loaded two-core
     * machine a chunk of a quarter millisecond is rarely preempted, so a
     * round's figure for a path (the median of its 19 chunks) is the call
     * and not a neighbour; 21 such rounds give the spread from one moment
     * of the machine to the next (401 single-chunk rounds had a spread of
     * 0.001 to 100 from preempted chunks alone). */
    o->calls = 1000;
    o->chunks = 19;
    o->rounds = 21;
    /* Each process is one draw of where the heap and the stack put the
     * layer's data relative to the target's: a repeated Invoke measured
     * 1.01 or 1.07 times a raw Invoke from one process to the next, the
     * same build, so the rounds are shared between processes. */
    o->call_processes = 7;
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
        else if (!strcmp(a, "--chunks")) { if (!parse_long(a, val, 1, BENCH_MAX_CHUNKS, &v)) return FALSE; o->chunks = (int)v; }
        else if (!strcmp(a, "--call-processes")) { if (!parse_long(a, val, 0, BENCH_MAX_ROUNDS, &v)) return FALSE; o->call_processes = (int)v; }
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

static void path_row(const char *what, double ns, double invoke, const char *note)
{
    printf("  %-52s %9.1f %8.2f  %s\n", what, ns, invoke > 0 ? ns / invoke : 0, note);
}

static void print_calls(const bench_opts *o, const bench_call_results *r)
{
    char note[96];

    printf("\ncost of one late-bound call to Add(1): %d rounds in %d processes, each round %d chunks of %ld\n"
           "calls per path interleaved (the order reversed every other chunk); a path's figure in a round is\n"
           "the median of its chunks; ns/call: median over the rounds; ratios: medians of the per-round ratios\n\n",
           r->rounds, r->processes, o->chunks, o->calls);
    if (r->error[0])
        printf("  error: %s\n", r->error);
    printf("  %-52s %9s %8s\n", "path", "ns/call", "x Invoke");
    path_row("direct vtable call (early binding)", r->direct, r->invoke, "");
    path_row("IDispatch::Invoke, DISPID resolved once", r->invoke, r->invoke, "(reference)");
    snprintf(note, sizeof(note), "(%lld vtable calls)", r->vt_calls);
    path_row("comstress layer, cache type, vtable plan", r->type_vt, r->invoke, note);
    snprintf(note, sizeof(note), "(%lld Invoke calls)", r->inv_calls);
    path_row("comstress layer, cache type, Invoke plan", r->type_inv, r->invoke, note);
    path_row("  the same through a refcount-ledger wrapper", r->ledger, r->invoke, "");
    path_row("comstress layer, cache instance", r->inst, r->invoke, "(one object, called again)");
    snprintf(note, sizeof(note), "(calls / 8 per chunk; %lld GetIDsOfNames in %ld calls)", r->none_getids,
             r->none_calls);
    path_row("comstress layer, cache none", r->none, r->invoke, note);
    path_row("naive client: GetIDsOfNames + Invoke every call", r->naive, r->invoke, "(calls / 8 per chunk)");
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

/* The in-process call targets. */
static void call_targets(const bench_opts *o, const bench_call_results *cr, bench_tally *t)
{
    bench_target(t, "type, vtable plan: x raw Invoke", &cr->r_type_vt, "<=", 0.08);
    bench_target(t, "type, vtable plan: x the direct vtable call", &cr->r_vt_direct, "<=", 2.0);
    bench_target(t, "type, Invoke plan: x raw Invoke", &cr->r_type_inv, "<=", 1.03);
    bench_target(t, "instance, one object called again: x raw Invoke", &cr->r_inst, "<=", 1.10);
    bench_target(t, "none: x raw Invoke", &cr->r_none, "<=", 2.5);
    bench_info("naive client (GetIDsOfNames + Invoke): x raw Invoke", &cr->r_naive, "what users write instead");
    bench_info("none / naive client", &cr->r_none_naive, "the layer's own cost without a cache");
    bench_target(t, "VBScript / type (vtable plan)", o->skip_vbs ? NULL : &cr->r_vbs_type, ">=", 4.0);
    bench_info("ledger, in process, Invoke plan: with / without", &cr->r_ledger, "the ledger wrapper alone, same plan");
}

/* The sampler's share and tracing targets. */
static void instrument_targets(const bench_opts *o, const bench_share_results *sh, const bench_trace_results *tr,
                               bench_tally *t)
{
    if (!o->skip_leak) {
        bench_info("leaking run: sampling_seconds / seconds, every", &sh->every.share, "a heap walk at every sample");
        bench_target(t, "leaking run: sampling_seconds / seconds, default", &sh->dflt.share, "<=", 0.10);
    }
    if (!o->skip_trace) {
        bench_target(t, "trace, Echo run: time per call, --trace / without", &tr->echo.ratio, "<=", 2.0);
        bench_info("trace, Add(1) run: time per call, --trace / without", &tr->add.ratio,
                   "the call itself allocates nothing");
        bench_info("trace, Echo in process: while traced / never", &tr->r_during,
                   "the hooks and the stack walk on every allocation");
        bench_target(t, "trace off, Echo in process: after stop / never", &tr->r_after, "<=", 1.03);
    }
}

/*
 * The scaling targets, on the medians of the per-round ratios like every
 * other: (a) x2, and (b)'s x2 over the heap's x2 of the same round. This
 * machine runs at one of two speeds from one run to the next, so a round
 * that pairs a slow run with a fast one reads far off; the spread shows
 * it, and a median that misses while some rounds met says "noisy".
 */
static void scaling_targets(const bench_scale_results *r, bench_tally *t)
{
    static const char *const heap[SCALE_NHEAPS] = { "default", "lfh" };
    char what[96];
    int h;

    for (h = 0; h < SCALE_NHEAPS; h++) {
        snprintf(what, sizeof(what), "(a) calls-same, 2 threads / 1 (%s heap)", heap[h]);
        bench_target(t, what, &r->ratio[SCALE_SAME][h][1], ">=", 1.70);
    }
    for (h = 0; h < SCALE_NHEAPS; h++) {
        snprintf(what, sizeof(what), "(b) create x2 / the heap's x2 (%s heap)", heap[h]);
        bench_target(t, what, &r->rel_x2[h], ">=", 0.90);
    }
}

int main(int argc, char **argv)
{
    bench_call_results cr;
    bench_run_pair led, smp;
    bench_share_results sh;
    bench_trace_results tr;
    bench_scale_results sc;
    bench_tally t = { 0, 0, 0, 0 };
    bench_explore_results ex;
    bench_opts o;
    int rc;

    if (argc > 1 && !strcmp(argv[1], "--heap-child"))
        return heap_child_main(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "--trace-child"))
        return trace_child_main(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "--calls-child")) {
        if (!parse_args(argc - 1, argv + 1, &o))
            return 2;
        CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
        rc = bench_calls_child(&o);
        CoUninitialize();
        return rc;
    }
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
    printf("\ntargets: medians of the per-round ratios, spread: smallest-largest round\n");
    printf("  %-52s %8s %15s   %8s   %s\n", "", "median", "spread", "target", "verdict");
    call_targets(&o, &cr, &t);
    if (!o.skip_runs) {
        bench_target(&t, "ledger (run, Invoke plan both): with / without", &led.ratio, "<=", 1.15);
        bench_target(&t, "sampling: time per call, default / off", &smp.ratio, "<=", 1.05);
    }
    instrument_targets(&o, &sh, &tr, &t);
    if (!o.skip_scaling)
        scaling_targets(&sc, &t);
    {
        /* the map's time: the median of its rounds (no spread kept) */
        bench_ratio map = { ex.seconds, ex.seconds, ex.seconds, ex.rounds };
        bench_target(&t, "explore, reference Target at depth 1: seconds", ex.rounds ? &map : NULL, "<=", 30.0);
    }
    printf("  %d PASS, %d noisy, %d MISS, %d skipped\n", t.pass, t.noisy, t.miss, t.skipped);
    CoUninitialize();
    return t.noisy || t.miss ? 1 : 0;
}
