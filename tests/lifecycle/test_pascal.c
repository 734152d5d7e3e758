/*
 * Suite "pascal": the TLS-at-unload scenarios on Free Pascal DLLs (the
 * real threadvar runtime), each run as a child of cs_lifecycle_driver
 * (COMSTRESS_LIFECYCLE_EXE) under the watchdog. Figures are read back from
 * the verdict line the child streamed to results.jsonl; the block sizes
 * they are compared with are measured by the same child before its cycles
 * (a thread started while the DLL is loaded), not written here.
 */
#include "cs_check.h"
#include "cs_child.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "isolate.h"

#define CYCLES "10"

/* The JSON text of the child's line of type `type` (malloc'd). */
static char *result_line(const char *dir, const char *type)
{
    char *text = cs_read_out(dir, CS_RESULTS_FILE), pat[48], *at, *end;

    ck_assert_msg(text != NULL, "%s\\%s was not written", dir, CS_RESULTS_FILE);
    snprintf(pat, sizeof(pat), "\"type\":\"%s\"", type);
    at = strstr(text, pat);
    ck_assert_msg(at != NULL, "no %s line in %s:\n%s", type, dir, text);
    while (at > text && at[-1] != '\n')
        at--;
    if ((end = strchr(at, '\n')))
        *end = 0;
    memmove(text, at, strlen(at) + 1);
    return text;
}

/* A number of the verdict line; fails the test when it is missing. */
static double verdict(const char *dir, const char *key)
{
    char *line = result_line(dir, "verdict");
    double v = cs_json_number(line, key, 0);

    ck_assert_msg(!isnan(v), "no %s in the verdict line: %s", key, line);
    free(line);
    return v;
}

/* Runs `child pascal-tls ARGS --cycles 10` and checks how it ended. */
static const char *run_pascal(const char *tag, const char *args, cs_end want)
{
    char full[256];
    cs_child_result r;
    const char *dir;

    snprintf(full, sizeof(full), "child pascal-tls %s --cycles " CYCLES, args);
    dir = cs_run_child(tag, full, 120, &r);
    ck_assert_msg(r.end == want, "%s: ended %s, expected %s: %s", args, cs_end_name(r.end), cs_end_name(want), r.text);
    return dir;
}

static const struct { const char *tag, *args; int threads; double own; } leaky[] = {
    { "record-1", "--library record --threads 1", 1, 4096 },
    { "record-8", "--library record --threads 8", 8, 4096 },
    { "seed-8", "--library seed --threads 8", 8, 4 },
};

START_TEST(leaky_loses_one_runtime_block_per_live_thread_per_cycle)
{
    const char *dir = run_pascal(leaky[_i].tag, leaky[_i].args, CS_END_FAILED);
    double per_thread = verdict(dir, "bytes_per_thread"), block = verdict(dir, "thread_block_bytes");

    ck_assert_msg(block > 4096, "%s: a thread's block measured %.0f B", leaky[_i].tag, block);
    ck_assert_msg(fabs(per_thread - block) <= 0.01 * block, "%s: %.1f B per live thread per cycle, block %.0f B",
                  leaky[_i].tag, per_thread, block);
    /* the block is the runtime's own share plus our threadvars, exactly */
    ck_assert_msg(verdict(dir, "own_block_bytes") == leaky[_i].own, "%s: ours %.0f B, declared %.0f B",
                  leaky[_i].tag, verdict(dir, "own_block_bytes"), leaky[_i].own);
    ck_assert_msg(verdict(dir, "calls") == (10 + 1) * leaky[_i].threads, "calls");
}
END_TEST

static const struct { const char *tag, *args; int threads; } seed_leaky[] = {
    { "seed-exact-1", "--library seed --threads 1", 1 },
    { "seed-exact-8", "--library seed --threads 8", 8 },
};

/* The one-thread figure of the seed is 1% above its block: a cycle also
 * loses the runtime's heap lock (Wine allocates a critical section's
 * 48-byte debug block; the runtime deletes it only when no other thread is
 * registered), whatever the number of threads. */
START_TEST(leaky_loses_the_blocks_and_one_heap_lock_per_cycle_exactly)
{
    const char *dir = run_pascal(seed_leaky[_i].tag, seed_leaky[_i].args, CS_END_FAILED);
    double per_cycle = verdict(dir, "bytes_per_cycle"), block = verdict(dir, "thread_block_bytes");

    ck_assert_msg(per_cycle == seed_leaky[_i].threads * block + 48, "%s: %.1f B per cycle, %d x %.0f + 48 expected",
                  seed_leaky[_i].tag, per_cycle, seed_leaky[_i].threads, block);
    ck_assert_msg(verdict(dir, "bytes_per_cycle_beyond_blocks") == 48, "beyond the blocks");
    ck_assert_msg(verdict(dir, "first_call_bytes") == block, "the first call's growth is one block");
}
END_TEST

static const struct { const char *tag, *args; } flat[] = {
    { "ended-1", "--variant ended --threads 1" },
    { "ended-8", "--variant ended --threads 8" },
    { "pinned-1", "--variant leaky --pin --threads 1" },
    { "pinned-8", "--variant leaky --pin --threads 8" },
    { "dll-threads-8", "--variant dll-threads --threads 8" },
};

START_TEST(ended_pinned_and_dll_started_threads_are_flat)
{
    const char *dir = run_pascal(flat[_i].tag, flat[_i].args, CS_END_PASSED);

    ck_assert_msg(verdict(dir, "bytes_per_cycle") == 0, "%s: %.1f B per cycle", flat[_i].tag,
                  verdict(dir, "bytes_per_cycle"));
    ck_assert_msg(verdict(dir, "thread_block_bytes") > 4096, "no block measured");
}
END_TEST

START_TEST(a_pool_outliving_the_cycles_strands_a_block_per_pool_thread)
{
    const char *dir = run_pascal("pool-4", "--variant pool --threads 4", CS_END_FAILED);
    double per_cycle = verdict(dir, "bytes_per_cycle"), block = verdict(dir, "thread_block_bytes");

    ck_assert_msg(per_cycle == 4 * block + 48, "%.1f B per cycle, 4 x %.0f + 48 expected", per_cycle, block);
}
END_TEST

/* A thread that touches no threadvar gets no block: the empty library is
 * flat here, and what a thread started while it is loaded costs is the
 * runtime's own share. */
START_TEST(empty_library_is_flat_and_measures_the_runtimes_share)
{
    const char *dir = run_pascal("empty-8", "--library empty --threads 8", CS_END_PASSED);

    ck_assert_msg(verdict(dir, "bytes_per_cycle") == 0, "%.1f B per cycle", verdict(dir, "bytes_per_cycle"));
    ck_assert_msg(verdict(dir, "runtime_block_bytes") > 4096, "the runtime's share: %.0f B",
                  verdict(dir, "runtime_block_bytes"));
    ck_assert_msg(verdict(dir, "own_block_bytes") == 0, "an empty library has threadvars of its own");
}
END_TEST

START_TEST(traced_leak_names_the_runtimes_localalloc)
{
    const char *dir = run_pascal("traced", "--library seed --threads 4 --trace", CS_END_FAILED);
    char *line = result_line(dir, "traced");

    ck_assert_msg(strstr(line, "\"allocated_in\":\"cs_pas_seed.dll!SYSALLOCATETHREADVARS+0x") != NULL,
                  "the runtime's allocation is not named: %s", line);
    ck_assert_msg(strstr(line, "\"at\":\"cs_pas_seed.dll+0x") != NULL, "no module+offset: %s", line);
    ck_assert_msg(cs_json_number(line, "blocks_per_cycle", 0) == 4, "not one block per live thread: %s", line);
    ck_assert_msg(cs_json_number(line, "bytes_per_cycle_per_thread", 0) == verdict(dir, "thread_block_bytes"),
                  "traced size is not the measured block: %s", line);
    free(line);
}
END_TEST

START_TEST(suite_runs_the_pascal_scenarios_as_expected)
{
    const char *dir = cs_temp_dir("pascal-suite");
    char cmd[2 * MAX_PATH], *json;
    cs_run_result *res = malloc(sizeof(*res));

    snprintf(cmd, sizeof(cmd), "\"%s\" suite --only pascal --timeout 120 --out \"%s\"",
             cs_env("COMSTRESS_LIFECYCLE_EXE"), dir);
    ck_assert(cs_spawn(cmd, NULL, 600000, res));
    ck_assert_msg(res->exit_code == 0, "suite exit %lu:\n%s", res->exit_code, res->out);
    ck_assert_msg(strstr(res->out, "7 of 7 scenarios ended as expected") != NULL, "%s", res->out);
    json = cs_read_out(dir, "suite.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(json, "\"name\":\"pascal/seed/leaky\""));
    ck_assert_ptr_null(strstr(json, "\"as_expected\":false"));
    free(json);
    free(res);
}
END_TEST

START_TEST(usage_errors_are_named)
{
    cs_child_result r;

    cs_run_child("usage-fixed", "child pascal-tls --variant fixed", 30, &r);
    ck_int_eq(r.end, CS_END_ERROR);
    ck_assert_msg(strstr(r.text, "--variant fixed does not exist") != NULL, "%s", r.text);
    cs_run_child("usage-library", "child pascal-tls --library delphi", 30, &r);
    ck_int_eq(r.end, CS_END_ERROR);
    ck_assert_msg(strstr(r.text, "--library") != NULL, "%s", r.text);
}
END_TEST

/* ---- the Free Pascal automation server (ComObj, ComServ) ---- */

/* cs_pas_auto.dll, next to the lifecycle driver. */
static const char *auto_dll(void)
{
    static char path[MAX_PATH];
    char *slash;

    snprintf(path, sizeof(path), "%s", cs_env("COMSTRESS_LIFECYCLE_EXE"));
    slash = strrchr(path, '\\');
    if (!slash)
        slash = strrchr(path, '/');
    ck_assert_ptr_nonnull(slash);
    snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "cs_pas_auto.dll");
    return path;
}

START_TEST(automation_greet_leaks_one_bstr_per_call)
{
    cs_run_result *res = malloc(sizeof(*res));
    char args[3 * MAX_PATH];

    snprintf(args, sizeof(args), "run --dll \"%s\" --call \"Greet('x')\" --iterations 2000 "
             "--fail-on leak,refs,objects,blocks --out \"%s\"", auto_dll(), cs_temp_dir("auto-greet"));
    cs_comstress(args, res);
    ck_assert_exit_of(*res, 1);
    /* "Hello, x": 8 characters, a 32-byte heap block under Wine */
    ck_assert_msg(strstr(res->out, "BSTR/CoTaskMem leak: Greet('x'), 1.0 blocks (32 bytes) per call") != NULL,
                  "the leaked greeting is not named:\n%s", res->out);
    free(res);
}
END_TEST

START_TEST(automation_collection_add_and_clear_is_clean)
{
    cs_run_result *res = malloc(sizeof(*res));
    char args[3 * MAX_PATH];

    snprintf(args, sizeof(args), "run --dll \"%s\" --call \"Add('a')\" --call Count --call \"Item(0)\" "
             "--call \"Clear()\" --iterations 2000 --ledger --fail-on leak,refs,objects,blocks --out \"%s\"",
             auto_dll(), cs_temp_dir("auto-clean"));
    cs_comstress(args, res);
    ck_assert_exit_of(*res, 0);
    /* Free Pascal 3.2's ComServ never agrees to unload */
    ck_assert_msg(strstr(res->out, "DllCanUnloadNow says S_FALSE") != NULL, "%s", res->out);
    free(res);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pascal");
    TCase *leak = tcase_create("leaky"), *clean = tcase_create("flat"), *other = tcase_create("other");
    TCase *automation = tcase_create("automation");

    tcase_add_loop_test(leak, leaky_loses_one_runtime_block_per_live_thread_per_cycle, 0, 3);
    tcase_add_loop_test(leak, leaky_loses_the_blocks_and_one_heap_lock_per_cycle_exactly, 0, 2);
    tcase_add_test(leak, a_pool_outliving_the_cycles_strands_a_block_per_pool_thread);
    tcase_add_test(leak, traced_leak_names_the_runtimes_localalloc);
    tcase_add_loop_test(clean, ended_pinned_and_dll_started_threads_are_flat, 0, 5);
    tcase_add_test(clean, empty_library_is_flat_and_measures_the_runtimes_share);
    tcase_add_test(other, usage_errors_are_named);
    tcase_add_test(other, suite_runs_the_pascal_scenarios_as_expected);
    suite_add_tcase(s, leak);
    suite_add_tcase(s, clean);
    tcase_add_test(automation, automation_greet_leaks_one_bstr_per_call);
    tcase_add_test(automation, automation_collection_add_and_clear_is_clean);
    suite_add_tcase(s, other);
    suite_add_tcase(s, automation);
    return cs_run_suite(s);
}
