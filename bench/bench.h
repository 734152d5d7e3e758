/*
 * The side-by-side benchmarks: shared options, timing and result shapes.
 * Every figure is measured interleaved (one chunk of each path per round,
 * ABAB...) so machine load hits all paths alike; ratios are the median of
 * the per-round ratios.
 */
#ifndef CS_BENCH_H
#define CS_BENCH_H

#include <windows.h>

#define BENCH_MAX_ROUNDS 1001  /* rounds of any comparison */
#define BENCH_MAX_CHUNKS 101   /* chunks of each in-process path per round */

typedef struct bench_opts {
    long calls;              /* calls per chunk of an in-process path */
    int chunks;              /* chunks of each path per round, alternating */
    int rounds;              /* rounds of the in-process paths, in all */
    int call_processes;      /* child processes sharing those rounds (0: this one) */
    int vbs_rounds;          /* cscript pairs (with call, empty loop) */
    long vbs_iterations;     /* loop iterations of each cscript run */
    long run_iterations;     /* iterations of each comstress child run */
    int run_rounds;          /* child-run pairs per comparison */
    long scale_iterations;   /* create/call/release iterations per scaling run */
    int scale_rounds;        /* rounds of the scaling configurations */
    long leak_iterations;    /* iterations of each leaking run (sampler's share) */
    int leak_rounds;         /* leaking-run pairs (--heap-walk every, default) */
    long trace_iterations;   /* iterations of each run with and without --trace */
    int trace_rounds;        /* pairs of each tracing comparison */
    double trace_seconds;    /* measuring time of each in-process tracing child */
    BOOL skip_vbs, skip_runs, skip_scaling, skip_leak, skip_trace;
    char comstress[MAX_PATH];  /* the comstress.exe the child runs use */
    char out_dir[MAX_PATH];    /* where child runs write their reports */
} bench_opts;

/* A figure judged on rounds: the median of the per-round values (each a
 * ratio of the two sides measured next to each other in that round) and
 * their spread, the smallest and the largest; n 0 when nothing was
 * measured. */
typedef struct bench_ratio {
    double median, lo, hi;
    int n;
} bench_ratio;

/* Per-call results (nanoseconds per call, medians over the rounds). */
typedef struct bench_call_results {
    double direct, invoke, type_vt, type_inv, ledger, inst, none, naive, vbs;
    bench_ratio r_type_vt, r_vt_direct;         /* vtable plan / raw Invoke, / the direct call */
    bench_ratio r_type_inv, r_inst;             /* Invoke plan, instance (one object called again) / raw Invoke */
    bench_ratio r_ledger;                       /* ledger / type_inv: same plan */
    bench_ratio r_none, r_naive, r_none_naive;  /* none, naive client / raw Invoke; none / naive */
    bench_ratio r_vbs_type;                     /* VBScript / type (vtable plan), per cscript pair */
    long long vt_calls, inv_calls;              /* plan counters of the type paths */
    long long none_getids;                      /* GetIDsOfNames the none path asked for */
    long none_calls;                            /* calls the none path made */
    int rounds, vbs_rounds;
    int processes;                              /* processes the rounds ran in */
    char error[256];                            /* empty when every child worked */
} bench_call_results;

/* One comparison of comstress child runs, A (baseline) against B. */
typedef struct bench_run_pair {
    char calls[128];               /* the runs' --call options */
    int ncalls;                    /* calls per iteration */
    long iterations;               /* iterations of each run */
    double cps_a, cps_b;           /* median calls per second */
    bench_ratio ratio;             /* per-round time ratio B / A */
    double samples_a, samples_b;   /* samples each run took (median) */
    int rounds;                    /* pairs that completed */
    char error[256];               /* empty when every run worked */
} bench_run_pair;

/* One side of the sampler's share on a leaking run (medians). */
typedef struct bench_share_side {
    bench_ratio share;             /* sampling_seconds / seconds, per run */
    double cps;                    /* calls per second, wall-clock (sampler included) */
    double samples;                /* samples taken */
    double heap_walks;             /* heap walks; -1 when run.json has no such field */
    int exact;                     /* runs whose heap verdict was the leak's exact +24.00 */
    int runs;                      /* runs that completed */
    char error[256];               /* empty when every run worked */
} bench_share_side;

/* The sampler's share: --heap-walk every (a HeapWalk at every sample)
 * against the default. */
typedef struct bench_share_results {
    bench_share_side every, dflt;
} bench_share_results;

/* Tracing overhead: `comstress run` with and without --trace (A without,
 * B with), and the in-process children (tracer linked in, never started,
 * against started and stopped again). */
typedef struct bench_trace_results {
    bench_run_pair echo, add;
    double never_cps, during_cps, after_cps; /* median Echo calls per second of the children */
    bench_ratio r_after;           /* per-round ratio never / after (time after stop / never) */
    bench_ratio r_during;          /* per-round ratio never / during (time traced / never) */
    int child_rounds;              /* child pairs that completed */
    char child_error[256];         /* empty when every child worked */
} bench_trace_results;

/* The scaling bench: workloads, heap modes, thread counts (1, 2, 4). */
enum { SCALE_SAME, SCALE_CREATE, SCALE_HEAP, SCALE_NWORK };
#define SCALE_NHEAPS 2            /* default, lfh */
#define SCALE_NTHREADS 3
#define SCALE_MAX_THREADS 4
#define SCALE_SAME_FACTOR 10      /* calls-same runs this many times the iterations */
#define SCALE_HEAP_FACTOR 10      /* heap children this many pairs */

typedef struct bench_scale_results {
    double ops[SCALE_NWORK][SCALE_NHEAPS][SCALE_NTHREADS];    /* median calls (pairs) per second */
    bench_ratio ratio[SCALE_NWORK][SCALE_NHEAPS][SCALE_NTHREADS];  /* per-round ratio to 1 thread */
    bench_ratio rel_x2[SCALE_NHEAPS];  /* per round: (b)'s x2 / the heap's x2 in that round */
    long object_size;             /* the reference object's heap block, bytes */
    int rounds;                   /* rounds that completed */
    char error[256];              /* empty when every run worked */
} bench_scale_results;

/* Seconds since an arbitrary origin (QueryPerformanceCounter). */
double bench_now(void);

/* The median of v[0..n-1] (reorders v); 0 when n is 0. */
double bench_median(double *v, int n);

/* The median and spread of v[0..n-1] (reorders v); all 0 when n is 0. */
bench_ratio bench_ratio_of(double *v, int n);

/* A target's verdict: PASS when the median meets it; "noisy" when it does
 * not but the spread straddles it (some rounds met it); MISS when no
 * round met it, or nothing was measured. */
typedef enum bench_verdict { BENCH_PASS, BENCH_NOISY, BENCH_MISS } bench_verdict;
bench_verdict bench_judge(const bench_ratio *r, BOOL at_most, double target);

/* How the targets of a run went. */
typedef struct bench_tally {
    int pass, noisy, miss, skipped;
} bench_tally;

/* One target row: the median, the spread beside it, the target, the
 * verdict (op "<=" or ">="); r NULL: skipped on request. */
void bench_target(bench_tally *t, const char *what, const bench_ratio *r, const char *op, double target);

/* One information row: the median and the spread, and a note. */
void bench_info(const char *what, const bench_ratio *r, const char *note);

/* The in-process per-call paths and VBScript; returns 0, or 3 when the
 * reference server is not registered (message printed). */
int bench_calls(const bench_opts *o, bench_call_results *r);

/* The calls child (comstress_bench --calls-child --rounds R --calls N
 * --chunks K): the in-process paths' rounds, each printed as a line
 * "ns" and every path's ns per call, then "counts" and the plan
 * counters. Returns the exit code. */
int bench_calls_child(const bench_opts *o);

/* Ledger overhead: plain run (A) against --ledger (B). */
void bench_ledger(const bench_opts *o, bench_run_pair *p);

/* Sampling overhead: sampling effectively off (A) against the default
 * interval (B). */
void bench_sampling(const bench_opts *o, bench_run_pair *p);

/* Alternates runs of p->calls, p->iterations with extra_a (A) and extra_b
 * (B), the order swapped every pair, `rounds` pairs or until one fails
 * (p->error then names it); fills p's medians. Time per call is from
 * run.json's wall-clock seconds, the sampler's own time included. */
void bench_run_pairs(const bench_opts *o, const char *name, const char *extra_a, const char *extra_b,
                     int rounds, bench_run_pair *p);
void bench_print_pair(const char *what, const char *a, const char *b, const bench_run_pair *p);

/* The sampler's share on a leaking run (bench_share.c). */
void bench_share(const bench_opts *o, bench_share_results *r);
void bench_print_share(const bench_opts *o, const bench_share_results *r);

/* Tracing overhead (bench_trace.c). */
void bench_trace(const bench_opts *o, bench_trace_results *r);
void bench_print_trace(const bench_opts *o, const bench_trace_results *r);

/* The tracing child (comstress_bench --trace-child never|during|after
 * SECONDS): one reference object, Echo("x") through IDispatch::Invoke;
 * after a warm-up (untraced for never; traced for during, which stays
 * traced while it measures; traced and stopped again for after) prints
 * "calls_per_second": N of its fastest batch within SECONDS. Returns the
 * exit code. */
typedef enum bench_trace_mode { BENCH_TRACE_NEVER, BENCH_TRACE_DURING, BENCH_TRACE_AFTER } bench_trace_mode;
int bench_trace_child(bench_trace_mode mode, double seconds);

/* Runs this program again with args (a two-minute limit) and reads the
 * number after "key": in its output; FALSE with err naming the command
 * and its output when it fails or prints no such number. */
BOOL bench_self_child(const char *args, const char *key, double *out, char *err, size_t errlen);

/* The scaling bench (bench_scaling.c): every configuration once per
 * round, o->scale_rounds rounds. */
void bench_scaling(const bench_opts *o, bench_scale_results *r);
void bench_print_scaling(const bench_opts *o, const bench_scale_results *r);

/* The heap child (comstress_bench --heap-child T MODE PAIRS SIZE): PAIRS
 * HeapAlloc/HeapFree pairs of SIZE bytes split between T threads, the
 * process heap in MODE (default, lfh); prints "pairs_per_second": N.
 * Returns the exit code. */
int bench_heap_child(int threads, const char *mode, long long pairs, long size);

/* Runs `comstress run --fail-on none ARGS --out OUT_DIR\TAG` (stdout
 * discarded, a two-minute limit) and returns its run.json text (free it);
 * NULL with err naming the run when it fails to start, ends with a
 * non-zero code, times out or writes no run.json. */
char *bench_child_run(const bench_opts *o, const char *tag, const char *args, char *err, size_t errlen);

/* Pure: the number after "key": in json text, searched from the first
 * occurrence of after (NULL: from the start). FALSE when absent. */
BOOL bench_json_number(const char *json, const char *after, const char *key, double *out);

/* explore of the reference Target at depth 1, whole (bench_explore.c). */
#define BENCH_EXPLORE_ROUNDS 3
typedef struct bench_explore_results {
    double seconds;                /* median of the rounds, the whole map */
    double members_per_second;     /* members called / seconds */
    int members;                   /* members called (not skipped) */
    int rounds;                    /* rounds that completed */
    char error[256];               /* empty when every round worked */
} bench_explore_results;

void bench_explore(const bench_opts *o, bench_explore_results *r);
void bench_print_explore(const bench_explore_results *r);

#endif
