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

typedef struct bench_opts {
    long calls;              /* calls per path per round (in-process) */
    int rounds;              /* rounds of the in-process paths */
    int vbs_rounds;          /* cscript pairs (with call, empty loop) */
    long vbs_iterations;     /* loop iterations of each cscript run */
    long run_iterations;     /* iterations of each comstress child run */
    int run_rounds;          /* child-run pairs per comparison */
    long scale_iterations;   /* create/call/release iterations per scaling run */
    int scale_rounds;        /* rounds of the scaling configurations */
    BOOL skip_vbs, skip_runs, skip_scaling;
    char comstress[MAX_PATH];  /* the comstress.exe the child runs use */
    char out_dir[MAX_PATH];    /* where child runs write their reports */
} bench_opts;

/* Per-call results (nanoseconds per call, medians over the rounds). */
typedef struct bench_call_results {
    double direct, invoke, type_vt, type_inv, ledger, inst, none, vbs;
    double r_type_vt, r_type_inv, r_vbs_type;   /* median per-round ratios */
    double r_inst;                              /* instance, one object called again / Invoke */
    double r_ledger;                            /* ledger / type_inv: same plan */
    long long vt_calls, inv_calls;              /* plan counters of the type paths */
    int rounds, vbs_rounds;
} bench_call_results;

/* One comparison of comstress child runs, A (baseline) against B. */
typedef struct bench_run_pair {
    double cps_a, cps_b;           /* median calls per second */
    double ratio;                  /* median per-round time ratio B / A */
    double samples_a, samples_b;   /* samples each run took (median) */
    int rounds;                    /* pairs that completed */
    char error[256];               /* empty when every run worked */
} bench_run_pair;

/* The scaling bench: workloads, heap modes, thread counts (1, 2, 4). */
enum { SCALE_SAME, SCALE_CREATE, SCALE_HEAP, SCALE_NWORK };
#define SCALE_NHEAPS 2            /* default, lfh */
#define SCALE_NTHREADS 3
#define SCALE_MAX_THREADS 4
#define SCALE_SAME_FACTOR 10      /* calls-same runs this many times the iterations */
#define SCALE_HEAP_FACTOR 10      /* heap children this many pairs */

typedef struct bench_scale_results {
    double ops[SCALE_NWORK][SCALE_NHEAPS][SCALE_NTHREADS];    /* median calls (pairs) per second */
    double ratio[SCALE_NWORK][SCALE_NHEAPS][SCALE_NTHREADS];  /* median per-round ratio to 1 thread */
    long object_size;             /* the reference object's heap block, bytes */
    int rounds;                   /* rounds that completed */
    char error[256];              /* empty when every run worked */
} bench_scale_results;

/* Seconds since an arbitrary origin (QueryPerformanceCounter). */
double bench_now(void);

/* The median of v[0..n-1] (reorders v); 0 when n is 0. */
double bench_median(double *v, int n);

/* The in-process per-call paths and VBScript; returns 0, or 3 when the
 * reference server is not registered (message printed). */
int bench_calls(const bench_opts *o, bench_call_results *r);

/* Ledger overhead: plain run (A) against --ledger (B). */
void bench_ledger(const bench_opts *o, bench_run_pair *p);

/* Sampling overhead: sampling effectively off (A) against the default
 * interval (B). */
void bench_sampling(const bench_opts *o, bench_run_pair *p);

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

#endif
