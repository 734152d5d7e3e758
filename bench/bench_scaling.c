/*
 * Scaling with worker threads: calls (or heap pairs) per second with 1, 2
 * and 4 threads, each workload with the process heap in its default mode
 * and in its low-fragmentation mode:
 *   (a) calls-same: one object per thread created once, Value read on it
 *       every iteration (the target allocates and writes nothing);
 *   (b) create / Add(1) / release on each new object;
 *   (c) the heap alone: HeapAlloc / HeapFree pairs of the reference
 *       object's size, in a child of this program (a heap's mode cannot
 *       be switched back within a process).
 * (a) and (b) are `comstress run` child processes, harness included, all
 * with the same policy, apartment, activation and sampling (baseline and
 * end samples only); the thread counts of one workload share their
 * iterations, split between the threads. Each round runs every
 * configuration once, the order reversed every other round (the thread
 * counts of one workload and heap mode next to each other); ratios to one
 * thread are medians of the per-round ratios, printed with their spread,
 * and the targets are judged on them.
 */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "comstress.h"

static const int scale_threads[SCALE_NTHREADS] = { 1, 2, 4 };
static const char *const heap_words[SCALE_NHEAPS] = { "default", "lfh" };

/* HeapCompatibilityInformation's value for the low-fragmentation heap. */
#define HEAP_COMPAT_LFH 2

/* The block size of a new reference object: its IStressTarget pointer is
 * the start of its process-heap block (comserver allocates it so), which
 * HeapValidate confirms before HeapSize reads it. 0 when that fails. */
static long object_size(void)
{
    IStressTarget *t;
    SIZE_T n = 0;

    if (FAILED(CoCreateInstance(&CLSID_StressTarget, NULL, CLSCTX_INPROC_SERVER, &IID_IStressTarget,
                                (void **)&t)))
        return 0;
    if (HeapValidate(GetProcessHeap(), 0, t))
        n = HeapSize(GetProcessHeap(), 0, t);
    IStressTarget_Release(t);
    return n == (SIZE_T)-1 ? 0 : (long)n;
}

/* ---- (c) the heap child: `comstress_bench --heap-child T MODE PAIRS SIZE` ---- */

typedef struct heap_worker {
    HANDLE go;
    long long pairs;
    SIZE_T size;
} heap_worker;

static DWORD WINAPI heap_thread(void *arg)
{
    heap_worker *w = arg;
    HANDLE heap = GetProcessHeap();
    long long i;
    void *p;

    WaitForSingleObject(w->go, INFINITE);
    for (i = 0; i < w->pairs; i++) {
        if ((p = HeapAlloc(heap, 0, w->size)))
            *(volatile char *)p = 1;          /* touched, as an object would be */
        HeapFree(heap, 0, p);
    }
    return 0;
}

int bench_heap_child(int threads, const char *mode, long long pairs, long size)
{
    HANDLE th[SCALE_MAX_THREADS], go = CreateEventW(NULL, TRUE, FALSE, NULL);
    heap_worker w[SCALE_MAX_THREADS];
    ULONG lfh = HEAP_COMPAT_LFH;
    double t0, t;
    int i;

    if (!strcmp(mode, "lfh") && !HeapSetInformation(GetProcessHeap(), HeapCompatibilityInformation, &lfh,
                                                    sizeof(lfh))) {
        fprintf(stderr, "bench: the process heap refused the low-fragmentation mode (error %lu)\n",
                (unsigned long)GetLastError());
        return 6;
    }
    for (i = 0; i < threads; i++) {
        w[i].go = go;
        w[i].pairs = pairs / threads + (i < pairs % threads);
        w[i].size = (SIZE_T)size;
        if (!(th[i] = CreateThread(NULL, 0, heap_thread, &w[i], 0, NULL)))
            return 6;
    }
    Sleep(20);                                /* every thread at the start line */
    t0 = bench_now();
    SetEvent(go);
    WaitForMultipleObjects((DWORD)threads, th, TRUE, INFINITE);
    t = bench_now() - t0;
    printf("\"pairs_per_second\": %.0f\n", (double)pairs / t);
    return 0;
}

/* ---- the parent ---- */

/* Pairs per second of one heap child; FALSE with err filled. */
static BOOL heap_run(const bench_opts *o, int threads, int heap, long size, double *ops, char *err,
                     size_t errlen)
{
    char args[128];

    snprintf(args, sizeof(args), "--heap-child %d %s %lld %ld", threads, heap_words[heap],
             (long long)o->scale_iterations * SCALE_HEAP_FACTOR, size);
    return bench_self_child(args, "pairs_per_second", ops, err, errlen);
}

/* The arguments of a comstress child run of workload w. */
static void run_args(const bench_opts *o, int w, int threads, int heap, char *buf, size_t len)
{
    long long n = o->scale_iterations * (w == SCALE_SAME ? SCALE_SAME_FACTOR : 1);

    snprintf(buf, len, "%s --iterations %lld --sample-every %lld --threads %d --apartment mta --heap %s",
             w == SCALE_SAME ? "--scenario calls-same --call Value" : "--call \"Add(1)\"", n, n + 1,
             threads, heap_words[heap]);
}

/* One configuration's operations per second; FALSE with err filled. */
static BOOL measure(const bench_opts *o, int w, int heap, int threads, long size, double *ops, char *err,
                    size_t errlen)
{
    char args[512], tag[64], *json;
    BOOL ok;

    if (w == SCALE_HEAP)
        return heap_run(o, threads, heap, size, ops, err, errlen);
    snprintf(tag, sizeof(tag), "scale-%d-%s-%d", w, heap_words[heap], threads);
    run_args(o, w, threads, heap, args, sizeof(args));
    if (!(json = bench_child_run(o, tag, args, err, errlen)))
        return FALSE;
    /* The loop's time (run.json's loop_seconds: from the start line to
     * the last iteration's end, set-up, teardown and the samples' time
     * left out); the same in every
     * column. */
    ok = bench_json_number(json, "\"runs\"", "calls_per_second", ops) && *ops > 0;
    free(json);
    if (!ok)
        snprintf(err, errlen, "%s: run.json has no calls_per_second", tag);
    return ok;
}

/* Fills the medians and the per-round ratios (median and spread) of one
 * round set, and per round (b)'s x2 over the heap's x2 in each mode. */
static void collect(double v[][SCALE_NWORK][SCALE_NHEAPS][SCALE_NTHREADS], int rounds, bench_scale_results *r)
{
    double a[BENCH_MAX_ROUNDS], b[BENCH_MAX_ROUNDS];
    int w, h, t, k;

    for (w = 0; w < SCALE_NWORK; w++) {
        for (h = 0; h < SCALE_NHEAPS; h++) {
            for (t = 0; t < SCALE_NTHREADS; t++) {
                for (k = 0; k < rounds; k++) {
                    a[k] = v[k][w][h][t];
                    b[k] = v[k][w][h][0] > 0 ? v[k][w][h][t] / v[k][w][h][0] : 0;
                }
                r->ops[w][h][t] = bench_median(a, rounds);
                r->ratio[w][h][t] = bench_ratio_of(b, rounds);
            }
        }
    }
    for (h = 0; h < SCALE_NHEAPS; h++) {
        for (k = 0; k < rounds; k++) {
            double create = v[k][SCALE_CREATE][h][1] / v[k][SCALE_CREATE][h][0];
            double alone = v[k][SCALE_HEAP][h][1] / v[k][SCALE_HEAP][h][0];
            b[k] = alone > 0 ? create / alone : 0;
        }
        r->rel_x2[h] = bench_ratio_of(b, rounds);
    }
}

void bench_scaling(const bench_opts *o, bench_scale_results *r)
{
    static double v[BENCH_MAX_ROUNDS][SCALE_NWORK][SCALE_NHEAPS][SCALE_NTHREADS];
    const int n = SCALE_NWORK * SCALE_NHEAPS * SCALE_NTHREADS;
    int round, k, i, w, h, t;

    memset(r, 0, sizeof(*r));
    if (!(r->object_size = object_size())) {
        snprintf(r->error, sizeof(r->error), "cannot read the reference object's block size");
        return;
    }
    for (round = 0; round < o->scale_rounds; round++) {
        for (k = 0; k < n; k++) {
            i = round % 2 ? n - 1 - k : k;
            t = i % SCALE_NTHREADS;
            h = i / SCALE_NTHREADS % SCALE_NHEAPS;
            w = i / (SCALE_NTHREADS * SCALE_NHEAPS);
            if (!measure(o, w, h, scale_threads[t], r->object_size, &v[round][w][h][t], r->error,
                         sizeof(r->error)))
                goto out_collect;
        }
        r->rounds++;
    }
out_collect:
    collect(v, r->rounds, r);
}

/* One row: the figures of one workload and heap mode. */
static void print_row(const char *what, const bench_scale_results *r, int w, int h, const char *unit)
{
    printf("  %-34s %-8s %9.0fk %9.0fk %9.0fk %6.2f %6.2f  %s\n", what, heap_words[h],
           r->ops[w][h][0] / 1e3, r->ops[w][h][1] / 1e3, r->ops[w][h][2] / 1e3, r->ratio[w][h][1].median,
           r->ratio[w][h][2].median, unit);
}

void bench_print_scaling(const bench_opts *o, const bench_scale_results *r)
{
    char what[64];
    int h;

    printf("\nscaling with worker threads: %d rounds interleaved, medians; x2, x4: medians of the per-round\n"
           "ratios to one thread. (a), (b): `comstress run --apartment mta --heap MODE`, type policy,\n"
           "vtable plan, factory activation, samples at the start and end only; iterations split\n"
           "between the threads\n\n", r->rounds);
    if (r->error[0])
        printf("  error: %s\n", r->error);
    if (!r->rounds)
        return;
    printf("  %-34s %-8s %10s %10s %10s %6s %6s\n", "workload", "heap", "1 thread", "2 threads", "4 threads",
           "x2", "x4");
    for (h = 0; h < SCALE_NHEAPS; h++) {
        snprintf(what, sizeof(what), "(a) calls-same Value, %lldk it.",
                 (long long)o->scale_iterations * SCALE_SAME_FACTOR / 1000);
        print_row(what, r, SCALE_SAME, h, "calls/s");
    }
    for (h = 0; h < SCALE_NHEAPS; h++) {
        snprintf(what, sizeof(what), "(b) create/Add(1)/release, %lldk it.", (long long)o->scale_iterations / 1000);
        print_row(what, r, SCALE_CREATE, h, "calls/s");
    }
    for (h = 0; h < SCALE_NHEAPS; h++) {
        snprintf(what, sizeof(what), "(c) heap pairs of %ld B, %lldk", r->object_size,
                 (long long)o->scale_iterations * SCALE_HEAP_FACTOR / 1000);
        print_row(what, r, SCALE_HEAP, h, "pairs/s");
    }
    printf("  the limit of (b): the heap alone scales x%.2f (default) and x%.2f (lfh) at 2 threads\n",
           r->ratio[SCALE_HEAP][0][1].median, r->ratio[SCALE_HEAP][1][1].median);
}
