/*
 * Unit tests of explore's pure part at its edges (core/explore): the
 * reports explore writes (run.json's "members", report.html's map,
 * junit.xml's testcases), statements that do not fit their buffer,
 * member selection's refusals, run.json figures of every shape, the map's
 * ties, and the JSON reader's escapes and malformed text.
 */
#include "cs_unit.h"
#include "explore.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char buf[4096], why[CS_XWHY_LEN];

static cs_xmember member(const char *name, cs_xkind kind, const char *prefix)
{
    cs_xmember m;

    memset(&m, 0, sizeof(m));
    snprintf(m.name, sizeof(m.name), "%s", name);
    snprintf(m.prefix, sizeof(m.prefix), "%s", prefix);
    snprintf(m.path, sizeof(m.path), "%s%s%s", prefix, *prefix ? "." : "", name);
    m.kind = kind;
    return m;
}

static void param(cs_xmember *m, cs_xtype t, int out, int in, int optional)
{
    cs_xparam *p = &m->params[m->nparams++];

    memset(p, 0, sizeof(*p));
    p->type = t;
    p->elem = CS_XT_VARIANT;
    p->out = out;
    p->in = in;
    p->optional = optional;
}

/* ---- the reports ---- */

/* Six members, one of each state the reports tell apart, the results in
 * member order: FAILED, clean, skipped, not called, CRASHED, HUNG. */
static void six(cs_xmember *m, cs_xresult *r)
{
    size_t i;

    m[0] = member("Add", CS_XK_METHOD, "");
    m[1] = member("Value", CS_XK_PUT, "");
    m[1].has_get = 1;
    param(&m[1], CS_XT_INT, 0, 0, 0);
    m[2] = member("Remove", CS_XK_METHOD, "");
    m[2].skipped = 1;
    snprintf(m[2].skip_why, sizeof(m[2].skip_why), "--skip Rem*");
    m[3] = member("Item", CS_XK_GET, "Items");
    m[4] = member("Crash", CS_XK_METHOD, "");
    m[5] = member("Hang", CS_XK_METHOD, "");
    for (i = 0; i < 6; i++)
        cs_xresult_init(&r[i]);
    r[0].state = CS_XS_FAILED;
    r[0].bytes_per_call = 24;
    r[0].blocks_per_call = 1;
    r[0].cotask_per_call = 0.5;
    r[0].refs = 2;
    r[0].objects = 0;
    r[0].seconds = 1.25;
    snprintf(r[0].categories, sizeof(r[0].categories), "leak,refs");
    snprintf(r[0].site, sizeof(r[0].site), "allocated in f <a.c:1>");
    snprintf(r[0].dir, sizeof(r[0].dir), "members/00");
    r[1].state = CS_XS_CLEAN;
    r[1].bytes_per_call = 0;
    r[1].blocks_per_call = 0;
    r[1].seconds = 0.5;
    r[2].state = CS_XS_SKIPPED;
    r[3].state = CS_XS_NOT_CALLED;
    snprintf(r[3].why, sizeof(r[3].why), "Item: bad index");
    r[4].state = CS_XS_CRASHED;
    snprintf(r[4].why, sizeof(r[4].why), "access violation");
    r[5].state = CS_XS_HUNG;
    snprintf(r[5].categories, sizeof(r[5].categories), "leak");
    snprintf(r[5].why, sizeof(r[5].why), "killed after 10 s");
}

static const size_t in_order[6] = { 0, 1, 2, 3, 4, 5 };

static cs_xreport context(const char *unload, int unload_fails)
{
    cs_xreport x;

    memset(&x, 0, sizeof(x));
    x.target = "ComStress.Target";
    x.command_line = "comstress explore --skip Rem*";
    x.date = "2026-12-07T12:00:00Z";
    x.fail_on = "leak,refs";
    x.unload = unload;
    x.unload_fails = unload_fails;
    x.depth = 2;
    x.iterations = 300;
    x.seconds = 12.5;
    x.exit_code = 1;
    return x;
}

/* Writes a report with writer into a file, returns its text (malloc'd). */
static char *report(int (*writer)(const char *, const cs_xreport *, const cs_xmember *, const cs_xresult *,
                                  const size_t *, size_t, char *, size_t),
                    const cs_xreport *x, const cs_xmember *m, const cs_xresult *r, size_t n)
{
    const char *path = "test_explore_edges.out";
    char err[256];
    char *text;

    ck_int_eq(writer(path, x, m, r, in_order, n, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(text = cs_read_file(path));
    remove(path);
    return text;
}

/* check carries a message of a few kilobytes at most: the text is cut. */
#define ck_has(text, part) ck_assert_msg(strstr((text), (part)) != NULL, "no\n%.1500s\nin\n%.2000s", (part), (text))

START_TEST(explore_run_json_has_the_context_and_one_entry_a_member)
{
    cs_xmember m[6];
    cs_xresult r[6];
    cs_xreport x = context(NULL, 0);
    char *text;

    six(m, r);
    text = report(cs_xreport_json, &x, m, r, 6);
    ck_has(text, "{\n  \"schema_version\": 1,\n  \"context\": {\n    \"date\": \"2026-12-07T12:00:00Z\",\n"
                 "    \"command_line\": \"comstress explore --skip Rem*\",\n    \"command\": \"explore\",\n"
                 "    \"target\": \"ComStress.Target\",\n    \"depth\": 2,\n    \"iterations_per_member\": 300,\n"
                 "    \"fail_on\": \"leak,refs\",\n    \"seconds\": 12.5,\n    \"unload\": null,\n"
                 "    \"unload_fails\": false,\n    \"exit_code\": 1\n  },\n  \"runs\": [],\n  \"members\": [\n");
    ck_has(text, "    {\"member\": \"Add\", \"name\": \"Add\", \"path\": \"Add\", \"kind\": \"method\", \"depth\": 0, "
                 "\"state\": \"FAILED\", \"statements\": \"Add\\n\", \"categories\": \"leak,refs\", "
                 "\"heap_bytes_per_call\": 24, \"heap_blocks_per_call\": 1, \"cotaskmem_bytes_per_call\": 0.5, "
                 "\"outstanding_refs\": 2, \"live_objects_end\": 0, \"site\": \"allocated in f <a.c:1>\", "
                 "\"why\": null, \"seconds\": 1.25, \"dir\": \"members/00\"},\n");
    ck_has(text, "    {\"member\": \"Value (put)\", \"name\": \"Value\", \"path\": \"Value\", \"kind\": \"put\", "
                 "\"depth\": 0, \"state\": \"clean\", \"statements\": \"@v = Value\\nValue = @v\\n\", "
                 "\"categories\": \"\", \"heap_bytes_per_call\": 0, \"heap_blocks_per_call\": 0, "
                 "\"cotaskmem_bytes_per_call\": null, \"outstanding_refs\": null, \"live_objects_end\": null, "
                 "\"site\": null, \"why\": null, \"seconds\": 0.5, \"dir\": null},\n");
    ck_has(text, "\"state\": \"skipped\", \"statements\": null, ");
    ck_has(text, "\"why\": \"--skip Rem*\", ");
    ck_has(text, "\"path\": \"Items.Item\", \"kind\": \"get\", ");
    ck_has(text, "\"state\": \"not called\", \"statements\": \"Items.Item\\n\", ");
    ck_has(text, "\"why\": \"Item: bad index\", ");
    ck_has(text, "\"why\": \"killed after 10 s\", \"seconds\": 0, \"dir\": null}\n  ]\n}\n");
    free(text);
    x = context("DLL still loaded", 1);
    text = report(cs_xreport_json, &x, m, r, 0);
    ck_has(text, "    \"unload\": \"DLL still loaded\",\n    \"unload_fails\": true,\n");
    ck_has(text, "  \"members\": [\n  ]\n}\n");
    free(text);
}
END_TEST

START_TEST(explore_run_json_names_a_kind_or_state_it_does_not_know_with_a_question_mark)
{
    cs_xmember m = member("Odd", (cs_xkind)99, "");
    cs_xresult r;
    cs_xreport x = context(NULL, 0);
    char *text;

    cs_xresult_init(&r);
    r.state = (cs_xstate)42;
    text = report(cs_xreport_json, &x, &m, &r, 1);
    ck_has(text, "{\"member\": \"Odd\", \"name\": \"Odd\", \"path\": \"Odd\", \"kind\": \"?\", \"depth\": 0, "
                 "\"state\": \"?\", \"statements\": \"Odd\\n\", ");
    free(text);
    ck_assert_str_eq(cs_xstate_name((cs_xstate)7), "?");
    ck_assert_str_eq(cs_xstate_name(CS_XS_SKIPPED), "skipped");
}
END_TEST

START_TEST(explore_report_html_shows_each_state_its_row)
{
    cs_xmember m[6];
    cs_xresult r[6];
    cs_xreport x = context(NULL, 0);
    char *text;

    six(m, r);
    x.target = "A&B";
    text = report(cs_xreport_html, &x, m, r, 6);
    ck_has(text, "<h1>Leak map of A&amp;B</h1>\n");
    ck_has(text, "<tr class=\"bad\"><td>Add</td><td>FAILED (leak,refs)</td><td>24.00</td><td>1.00</td><td>2</td>"
                 "<td>allocated in f &lt;a.c:1&gt;</td><td><a href=\"members/00/report.html\">members/00</a>"
                 "</td></tr>\n");
    ck_has(text, "<tr class=\"ok\"><td>Value (put)</td><td>clean</td><td>0.00</td><td>0.00</td><td></td>"
                 "<td></td><td></td></tr>\n");
    ck_has(text, "<tr class=\"ok\"><td>Remove</td><td>skipped</td><td></td><td></td><td></td>"
                 "<td>--skip Rem*</td><td></td></tr>\n");
    ck_has(text, "<tr class=\"ok\"><td>Items.Item</td><td>not called</td><td></td><td></td><td></td>"
                 "<td>Item: bad index</td><td></td></tr>\n");
    ck_has(text, "<tr class=\"bad\"><td>Crash</td><td>CRASHED</td><td></td><td></td><td></td>"
                 "<td>access violation</td><td></td></tr>\n");
    ck_has(text, "<tr class=\"bad\"><td>Hang</td><td>HUNG</td><td></td><td></td><td></td>"
                 "<td>killed after 10 s</td><td></td></tr>\n");
    ck_has(text, "</table>\n<p>300 iterations a member, each member in a child process of its own; objects "
                 "returned explored to depth 2; --fail-on leak,refs; exit code 1.</p>\n<p>Command: "
                 "<code>comstress explore --skip Rem*</code></p>\n</body></html>\n");
    ck_assert_ptr_null(strstr(text, "Server unload"));
    free(text);
}
END_TEST

START_TEST(explore_report_html_says_whether_the_unload_finding_fails_the_exploration)
{
    cs_xmember m[6];
    cs_xresult r[6];
    cs_xreport x = context("DLL <still> loaded", 1);
    char *text;

    six(m, r);
    text = report(cs_xreport_html, &x, m, r, 1);
    ck_has(text, "</table>\n<p>Server unload (fails the exploration): DLL &lt;still&gt; loaded</p>\n<p>300 ");
    free(text);
    x.unload_fails = 0;
    text = report(cs_xreport_html, &x, m, r, 1);
    ck_has(text, "</table>\n<p>Server unload (left out by --fail-on): DLL &lt;still&gt; loaded</p>\n<p>300 ");
    free(text);
}
END_TEST

START_TEST(explore_junit_fails_failed_crashed_and_hung_and_skips_the_rest)
{
    cs_xmember m[6];
    cs_xresult r[6];
    cs_xreport x = context(NULL, 0);
    char *text;

    six(m, r);
    text = report(cs_xreport_junit, &x, m, r, 6);
    ck_assert_str_eq(text,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        "  <testsuite name=\"explore ComStress.Target\" tests=\"6\" failures=\"3\" skipped=\"2\" time=\"12.500\">\n"
        "    <testcase classname=\"explore\" name=\"Add\" time=\"1.250\"><failure message=\"FAILED: leak,refs\">"
        "allocated in f &lt;a.c:1&gt;</failure></testcase>\n"
        "    <testcase classname=\"explore\" name=\"Value (put)\" time=\"0.500\"></testcase>\n"
        "    <testcase classname=\"explore\" name=\"Remove\" time=\"0.000\"><skipped message=\"skipped: --skip Rem*\"/>"
        "</testcase>\n"
        "    <testcase classname=\"explore\" name=\"Items.Item\" time=\"0.000\"><skipped message=\"not called: "
        "Item: bad index\"/></testcase>\n"
        "    <testcase classname=\"explore\" name=\"Crash\" time=\"0.000\"><failure message=\"CRASHED\">"
        "access violation</failure></testcase>\n"
        "    <testcase classname=\"explore\" name=\"Hang\" time=\"0.000\"><failure message=\"HUNG: leak\">"
        "killed after 10 s</failure></testcase>\n"
        "  </testsuite>\n</testsuites>\n");
    free(text);
}
END_TEST

START_TEST(explore_junit_counts_the_server_unload_as_a_failure_or_a_skip)
{
    cs_xmember m[6];
    cs_xresult r[6];
    cs_xreport x = context("DLL \"x\" loaded", 1);
    char *text;

    six(m, r);
    text = report(cs_xreport_junit, &x, m, r, 2);
    ck_has(text, "tests=\"3\" failures=\"2\" skipped=\"0\" time=\"12.500\">\n");
    ck_has(text, "    <testcase classname=\"explore\" name=\"server unload\" time=\"0\"><failure message=\"unload\">"
                 "DLL &quot;x&quot; loaded</failure></testcase>\n  </testsuite>\n");
    free(text);
    x.unload_fails = 0;
    text = report(cs_xreport_junit, &x, m, r, 2);
    ck_has(text, "tests=\"3\" failures=\"1\" skipped=\"1\" time=\"12.500\">\n");
    ck_has(text, "    <testcase classname=\"explore\" name=\"server unload\" time=\"0\"><skipped message=\"left out "
                 "by --fail-on: DLL &quot;x&quot; loaded\"/></testcase>\n  </testsuite>\n");
    free(text);
}
END_TEST

START_TEST(explore_reports_that_cannot_be_created_say_which_path)
{
    cs_xmember m[6];
    cs_xresult r[6];
    cs_xreport x = context(NULL, 0);
    char err[256];

    six(m, r);
    ck_int_eq(cs_xreport_json("no-such-dir/run.json", &x, m, r, in_order, 6, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "cannot write no-such-dir/run.json: No such file or directory");
    ck_int_eq(cs_xreport_html("no-such-dir/report.html", &x, m, r, in_order, 6, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "cannot write no-such-dir/report.html: No such file or directory");
    ck_int_eq(cs_xreport_junit("no-such-dir/junit.xml", &x, m, r, in_order, 6, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "cannot write no-such-dir/junit.xml: No such file or directory");
}
END_TEST

/* ---- statements and calls at their limits ---- */

START_TEST(a_call_that_does_not_fit_its_buffer_says_how_long_it_may_be)
{
    cs_xmember m = member("Add", CS_XK_METHOD, "");
    static const size_t cut[] = { 3, 4, 5, 7, 8, 15 };
    size_t i;

    param(&m, CS_XT_INT, 0, 0, 0);
    param(&m, CS_XT_INT, 1, 0, 0);
    ck_int_eq(cs_xmember_call(&m, buf, 16, why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "Add(1, out @a2)");
    ck_assert_str_eq(why, "");
    for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
        char want[64];

        ck_int_eq(cs_xmember_call(&m, buf, cut[i], why, sizeof(why)), -1);
        snprintf(want, sizeof(want), "its call text is longer than %u characters", (unsigned)cut[i] - 1);
        ck_assert_str_eq(why, want);
    }
}
END_TEST

START_TEST(an_optional_out_argument_is_still_passed_and_an_unnamed_type_is_unknown)
{
    cs_xmember m = member("Get", CS_XK_METHOD, "");
    char b[16];

    param(&m, CS_XT_INT, 1, 0, 1);
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "Get(out @a1)\n");
    m.params[0].type = CS_XT_UNSUPPORTED;
    m.params[0].in = 1;
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), -1);
    ck_assert_str_eq(why, "argument 1 is of a type the call language cannot pass (unknown)");
    m.params[0].out = 0;
    m.params[0].optional = 0;
    ck_int_eq(cs_xmember_call(&m, buf, sizeof(buf), why, sizeof(why)), -1);
    ck_assert_str_eq(why, "argument 1 is of a type the call language cannot pass (unknown)");
    ck_assert_str_eq(cs_xarg_text(CS_XT_ARRAY, CS_XT_VARIANT, b, sizeof(b)), "[1]");
    ck_assert_ptr_null(cs_xarg_text(CS_XT_ARRAY, CS_XT_UNSUPPORTED, b, sizeof(b)));
    ck_assert_ptr_null(cs_xarg_text((cs_xtype)99, CS_XT_INT, b, sizeof(b)));
}
END_TEST

START_TEST(statements_that_do_not_fit_their_buffer_say_how_long_they_may_be)
{
    cs_xmember m = member("Swap", CS_XK_METHOD, "");

    param(&m, CS_XT_INT, 1, 1, 0);
    ck_int_eq(cs_xmember_statements(&m, buf, 5, why, sizeof(why)), -1);
    ck_assert_str_eq(why, "its statements are longer than 4 characters");
    ck_int_eq(cs_xmember_statements(&m, buf, 12, why, sizeof(why)), -1);
    ck_assert_str_eq(why, "its statements are longer than 11 characters");
    ck_int_eq(cs_xmember_statements(&m, buf, 23, why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "@a1 = 1\nSwap(out @a1)\n");
    m = member("_NewEnum", CS_XK_NEWENUM, "Items");
    ck_int_eq(cs_xmember_statements(&m, buf, 11, why, sizeof(why)), -1);
    ck_assert_str_eq(why, "its statements are longer than 10 characters");
    ck_assert_str_eq(buf, "each Items");
}
END_TEST

START_TEST(events_down_a_chain_that_do_not_fit_say_how_long_they_may_be)
{
    cs_xmember m = member("events", CS_XK_ADVISE, "Items");
    static const size_t cut[] = { 5, 12, 22 };
    size_t i;

    ck_int_eq(cs_xmember_statements(&m, buf, 34, why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "@e = Items\nadvise @e\nunadvise @e\n");
    for (i = 0; i < 3; i++) {
        char want[64];

        ck_int_eq(cs_xmember_statements(&m, buf, cut[i], why, sizeof(why)), -1);
        snprintf(want, sizeof(want), "its statements are longer than %u characters", (unsigned)cut[i] - 1);
        ck_assert_str_eq(why, want);
    }
}
END_TEST

START_TEST(a_put_without_a_get_needs_a_value_the_language_can_make)
{
    cs_xmember m = member("Value", CS_XK_PUT, "Items");

    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), -1);
    ck_assert_str_eq(why, "its value is of a type the call language cannot pass (none)");
    param(&m, CS_XT_UNSUPPORTED, 0, 0, 0);
    snprintf(m.params[0].type_text, sizeof(m.params[0].type_text), "POINT");
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), -1);
    ck_assert_str_eq(why, "its value is of a type the call language cannot pass (POINT)");
    m.params[0].type = CS_XT_BOOL;
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "Items.Value = true\n");
    ck_int_eq(cs_xmember_statements(&m, buf, 19, why, sizeof(why)), -1);
    ck_assert_str_eq(why, "its statements are longer than 18 characters");
    m.has_get = 1;
    ck_int_eq(cs_xmember_statements(&m, buf, 34, why, sizeof(why)), -1);
    ck_assert_str_eq(why, "its statements are longer than 33 characters");
    ck_int_eq(cs_xmember_statements(&m, buf, 35, why, sizeof(why)), 0);
    ck_assert_str_eq(buf, "@v = Items.Value\nItems.Value = @v\n");
    m = member("Count", CS_XK_GET, "Items");
    ck_int_eq(cs_xmember_statements(&m, buf, 12, why, sizeof(why)), -1);
    ck_assert_str_eq(why, "its statements are longer than 11 characters");
}
END_TEST

START_TEST(the_default_skip_list_text_is_made_once_and_names_every_pattern)
{
    const char *text = cs_xdefault_skip_text();

    ck_assert_str_eq(text, "Delete*, Remove*, Kill*, Format*, Shutdown*, Reboot*, Quit, Exit*, Terminate*, Run, "
                           "Exec*, Shell*, Save*, Write*, Copy*, Move*, Send*, Print*, Create*File*, "
                           "Create*Folder*, Open*File*");
    ck_assert_ptr_eq(cs_xdefault_skip_text(), text);
    ck_assert_str_eq(cs_xdefault_skip_text(), text);
}
END_TEST

/* ---- choosing members ---- */

START_TEST(a_glob_list_too_long_or_with_too_many_patterns_is_refused)
{
    const char *pats[CS_XMAX_GLOBS];
    char copy[256];

    ck_int_eq(cs_xglob_split("--members", "Add,Remove", copy, 10, pats, buf, sizeof(buf)), -1);
    ck_assert_str_eq(buf, "--members: the list is longer than 9 characters");
    ck_int_eq(cs_xglob_split("--members", "Add,Remov", copy, 10, pats, buf, sizeof(buf)), 2);
    ck_assert_str_eq(pats[1], "Remov");
    ck_int_eq(cs_xglob_split("--skip", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", copy, sizeof(copy), pats, buf,
                             sizeof(buf)), -1);
    ck_assert_str_eq(buf, "--skip: at most 16 patterns");
    ck_int_eq(cs_xglob_split("--skip", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", copy, sizeof(copy), pats, buf,
                             sizeof(buf)), 16);
    ck_assert_str_eq(pats[15], "p");
    ck_int_eq(cs_xglob_split("--skip", "Add,", copy, sizeof(copy), pats, buf, sizeof(buf)), -1);
    ck_assert_str_eq(buf, "--skip: 'Add,' has an empty pattern");
}
END_TEST

static void three(cs_xmember *m)
{
    m[0] = member("Add", CS_XK_METHOD, "");
    m[1] = member("Count", CS_XK_GET, "Items");
    m[2] = member("Remove", CS_XK_METHOD, "Items");
}

START_TEST(members_match_by_name_and_only_an_exact_name_lifts_the_skip_list)
{
    cs_xmember m[3];
    const char *count[] = { "Count" }, *wild[] = { "Rem*", "Add" }, *exact[] = { "Add", "remove" };

    three(m);
    ck_int_eq(cs_xselect(m, 3, count, 1, NULL, 0, buf, sizeof(buf)), 0);
    ck_int_eq(m[0].skipped + 2 * m[1].skipped + 4 * m[2].skipped, 1 + 4);
    ck_assert_str_eq(m[0].skip_why, "not selected by --members");
    ck_assert_str_eq(m[1].skip_why, "");
    ck_int_eq(cs_xselect(m, 3, wild, 2, NULL, 0, buf, sizeof(buf)), 0);
    ck_int_eq(m[0].skipped + 2 * m[1].skipped + 4 * m[2].skipped, 2 + 4);
    ck_assert_str_eq(m[2].skip_why, "default skip list (Remove*): name it in --members to explore it");
    ck_int_eq(cs_xselect(m, 3, exact, 2, NULL, 0, buf, sizeof(buf)), 0);
    ck_int_eq(m[0].skipped + 2 * m[1].skipped + 4 * m[2].skipped, 2);
    ck_assert_str_eq(m[2].skip_why, "");
}
END_TEST

START_TEST(a_member_left_out_by_skip_or_the_default_list_is_never_called)
{
    cs_xmember m[3];
    const char *skip[] = { "Nothing", "Items.C*" }, *wild[] = { "Rem*" }, *exact[] = { "Items.Remove" };

    three(m);
    ck_int_eq(cs_xleft_out(&m[0], NULL, 0, skip, 2), 0);
    ck_int_eq(cs_xleft_out(&m[1], NULL, 0, skip, 2), 1);
    ck_int_eq(cs_xleft_out(&m[1], exact, 1, NULL, 0), 0);
    ck_int_eq(cs_xleft_out(&m[2], NULL, 0, skip, 2), 1);
    ck_int_eq(cs_xleft_out(&m[2], wild, 1, NULL, 0), 1);
    ck_int_eq(cs_xleft_out(&m[2], exact, 1, NULL, 0), 0);
    ck_int_eq(cs_xleft_out(&m[2], exact, 1, skip, 2), 0);
}
END_TEST

START_TEST(the_plan_says_why_a_member_cannot_be_called_and_fails_on_a_write_error)
{
    cs_xmember m = member("Store", CS_XK_METHOD, "");
    const char *path = "test_explore_edges.plan";
    FILE *f = fopen(path, "wb");
    char *text;

    param(&m, CS_XT_UNSUPPORTED, 0, 0, 0);
    ck_assert_ptr_nonnull(f);
    ck_int_eq(cs_xplan_write(f, "T", &m, 1), 0);
    fclose(f);
    ck_assert_ptr_nonnull(text = cs_read_file(path));
    ck_assert_str_eq(text, "# comstress explore plan of T: each member's statements, run on their own\n"
                           "# (comstress run --target T --script THIS_FILE runs them all in one loop)\n"
                           "# member Store: not called: argument 1 is of a type the call language cannot pass "
                           "(unknown)\n");
    free(text);
    ck_assert_ptr_nonnull(f = fopen(path, "rb"));
    ck_int_eq(cs_xplan_write(f, "T", &m, 1), -1);
    fclose(f);
    remove(path);
}
END_TEST

/* ---- run.json read back, the map ---- */

static const char odd_json[] =
    "{\"runs\": [{\"error\": null, \"verdicts\": {\"heap_bytes\": {\"verdict\": \"clean\", \"per_iteration\": \"16\"},\n"
    "  \"heap_blocks\": {\"verdict\": 1, \"per_iteration\": 2}, \"threads\": {\"verdict\": \"leak\"}},\n"
    " \"release\": {\"outstanding_refs\": 0, \"use_after_release\": 1, \"live_objects_end\": 3, \"locks_end\": 0,\n"
    "  \"findings\": [7, \"unload: DLL still loaded (left out by --fail-on)\", \"unload: the second\",\n"
    "   \"sink leak: 1 outstanding\", \"CoTaskMem leak: 8 B\"]}}]}";

START_TEST(run_json_figures_of_every_shape_give_their_categories)
{
    cs_xresult r;

    cs_xresult_init(&r);
    ck_int_eq(cs_xresult_from_json(odd_json, &r), 0);
    ck_assert(isnan(r.bytes_per_call));
    ck_assert(r.blocks_per_call == 2);
    ck_assert(isnan(r.cotask_per_call));
    ck_int_eq(r.refs, 0);
    ck_int_eq(r.objects, 3);
    ck_assert_str_eq(r.categories, "leak,refs,objects,blocks");
    ck_assert_str_eq(r.unload, "DLL still loaded");
    ck_assert_str_eq(r.site, "sink leak: 1 outstanding");
    ck_assert_str_eq(r.why, "");
    cs_xresult_init(&r);
    ck_int_eq(cs_xresult_from_json("{\"runs\": [{\"error\": 5, \"release\": {\"live_objects_end\": 0, "
                                   "\"locks_end\": 2, \"findings\": \"none\"}}]}", &r), 0);
    ck_assert_str_eq(r.categories, "objects");
    ck_assert_str_eq(r.site, "");
    ck_assert_str_eq(r.why, "");
    ck_int_eq(r.refs, -1);
    cs_xresult_init(&r);
    ck_int_eq(cs_xresult_from_json("{\"runs\": [{\"release\": {\"findings\": [\"unload: gone\", "
                                   "\"sink leak\", \"x allocated in f (a.c:2)\"]}}]}", &r), 0);
    ck_assert_str_eq(r.unload, "gone");
    ck_assert_str_eq(r.categories, "refs,blocks");
    ck_assert_str_eq(r.site, "x allocated in f (a.c:2)");
    ck_int_eq(cs_xresult_from_json("{\"runs\": [1]}", &r), -1);
    ck_int_eq(cs_xresult_from_json("[1]", &r), -1);
}
END_TEST

START_TEST(the_map_breaks_ties_by_bytes_then_path_then_kind)
{
    cs_xmember m[5];
    cs_xresult r[5];
    size_t order[5], i;

    m[0] = member("Value", CS_XK_PUT, "");
    m[1] = member("Aaa", CS_XK_GET, "");
    m[2] = member("Value", CS_XK_GET, "");
    m[3] = member("Count", CS_XK_GET, "");
    m[4] = member("Zed", CS_XK_METHOD, "");
    for (i = 0; i < 5; i++) {
        cs_xresult_init(&r[i]);
        r[i].state = CS_XS_CLEAN;
        r[i].bytes_per_call = 0;
    }
    r[1].bytes_per_call = NAN;
    r[4].bytes_per_call = 8;
    cs_xmap_sort(m, r, order, 5);
    ck_int_eq(order[0], 4);
    ck_int_eq(order[1], 3);
    ck_int_eq(order[2], 2);
    ck_int_eq(order[3], 0);
    ck_int_eq(order[4], 1);
}
END_TEST

START_TEST(a_map_line_says_n_a_for_what_was_not_measured)
{
    cs_xmember m = member("Value", CS_XK_PUT, "");
    cs_xresult r;

    cs_xresult_init(&r);
    r.state = CS_XS_CLEAN;
    r.bytes_per_call = 0.001;
    cs_xmap_line(&m, &r, buf, sizeof(buf));
    ck_assert_str_eq(buf, "  Value (put)                  clean                         0 B            n/a per call, refs n/a");
    m = member("Count", CS_XK_GET, "");
    r.bytes_per_call = -8;
    r.blocks_per_call = 0.5;
    r.refs = 0;
    snprintf(r.site, sizeof(r.site), "x");
    cs_xmap_line(&m, &r, buf, sizeof(buf));
    ck_assert_str_eq(buf, "  Count                        clean                     -8.00 B   +0.50 blocks per call, 0 refs; x");
    r.state = CS_XS_SKIPPED;
    snprintf(m.skip_why, sizeof(m.skip_why), "--skip C*");
    snprintf(r.categories, sizeof(r.categories), "leak");
    cs_xmap_line(&m, &r, buf, sizeof(buf));
    ck_assert_str_eq(buf, "  Count                        skipped: --skip C*");
    snprintf(r.why, sizeof(r.why), "its own why");
    cs_xmap_line(&m, &r, buf, sizeof(buf));
    ck_assert_str_eq(buf, "  Count                        skipped: its own why");
    r.state = CS_XS_HUNG;
    cs_xmap_line(&m, &r, buf, sizeof(buf));
    ck_assert_str_eq(buf, "  Count                        HUNG: its own why");
}
END_TEST

/* ---- the JSON reader ---- */

START_TEST(json_strings_unescape_every_escape_to_utf8)
{
    cs_jvalue v;

    ck_int_eq(cs_json_parse("\t\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00E9\\u20aC\\u00FF\\uD83D\\uDE00\"\r\n", &v), 0);
    ck_int_eq(v.type, CS_J_STRING);
    ck_assert_str_eq(v.string, "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xc3\xbf\xf0\x9f\x98\x80");
    cs_json_free(&v);
    /* a high surrogate not followed by a low one stands alone */
    ck_int_eq(cs_json_parse("\"\\ud83dx\\ud83d\\u0041\\ud83d\\n\"", &v), 0);
    ck_assert_str_eq(v.string, "\xed\xa0\xbdx\xed\xa0\xbd" "A\xed\xa0\xbd\n");
    cs_json_free(&v);
    ck_int_eq(cs_json_parse("\"\\u00G0\"", &v), -1);
    ck_int_eq(cs_json_parse("\"\\u12\"", &v), -1);
    ck_int_eq(cs_json_parse("\"abc", &v), -1);
    ck_int_eq(cs_json_parse("\"abc\\", &v), -1);
    ck_int_eq(v.type, CS_J_NULL);
    ck_assert_ptr_null(v.string);
}
END_TEST

START_TEST(json_containers_literals_and_numbers_parse_and_malformed_ones_do_not)
{
    cs_jvalue v;
    const cs_jvalue *x;

    ck_int_eq(cs_json_parse("{ \"a\" :\t[ ], \"b\": {}, \"c\": [false, null, -1.5e2, true]}", &v), 0);
    ck_int_eq(v.n, 3);
    ck_int_eq(cs_json_at(&v, "a")->type, CS_J_ARRAY);
    ck_int_eq(cs_json_at(&v, "a")->n, 0);
    ck_int_eq(cs_json_at(&v, "b")->type, CS_J_OBJECT);
    ck_int_eq(cs_json_at(&v, "b")->n, 0);
    ck_assert_ptr_nonnull(x = cs_json_at(&v, "c.0"));
    ck_assert(x->type == CS_J_BOOL && x->number == 0);
    ck_int_eq(cs_json_at(&v, "c.1")->type, CS_J_NULL);
    ck_assert(cs_json_at(&v, "c.2")->number == -150);
    ck_assert(cs_json_at(&v, "c.3")->type == CS_J_BOOL && cs_json_at(&v, "c.3")->number == 1);
    ck_assert_ptr_eq(cs_json_at(&v, ""), &v);
    ck_assert_ptr_null(cs_json_at(&v, "c.x"));
    ck_assert_ptr_null(cs_json_at(&v, "c.1x"));
    ck_assert_ptr_null(cs_json_at(&v, "c.2.b"));
    ck_assert_ptr_null(cs_json_at(&v, "d"));
    memset(buf, 'k', 200);
    buf[200] = 0;
    ck_assert_ptr_null(cs_json_at(&v, buf));
    cs_json_free(&v);
    ck_int_eq(cs_json_parse("{1: 2}", &v), -1);
    ck_int_eq(cs_json_parse("{\"a\" 1}", &v), -1);
    ck_int_eq(cs_json_parse("{\"a\": 1,}", &v), -1);
    ck_int_eq(cs_json_parse("[1 2]", &v), -1);
    ck_int_eq(cs_json_parse("[1, nul]", &v), -1);
    ck_int_eq(cs_json_parse("{\"a\": -}", &v), -1);
    ck_int_eq(cs_json_parse("", &v), -1);
    ck_int_eq(v.n, 0);
}
END_TEST

START_TEST(run_json_keeps_the_first_site_and_a_whole_unload_and_lone_surrogates_stand_alone)
{
    cs_xmember m = member("Store", CS_XK_METHOD, "");
    cs_xresult r;
    cs_xreport x = context(NULL, 0);
    cs_jvalue v;
    char *text;

    cs_xresult_init(&r);
    ck_int_eq(cs_xresult_from_json("{\"runs\": [{\"release\": {\"findings\": [\"unload: the DLL stays loaded after "
                                   "CoFreeUnusedLibrariesEx\", \"a allocated in f (a.c:1)\", "
                                   "\"b allocated in g (b.c:2)\"]}}]}", &r), 0);
    ck_assert_str_eq(r.unload, "the DLL stays loaded after CoFreeUnusedLibrariesEx");
    ck_assert_str_eq(r.site, "a allocated in f (a.c:1)");
    ck_assert_str_eq(r.categories, "blocks");
    /* a member that cannot be called: no statements in run.json */
    param(&m, CS_XT_UNSUPPORTED, 1, 1, 0);
    snprintf(m.params[0].type_text, sizeof(m.params[0].type_text), "POINT*");
    ck_int_eq(cs_xmember_statements(&m, buf, sizeof(buf), why, sizeof(why)), -1);
    ck_assert_str_eq(why, "argument 1 is of a type the call language cannot pass (POINT*)");
    cs_xresult_init(&r);
    r.state = CS_XS_NOT_CALLED;
    text = report(cs_xreport_json, &x, &m, &r, 1);
    ck_has(text, "\"state\": \"not called\", \"statements\": null, ");
    free(text);
    /* \u escapes: a low surrogate alone, a high one before a non-low one */
    ck_int_eq(cs_json_parse("\"\\udc00\\ud83d\\ue000\"", &v), 0);
    ck_assert_str_eq(v.string, "\xed\xb0\x80\xed\xa0\xbd\xee\x80\x80");
    cs_json_free(&v);
    ck_int_eq(cs_json_parse("\"\\ud83d\\uzzzz\"", &v), -1);
    ck_int_eq(cs_json_parse("\"\\u00g0\"", &v), -1);
    ck_int_eq(cs_json_parse("{\"a\\q\": 1}", &v), -1);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(explore_run_json_has_the_context_and_one_entry_a_member),
        CS_TEST(explore_run_json_names_a_kind_or_state_it_does_not_know_with_a_question_mark),
        CS_TEST(explore_report_html_shows_each_state_its_row),
        CS_TEST(explore_report_html_says_whether_the_unload_finding_fails_the_exploration),
        CS_TEST(explore_junit_fails_failed_crashed_and_hung_and_skips_the_rest),
        CS_TEST(explore_junit_counts_the_server_unload_as_a_failure_or_a_skip),
        CS_TEST(explore_reports_that_cannot_be_created_say_which_path),
        CS_TEST(a_call_that_does_not_fit_its_buffer_says_how_long_it_may_be),
        CS_TEST(an_optional_out_argument_is_still_passed_and_an_unnamed_type_is_unknown),
        CS_TEST(statements_that_do_not_fit_their_buffer_say_how_long_they_may_be),
        CS_TEST(events_down_a_chain_that_do_not_fit_say_how_long_they_may_be),
        CS_TEST(a_put_without_a_get_needs_a_value_the_language_can_make),
        CS_TEST(the_default_skip_list_text_is_made_once_and_names_every_pattern),
        CS_TEST(a_glob_list_too_long_or_with_too_many_patterns_is_refused),
        CS_TEST(members_match_by_name_and_only_an_exact_name_lifts_the_skip_list),
        CS_TEST(a_member_left_out_by_skip_or_the_default_list_is_never_called),
        CS_TEST(the_plan_says_why_a_member_cannot_be_called_and_fails_on_a_write_error),
        CS_TEST(run_json_figures_of_every_shape_give_their_categories),
        CS_TEST(the_map_breaks_ties_by_bytes_then_path_then_kind),
        CS_TEST(a_map_line_says_n_a_for_what_was_not_measured),
        CS_TEST(json_strings_unescape_every_escape_to_utf8),
        CS_TEST(json_containers_literals_and_numbers_parse_and_malformed_ones_do_not),
        CS_TEST(run_json_keeps_the_first_site_and_a_whole_unload_and_lone_surrogates_stand_alone),
        NULL
    };

    return cs_run_tests("explore_edges", NULL, NULL, tests);
}
