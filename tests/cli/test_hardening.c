/*
 * Suite "hardening": comstress.exe used as a careless or hostile user
 * would. Text reaches COM and the reports exactly, bad command lines are
 * refused before any work, an output directory belongs to one run, and
 * no file a run leaves says it passed when it did not.
 */
#include "cli_objects.h"
#include "paths.h"
#include "utf8.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* é, 日本 and U+1F600, which UTF-16 holds as a surrogate pair. */
#define MIXED "\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x98\x80"

/* dir/name exists (a UTF-8 path). */
static int exists(const char *dir, const char *name)
{
    char path[CS_PATH_LEN];

    snprintf(path, sizeof(path), "%s\\%s", dir, name);
    return cs_file_attributes(path) != INVALID_FILE_ATTRIBUTES;
}

START_TEST(text_outside_the_bmp_reaches_com_and_every_report_exactly)
{
    char dir[CS_PATH_LEN], args[CS_PATH_LEN + 200], *json, *xml;

    snprintf(dir, sizeof(dir), "%s\\out-" MIXED, cs_temp_dir("hard-unicode"));
    snprintf(args, sizeof(args), "run --iterations 200 --call \"Echo('" MIXED "')\" --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(cs_utf8_valid(json, strlen(json)), "run.json is not valid UTF-8");
    ck_assert_msg(strstr(json, "\"calls\": \"Echo('" MIXED "')\"") != NULL, "call text not exact:\n%s", json);
    free(json);
    xml = cs_read_out(dir, "junit.xml");
    ck_assert_ptr_nonnull(xml);
    ck_assert_msg(cs_utf8_valid(xml, strlen(xml)), "junit.xml is not valid UTF-8");
    free(xml);
    ck_assert(exists(dir, "report.html") && exists(dir, "samples.csv"));
}
END_TEST

START_TEST(a_malformed_call_is_refused_before_anything_is_created)
{
    char dir[CS_PATH_LEN], args[CS_PATH_LEN + 200];

    snprintf(dir, sizeof(dir), "%s\\never", cs_temp_dir("hard-malformed"));
    snprintf(args, sizeof(args), "run --target No.Such.Thing --call \"Add(1,\" --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("--call 'Add(1,'");
    ck_assert_int_eq(error_lines(), 1);
    ck_assert_msg(cs_file_attributes(dir) == INVALID_FILE_ATTRIBUTES, "--out was created");
    ck_assert_msg(strstr(res.out, "iterations in") == NULL, "work was done:\n%s", res.out);
}
END_TEST

/* A fault parameter is checked per fault before any work: one the fault
 * does not take, one past its range and a 0 (which would silently mean
 * the default) are each refused with exit 2 and one line, and --out is
 * never created. */
START_TEST(a_fault_parameter_the_fault_does_not_take_is_refused)
{
    static const struct { const char *fault, *says; } bad[] = {
        { "cannot-unload:3", "--fault: cannot-unload takes no parameter (given 3)" },
        { "leak-random:101", "--fault: leak-random: parameter 101 is a percentage, from 1 to 100" },
        { "crash-call:0", "--fault: parameter '0' of crash-call is not a whole number from 1 to 2147483647" },
    };
    char dir[CS_PATH_LEN], args[CS_PATH_LEN + 200];
    size_t i;

    snprintf(dir, sizeof(dir), "%s\\never", cs_temp_dir("hard-fault-param"));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(args, sizeof(args), "run --fault %s --call \"Add(1)\" --iterations 300 --out \"%s\"",
                 bad[i].fault, dir);
        cs_comstress(args, &res);
        ck_assert_exit(CS_EXIT_USAGE);
        ck_assert_out_has(bad[i].says);
        ck_assert_int_eq(error_lines(), 1);
        ck_assert_msg(cs_file_attributes(dir) == INVALID_FILE_ATTRIBUTES, "--out was created for %s", bad[i].fault);
    }
    snprintf(args, sizeof(args), "run --fault leak-random:100 --call \"Add(1)\" --iterations 300 --fail-on none "
             "--out \"%s\"", dir);                       /* the edge of the range is taken */
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
}
END_TEST

/* advise and unadvise are paired when the script is read, before any
 * work: an unadvise with no advise before it, or a name advised twice
 * without an unadvise between, is refused with exit 2 and one line
 * naming the file and line (or the --call); --out is never created. */
START_TEST(an_unpaired_advise_or_unadvise_is_refused_before_any_work)
{
    static const struct { const char *script, *says; } bad[] = {
        { "unadvise @obj\n", "line 1: unadvise @obj: @obj is not advised before it" },
        { "advise @obj\nFire(1)\nadvise @obj\n", "line 3: advise @obj: @obj is advised already (unadvise @obj "
          "between the two)" },
        { "advise @obj\nunadvise @obj\nunadvise @obj\n", "line 3: unadvise @obj: @obj is not advised before it" },
    };
    char dir[CS_PATH_LEN], args[CS_PATH_LEN + 400];
    const char *base = cs_temp_dir("hard-advise-pairs");
    size_t i;

    snprintf(dir, sizeof(dir), "%s\\never", base);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(args, sizeof(args), "run --script \"%s\" --iterations 300 --out \"%s\"",
                 write_script(base, "s.txt", bad[i].script), dir);
        cs_comstress(args, &res);
        ck_assert_exit(CS_EXIT_USAGE);
        ck_assert_out_has(bad[i].says);
        ck_assert_int_eq(error_lines(), 1);
        ck_assert_msg(cs_file_attributes(dir) == INVALID_FILE_ATTRIBUTES, "--out was created for %s", bad[i].script);
    }
    snprintf(args, sizeof(args), "run --call \"unadvise @obj\" --iterations 300 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("comstress: --call 'unadvise @obj': @obj is not advised before it");
    ck_assert_msg(cs_file_attributes(dir) == INVALID_FILE_ATTRIBUTES, "--out was created for --call");
}
END_TEST

/* report names what it could not read and exits as the run did: a
 * runs.txt that cannot be read (a directory in its place) is named, with
 * what is lost; a missing phase.txt is said; a run that ended with a
 * failed call (exit 4) is rebuilt with exit 4 and its status, not as an
 * internal error. */
START_TEST(report_names_what_it_could_not_read_and_exits_as_the_run_did)
{
    const char *dir = cs_temp_dir("hard-report-reads");
    char out[CS_PATH_LEN], path[CS_PATH_LEN], args[CS_PATH_LEN + 200], *json;

    snprintf(out, sizeof(out), "%s\\out", dir);
    snprintf(args, sizeof(args), "run --call \"Add(1)\" --iterations 300 --fail-on none --out \"%s\"", out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    snprintf(path, sizeof(path), "%s\\runs.txt", out);
    ck_assert(DeleteFileA(path) && CreateDirectoryA(path, NULL));
    snprintf(path, sizeof(path), "%s\\phase.txt", out);
    ck_assert(DeleteFileA(path));
    snprintf(args, sizeof(args), "report \"%s\"", out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("runs.txt: it is a directory, not a file: its figures are left out");
    ck_assert_out_has("has no phase.txt: how the run ended is not known");
    snprintf(args, sizeof(args), "run --call \"NoSuch(1)\" --out \"%s\"", out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_CALL);
    snprintf(args, sizeof(args), "report \"%s\"", out);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_CALL);
    ck_assert_out_has("comstress: report: the run ended: call failed");
    json = cs_read_out(out, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"status\": \"call failed\"") != NULL, "run.json's status:\n%s", json);
    free(json);
}
END_TEST

START_TEST(control_characters_in_echoed_text_are_escaped)
{
    char args[256];

    snprintf(args, sizeof(args), "run --call \"Add(1,\x1b[31m\" --out \"%s\"", cs_temp_dir("hard-escape"));
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("Add(1,\\x1B[31m");
    ck_assert_msg(strchr(res.out, 0x1b) == NULL, "a raw escape reached the terminal:\n%s", res.out);
}
END_TEST

START_TEST(a_directory_in_use_by_another_run_is_refused)
{
    const char *dir = cs_temp_dir("hard-in-use");
    char path[CS_PATH_LEN], args[CS_PATH_LEN + 100];
    const char *owner = "comstress run, pid 4242, since the test began\n";
    HANDLE h;
    DWORD done;

    /* Hold the directory the way a running comstress does. */
    snprintf(path, sizeof(path), "%s\\.comstress.lock", dir);
    h = cs_open_file(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, OPEN_ALWAYS,
                     FILE_FLAG_DELETE_ON_CLOSE, FALSE);
    ck_assert_msg(h != INVALID_HANDLE_VALUE, "cannot hold %s", path);
    WriteFile(h, owner, (DWORD)strlen(owner), &done, NULL);
    snprintf(args, sizeof(args), "run --iterations 100 --out \"%s\"", dir);
    cs_comstress(args, &res);
    CloseHandle(h);
    ck_assert_exit(CS_EXIT_OUTPUT);
    ck_assert_out_has("is in use by comstress run, pid 4242");
    ck_assert_msg(!exists(dir, "samples.csv"), "the refused run wrote samples");
    snprintf(args, sizeof(args), "report \"%s\"", dir);
    cs_comstress(args, &res);                 /* the lock is gone with its holder */
    ck_assert_msg(strstr(res.out, "in use") == NULL, "lock outlived its holder:\n%s", res.out);
}
END_TEST

START_TEST(a_run_that_dies_leaves_no_older_passing_report_behind)
{
    const char *dir = cs_temp_dir("hard-stale");
    char args[CS_PATH_LEN + 200], *json;

    snprintf(args, sizeof(args), "run --iterations 300 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert(exists(dir, "run.json") && exists(dir, "junit.xml"));
    snprintf(args, sizeof(args), "run --iterations 300 --sample-every 10 --fault crash-call:50 "
             "--call \"Add(1)\" --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_CRASH);
    ck_assert_msg(!exists(dir, "run.json") && !exists(dir, "junit.xml") && !exists(dir, "report.html"),
                  "the earlier run's reports are still there");
    json = cs_read_out(dir, "samples.csv");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "run/type,50,") != NULL && strstr(json, "run/type,300,") == NULL,
                  "samples are not the new run's:\n%s", json);
    free(json);
}
END_TEST

START_TEST(a_report_that_cannot_be_written_fails_the_run_in_every_file)
{
    const char *dir = cs_temp_dir("hard-unwritable");
    char path[CS_PATH_LEN], args[CS_PATH_LEN + 100], *json;

    /* junit.xml as a directory: the finished report cannot replace it. */
    snprintf(path, sizeof(path), "%s\\junit.xml", dir);
    ck_assert(CreateDirectoryA(path, NULL));
    snprintf(args, sizeof(args), "run --iterations 200 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OUTPUT);
    ck_assert_out_has("junit.xml");
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"error\": null") == NULL, "run.json says no error:\n%s", json);
    ck_assert_msg(strstr(json, "junit.xml") != NULL, "run.json does not name the failed report:\n%s", json);
    free(json);
}
END_TEST

/* Known bad: samples.csv refuses rows after the first 20, as a full disk
 * does (--client-fault samples-full). The run stops at the first row it
 * cannot keep, with one line first and exit 5, instead of sampling to the
 * end what it cannot keep (a full disk once ran 20,001 heap walks for the
 * 601 rows on disk); run.json says why, and `report DIR` reads the 20
 * rows kept and exits as the run did. Clean case: the same run without
 * the fault writes every row and exits 0. */
START_TEST(a_full_disk_stops_the_run_at_the_first_row_it_cannot_keep)
{
    const char *dir = cs_temp_dir("hard-full");
    char args[CS_PATH_LEN + 100], *json;

    snprintf(args, sizeof(args), "run --iterations 100000 --client-fault samples-full --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OUTPUT);
    ck_assert_msg(!strncmp(res.out, "comstress: samples.csv: the row of iteration ", 45)
                  && strstr(res.out, " could not be written (disk full?): the run stopped there\r\n") != NULL,
                  "the full disk is not told first:\n%s", res.out);
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"status\": \"could not write\"") != NULL, "%s", json);
    ck_assert_double_eq(cs_json_number(json, "samples", 0), 20);
    ck_assert_msg(cs_json_number(json, "iterations", 0) < 100000, "the run went on to its end");
    ck_assert_msg(cs_json_number(json, "heap_walks", 0) <= 21, "%g heap walks", cs_json_number(json, "heap_walks", 0));
    free(json);
    snprintf(args, sizeof(args), "report \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OUTPUT);
    snprintf(args, sizeof(args), "run --iterations 100000 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
}
END_TEST

START_TEST(an_output_path_past_260_characters_is_used_whole)
{
    char dir[CS_PATH_LEN], args[CS_PATH_LEN + 100];
    size_t n;

    snprintf(dir, sizeof(dir), "%s\\", cs_temp_dir("hard-long"));
    n = strlen(dir);
    while (n < 300) {                          /* folders of 50 characters */
        memset(dir + n, 'd', 50);
        n += 50;
        dir[n++] = '\\';
    }
    dir[n - 1] = 0;
    snprintf(args, sizeof(args), "run --iterations 100 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_msg(exists(dir, "samples.csv") && exists(dir, "run.json"), "reports missing under %s", dir);
}
END_TEST

/* --dll at a path past 260 characters: the DLL, its type library (read
 * by comstress for its classes, and by the server itself) and its class
 * factory are used whole, as --out and --script are. */
START_TEST(a_dll_path_past_260_characters_is_used_whole)
{
    char dir[CS_PATH_LEN], dll[CS_PATH_LEN], args[2 * CS_PATH_LEN];
    WCHAR *from, *to;
    size_t n;

    snprintf(dir, sizeof(dir), "%s\\", cs_temp_dir("hard-long-dll"));
    n = strlen(dir);
    while (n < 300) {                          /* folders of 50 characters */
        memset(dir + n, 'e', 50);
        n += 50;
        dir[n++] = '\\';
    }
    dir[n - 1] = 0;
    ck_assert_int_eq(cs_make_dirs(dir), 0);
    snprintf(dll, sizeof(dll), "%s\\long_server.dll", dir);
    from = cs_wide_path(cs_env("COMSTRESS_SERVER_DLL"));
    to = cs_wide_path(dll);
    ck_assert_msg(from && to && CopyFileW(from, to, FALSE), "cannot copy the server to %s", dll);
    free(from);
    free(to);
    snprintf(args, sizeof(args), "list classes --dll \"%s\"", dll);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("StressTarget");
    snprintf(args, sizeof(args), "run --dll \"%s\" --target StressTarget --call \"Add(1)\" --iterations 100 "
             "--out \"%s\\out\"", dll, cs_temp_dir("hard-long-dll-out"));
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("run/type: 100 iterations");
}
END_TEST

/* Messages in words: a file that is no DLL of this build says so, with
 * no FormatMessage insert ("%1") left in it, and names the 32/64-bit
 * mismatch it may be. */
START_TEST(a_dll_of_the_wrong_kind_is_said_in_words)
{
    const char *dir = cs_temp_dir("hard-bad-dll");
    char args[CS_PATH_LEN + 100];

    snprintf(args, sizeof(args), "run --dll \"%s\" --iterations 100", write_script(dir, "bad.dll", "MZ junk"));
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_TARGET);
    ck_assert_out_has("bad.dll': cannot load it: Bad EXE format for the file (error 193): not a 64-bit DLL "
                      "(a 32-bit server needs a 32-bit comstress), or no DLL at all");
    ck_assert_msg(strstr(res.out, "%1") == NULL, "an insert left in:\n%s", res.out);
    ck_assert_int_eq(error_lines(), 1);
    cs_comstress("list classes --dll C:\\windows\\system32\\ole32.dll", &res);   /* no type library */
    ck_assert_exit(CS_EXIT_TARGET);
    ck_assert_out_has("ole32.dll': no type library names its classes: the type library cannot be loaded "
                      "(TYPE_E_CANTLOADLIBRARY), 0x80029c4a; use one by its CLSID with --target {CLSID}");
    snprintf(args, sizeof(args), "run --script \"%s\" --iterations 100", dir);   /* a directory */
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_out_has("': is a directory, not a file");
    ck_assert_msg(strstr(res.out, "Permission denied") == NULL, "errno's words for a directory:\n%s", res.out);
}
END_TEST

/* A --trace-module that never loads is said, not silently empty. */
START_TEST(a_trace_module_that_never_loaded_is_noted)
{
    const char *dir = cs_temp_dir("hard-trace-module");
    char args[CS_PATH_LEN + 200];

    snprintf(args, sizeof(args), "run --call \"Add(1)\" --iterations 300 --fail-on none --trace-module notloaded.dll "
             "--out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has("note: --trace-module notloaded.dll never loaded during the run: nothing of it was traced");
    snprintf(args, sizeof(args), "run --call \"Add(1)\" --iterations 300 --fail-on none --trace-module oleaut32.dll "
             "--out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_msg(strstr(res.out, "never loaded") == NULL, "a loaded module noted:\n%s", res.out);
}
END_TEST

START_TEST(a_crash_on_the_sinks_thread_is_a_crash_not_a_failed_call)
{
    const char *dir = cs_temp_dir("hard-sink-crash");
    char args[CS_PATH_LEN + 200], *json;

    snprintf(args, sizeof(args), "run --scenario pass-instance --sink-apartment sta --iterations 100 "
             "--fault crash-call:20 --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_CRASH);
    ck_assert_out_has("crashed: 0xc0000005 access violation");
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"error\": \"crashed: 0xc0000005") != NULL, "run.json:\n%s", json);
    free(json);
    json = cs_read_out(dir, "phase.txt");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "exception 0xc0000005 access violation") != NULL, "phase:\n%s", json);
    free(json);
}
END_TEST

START_TEST(report_exits_like_the_run_on_the_same_verdicts)
{
    const char *dir = cs_temp_dir("hard-report-exit");
    char args[CS_PATH_LEN + 200];

    snprintf(args, sizeof(args), "run --iterations 3000 --fault leak-bytes:24 --call \"Add(1)\" --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    snprintf(args, sizeof(args), "report \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);           /* the run's own gate, kept in its phase file */
    snprintf(args, sizeof(args), "report --fail-on none \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
}
END_TEST

START_TEST(a_rebuilt_report_holds_the_findings_and_what_only_the_run_knew)
{
    const char *dir = cs_temp_dir("hard-rebuilt-findings");
    static const char *const finding =
        "object leak: server objects 1 never freed per iteration (server live-object counter)";
    char args[CS_PATH_LEN + 200], path[CS_PATH_LEN], *json;

    snprintf(args, sizeof(args), "run --iterations 300 --sample-every 10 --ledger --fault child-extra-ref "
             "--call CreateChild --out \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has(finding);
    snprintf(path, sizeof(path), "%s\\run.json", dir);
    ck_assert(cs_delete_file(path));
    snprintf(args, sizeof(args), "report \"%s\"", dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_out_has(finding);
    json = cs_read_out(dir, "run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, finding) != NULL, "finding lost in the rebuilt run.json:\n%s", json);
    ck_assert_msg(strstr(json, "\"calls\": \"CreateChild\"") != NULL, "calls lost:\n%s", json);
    ck_assert_msg(strstr(json, "\"target\": \"ComStress.Target\"") != NULL, "target lost:\n%s", json);
    free(json);
}
END_TEST

/* Lines of the output that give one metric's clean verdict. */
static int clean_metric_lines(void)
{
    const char *p = res.out;
    int n = 0;

    while ((p = strstr(p, " clean "))) {
        n += strstr(p, "/iteration") != NULL && (strchr(p, '\n') == NULL || strstr(p, "/iteration") < strchr(p, '\n'));
        p++;
    }
    return n;
}

START_TEST(the_console_says_what_is_not_clean_and_the_table)
{
    char args[CS_PATH_LEN + 200];

    const char *dir = cs_temp_dir("hard-console");
    char *html, *findings, *memory;

    snprintf(args, sizeof(args), "compare --scenario pass-instance --iterations 2000 --fail-on none --out \"%s\"",
             dir);
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    /* report.html leads with the findings, naming the leaking policy; under
     * --fail-on none they do not count and are shown apart */
    html = cs_read_out(dir, "report.html");
    ck_assert_ptr_nonnull(html);
    findings = strstr(html, "<h2>Not counted</h2>");
    memory = strstr(html, "<h2>Memory</h2>");
    ck_assert_msg(findings && memory && findings < memory, "findings do not come before the charts");
    ck_assert_msg(strstr(findings, "compare/instance-unbounded: the binding cache keeps a rule per object") != NULL
                  && strstr(findings, "compare/instance-unbounded") < memory, "leaking policy not named first");
    ck_assert_msg(strstr(findings, "per-instance binding") != NULL, "no advice for the binding leak");
    free(html);
    ck_assert_out_has("instance-unbounded");
    ck_assert_out_has("metrics clean (--verbose lists every metric)");
    ck_assert_msg(clean_metric_lines() == 0, "clean metrics listed:\n%s", res.out);
    snprintf(args, sizeof(args), "compare --scenario pass-instance --iterations 2000 --fail-on none --verbose "
             "--out \"%s\"", cs_temp_dir("hard-console-verbose"));
    cs_comstress(args, &res);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_msg(clean_metric_lines() >= 20, "--verbose lists %d clean metrics:\n%s", clean_metric_lines(),
                  res.out);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(text_outside_the_bmp_reaches_com_and_every_report_exactly),
        CS_TEST(a_malformed_call_is_refused_before_anything_is_created),
        CS_TEST(a_fault_parameter_the_fault_does_not_take_is_refused),
        CS_TEST(an_unpaired_advise_or_unadvise_is_refused_before_any_work),
        CS_TEST(report_names_what_it_could_not_read_and_exits_as_the_run_did),
        CS_TEST(control_characters_in_echoed_text_are_escaped),
        CS_TEST(a_directory_in_use_by_another_run_is_refused),
        CS_TEST(a_run_that_dies_leaves_no_older_passing_report_behind),
        CS_TEST(a_report_that_cannot_be_written_fails_the_run_in_every_file),
        CS_TEST(a_full_disk_stops_the_run_at_the_first_row_it_cannot_keep),
        CS_TEST(an_output_path_past_260_characters_is_used_whole),
        CS_TEST(a_dll_path_past_260_characters_is_used_whole),
        CS_TEST(a_dll_of_the_wrong_kind_is_said_in_words),
        CS_TEST(a_trace_module_that_never_loaded_is_noted),
        CS_TEST(a_crash_on_the_sinks_thread_is_a_crash_not_a_failed_call),
        CS_TEST(report_exits_like_the_run_on_the_same_verdicts),
        CS_TEST(the_console_says_what_is_not_clean_and_the_table),
        CS_TEST(a_rebuilt_report_holds_the_findings_and_what_only_the_run_knew), NULL
    };

    return cs_run_tests("hardening", NULL, NULL, tests);
}
