/*
 * Suite "fixture": `comstress run --trace` on a server that is not ours in
 * spirit (Acme Widgets, tests/fixture), as a user runs it on each way it
 * is built: every planted leak caught with its exact figure and its first
 * frame named at the right function and line (gcc's default -g, which is
 * DWARF 5; -gdwarf-4; stripped with its debug file beside it or in
 * --debug-dir), a leak made on a thread the server starts included; with
 * nothing to read, module+offset and one line saying what would name it.
 * The bounded cache and the clean methods are never a finding.
 */
#include "cs_check.h"
#include "debuginfo.h"
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cs_run_result res;

/* A planted leak: the call, the finding's words, the figure, and where
 * its first frame is (function, file, a text of the allocating line). */
typedef struct planted {
    const char *call;
    const char *what;           /* "heap leak", "BSTR leak", "CoTaskMem leak" */
    const char *amount;         /* as the finding prints it */
    const char *function, *file, *line_text;
    const char *holder;         /* the function the first frame is in (not inlined) */
    /* A second frame in the server (the caller of an inlined function, of
     * the static library or of the helper DLL): function, file, line text. */
    const char *caller, *caller_file, *caller_text;
} planted;

static const planted group_a[] = {
    { "Remember(1)", "heap leak", "24 B", "AllocNote", "widgets.c", "void *pv = malloc(cb);",
      "WidgetBox_Remember", "WidgetBox_Remember", "widgets.c", "long *pl = AllocNote(24);" },
    { "Table(4)", "heap leak", "32 B", "AllocTable", "widgets.c", "calloc((size_t)cItems, 8);",
      "WidgetBox_Table", "WidgetBox_Table", "widgets.c", "pl = AllocTable(cItems);" },
    { "Title()", "BSTR leak", "48 B", "WidgetBox_Title", "widgets.c",
      "BSTR bstr = SysAllocString(L\"Acme widget box\");" },
    { "Blob()", "CoTaskMem leak", "40 B", "WidgetBox_Blob", "widgets.c", "CoTaskMemAlloc(40);" },
    { "Pool(1)", "heap leak", "56 B", "WidgetBox_Pool", "widgets.c", "HeapAlloc(g_hPool," },
    { "Note(1)", "heap leak", "48 B", "WidgetBox_Note", "widgets.c", "LocalAlloc(LMEM_FIXED" },
    { "Tick()", "heap leak", "16.00 B (0.25 blocks)", "WidgetBox_Tick", "widgets.c",
      "void *pv = malloc(64);" },
};

static const planted group_b[] = {
    { "Child().Grow(1)", "heap leak", "20 B", "Gadget_Grow", "gadget.c", "void *pv = malloc(20);" },
    { "Format(7)", "heap leak", "32 B", "AcmeFormatNumber", "acmefmt.c", "char *psz = malloc(32);",
      NULL, "WidgetBox_Format", "widgets.c", "char *psz = AcmeFormatNumber(lValue);" },
    { "Checksum(3)", "heap leak", "68 B", "crc_open", "crc.c", "crc_ctx *ctx = malloc(sizeof(*ctx));",
      NULL, "WidgetBox_Checksum", "widgets.c", "crc_ctx *ctx = crc_open((unsigned long)lSeed);" },
    /* Made on the server's own worker thread, which the call waits for. */
    { "Post(1)", "heap leak", "32 B", "JobThread", "jobs.c", "pRec = malloc(sizeof(*pRec));" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The clean calls every run makes too: never a finding. */
#define CLEAN_CALLS "--call \"Add(1,2)\" --call \"Echo('x')\" --call \"Lookup(1)\""

/* The 1-based line of tests/fixture/<file> (crc.c is in crc/) holding text. */
static unsigned source_line(const char *file, const char *text)
{
    char path[1024], *src, *at, *p;
    unsigned line = 1;

    snprintf(path, sizeof(path), "%s/tests/fixture/%s%s", cs_env("COMSTRESS_SOURCE_DIR"),
             strcmp(file, "crc.c") ? "" : "crc/", file);
    src = cs_read_file(path);
    ck_assert_msg(src != NULL, "cannot read %s", path);
    at = strstr(src, text);
    ck_assert_msg(at != NULL, "no '%s' in %s", text, path);
    ck_assert_msg(strstr(at + 1, text) == NULL, "'%s' twice in %s", text, path);
    for (p = src; p < at; p++)
        line += *p == '\n';
    free(src);
    return line;
}

/* Runs the fixture of build kind (a folder of the fixture's build, or a
 * full path to a copy) for 400 iterations with the leaks of group and the
 * clean calls, the helper DLL traced too. Returns the output directory. */
static const char *run_kind(const char *kind, const char *tag, const planted *group, size_t n,
                            const char *extra)
{
    const char *dir = cs_temp_dir(tag);
    char args[4096], dll[1024];
    size_t len, i;

    if (strchr(kind, ':'))
        snprintf(dll, sizeof(dll), "%s\\widgets.dll", kind);
    else
        snprintf(dll, sizeof(dll), "%s/%s/widgets.dll", cs_env("COMSTRESS_FIXTURE_DIR"), kind);
    len = (size_t)snprintf(args, sizeof(args), "run --dll \"%s\" --target WidgetBox --trace "
                           "--trace-module acmefmt.dll --iterations 400 --fail-on blocks "
                           "--out \"%s\\out\" %s %s", dll, dir, CLEAN_CALLS, extra ? extra : "");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(args + len, sizeof(args) - len, " --call \"%s\"", group[i].call);
    cs_comstress(args, &res);
    ck_assert_exit_of(res, CS_EXIT_VERDICT);
    return dir;
}

/* How a site is expected to read. */
enum { AT_OFFSET, AT_FUNCTION, AT_LINE };

/* Each leak of group is one finding on the console and in run.json, with
 * its figure, named at its function and line (AT_LINE), its function and
 * offset (AT_FUNCTION) or its module and offset (AT_OFFSET); hint, when
 * given, follows a site. */
static void expect_leaks(const char *dir, const planted *group, size_t n, int named, const char *hint)
{
    char *json = cs_read_out(dir, "out\\run.json"), *html = NULL, want[512];
    size_t i;

    ck_assert_msg(json != NULL, "no run.json in %s", dir);
    for (i = 0; i < n; i++) {
        const planted *p = &group[i];

        const char *at;

        if (named == AT_LINE && p->caller)
            snprintf(want, sizeof(want), "%s: %s per call of %s, allocated in %s (%s:%u) <- %s (%s:%u)",
                     p->what, p->amount, p->call, p->function, p->file,
                     source_line(p->file, p->line_text), p->caller, p->caller_file,
                     source_line(p->caller_file, p->caller_text));
        else if (named == AT_LINE)
            snprintf(want, sizeof(want), "%s: %s per call of %s, allocated in %s (%s:%u)", p->what,
                     p->amount, p->call, p->function, p->file, source_line(p->file, p->line_text));
        else if (named == AT_FUNCTION)
            snprintf(want, sizeof(want), "%s: %s per call of %s, allocated in widgets.dll!%s+0x",
                     p->what, p->amount, p->call, p->holder ? p->holder : p->function);
        else
            snprintf(want, sizeof(want), "%s: %s per call of %s, allocated in %s+0x", p->what,
                     p->amount, p->call, strcmp(p->file, "acmefmt.c") ? "widgets.dll" : "acmefmt.dll");
        at = strstr(res.out, want);
        ck_assert_msg(at != NULL, "output lacks '%s':\n%s", want, res.out);
        at += strlen(want);
        ck_assert_msg(named != AT_LINE || *at == '\r' || *at == '\n', "more frames than '%s':\n%s",
                      want, res.out);
        ck_assert_msg(strstr(json, want) != NULL, "run.json lacks '%s':\n%s", want, json);
    }
    if (hint) {
        char escaped[1024], *o = escaped;
        const char *c;

        for (c = hint; *c && o < escaped + sizeof(escaped) - 3; c++) {   /* as JSON writes it */
            if (*c == '\\' || *c == '"')
                *o++ = '\\';
            *o++ = *c;
        }
        *o = 0;
        ck_assert_msg(strstr(res.out, hint) != NULL, "output lacks the hint '%s':\n%s", hint, res.out);
        ck_assert_msg(strstr(json, escaped) != NULL, "run.json lacks the hint '%s'", escaped);
        free(html);
        html = cs_read_out(dir, "out\\report.html");
        ck_assert_msg(html && strstr(html, hint), "report.html lacks the hint '%s'", hint);
    }
    /* The bounded cache and the clean calls: no finding names them. */
    ck_assert_msg(strstr(res.out, "of Lookup(1)") == NULL, "the bounded cache is a finding:\n%s", res.out);
    ck_assert_msg(strstr(res.out, "of Add(1,2)") == NULL, "Add is a finding:\n%s", res.out);
    ck_assert_msg(strstr(res.out, "of Echo('x')") == NULL, "Echo is a finding:\n%s", res.out);
    free(html);
    free(json);
}

/* Both groups on a build kind, every site named. */
static void expect_named(const char *kind)
{
    char tag[64];
    const char *dir;

    snprintf(tag, sizeof(tag), "fixture-%s-a", kind);
    dir = run_kind(kind, tag, group_a, COUNT(group_a), NULL);
    expect_leaks(dir, group_a, COUNT(group_a), AT_LINE, NULL);
    snprintf(tag, sizeof(tag), "fixture-%s-b", kind);
    dir = run_kind(kind, tag, group_b, COUNT(group_b), NULL);
    expect_leaks(dir, group_b, COUNT(group_b), AT_LINE, NULL);
}

START_TEST(every_leak_of_a_build_with_gccs_default_g_is_named_at_its_line)
{
    expect_named("g");
}
END_TEST

START_TEST(every_leak_of_a_dwarf4_build_is_named_at_its_line)
{
    expect_named("dwarf4");
}
END_TEST

START_TEST(every_leak_of_a_stripped_build_is_named_from_its_debug_file_beside_it)
{
    expect_named("stripped");
}
END_TEST

/* Copies the fixture's kind/name to to (a Windows path). */
static void copy_built(const char *kind, const char *name, const char *to)
{
    char from[MAX_PATH];

    snprintf(from, sizeof(from), "%s/%s/%s", cs_env("COMSTRESS_FIXTURE_DIR"), kind, name);
    ck_assert_msg(CopyFileA(from, to, FALSE), "copy %s to %s: %lu", from, to, GetLastError());
}

/* A build kind's DLLs copied to a folder of their own, without their
 * debug files; returns the folder (Windows path, static). */
static const char *alone(const char *kind, const char *tag)
{
    static char copy[MAX_PATH];
    const char *names[] = { "widgets.dll", "acmefmt.dll" };
    char to[MAX_PATH];
    size_t i;

    snprintf(copy, sizeof(copy), "%s", cs_temp_dir(tag));
    for (i = 0; i < 2; i++) {
        snprintf(to, sizeof(to), "%s\\%s", copy, names[i]);
        copy_built(kind, names[i], to);
    }
    return copy;
}

static const char *stripped_alone(const char *tag)
{
    return alone("stripped", tag);
}

/* The build id of the DLL at path, in hex. */
static void build_id_of(const char *path, char hex[33])
{
    size_t len;
    unsigned char *bytes = (unsigned char *)cs_read_file(path);
    cs_debuginfo *di;
    FILE *f = fopen(path, "rb");

    ck_assert_ptr_nonnull(bytes);
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    len = (size_t)ftell(f);
    fclose(f);
    ck_assert_int_eq(cs_debuginfo_open(bytes, len, NULL, &di), CS_DI_OK);
    ck_assert_int_eq(cs_debuginfo_build_id(di, hex), 1);
    cs_debuginfo_close(di);
    free(bytes);
}

START_TEST(a_stripped_build_without_its_debug_file_gives_offsets_and_says_where_it_looked)
{
    const char *folder = stripped_alone("fixture-alone-dlls");
    char hint[600];

    snprintf(hint, sizeof(hint), "(debug file widgets.dll.debug not in %s\\ or .debug\\ there: "
             "use --debug-dir)", folder);
    expect_leaks(run_kind(folder, "fixture-alone", group_a, COUNT(group_a), NULL), group_a,
                 COUNT(group_a), AT_OFFSET, hint);
}
END_TEST

START_TEST(debug_dir_names_a_stripped_build_from_the_folder_it_gives)
{
    const char *folder = stripped_alone("fixture-debugdir-dlls");
    char extra[1024], copy[MAX_PATH];

    snprintf(copy, sizeof(copy), "%s", folder);
    snprintf(extra, sizeof(extra), "--debug-dir \"%s/stripped\"", cs_env("COMSTRESS_FIXTURE_DIR"));
    expect_leaks(run_kind(copy, "fixture-debugdir", group_b, COUNT(group_b), extra), group_b,
                 COUNT(group_b), AT_LINE, NULL);
}
END_TEST

START_TEST(debug_dir_finds_a_debug_file_by_the_build_id_alone)
{
    const char *names[] = { "widgets.dll", "acmefmt.dll" };
    char folder[MAX_PATH], syms[MAX_PATH], dll[MAX_PATH], to[MAX_PATH], from[64], id[33], extra[1024];
    size_t i;

    snprintf(folder, sizeof(folder), "%s", alone("buildid", "fixture-buildid-dlls"));
    snprintf(syms, sizeof(syms), "%s", cs_temp_dir("fixture-buildid-syms"));
    snprintf(to, sizeof(to), "%s\\.build-id", syms);
    CreateDirectoryA(to, NULL);
    for (i = 0; i < 2; i++) {
        snprintf(dll, sizeof(dll), "%s\\%s", folder, names[i]);
        build_id_of(dll, id);
        snprintf(to, sizeof(to), "%s\\.build-id\\%.2s", syms, id);
        CreateDirectoryA(to, NULL);
        snprintf(to, sizeof(to), "%s\\.build-id\\%.2s\\%s.debug", syms, id, id + 2);
        snprintf(from, sizeof(from), "%s.debug", names[i]);
        copy_built("buildid", from, to);
    }
    snprintf(extra, sizeof(extra), "--debug-dir \"%s\"", syms);
    expect_leaks(run_kind(folder, "fixture-buildid", group_b, COUNT(group_b), extra), group_b,
                 COUNT(group_b), AT_LINE, NULL);
}
END_TEST

START_TEST(a_debug_file_of_another_build_is_said_not_to_match)
{
    const char *folder = stripped_alone("fixture-mismatch-dlls");
    char to[MAX_PATH], copy[MAX_PATH];

    snprintf(copy, sizeof(copy), "%s", folder);
    snprintf(to, sizeof(to), "%s\\widgets.dll.debug", copy);
    copy_built("stripped", "acmefmt.dll.debug", to);       /* the wrong file under the right name */
    expect_leaks(run_kind(copy, "fixture-mismatch", group_a, COUNT(group_a), NULL), group_a,
                 COUNT(group_a), AT_OFFSET,
                 "(debug file widgets.dll.debug does not match widgets.dll (rebuilt since?))");
}
END_TEST

START_TEST(a_build_without_g_says_to_build_it_with_g)
{
    expect_leaks(run_kind("plain", "fixture-plain", group_a, COUNT(group_a), NULL), group_a,
                 COUNT(group_a), AT_FUNCTION,
                 "(no debug information for this code: build widgets.dll with -g)");
}
END_TEST

START_TEST(a_debug_dir_that_does_not_exist_is_refused_before_any_work)
{
    const char *dir = cs_temp_dir("fixture-no-debugdir");
    char args[2048];

    snprintf(args, sizeof(args), "run --dll \"%s/g/widgets.dll\" --call \"Add(1,2)\" --out \"%s\\out\" "
             "--debug-dir \"%s\\missing\"", cs_env("COMSTRESS_FIXTURE_DIR"), dir, dir);
    cs_comstress(args, &res);
    ck_assert_exit_of(res, CS_EXIT_USAGE);
    ck_assert_msg(strstr(res.out, "--debug-dir '") && strstr(res.out, "\\missing': no such folder"),
                  "no one line naming the folder:\n%s", res.out);
    ck_assert_ptr_null(cs_read_out(dir, "out\\run.json"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fixture");
    TCase *tc = tcase_create("fixture");

    tcase_set_timeout(tc, 0);
    tcase_add_test(tc, every_leak_of_a_build_with_gccs_default_g_is_named_at_its_line);
    tcase_add_test(tc, every_leak_of_a_dwarf4_build_is_named_at_its_line);
    tcase_add_test(tc, every_leak_of_a_stripped_build_is_named_from_its_debug_file_beside_it);
    tcase_add_test(tc, a_stripped_build_without_its_debug_file_gives_offsets_and_says_where_it_looked);
    tcase_add_test(tc, debug_dir_names_a_stripped_build_from_the_folder_it_gives);
    tcase_add_test(tc, debug_dir_finds_a_debug_file_by_the_build_id_alone);
    tcase_add_test(tc, a_debug_file_of_another_build_is_said_not_to_match);
    tcase_add_test(tc, a_build_without_g_says_to_build_it_with_g);
    tcase_add_test(tc, a_debug_dir_that_does_not_exist_is_refused_before_any_work);
    suite_add_tcase(s, tc);
    return cs_run_suite(s);
}
