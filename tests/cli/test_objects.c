/*
 * Object models through `comstress run`: the statements of --script and
 * --call run by the script executor in every iteration (chains, names,
 * each, events, rich arguments), their errors before any work or naming
 * the line that failed, calls/s counting the calls a statement makes; the
 * clean object model passing every check, and every fault of the object
 * model, server side and client side, caught with its exact line.
 */
#include "cli_objects.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

/* A script and command-line statements together: the script's lines
 * first, then each --call; every object released (ledger and server
 * counters at zero); calls/s counts what the statements call: CreateChild,
 * Add, Items + _NewEnum + 4 Next + 3 Name, Range = 12 a iteration. */
START_TEST(a_script_and_command_line_statements_run_in_every_iteration)
{
    const char *dir = cs_temp_dir("obj-script");
    const char *script = write_script(dir, "model.txt",
        "# a child, a name, an enumeration\r\n"
        "@c = CreateChild()\r\n"
        "\r\n"
        "@c.Add(2)\r\n"
        "each Items: Name\r\n");
    char args[1024], out[MAX_PATH], *json;
    double calls;

    snprintf(out, sizeof(out), "%s\\out", dir);
    snprintf(args, sizeof(args), "run --script \"%s\" --call \"Range(1,,3)\" --ledger --iterations 2000 "
             "--out \"%s\"", script, out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    json = cs_read_out(out, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"calls\": \"@c = CreateChild(); @c.Add(2); each Items: Name; Range(1,,3)\"") != NULL,
                  "the statements are not in run.json in order:\n%s", json);
    ck_assert_double_eq(cs_json_number(json, "iterations", 0), 2000);
    ck_assert_double_eq(cs_json_number(json, "outstanding_refs", 0), 0);
    ck_assert_double_eq(cs_json_number(json, "live_objects_end", 0), 0);
    calls = cs_json_number(json, "calls_per_second", 0)
            * cs_json_number(json, "loop_seconds", 0);
    ck_assert_msg(fabs(calls - 12 * 2000) < 12 * 2000 * 0.005, "%.0f calls counted, not 24000", calls);
    free(json);
}
END_TEST

/* The command line takes every statement form: a chain with an omitted
 * argument, a name bound then used, an out argument, an array. */
START_TEST(the_command_line_takes_chains_names_and_rich_arguments)
{
    const char *dir = cs_temp_dir("obj-calls");
    char args[1024];

    snprintf(args, sizeof(args), "run --call \"CreateChild().Range(1,,3)\" --call \"@c = Items.Item(2)\" "
             "--call \"@c.Name = 'two'\" --call \"GetPair(out @a, out @b)\" --call \"Sum([1, 2.5, '3'])\" "
             "--ledger --iterations 500 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("live objects at end 0, server locks 0");
}
END_TEST

/* A malformed line: exit 2, one line naming the file, the line and the
 * column, and nothing created on disk. */
START_TEST(a_malformed_script_line_is_refused_before_anything_is_created)
{
    const char *dir = cs_temp_dir("obj-bad-script");
    const char *script = write_script(dir, "bad.txt", "Add(1)\n# a comment\n\nAdd(1,\n");
    char never[MAX_PATH], args[1024], line[MAX_PATH + 100];

    snprintf(never, sizeof(never), "%s\\never", dir);
    snprintf(args, sizeof(args), "run --script \"%s\" --out \"%s\"", script, never);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    snprintf(line, sizeof(line), "comstress: --script '%s': line 4: Add(1,: expected an argument at column 7", script);
    ck_assert_msg(strstr(res.out, line) != NULL, "output lacks '%s':\n%s", line, res.out);
    ck_assert_int_eq(error_lines(), 1);
    ck_assert_msg(GetFileAttributesA(never) == INVALID_FILE_ATTRIBUTES, "--out was created");
}
END_TEST

/* A file that is not there, a directory, not UTF-8, or holds only
 * comments. */
START_TEST(a_script_that_cannot_be_used_is_refused_with_one_line)
{
    const char *dir = cs_temp_dir("obj-bad-files");
    char path[MAX_PATH], args[1024];

    snprintf(path, sizeof(path), "%s\\missing.txt", dir);
    snprintf(args, sizeof(args), "run --script \"%s\" --out \"%s\\o\"", path, dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("missing.txt': cannot read it (No such file or directory)");
    snprintf(args, sizeof(args), "run --script \"%s\" --out \"%s\\o\"", dir, dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("': is a directory, not a file");
    snprintf(args, sizeof(args), "run --script \"%s\" --out \"%s\\o\"",
             write_script(dir, "latin1.txt", "Echo('caf\xe9')\n"), dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("latin1.txt': not UTF-8 text");
    snprintf(args, sizeof(args), "run --script \"%s\" --out \"%s\\o\"",
             write_script(dir, "empty.txt", "# nothing\n\n   \n"), dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("empty.txt': no statement in it (only blank lines and comments)");
    ck_assert_int_eq(error_lines(), 1);
}
END_TEST

/* A statement that fails at run time names its line, the member and the
 * HRESULT; exit 4 with the reports written. */
START_TEST(a_failing_statement_names_its_line_and_member)
{
    const char *dir = cs_temp_dir("obj-run-error");
    const char *script = write_script(dir, "s.txt", "Add(1)\nItems.Item(9).Name\n");
    char args[1024], out[MAX_PATH], *json;

    snprintf(out, sizeof(out), "%s\\out", dir);
    snprintf(args, sizeof(args), "run --script \"%s\" --iterations 10 --out \"%s\"", script, out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_CALL);
    ck_assert_out_has("comstress: ComStress.Target: line 2: Items.Item(9).Name: Item: ");
    ck_assert_out_has("(DISP_E_BADINDEX, 0x8002000b)");
    json = cs_read_out(out, "run.json");
    ck_assert_msg(json != NULL && strstr(json, "line 2: Items.Item(9).Name") != NULL, "run.json lacks the error");
    free(json);
}
END_TEST

/* With the ledger on, in one and two threads: every item walked and every
 * event received, no finding, every reference given back, no server
 * object left, and the DLL unloads. */
START_TEST(the_clean_object_model_passes_every_check_in_one_and_two_threads)
{
    int threads;

    for (threads = 1; threads <= 2; threads++) {
        const char *dir = cs_temp_dir(threads == 1 ? "obj-clean-1" : "obj-clean-2");
        char args[2048], out[MAX_PATH], *json;

        snprintf(out, sizeof(out), "%s\\out", dir);
        snprintf(args, sizeof(args), "run --script \"%s\" --ledger --threads %d --iterations 1000 --out \"%s\"",
                 write_script(dir, "model.txt", clean_model), threads, out);
        cs_comstress(args, &res);
        ck_assert_exit(CS_EXIT_OK);
        /* every item walked (4, then 3 through the clone), every event
         * received (Fire on @obj and on @child) */
        ck_assert_out_has("script: 17 statements an iteration, 7000 items walked in 2000 each, "
                          "2000 events received by 2000 sinks");
        ck_assert_msg(strstr(res.out, "leak:") == NULL && strstr(res.out, "sink ") == NULL
                      && strstr(res.out, "unload:") == NULL, "a finding on the clean model:\n%s", res.out);
        json = cs_read_out(out, "run.json");
        ck_assert_ptr_nonnull(json);
        ck_assert_double_eq(cs_json_number(json, "threads", 0), threads);
        ck_assert_double_eq(cs_json_number(json, "iterations", 0), 1000);
        ck_assert_double_eq(cs_json_number(json, "outstanding_refs", 0), 0);
        ck_assert_double_eq(cs_json_number(json, "use_after_release", 0), 0);
        ck_assert_double_eq(cs_json_number(json, "live_objects_end", 0), 0);
        ck_assert_double_eq(cs_json_number(json, "locks_end", 0), 0);
        ck_assert_msg(strstr(json, "\"unloaded\": true") != NULL, "the DLL did not unload:\n%s", json);
        free(json);
    }
}
END_TEST

/* Server faults of the object model, each caught by the statement that
 * meets it. */
START_TEST(server_enumerator_items_with_an_extra_reference)
{
    expect_finding("obj-enum-item", "--ledger --fault enum-item-extra-ref --call \"each Items: Name\"",
                   "object leak: server objects 3 never freed per iteration (server live-object counter)");
}
END_TEST

/* The leaked clone holds the collection, which holds its three items. */
START_TEST(server_clone_leaks_the_clone)
{
    expect_finding("obj-clone", "--ledger --fault enum-clone-leak --call \"each clone Items: Name\"",
                   "object leak: server objects 5 never freed per iteration (server live-object counter)");
}
END_TEST

START_TEST(server_newenum_with_an_extra_reference)
{
    expect_finding("obj-newenum", "--ledger --fault newenum-extra-ref --call \"each Items\"",
                   "object leak: server objects 5 never freed per iteration (server live-object counter)");
}
END_TEST

START_TEST(server_keeps_the_sink_after_unadvise)
{
    expect_script_finding("obj-unadvise", "advise @obj\nFire(2)\nunadvise @obj\n",
                          "--ledger --fault unadvise-keeps-sink",
                          "sink leak: the server kept our sink alive after Unadvise (line 1: advise @obj), "
                          "1 held per iteration, 1 reference each (iterations 1..300)");
    ck_assert_msg(strstr(res.out, "object leak") == NULL, "the source was blamed too:\n%s", res.out);
}
END_TEST

/* A weak sink (it holds nothing) on a child let go while connected. */
START_TEST(server_destroyed_while_advised_keeps_its_sinks)
{
    expect_script_finding("obj-destroy", "@child = CreateChild()\nadvise weak @child\n@child.Fire(1)\n",
                          "--ledger --fault destroy-keeps-sinks",
                          "sink leak: the released source never released our sink (advised weak, never "
                          "unadvised) (line 2: advise weak @child), 1 held per iteration, 1 reference each "
                          "(iterations 1..300)");
}
END_TEST

/* A client's variables passed by reference: the object and the string
 * they held are overwritten, never released or freed. */
START_TEST(server_out_parameters_overwritten_without_clearing)
{
    expect_script_finding("obj-out", "@first = CreateChild()\n@second = Echo('text')\n"
                          "GetPair(out @first, out @second)\n", "--ledger --fault out-overwrite-leak",
                          "refcount leak: IDispatch from CreateChild, 1 outstanding per iteration (iterations 1..300)");
    ck_assert_out_has("BSTR/CoTaskMem leak: line 2: @second = Echo('text'), 1.0 blocks (32 bytes) per call");
    ck_assert_out_has("object leak: server objects 1 never freed per iteration");
}
END_TEST

/* The same script on a clean server: blocks the first calls of a member
 * leave for good (its type information) are no leak, even in a run as
 * short as 300 iterations: only the loss after the warm-up is judged. */
START_TEST(out_parameters_on_a_clean_server_leave_nothing)
{
    const char *dir = cs_temp_dir("obj-out-clean");
    char args[2048];

    snprintf(args, sizeof(args), "run --iterations 300 --sample-every 10 --fail-on none --out \"%s\\out\" "
             "--script \"%s\" --ledger", dir, write_script(dir, "s.txt", "@first = CreateChild()\n"
             "@second = Echo('text')\nGetPair(out @first, out @second)\n"));
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_msg(strstr(res.out, "leak:") == NULL, "a finding on a clean server:\n%s", res.out);
}
END_TEST

START_TEST(server_array_elements_with_an_extra_reference)
{
    expect_finding("obj-array", "--ledger --fault array-element-leak --call \"MakeItems(3)\"",
                   "object leak: server objects 3 never freed per iteration (server live-object counter)");
}
END_TEST

/* Client faults of the harness's own executor. */
START_TEST(client_enumerated_items_never_released)
{
    expect_finding("obj-c-item", "--ledger --client-fault missing-item-release --call \"each Items: Name\"",
                   "refcount leak: IDispatch from each Items: Name, 3 outstanding per iteration (iterations 1..300)");
    ck_assert_out_has("object leak: server objects 3 never freed per iteration");
}
END_TEST

START_TEST(client_enumerator_never_released)
{
    expect_finding("obj-c-enum", "--ledger --client-fault missing-enum-release --call \"each Items\"",
                   "object leak: server objects 5 never freed per iteration (server live-object counter)");
}
END_TEST

START_TEST(client_never_unadvises)
{
    expect_script_finding("obj-c-unadvise", "advise @obj\nFire(1)\nunadvise @obj\n",
                          "--ledger --client-fault missing-unadvise",
                          "sink cycle: never unadvised: our sink and its source hold each other "
                          "(line 1: advise @obj), 1 held per iteration, 1 reference each (iterations 1..300)");
    ck_assert_out_has("object leak: server objects 1 never freed per iteration");
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_script_and_command_line_statements_run_in_every_iteration),
        CS_TEST(the_command_line_takes_chains_names_and_rich_arguments),
        CS_TEST(a_malformed_script_line_is_refused_before_anything_is_created),
        CS_TEST(a_script_that_cannot_be_used_is_refused_with_one_line),
        CS_TEST(a_failing_statement_names_its_line_and_member),
        CS_TEST(the_clean_object_model_passes_every_check_in_one_and_two_threads),
        CS_TEST(server_enumerator_items_with_an_extra_reference),
        CS_TEST(server_clone_leaks_the_clone),
        CS_TEST(server_newenum_with_an_extra_reference),
        CS_TEST(server_keeps_the_sink_after_unadvise),
        CS_TEST(server_destroyed_while_advised_keeps_its_sinks),
        CS_TEST(server_out_parameters_overwritten_without_clearing),
        CS_TEST(out_parameters_on_a_clean_server_leave_nothing),
        CS_TEST(server_array_elements_with_an_extra_reference),
        CS_TEST(client_enumerated_items_never_released),
        CS_TEST(client_enumerator_never_released),
        CS_TEST(client_never_unadvises), NULL
    };

    return cs_run_tests("objects", NULL, NULL, tests);
}
