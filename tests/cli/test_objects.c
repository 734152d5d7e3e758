/*
 * Object models through `comstress run`: the statements of --script and
 * --call run by the script executor in every iteration (chains, names,
 * each, events, rich arguments), their errors before any work or naming
 * the line that failed, and calls/s counting the calls a statement makes.
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

/* Writes text (bytes as given) to dir\name; returns the path (static). */
static const char *write_script(const char *dir, const char *name, const char *text)
{
    static char path[MAX_PATH];
    FILE *f;

    snprintf(path, sizeof(path), "%s\\%s", dir, name);
    f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Lines of the output starting with "comstress: " (its error lines). */
static int error_lines(void)
{
    const char *p = res.out;
    int n = 0;

    while ((p = strstr(p, "comstress: "))) {
        n++;
        p++;
    }
    return n;
}

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
            * (cs_json_number(json, "seconds", 0) - cs_json_number(json, "sampling_seconds", 0));
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

/* A file that is not there, not UTF-8, or holds only comments. */
START_TEST(a_script_that_cannot_be_used_is_refused_with_one_line)
{
    const char *dir = cs_temp_dir("obj-bad-files");
    char path[MAX_PATH], args[1024];

    snprintf(path, sizeof(path), "%s\\missing.txt", dir);
    snprintf(args, sizeof(args), "run --script \"%s\" --out \"%s\\o\"", path, dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("missing.txt': cannot read it (No such file or directory)");
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

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(a_script_and_command_line_statements_run_in_every_iteration),
        CS_TEST(the_command_line_takes_chains_names_and_rich_arguments),
        CS_TEST(a_malformed_script_line_is_refused_before_anything_is_created),
        CS_TEST(a_script_that_cannot_be_used_is_refused_with_one_line),
        CS_TEST(a_failing_statement_names_its_line_and_member), NULL
    };

    return cs_run_tests("objects", NULL, NULL, tests);
}
