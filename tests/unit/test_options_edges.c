/*
 * Suite "options_edges": the command-line parser (core/options) at the
 * inputs test_options does not reach: each bad word gets its own exact
 * line and exit 2, each good one the field it sets; the limits of the
 * lists (--call, --trace-module), the path room, the soak options, the
 * positionals of report, list and child, and cs_options_main.
 */
#include "cs_unit.h"
#include "options.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static cs_options o;
static char err[CS_ERR_LEN];

/* Parses a NULL-terminated word list after the program name. */
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

/* The usage exit and exactly the line expected. */
static void refused(int rc, const char *line)
{
    ck_int_eq(rc, CS_EXIT_USAGE);
    ck_assert_str_eq(err, line);
}

START_TEST(a_number_that_is_empty_infinite_or_out_of_range_is_refused)
{
    refused(parse("run", "--max-leak", "", NULL), "--max-leak: '' is not a non-negative number of bytes");
    refused(parse("run", "--max-leak", "1e999", NULL), "--max-leak: '1e999' is not a non-negative number of bytes");
    refused(parse("run", "--max-leak", "inf", NULL), "--max-leak: 'inf' is not a non-negative number of bytes");
    refused(parse("run", "--max-leak", "nan", NULL), "--max-leak: 'nan' is not a non-negative number of bytes");
    refused(parse("run", "--max-leak", "3x", NULL), "--max-leak: '3x' is not a non-negative number of bytes");
    refused(parse("child", "unload-race", "--seconds", "0", NULL),
            "--seconds: '0' is not a duration from 0 to 3600 seconds");
    refused(parse("child", "unload-race", "--seconds", "3600.5", NULL),
            "--seconds: '3600.5' is not a duration from 0 to 3600 seconds");
    ck_int_eq(parse("child", "unload-race", "--seconds", "0.25", NULL), CS_EXIT_OK);
    ck_assert(o.life.seconds == 0.25);
    ck_int_eq(parse("child", "unload-race", "--seconds", "3600", NULL), CS_EXIT_OK);
    ck_assert(o.life.seconds == 3600);
}
END_TEST

START_TEST(trace_modules_are_kept_in_order_up_to_eight_and_ask_for_tracing)
{
    ck_int_eq(parse("run", "--trace-module", "a.dll", "--trace-module=b.dll", NULL), CS_EXIT_OK);
    ck_int_eq(o.ntrace_modules, 2);
    ck_assert_str_eq(o.trace_modules[0], "a.dll");
    ck_assert_str_eq(o.trace_modules[1], "b.dll");
    ck_int_eq(o.trace, 1);
    ck_int_eq(parse("run", "--trace-module", "1", "--trace-module", "2", "--trace-module", "3",
                    "--trace-module", "4", "--trace-module", "5", "--trace-module", "6",
                    "--trace-module", "7", "--trace-module", "8", NULL), CS_EXIT_OK);
    ck_int_eq(o.ntrace_modules, 8);
    ck_assert_str_eq(o.trace_modules[7], "8");
    refused(parse("run", "--trace-module", "1", "--trace-module", "2", "--trace-module", "3",
                  "--trace-module", "4", "--trace-module", "5", "--trace-module", "6",
                  "--trace-module", "7", "--trace-module", "8", "--trace-module", "9", NULL),
            "--trace-module: at most 8 modules");
    refused(parse("run", "--trace-module", "", NULL), "--trace-module: empty module name");
    ck_int_eq(parse("run", NULL), CS_EXIT_OK);
    ck_int_eq(o.trace, 0);
}
END_TEST

START_TEST(sixteen_calls_are_taken_and_a_seventeenth_is_refused)
{
    char *argv[40];
    int argc = 0, i;

    argv[argc++] = "comstress";
    argv[argc++] = "run";
    for (i = 0; i < 16; i++) {
        argv[argc++] = "--call";
        argv[argc++] = i == 15 ? "Last()" : "Add(1)";
    }
    argv[argc] = NULL;
    ck_int_eq(cs_options_parse(argc, argv, &o, err, sizeof(err)), CS_EXIT_OK);
    ck_int_eq(o.ncalls, 16);
    ck_assert_str_eq(o.calls[15], "Last()");
    argv[argc++] = "--call=Extra()";
    argv[argc] = NULL;
    ck_int_eq(cs_options_parse(argc, argv, &o, err, sizeof(err)), CS_EXIT_USAGE);
    ck_assert_str_eq(err, "--call: at most 16 calls");
}
END_TEST

START_TEST(a_directory_option_leaves_room_for_the_names_under_it)
{
    static char path[CS_PATH_LEN];

    memset(path, 'd', CS_PATH_LEN - CS_PATH_ROOM);          /* 3968 bytes: the most */
    path[CS_PATH_LEN - CS_PATH_ROOM] = 0;
    ck_int_eq(parse("run", "--out", path, NULL), CS_EXIT_OK);
    ck_int_eq(strlen(o.out_dir), 3968);
    ck_int_eq(parse("report", path, NULL), CS_EXIT_OK);
    ck_assert_ptr_eq(o.report_dir, path);
    path[CS_PATH_LEN - CS_PATH_ROOM] = 'd';                   /* 3969 */
    path[CS_PATH_LEN - CS_PATH_ROOM + 1] = 0;
    refused(parse("run", "--out", path, NULL),
            "--out: a path of 3969 bytes is longer than the 3968 this option takes");
    refused(parse("report", path, NULL), "report: a path of 3969 bytes is longer than the 3968 it takes");
    refused(parse("run", "--out", "", NULL), "--out: empty directory name");
}
END_TEST

START_TEST(a_debug_directory_asks_for_tracing)
{
    ck_int_eq(parse("run", "--debug-dir", "Z:/dbg", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.debug_dir, "Z:/dbg");
    ck_int_eq(o.trace, 1);
    ck_int_eq(parse("run", "--baseline", "Z:/old", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.baseline, "Z:/old");
    ck_int_eq(o.trace, 0);
    refused(parse("run", "--debug-dir", "", NULL), "--debug-dir: empty directory name");
}
END_TEST

START_TEST(a_duration_makes_a_soak_run_and_excludes_iterations)
{
    ck_int_eq(parse("run", "--duration", "2h", NULL), CS_EXIT_OK);
    ck_assert(o.duration_s == 7200);
    ck_int_eq(o.iterations, CS_SOAK_ITERATIONS);
    ck_int_eq(parse("run", "--duration=90s", "--warmup", "1000", NULL), CS_EXIT_OK);
    ck_assert(o.duration_s == 90);
    ck_int_eq(o.warmup, 1000);
    refused(parse("run", "--duration", "10m", "--iterations", "500", NULL),
            "--duration and --iterations: give one (a soak run lasts --duration, a counted run --iterations)");
    refused(parse("run", "--iterations", "500", "--duration", "10m", NULL),
            "--duration and --iterations: give one (a soak run lasts --duration, a counted run --iterations)");
    refused(parse("run", "--duration", "10y", NULL), "--duration: '10y' has a unit that is not s, m, h or d");
    refused(parse("compare", "--duration", "", NULL),
            "--duration: '' is not a duration (a number with s, m, h or d: 30s, 10m, 8h)");
    ck_int_eq(parse("run", "--iterations", "500", NULL), CS_EXIT_OK);
    ck_assert(o.duration_s == 0);
    ck_int_eq(o.iterations, 500);
}
END_TEST

START_TEST(progress_takes_off_or_seconds_from_a_tenth_to_an_hour)
{
    ck_int_eq(parse("run", "--progress", "off", NULL), CS_EXIT_OK);
    ck_assert(o.progress_s == -1);
    ck_int_eq(parse("run", "--progress", "0.1", NULL), CS_EXIT_OK);
    ck_assert(o.progress_s == 0.1);
    ck_int_eq(parse("run", "--progress=3600", NULL), CS_EXIT_OK);
    ck_assert(o.progress_s == 3600);
    ck_int_eq(parse("run", NULL), CS_EXIT_OK);
    ck_assert(o.progress_s == 0);
    refused(parse("run", "--progress", "0.09", NULL),
            "--progress: '0.09' is not off or a number of seconds from 0.1 to 3600");
    refused(parse("run", "--progress", "3601", NULL),
            "--progress: '3601' is not off or a number of seconds from 0.1 to 3600");
    refused(parse("run", "--progress", "Off", NULL),
            "--progress: 'Off' is not off or a number of seconds from 0.1 to 3600");
    refused(parse("run", "--progress", "", NULL),
            "--progress: '' is not off or a number of seconds from 0.1 to 3600");
}
END_TEST

START_TEST(help_is_asked_by_its_three_words_anywhere)
{
    ck_int_eq(parse("-h", NULL), CS_EXIT_OK);
    ck_int_eq(o.command, CS_CMD_HELP);
    ck_int_eq(parse("help", "whatever", NULL), CS_EXIT_OK);
    ck_int_eq(o.command, CS_CMD_HELP);
    ck_int_eq(parse("suite", "--timeout", "5", "-h", "--bogus", NULL), CS_EXIT_OK);
    ck_int_eq(o.command, CS_CMD_HELP);
    refused(parse("--version", "run", NULL), "--version takes nothing after it (see --help)");
    refused(parse("Run", NULL), "unknown command 'Run' (run, compare, report, list, suite, explore; see --help)");
}
END_TEST

START_TEST(a_second_positional_word_is_refused_for_each_command)
{
    refused(parse("report", "Z:/a", "Z:/b", NULL), "unexpected argument 'Z:/b' (see --help)");
    refused(parse("list", "faults", "policies", NULL), "unexpected argument 'policies' (see --help)");
    refused(parse("child", "crash", "again", NULL), "child crash: unexpected argument 'again'");
    refused(parse("run", "-x", NULL), "unexpected argument '-x' (see --help)");
    refused(parse("child", NULL), "child: missing scenario name "
            "(tls-unload, unload-deadlock, unload-race, crash, hang, pascal-tls)");
    refused(parse("child", "--threads", "2", NULL), "child: missing scenario name "
            "(tls-unload, unload-deadlock, unload-race, crash, hang, pascal-tls)");
}
END_TEST

START_TEST(list_takes_each_of_its_words_and_classes_needs_a_dll)
{
    ck_int_eq(parse("list", "members", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.list_what, "members");
    ck_assert_str_eq(o.target, "ComStress.Target");
    ck_int_eq(parse("list", "policies", "--target", "My.Thing", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.target, "My.Thing");
    refused(parse("list", "classes", NULL), "list classes: give the server's --dll PATH");
    ck_int_eq(parse("list", "classes", "--dll", "Z:/s.dll", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.list_what, "classes");
    ck_assert_str_eq(o.dll, "Z:/s.dll");
    ck_assert_ptr_null(o.target);
    ck_int_eq(parse("list", "members", "--dll", "Z:/s.dll", NULL), CS_EXIT_OK);
    ck_assert_ptr_null(o.target);
}
END_TEST

START_TEST(a_dll_run_has_no_default_target_and_cannot_cocreate)
{
    ck_int_eq(parse("run", "--dll", "Z:/s.dll", NULL), CS_EXIT_OK);
    ck_assert_ptr_null(o.target);
    ck_int_eq(o.activation, CS_ACT_FACTORY);
    ck_int_eq(parse("run", "--dll", "Z:/s.dll", "--target", "Thing", NULL), CS_EXIT_OK);
    ck_assert_str_eq(o.target, "Thing");
    refused(parse("run", "--dll", "Z:/s.dll", "--activation", "cocreate", NULL),
            "--activation cocreate needs a registered target: --dll makes objects "
            "through the DLL's own class factory");
    refused(parse("run", "--activation", "spawn", NULL),
            "--activation: unknown value 'spawn' (factory, cocreate)");
}
END_TEST

START_TEST(explore_keeps_a_given_gate_and_target)
{
    ck_int_eq(parse("explore", NULL), CS_EXIT_OK);
    ck_int_eq(o.fail_on, CS_FAIL_DEFAULT);
    ck_assert_str_eq(o.target, "ComStress.Target");
    ck_int_eq(parse("explore", "--fail-on", "refs", "--target", "X.Y", NULL), CS_EXIT_OK);
    ck_int_eq(o.fail_on, CS_FAIL_REFS);
    ck_assert_str_eq(o.target, "X.Y");
    ck_int_eq(parse("explore", "--dll", "Z:/s.dll", "--depth", "4", "--dry-run", NULL), CS_EXIT_OK);
    ck_assert_ptr_null(o.target);
    ck_int_eq(o.explore.depth, 4);
    ck_int_eq(o.explore.dry_run, 1);
    refused(parse("explore", "--depth", "5", NULL), "--depth: '5' is too large: a depth from 0 to 4");
    refused(parse("explore", "--iterations", "19", NULL),
            "--iterations: '19' is not a whole number from 20 to 100000000");
}
END_TEST

START_TEST(an_unknown_option_with_a_value_is_named_without_it)
{
    char longname[64];

    refused(parse("run", "--bogus=3", NULL), "unknown option '--bogus' (see --help)");
    refused(parse("run", "--only=x", NULL), "unknown option '--only' for run (it belongs to suite; see --help)");
    refused(parse("suite", "--iterations", "5", NULL),
            "unknown option '--iterations' for suite (it belongs to run; see --help)");
    /* a name too long for the name buffer is quoted whole, value and all */
    snprintf(longname, sizeof(longname), "--%s=1", "abcdefghijklmnopqrstuvwxyz01234");
    refused(parse("run", longname, NULL),
            "unknown option '--abcdefghijklmnopqrstuvwxyz01234=1' (see --help)");
    refused(parse("run", "--ledger=yes", NULL), "--ledger: takes no value");
}
END_TEST

START_TEST(a_fault_name_is_short_lower_case_letters_digits_and_dashes)
{
    char name[64], big[80];
    long param;

    memset(big, 'a', 64);
    big[64] = 0;
    refused(cs_fault_split(big, name, sizeof(name), &param, err, sizeof(err)),
            "--fault: the name in 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' "
            "is longer than 63 characters");
    big[63] = 0;
    ck_int_eq(cs_fault_split(big, name, sizeof(name), &param, err, sizeof(err)), CS_EXIT_OK);
    ck_int_eq(strlen(name), 63);
    ck_int_eq(param, -1);
    refused(cs_fault_split("Leak", name, sizeof(name), &param, err, sizeof(err)),
            "--fault: 'Leak' is not a fault name (lower-case letters, digits, '-')");
    refused(cs_fault_split("leak_bytes", name, sizeof(name), &param, err, sizeof(err)),
            "--fault: 'leak_bytes' is not a fault name (lower-case letters, digits, '-')");
    refused(cs_fault_split("leak{", name, sizeof(name), &param, err, sizeof(err)),
            "--fault: 'leak{' is not a fault name (lower-case letters, digits, '-')");
    ck_int_eq(cs_fault_split("leak-9:2147483647", name, sizeof(name), &param, err, sizeof(err)), CS_EXIT_OK);
    ck_assert_str_eq(name, "leak-9");
    ck_int_eq(param, 2147483647);
    refused(cs_fault_split("leak:2147483648", name, sizeof(name), &param, err, sizeof(err)),
            "--fault: parameter '2147483648' of leak is not a whole number from 1 to 2147483647 "
            "(leave it out for the fault's default)");
    refused(cs_fault_split("leak:", name, sizeof(name), &param, err, sizeof(err)),
            "--fault: parameter '' of leak is not a whole number from 1 to 2147483647 "
            "(leave it out for the fault's default)");
    refused(parse("run", "--fault", ":3", NULL),
            "--fault: ':3' has no fault name (NAME or NAME:PARAM; see list faults)");
}
END_TEST

START_TEST(options_main_prints_help_and_version_and_says_when_to_run)
{
    char *help[] = { "comstress", "--help", NULL };
    char *version[] = { "comstress", "--version", NULL };
    char *run[] = { "comstress", "run", "--threads", "3", NULL };
    char *bad[] = { "comstress", "run", "--threads", "65", NULL };
    int done = -1;

    ck_int_eq(cs_options_main(2, help, &o, "comstress", &done), CS_EXIT_OK);
    ck_int_eq(done, 1);
    ck_int_eq(o.command, CS_CMD_HELP);
    done = -1;
    ck_int_eq(cs_options_main(2, version, &o, "comstress", &done), CS_EXIT_OK);
    ck_int_eq(done, 1);
    ck_int_eq(o.command, CS_CMD_VERSION);
    done = -1;
    ck_int_eq(cs_options_main(4, run, &o, "comstress", &done), CS_EXIT_OK);
    ck_int_eq(done, 0);
    ck_int_eq(o.threads, 3);
    done = -1;
    ck_int_eq(cs_options_main(4, bad, &o, "comstress", &done), CS_EXIT_USAGE);
    ck_int_eq(done, 1);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_number_that_is_empty_infinite_or_out_of_range_is_refused),
        CS_TEST(trace_modules_are_kept_in_order_up_to_eight_and_ask_for_tracing),
        CS_TEST(sixteen_calls_are_taken_and_a_seventeenth_is_refused),
        CS_TEST(a_directory_option_leaves_room_for_the_names_under_it),
        CS_TEST(a_debug_directory_asks_for_tracing),
        CS_TEST(a_duration_makes_a_soak_run_and_excludes_iterations),
        CS_TEST(progress_takes_off_or_seconds_from_a_tenth_to_an_hour),
        CS_TEST(help_is_asked_by_its_three_words_anywhere),
        CS_TEST(a_second_positional_word_is_refused_for_each_command),
        CS_TEST(list_takes_each_of_its_words_and_classes_needs_a_dll),
        CS_TEST(a_dll_run_has_no_default_target_and_cannot_cocreate),
        CS_TEST(explore_keeps_a_given_gate_and_target),
        CS_TEST(an_unknown_option_with_a_value_is_named_without_it),
        CS_TEST(a_fault_name_is_short_lower_case_letters_digits_and_dashes),
        CS_TEST(options_main_prints_help_and_version_and_says_when_to_run),
        NULL
    };

    return cs_run_tests("options_edges", NULL, NULL, tests);
}
