/*
 * Servers as a user meets them through `comstress run` and `list`: --fail-on
 * choosing what fails a run (exit code and junit.xml, run and compare);
 * --dll stressing a DLL through its own class factory and proving its
 * unload; list classes and list members; automation classes that ship
 * with Wine stressed with chained and enumerating scripts.
 */
#include "cli_objects.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --fail-on chooses what fails the run: the unload category left out, an
 * unload finding is still listed, marked, and the run passes, in the exit
 * code and in junit.xml; kept in, it fails, and on our own server (the
 * probe) the line carries no hint. */
START_TEST(fail_on_leaves_a_category_out_of_the_exit_code_and_junit)
{
    char out[MAX_PATH];
    const char *dir = run_with("obj-gate-out", "--fault cannot-unload --call \"Add(1)\" --fail-on leak,refs,objects,blocks");

    snprintf(out, sizeof(out), "%s\\out", dir);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("unload: DllCanUnloadNow says S_FALSE after every object was released (left out by --fail-on)");
    ck_assert_int_eq(junit_failures(out), 0);
    dir = run_with("obj-gate-in", "--fault cannot-unload --call \"Add(1)\" --fail-on unload");
    snprintf(out, sizeof(out), "%s\\out", dir);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has("unload: DllCanUnloadNow says S_FALSE after every object was released\r\n");
    ck_assert_int_eq(junit_failures(out), 1);
}
END_TEST

/* `report DIR --fail-on X` judges a run exactly as the live run with
 * --fail-on X would. Widening: a run that left unload out (exit 0, the
 * line marked) fails under all (exit 1, the line unmarked, junit.xml and
 * run.json failing too), and passes again under its own gate. Narrowing:
 * a run failed by unload passes with unload left out. */
START_TEST(report_judges_a_run_under_the_gate_it_is_given_both_ways)
{
    static const char line[] = "unload: DllCanUnloadNow says S_FALSE after every object was released";
    char out[MAX_PATH], args[1024], *json;
    const char *dir = run_with("obj-gate-widen", "--fault cannot-unload --call \"Add(1)\" "
                               "--fail-on leak,refs,objects,blocks");

    ck_assert_exit(CS_EXIT_OK);
    snprintf(out, sizeof(out), "%s\\out", dir);
    snprintf(args, sizeof(args), "report \"%s\" --fail-on all", out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_msg(strstr(res.out, "(left out by --fail-on)") == NULL, "still left out:\n%s", res.out);
    ck_assert_out_has("  unload: DllCanUnloadNow says S_FALSE after every object was released\r\n");
    ck_assert_int_eq(junit_failures(out), 1);
    json = cs_read_out(out, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"failed\": true") != NULL && strstr(json, "\"fail_on\": \"leak-any,refs,objects,"
                  "blocks,unload,regression\"") != NULL, "run.json does not fail under all:\n%s", json);
    free(json);
    snprintf(args, sizeof(args), "report \"%s\"", out);            /* the run's own gate again */
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("(left out by --fail-on)");
    ck_assert_int_eq(junit_failures(out), 0);
    dir = run_with("obj-gate-narrow", "--fault cannot-unload --call \"Add(1)\"");
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has(line);
    snprintf(out, sizeof(out), "%s\\out", dir);
    snprintf(args, sizeof(args), "report \"%s\" --fail-on leak,refs,objects,blocks", out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("  unload: DllCanUnloadNow says S_FALSE after every object was released (left out by --fail-on)\r\n");
    ck_assert_int_eq(junit_failures(out), 0);
    snprintf(args, sizeof(args), "report \"%s\"", out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
}
END_TEST

/* A leak verdict follows the leak category: a heap leak of 24 bytes a
 * call fails a run judged on leak, passes one judged on objects alone
 * (junit.xml then skips it, saying why); the same in compare. */
START_TEST(fail_on_leaves_leak_verdicts_out_in_run_and_compare)
{
    const char *dir = cs_temp_dir("obj-gate-leak");
    char args[1024], *xml;

    snprintf(args, sizeof(args), "run --fault leak-bytes:24 --call \"Add(1)\" --iterations 3000 --fail-on objects "
             "--out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("heap_bytes         leak");
    xml = cs_read_out(dir, "junit.xml");
    ck_assert_ptr_nonnull(xml);
    ck_assert_msg(strstr(xml, "<failure") == NULL, "junit.xml fails a left-out leak:\n%s", xml);
    ck_assert_msg(strstr(xml, "<skipped message=\"heap_bytes: leak ") != NULL
                  && strstr(xml, "(left out by --fail-on)\"/>") != NULL, "the leak is not skipped:\n%s", xml);
    free(xml);
    snprintf(args, sizeof(args), "report \"%s\" --fail-on leak", dir);   /* widened: the leak gates */
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_int_eq(junit_failures(dir), 1);
    snprintf(args, sizeof(args), "report \"%s\"", dir);                  /* its own gate again */
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_int_eq(junit_failures(dir), 0);
    snprintf(args, sizeof(args), "run --fault leak-bytes:24 --call \"Add(1)\" --iterations 3000 --fail-on leak,objects "
             "--out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_int_eq(junit_failures(dir), 1);
    snprintf(args, sizeof(args), "compare --fault cannot-unload --call \"Add(1)\" --iterations 300 "
             "--fail-on refs,objects --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("(left out by --fail-on)");
    ck_assert_int_eq(junit_failures(dir), 0);
    snprintf(args, sizeof(args), "compare --fault cannot-unload --call \"Add(1)\" --iterations 300 "
             "--fail-on refs,objects,unload --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_int_eq(junit_failures(dir), 1);
}
END_TEST

/* A server that crashes inside DllGetClassObject, loaded with --dll: exit
 * 8 and one line naming the DLL and the exception, for run and for list
 * members (not Wine's debugger, not exit 5). */
START_TEST(a_crash_in_dllgetclassobject_is_exit_8_naming_the_dll)
{
    static const char want[] = "renamed_server.dll': crashed in its DllGetClassObject: 0xc0000005 access "
                               "violation\n";
    const char *dir = cs_temp_dir("obj-dll-crash");
    const char *dll = server_copy(dir);
    char args[2048];

    SetEnvironmentVariableA("COMSTRESS_FAULT", "crash-getclassobject");
    snprintf(args, sizeof(args), "run --dll \"%s\" --target StressTarget --call \"Add(1)\" --iterations 100 "
             "--out \"%s\\out\"", dll, dir);
    cs_comstress(args, &res);
    SetEnvironmentVariableA("COMSTRESS_FAULT", NULL);
    ck_assert_exit(CS_EXIT_CRASH);
    ck_assert_out_has("comstress: --dll '");
    ck_assert_out_has(want);
    ck_assert_int_eq(error_lines(), 1);
    SetEnvironmentVariableA("COMSTRESS_FAULT", "crash-getclassobject");
    snprintf(args, sizeof(args), "list members --dll \"%s\" --target StressTarget", dll);
    cs_comstress(args, &res);
    SetEnvironmentVariableA("COMSTRESS_FAULT", NULL);
    ck_assert_exit(CS_EXIT_CRASH);
    ck_assert_out_has(want);
}
END_TEST

/* --dll: the copy's own class factory makes the objects (its probe counts
 * them: a fault selected in the copy is caught; --trace traces the copy),
 * and the unload proof frees our reference once DllCanUnloadNow agrees. */
START_TEST(a_dll_is_stressed_through_its_own_class_factory_and_unloads)
{
    const char *dir = cs_temp_dir("obj-dll");
    const char *dll = server_copy(dir);
    char args[2048], out[MAX_PATH], *json;

    snprintf(out, sizeof(out), "%s\\out", dir);
    snprintf(args, sizeof(args), "run --dll \"%s\" --target StressTarget --script \"%s\" --ledger --iterations 500 "
             "--out \"%s\"", dll, write_script(dir, "model.txt", clean_model), out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("live objects at end 0, server locks 0");
    json = cs_read_out(out, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"can_unload\": true") && strstr(json, "\"unloaded\": true"),
                  "the DLL did not unload:\n%s", json);
    free(json);
    snprintf(args, sizeof(args), "run --dll \"%s\" --target {a121fc24-c859-4839-9a7f-ee192c2fa321} --iterations 300 "
             "--sample-every 10 --fail-on none --fault enum-item-extra-ref --call \"each Items\" --out \"%s\"", dll, out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has("object leak: server objects 3 never freed per iteration (server live-object counter)");
    ck_assert_out_has("unload: DllCanUnloadNow says S_FALSE after every object was released\r\n");
    /* --trace follows --dll: the copy's allocations are traced */
    snprintf(args, sizeof(args), "run --dll \"%s\" --target StressTarget --trace --fault leak-bytes:24 "
             "--call \"Add(1)\" --iterations 3000 --out \"%s\"", dll, out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has("heap leak: 24 B per call of Add(1), allocated in target_on_call");
}
END_TEST

/* Choosing the class: several creatable ones and no --target is a bad
 * command line naming them; a class the DLL does not serve, a missing
 * file, a DLL that is no COM server: exit 3 with the reason. */
START_TEST(a_dll_class_must_be_named_when_there_are_several)
{
    const char *dir = cs_temp_dir("obj-dll-choose");
    const char *dll = server_copy(dir);
    char args[2048];

    snprintf(args, sizeof(args), "run --dll \"%s\" --call \"Add(1)\" --out \"%s\\o\"", dll, dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("renamed_server.dll': 2 creatable classes, choose one with --target: "
                      "StressTarget {A121FC24-C859-4839-9A7F-EE192C2FA321}, StressProbe {1506B9D1-2102-4530-8DC6-5935F9C390A9}");
    snprintf(args, sizeof(args), "run --dll \"%s\" --target {00000000-1111-2222-3333-444444444444} --call \"Add(1)\" "
             "--out \"%s\\o\"", dll, dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_TARGET);
    ck_assert_out_has("target '{00000000-1111-2222-3333-444444444444}' is not a class of --dll '");
    ck_assert_out_has("(CLASS_E_CLASSNOTAVAILABLE, 0x80040111)");
    snprintf(args, sizeof(args), "run --dll \"%s\\missing.dll\" --call \"Add(1)\" --out \"%s\\o\"", dir, dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_TARGET);
    ck_assert_out_has("missing.dll': cannot load it: ");
    cs_comstress("run --dll C:\\windows\\system32\\kernel32.dll --call \"Add(1)\"", &res);
    ck_assert_exit(CS_EXIT_TARGET);
    ck_assert_out_has("kernel32.dll': not an in-process COM server (no DllGetClassObject)");
    cs_comstress("run --dll x.dll --activation cocreate", &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("--activation cocreate needs a registered target");
    ck_assert_msg(GetFileAttributesA(dir) != INVALID_FILE_ATTRIBUTES, "dir vanished");
}
END_TEST

/* list classes: the creatable classes of the DLL's type library, with
 * the ProgID the registry gives (here, where the original is registered). */
START_TEST(list_classes_names_the_creatable_classes_of_a_dll)
{
    char args[1024];

    snprintf(args, sizeof(args), "list classes --dll \"%s\"", server_copy(cs_temp_dir("obj-list-classes")));
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("StressTarget\t{A121FC24-C859-4839-9A7F-EE192C2FA321}\tComStress.Target\tcomstress target (ComStress.Target)\r\n"
                      "StressProbe\t{1506B9D1-2102-4530-8DC6-5935F9C390A9}\tComStress.Probe\tserver counters (ComStress.Probe)\r\n");
    cs_comstress("list classes", &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("list classes: give the server's --dll PATH");
}
END_TEST

/* list members: one line per member from the type information, the
 * source interface, or one line saying there is none. */
START_TEST(list_members_reads_the_type_information)
{
    char args[1024];

    cs_comstress("list members --target ComStress.Target", &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("class StressTarget {A121FC24-C859-4839-9A7F-EE192C2FA321}\r\ninterface IStressTarget (dual):\r\n"
                      "  method Add(LONG n) -> LONG\r\n  get    Value -> LONG\r\n  put    Value(LONG value)\r\n");
    ck_assert_out_has("  method Swap(in out LONG* a, in out LONG* b)\r\n");
    ck_assert_out_has("  method Range(LONG first, optional LONG last = 10, optional VARIANT step) -> LONG\r\n");
    ck_assert_out_has("  method Sum(SAFEARRAY(VARIANT) values) -> DOUBLE\r\n");
    ck_assert_out_has("  method MakeItems(LONG count) -> SAFEARRAY(VARIANT)\r\n");
    ck_assert_out_has("source DStressTargetEvents (default: advise connects to it):\r\n  method OnFired(LONG n)\r\n");
    cs_comstress("list members --target ComStress.Untyped", &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("ComStress.Untyped offers no type information (IDispatch::GetTypeInfoCount says 0)");
    snprintf(args, sizeof(args), "list members --dll \"%s\" --target StressProbe", server_copy(cs_temp_dir("obj-members")));
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("  method LiveObjects(BSTR className) -> LONG\r\n");
    ck_assert_out_has("no source interface: the class fires no events");
}
END_TEST

/* Scripts for automation classes that ship with Wine, written by no one
 * here, as a script client uses them: chains and enumerations. */
static const char dictionary_script[] =
    "# Scripting.Dictionary as a script uses it\n"
    "Add('a', 1)\n"
    "Add('b', 'two')\n"
    "Add(Key:='c', Item:=[1, 2])\n"
    "Item('a') = 10\n"
    "Exists('b')\n"
    "each @obj\n"
    "Keys\n"
    "Items\n"
    "Count\n"
    "Remove('b')\n"
    "RemoveAll\n";

static const char filesystem_script[] =
    "# Scripting.FileSystemObject as an admin script walks folders\n"
    "@win = GetFolder('C:\\windows')\n"
    "@win.Name\n"
    "@win.SubFolders.Count\n"
    "each @win.SubFolders: Name\n"
    "@drivers = GetFolder('C:\\windows\\system32\\drivers')\n"
    "each @drivers.Files: Size\n"
    "FileExists('C:\\windows\\win.ini')\n"
    "BuildPath('C:\\windows', 'win.ini')\n"
    "each Drives: DriveLetter\n";

static const char regexp_script[] =
    "# VBScript.RegExp: a pattern, its matches and submatches\n"
    "Pattern = '(\\w+)@(\\w+)\\.com'\n"
    "Global = true\n"
    "IgnoreCase = true\n"
    "Test('mail ann@example.com')\n"
    "@matches = Execute('ann@example.com, bob@example.com')\n"
    "@matches.Count\n"
    "each @matches: Value\n"
    "@matches.Item(1).SubMatches.Item(0)\n"
    "Replace('ann@example.com', '$2')\n";

/* Every line of the output is one a passing run prints: the run line,
 * its figures, verdicts, the script line, release lines, the reports. */
static void assert_run_shape(void)
{
    static const char *const starts[] = {
        "run/type: ", "  type policy: ", "  sampling: ", "  heap_", "  working_set_bytes ", "  pagefile_bytes ",
        "  handles ", "  threads ", "  cotaskmem_bytes ", "  cache_", "  live objects at end ", "  script: ",
        "  unload: ", "reports: ",
    };
    const char *line = res.out, *end;
    size_t i;

    for (; *line; line = *end ? end + 1 : end) {
        end = line + strcspn(line, "\n");
        if (end == line || (end == line + 1 && *line == '\r'))
            continue;
        for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
            if (!strncmp(line, starts[i], strlen(starts[i])))
                break;
        if (i == sizeof(starts) / sizeof(starts[0]) && !strstr(line, " metrics clean (--verbose lists every metric)"))
            ck_abort_msg("an unexpected line '%.*s' in:\n%s", (int)(end - line), line, res.out);
    }
}

/* One automation class under a script, --fail-on leaving unload out
 * (they never unload by design): the run passes, its release checks are
 * clean (every reference given back), the script walked what it should. */
static void stress_wine_class(const char *tag, const char *target, const char *script, int iterations,
                              const char *walked)
{
    const char *dir = cs_temp_dir(tag);
    char args[2048], out[MAX_PATH], *json;

    snprintf(out, sizeof(out), "%s\\out", dir);
    snprintf(args, sizeof(args), "run %s --script \"%s\" --ledger --iterations %d --fail-on leak,refs,objects,blocks "
             "--out \"%s\"", target, write_script(dir, "s.txt", script), iterations, out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    assert_run_shape();
    ck_assert_out_has(walked);
    ck_assert_out_has("  unload: DllCanUnloadNow says S_FALSE after every object was released (left out by --fail-on)\r\n");
    ck_assert_msg(strstr(res.out, "leak:") == NULL && strstr(res.out, "sink ") == NULL
                  && strstr(res.out, "use after release") == NULL, "a release finding:\n%s", res.out);
    json = cs_read_out(out, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_double_eq(cs_json_number(json, "iterations", 0), iterations);
    ck_assert_double_eq(cs_json_number(json, "outstanding_refs", 0), 0);
    /* a server that said S_FALSE is never freed, so never said unloaded */
    ck_assert_msg(strstr(json, "\"can_unload\": false") != NULL, "%s", json);
    ck_assert_msg(strstr(json, "\"unloaded\": true") == NULL, "unloaded after S_FALSE:\n%s", json);
    free(json);
}

START_TEST(automation_classes_that_ship_with_wine_pass_with_unload_left_out)
{
    stress_wine_class("obj-wine-dictionary", "--target Scripting.Dictionary", dictionary_script, 3000,
                      "  script: 11 statements an iteration, 9000 items walked in 3000 each\r\n");
    ck_assert_out_has("  unload: the server DLL is still loaded after CoFreeUnusedLibrariesEx(0, 0) (left out by --fail-on)\r\n");
    stress_wine_class("obj-wine-fso", "--target Scripting.FileSystemObject", filesystem_script, 300,
                      " items walked in 900 each\r\n");
    stress_wine_class("obj-wine-regexp", "--target VBScript.RegExp", regexp_script, 2000,
                      "  script: 9 statements an iteration, 4000 items walked in 2000 each\r\n");
    /* the same DLL loaded by --dll: the unload proof asks, never frees */
    stress_wine_class("obj-wine-dll", "--dll C:\\windows\\system32\\scrrun.dll --target Dictionary",
                      dictionary_script, 3000, "  script: 11 statements an iteration, 9000 items walked in 3000 each\r\n");
    ck_assert_msg(strstr(res.out, "still loaded") == NULL, "--dll freed a DLL that said S_FALSE:\n%s", res.out);
}
END_TEST

/* With the default gate, a server that is not ours fails on unload, and
 * the line says how to leave that category out. */
START_TEST(an_unload_failure_of_a_server_not_ours_says_how_to_leave_it_out)
{
    const char *dir = cs_temp_dir("obj-wine-hint");
    char args[1024];

    snprintf(args, sizeof(args), "run --target Scripting.Dictionary --call \"Add('k', 1)\" --call \"each @obj\" "
             "--iterations 500 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has("  unload: DllCanUnloadNow says S_FALSE after every object was released (a server that never "
                      "unloads by design: --fail-on leak,refs,objects,blocks,regression)\r\n");
    ck_assert_out_has("  unload: the server DLL is still loaded after CoFreeUnusedLibrariesEx(0, 0)\r\n");
    ck_assert_int_eq(junit_failures(dir), 1);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(fail_on_leaves_a_category_out_of_the_exit_code_and_junit),
        CS_TEST(fail_on_leaves_leak_verdicts_out_in_run_and_compare),
        CS_TEST(report_judges_a_run_under_the_gate_it_is_given_both_ways),
        CS_TEST(a_crash_in_dllgetclassobject_is_exit_8_naming_the_dll),
        CS_TEST(a_dll_is_stressed_through_its_own_class_factory_and_unloads),
        CS_TEST(a_dll_class_must_be_named_when_there_are_several),
        CS_TEST(list_classes_names_the_creatable_classes_of_a_dll),
        CS_TEST(list_members_reads_the_type_information),
        CS_TEST(automation_classes_that_ship_with_wine_pass_with_unload_left_out),
        CS_TEST(an_unload_failure_of_a_server_not_ours_says_how_to_leave_it_out), NULL
    };

    return cs_run_tests("servers", NULL, NULL, tests);
}
