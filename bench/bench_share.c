/*
 * The sampler's share of a leaking run: `comstress run --call "Add(1)"
 * --fault leak-bytes:24` (one thread, defaults otherwise), its share being
 * run.json's sampling_seconds / seconds. The heap grows by one block every
 * iteration, so a heap walk gets longer with every sample: the case where
 * walking the whole heap at every sample costs most. Side by side, runs
 * alternating (the order swapped every pair): `--heap-walk every` (a
 * HeapWalk at every sample, the sampler as it was) against the default.
 */
#include "bench.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The figures of one run, read from its run.json. */
typedef struct share_run {
    double share, cps, samples, heap_walks;
    int exact;                /* the heap's verdict: leak, +24.00 bytes an iteration */
} share_run;

/* Whether run.json's heap_bytes verdict is a leak of exactly 24 bytes an
 * iteration (the walks', not a stand-in's). */
static int exact_verdict(const char *json)
{
    const char *h = strstr(json, "\"heap_bytes\": {"), *v;
    double per = 0;

    if (!h || !(v = strstr(h, "\"verdict\": ")) || strncmp(v + 11, "\"leak\"", 6))
        return 0;
    return bench_json_number(h, "\"heap_bytes\"", "per_iteration", &per) && per > 23.995 && per < 24.005;
}

/*
 * One leaking run with extra options; FALSE with err filled (naming the
 * run) when it fails or its run.json lacks seconds, sampling_seconds or
 * samples. heap_walks is -1 when run.json has no such field.
 */
static BOOL leak_run(const bench_opts *o, const char *tag, const char *extra, share_run *s, char *err,
                     size_t errlen)
{
    char args[256], *json;
    double seconds = 0, sampling = 0;
    BOOL ok;

    snprintf(args, sizeof(args), "--call \"Add(1)\" --fault leak-bytes:24 --iterations %ld %s",
             o->leak_iterations, extra);
    if (!(json = bench_child_run(o, tag, args, err, errlen)))
        return FALSE;
    ok = bench_json_number(json, "\"runs\"", "seconds", &seconds)
      && bench_json_number(json, "\"runs\"", "sampling_seconds", &sampling)
      && bench_json_number(json, "\"runs\"", "samples", &s->samples) && seconds > 0;
    if (!bench_json_number(json, "\"runs\"", "heap_walks", &s->heap_walks))
        s->heap_walks = -1;
    s->exact = exact_verdict(json);
    free(json);
    if (!ok) {
        snprintf(err, errlen, "%s: run.json has no seconds / sampling_seconds / samples", tag);
        return FALSE;
    }
    s->share = sampling / seconds;
    s->cps = (double)o->leak_iterations / seconds;   /* one call per iteration */
    return TRUE;
}

/* Medians of n runs into side. */
static void side_medians(const share_run *v, int n, bench_share_side *side)
{
    double share[BENCH_MAX_ROUNDS], cps[BENCH_MAX_ROUNDS], samples[BENCH_MAX_ROUNDS], walks[BENCH_MAX_ROUNDS];
    int i;

    for (i = 0; i < n; i++) {
        share[i] = v[i].share;
        cps[i] = v[i].cps;
        samples[i] = v[i].samples;
        walks[i] = v[i].heap_walks;
        side->exact += v[i].exact;
    }
    side->runs = n;
    side->share = bench_ratio_of(share, n);
    side->cps = bench_median(cps, n);
    side->samples = bench_median(samples, n);
    side->heap_walks = n && walks[0] >= 0 ? bench_median(walks, n) : -1;
}

/*
 * o->leak_rounds pairs. A side that fails stops being run (its error kept)
 * while the other goes on: a comstress without --heap-walk refuses the
 * `every` side, and the default side is still measured.
 */
void bench_share(const bench_opts *o, bench_share_results *r)
{
    static share_run every[BENCH_MAX_ROUNDS], dflt[BENCH_MAX_ROUNDS];
    BOOL every_ok = TRUE, dflt_ok = TRUE;
    int round, k, ne = 0, nd = 0;

    memset(r, 0, sizeof(*r));
    for (round = 0; round < o->leak_rounds && (every_ok || dflt_ok); round++) {
        for (k = 0; k < 2; k++) {
            BOOL every_turn = k == round % 2;     /* every first in even rounds */

            if (every_turn && every_ok) {
                if ((every_ok = leak_run(o, "share-every", "--heap-walk every", &every[ne], r->every.error,
                                         sizeof(r->every.error))))
                    ne++;
            } else if (!every_turn && dflt_ok) {
                if ((dflt_ok = leak_run(o, "share-default", "", &dflt[nd], r->dflt.error,
                                        sizeof(r->dflt.error))))
                    nd++;
            }
        }
    }
    side_medians(every, ne, &r->every);
    side_medians(dflt, nd, &r->dflt);
}

static void print_side(const char *what, const bench_share_side *s)
{
    char walks[32];

    if (s->error[0])
        printf("  %-34s error: %s\n", what, s->error);
    if (!s->runs)
        return;
    if (s->heap_walks >= 0)
        snprintf(walks, sizeof(walks), "%8.0f", s->heap_walks);
    else
        snprintf(walks, sizeof(walks), "%8s", "-");
    printf("  %-34s %5d %7.1f%% %8.0f %s %12.0f %6d/%d\n", what, s->runs, 100.0 * s->share.median, s->samples,
           walks, s->cps, s->exact, s->runs);
}

void bench_print_share(const bench_opts *o, const bench_share_results *r)
{
    printf("\nthe sampler's share of a leaking run: `comstress run --call \"Add(1)\" --fault leak-bytes:24\n"
           "--iterations %ld`, one thread, the two sides alternating, medians of each side's runs.\n"
           "share: run.json's sampling_seconds / seconds; samples, heap walks: run.json's samples and\n"
           "heap_walks (- when absent); calls/s: iterations / seconds (wall-clock, sampler included);\n"
           "exact: runs whose heap_bytes verdict is \"leak\", +24.00 bytes an iteration (walked, no stand-in)\n\n",
           o->leak_iterations);
    printf("  %-34s %5s %8s %8s %8s %12s %8s\n", "sampler", "runs", "share", "samples", "walks", "calls/s",
           "exact");
    print_side("--heap-walk every (each sample)", &r->every);
    print_side("default", &r->dflt);
}
