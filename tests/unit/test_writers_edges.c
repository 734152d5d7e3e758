/*
 * The report writers of core/report at the edges their other suite does
 * not reach: junit.xml's regression testcase and a release failure whose
 * first gating finding is not the first finding, a run that ended in an
 * error, run.json's "baseline", report.html's regression section, the
 * charts' axes on odd figures, and streams that cannot be written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_unit.h"
#include "options.h"
#include "release_rules.h"
#include "report_html.h"
#include "report_json.h"
#include "report_junit.h"
#include "report_svg.h"
#include "report_util.h"
#include "progress.h"

static cs_run run;

/* check carries a message of a few kilobytes at most: the text is cut. */
#define ck_has(text, part) ck_assert_msg(strstr((text), (part)) != NULL, "no\n%.1500s\nin\n%.2000s", (part), (text))

/* A run against a baseline: a heap leak that gates, two release findings
 * (the first of a category left out by the default gate, the second
 * gating), a fixed change and a regression. */
static void make_run(void)
{
    memset(&run, 0, sizeof(run));
    cs_release_init(&run.release);
    run.name = "run";
    run.target = "ComStress.Target";
    run.calls = "Add(1)";
    run.iterations = 100;
    run.seconds = 2.5;
    run.fail_on = CS_FAIL_DEFAULT;
    run.nverdicts = 1;
    run.verdicts[0].metric = CS_M_HEAP_BYTES;
    run.verdicts[0].kind = CS_V_LEAK;
    run.verdicts[0].per_iteration = 16;
    run.verdicts[0].ci_low = 15;
    run.verdicts[0].ci_high = 17;
    run.verdicts[0].samples = 40;
    run.verdicts[0].warmup = 10;
    run.release.measured = 1;
    run.release.nfindings = 2;
    run.release.findings[0] = "heap grows a little";
    run.release.categories[0] = CS_FAIL_LEAK_ANY;
    run.release.findings[1] = "refcount leak: 1 outstanding";
    run.release.categories[1] = CS_FAIL_REFS;
    run.baseline = "old<run>";
    run.nchanges = 2;
    run.changes[0] = "threads: fixed";
    run.changes[1] = "heap_bytes: clean -> leak";
    run.change_regression[1] = 1;
    run.regressions = 1;
}

/* What writer makes of the runs, read back (malloc'd). */
static char *junit_of(const cs_run *runs, size_t n)
{
    FILE *f = fopen("writers-edges.xml", "wb");
    char *text;

    ck_assert_ptr_nonnull(f);
    ck_int_eq(cs_junit_write(f, runs, n), 0);
    fclose(f);
    ck_assert_ptr_nonnull(text = cs_read_file("writers-edges.xml"));
    remove("writers-edges.xml");
    return text;
}

START_TEST(junit_lists_the_regressions_and_the_release_finding_that_gates_first)
{
    char *xml;

    make_run();
    xml = junit_of(&run, 1);
    ck_assert_str_eq(xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"comstress\" tests=\"3\" failures=\"3\" errors=\"0\">\n"
        "  <testsuite name=\"run\" tests=\"3\" failures=\"3\" errors=\"0\" time=\"2.500\">\n"
        "    <testcase classname=\"comstress.run\" name=\"heap_bytes\">\n"
        "      <failure type=\"leak\" message=\"heap_bytes: leak 16.0 bytes/iteration, 95% CI [15.0, 17.0]\">"
        "heap_bytes: leak 16.0 bytes/iteration, 95% CI [15.0, 17.0] (40 samples after 10 warm-up iterations)"
        "</failure>\n    </testcase>\n"
        "    <testcase classname=\"comstress.run\" name=\"release\">\n"
        "      <failure type=\"release\" message=\"refcount leak: 1 outstanding\">"
        "heap grows a little (left out by --fail-on)\nrefcount leak: 1 outstanding\n</failure>\n    </testcase>\n"
        "    <testcase classname=\"comstress.run\" name=\"regression\">\n"
        "      <failure type=\"regression\" message=\"heap_bytes: clean -&gt; leak\">against old&lt;run&gt;:\n"
        "fixed: threads: fixed\nregression: heap_bytes: clean -&gt; leak\n</failure>\n    </testcase>\n"
        "  </testsuite>\n</testsuites>\n");
    free(xml);
}
END_TEST

/* The second run: no release checks, a baseline with nothing changed, an
 * error; the third: regressions none of them listed, completed with an
 * error. */
static cs_run more[2];

static void make_more(void)
{
    memset(more, 0, sizeof(more));
    more[0].name = "two";
    more[0].seconds = NAN;
    more[0].fail_on = CS_FAIL_DEFAULT;
    more[0].baseline = "b";
    more[0].error = "Add: unknown name";
    more[0].status = CS_ST_CALL_FAILED;
    more[1].name = "three";
    more[1].seconds = 1;
    more[1].fail_on = CS_FAIL_DEFAULT;
    more[1].baseline = "c";
    more[1].regressions = 3;
    more[1].error = "stopped";
    more[1].status = CS_ST_COMPLETED;
}

START_TEST(junit_says_an_unchanged_baseline_unlisted_regressions_and_how_a_run_ended)
{
    char *xml;

    make_more();
    xml = junit_of(more, 2);
    ck_has(xml, "<testsuites name=\"comstress\" tests=\"4\" failures=\"1\" errors=\"2\">\n"
                "  <testsuite name=\"two\" tests=\"2\" failures=\"0\" errors=\"1\" time=\"0.000\">\n"
                "    <testcase classname=\"comstress.two\" name=\"regression\"><system-out>against b: "
                "no regression, nothing fixed</system-out></testcase>\n"
                "    <testcase classname=\"comstress.two\" name=\"run\">\n"
                "      <error type=\"call failed\" message=\"Add: unknown name\"/>\n    </testcase>\n"
                "  </testsuite>\n"
                "  <testsuite name=\"three\" tests=\"2\" failures=\"1\" errors=\"1\" time=\"1.000\">\n"
                "    <testcase classname=\"comstress.three\" name=\"regression\">\n"
                "      <failure type=\"regression\" message=\"regressions against the baseline\">against c: "
                "3 regressions, not listed in the record</failure>");
    ck_has(xml, "    <testcase classname=\"comstress.three\" name=\"run\">\n"
                "      <error type=\"error\" message=\"stopped\"/>\n    </testcase>\n  </testsuite>\n</testsuites>\n");
    free(xml);
}
END_TEST

static char *json_of(const cs_run *runs, size_t n)
{
    FILE *f = fopen("writers-edges.json", "wb");
    char *text;

    ck_assert_ptr_nonnull(f);
    ck_int_eq(cs_json_write(f, NULL, runs, n), 0);
    fclose(f);
    ck_assert_ptr_nonnull(text = cs_read_file("writers-edges.json"));
    remove("writers-edges.json");
    return text;
}

START_TEST(run_json_has_the_baseline_its_changes_and_a_release_that_passed)
{
    char *json;

    make_run();
    json = json_of(&run, 1);
    ck_has(json, "      \"release\": {\n        \"failed\": true,\n");
    ck_has(json, "        \"findings\": [\"heap grows a little (left out by --fail-on)\", "
                 "\"refcount leak: 1 outstanding\"]\n      },\n");
    ck_has(json, "      \"baseline\": {\n        \"dir\": \"old<run>\",\n        \"regressions\": 1,\n"
                 "        \"changes\": [\n          {\n            \"kind\": \"fixed\",\n"
                 "            \"text\": \"threads: fixed\"},\n          {\n            \"kind\": \"regression\",\n"
                 "            \"text\": \"heap_bytes: clean -> leak\"}\n        ]\n      }\n    }\n  ]\n}\n");
    free(json);
    make_more();
    json = json_of(more, 1);
    ck_has(json, "      \"error\": \"Add: unknown name\",\n      \"status\": \"call failed\",\n");
    ck_has(json, "      \"verdicts\": {},\n      \"release\": null,\n      \"allocations\": null,\n"
                 "      \"baseline\": {\n        \"dir\": \"b\",\n        \"regressions\": 0,\n"
                 "        \"changes\": []\n      }\n    }\n  ]\n}\n");
    free(json);
    /* the gating finding's category left out: the release passes */
    run.release.categories[1] = CS_FAIL_BLOCKS;
    run.fail_on = CS_FAIL_LEAK | CS_FAIL_REFS | CS_FAIL_OBJECTS | CS_FAIL_UNLOAD;
    json = json_of(&run, 1);
    ck_has(json, "      \"fail_on\": \"leak,refs,objects,unload\",\n");
    ck_has(json, "      \"release\": {\n        \"failed\": false,\n");
    ck_has(json, "        \"findings\": [\"heap grows a little (left out by --fail-on)\", "
                 "\"refcount leak: 1 outstanding (left out by --fail-on)\"]\n      },\n");
    free(json);
}
END_TEST

static char *html_of(const cs_run *runs, size_t n)
{
    cs_chart_run charts[8];
    FILE *f = fopen("writers-edges.html", "wb");
    char *text;
    size_t i;

    ck_assert_uint_le(n, 8);
    ck_assert_ptr_nonnull(f);
    memset(charts, 0, sizeof(charts));
    for (i = 0; i < n; i++)
        charts[i].run = &runs[i];
    ck_int_eq(cs_html_write(f, NULL, charts, n), 0);
    fclose(f);
    ck_assert_ptr_nonnull(text = cs_read_file("writers-edges.html"));
    remove("writers-edges.html");
    return text;
}

START_TEST(report_html_says_against_the_baseline_what_regressed_and_whether_it_gates)
{
    cs_run runs[6];
    char *html;

    make_run();
    make_more();
    runs[5] = more[1];                  /* regressions counted, none listed */
    runs[0] = run;
    runs[1] = more[0];
    runs[2] = run;
    runs[2].name = "fixed only";
    runs[2].nchanges = 1;
    runs[2].regressions = 0;
    runs[3] = run;
    runs[3].name = "not gated";
    runs[3].fail_on = CS_FAIL_LEAK | CS_FAIL_RELEASE;
    runs[4] = more[0];
    runs[4].name = "no baseline";
    runs[4].baseline = NULL;
    html = html_of(runs, 6);
    ck_has(html, "<h2>Against the baseline</h2>\n"
        "<p><b>run</b> against <code>old&lt;run&gt;</code>: <span class=\"leak\">regressed</span></p>\n"
        "<ul><li><span class=\"clean\">fixed</span>: threads: fixed</li><li><span class=\"leak\">regression</span>: "
        "heap_bytes: clean -&gt; leak</li></ul>\n"
        "<p><b>two</b> against <code>b</code>: no regression, nothing fixed</p>\n"
        "<p><b>fixed only</b> against <code>old&lt;run&gt;</code>: <span class=\"clean\">nothing regressed</span></p>\n"
        "<ul><li><span class=\"clean\">fixed</span>: threads: fixed</li></ul>\n"
        "<p><b>not gated</b> against <code>old&lt;run&gt;</code>: regressed (left out by --fail-on)</p>\n"
        "<ul><li><span class=\"clean\">fixed</span>: threads: fixed</li><li><span class=\"inconclusive\">regression"
        "</span>: heap_bytes: clean -&gt; leak</li></ul>\n"
        "<p><b>three</b> against <code>c</code>: <span class=\"leak\">regressed</span> (the record does not list "
        "what)</p>\n<h2>Summary</h2>\n");
    ck_has(html, "<p><b>two</b>: not checked</p>\n");
    free(html);
    html = html_of(&runs[4], 1);
    ck_assert_ptr_null(strstr(html, "Against the baseline"));
    ck_has(html, "<h2>Summary</h2>\n");
    free(html);
}
END_TEST

static char *svg_of(const cs_chart_run *charts, size_t n)
{
    FILE *f = fopen("writers-edges.svg", "wb");
    char *text;

    ck_assert_ptr_nonnull(f);
    ck_int_eq(cs_svg_write(f, charts, n), 0);
    fclose(f);
    ck_assert_ptr_nonnull(text = cs_read_file("writers-edges.svg"));
    remove("writers-edges.svg");
    return text;
}

static size_t count_of(const char *text, const char *part)
{
    size_t n = 0;

    for (; (text = strstr(text, part)); text++)
        n++;
    return n;
}

/* Two runs: "compare/type" with a warm-up and a steady heap leak after
 * it (a fit drawn), and one without a name whose one sample is before
 * the warm-up ends (no fit); the working set never measured. */
START_TEST(charts_label_a_series_by_its_last_name_part_and_fit_only_after_warm_up)
{
    static cs_sample a[5], b[2];
    cs_run ra, rb;
    cs_chart_run charts[2];
    char *svg;
    int i;

    memset(&ra, 0, sizeof(ra));
    memset(&rb, 0, sizeof(rb));
    ra.name = "compare/type";
    ra.warmup = 100;
    ra.heap_bytes_per_iteration = 16;
    rb.name = NULL;
    rb.heap_bytes_per_iteration = NAN;
    for (i = 0; i < 5; i++) {
        cs_sample_clear(&a[i]);
        a[i].iteration = 100 * i;
        a[i].v[CS_M_HEAP_BYTES] = i == 0 ? 0 : 16000 + 1600 * i;
    }
    for (i = 0; i < 2; i++)
        cs_sample_clear(&b[i]);
    b[0].iteration = 50;
    b[0].v[CS_M_HEAP_BYTES] = 20000;
    b[1].iteration = 400;
    charts[0].run = &ra, charts[0].samples = a, charts[0].n = 5;
    charts[1].run = &rb, charts[1].samples = b, charts[1].n = 2;
    svg = svg_of(charts, 2);
    ck_has(svg, "<rect x=\"90.0\" y=\"36.0\" width=\"272.5\" height=\"200.0\" fill=\"#eee\"/>"
                "<text x=\"94.0\" y=\"50.0\" fill=\"#888\">warm-up</text>\n");
    ck_has(svg, "<text x=\"84.0\" y=\"191.7\" text-anchor=\"end\">5.00 KB</text>\n");
    ck_has(svg, "<text x=\"1043.8\" y=\"252.0\" text-anchor=\"middle\">350</text>\n");
    ck_has(svg, "<text class=\"series\" x=\"1176.0\" y=\"48.0\" text-anchor=\"end\" fill=\"#1f77b4\">type</text>\n"
                "<line x1=\"362.5\" y1=\"81.6\" x2=\"1180.0\" y2=\"40.8\" stroke=\"#1f77b4\" stroke-width=\"1.5\" "
                "stroke-dasharray=\"6 4\" opacity=\"0.8\"/>\n");
    ck_has(svg, "<polyline fill=\"none\" stroke-width=\"2\" points=\"226.2,61.2\" stroke=\"#d62728\" "
                "stroke-dasharray=\"10 4\"/>\n<text class=\"series\" x=\"222.2\" y=\"48.0\" text-anchor=\"end\" "
                "fill=\"#d62728\"></text>\n<text x=\"90\" y=\"300.0\" font-weight=\"bold\" font-size=\"14\">"
                "Working set</text>\n<text x=\"635.0\" y=\"416.0\" text-anchor=\"middle\" fill=\"#888\">"
                "not measured</text>\n");
    ck_int_eq(count_of(svg, "stroke-dasharray=\"6 4\""), 1);
    free(svg);
    /* two figures so far apart after warm-up that the fit's slope overflows: no fit */
    a[1].v[CS_M_HEAP_BYTES] = -1.7e308;
    a[2].v[CS_M_HEAP_BYTES] = 1.7e308;
    a[3].v[CS_M_HEAP_BYTES] = NAN;
    a[4].v[CS_M_HEAP_BYTES] = NAN;
    svg = svg_of(charts, 1);
    ck_has(svg, "<polyline fill=\"none\" stroke-width=\"2\" points=\"90.0,136.0 635.0,231.2 1180.0,40.8\" "
                "stroke=\"#1f77b4\" stroke-dasharray=\"none\"/>\n<text class=\"series\" x=\"1176.0\" y=\"48.0\" "
                "text-anchor=\"end\" fill=\"#1f77b4\">type</text>\n<text x=\"90\" y=\"300.0\"");
    ck_int_eq(count_of(svg, "stroke-dasharray=\"6 4\""), 0);
    free(svg);
}
END_TEST

START_TEST(figures_in_terabytes_and_a_literal_u_fffd_are_written_as_they_are)
{
    char b[32];
    FILE *f = fopen("writers-edges.txt", "wb");
    char *text;

    ck_assert_str_eq(cs_format_bytes(2.0 * 1024 * 1024 * 1024 * 1024, b, sizeof(b)), "2.00 TB");
    ck_assert_str_eq(cs_format_bytes(5000.0 * 1024 * 1024 * 1024, b, sizeof(b)), "4.88 TB");
    ck_assert_ptr_nonnull(f);
    cs_put_json_string(f, "a\xEF\xBF\xBD\xff");
    cs_put_xml(f, "b\xEF\xBF\xBD\xff");
    fclose(f);
    ck_assert_ptr_nonnull(text = cs_read_file("writers-edges.txt"));
    remove("writers-edges.txt");
    ck_assert_str_eq(text, "\"a\xEF\xBF\xBD\\ufffd\"b\xEF\xBF\xBD&#xFFFD;");
    free(text);
}
END_TEST

START_TEST(a_report_whose_writer_failed_is_not_left_under_either_name)
{
    char err[256];
    FILE *f = cs_report_open("writers-edges.out", err, sizeof(err));
    FILE *probe;

    remove("writers-edges.out");
    ck_assert_ptr_nonnull(f);
    fputs("half", f);
    ck_int_eq(cs_report_close(f, -1, "writers-edges.out", err, sizeof(err)), -1);
    ck_assert_str_eq(err, "cannot write writers-edges.out: write error (disk full?)");
    ck_assert_ptr_null(probe = fopen("writers-edges.out", "rb"));
    ck_assert_ptr_null(probe = fopen("writers-edges.out" CS_REPORT_PART, "rb"));
}
END_TEST

START_TEST(a_progress_line_says_no_time_left_until_time_has_passed)
{
    cs_progress p;
    char b[200];

    memset(&p, 0, sizeof(p));
    p.calls_per_second = NAN;
    p.heap_bytes = NAN;
    p.done = 5;
    p.total = 10;
    ck_assert_str_eq(cs_progress_line(&p, b, sizeof(b)), "progress: 5/10 iterations (50%), 0:00 elapsed");
    p.elapsed_s = 4;
    p.calls_per_second = 0;
    ck_assert_str_eq(cs_progress_line(&p, b, sizeof(b)), "progress: 5/10 iterations (50%), 0:04 elapsed, 0:04 left");
    ck_assert_str_eq(cs_progress_line(&p, b, 12), "progress: 5");
    b[0] = 'x';
    ck_assert_ptr_eq(cs_progress_line(&p, b, 0), b);
    ck_int_eq(b[0], 'x');
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        CS_TEST(junit_lists_the_regressions_and_the_release_finding_that_gates_first),
        CS_TEST(junit_says_an_unchanged_baseline_unlisted_regressions_and_how_a_run_ended),
        CS_TEST(run_json_has_the_baseline_its_changes_and_a_release_that_passed),
        CS_TEST(report_html_says_against_the_baseline_what_regressed_and_whether_it_gates),
        CS_TEST(charts_label_a_series_by_its_last_name_part_and_fit_only_after_warm_up),
        CS_TEST(figures_in_terabytes_and_a_literal_u_fffd_are_written_as_they_are),
        CS_TEST(a_report_whose_writer_failed_is_not_left_under_either_name),
        CS_TEST(a_progress_line_says_no_time_left_until_time_has_passed),
        NULL
    };

    return cs_run_tests("writers_edges", NULL, NULL, tests);
}
