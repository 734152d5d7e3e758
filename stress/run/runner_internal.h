/*
 * Internals of the run loop shared by runner.c (the run: threads, the
 * start line, sampling, the STA sink, results) and worker.c (a worker:
 * its set-up, its iterations through the script executor, its teardown).
 */
#ifndef CS_RUNNER_INTERNAL_H
#define CS_RUNNER_INTERNAL_H

#include "runner.h"
#include "lb.h"
#include "schedule.h"

/* A cache line: what one thread writes on every iteration lives on a line
 * of its own, so two workers never write the same line (false sharing
 * would make every iteration of one wait for the other's). */
#define RS_LINE 64

/*
 * One worker's counters, written by that worker alone with plain stores
 * (an aligned 64-bit store is atomic on x86-64) and read by anyone: the
 * run's totals are sums over the slots, exact once the workers stop.
 */
typedef struct rs_slot {
    volatile LONG64 done;        /* iterations completed */
    volatile LONG64 calls;       /* calls its statements made */
    long long countdown;         /* iterations until it next looks at the
                                  * run's totals (sampling, spy mark) */
    double loop_end_s;           /* when its last iteration ended (run time) */
} __attribute__((aligned(RS_LINE))) rs_slot;

/* State shared by the workers and the sampling thread of one run: what
 * workers read on every iteration (cfg, stop) apart from what the sampler
 * writes; each worker's own counters in slots[]. Allocated aligned to a
 * cache line (rs_shared_new). */
typedef struct run_shared {
    const cs_run_config *cfg;
    volatile LONG stop;          /* set on the first error */
    int nthreads;
    unsigned char pad_read[RS_LINE];
    CRITICAL_SECTION lock;       /* guards err, stats and sample writing */
    char err[512];
    cs_status status;            /* how the run ends (the first error's) */
    lb_stats stats;              /* summed by workers when they end */
    LONG64 next_sample;          /* next multiple of sample_every to sample */
    LARGE_INTEGER t0, freq;
    size_t samples;
    double sampling_s;           /* time spent taking samples */
    double light_s;              /* of which not in their costly parts, after the baseline */
    cs_schedule walk_plan;       /* the sampler's costly parts: when */
    cs_schedule counter_plan;    /* they are taken (schedule.h) and */
    cs_part_budget walks;        /* what they took */
    cs_part_budget counters;
    long long last_sampled;      /* the iteration of the last sample */
    double go_s, go_sampling_s;  /* the start line: when, and the sampling
                                  * time so far (the baseline's) */
    double loop_s;               /* from the start line to the end of the
                                  * last worker's last iteration, without the
                                  * samples taken in between */
    long long every;             /* current interval (adapts) */
    long long warmup;            /* the warm-up's end, iterations: the plan's,
                                  * or for a soak the iteration at a tenth of
                                  * its time (marked by the watch) */
    long rows;                   /* rows of this run in samples.csv now */
    int thin_failed;             /* the row budget could not be kept */
    double last_heap;            /* the latest heap figure, NaN: none yet */
    double last_progress_s;      /* when the last progress line went, <0: none */
    int terminal, drawn;         /* progress on a terminal; a line is drawn */
    lb_dispatcher *live[CS_MAX_THREADS]; /* per-thread dispatchers, for cache figures */
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
    rs_slot slots[CS_MAX_THREADS];
} run_shared;

typedef struct worker {
    run_shared *sh;
    int index;
    long long iterations;
} worker;

/* Seconds since the run started. */
double rs_elapsed(run_shared *sh);

/* Records the first error of the run and asks every thread to stop. */
void rs_fail(run_shared *sh, cs_status status, const char *msg);

/* Iterations completed and calls made by every worker so far (sums over
 * the slots; exact once the workers have stopped). */
long long rs_done(run_shared *sh);
long long rs_calls(run_shared *sh);

/*
 * Called by worker slot when its countdown has run out: takes the malloc
 * spy's mark once the warm-up is done, samples when the run has crossed
 * the next sampling point, and sets the countdown to the iterations this
 * worker may do before the next of those can be due (at least 1). With
 * one worker both happen at the exact iteration; with T, a checkpoint is
 * at most a few iterations late.
 */
void rs_checkpoint(run_shared *sh, rs_slot *slot);

/*
 * The run's watch, on the run's own thread while the workers iterate
 * (watch.c): waits for the t workers th[], and every tick (a tenth of a
 * second) ends a --duration run at its time (the workers stop after their
 * iteration: a normal end), marks a soak's warm-up at a tenth of its time,
 * and writes the progress line when due. Returns 1 when the workers ended,
 * 0 when --timeout passed first (the caller stops the run as hung).
 */
int rs_watch(run_shared *sh, HANDLE *th, int t);

/* After a row of this run went to samples.csv: past the plan's row budget
 * (a soak), thins the run's rows to half (cs_csv_thin) and doubles the
 * sampling interval, so the rows stay within the budget, evenly spread.
 * Caller holds sh->lock. */
void rs_row_written(run_shared *sh);

/* A row samples.csv could not take (a full disk): ends the run as one that
 * could not write; the rows on disk stay for `report DIR`. */
void rs_row_lost(run_shared *sh, long long iteration);

/* Where a sample at iteration, taken at now_s, stands on the heap walks'
 * and counters' grid: the iteration, or for a soak the milliseconds since
 * the start line (its grid is laid over its time); 0 for the baseline. */
long long rs_grid_position(run_shared *sh, long long iteration, double now_s);

/* The loop's time into sh->loop_s: from the start line to the end of the
 * last worker's last iteration, the samples taken in between left out
 * (watch.c). */
void rs_loop_time(run_shared *sh);

/* Creates one instance of the target as IDispatch: through the kept
 * factory cf, else as the target makes one (CoCreateInstance, or --dll's
 * factory). */
HRESULT rs_create_obj(const cs_run_config *cfg, IClassFactory *cf, IDispatch **out);

/* A worker thread (arg: its worker): its own apartment, set-up, the start
 * line, its iterations, its teardown (worker.c). */
DWORD WINAPI rs_worker_main(void *arg);

#endif
