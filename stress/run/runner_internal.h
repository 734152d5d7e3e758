/*
 * Internals of the run loop shared by runner.c (the run: threads, the
 * start line, sampling, the STA sink, results) and worker.c (a worker:
 * its set-up, its iterations through the script executor, its teardown).
 */
#ifndef CS_RUNNER_INTERNAL_H
#define CS_RUNNER_INTERNAL_H

#include "runner.h"
#include "lb.h"

/* State shared by the workers and the sampling thread of one run. */
typedef struct run_shared {
    const cs_run_config *cfg;
    volatile LONG64 done;        /* iterations completed, all threads */
    volatile LONG stop;          /* set on the first error */
    volatile LONG64 calls_ok;
    CRITICAL_SECTION lock;       /* guards err, stats and sample writing */
    char err[512];
    int exit_code;
    lb_stats stats;              /* summed by workers when they end */
    LONG64 next_sample;          /* next multiple of sample_every to sample */
    LARGE_INTEGER t0, freq;
    size_t samples;
    double sampling_s;           /* time spent taking samples */
    long long every;             /* current interval (adapts) */
    lb_dispatcher *live[CS_MAX_THREADS]; /* per-thread dispatchers, for cache figures */
    int nthreads;
    int hung;                    /* --timeout expired */
    volatile LONG spy_marked;    /* cfg->extra's spy mark taken */
    unsigned long exception;     /* a call returned an exception code */
    DWORD sink_cookie;           /* GIT cookie of the STA sink, 0: none */
    HANDLE sink_ready, sink_stop, sink_thread;
    HRESULT sink_hr;
    /* The start line: every worker sets up (apartment, factory, sink,
     * dispatcher) before the baseline sample, and none iterates before it
     * is taken, so per-thread set-up is never read as growth. */
    volatile LONG arrived;       /* workers done with their set-up */
    int started;                 /* workers created */
    HANDLE all_arrived, go;
} run_shared;

typedef struct worker {
    run_shared *sh;
    int index;
    long long iterations;
} worker;

/* Records the first error of the run and asks every thread to stop. */
void rs_fail(run_shared *sh, int code, const char *msg);

/* Samples when the run has crossed the next sampling point. */
void rs_maybe_sample(run_shared *sh);

/* Takes the malloc spy's per-site figures once the warm-up is done. */
void rs_maybe_mark_spy(run_shared *sh);

/* Creates one instance of the target as IDispatch: through the kept
 * factory cf, else as the target makes one (CoCreateInstance, or --dll's
 * factory). */
HRESULT rs_create_obj(const cs_run_config *cfg, IClassFactory *cf, IDispatch **out);

/* A worker thread (arg: its worker): its own apartment, set-up, the start
 * line, its iterations, its teardown (worker.c). */
DWORD WINAPI rs_worker_main(void *arg);

#endif
