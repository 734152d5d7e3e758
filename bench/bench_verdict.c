/*
 * How the bench judges a target: on the median of per-round ratios, the
 * two sides of each ratio measured next to each other in the same round
 * (A B, then B A, ...), so a neighbour's load hits both alike. The
 * spread (the smallest and the largest round) is printed beside the
 * median: a verdict is only as firm as the rounds agree. A target whose
 * median misses it while some rounds met it says "noisy", not MISS: the
 * machine's noise, on that run, was wider than the margin.
 */
#include "bench.h"
#include <stdio.h>
#include <string.h>

bench_ratio bench_ratio_of(double *v, int n)
{
    bench_ratio r = { 0, 0, 0, 0 };

    if (n <= 0)
        return r;
    r.n = n;
    r.median = bench_median(v, n);    /* sorts v */
    r.lo = v[0];
    r.hi = v[n - 1];
    return r;
}

bench_verdict bench_judge(const bench_ratio *r, BOOL at_most, double target)
{
    if (!r->n || !(r->median > 0))
        return BENCH_MISS;
    if (at_most ? r->median <= target : r->median >= target)
        return BENCH_PASS;
    if (at_most ? r->lo <= target : r->hi >= target)
        return BENCH_NOISY;
    return BENCH_MISS;
}

/* "lo-hi" of r, or "-" when nothing was measured. */
static const char *spread(const bench_ratio *r, char *buf, size_t len)
{
    if (!r->n)
        return "-";
    snprintf(buf, len, "%.3f-%.3f", r->lo, r->hi);
    return buf;
}

void bench_target(bench_tally *t, const char *what, const bench_ratio *r, const char *op, double target)
{
    static const char *const words[] = { "PASS", "noisy", "MISS" };
    char buf[48];
    bench_verdict v;

    if (!r) {
        printf("  %-52s %8s %15s   %s %5.2f   %s\n", what, "-", "", op, target, "skipped");
        t->skipped++;
        return;
    }
    v = bench_judge(r, !strcmp(op, "<="), target);
    t->pass += v == BENCH_PASS;
    t->noisy += v == BENCH_NOISY;
    t->miss += v == BENCH_MISS;
    if (!r->n)
        printf("  %-52s %8s %15s   %s %5.2f   %s\n", what, "-", "-", op, target, "MISS (not measured)");
    else
        printf("  %-52s %8.3f %15s   %s %5.2f   %s\n", what, r->median, spread(r, buf, sizeof(buf)), op, target,
               words[v]);
}

void bench_info(const char *what, const bench_ratio *r, const char *note)
{
    char buf[48];

    if (!r->n)
        printf("  %-52s %8s %15s   (information: %s; not measured)\n", what, "-", "-", note);
    else
        printf("  %-52s %8.3f %15s   (information: %s)\n", what, r->median, spread(r, buf, sizeof(buf)), note);
}
