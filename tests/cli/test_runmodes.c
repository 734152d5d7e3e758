/*
 * Run modes end to end (comstress.exe as a child process): the process
 * heap's mode (--heap) as run.json's context reports it, and the
 * calls-same scenario, where each worker creates one object and every
 * iteration calls it.
 */
#include "cli_objects.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* run.json of a run with extra options (freed by the caller); the run
 * must end with exit code 0. */
static char *run_json(const char *tag, const char *extra)
{
    const char *dir = cs_temp_dir(tag);
    char args[1024], *json;

    snprintf(args, sizeof(args), "run --call \"Add(1)\" --fail-on none --out \"%s\" %s", dir, extra);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    json = cs_read_out(dir, "run.json");
    ck_assert_msg(json != NULL, "no run.json for %s", extra);
    return json;
}

/* --heap lfh switches the process heap's mode before the target loads and
 * says so; without it, or with --heap default, the heap is left alone. */
START_TEST(the_heap_mode_is_in_the_context)
{
    static const struct { const char *extra, *says; } cases[] = {
        { "--iterations 200 --heap lfh", "\"heap_mode\": \"lfh\"" },
        { "--iterations 200 --heap default", "\"heap_mode\": \"default\"" },
        { "--iterations 200", "\"heap_mode\": \"default\"" },
        { "--iterations 200 --threads 2 --apartment mta --heap lfh", "\"heap_mode\": \"lfh\"" },
    };
    char *json;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json = run_json("runmodes-heap", cases[i].extra);
        ck_assert_msg(strstr(json, cases[i].says) != NULL, "%s: run.json lacks %s:\n%s", cases[i].extra,
                      cases[i].says, json);
        ck_assert_double_eq(cs_json_number(json, "iterations", 0), 200);
        ck_assert_double_eq(cs_json_number(json, "live_objects_end", 0), 0);
        free(json);
    }
}
END_TEST

/* calls-same: each worker makes one object and calls it every
 * iteration, so under the instance policy there is one bind per worker
 * (calls binds once per object, that is per iteration), every object is
 * given back at the end, and calls/s counts every call. */
START_TEST(calls_same_binds_once_per_worker)
{
    static const struct { const char *extra; double binds; } cases[] = {
        { "--iterations 3000 --cache instance --scenario calls-same", 1 },
        { "--iterations 3000 --cache instance --scenario calls-same --threads 3 --apartment mta", 3 },
        { "--iterations 3000 --cache instance --scenario calls-same --threads 2 --ledger", 2 },
        { "--iterations 3000 --cache instance", 3000 },
    };
    char *json;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json = run_json("runmodes-same", cases[i].extra);
        ck_assert_double_eq(cs_json_number(json, "iterations", 0), 3000);
        ck_assert_msg(cs_json_number(json, "binds", 0) == cases[i].binds, "%s: %g binds, not %g",
                      cases[i].extra, cs_json_number(json, "binds", 0), cases[i].binds);
        ck_assert_double_eq(cs_json_number(json, "live_objects_end", 0), 0);
        ck_assert_msg(cs_json_number(json, "calls_per_second", 0) > 0, "%s: no calls counted", cases[i].extra);
        ck_assert_msg(strstr(json, strstr(cases[i].extra, "calls-same") ? "\"scenario\": \"calls-same\""
                                                                         : "\"scenario\": \"calls\""),
                      "%s: scenario not reported:\n%s", cases[i].extra, json);
        free(json);
    }
}
END_TEST

/* The iteration column of samples.csv, in order, into it (at most max);
 * returns how many rows. */
static int sample_iterations(const char *dir, long *it, int max)
{
    char *csv = cs_read_out(dir, "samples.csv"), *p;
    int n = 0;

    ck_assert_ptr_nonnull(csv);
    for (p = strchr(csv, '\n'); p && p[1] && n < max; p = strchr(p + 1, '\n'))
        ck_assert_int_eq(sscanf(p + 1, "run/type,%ld,", &it[n++]), 1);
    free(csv);
    return n;
}

/* Workers count into slots of their own, summed when read: with three
 * threads and an iteration count they do not divide, the iterations and
 * the calls (two statements an iteration; calls/s times loop seconds)
 * come out exact, and the samples still fall at every sampling point:
 * from 0 up to the end, one per 50 iterations, none twice. With one
 * thread each sample is at its exact multiple. */
START_TEST(per_thread_counts_add_up_exactly)
{
    const char *dir = cs_temp_dir("runmodes-counts");
    char args[1024], *json;
    double calls;
    long it[64];
    int n, k, threads = _i ? 3 : 1;

    snprintf(args, sizeof(args), "run --call \"Add(1)\" --call Value --iterations 1001 --sample-every 50 "
             "--threads %d --apartment mta --fail-on none --out \"%s\"", threads, dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_double_eq(cs_json_number(json, "iterations", 0), 1001);
    calls = cs_json_number(json, "calls_per_second", 0)
            * cs_json_number(json, "loop_seconds", 0);
    ck_assert_msg(cs_json_number(json, "loop_seconds", 0) > 0
                  && cs_json_number(json, "loop_seconds", 0) <= cs_json_number(json, "seconds", 0),
                  "loop_seconds %g outside the run's %g s", cs_json_number(json, "loop_seconds", 0),
                  cs_json_number(json, "seconds", 0));
    ck_assert_msg(calls > 2001.5 && calls < 2002.5, "%d threads: %.3f calls counted, not 2002", threads, calls);
    free(json);
    n = sample_iterations(dir, it, 64);
    ck_assert_int_ge(n, 20);
    ck_assert_int_le(n, 23);
    ck_assert_int_eq(it[0], 0);
    ck_assert_int_eq(it[n - 1], 1001);
    for (k = 1; k < n; k++) {
        ck_assert_msg(it[k] > it[k - 1], "sample %d at %ld after %ld", k, it[k], it[k - 1]);
        if (threads == 1 && k < n - 1)
            ck_assert_int_eq(it[k], 50 * k);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runmodes");
    TCase *tc = tcase_create("runmodes");

    tcase_set_timeout(tc, 0);
    tcase_add_test(tc, the_heap_mode_is_in_the_context);
    tcase_add_test(tc, calls_same_binds_once_per_worker);
    tcase_add_loop_test(tc, per_thread_counts_add_up_exactly, 0, 2);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
