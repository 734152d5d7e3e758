/*
 * `comstress explore` end to end (label cli): on the reference server each
 * fault a member call meets flags exactly the members it touches; the
 * clean server maps clean; a member that crashes or hangs the target is
 * isolated and named while every other member is mapped; bad input is one
 * line, exit 2 and nothing created; the plan is a script; the reports
 * hold the map; automation classes that ship with Wine are mapped whole.
 */
#include "cli_objects.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference server's Target at depth 1: 23 members (the walks of
 * Items, and its events, counted as members), one left out by the
 * default skip list (Items.Remove), one no made-up argument reaches
 * (Items.item('x'): no item has that name). */
#define CALLED_CLEAN 21
/* The members that call a method of IStressTarget (the events members
 * only advise and unadvise), then every member called. */
#define METHOD_CALLERS "Add, Consume, CreateChild, Divide, Echo, Fire, GetPair, Items, Items.Add, Items._NewEnum, " \
                       "Items._NewEnum (clone), Items.count, MakeItems, Name, Range, Sum, Swap, Value, Value (put)"
#define ALL_CALLED METHOD_CALLERS ", events (advise weak, never unadvised), events (advise, unadvise)"
/* The enumerator's members and their neighbours, for --members. */
#define ITEMS_FAMILY "Items,Items._NewEnum*,Items.count,MakeItems"

/* cs_comstress with a longer wait: a map is a child process per member,
 * and this machine's load can make each several times slower. */
static void explore_cmd(const char *args)
{
    char cmd[4096];

    snprintf(cmd, sizeof(cmd), "\"%s\" %s", cs_env("COMSTRESS_EXE"), args);
    ck_assert_msg(cs_spawn(cmd, NULL, 600000, &res), "cannot start %s (error %lu)", cmd,
                  (unsigned long)GetLastError());
    ck_assert_msg(res.exit_code != CS_RUN_TIMEOUT, "comstress %s: timed out", args);
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The labels of the map lines (between "map of" and "explore: ") whose
 * state is state ("FAILED", "CRASHED:", "clean", "not called:" ...), in
 * alphabetical order, joined by ", " into a static buffer. */
static const char *members_in(const char *state)
{
    static char out[4096];
    char *copy = strdup(res.out), *line, *next, *labels[600], *at, word[32];
    size_t n = 0, i, used = 0;
    int in_map = 0;

    ck_assert_ptr_nonnull(copy);
    snprintf(word, sizeof(word), " %s", state);
    for (line = copy; line && *line; line = next) {
        if ((next = strchr(line, '\n')))
            *next++ = 0;
        line[strcspn(line, "\r")] = 0;
        if (!strncmp(line, "map of ", 7)) {
            in_map = 1;
            continue;
        }
        if (!strncmp(line, "explore: ", 9))
            in_map = 0;
        if (!in_map || strncmp(line, "  ", 2) || !(at = strstr(line + 2, word)) || n == 600)
            continue;
        while (at > line + 2 && at[-1] == ' ')
            at--;
        *at = 0;
        labels[n++] = line + 2;
    }
    qsort(labels, n, sizeof(labels[0]), compare_text);
    out[0] = 0;
    for (i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? ", " : "", labels[i]);
    free(copy);
    return out;
}

/* Explores the reference server's Target with the ledger and extra
 * arguments into a fresh directory, `jobs` members at a time; returns
 * the directory. */
static const char *explore_jobs(const char *tag, int jobs, const char *extra)
{
    const char *dir = cs_temp_dir(tag);
    char args[2048];

    snprintf(args, sizeof(args), "explore --ledger --jobs %d --out \"%s\\out\" %s", jobs, dir, extra);
    explore_cmd(args);
    return dir;
}

/* The same two members at a time: each member is a process of its own,
 * so the map is the one of one at a time (the clean map is made one at a
 * time, the default, and the faults' maps two at a time). */
static const char *explore_with(const char *tag, const char *extra)
{
    return explore_jobs(tag, 2, extra);
}

/* A fault flags exactly the members in want; every other member called is
 * clean and the map is whole. */
static void expect_flagged(const char *fault, const char *want, int clean)
{
    char tag[64], extra[128];

    snprintf(tag, sizeof(tag), "explore-%s", fault);
    snprintf(extra, sizeof(extra), "--fault %s", fault);
    explore_with(tag, extra);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_str_eq(members_in("FAILED"), want);
    ck_assert_str_eq(members_in("CRASHED:"), "");
    ck_assert_str_eq(members_in("HUNG:"), "");
    ck_assert_str_eq(members_in("not called:"), "Items.item");
    ck_assert_str_eq(members_in("skipped:"), "Items.Remove");
    ck_assert_int_eq(strlen(members_in("clean")) ? 1 : 0, clean ? 1 : 0);
    ck_assert_msg(strstr(res.out, "explore: 23 members: ") != NULL, "the map is not whole:\n%s", res.out);
}

/* A fault that one member meets, mapped among its neighbours (--members:
 * the members that share its object or its kind of argument): it flags
 * exactly want, and the neighbours, listed in clean, run and stay clean.
 * The whole map of 23 members is read under the faults that touch many
 * members (internal-child-leak, leak-bytes, cannot-unload, a crash, a
 * hang) and on the clean server; a map per one-member fault was most of
 * this suite's time. */
static void expect_flagged_among(const char *fault, const char *members, const char *want,
                                 const char *clean)
{
    char tag[64], extra[256];

    snprintf(tag, sizeof(tag), "explore-%s", fault);
    snprintf(extra, sizeof(extra), "--fault %s --members \"%s\"", fault, members);
    explore_with(tag, extra);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_str_eq(members_in("FAILED"), want);
    ck_assert_str_eq(members_in("clean"), clean);
    ck_assert_str_eq(members_in("CRASHED:"), "");
    ck_assert_str_eq(members_in("HUNG:"), "");
    ck_assert_str_eq(members_in("not called:"), "");
}

START_TEST(the_clean_server_maps_clean_and_the_reports_hold_the_map)
{
    const char *dir = explore_jobs("explore-clean", 1, "");
    char out[MAX_PATH], *json, *html, *xml;

    ck_assert_exit(CS_EXIT_OK);
    ck_assert_str_eq(members_in("clean"), ALL_CALLED);
    ck_assert_str_eq(members_in("FAILED"), "");
    ck_assert_str_eq(members_in("not called:"), "Items.item");
    ck_assert_out_has("  Items.item                   not called: line 1: Items.item('x'): item: ComStress: Item: no "
                      "item named 'x' (DISP_E_BADINDEX, 0x8002000b)\r\n");
    ck_assert_out_has("explore: 23 members: 0 failed, 0 crashed, 0 hung, 21 clean, 1 not called, 0 errors, 1 skipped;");
    ck_assert_out_has("default skip list (name a member in --members to explore it): Delete*, Remove*, Kill*,");
    snprintf(out, sizeof(out), "%s\\out", dir);
    ck_assert_ptr_nonnull(json = cs_read_out(out, "run.json"));
    ck_assert_msg(strstr(json, "\"members\": [\n    {\"member\": \"Add\"") != NULL, "%s", json);
    ck_assert_double_eq(cs_json_number(json, "outstanding_refs", 0), 0);
    ck_assert_double_eq(cs_json_number(json, "outstanding_refs", CALLED_CLEAN - 1), 0);
    ck_assert_double_eq(cs_json_number(json, "exit_code", 0), 0);
    ck_assert_ptr_nonnull(html = cs_read_out(out, "report.html"));
    ck_assert_msg(strstr(html, "<h1>Leak map of ComStress.Target</h1>\n<table>") != NULL, "%s", html);
    ck_assert_ptr_nonnull(xml = cs_read_out(out, "junit.xml"));
    ck_assert_msg(strstr(xml, "tests=\"23\" failures=\"0\" skipped=\"2\"") != NULL, "%s", xml);
    ck_assert_int_eq(junit_failures(out), 0);
    free(json);
    free(html);
    free(xml);
}
END_TEST

START_TEST(extra_addref_flags_add_alone)
{
    expect_flagged_among("extra-addref", "Add,Sum,CreateChild", "Add", "CreateChild, Items.Add, Sum");
    ck_assert_out_has("object leak: server objects 1 never freed per iteration (server live-object counter)");
}
END_TEST

START_TEST(child_extra_ref_flags_create_child_alone)
{
    expect_flagged_among("child-extra-ref", "CreateChild,Items,MakeItems", "CreateChild", "Items, MakeItems");
}
END_TEST

START_TEST(echo_leak_bstr_flags_echo_alone_with_its_blocks)
{
    expect_flagged_among("echo-leak-bstr", "Echo,Name,Consume", "Echo", "Consume, Name");
    ck_assert_out_has("  Echo                         FAILED (leak,blocks)     +16.00 B   +1.00 blocks per call, 0 refs; "
                      "BSTR/CoTaskMem leak: line 1: Echo('x'), 1.0 blocks (16 bytes) per call\r\n");
}
END_TEST

START_TEST(variant_leak_flags_consume_alone)
{
    expect_flagged_among("variant-leak", "Consume,Echo,Swap", "Consume", "Echo, Swap");
}
END_TEST

START_TEST(out_overwrite_leak_flags_get_pair_alone)
{
    expect_flagged_among("out-overwrite-leak", "GetPair,Swap,Range", "GetPair", "Range, Swap");
}
END_TEST

START_TEST(array_element_leak_flags_make_items_alone)
{
    expect_flagged_among("array-element-leak", "MakeItems,Range,Items", "MakeItems", "Items, Range");
}
END_TEST

START_TEST(newenum_extra_ref_flags_the_walks_of_items_alone)
{
    expect_flagged_among("newenum-extra-ref", ITEMS_FAMILY, "Items._NewEnum, Items._NewEnum (clone)",
                         "Items, Items.count, MakeItems");
}
END_TEST

START_TEST(enum_item_extra_ref_flags_the_walks_of_items_alone)
{
    expect_flagged_among("enum-item-extra-ref", ITEMS_FAMILY, "Items._NewEnum, Items._NewEnum (clone)",
                         "Items, Items.count, MakeItems");
}
END_TEST

START_TEST(enum_clone_leak_flags_the_walk_of_a_clone_alone)
{
    expect_flagged_among("enum-clone-leak", ITEMS_FAMILY, "Items._NewEnum (clone)",
                         "Items, Items._NewEnum, Items.count, MakeItems");
}
END_TEST

START_TEST(unadvise_keeps_sink_flags_advise_then_unadvise_alone)
{
    expect_flagged_among("unadvise-keeps-sink", "events*,Fire", "events (advise, unadvise)",
                         "Fire, events (advise weak, never unadvised)");
    ck_assert_out_has("sink leak: the server kept our sink alive after Unadvise (line 1: advise @obj)");
}
END_TEST

START_TEST(destroy_keeps_sinks_flags_the_weak_advise_never_unadvised_alone)
{
    expect_flagged_among("destroy-keeps-sinks", "events*,Fire", "events (advise weak, never unadvised)",
                         "Fire, events (advise, unadvise)");
}
END_TEST

/* A fault at creation touches every member: each member's run creates. */
START_TEST(internal_child_leak_flags_every_member_called)
{
    expect_flagged("internal-child-leak", ALL_CALLED, 0);
}
END_TEST

START_TEST(leak_bytes_flags_every_member_that_calls_a_method_with_its_bytes_per_call)
{
    expect_flagged("leak-bytes", METHOD_CALLERS, 1);
    ck_assert_str_eq(members_in("clean"), "events (advise weak, never unadvised), events (advise, unadvise)");
    ck_assert_out_has("  Add                          FAILED (leak)            +24.00 B   +1.00 blocks per call, 0 refs\r\n");
    ck_assert_out_has("  Value (put)                  FAILED (leak)            +48.00 B   +2.00 blocks per call, 0 refs\r\n");
}
END_TEST

/* A server that never unloads is the server's finding, not a member's. */
START_TEST(cannot_unload_fails_the_server_and_flags_no_member)
{
    explore_with("explore-cannot-unload", "--fault cannot-unload");
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_str_eq(members_in("FAILED"), "");
    ck_assert_str_eq(members_in("clean"), ALL_CALLED);
    ck_assert_out_has("\nserver unload: DllCanUnloadNow says S_FALSE after every object was released\r\n");
    explore_with("explore-cannot-unload-left-out", "--fault cannot-unload --members Add "
                 "--fail-on leak,refs,objects,blocks");
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has(" (left out by --fail-on)\r\n");
}
END_TEST

/* crash-call:450 with 300 iterations: only the put's round trip (a get and
 * a put, 600 calls) goes past call 450. */
START_TEST(a_member_that_crashes_the_target_is_named_and_the_map_goes_on)
{
    explore_with("explore-crash", "--fault crash-call:450");
    ck_assert_exit(CS_EXIT_CRASH);
    ck_assert_str_eq(members_in("CRASHED:"), "Value (put)");
    ck_assert_out_has("  Value (put)                  CRASHED: 0xc0000005 access violation at ");
    ck_assert_str_eq(members_in("clean"), "Add, Consume, CreateChild, Divide, Echo, Fire, GetPair, Items, Items.Add, "
                     "Items._NewEnum, Items._NewEnum (clone), Items.count, MakeItems, Name, Range, Sum, Swap, Value, "
                     "events (advise weak, never unadvised), events (advise, unadvise)");
    ck_assert_out_has("explore: 23 members: 0 failed, 1 crashed, 0 hung, 20 clean, 1 not called, 0 errors, 1 skipped;");
}
END_TEST

START_TEST(a_member_that_hangs_is_killed_named_and_the_map_goes_on)
{
    /* among members mapped before and after it (the whole map meets a
     * crash above): the watchdog's wait is this test's time */
    explore_with("explore-hang", "--fault hang-call:450 --timeout 3 --members \"Add,Value,Items.count,events*\"");
    ck_assert_exit(CS_EXIT_HANG);
    ck_assert_str_eq(members_in("HUNG:"), "Value (put)");
    ck_assert_out_has("  Value (put)                  HUNG: killed after 3 s in phase 'run/type: 300 iterations");
    ck_assert_str_eq(members_in("clean"), "Add, Items.Add, Items.count, Value, events (advise weak, never unadvised), "
                     "events (advise, unadvise)");
    ck_assert_out_has("explore: 23 members: 0 failed, 0 crashed, 1 hung, 6 clean, 0 not called, 0 errors, 16 skipped;");
}
END_TEST

/* --dll: the server loaded without registration (a renamed copy the
 * registry does not name), for the explorer and each member's child. */
START_TEST(a_dll_is_explored_without_registration)
{
    const char *dir = cs_temp_dir("explore-dll");
    char args[2048];

    snprintf(args, sizeof(args), "explore --dll \"%s\" --target StressTarget --members Echo,Add --ledger "
             "--fault echo-leak-bstr --out \"%s\\out\"", server_copy(dir), dir);
    explore_cmd(args);
    ck_assert_exit(CS_EXIT_VERDICT);
    ck_assert_str_eq(members_in("FAILED"), "Echo");
    ck_assert_str_eq(members_in("clean"), "Add, Items.Add");
    /* the members --members left out are one line on the console */
    ck_assert_str_eq(members_in("skipped:"), "");
    ck_assert_out_has("  (20 members not selected by --members: run.json and report.html list them)\r\n");
    ck_assert_out_has("explore: 23 members: 1 failed, 0 crashed, 0 hung, 2 clean, 0 not called, 0 errors, 20 skipped;");
}
END_TEST

/* Bad input: one line naming it, exit 2, no output directory. */
static void expect_refused(const char *tag, const char *extra, const char *line)
{
    const char *dir = cs_temp_dir(tag);
    char args[1024], out[MAX_PATH];

    snprintf(out, sizeof(out), "%s\\out", dir);
    snprintf(args, sizeof(args), "explore --out \"%s\" %s", out, extra);
    explore_cmd(args);
    ck_assert_exit(CS_EXIT_USAGE);
    ck_assert_str_eq(res.out, line);
    ck_assert_msg(GetFileAttributesA(out) == INVALID_FILE_ATTRIBUTES, "%s was created", out);
}

START_TEST(bad_input_is_one_line_exit_2_and_nothing_created)
{
    expect_refused("explore-bad-members", "--members Add,Frob*",
                   "comstress: --members: 'Frob*' matches no member (comstress list members shows them)\r\n");
    expect_refused("explore-untyped", "--target ComStress.Untyped",
                   "comstress: ComStress.Untyped offers no type information: explore needs type information; "
                   "use run --call\r\n");
    expect_refused("explore-depth", "--depth 5", "comstress: --depth: '5' is too large: a depth from 0 to 4\r\n");
    expect_refused("explore-empty-skip", "--skip Add,,Echo", "comstress: --skip: 'Add,,Echo' has an empty pattern\r\n");
    expect_refused("explore-jobs-0", "--jobs 0", "comstress: --jobs: '0' is not a number from 1 to 16\r\n");
    expect_refused("explore-jobs-17", "--jobs 17", "comstress: --jobs: '17' is too large: a number from 1 to 16\r\n");
}
END_TEST

/* --dry-run prints the plan and creates nothing; --emit-script writes the
 * same text; naming a member of the skip list explores it. */
START_TEST(the_plan_is_printed_written_and_selected_by_the_lists)
{
    const char *dir = cs_temp_dir("explore-plan");
    char args[1024], out[MAX_PATH], plan[MAX_PATH], *text;

    snprintf(out, sizeof(out), "%s\\out", dir);
    snprintf(plan, sizeof(plan), "%s\\plan.txt", dir);
    snprintf(args, sizeof(args), "explore --dry-run --out \"%s\" --emit-script \"%s\" --members Items.*,Value "
             "--skip Items.count", out, plan);
    explore_cmd(args);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_msg(GetFileAttributesA(out) == INVALID_FILE_ATTRIBUTES, "--dry-run created %s", out);
    ck_assert_ptr_nonnull(text = cs_read_out(dir, "plan.txt"));
    ck_assert_msg(strstr(text, "# member Value\nValue\n# member Value (put)\n@v = Value\nValue = @v\n") != NULL,
                  "%s", text);
    ck_assert_msg(strstr(text, "# member Items.Remove: left out (default skip list (Remove*): name it in --members "
                         "to explore it)\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "# member Items.count: left out (--skip Items.count)\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "# member Add: left out (not selected by --members)\n") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "# member Items._NewEnum\neach Items\n") != NULL, "%s", text);
    ck_assert_out_has("# member GetPair: left out (not selected by --members)\r\n");
    free(text);
    explore_with("explore-named", "--members Items.Remove");
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_str_eq(members_in("not called:"), "Items.Remove");
    ck_assert_out_has("Items.Remove('x'): Remove: ");
}
END_TEST

/* An automation class that ships with Wine, mapped whole with the
 * default skip list: every member called or not called with a reason,
 * nothing failed, crashed, hung or in error. Two members at a time: the
 * skip list leaves out every member that writes (Save*, Write*, Create*File*
 * ...), so no two members meet in a file. */
static void explore_wine_class(const char *tag, const char *extra, const char *summary)
{
    const char *dir = cs_temp_dir(tag);
    char args[1024];

    snprintf(args, sizeof(args), "explore %s --ledger --jobs 2 --fail-on leak,refs,objects,blocks --timeout 60 "
             "--out \"%s\\out\"", extra, dir);
    explore_cmd(args);
    ck_assert_exit(CS_EXIT_OK);
    ck_assert_out_has(summary);
    ck_assert_out_has("server unload: DllCanUnloadNow says S_FALSE after every object was released "
                      "(left out by --fail-on)\r\n");
}

START_TEST(wine_dictionary_regexp_and_filesystem_are_mapped_whole)
{
    explore_wine_class("explore-dictionary", "--target Scripting.Dictionary",
                       "explore: 15 members: 0 failed, 0 crashed, 0 hung, 13 clean, 0 not called, 0 errors, 2 skipped;");
    ck_assert_str_eq(members_in("skipped:"), "Remove, RemoveAll");
    explore_wine_class("explore-regexp", "--target VBScript.RegExp",
                       "explore: 11 members: 0 failed, 0 crashed, 0 hung, 10 clean, 0 not called, 0 errors, 1 skipped;");
    ck_assert_str_eq(members_in("skipped:"), "Execute");
    explore_wine_class("explore-fso", "--target Scripting.FileSystemObject",
                       "explore: 52 members: 0 failed, 0 crashed, 0 hung, 20 clean, 19 not called, 0 errors, "
                       "13 skipped;");
    ck_assert_out_has("  GetFolder                    not called: line 1: GetFolder('x'): GetFolder: failed (0x800a004c)");
}
END_TEST

/* MSXML2.DOMDocument at depth 0: Wine 8's msxml3 leaks 301 bytes in every
 * cloneNode and crashes on a documentElement put of the null it reads
 * from an empty document; explore names both, and the rest maps clean. */
START_TEST(wine_domdocument_is_mapped_and_its_two_defects_named)
{
    explore_wine_class("explore-domdocument", "--target MSXML2.DOMDocument --depth 0 "
                       "--skip cloneNode,documentElement",
                       "explore: 77 members: 0 failed, 0 crashed, 0 hung, 52 clean, 20 not called, 0 errors, "
                       "5 skipped;");
    explore_with("explore-domdocument-defects", "--target MSXML2.DOMDocument --depth 0 "
                 "--members cloneNode,documentElement --fail-on leak,refs,objects,blocks");
    ck_assert_exit(CS_EXIT_CRASH);
    ck_assert_str_eq(members_in("FAILED"), "cloneNode");
    ck_assert_str_eq(members_in("CRASHED:"), "documentElement (put)");
    ck_assert_str_eq(members_in("clean"), "documentElement");
    ck_assert_out_has("  cloneNode                    FAILED (leak)           +301.00 B   +6.00 blocks per call");
}
END_TEST

/* Two test cases, each its own CTest entry (tests/cli/CMakeLists.txt): the
 * reference server's maps, and the classes that ship with Wine. */
int main(void)
{
    const TTest *const reference[] = {
        CS_TEST(the_clean_server_maps_clean_and_the_reports_hold_the_map),
        CS_TEST(extra_addref_flags_add_alone),
        CS_TEST(child_extra_ref_flags_create_child_alone),
        CS_TEST(echo_leak_bstr_flags_echo_alone_with_its_blocks),
        CS_TEST(variant_leak_flags_consume_alone),
        CS_TEST(out_overwrite_leak_flags_get_pair_alone),
        CS_TEST(array_element_leak_flags_make_items_alone),
        CS_TEST(newenum_extra_ref_flags_the_walks_of_items_alone),
        CS_TEST(enum_item_extra_ref_flags_the_walks_of_items_alone),
        CS_TEST(enum_clone_leak_flags_the_walk_of_a_clone_alone),
        CS_TEST(unadvise_keeps_sink_flags_advise_then_unadvise_alone),
        CS_TEST(destroy_keeps_sinks_flags_the_weak_advise_never_unadvised_alone),
        CS_TEST(internal_child_leak_flags_every_member_called),
        CS_TEST(leak_bytes_flags_every_member_that_calls_a_method_with_its_bytes_per_call),
        CS_TEST(cannot_unload_fails_the_server_and_flags_no_member),
        CS_TEST(a_member_that_crashes_the_target_is_named_and_the_map_goes_on),
        CS_TEST(a_member_that_hangs_is_killed_named_and_the_map_goes_on),
        CS_TEST(a_dll_is_explored_without_registration),
        CS_TEST(bad_input_is_one_line_exit_2_and_nothing_created),
        CS_TEST(the_plan_is_printed_written_and_selected_by_the_lists),
        NULL
    };
    const TTest *const wine[] = {
        CS_TEST(wine_dictionary_regexp_and_filesystem_are_mapped_whole),
        CS_TEST(wine_domdocument_is_mapped_and_its_two_defects_named),
        NULL
    };
    Suite *s = suite_create("explore");

    suite_add_tcase(s, cs_test_case("reference", reference));
    suite_add_tcase(s, cs_test_case("wine", wine));
    return cs_run_suite(s);
}
