/*
 * Leak verdicts under realistic noise, end to end: comstress.exe runs as a
 * child process against the reference server's noise faults, with the
 * fault's seed fixed through COMSTRESS_FAULT_SEED so that each run draws
 * the same leaks, bound and sizes. A block of 24 bytes on every tenth call
 * (2.4 B/iteration, below the bytes threshold) must still be called a leak
 * within 20,000 iterations, by the block count; a cache that fills up and
 * temporaries freed within each call must never be, and exit 0.
 */
#include "cs_check.h"
#include "options.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

static cs_run_result res;

#define ck_assert_exit(code) ck_assert_exit_of(res, code)

/* Runs "comstress run --call Add(1) --iterations 20000 --fault FAULT" into
 * a fresh directory named after tag, with COMSTRESS_FAULT_SEED=seed when
 * seed is not NULL; returns the directory. */
static const char *run_noise(const char *tag, const char *fault, const char *seed)
{
    const char *dir = cs_temp_dir(tag);
    char cmd[4096], env_seed[64];
    const char *env[] = { env_seed, NULL };

    if (seed)
        snprintf(env_seed, sizeof(env_seed), "COMSTRESS_FAULT_SEED=%s", seed);
    snprintf(cmd, sizeof(cmd), "\"%s\" run --fault %s --call \"Add(1)\" --iterations 20000 "
             "--out \"%s\"", cs_env("COMSTRESS_EXE"), fault, dir);
    ck_assert_msg(cs_spawn(cmd, seed ? env : NULL, 120000, &res), "cannot start %s", cmd);
    ck_assert_msg(res.exit_code != CS_RUN_TIMEOUT, "%s: timed out", cmd);
    return dir;
}

/* The verdict of metric in dir/run.json's first run: its kind ("leak",
 * ...) into kind, its per_iteration figure returned (NaN when absent). */
static double verdict_of(const char *dir, const char *metric, char *kind, size_t len)
{
    char *json = cs_read_out(dir, "run.json"), key[64];
    const char *p, *q;
    double per = NAN;
    size_t n;

    ck_assert_msg(json != NULL, "%s\\run.json not written; output:\n%s", dir, res.out);
    kind[0] = 0;
    snprintf(key, sizeof(key), "\"%s\": {", metric);
    if ((p = strstr(json, "\"verdicts\"")) && (p = strstr(p, key))) {
        if ((q = strstr(p, "\"verdict\": \""))) {
            q += strlen("\"verdict\": \"");
            n = strcspn(q, "\"");
            n = n < len ? n : len - 1;
            memcpy(kind, q, n);
            kind[n] = 0;
        }
        if ((q = strstr(p, "\"per_iteration\": ")))
            per = strtod(q + strlen("\"per_iteration\": "), NULL);
    }
    free(json);
    return per;
}

/* Asserts metric's verdict word in dir and returns its figure. */
static double assert_verdict(const char *dir, const char *metric, const char *expected)
{
    char kind[32];
    double per = verdict_of(dir, metric, kind, sizeof(kind));

    ck_assert_msg(!strcmp(kind, expected), "%s called '%s' (%.3f/iteration), expected '%s'; "
                  "output:\n%s", metric, kind, per, expected, res.out);
    return per;
}

/* 2.4 B/iteration is "clean" by bytes (threshold 4 B) but 0.1 blocks per
 * iteration is ten times the block count's threshold: a leak, and exit 1. */
START_TEST(leak_every_10th_call_is_caught_by_blocks)
{
    const char *dir = run_noise("noise-leak-every", "leak-every:10", NULL);
    double blocks, bytes;

    ck_assert_exit(CS_EXIT_VERDICT);
    blocks = assert_verdict(dir, "heap_blocks", "leak");
    ck_assert_msg(fabs(blocks - 0.1) <= 0.01, "heap_blocks %.4f/iteration, expected 0.1", blocks);
    bytes = assert_verdict(dir, "heap_bytes", "clean");
    ck_assert_msg(fabs(bytes - 2.4) <= 0.24, "heap_bytes %.3f B/iteration, expected 2.4", bytes);
}
END_TEST

START_TEST(leak_random_10_percent_is_caught_by_blocks)
{
    const char *dir = run_noise("noise-leak-random", "leak-random:10", "12345");
    double blocks;

    ck_assert_exit(CS_EXIT_VERDICT);
    blocks = assert_verdict(dir, "heap_blocks", "leak");
    ck_assert_msg(fabs(blocks - 0.1) <= 0.02, "heap_blocks %.4f/iteration, expected 0.1", blocks);
}
END_TEST

/* Seed 3 draws a bound of 6,583 entries for plateau-cache:5000: the cache
 * fills from the end of the warm-up (2,000) to about iteration 6,600, then
 * stays: a plateau, never a leak. */
START_TEST(plateau_after_warmup_is_a_plateau)
{
    const char *dir = run_noise("noise-plateau", "plateau-cache:5000", "3");

    ck_assert_exit(CS_EXIT_OK);
    assert_verdict(dir, "heap_bytes", "plateau");
    assert_verdict(dir, "heap_blocks", "plateau");
}
END_TEST

/* Seed 1 draws 1,210 entries for plateau-cache:1000: full within the
 * warm-up, so nothing grows afterwards. */
START_TEST(plateau_within_warmup_is_clean)
{
    const char *dir = run_noise("noise-plateau-early", "plateau-cache:1000", "1");

    ck_assert_exit(CS_EXIT_OK);
    assert_verdict(dir, "heap_bytes", "clean");
    assert_verdict(dir, "heap_blocks", "clean");
}
END_TEST

START_TEST(temporaries_are_clean)
{
    const char *dir = run_noise("noise-temp", "temp-allocs:65536", "5");

    ck_assert_exit(CS_EXIT_OK);
    assert_verdict(dir, "heap_bytes", "clean");
    assert_verdict(dir, "heap_blocks", "clean");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("noise");
    TCase *tc = tcase_create("end_to_end");

    tcase_set_timeout(tc, 0);
    tcase_add_test(tc, leak_every_10th_call_is_caught_by_blocks);
    tcase_add_test(tc, leak_random_10_percent_is_caught_by_blocks);
    tcase_add_test(tc, plateau_after_warmup_is_a_plateau);
    tcase_add_test(tc, plateau_within_warmup_is_clean);
    tcase_add_test(tc, temporaries_are_clean);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
