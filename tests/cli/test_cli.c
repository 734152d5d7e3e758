/*
 * The comstress command end to end: comstress.exe runs as a child process
 * against the registered reference server; its exit code, its output and
 * the files it writes are checked. Every bad input gets one named line and
 * its own exit code, and nothing measured before a failure is lost.
 */
#include "cs_check.h"
#include "options.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

static cs_run_result res;

#define ck_assert_out_has(needle) \
    ck_assert_msg(strstr(res.out, needle) != NULL, "output lacks '%s':\n%s", needle, res.out)

#define ck_assert_exit(code) ck_assert_exit_of(res, code)

/* Lines of a text file (0 when it cannot be read). */
static int count_lines(const char *path)
{
    char *text = cs_read_file(path), *p;
    int n = 0;

    if (!text)
        return 0;
    for (p = text; *p; p++)
        n += *p == '\n';
    free(text);
    return n;
}

START_TEST(version_and_help)
{
    cs_comstress("--version", &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("comstress " COMSTRESS_VERSION);
    cs_comstress("--help", &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("--iterations");
}
END_TEST

/* Bad input: each gets its own exit code and one line naming the culprit
 * (and, for a failed call, the HRESULT or the argument). */
static const struct bad_input {
    const char *tag, *args;
    int exit_code;
    const char *says[2];
} bad_inputs[] = {
    { "progid", "--target No.Such.Thing", CS_EXIT_TARGET,
      { "'No.Such.Thing' is not registered", "0x800401f3" } },
    { "clsid", "--target {00000000-1111-2222-3333-444444444444}", CS_EXIT_TARGET,
      { "'{00000000-1111-2222-3333-444444444444}' is not registered", "REGDB_E_CLASSNOTREG" } },
    { "argtype", "--call \"Add('not a number')\"", CS_EXIT_CALL, { "Add: argument 1", "DISP_E_TYPEMISMATCH" } },
    { "argcount", "--call \"Add(1, 2)\"", CS_EXIT_CALL, { "Add: wrong number of arguments", "2 given, 1 expected" } },
    { "malformed", "--call \"Add(1,\"", CS_EXIT_USAGE, { "--call 'Add(1,'", "column" } },
};

START_TEST(bad_input)
{
    const struct bad_input *b = &bad_inputs[_i];
    const char *dir = cs_temp_dir(b->tag);
    char args[1024];

    snprintf(args, sizeof(args), "run %s --iterations 10 --out \"%s\"", b->args, dir);
    cs_comstress(args, &res);
    ck_assert_exit(b->exit_code);
    ck_assert_out_has(b->says[0]);
    ck_assert_out_has(b->says[1]);
}
END_TEST

/* A run whose first iteration fails says that failure first, and no
 * verdict: the verdicts of no iteration say nothing. */
START_TEST(a_failure_in_the_first_iteration_comes_first_without_verdicts)
{
    static const char first[] = "comstress: ComStress.Target: NoSuch(1): NoSuch: no such member "
                                "(DISP_E_UNKNOWNNAME, 0x80020006)";
    const char *dir = cs_temp_dir("cli-first-fails");
    char args[1024];

    snprintf(args, sizeof(args), "run --call \"NoSuch(1)\" --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_CALL);
    ck_assert_msg(!strncmp(res.out, first, sizeof(first) - 1), "the failure is not first:\n%s", res.out);
    ck_assert_msg(strstr(res.out, "inconclusive") == NULL && strstr(res.out, "iterations in") == NULL,
                  "verdict lines after a failed first iteration:\n%s", res.out);
    ck_assert_out_has("reports: ");
}
END_TEST

START_TEST(unknown_member_keeps_report)
{
    const char *dir = cs_temp_dir("cli-member");
    char args[1024], *json;

    snprintf(args, sizeof(args), "run --call \"Add(1)\" --call \"Frobnicate(1)\" --iterations 10 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_CALL);
    ck_assert_out_has("Frobnicate");
    ck_assert_out_has("DISP_E_UNKNOWNNAME");
    json = cs_read_out(dir, "run.json");
    ck_assert_msg(json != NULL, "run.json not written after a failed call");
    ck_assert_msg(strstr(json, "Frobnicate") != NULL, "run.json lacks the error:\n%s", json);
    free(json);
}
END_TEST

START_TEST(bad_iterations)
{
    cs_comstress("run --iterations lots", &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("--iterations: 'lots'");
    cs_comstress("run --iterations", &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("--iterations: missing value");
}
END_TEST

START_TEST(unwritable_out)
{
    const char *dir = cs_temp_dir("cli-unwritable");
    char file[MAX_PATH], args[1024];
    FILE *f;

    snprintf(file, sizeof(file), "%s\\plainfile", dir);
    f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    snprintf(args, sizeof(args), "run --iterations 10 --out \"%s\\sub\"", file);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OUTPUT);
    ck_assert_out_has("plainfile");
    ck_assert_msg(strstr(res.out, "iterations in") == NULL, "the run started despite a bad --out:\n%s", res.out);
    /* Windows' words for the error, with its number, not a bare number */
    ck_assert_out_has("cannot create the directory: ");
    ck_assert_msg(strstr(res.out, "directory: error ") == NULL, "a bare error number:\n%s", res.out);
    ck_assert_out_has("(error ");
}
END_TEST

/* The walking skeleton: 20,000 iterations, two calls, clean end. */
START_TEST(run_20000)
{
    const char *dir = cs_temp_dir("cli-run");
    char args[1024], path[MAX_PATH], *json;
    double samples;

    snprintf(args, sizeof(args), "run --iterations 20000 --call \"Add(1)\" --call \"Echo('x')\" --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_double_eq(cs_json_number(json, "schema_version", 0), 1);
    ck_assert_double_eq(cs_json_number(json, "iterations", 0), 20000);
    ck_assert_double_eq(cs_json_number(json, "live_objects_end", 0), 0);
    ck_assert_double_eq(cs_json_number(json, "server_locks_end", 0), 0);
    samples = cs_json_number(json, "samples", 0);
    ck_assert_msg(samples >= 50, "too few samples: %g", samples);
    snprintf(path, sizeof(path), "%s\\samples.csv", dir);
    ck_assert_int_eq(count_lines(path), (int)samples + 1);
    ck_assert_msg(strstr(json, "\"heap_bytes\"") != NULL, "no heap verdict:\n%s", json);
    free(json);
}
END_TEST

/* The value of "key" in the run whose "cache" is policy (run.json). */
static double run_field(const char *json, const char *policy, const char *key)
{
    char pat[64];
    const char *p;

    snprintf(pat, sizeof(pat), "\"cache\": \"%s\"", policy);
    if (!(p = strstr(json, pat)))
        return NAN;
    return cs_json_number(p, key, 0);
}

/* The heap_bytes verdict word of the run with cache policy. */
static char *heap_verdict(const char *json, const char *policy, char *buf, size_t len)
{
    char pat[64];
    const char *p;

    snprintf(pat, sizeof(pat), "\"cache\": \"%s\"", policy);
    buf[0] = 0;
    if ((p = strstr(json, pat)) && (p = strstr(p, "\"heap_bytes\"")) && (p = strstr(p, "\"verdict\"")))
        sscanf(p, "\"verdict\": \"%31[a-z]", buf);
    return buf;
}

/* The main job: the pass-instance workload under the four policies.
 * Bind counts exactly, memory through the slope verdict. */
START_TEST(compare_shapes)
{
    const char *dir = cs_temp_dir("cli-compare");
    char args[1024], *json, v[32];
    const double n = 3000;

    snprintf(args, sizeof(args), "compare --scenario pass-instance --iterations 3000 --fail-on none --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("instance-unbounded");
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    /* none: one bind per call; type: one bind in all; instance: one per object */
    ck_assert_double_eq(run_field(json, "none", "binds"), n);
    ck_assert_double_eq(run_field(json, "type", "binds"), 1);
    ck_assert_double_eq(run_field(json, "type", "getidsofnames_calls"), 1);
    ck_assert_double_eq(run_field(json, "instance", "binds"), n);
    ck_assert_double_eq(run_field(json, "instance-unbounded", "binds"), n);
    /* instance stays within L1 + L2; unbounded keeps a rule per object */
    ck_assert_msg(run_field(json, "instance", "cache_entries_end") <= 10 + 128, "instance cache not bounded");
    ck_assert_double_eq(run_field(json, "instance-unbounded", "cache_entries_end"), n);
    ck_assert_str_eq(heap_verdict(json, "type", v, sizeof(v)), "clean");
    ck_assert_str_eq(heap_verdict(json, "instance", v, sizeof(v)), "clean");
    ck_assert_str_eq(heap_verdict(json, "instance-unbounded", v, sizeof(v)), "leak");
    ck_assert_msg(run_field(json, "instance-unbounded", "heap_bytes_per_iteration") > 50,
                  "unbounded growth too small: %g", run_field(json, "instance-unbounded", "heap_bytes_per_iteration"));
    ck_assert_double_eq(run_field(json, "type", "live_objects_end"), 0);
    ck_assert_double_eq(run_field(json, "instance-unbounded", "live_objects_end"), 0);
    free(json);
}
END_TEST

/* Threads and apartments: T workers, each with its own loop, in STA or
 * MTA; and the sink in its own STA called through the marshaller. */
START_TEST(threads_and_apartments)
{
    static const char *const variants[] = {
        "--threads 2 --apartment sta", "--threads 8 --apartment mta",
        "--threads 2 --apartment mta --scenario pass-instance --sink-apartment sta --ledger",
    };
    char args[1024], *json;
    size_t i;

    for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        const char *dir = cs_temp_dir("cli-threads");

        /* Release discipline is what is checked here; memory verdicts of
         * such short runs (the marshaller warming up) are not. */
        snprintf(args, sizeof(args), "run --iterations 800 --call \"Add(1)\" --fail-on none --out \"%s\" %s",
                 dir, variants[i]);
        if (strstr(variants[i], "pass-instance"))
            snprintf(args, sizeof(args), "run --iterations 100 --fail-on none --out \"%s\" %s", dir, variants[i]);
        cs_comstress(args, &res);
        ck_assert_exit(CS_EXIT_OK);
        json = cs_read_out(dir, "run.json");
        ck_assert_ptr_nonnull(json);
        ck_assert_double_eq(cs_json_number(json, "iterations", 0), strstr(variants[i], "pass") ? 100 : 800);
        ck_assert_double_eq(cs_json_number(json, "live_objects_end", 0), 0);
        ck_assert_double_eq(cs_json_number(json, "server_locks_end", 0), 0);
        free(json);
    }
}
END_TEST

/* `comstress suite` through comstress.exe itself: the clean
 * create/call/release entries with 1, 2 and 8 threads in both apartment
 * models, each an isolated child with its own run.json. */
START_TEST(suite_run_entries)
{
    const char *dir = cs_temp_dir("cli-suite");
    char args[1024], *json, *run;
    const char *p;
    int entries = 0;

    snprintf(args, sizeof(args), "suite --only run --timeout 60 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(0);
    ck_assert_out_has("6 of 6 scenarios ended as expected");
    json = cs_read_out(dir, "suite.json");
    ck_assert_ptr_nonnull(json);
    for (p = json; (p = strstr(p, "\"as_expected\":true")); p++)
        entries++;
    ck_assert_int_eq(entries, 6);
    free(json);
    run = cs_read_out(dir, "run-8t-mta\\run.json");
    ck_assert_msg(run != NULL, "the 8-thread MTA child left no run.json");
    ck_assert_double_eq(cs_json_number(run, "threads", 0), 8);
    ck_assert_double_eq(cs_json_number(run, "live_objects_end", 0), 0);
    free(run);
}
END_TEST

/* Runs `run` with extra args on a fresh output dir; returns the dir. */
static const char *run_with(const char *tag, const char *extra)
{
    const char *dir = cs_temp_dir(tag);
    char args[2048];

    snprintf(args, sizeof(args), "run --iterations 300 --sample-every 10 --fail-on none --out \"%s\" %s", dir, extra);
    cs_comstress(args, &res);
    return dir;
}

/* A fault must end in exit 1 with exactly this classified line. */
static void expect_finding(const char *tag, const char *extra, const char *line)
{
    run_with(tag, extra);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has(line);
}

START_TEST(clean_run_passes_every_release_check)
{
    const char *dir = run_with("rel-clean", "--ledger --call \"Add(1)\" --call \"Echo('x')\" --call CreateChild --call \"Consume(@obj)\"");
    char *json;

    ck_assert_exit(CS_EXIT_OK);
    ck_assert_msg(strstr(res.out, "leak:") == NULL, "finding on a clean run:\n%s", res.out);
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_double_eq(cs_json_number(json, "outstanding_refs", 0), 0);
    ck_assert_msg(strstr(json, "\"unloaded\": true") || strstr(json, "\"unloaded\":true"),
                  "the DLL did not unload after a clean run:\n%s", json);
    free(json);
}
END_TEST

START_TEST(server_extra_addref)
{
    expect_finding("rel-addref", "--fault extra-addref --call \"Add(1)\"",
                   "object leak: server objects 1 never freed per iteration");
}
END_TEST

START_TEST(server_child_extra_ref)
{
    expect_finding("rel-child", "--ledger --fault child-extra-ref --call CreateChild",
                   "object leak: server objects 1 never freed per iteration");
}
END_TEST

START_TEST(server_internal_child_leak)
{
    expect_finding("rel-internal", "--fault internal-child-leak --call \"Add(1)\"",
                   "object leak: server objects 1 never freed per iteration");
}
END_TEST

START_TEST(server_echo_leaks_bstr)
{
    expect_finding("rel-echo", "--fault echo-leak-bstr --call \"Add(1)\" --call \"Echo('x')\"",
                   "BSTR/CoTaskMem leak: Echo('x'), 1.0 blocks");
    ck_assert_msg(strstr(res.out, "leak: Add(1)") == NULL, "Add blamed too:\n%s", res.out);
}
END_TEST

START_TEST(server_variant_leak_bstr)
{
    expect_finding("rel-variant", "--fault variant-leak --call \"Consume('abc')\"",
                   "BSTR/CoTaskMem leak: Consume('abc'), 1.0 blocks");
}
END_TEST

START_TEST(server_variant_leak_object)
{
    expect_finding("rel-variant-obj", "--ledger --fault variant-leak --scenario pass-instance",
                   "refcount leak: IDispatch from CreateInstance, 1 outstanding per iteration");
}
END_TEST

START_TEST(server_lock_leak_blocks_unload)
{
    expect_finding("rel-lock", "--fault lock-leak --call \"Add(1)\"", "lock leak: 300 server locks never released");
    ck_assert_out_has("unload: the server DLL is still loaded");
}
END_TEST

START_TEST(server_cannot_unload)
{
    expect_finding("rel-unload", "--fault cannot-unload --call \"Add(1)\"",
                   "unload: DllCanUnloadNow says S_FALSE");
}
END_TEST

START_TEST(client_missing_release)
{
    expect_finding("rel-cmr", "--ledger --client-fault missing-release --call \"Add(1)\"",
                   "refcount leak: IDispatch from CreateInstance, 1 outstanding per iteration");
}
END_TEST

START_TEST(client_missing_variantclear)
{
    expect_finding("rel-cmv", "--ledger --client-fault missing-variantclear --call CreateChild --call \"Echo('x')\"",
                   "refcount leak: IDispatch from CreateChild, 1 outstanding per iteration");
    ck_assert_out_has("BSTR/CoTaskMem leak: Echo('x'), 1.0 blocks");
}
END_TEST

START_TEST(client_missing_sysfreestring)
{
    expect_finding("rel-cms", "--client-fault missing-sysfreestring --call \"Add(1)\"",
                   "BSTR/CoTaskMem leak: in the harness outside calls, 1.0 blocks");
}
END_TEST

/* A server call that never returns: --timeout ends the run, the reports
 * are written with the samples gathered, exit 7 names the hang. */
START_TEST(hanging_server_times_out)
{
    const char *dir = run_with("rel-hang", "--fault hang-call:150 --call \"Add(1)\" --timeout 2");
    char *json;

    ck_assert_exit(CS_EXIT_HANG);
    ck_assert_out_has("hang: the workload did not finish within 2 s (150 iterations done");
    json = cs_read_out(dir, "run.json");
    ck_assert_msg(json != NULL, "no run.json after the hang");
    ck_assert_msg(strstr(json, "hang: the workload") != NULL, "run.json lacks the hang:\n%s", json);
    ck_assert_double_eq(cs_json_number(json, "iterations", 0), 150);
    ck_assert_double_eq(cs_json_number(json, "samples", 0), 16);   /* 0, 10, ..., 150 */
    free(json);
    json = cs_read_out(dir, "phase.txt");
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(json, "end hung"));
    free(json);
}
END_TEST

/* A server that crashes the host: one line names the exception, exit 8,
 * the samples and the phase stay on disk, `report` rebuilds the reports. */
START_TEST(crashing_server_keeps_samples)
{
    const char *dir = run_with("rel-crash", "--fault crash-call:150 --call \"Add(1)\"");
    char args[1024], *text;

    ck_assert_exit(CS_EXIT_CRASH);
    ck_assert_out_has("comstress: crashed: 0xc0000005 access violation");
    ck_assert_out_has("comstress report");
    text = cs_read_out(dir, "phase.txt");
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "exception 0xc0000005 access violation"));
    free(text);
    text = cs_read_out(dir, "samples.csv");
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "run/type,150,"));   /* the last sample before the crash */
    free(text);
    snprintf(args, sizeof(args), "report \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_CRASH);              /* as the run itself ended */
    ck_assert_out_has("the run crashed: 0xc0000005 access violation");
    text = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(text);
    ck_assert_double_eq(cs_json_number(text, "iterations", 0), 150);
    ck_assert_msg(strstr(text, "\"error\": \"crashed: 0xc0000005 access violation") != NULL,
                  "run.json does not say the run crashed:\n%s", text);
    free(text);
    text = cs_read_out(dir, "junit.xml");
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "<error") != NULL, "junit.xml has no error element:\n%s", text);
    free(text);
}
END_TEST

START_TEST(list_faults)
{
    cs_comstress("list faults", &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("extra-addref\t");
    ck_assert_out_has("leak-bytes\t");
    cs_comstress("run --fault no-such-fault --iterations 10", &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("unknown fault 'no-such-fault'");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli");
    TCase *bad = tcase_create("bad_input"), *good = tcase_create("runs");
    TCase *faults = tcase_create("release_faults");

    tcase_set_timeout(bad, 0);
    tcase_add_test(bad, version_and_help);
    tcase_add_loop_test(bad, bad_input, 0, sizeof(bad_inputs) / sizeof(bad_inputs[0]));
    tcase_add_test(bad, unknown_member_keeps_report);
    tcase_add_test(bad, a_failure_in_the_first_iteration_comes_first_without_verdicts);
    tcase_add_test(bad, bad_iterations);
    tcase_add_test(bad, unwritable_out);
    tcase_add_test(good, run_20000);
    tcase_add_test(good, compare_shapes);
    tcase_add_test(good, threads_and_apartments);
    tcase_add_test(good, suite_run_entries);
    tcase_add_test(faults, clean_run_passes_every_release_check);
    tcase_add_test(faults, server_extra_addref);
    tcase_add_test(faults, server_child_extra_ref);
    tcase_add_test(faults, server_internal_child_leak);
    tcase_add_test(faults, server_echo_leaks_bstr);
    tcase_add_test(faults, server_variant_leak_bstr);
    tcase_add_test(faults, server_variant_leak_object);
    tcase_add_test(faults, server_lock_leak_blocks_unload);
    tcase_add_test(faults, server_cannot_unload);
    tcase_add_test(faults, client_missing_release);
    tcase_add_test(faults, client_missing_variantclear);
    tcase_add_test(faults, client_missing_sysfreestring);
    tcase_add_test(faults, hanging_server_times_out);
    tcase_add_test(faults, crashing_server_keeps_samples);
    tcase_add_test(faults, list_faults);
    suite_add_tcase(s, faults);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, good);
    return cs_run_suite(s);
}
