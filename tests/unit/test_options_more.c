/*
 * comstress's command-line parser (core/options) on the words a user can
 * get wrong: each refused with exit 2 and one line naming the option and
 * the value, and the values that set more than their own field.
 */
#include "cs_unit.h"
#include "options.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cs_options o;
static char err[CS_ERR_LEN];

/* Parses words (NULL-terminated, after "comstress"). */
static int parse_words(const char *const *words)
{
    char *argv[64];
    int argc = 0;

    argv[argc++] = "comstress";
    while (*words && argc < 63)
        argv[argc++] = (char *)*words++;
    argv[argc] = NULL;
    return cs_options_parse(argc, argv, &o, err, sizeof(err));
}

#define PARSE(...) parse_words((const char *const[]){ __VA_ARGS__, NULL })

static const struct refused {
    const char *words[8];
    const char *err;
} refused[] = {
    { { "run", "--iterations", "-5", NULL }, "--iterations: '-5' is not a positive whole number" },
    { { "run", "--iterations", "99999999999999999999", NULL }, "--iterations: '99999999999999999999' is too large: a positive whole number" },
    { { "run", "--max-leak", "abc", NULL }, "--max-leak: 'abc' is not a non-negative number of bytes" },
    { { "run", "--max-leak", "inf", NULL }, "--max-leak: 'inf' is not a non-negative number of bytes" },
    { { "run", "--max-leak", "-1", NULL }, "--max-leak: '-1' is not a non-negative number of bytes" },
    { { "run", "--progress", "0.05", NULL }, "--progress: '0.05' is not off or a number of seconds from 0.1 to 3600" },
    { { "run", "--progress", "3601", NULL }, "--progress: '3601' is not off or a number of seconds from 0.1 to 3600" },
    { { "run", "--progress", "x", NULL }, "--progress: 'x' is not off or a number of seconds from 0.1 to 3600" },
    { { "run", "--duration", "10m", "--iterations", "100", NULL }, "--duration and --iterations: give one (a soak run lasts --duration, a counted run --iterations)" },
    { { "run", "--duration", "nonsense", NULL }, "--duration: 'nonsense' is not a duration (a number with s, m, h or d: 30s, 10m, 8h)" },
    { { "run", "--dll", "x.dll", "--activation", "cocreate", NULL }, "--activation cocreate needs a registered target: --dll makes objects through the DLL's own class factory" },
    { { "run", "--sink-apartment", "sta", NULL }, "--sink-apartment sta needs --scenario pass-instance" },
    { { "run", "--apartment", "xyz", NULL }, "--apartment: 'xyz' is not sta or mta" },
    { { "run", "--cache", "bogus", NULL }, "--cache: unknown policy 'bogus' (none, type, instance, instance-unbounded)" },
    { { "run", "--verbose=1", NULL }, "--verbose: takes no value" },
    { { "run", "--target", NULL }, "--target: missing value" },
    { { "run", "--target=", NULL }, "--target: empty ProgID/CLSID" },
    { { "run", "--fault", "Bad", NULL }, "--fault: 'Bad' is not a fault name (lower-case letters, digits, '-')" },
    { { "run", "--fault", ":3", NULL }, "--fault: ':3' has no fault name (NAME or NAME:PARAM; see list faults)" },
    { { "run", "--fault", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", NULL }, "--fault: the name in 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz' is longer than 63 characters" },
    { { "run", "--fault", "leak-bytes:0", NULL }, "--fault: parameter '0' of leak-bytes is not a whole number from 1 to 2147483647 (leave it out for the fault's default)" },
    { { "run", "--warmup", "100", "--iterations", "100", NULL }, "--warmup: 100 is not below --iterations 100" },
    { { "run", "stray", NULL }, "unexpected argument 'stray' (see --help)" },
    { { "run", "--averyveryverylongoptionnamethatisover32=1", NULL }, "unknown option '--averyveryverylongoptionnamethatisover32=1' (see --help)" },
    { { "run", "--nonsense=1", NULL }, "unknown option '--nonsense' (see --help)" },
    { { "list", NULL }, "list: say what to list (faults, policies, classes, members)" },
    { { "list", "bogus", NULL }, "list: unknown list 'bogus' (faults, policies, classes, members)" },
    { { "list", "classes", NULL }, "list classes: give the server's --dll PATH" },
    { { "report", NULL }, "report: missing DIR (comstress report DIR)" },
    { { "report", "d", "extra", NULL }, "unexpected argument 'extra' (see --help)" },
    { { "child", NULL }, "child: missing scenario name (tls-unload, unload-deadlock, unload-race, crash, hang, pascal-tls)" },
    { { "child", "bogus", NULL }, "child: unknown scenario 'bogus' (tls-unload, unload-deadlock, unload-race, crash, hang, pascal-tls)" },
    { { "child", "crash", "extra", NULL }, "child crash: unexpected argument 'extra'" },
    { { "child", "pascal-tls", "--variant", "fixed", NULL }, "child pascal-tls: --variant fixed does not exist (leaky, ended, pool, dll-threads)" },
    { { "child", "crash", "--variant", "pool", NULL }, "child crash: --variant is leaky or fixed" },
    { { "--version", "x", NULL }, "--version takes nothing after it (see --help)" },
};

START_TEST(each_wrong_word_is_refused_with_exit_2_and_one_line_naming_it)
{
    size_t i;

    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        ck_assert_msg(parse_words(refused[i].words) == CS_EXIT_USAGE, "%s %s: exit not 2", refused[i].words[0],
                      refused[i].words[1] ? refused[i].words[1] : "");
        ck_assert_str_eq(err, refused[i].err);
    }
}
END_TEST

START_TEST(progress_off_a_soak_debug_files_and_modules_set_what_they_imply)
{
    long param;
    char name[64];

    ck_int_eq(PARSE("run", "--progress", "off"), CS_EXIT_OK);
    ck_assert(o.progress_s == -1);
    ck_int_eq(PARSE("run", "--progress", "0.1"), CS_EXIT_OK);
    ck_assert(o.progress_s == 0.1);
    ck_int_eq(PARSE("run", "--duration", "10m"), CS_EXIT_OK);
    ck_assert(o.duration_s == 600);
    ck_assert(o.iterations == CS_SOAK_ITERATIONS);
    ck_int_eq(PARSE("run", "--debug-dir", "dbg"), CS_EXIT_OK);
    ck_assert_str_eq(o.debug_dir, "dbg");
    ck_int_eq(o.trace, 1);
    ck_int_eq(PARSE("run", "--trace-module", "a.dll", "--trace-module=b.dll"), CS_EXIT_OK);
    ck_int_eq(o.ntrace_modules, 2);
    ck_assert_str_eq(o.trace_modules[1], "b.dll");
    ck_int_eq(o.trace, 1);
    ck_int_eq(PARSE("run", "--fault", "leak-bytes"), CS_EXIT_OK);
    ck_assert_str_eq(o.fault, "leak-bytes");
    ck_int_eq(cs_fault_split("leak-bytes", name, sizeof(name), &param, err, sizeof(err)), CS_EXIT_OK);
    ck_assert_str_eq(name, "leak-bytes");
    ck_int_eq(param, -1);
    ck_int_eq(cs_fault_split("leak-bytes:2147483647", name, sizeof(name), &param, err, sizeof(err)), CS_EXIT_OK);
    ck_int_eq(param, 2147483647);
}
END_TEST

START_TEST(list_takes_a_target_by_default_and_classes_only_from_a_dll)
{
    ck_int_eq(PARSE("list", "members"), CS_EXIT_OK);
    ck_assert_str_eq(o.list_what, "members");
    ck_assert_str_eq(o.target, "ComStress.Target");
    ck_int_eq(PARSE("list", "classes", "--dll", "x.dll"), CS_EXIT_OK);
    ck_assert_str_eq(o.dll, "x.dll");
    ck_assert_ptr_null(o.target);
    ck_int_eq(PARSE("list", "members", "--dll", "x.dll"), CS_EXIT_OK);
    ck_assert_ptr_null(o.target);
}
END_TEST

START_TEST(help_anywhere_and_version_alone_are_whole_commands)
{
    ck_int_eq(PARSE("help"), CS_EXIT_OK);
    ck_int_eq(o.command, CS_CMD_HELP);
    ck_int_eq(PARSE("explore", "--help"), CS_EXIT_OK);
    ck_int_eq(o.command, CS_CMD_HELP);
    ck_int_eq(PARSE("run", "--iterations", "500", "-h"), CS_EXIT_OK);
    ck_int_eq(o.command, CS_CMD_HELP);
    ck_int_eq(PARSE("--version"), CS_EXIT_OK);
    ck_int_eq(o.command, CS_CMD_VERSION);
}
END_TEST

START_TEST(lists_and_paths_are_refused_past_their_limits)
{
    const char *modules[20], *calls[40];
    char *path = malloc(CS_PATH_LEN);
    size_t i, n = 0;

    modules[n++] = "run";
    for (i = 0; i <= CS_MAX_TRACE_MODULES; i++) {
        modules[n++] = "--trace-module";
        modules[n++] = "m.dll";
    }
    modules[n] = NULL;
    ck_int_eq(parse_words(modules), CS_EXIT_USAGE);
    ck_assert_str_eq(err, "--trace-module: at most 8 modules");
    n = 0;
    calls[n++] = "run";
    for (i = 0; i <= CS_MAX_CALLS; i++)
        calls[n++] = "--call=Add(1)";
    calls[n] = NULL;
    ck_int_eq(parse_words(calls), CS_EXIT_USAGE);
    ck_assert_str_eq(err, "--call: at most 16 calls");
    ck_assert_ptr_nonnull(path);
    memset(path, 'd', CS_PATH_LEN - CS_PATH_ROOM + 1);
    path[CS_PATH_LEN - CS_PATH_ROOM + 1] = 0;
    ck_int_eq(PARSE("run", "--out", path), CS_EXIT_USAGE);
    ck_assert_str_eq(err, "--out: a path of 3969 bytes is longer than the 3968 this option takes");
    ck_int_eq(PARSE("report", path), CS_EXIT_USAGE);
    ck_assert_str_eq(err, "report: a path of 3969 bytes is longer than the 3968 it takes");
    path[CS_PATH_LEN - CS_PATH_ROOM] = 0;
    ck_int_eq(PARSE("report", path), CS_EXIT_OK);
    ck_int_eq(strlen(o.report_dir), 3968);
    free(path);
}
END_TEST

START_TEST(the_main_entry_says_whether_the_command_is_done)
{
    char *help[] = { "comstress", "--help", NULL }, *run[] = { "comstress", "run", NULL };
    char *bad[] = { "comstress", "run", "--threads", "0", NULL };
    int done = -1;

    ck_int_eq(cs_options_main(2, help, &o, "comstress", &done), CS_EXIT_OK);
    ck_int_eq(done, 1);
    ck_int_eq(cs_options_main(2, run, &o, "comstress", &done), CS_EXIT_OK);
    ck_int_eq(done, 0);
    ck_int_eq(cs_options_main(4, bad, &o, "comstress", &done), CS_EXIT_USAGE);
    ck_int_eq(done, 1);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(each_wrong_word_is_refused_with_exit_2_and_one_line_naming_it),
        CS_TEST(progress_off_a_soak_debug_files_and_modules_set_what_they_imply),
        CS_TEST(list_takes_a_target_by_default_and_classes_only_from_a_dll),
        CS_TEST(help_anywhere_and_version_alone_are_whole_commands),
        CS_TEST(lists_and_paths_are_refused_past_their_limits),
        CS_TEST(the_main_entry_says_whether_the_command_is_done),
        NULL
    };

    return cs_run_tests("options_more", NULL, NULL, tests);
}
