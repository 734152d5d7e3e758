/*
 * Suite "reports", test case "edges": the report writers at their edges
 * (core/report): text escaped byte by byte, figures at their unit
 * boundaries, every list of a run.json with more than one element, and a
 * stream or a path that cannot be written. Pure; part of test_reports.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cs_unit.h"
#include "release_rules.h"
#include "report_csv.h"
#include "report_html.h"
#include "report_json.h"
#include "report_junit.h"
#include "report_svg.h"
#include "report_util.h"

TCase *reports_edges_tcase(void);

/* What put(f, s) writes, read back (malloc'd). */
static char *written(void (*put)(FILE *, const char *), const char *s)
{
    FILE *f = fopen("reports-edges.txt", "wb");
    char *text;

    ck_assert_ptr_nonnull(f);
    put(f, s);
    fclose(f);
    text = cs_read_file("reports-edges.txt");
    ck_assert_ptr_nonnull(text);
    return text;
}

/* Every escape of each writer, a control byte, DEL, UTF-8 kept and a
 * byte that is not UTF-8 replaced (XML 1.0 has no escape for a control
 * byte other than tab and line ends: they are replaced too). */
START_TEST(text_is_escaped_byte_by_byte_for_json_and_xml)
{
    static const char in[] = "a\"\\\n\r\t\b\f\x01\x7f caf\xc3\xa9 \xff <&>'";
    char *j = written(cs_put_json_string, in), *x = written(cs_put_xml, in);

    ck_assert_str_eq(j, "\"a\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u007f caf\xc3\xa9 \\ufffd <&>'\"");
    ck_assert_str_eq(x, "a&quot;\\\n\r\t&#xFFFD;&#xFFFD;&#xFFFD;\x7f caf\xc3\xa9 &#xFFFD; &lt;&amp;&gt;&#39;");
    free(j);
    free(x);
    j = written(cs_put_json_string, NULL);
    x = written(cs_put_xml, NULL);
    ck_assert_str_eq(j, "null");
    ck_assert_str_eq(x, "");
    free(j);
    free(x);
}
END_TEST

START_TEST(figures_change_unit_at_1024_and_precision_at_10_and_100)
{
    char b[32];

    ck_assert_str_eq(cs_format_bytes(1023, b, sizeof(b)), "1023 B");
    ck_assert_str_eq(cs_format_bytes(1024, b, sizeof(b)), "1.00 KB");
    ck_assert_str_eq(cs_format_bytes(10 * 1024 - 1, b, sizeof(b)), "10.00 KB");
    ck_assert_str_eq(cs_format_bytes(10 * 1024, b, sizeof(b)), "10.0 KB");
    ck_assert_str_eq(cs_format_bytes(100 * 1024, b, sizeof(b)), "100 KB");
    ck_assert_str_eq(cs_format_bytes(-2048, b, sizeof(b)), "-2.00 KB");
    ck_assert_str_eq(cs_format_bytes(-0.4, b, sizeof(b)), "0 B");
    ck_assert_str_eq(cs_format_bytes(1099511627776.0, b, sizeof(b)), "1.00 TB");
    ck_assert_str_eq(cs_format_bytes(1024 * 1099511627776.0 - 1e6, b, sizeof(b)), "1024 TB");
    ck_assert_ptr_nonnull(strstr(cs_format_bytes(1024 * 1099511627776.0, b, sizeof(b)), " B"));
    ck_assert_str_eq(cs_format_bytes(NAN, b, sizeof(b)), "n/a");
    ck_assert_str_eq(cs_format_count(999999999999999.0, b, sizeof(b)), "999999999999999");
    ck_assert_ptr_nonnull(strstr(cs_format_count(1e15, b, sizeof(b)), "e+"));
    ck_assert_str_eq(cs_format_count(INFINITY, b, sizeof(b)), "n/a");
    ck_assert_str_eq(cs_format_figure(1.234, b, sizeof(b)), "1.23");
    ck_assert_ptr_nonnull(strstr(cs_format_figure(-2e15, b, sizeof(b)), "e+"));
    ck_assert_str_eq(cs_format_figure(NAN, b, sizeof(b)), "n/a");
    /* zero has no sign, however it was reached; the first figure below it does */
    ck_assert_str_eq(cs_format_figure(-0.0, b, sizeof(b)), "0.00");
    ck_assert_str_eq(cs_format_figure(-0.0049, b, sizeof(b)), "0.00");
    ck_assert_str_eq(cs_format_figure(-0.0051, b, sizeof(b)), "-0.01");
    ck_assert_str_eq(cs_format_figure(0.0049, b, sizeof(b)), "0.00");
}
END_TEST

static cs_alloc_site sites[2];
static cs_run run;

/* A traced run with two sites of two frames, two findings, a verdict
 * standing in for the heap, and a failed release. */
static void make_run(void)
{
    int i;

    memset(&run, 0, sizeof(run));
    cs_release_init(&run.release);
    run.name = "run";
    run.target = "ComStress.Target";
    run.calls = "Add(1)";
    run.iterations = 100;
    run.seconds = NAN;
    run.fail_on = CS_FAIL_DEFAULT;
    run.nverdicts = 1;
    run.verdicts[0].metric = CS_M_WORKING_SET;
    run.verdicts[0].kind = CS_V_LEAK;
    run.verdicts[0].stands_in = 1;
    run.verdicts[0].per_iteration = run.verdicts[0].ci_low = run.verdicts[0].ci_high = 40;
    run.release.nfindings = 2;
    run.release.findings[0] = "first finding";
    run.release.findings[1] = "second finding";
    for (i = 0; i < 2; i++) {
        sites[i].cls = "leak";
        sites[i].kind = "heap";
        sites[i].call = "Add(1)";
        sites[i].nframes = 2;
        snprintf(sites[i].site, sizeof(sites[i].site), "site %d", i);
        snprintf(sites[i].frames[0], sizeof(sites[i].frames[0]), "inner %d", i);
        snprintf(sites[i].frames[1], sizeof(sites[i].frames[1]), "outer %d", i);
    }
    run.allocs = sites;
    run.nallocs = 2;
}

START_TEST(run_json_lists_every_finding_site_and_frame)
{
    cs_context ctx;
    char err[256], *json;

    make_run();
    memset(&ctx, 0, sizeof(ctx));
    ck_assert_int_eq(cs_json_write_path("reports-edges.json", &ctx, &run, 1, err, sizeof(err)), 0);
    json = cs_read_file("reports-edges.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(strstr(json, "\"findings\": [\"first finding\", \"second finding\"]"), "%s", json);
    ck_assert_msg(strstr(json, "\"frames\": [\"inner 0\", \"outer 0\"]"), "%s", json);
    ck_assert_msg(strstr(json, "\"frames\": [\"inner 1\", \"outer 1\"]"), "%s", json);
    ck_assert_msg(strstr(json, "\"stands_in_for_heap\": true"), "%s", json);
    ck_assert_msg(strstr(json, "\"failed\": true"), "%s", json);
    free(json);
    /* no run at all, and a run without release checks or tracing */
    ck_assert_int_eq(cs_json_write_path("reports-edges.json", &ctx, &run, 0, err, sizeof(err)), 0);
    json = cs_read_file("reports-edges.json");
    ck_assert_ptr_nonnull(strstr(json, "\"runs\": []"));
    free(json);
    run.release.measured = 0;
    run.allocs = NULL;
    run.nverdicts = 0;
    ck_assert_int_eq(cs_json_write_path("reports-edges.json", &ctx, &run, 1, err, sizeof(err)), 0);
    json = cs_read_file("reports-edges.json");
    ck_assert_msg(strstr(json, "\"release\": null") && strstr(json, "\"allocations\": null")
                  && strstr(json, "\"verdicts\": {}"), "%s", json);
    free(json);
}
END_TEST

/* A release that failed without a line (its findings past the limit, kept
 * only by category) still fails its junit case. */
START_TEST(junit_says_a_release_failed_without_a_finding)
{
    char err[256], *xml;

    make_run();
    run.release.nfindings = 0;
    run.release.dropped = CS_FAIL_REFS;
    ck_assert_int_eq(cs_junit_write_path("reports-edges.xml", &run, 1, err, sizeof(err)), 0);
    xml = cs_read_file("reports-edges.xml");
    ck_assert_ptr_nonnull(xml);
    ck_assert_msg(strstr(xml, "release checks failed"), "%s", xml);
    free(xml);
}
END_TEST

/* Writing to a stream open for reading fails every writer; a path in a
 * folder that does not exist fails naming the path. */
START_TEST(writers_fail_on_a_stream_or_path_that_cannot_be_written)
{
    cs_chart_run chart = { &run, NULL, 0 };
    cs_context ctx;
    char err[256];
    FILE *ro;

    make_run();
    memset(&ctx, 0, sizeof(ctx));
    ck_assert_ptr_nonnull(ro = fopen("reports-edges-ro.txt", "wb"));
    fclose(ro);
    ck_assert_ptr_nonnull(ro = fopen("reports-edges-ro.txt", "rb"));
    ck_assert_int_eq(cs_json_write(ro, &ctx, &run, 1), -1);
    clearerr(ro);
    ck_assert_int_eq(cs_junit_write(ro, &run, 1), -1);
    clearerr(ro);
    ck_assert_int_eq(cs_svg_write(ro, &chart, 1), -1);
    clearerr(ro);
    ck_assert_int_eq(cs_html_write(ro, &ctx, &chart, 1), -1);
    fclose(ro);
    ck_assert_int_eq(cs_svg_write_path("no-such-dir/memory.svg", &chart, 1, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "no-such-dir/memory.svg") != NULL, "%s", err);
    ck_assert_int_eq(cs_html_write_path("no-such-dir/report.html", &ctx, &chart, 1, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "no-such-dir/report.html") != NULL, "%s", err);
    ck_assert_int_eq(cs_junit_write_path("no-such-dir/junit.xml", &run, 1, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "no-such-dir/junit.xml") != NULL, "%s", err);
}
END_TEST

/* The writer's edges: no writer, no sample, a folder that does not
 * exist; a run name missing; whole figures printed whole, others to 17
 * digits; an elapsed time not measured written as 0. */
START_TEST(the_samples_writer_at_its_edges)
{
    cs_csv_writer *w;
    cs_sample smp;
    char *text;
    int m;

    ck_assert_ptr_null(cs_csv_open("no-such-dir/samples.csv"));
    ck_int_eq(cs_csv_write(NULL, "r", &smp), -1);
    ck_int_eq(cs_csv_rows(NULL), 0);
    ck_int_eq(cs_csv_close(NULL), 0);
    ck_assert_ptr_nonnull(w = cs_csv_open("reports-edges.csv"));
    ck_int_eq(cs_csv_write(w, "r", NULL), -1);
    for (m = 0; m < CS_M_COUNT; m++)
        smp.v[m] = NAN;
    smp.iteration = 7;
    smp.elapsed_s = NAN;
    smp.v[CS_M_HEAP_BYTES] = 9007199254740992.0;       /* 2^53: still whole */
    smp.v[CS_M_HEAP_BLOCKS] = 0.5;
    smp.v[CS_M_THREADS] = 18014398509481984.0;         /* 2^54: past whole */
    ck_int_eq(cs_csv_write(w, NULL, &smp), 0);
    ck_int_eq(cs_csv_rows(w), 1);
    ck_int_eq(cs_csv_close(w), 0);
    text = cs_read_file("reports-edges.csv");
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "\n,7,0.000000,9007199254740992,0.5,") != NULL, "%s", text);
    ck_assert_msg(strstr(text, ",18014398509481984,") != NULL, "%s", text);
    free(text);
}
END_TEST

/* Why the first bad row of a samples.csv ("run,iteration,heap_bytes")
 * whose one row is `row` (len bytes) is left out. */
static const char *skipped_why(const char *row, size_t len)
{
    static cs_csv_data d;
    static char why[256];
    char err[256];
    FILE *f = fopen("reports-edges.csv", "wb");

    ck_assert_ptr_nonnull(f);
    fputs("run,iteration,heap_bytes\n", f);
    fwrite(row, 1, len, f);
    fclose(f);
    ck_assert_int_eq(cs_csv_read("reports-edges.csv", &d, err, sizeof(err)), 0);
    ck_assert_msg(d.skipped == 1 && d.first_skipped_line == 2, "'%.*s': %lu skipped, the first on line %lu: %s",
                  (int)len, row, (unsigned long)d.skipped, (unsigned long)d.first_skipped_line,
                  d.first_skipped_why);
    snprintf(why, sizeof(why), "%s", d.first_skipped_why);
    cs_csv_free(&d);
    return why;
}

START_TEST(bad_rows_are_left_out_with_their_reason)
{
    char row[512], field[64];
    size_t k = 0;
    int i;

    for (i = 0; i < 65; i++)
        k += (size_t)snprintf(row + k, sizeof(row) - k, "%s1", i ? "," : "");
    row[k++] = '\n';
    ck_assert_str_eq(skipped_why(row, k), "malformed quotes or more than 64 fields");
    ck_assert_str_eq(skipped_why("\"r\"x,1,0\n", 9), "malformed quotes or more than 64 fields");
    ck_assert_str_eq(skipped_why("\"r,1,0\n", 7), "malformed quotes or more than 64 fields");
    ck_assert_str_eq(skipped_why("r,,0\n", 5), "iteration '' is not a whole number from 0 up");
    ck_assert_str_eq(skipped_why("r,-1,0\n", 7), "iteration '-1' is not a whole number from 0 up");
    ck_assert_str_eq(skipped_why("r,1\n", 4), "2 fields where the header has 3");
    ck_assert_str_eq(skipped_why("r,1,0\0\n", 7), "holds a NUL byte");
    memset(field, 'b', sizeof(field));
    field[0] = 'a';
    field[1] = '\x01';
    snprintf(row, sizeof(row), "r,1,%.*s\n", 50, field);
    ck_assert_str_eq(skipped_why(row, strlen(row)),
                     "heap_bytes 'a?bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb...' is not a number");
}
END_TEST

/* Runs looked up in data built by hand (no index): a scan. */
START_TEST(runs_are_found_in_data_built_by_hand)
{
    cs_csv_run runs[2];
    cs_csv_data d;

    memset(&d, 0, sizeof(d));
    memset(runs, 0, sizeof(runs));
    runs[0].name = "compare/type";
    runs[1].name = "compare/none";
    d.runs = runs;
    d.nruns = 2;
    ck_assert_ptr_eq(cs_csv_find(&d, "compare/none"), &runs[1]);
    ck_assert_ptr_null(cs_csv_find(&d, "compare/instance"));
}
END_TEST

/* report.html for runs sharing a target or calls (said once above the
 * table, NULL as "n/a"), a run whose release was not checked, and more
 * findings than the page shows, the traced one naming its site. */
static char *html_of(const cs_run *a, const cs_run *b, size_t copies_of_b)
{
    cs_chart_run charts[4] = { { a, NULL, 0 }, { b, NULL, 0 }, { b, NULL, 0 }, { b, NULL, 0 } };
    cs_context ctx;
    char err[256], *html;

    memset(&ctx, 0, sizeof(ctx));
    ck_assert_int_eq(cs_html_write_path("reports-edges.html", &ctx, charts, 1 + copies_of_b, err, sizeof(err)),
                     0);
    html = cs_read_file("reports-edges.html");
    ck_assert_ptr_nonnull(html);
    return html;
}

START_TEST(html_says_once_what_every_run_shares)
{
    cs_run b;
    char *html;
    int i;

    make_run();
    run.release.findings[0] = "BSTR leak: 16 B per call of Add(1), allocated in site 0";
    b = run;
    b.name = "other";
    b.release.measured = 0;
    html = html_of(&run, &b, 1);
    ck_assert_msg(strstr(html, "Every run: target <b>ComStress.Target</b>; calls <b>Add(1)</b>."), "not in reports-edges.html");
    ck_assert_msg(strstr(html, "<b>other</b>: not checked"), "not in reports-edges.html");
    ck_assert_msg(strstr(html, "<dt>allocated in</dt><dd>site 0</dd>"), "not in reports-edges.html");
    free(html);
    b.calls = "Echo('x')";
    html = html_of(&run, &b, 1);
    ck_assert_msg(strstr(html, "Every run: target <b>ComStress.Target</b>.</p>"), "not in reports-edges.html");
    free(html);
    b.target = NULL;
    b.calls = run.calls;
    html = html_of(&run, &b, 1);
    ck_assert_msg(strstr(html, "Every run: calls <b>Add(1)</b>."), "not in reports-edges.html");
    free(html);
    run.target = b.target = NULL;
    run.release.nfindings = b.release.nfindings = CS_MAX_FINDINGS;
    for (i = 2; i < CS_MAX_FINDINGS; i++)
        run.release.findings[i] = b.release.findings[i] = "a finding";
    html = html_of(&run, &b, 3);      /* 4 runs of 17 findings: 64 shown */
    ck_assert_msg(strstr(html, "Every run: target <b>n/a</b>; calls <b>Add(1)</b>."), "not in reports-edges.html");
    ck_assert_msg(strstr(html, "<p>4 more findings: see the release checks and run.json."), "not in reports-edges.html");
    free(html);
}
END_TEST

/* memory.svg of a run without a warm-up and one with (the band drawn),
 * one named without a slash; samples not measured left out of the line;
 * a panel with nothing measured says so; a value far off the scale is
 * drawn at the panel's edge, never at an unbounded coordinate. */
START_TEST(charts_draw_what_is_measured_and_say_what_is_not)
{
    static cs_sample smp[2][30];
    cs_run a, b;
    cs_chart_run charts[2] = { { &a, smp[0], 30 }, { &b, smp[1], 30 } };
    char err[256], *svg;
    int i, m, r;

    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    a.name = "plain";
    b.name = "compare/type";
    b.warmup = 300;
    for (r = 0; r < 2; r++)
        for (i = 0; i < 30; i++) {
            smp[r][i].iteration = 100 * i;
            for (m = 0; m < CS_M_COUNT; m++)
                smp[r][i].v[m] = NAN;
            smp[r][i].v[CS_M_HEAP_BYTES] = i == 7 ? NAN : 1e6 + 24.0 * smp[r][i].iteration * (r + 1);
            smp[r][i].v[CS_M_THREADS] = r ? 1 + (i % 3) : 3;
        }
    smp[1][29].v[CS_M_HEAP_BYTES] = 1e300;
    ck_assert_int_eq(cs_svg_write_path("reports-edges.svg", charts, 2, err, sizeof(err)), 0);
    svg = cs_read_file("reports-edges.svg");
    ck_assert_ptr_nonnull(svg);
    ck_assert_msg(strstr(svg, ">warm-up</text>"), "no warm-up band");
    ck_assert_msg(strstr(svg, ">type</text>") && strstr(svg, ">plain</text>"), "series names");
    ck_assert_msg(strstr(svg, ">not measured</text>"), "an empty panel says nothing");
    ck_assert_msg(!strstr(svg, "nan") && !strstr(svg, "inf"), "a coordinate off the scale");
    ck_assert_msg(strstr(svg, "e+299 B</text>"), "the scale reaches the far value");
    free(svg);
}
END_TEST

TCase *reports_edges_tcase(void)
{
    TCase *tc = tcase_create("edges");

    tcase_add_test(tc, text_is_escaped_byte_by_byte_for_json_and_xml);
    tcase_add_test(tc, figures_change_unit_at_1024_and_precision_at_10_and_100);
    tcase_add_test(tc, run_json_lists_every_finding_site_and_frame);
    tcase_add_test(tc, junit_says_a_release_failed_without_a_finding);
    tcase_add_test(tc, writers_fail_on_a_stream_or_path_that_cannot_be_written);
    tcase_add_test(tc, the_samples_writer_at_its_edges);
    tcase_add_test(tc, bad_rows_are_left_out_with_their_reason);
    tcase_add_test(tc, runs_are_found_in_data_built_by_hand);
    tcase_add_test(tc, html_says_once_what_every_run_shares);
    tcase_add_test(tc, charts_draw_what_is_measured_and_say_what_is_not);
    return tc;
}
