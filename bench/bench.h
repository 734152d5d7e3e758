/*
 * The side-by-side benchmarks: shared options, timing and result shapes.
 * Every figure is measured interleaved (one chunk of each path per round,
 * ABAB...) so machine load hits all paths alike; ratios are the median of
 * the per-round ratios.
 */
#ifndef CS_BENCH_H
#define CS_BENCH_H

#include <windows.h>

#define BENCH_MAX_ROUNDS 41

typedef struct bench_opts {
    long calls;              /* calls per path per round (in-process) */
    int rounds;              /* rounds of the in-process paths */
    int vbs_rounds;          /* cscript pairs (with call, empty loop) */
    long vbs_iterations;     /* loop iterations of each cscript run */
    long run_iterations;     /* iterations of each comstress child run */
    int run_rounds;          /* child-run pairs per comparison */
    BOOL skip_vbs, skip_runs;
    char comstress[MAX_PATH];  /* the comstress.exe the child runs use */
    char out_dir[MAX_PATH];    /* where child runs write their reports */
} bench_opts;

/* Per-call results (nanoseconds per call, medians over the rounds). */
typedef struct bench_call_results {
    double direct, invoke, type_vt, type_inv, ledger, inst, none, vbs;
    double r_type_vt, r_type_inv, r_vbs_type;   /* median per-round ratios */
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

/* Pure: the number after "key": in json text, searched from the first
 * occurrence of after (NULL: from the start). FALSE when absent. */
BOOL bench_json_number(const char *json, const char *after, const char *key, double *out);

#endif
