/* Unit tests of comstress's command-line parser (core/options). */
#include "cs_unit.h"
#include "options.h"
#include <string.h>
#include <stdarg.h>

static cs_options o;
static char err[512];

/* Parses a NULL-terminated word list. */
static int parse(const char *first, ...)
{
    char *argv[64];
    int argc = 0;
    va_list ap;
    const char *w;

    argv[argc++] = "comstress";
    va_start(ap, first);
    for (w = first; w && argc < 63; w = va_arg(ap, const char *))
        argv[argc++] = (char *)w;
    va_end(ap);
    argv[argc] = NULL;
    return cs_options_parse(argc, argv, &o, err, sizeof(err));
}

START_TEST(defaults)
{
    ck_assert_int_eq(parse("run", NULL), CS_EXIT_OK);
    ck_assert_int_eq(o.command, CS_CMD_RUN);
    ck_assert_str_eq(o.target, "ComStress.Target");
    ck_assert_int_eq(o.iterations, 20000);
    ck_assert_int_eq(o.warmup, -1);
    ck_int_eq(o.cache, CS_POLICY_TYPE);
    ck_assert_str_eq(cs_policy_names[o.cache], "type");
    ck_assert_int_eq(o.threads, 1);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_LEAK | CS_FAIL_REFS | CS_FAIL_OBJECTS | CS_FAIL_BLOCKS | CS_FAIL_UNLOAD
                      | CS_FAIL_REGRESSION);
    ck_assert_uint_eq(o.ncalls, 0);
}
END_TEST

START_TEST(all_options)
{
    ck_assert_int_eq(parse("compare", "--target", "{a121fc24-c859-4839-9a7f-ee192c2fa321}",
                           "--call", "Add(1)", "--call=Echo('x y')", "--iterations", "500",
                           "--warmup", "50", "--sample-every", "5", "--out", "Z:/tmp/x",
                           "--cache", "instance-unbounded", "--scenario", "pass-instance",
                           "--activation", "cocreate", "--threads", "8", "--apartment", "mta",
                           "--max-leak", "2.5", "--fail-on", "none", "--fault", "leak-bytes:24",
                           "--ledger", "--client-fault", "missing-release", "--bstr-cache", "on", NULL),
                     CS_EXIT_OK);
    ck_assert_int_eq(o.command, CS_CMD_COMPARE);
    ck_assert_uint_eq(o.ncalls, 2);
    ck_assert_str_eq(o.calls[1], "Echo('x y')");
    ck_assert_int_eq(o.iterations, 500);
    ck_assert_int_eq(o.warmup, 50);
    ck_assert_int_eq(o.sample_every, 5);
    ck_assert_str_eq(o.out_dir, "Z:/tmp/x");
    ck_int_eq(o.cache, CS_POLICY_INSTANCE_UNBOUNDED);
    ck_assert_int_eq(o.scenario, CS_SCEN_PASS_INSTANCE);
    ck_assert_int_eq(o.activation, CS_ACT_COCREATE);
    ck_assert_int_eq(o.threads, 8);
    ck_assert_int_eq(o.apartment_mta, 1);
    ck_assert(o.max_leak == 2.5);
    ck_assert_uint_eq(o.fail_on & (CS_FAIL_LEAK | CS_FAIL_LEAK_ANY), 0);
    ck_assert_str_eq(o.fault, "leak-bytes:24");
    ck_assert_int_eq(o.ledger, 1);
    ck_assert_int_eq(o.client_fault, CS_CF_MISSING_RELEASE);
    ck_assert_int_eq(o.bstr_cache, 1);
}
END_TEST

/* Each bad input: usage exit code and a message naming the culprit. */
static void bad(int rc, const char *needle)
{
    ck_assert_int_eq(rc, CS_EXIT_USAGE);
    ck_assert_msg(strstr(err, needle) != NULL, "message '%s' lacks '%s'", err, needle);
    ck_assert_msg(strchr(err, '\n') == NULL, "message must be one line: '%s'", err);
}

START_TEST(bad_inputs)
{
    bad(parse(NULL), "no command");
    bad(parse("frobnicate", NULL), "unknown command 'frobnicate'");
    bad(parse("run", "--iterations", NULL), "--iterations: missing value");
    bad(parse("run", "--iterations", "ten", NULL), "'ten' is not a positive whole number");
    bad(parse("run", "--iterations", "-5", NULL), "'-5'");
    bad(parse("run", "--iterations", "0", NULL), "'0'");
    bad(parse("run", "--iterations", "12x", NULL), "'12x'");
    bad(parse("run", "--iterations", "99999999999999999999999", NULL), "is too large: a positive whole number");
    bad(parse("run", "--cache", "lru", NULL), "unknown policy 'lru'");
    bad(parse("run", "--threads", "0", NULL), "--threads");
    bad(parse("run", "--apartment", "both", NULL), "'both' is not sta or mta");
    bad(parse("run", "--bogus", "1", NULL), "unknown option '--bogus'");
    bad(parse("run", "--bogus", NULL), "unknown option '--bogus'");
    bad(parse("run", "--call", "", NULL), "empty call");
    bad(parse("run", "--iterations", "10", "--warmup", "10", NULL), "--warmup");
    bad(parse("run", "stray", NULL), "unexpected argument 'stray'");
    bad(parse("list", NULL), "say what to list");
    bad(parse("list", "cats", NULL), "unknown list 'cats'");
    bad(parse("report", NULL), "missing DIR");
    bad(parse("run", "--max-leak", "-1", NULL), "--max-leak");
    bad(parse("run", "--client-fault", "typo", NULL), "unknown fault 'typo'");
    bad(parse("run", "--bstr-cache", "maybe", NULL), "'maybe' is not on or off");
    bad(parse("run", "--sink-apartment", "sta", NULL), "needs --scenario pass-instance");
    bad(parse("run", "--sink-apartment", "xyz", NULL), "'xyz' is not sta or same");
    bad(parse("run", "--plan", "fast", NULL), "'fast' is not vtable or invoke");
    bad(parse("run", "--fail-on", "memory", NULL), "'memory' is not leak, leak-any, refs, objects, blocks, unload, regression, all or none");
    bad(parse("run", "--timeout", "0", NULL), "--timeout: '0'");
}
END_TEST

START_TEST(help_and_positionals)
{
    ck_assert_int_eq(parse("run", "--fail-on", "leak-any", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_ALL);
    ck_assert_int_eq(parse("run", "--help", NULL), CS_EXIT_OK);
    ck_assert_int_eq(o.command, CS_CMD_HELP);
    ck_assert_int_eq(parse("--version", NULL), CS_EXIT_OK);
    ck_assert_int_eq(o.command, CS_CMD_VERSION);
    ck_assert_int_eq(parse("report", "Z:/tmp/r", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.report_dir, "Z:/tmp/r");
    ck_assert_int_eq(parse("list", "faults", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.list_what, "faults");
    ck_assert_ptr_nonnull(strstr(cs_usage(), "--iterations"));
}
END_TEST

START_TEST(parse_defaults_and_errors)
{
    char *ok[] = { "tls-unload", "--cycles", "7", "--variant", "fixed", "--pin" };
    char *bad_variant[] = { "tls-unload", "--variant", "leaking" };
    char *bad_threads[] = { "unload-race", "--threads", "0" };
    char *bad_name[] = { "tls-load" };
    char *missing[] = { "tls-unload", "--cycles" };
    cs_life_options o;
    char err[300];

    ck_int_eq(cs_life_parse(6, ok, &o, err, sizeof(err)), 0);
    ck_int_eq(o.cycles, 7);
    ck_int_eq(o.fixed, 1);
    ck_int_eq(o.pin, 1);
    ck_int_eq(o.threads, 4);
    ck_int_eq(o.block_size, 4096);
    ck_int_eq(cs_life_parse(3, bad_variant, &o, err, sizeof(err)), 2);
    ck_assert_ptr_nonnull(strstr(err, "--variant: 'leaking'"));
    ck_int_eq(cs_life_parse(3, bad_threads, &o, err, sizeof(err)), 2);
    ck_assert_ptr_nonnull(strstr(err, "--threads: '0'"));
    ck_int_eq(cs_life_parse(1, bad_name, &o, err, sizeof(err)), 2);
    ck_assert_ptr_nonnull(strstr(err, "'tls-load'"));
    ck_int_eq(cs_life_parse(2, missing, &o, err, sizeof(err)), 2);
    ck_assert_ptr_nonnull(strstr(err, "--cycles: missing value"));
}
END_TEST

START_TEST(pascal_tls_variants_and_libraries)
{
    char *ok[] = { "pascal-tls", "--library", "record", "--variant", "pool" };
    char *dflt[] = { "pascal-tls" };
    char *fixed[] = { "pascal-tls", "--variant", "fixed" };
    char *ended_c[] = { "tls-unload", "--variant", "ended" };
    char *bad_lib[] = { "pascal-tls", "--library", "delphi" };
    cs_life_options o;
    char err[300];

    ck_int_eq(cs_life_parse(5, ok, &o, err, sizeof(err)), 0);
    ck_assert_str_eq(o.library, "record");
    ck_int_eq(o.fixed, CS_LIFE_POOL);
    ck_int_eq(cs_life_parse(1, dflt, &o, err, sizeof(err)), 0);
    ck_assert_str_eq(o.library, "seed");
    ck_int_eq(o.fixed, CS_LIFE_LEAKY);
    ck_int_eq(cs_life_parse(3, fixed, &o, err, sizeof(err)), 2);
    ck_assert_ptr_nonnull(strstr(err, "child pascal-tls: --variant fixed does not exist"));
    ck_int_eq(cs_life_parse(3, ended_c, &o, err, sizeof(err)), 2);
    ck_assert_ptr_nonnull(strstr(err, "child tls-unload: --variant is leaky or fixed"));
    ck_int_eq(cs_life_parse(3, bad_lib, &o, err, sizeof(err)), 2);
    ck_assert_ptr_nonnull(strstr(err, "--library"));
}
END_TEST

START_TEST(leak_threshold)
{
    ck_int_eq(cs_tls_is_leak(4096.0 * 4, 4096), 1);
    ck_int_eq(cs_tls_is_leak(1025, 4096), 1);
    ck_int_eq(cs_tls_is_leak(1023, 4096), 0);
    ck_int_eq(cs_tls_is_leak(-300, 4096), 0);
}
END_TEST

/* Each command line a careless or hostile user may type: exit 2 and one
 * line naming the culprit, before any work. */
static const struct refused { const char *words[6]; const char *says; } refused[] = {
    { { "run", "--fault", "leak-bytes:abc" }, "parameter 'abc' of leak-bytes" },
    { { "run", "--fault", ":5" }, "':5' has no fault name" },
    { { "run", "--fault", "Leak Bytes" }, "'Leak Bytes' is not a fault name" },
    { { "run", "--fault", "leak-bytes:99999999999" }, "is not a whole number from 1 to 2147483647" },
    { { "run", "--iterations", "99999999999999999999" }, "--iterations: '99999999999999999999' is too large: a "
      "positive whole number" },
    { { "run", "--threads", "65" }, "--threads: '65' is too large: a number from 1 to 64" },
    { { "run", "--fault", "crash-call:0" }, "--fault: parameter '0' of crash-call is not a whole number from 1 to "
      "2147483647 (leave it out for the fault's default)" },
    { { "run", "--timeout", "4294968" }, "--timeout: '4294968' is too large: a whole number of seconds from 1 to 4294967" },
    { { "run", "--cycles", "5" }, "unknown option '--cycles' for run (it belongs to child" },
    { { "suite", "--iterations", "5" }, "unknown option '--iterations' for suite (it belongs to run" },
    { { "child", "tls-unload", "--call", "Add(1)" }, "unknown option '--call' for child" },
    { { "run", "--ledger=yes" }, "--ledger: takes no value" },
    { { "suite", "--timeout", "inf" }, "--timeout: 'inf' is not a number of seconds from 1 to 86400" },
    { { "child", "unload-race", "--seconds", "nan" }, "--seconds: 'nan' is not a duration" },
    { { "run", "--max-leak", "1e999" }, "--max-leak: '1e999'" },
    /* a fuzz finding: an option of another subcommand after --version
     * indexed the command names past their end */
    { { "--version", "--threads", "4" }, "--version takes nothing after it" },
};

START_TEST(hostile_command_lines_are_refused_with_one_line)
{
    const struct refused *r = &refused[_i];
    char *argv[8] = { "comstress" };
    int argc = 1;

    while (argc <= 6 && r->words[argc - 1])
        argv[argc] = (char *)r->words[argc - 1], argc++;
    ck_assert_int_eq(cs_options_parse(argc, argv, &o, err, sizeof(err)), CS_EXIT_USAGE);
    ck_assert_msg(strstr(err, r->says) != NULL, "case %d: '%s' lacks '%s'", _i, err, r->says);
    ck_assert_msg(strchr(err, '\n') == NULL, "case %d: more than one line: '%s'", _i, err);
}
END_TEST

START_TEST(the_longest_timeout_and_a_fault_parameter_are_kept)
{
    char *help_then_foreign[] = { "comstress", "help", "--threads", "4", NULL };
    char name[64];
    long param;

    ck_assert_int_eq(parse("run", "--timeout", "4294967", "--fault", "leak-bytes:24", NULL), CS_EXIT_OK);
    ck_assert_int_eq(o.timeout_s, 4294967);
    ck_assert_int_eq(cs_fault_split(o.fault, name, sizeof(name), &param, err, sizeof(err)), 0);
    ck_assert_str_eq(name, "leak-bytes");
    ck_int_eq(param, 24);
    ck_assert_int_eq(cs_fault_split("hang-call", name, sizeof(name), &param, err, sizeof(err)), 0);
    ck_int_eq(param, -1);
    /* help is a whole command: what follows it is not read */
    ck_assert_int_eq(cs_options_parse(4, help_then_foreign, &o, err, sizeof(err)), CS_EXIT_OK);
    ck_assert_int_eq(o.command, CS_CMD_HELP);
}
END_TEST

START_TEST(the_heap_mode_and_the_calls_same_scenario_are_parsed)
{
    ck_assert_int_eq(parse("run", NULL), CS_EXIT_OK);
    ck_assert_int_eq(o.heap_lfh, 0);
    ck_assert_int_eq(parse("compare", "--heap", "lfh", "--scenario", "calls-same", NULL), CS_EXIT_OK);
    ck_assert_int_eq(o.heap_lfh, 1);
    ck_assert_int_eq(o.scenario, CS_SCEN_CALLS_SAME);
    ck_assert_int_eq(parse("run", "--heap", "lfh", "--heap", "default", NULL), CS_EXIT_OK);
    ck_assert_int_eq(o.heap_lfh, 0);
    bad(parse("run", "--heap", "lowfrag", NULL), "--heap: 'lowfrag' is not lfh or default");
    bad(parse("suite", "--heap", "lfh", NULL), "unknown option '--heap'");
    ck_assert_int_eq(o.heap_walk_every, 0);
    ck_assert_int_eq(parse("compare", "--heap-walk", "every", NULL), CS_EXIT_OK);
    ck_assert_int_eq(o.heap_walk_every, 1);
    ck_assert_int_eq(parse("run", "--heap-walk", "every", "--heap-walk", "budget", NULL), CS_EXIT_OK);
    ck_assert_int_eq(o.heap_walk_every, 0);
    bad(parse("run", "--heap-walk", "always", NULL), "--heap-walk: 'always' is not budget or every");
    bad(parse("report", "--heap-walk", "every", NULL), "'--heap-walk'");
    bad(parse("run", "--scenario", "calls-same", "--sink-apartment", "sta", NULL),
        "needs --scenario pass-instance");
}
END_TEST

/* --script names a file (read by the command, not here); the executor's
 * client faults are words of --client-fault like the harness's own. */
START_TEST(a_script_file_and_the_object_model_client_faults_are_taken)
{
    static const struct { const char *word; cs_client_fault f; } faults[] = {
        { "missing-item-release", CS_CF_MISSING_ITEM_RELEASE },
        { "missing-enum-release", CS_CF_MISSING_ENUM_RELEASE },
        { "missing-unadvise", CS_CF_MISSING_UNADVISE },
        { "missing-variantclear", CS_CF_MISSING_VARIANTCLEAR },
        { "slow-walks", CS_CF_SLOW_WALKS },
    };
    size_t i;

    ck_assert_int_eq(parse("run", "--script", "Z:/tmp/model.txt", "--call", "each Items: Name", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.script, "Z:/tmp/model.txt");
    ck_assert_uint_eq(o.ncalls, 1);
    ck_assert_str_eq(o.calls[0], "each Items: Name");
    ck_assert_int_eq(parse("compare", "--script=Z:/s.txt", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.script, "Z:/s.txt");
    for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        ck_assert_int_eq(parse("run", "--client-fault", faults[i].word, NULL), CS_EXIT_OK);
        ck_assert_int_eq(o.client_fault, faults[i].f);
    }
    bad(parse("run", "--script", "", NULL), "--script: empty script path");
    bad(parse("report", "Z:/r", "--script", "a.txt", NULL), "unknown option '--script' for report");
    bad(parse("run", "--client-fault", "missing-unadvice", NULL),
        "--client-fault: unknown fault 'missing-unadvice' (missing-release, missing-variantclear, "
        "missing-sysfreestring, missing-item-release, missing-enum-release, missing-unadvise, samples-full, "
        "slow-walks)");
}
END_TEST

/* --fail-on takes a comma-separated list of categories, taken as it
 * stands when it names a release category; the first version's words
 * (leak, leak-any, none) keep every release category, as they did. The
 * words come back in a fixed order. */
START_TEST(fail_on_takes_a_list_of_categories)
{
    char words[96];

    ck_assert_int_eq(parse("run", "--fail-on", "leak,refs,objects", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_LEAK | CS_FAIL_REFS | CS_FAIL_OBJECTS);
    ck_assert_str_eq(cs_fail_on_words(o.fail_on, words, sizeof(words)), "leak,refs,objects");
    ck_assert_int_eq(parse("compare", "--fail-on=unload,refs", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_REFS | CS_FAIL_UNLOAD);
    ck_assert_int_eq(parse("run", "--fail-on", "leak-any,blocks", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_LEAK | CS_FAIL_LEAK_ANY | CS_FAIL_BLOCKS);
    ck_assert_str_eq(cs_fail_on_words(o.fail_on, words, sizeof(words)), "leak-any,blocks");
    ck_assert_int_eq(parse("run", "--fail-on", "all", NULL), CS_EXIT_OK);
    ck_assert_str_eq(cs_fail_on_words(o.fail_on, words, sizeof(words)), "leak-any,refs,objects,blocks,unload,regression");
    /* the first version's words */
    ck_assert_int_eq(parse("run", "--fail-on", "leak", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_DEFAULT);
    ck_assert_int_eq(parse("run", "--fail-on", "leak-any", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_DEFAULT | CS_FAIL_LEAK_ANY);
    ck_assert_int_eq(parse("run", "--fail-on", "none", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_REFS | CS_FAIL_OBJECTS | CS_FAIL_BLOCKS | CS_FAIL_UNLOAD
                      | CS_FAIL_REGRESSION);
    ck_assert_str_eq(cs_fail_on_words(o.fail_on, words, sizeof(words)), "none");
    /* regression: named, or kept by a list that names no release category */
    ck_assert_int_eq(parse("run", "--fail-on", "leak,refs,objects,blocks", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on & CS_FAIL_REGRESSION, 0);
    ck_assert_int_eq(parse("run", "--fail-on", "leak,refs,objects,blocks,regression", NULL), CS_EXIT_OK);
    ck_assert_str_eq(cs_fail_on_words(o.fail_on, words, sizeof(words)), "leak,refs,objects,blocks,regression");
    ck_assert_int_eq(parse("run", "--fail-on", "regression", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_RELEASE | CS_FAIL_REGRESSION);
    ck_assert_ptr_null(cs_fail_on_words(CS_FAIL_LEAK, words, sizeof(words)));   /* no value says it */
    /* report: not given is 0 (each run's own gate); given, the gate whole */
    ck_assert_int_eq(parse("report", "Z:/r", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, 0);
    ck_assert_int_eq(parse("report", "Z:/r", "--fail-on", "objects,leak-any", NULL), CS_EXIT_OK);
    ck_assert_uint_eq(o.fail_on, CS_FAIL_LEAK | CS_FAIL_LEAK_ANY | CS_FAIL_OBJECTS);
    bad(parse("run", "--fail-on", "leak,,refs", NULL), "--fail-on: 'leak,,refs' has an empty category");
    bad(parse("run", "--fail-on", "leak,", NULL), "has an empty category");
    bad(parse("run", "--fail-on", "none,unload", NULL), "--fail-on: none cannot be combined");
    bad(parse("run", "--fail-on", "refs,unloads", NULL), "--fail-on: 'unloads' is not leak, leak-any");
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(defaults), CS_TEST(all_options), CS_TEST(bad_inputs),
        CS_TEST(a_script_file_and_the_object_model_client_faults_are_taken),
        CS_TEST(fail_on_takes_a_list_of_categories),
        CS_TEST(help_and_positionals), CS_TEST(parse_defaults_and_errors),
        CS_TEST(pascal_tls_variants_and_libraries), CS_TEST(leak_threshold), NULL
    };

    Suite *s = suite_create("options");
    TCase *tc = tcase_create("hostile");
    int rc;

    tcase_add_loop_test(tc, hostile_command_lines_are_refused_with_one_line, 0,
                        sizeof(refused) / sizeof(refused[0]));
    tcase_add_test(tc, the_longest_timeout_and_a_fault_parameter_are_kept);
    tcase_add_test(tc, the_heap_mode_and_the_calls_same_scenario_are_parsed);
    suite_add_tcase(s, tc);
    rc = cs_run_suite(s);
    return cs_run_tests("options", NULL, NULL, tests) || rc;
}
