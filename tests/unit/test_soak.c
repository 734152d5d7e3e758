/* Suite "soak": what keeps a --duration run bounded: samples.csv thinned
 * evenly to its row budget (core/samples/report_csv.c), read back whole. */
#include "cs_unit.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_csv.h"

#define PATH "soak-samples.csv"

static cs_csv_writer *w;

static void row(const char *run, long long it, int heap)
{
    cs_sample s;

    cs_sample_clear(&s);
    s.iteration = it;
    s.elapsed_s = (double)it / 1000;
    s.v[CS_M_THREADS] = 2;
    if (heap)
        s.v[CS_M_HEAP_BYTES] = 1000 + 24.0 * (double)it;
    ck_assert_int_eq(cs_csv_write(w, run, &s), 0);
}

static void setup(void)
{
    w = cs_csv_open(PATH);
    ck_assert_ptr_nonnull(w);
}

static void teardown(void)
{
    cs_csv_close(w);
    remove(PATH);
}

/* The iterations of run's rows read back, into its[], their count. */
static size_t read_back(const char *run, long long *its, size_t max)
{
    char err[256];
    cs_csv_data d;
    const cs_csv_run *r;
    size_t i, n = 0;

    ck_assert_int_eq(cs_csv_read(PATH, &d, err, sizeof(err)), 0);
    if ((r = cs_csv_find(&d, run)))
        for (i = 0; i < r->n && n < max; i++)
            its[n++] = r->samples[i].iteration;
    cs_csv_free(&d);
    return n;
}

START_TEST(thinning_keeps_the_first_row_and_every_second_one)
{
    long long its[32];
    int i;

    for (i = 0; i <= 8; i++)
        row("run/type", i * 10, i == 0);
    ck_assert_int_eq(cs_csv_thin(w, "run/type", 1), 5);
    ck_assert_uint_eq(read_back("run/type", its, 32), 5);
    ck_assert_int_eq(its[0], 0);
    ck_assert_int_eq(its[1], 20);
    ck_assert_int_eq(its[2], 40);
    ck_assert_int_eq(its[3], 60);
    ck_assert_int_eq(its[4], 80);
}
END_TEST

START_TEST(rows_with_a_heap_walk_are_never_thinned_out)
{
    long long its[32];
    int i;

    for (i = 0; i <= 8; i++)
        row("run/type", i * 10, i == 3 || i == 7);
    ck_assert_int_eq(cs_csv_thin(w, "run/type", 1), 7);
    ck_assert_uint_eq(read_back("run/type", its, 32), 7);
    ck_assert_int_eq(its[1], 20);
    ck_assert_int_eq(its[2], 30);      /* walked: kept though odd */
    ck_assert_int_eq(its[5], 70);      /* walked */
    ck_assert_int_eq(its[6], 80);
}
END_TEST

START_TEST(when_every_sample_walks_the_heap_walked_rows_are_thinned_too)
{
    long long its[32];
    int i;

    for (i = 0; i <= 8; i++)
        row("run/type", i * 10, 1);
    ck_assert_int_eq(cs_csv_thin(w, "run/type", 0), 5);
    ck_assert_uint_eq(read_back("run/type", its, 32), 5);
    ck_assert_int_eq(its[4], 80);
}
END_TEST

START_TEST(other_runs_rows_are_kept_and_writing_goes_on_after)
{
    long long its[32];
    int i;

    for (i = 0; i < 4; i++)
        row("compare/none", i, 1);
    for (i = 0; i < 6; i++)
        row("compare/type", i, 0);
    ck_assert_int_eq(cs_csv_thin(w, "compare/type", 1), 3);
    row("compare/type", 100, 0);
    ck_assert_uint_eq(read_back("compare/none", its, 32), 4);
    ck_assert_uint_eq(read_back("compare/type", its, 32), 4);
    ck_assert_int_eq(its[2], 4);
    ck_assert_int_eq(its[3], 100);
}
END_TEST

START_TEST(a_run_thinned_again_and_again_stays_within_its_budget)
{
    long long its[8192];
    long kept = 0;
    int i;

    /* the runner's rule: at the budget, thin and double the interval */
    for (i = 0; i < 20000; i++) {           /* about 600 thinnings */
        row("run/type", i, i == 0);
        if (++kept >= 64)
            kept = cs_csv_thin(w, "run/type", 1);
        ck_assert_int_ge(kept, 0);
    }
    ck_assert_uint_le(read_back("run/type", its, 8192), 64);
    ck_assert_int_eq(its[0], 0);
}
END_TEST

START_TEST(a_run_name_that_needs_quotes_is_not_thinned)
{
    row("a,b", 1, 0);
    ck_assert_int_eq(cs_csv_thin(w, "a,b", 1), -1);
    row("a,b", 2, 0);                  /* the writer still works */
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(thinning_keeps_the_first_row_and_every_second_one),
        CS_TEST(rows_with_a_heap_walk_are_never_thinned_out),
        CS_TEST(when_every_sample_walks_the_heap_walked_rows_are_thinned_too),
        CS_TEST(other_runs_rows_are_kept_and_writing_goes_on_after),
        CS_TEST(a_run_thinned_again_and_again_stays_within_its_budget),
        CS_TEST(a_run_name_that_needs_quotes_is_not_thinned), NULL
    };

    return cs_run_tests("soak", setup, teardown, tests);
}
