/* Suite "reports": every report writer on a small model with hostile
 * strings; the CSV reader round trip, including a crash-truncated row. */
#include "cs_unit.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"
#include "report_csv.h"
#include "report_json.h"
#include "report_svg.h"
#include "report_html.h"
#include "report_junit.h"
#include "options.h"
#include "findings.h"

#define NS 121   /* samples per run: 0..12,000 iterations, every 100 */

static const char hostile_name[] = "compare/<script>alert(\"x\")</script>&'";
static const char hostile_target[] = "Evil.<img src=x onerror=alert(1)>\"&amp;\"";
static const char hostile_calls[] = "Echo('<script>') ; Add(1)";
static const char hostile_error[] = "bad\x01 \"call\"\n\tnext <line> caf\xc3\xa9 \\ end";
static const char hostile_cmdline[] = "comstress run --call \"Echo('<script>&')\" --out C:\\x";

static cs_sample samples[2][NS];
static cs_run runs[2];
static cs_chart_run charts[2];
static cs_context ctx;

/* Run 0 leaks 24 bytes/iteration (heap, and a working-set staircase);
 * run 1 is flat with sampling noise. Pagefile and co are not measured. */
static void make_model(void)
{
    int r, i, m;

    memset(runs, 0, sizeof(runs));
    for (r = 0; r < 2; r++) {
        for (i = 0; i < NS; i++) {
            cs_sample *s = &samples[r][i];
            s->iteration = (long long)i * 100;
            s->elapsed_s = i * 0.05;
            for (m = 0; m < CS_M_COUNT; m++)
                s->v[m] = NAN;
            s->v[CS_M_HEAP_BYTES] = 3e6 + (r ? (i * 37 % 11) * 16 : 24.0 * s->iteration);
            s->v[CS_M_WORKING_SET] = (40 << 20) + (r ? 0 : 4096 * floor(24.0 * s->iteration / 4096));
            s->v[CS_M_HANDLES] = 60;
        }
        runs[r].name = r ? "compare/type" : hostile_name;
        runs[r].target = hostile_target;
        runs[r].calls = hostile_calls;
        runs[r].cache = r ? "type" : "instance-unbounded";
        runs[r].iterations = 12000;
        runs[r].warmup = 1200;
        runs[r].seconds = 1.5;
        runs[r].calls_per_second = 16000;
        runs[r].live_objects_end = 0;
        runs[r].server_locks_end = -1;
        runs[r].binds = r ? 2 : 12000;
        runs[r].getidsofnames_calls = r ? 2 : 12000;
        runs[r].cache_entries_end = r ? 2 : 12000;
        runs[r].cache_bytes_end = r ? 200 : 1200000;
        runs[r].threads = 1;
        runs[r].apartment = "sta";
        runs[r].activation = "factory";
        runs[r].scenario = "calls";
        cs_run_verdicts(&runs[r], samples[r], NS, runs[r].warmup, -1);
        charts[r].run = &runs[r];
        charts[r].samples = samples[r];
        charts[r].n = NS;
    }
    runs[1].error = hostile_error;
    ctx.date = "2024-01-02T03:04:05+01:00";
    ctx.host = "host<1>";
    ctx.os_version = "Wine 8.0";
    ctx.build_type = "RelWithDebInfo";
    ctx.version = "0.1.0";
    ctx.command_line = hostile_cmdline;
    ctx.heap_mode = "lfh";
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    while ((hay = strstr(hay, needle))) {
        n++;
        hay += strlen(needle);
    }
    return n;
}

/* ---- a small validating JSON parser: returns the end of the value at
 * p, or NULL when the text is not JSON ---- */

static const char *json_value(const char *p, int depth);

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

static const char *json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (; *p != '"'; p++) {
        if ((unsigned char)*p < 0x20)
            return NULL;                     /* raw control character */
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                int i;
                for (i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                p += 4;
            } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
                return NULL;
            }
        }
    }
    return p + 1;
}

static const char *json_number_end(const char *p)
{
    const char *s = p;

    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return NULL;
    while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-')
        p++;
    return p > s ? p : NULL;
}

/* Members of an object or elements of an array, after the opening char. */
static const char *json_items(const char *p, int depth, int object)
{
    char close = object ? '}' : ']';

    p = ws(p);
    if (*p == close)
        return p + 1;
    for (;;) {
        if (object) {
            if (!(p = json_string(ws(p))) || *(p = ws(p)) != ':')
                return NULL;
            p++;
        }
        if (!(p = json_value(p, depth + 1)))
            return NULL;
        p = ws(p);
        if (*p == close)
            return p + 1;
        if (*p++ != ',')
            return NULL;
    }
}

static const char *json_value(const char *p, int depth)
{
    p = ws(p);
    if (depth > 32)
        return NULL;
    if (*p == '{' || *p == '[')
        return json_items(p + 1, depth, *p == '{');
    if (*p == '"')
        return json_string(p);
    if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
        return p + 4;
    if (!strncmp(p, "false", 5))
        return p + 5;
    return json_number_end(p);
}

static int json_valid(const char *text)
{
    const char *end = json_value(text, 0);
    return end && !*ws(end);
}

/* Decodes the string value of the n-th "key" (ASCII \u escapes only). */
static int json_get_string(const char *json, const char *key, int nth, char *out, size_t len)
{
    char pat[64];
    const char *p = json;
    size_t k = 0;

    snprintf(pat, sizeof(pat), "\"%s\": \"", key);
    while ((p = strstr(p, pat)) && nth-- > 0)
        p += strlen(pat);
    if (!p)
        return 0;
    for (p += strlen(pat); *p != '"' && k + 1 < len; p++) {
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                out[k++] = (char)strtol((char[]){ p[1], p[2], p[3], p[4], 0 }, NULL, 16);
                p += 4;
                continue;
            }
            out[k++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p;
        } else {
            out[k++] = *p;
        }
    }
    out[k] = 0;
    return 1;
}

START_TEST(json_parser_rejects_bad_text)
{
    ck_assert(json_valid("{\"a\": [1, -2.5e3, \"x\\n\", true, null, {}]}"));
    ck_assert(!json_valid("{\"a\": 1,}"));
    ck_assert(!json_valid("{\"a\": \"raw\ncontrol\"}"));
    ck_assert(!json_valid("{\"a\": nan}"));
    ck_assert(!json_valid("{\"a\": [1, 2}"));
    ck_assert(!json_valid("{\"a\": \"bad \\q escape\"}"));
}
END_TEST

START_TEST(json_is_valid_and_complete)
{
    static const char *const keys[] = {
        "schema_version", "context", "date", "host", "os_version", "build_type",
        "comstress_version", "command_line", "heap_mode", "runs", "name", "target", "calls", "iterations",
        "seconds", "calls_per_second", "live_objects_end", "server_locks_end", "samples",
        "cache", "binds", "getidsofnames_calls", "cache_entries_end", "cache_bytes_end",
        "heap_bytes_per_iteration", "type_fallbacks", "error", "verdicts", "verdict",
        "per_iteration", "ci_low", "ci_high", "warmup", "heap_bytes", "working_set_bytes",
    };
    char err[256], buf[256], *json;
    size_t i;

    make_model();
    ck_assert_int_eq(cs_json_write_path("reports-run.json", &ctx, runs, 2, err, sizeof(err)), 0);
    json = cs_read_file("reports-run.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(json_valid(json), "run.json does not parse:\n%s", json);
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        ck_assert_msg(strstr(json, keys[i]) && count(json, keys[i]) >= 1, "no key %s", keys[i]);
    ck_assert(strstr(json, "\"schema_version\": 1,"));
    ck_assert(strstr(json, "\"heap_mode\": \"lfh\""));
    ck_assert_uint_eq(count(json, "\"heap_bytes\": {"), 2);
    ck_assert_uint_eq(count(json, "\"verdict\": \"leak\""), 2);  /* heap + working set */
    ck_assert(!strstr(json, "pagefile_bytes"));                     /* not measured */
    ck_assert(strstr(json, "\"server_locks_end\": null"));
    ck_assert(strstr(json, "\"release\": null"));
    /* the hostile strings decode back to exactly what was written */
    ck_assert(json_get_string(json, "name", 0, buf, sizeof(buf)));
    ck_assert_str_eq(buf, hostile_name);
    ck_assert(json_get_string(json, "target", 0, buf, sizeof(buf)));
    ck_assert_str_eq(buf, hostile_target);
    ck_assert(json_get_string(json, "error", 0, buf, sizeof(buf)));
    ck_assert_str_eq(buf, hostile_error);
    ck_assert(json_get_string(json, "command_line", 0, buf, sizeof(buf)));
    ck_assert_str_eq(buf, hostile_cmdline);
    ck_assert(strstr(json, "caf\xc3\xa9"));              /* UTF-8 passed through */
    ck_assert(strstr(json, "\\u0001"));
    free(json);
}
END_TEST

START_TEST(json_writes_nan_as_null_and_release)
{
    static const char *const findings[] = { "refcount leak: \"CreateChild\", 1 per iteration" };
    char err[256], *json;

    make_model();
    runs[0].heap_bytes_per_iteration = NAN;
    runs[0].seconds = INFINITY;
    runs[0].release.measured = 1;
    runs[0].release.outstanding_refs = 3;
    runs[0].release.unloaded = 1;
    runs[0].release.can_unload = -1;
    runs[0].release.findings[0] = findings[0];
    runs[0].release.nfindings = 1;
    ck_assert_int_eq(cs_json_write_path("reports-nan.json", &ctx, runs, 1, err, sizeof(err)), 0);
    json = cs_read_file("reports-nan.json");
    ck_assert_ptr_nonnull(json);
    ck_assert_msg(json_valid(json), "run.json does not parse:\n%s", json);
    ck_assert(strstr(json, "\"heap_bytes_per_iteration\": null"));
    ck_assert(strstr(json, "\"seconds\": null"));
    ck_assert(strstr(json, "\"unloaded\": true"));
    ck_assert(strstr(json, "\"can_unload\": null"));
    ck_assert(strstr(json, "\"outstanding_refs\": 3"));
    ck_assert(strstr(json, "\\\"CreateChild\\\""));
    free(json);
    /* an unwritable path names the file */
    ck_assert_int_eq(cs_json_write_path("no-such-dir/run.json", &ctx, runs, 1, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "no-such-dir/run.json") != NULL, "%s", err);
}
END_TEST

/* Writes both runs' samples, interleaved as compare would not but a
 * multi-run file may be, then a row cut short as by a crash. */
static void write_csv(const char *path)
{
    cs_csv_writer *w = cs_csv_open(path);
    FILE *f;
    int i, r;

    ck_assert_ptr_nonnull(w);
    for (i = 0; i < NS; i++)
        for (r = 0; r < 2; r++)
            ck_assert_int_eq(cs_csv_write(w, runs[r].name, &samples[r][i]), 0);
    ck_assert_uint_eq(cs_csv_rows(w), 2 * NS);
    ck_assert_int_eq(cs_csv_close(w), 0);
    f = fopen(path, "ab");
    ck_assert_ptr_nonnull(f);
    fputs("compare/type,12100,6.05,3000", f);
    fclose(f);
}

START_TEST(csv_round_trip_keeps_complete_rows)
{
    cs_csv_data d;
    const cs_csv_run *cr;
    char err[256], *text;
    int r, i, m;

    make_model();
    samples[1][5].v[CS_M_HEAP_BYTES] = NAN;
    samples[0][7].v[CS_M_HANDLES] = 1234.5678901234567;
    write_csv("reports-samples.csv");
    text = cs_read_file("reports-samples.csv");
    ck_assert_ptr_nonnull(text);
    ck_assert(!strncmp(text, "run,iteration,elapsed_s,heap_bytes,heap_blocks,working_set_bytes,",
                       strlen("run,iteration,elapsed_s,heap_bytes,heap_blocks,working_set_bytes,")));
    ck_assert(strstr(text, "\"compare/<script>alert(\"\"x\"\")</script>&'\","));
    free(text);
    ck_assert_int_eq(cs_csv_read("reports-samples.csv", &d, err, sizeof(err)), 0);
    ck_assert_uint_eq(d.nruns, 2);
    ck_assert_uint_eq(d.skipped, 1);                 /* the partial last line */
    for (r = 0; r < 2; r++) {
        cr = cs_csv_find(&d, runs[r].name);
        ck_assert_ptr_nonnull(cr);
        ck_assert_uint_eq(cr->n, NS);
        for (i = 0; i < NS; i++) {
            ck_assert_int_eq(cr->samples[i].iteration, samples[r][i].iteration);
            ck_assert_double_eq_tol(cr->samples[i].elapsed_s, samples[r][i].elapsed_s, 1e-6);
            for (m = 0; m < CS_M_COUNT; m++) {
                double want = samples[r][i].v[m], got = cr->samples[i].v[m];
                ck_assert_msg(isnan(want) ? isnan(got) : got == want,
                              "run %d sample %d %s: %.17g != %.17g", r, i,
                              cs_metric_name((cs_metric)m), got, want);
            }
        }
    }
    ck_assert_ptr_null(cs_csv_find(&d, "compare/none"));
    cs_csv_free(&d);
}
END_TEST

/* Each row is on disk once written, before the file is closed: what
 * `report DIR` reads after a run killed outright (no close, no exit
 * handler). The file is read back through a second handle while the
 * writer still holds it open. */
START_TEST(each_samples_row_is_on_disk_as_soon_as_it_is_written)
{
    cs_csv_writer *w = cs_csv_open("reports-flush.csv");
    cs_csv_data d;
    char err[256], *text;

    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(cs_csv_write(w, "flush/run", &samples[0][0]), 0);
    text = cs_read_file("reports-flush.csv");
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "\nflush/run,0,") != NULL, "the first row is not on disk yet:\n%s", text);
    free(text);
    ck_assert_int_eq(cs_csv_write(w, "flush/run", &samples[0][1]), 0);
    ck_assert_int_eq(cs_csv_read("reports-flush.csv", &d, err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(cs_csv_find(&d, "flush/run"));
    ck_int_eq(cs_csv_find(&d, "flush/run")->n, 2);
    cs_csv_free(&d);
    ck_assert_int_eq(cs_csv_close(w), 0);
}
END_TEST

START_TEST(csv_reader_matches_columns_by_name)
{
    FILE *f = fopen("reports-cols.csv", "wb");
    cs_csv_data d;
    char err[256];

    ck_assert_ptr_nonnull(f);
    fputs("iteration,future_metric,handles,run\r\n"
          "100,7,42,a\r\n"
          "200,x,43,a\r\n"
          "oops,1,2,a\r\n"
          "300,9,,b\r\n", f);
    fclose(f);
    ck_assert_int_eq(cs_csv_read("reports-cols.csv", &d, err, sizeof(err)), 0);
    ck_assert_uint_eq(d.nruns, 2);
    ck_assert_uint_eq(d.skipped, 1);                 /* "oops" */
    ck_assert_uint_eq(d.runs[0].n, 2);
    ck_assert_double_eq(d.runs[0].samples[1].v[CS_M_HANDLES], 43);
    ck_assert(isnan(d.runs[0].samples[1].v[CS_M_HEAP_BYTES]));
    ck_assert(isnan(d.runs[1].samples[0].v[CS_M_HANDLES]));
    cs_csv_free(&d);
    ck_assert_int_eq(cs_csv_read("reports-missing.csv", &d, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "reports-missing.csv") != NULL, "%s", err);
    f = fopen("reports-nohdr.csv", "wb");
    fputs("1,2,3\n", f);
    fclose(f);
    ck_assert_int_eq(cs_csv_read("reports-nohdr.csv", &d, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "no header") != NULL, "%s", err);
    cs_csv_free(&d);
}
END_TEST

/* No raw hostile markup anywhere; the escaped run name present, and the
 * escaped target too when the document shows targets. */
static void assert_escaped(const char *text, int has_target)
{
    ck_assert_msg(!strstr(text, "<script"), "raw <script> in output");
    ck_assert_msg(!strstr(text, "<img"), "raw <img> in output");
    ck_assert(strstr(text, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"));
    if (has_target)
        ck_assert(strstr(text, "Evil.&lt;img src=x onerror=alert(1)&gt;&quot;&amp;amp;&quot;"));
}

START_TEST(svg_is_escaped_and_complete)
{
    char err[256], *svg;

    make_model();
    ck_assert_int_eq(cs_svg_write_path("reports-memory.svg", charts, 2, err, sizeof(err)), 0);
    svg = cs_read_file("reports-memory.svg");
    ck_assert_ptr_nonnull(svg);
    ck_assert(!strncmp(svg, "<?xml", 5));
    ck_assert_uint_eq(count(svg, "<svg "), 1);
    ck_assert_uint_eq(count(svg, "</svg>"), 1);
    ck_assert_uint_eq(count(svg, "<polyline"), 4);        /* 2 runs x 2 panels */
    ck_assert_uint_eq(count(svg, "opacity=\"0.8\""), 4);  /* a fit per line */
    /* each series its own dash, so coinciding series stay visible, and
     * its name at the line's end */
    ck_assert_uint_eq(count(svg, "stroke-dasharray=\"none\""), 3);     /* series 1 in 2 panels + legend */
    ck_assert_uint_eq(count(svg, "stroke-dasharray=\"10 4\""), 3);     /* series 2 */
    ck_assert_uint_eq(count(svg, "<text class=\"series\""), 4);
    ck_assert(strstr(svg, "warm-up"));
    ck_assert(strstr(svg, " MB<") || strstr(svg, " KB<"));
    ck_assert(strstr(svg, "compare/type"));
    ck_assert(strstr(svg, "24.00 bytes/iteration"));
    ck_assert_msg(count(svg, "<") == count(svg, ">"), "unbalanced angle brackets");
    assert_escaped(svg, 0);
    free(svg);
}
END_TEST

START_TEST(html_puts_the_findings_first_naming_the_leaking_policy)
{
    char err[256], *html, *findings, *memory, *summary;

    make_model();
    ck_assert_int_eq(cs_html_write_path("reports-findings.html", &ctx, charts, 2, err, sizeof(err)), 0);
    html = cs_read_file("reports-findings.html");
    ck_assert_ptr_nonnull(html);
    findings = strstr(html, "<h2>Findings</h2>");
    summary = strstr(html, "<h2>Summary</h2>");
    memory = strstr(html, "<h2>Memory</h2>");
    ck_assert_msg(findings && summary && memory, "a section is missing");
    ck_assert_msg(findings < summary && summary < memory, "findings must come before the table and charts");
    ck_assert_msg(strstr(findings, "heap_bytes and working_set_bytes grow together: leak")
                  && strstr(findings, "heap_bytes and working_set_bytes grow together: leak") < summary,
                  "the heap leak is not among the findings");
    /* the leaking run is the instance-unbounded one, named in its finding */
    ck_assert_msg(strstr(findings, "what usually fixes it") != NULL, "no advice");
    ck_assert_msg(strstr(html, "class=\"status fail\"><b>fail</b>: 1 of 2 runs fails") != NULL, "no status line");
    free(html);
    /* a run without findings says so in one line at the top */
    make_model();
    runs[0].nverdicts = 0;
    runs[1].nverdicts = 0;
    runs[1].error = NULL;
    ck_assert_int_eq(cs_html_write_path("reports-nofindings.html", &ctx, charts, 2, err, sizeof(err)), 0);
    html = cs_read_file("reports-nofindings.html");
    ck_assert_ptr_nonnull(html);
    ck_assert_msg(strstr(html, "<p class=\"status pass\"><b>pass</b>: no findings: every run passed") != NULL,
                  "no all-clear line");
    ck_assert_ptr_null(strstr(html, "<h2>Findings</h2>"));
    free(html);
}
END_TEST

START_TEST(html_is_escaped_and_offline)
{
    char err[256], *html;

    make_model();
    runs[0].fail_on = runs[1].fail_on = CS_FAIL_DEFAULT;
    ck_assert_int_eq(cs_html_write_path("reports-report.html", &ctx, charts, 2, err, sizeof(err)), 0);
    html = cs_read_file("reports-report.html");
    ck_assert_ptr_nonnull(html);
    assert_escaped(html, 1);
    ck_assert(strstr(html, "Echo(&#39;&lt;script&gt;&amp;&#39;)"));   /* command line */
    ck_assert(strstr(html, "host&lt;1&gt;"));
    ck_assert(strstr(html, "bad&#xFFFD; &quot;call&quot;"));           /* the error */
    ck_assert_uint_eq(count(html, "<svg "), 1);
    ck_assert_uint_eq(count(html, "<tr>"), 2 + 1 + 5);                  /* header, runs, context */
    ck_assert(strstr(html, "heap_bytes: <span class=\"leak\">leak</span> 24.00 bytes/iteration"));
    ck_assert(strstr(html, "instance-unbounded"));
    /* nothing fetched from outside: only the SVG namespace URI */
    ck_assert_uint_eq(count(html, "http"), 1);
    ck_assert(!strstr(html, "src=\"") && !strstr(html, "href=\"") && !strstr(html, "@import"));
    free(html);
}
END_TEST

/* A leak verdict of metric m, per iteration v (interval v +- 0.1). */
static cs_verdict leak_of(cs_metric m, double v)
{
    cs_verdict x;

    memset(&x, 0, sizeof(x));
    x.metric = m;
    x.kind = CS_V_LEAK;
    x.per_iteration = v;
    x.ci_low = v - 0.1;
    x.ci_high = v + 0.1;
    x.samples = 20;
    return x;
}

/* A clean verdict of metric m. */
static cs_verdict clean_of(cs_metric m)
{
    cs_verdict x = leak_of(m, 0);

    x.kind = CS_V_CLEAN;
    return x;
}

/* A run of policy cache under the default gate, with no verdict yet. */
static void plain_run(cs_run *r, const char *name, const char *cache)
{
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->target = "ComStress.Target";
    r->calls = "Add(1)";
    r->cache = cache;
    r->iterations = 2000;
    r->live_objects_end = -1;
    r->server_locks_end = -1;
    r->fail_on = CS_FAIL_DEFAULT;
}

/* Writes report.html of runs[0..n) (no samples) and reads it back. */
static char *html_of(cs_run *rs, size_t n, const char *path)
{
    cs_chart_run c[4];
    char err[256];
    size_t i;

    memset(c, 0, sizeof(c));
    for (i = 0; i < n; i++)
        c[i].run = &rs[i];
    ck_assert_int_eq(cs_html_write_path(path, &ctx, c, n, err, sizeof(err)), 0);
    return cs_read_file(path);
}

START_TEST(html_clean_run_with_only_a_page_granular_leak_reads_as_passing)
{
    cs_run r;
    char *html, *apart;

    make_model();
    plain_run(&r, "run", "type");
    r.verdicts[0] = clean_of(CS_M_HEAP_BYTES);
    r.verdicts[1] = clean_of(CS_M_HEAP_BLOCKS);
    r.verdicts[2] = leak_of(CS_M_WORKING_SET, 80);
    r.nverdicts = 3;
    html = html_of(&r, 1, "reports-pass.html");
    ck_assert_ptr_nonnull(html);
    ck_assert_msg(strstr(html, "<p class=\"status pass\"><b>pass</b>: the run passes its --fail-on gate; 1 finding "
                          "that does not count under it is shown apart below.</p>") != NULL, "no pass banner:\n%.3000s", html);
    ck_assert_msg(!strstr(html, "class=\"status fail\"") && !strstr(html, "class=\"leak\"")
                  && !strstr(html, "<div class=\"finding\">") && !strstr(html, "<h2>Findings</h2>"),
                  "red in a passing page:\n%.3000s", html);
    apart = strstr(html, "<h2>Not counted</h2>");
    ck_assert_msg(apart != NULL, "the working set is not shown apart");
    ck_assert(strstr(apart, "<div class=\"finding apart\"><h3>run: working_set_bytes grows: leak</h3>"));
    ck_assert(strstr(apart, "<dt>what usually fixes it</dt><dd>memory that grows in whole pages while the heap does "
                            "not: pages mapped outside the heaps (a file mapping, thread stacks, an allocator&#39;s "
                            "reserve); a trace follows heap allocations and has no site to name for it</dd>"
                            "<dt>not counted</dt><dd>page-granular: gates only with --fail-on leak-any</dd>"));
    ck_assert_msg(!strstr(html, "--trace"), "advice to trace a growth no trace can name");
    ck_assert(strstr(html, "working_set_bytes: <span class=\"apart\">leak</span> 80.00 bytes/iteration [79.90, 80.10]"
                           " (not gating: page-granular: gates only with --fail-on leak-any)</span>"));
    free(html);
    /* a heap leak left out by --fail-on: still a pass, grey, saying why */
    r.verdicts[0] = leak_of(CS_M_HEAP_BYTES, 24);
    r.fail_on = CS_FAIL_RELEASE;
    html = html_of(&r, 1, "reports-pass-left-out.html");
    ck_assert_ptr_nonnull(html);
    ck_assert_msg(strstr(html, "<p class=\"status pass\"><b>pass</b>: the run passes its --fail-on gate; 1 finding "
                          "that does not count under it is shown apart below.</p>") != NULL, "no pass banner:\n%.3000s", html);
    ck_assert_msg(!strstr(html, "class=\"status fail\"") && !strstr(html, "class=\"leak\"")
                  && !strstr(html, "<div class=\"finding\">"), "red in a passing page:\n%.3000s", html);
    ck_assert(strstr(html, "<div class=\"finding apart\"><h3>run: heap_bytes and working_set_bytes grow together: "
                           "leak</h3><dl><dt>what usually "
                           "fixes it</dt><dd>memory that grows with the iterations: run again with --trace to name "
                           "the allocation site and the call</dd><dt>not counted</dt><dd>left out by --fail-on</dd>"));
    free(html);
    /* the same page under leak-any fails, in red, saying why */
    r.verdicts[0] = clean_of(CS_M_HEAP_BYTES);
    r.fail_on = CS_FAIL_DEFAULT | CS_FAIL_LEAK_ANY;
    html = html_of(&r, 1, "reports-pass-any.html");
    ck_assert_ptr_nonnull(html);
    ck_assert_msg(strstr(html, "<p class=\"status fail\"><b>fail</b>: 1 of 1 run fails under its --fail-on gate. "
                          "<b>run</b>: working_set_bytes grows: leak, +80.00 bytes per iteration.</p>") != NULL,
                  "no fail banner:\n%.3000s", html);
    ck_assert(strstr(html, "<div class=\"finding\"><h3>run: working_set_bytes grows: leak</h3>"));
    ck_assert(strstr(html, "working_set_bytes: <span class=\"leak\">leak</span> 80.00"));
    free(html);
}
END_TEST

/* The four policies of a compare; instance-unbounded grows its heap and
 * its binding cache by one rule per object. */
static void compare_runs(cs_run *rs)
{
    static const char *const names[4][2] = {
        { "compare/none", "none" }, { "compare/type", "type" },
        { "compare/instance", "instance" }, { "compare/instance-unbounded", "instance-unbounded" },
    };
    size_t i;

    for (i = 0; i < 4; i++) {
        plain_run(&rs[i], names[i][0], names[i][1]);
        rs[i].verdicts[0] = clean_of(CS_M_HEAP_BYTES);
        rs[i].verdicts[1] = clean_of(CS_M_HEAP_BLOCKS);
        rs[i].verdicts[2] = clean_of(CS_M_CACHE_ENTRIES);
        rs[i].verdicts[3] = clean_of(CS_M_CACHE_BYTES);
        rs[i].nverdicts = 4;
    }
    rs[3].verdicts[0] = leak_of(CS_M_HEAP_BYTES, 312);
    rs[3].verdicts[1] = leak_of(CS_M_HEAP_BLOCKS, 3);
    rs[3].verdicts[2] = leak_of(CS_M_CACHE_ENTRIES, 1);
    rs[3].verdicts[3] = leak_of(CS_M_CACHE_BYTES, 96);
    rs[3].verdicts[4] = leak_of(CS_M_WORKING_SET, 256);   /* the same growth, in pages */
    rs[3].nverdicts = 5;
}

START_TEST(html_compare_opens_with_the_leaking_policy_and_one_card_per_cause)
{
    cs_run rs[4];
    char *html, *card;

    make_model();
    compare_runs(rs);
    html = html_of(rs, 4, "reports-compare.html");
    ck_assert_ptr_nonnull(html);
    ck_assert_msg(strstr(html, "<h1>comstress report</h1>\n<p class=\"lead\">Policy instance-unbounded leaks 312.00 "
                          "bytes per object (heap_bytes per iteration): the binding cache keeps a rule per object "
                          "(per-instance binding, never bounded); none, type and instance are clean.</p>") != NULL,
                  "no first sentence:\n%.1500s", html);
    ck_assert_uint_eq(count(html, "<div class=\"finding"), 1);
    card = strstr(html, "<div class=\"finding\"><h3>compare/instance-unbounded: the binding cache keeps a rule per "
                        "object: per-instance binding (policy instance-unbounded) rebinds every new object and never "
                        "drops its rule: heap_bytes, heap_blocks, cache_entries, cache_bytes and working_set_bytes grow "
                        "together: "
                        "leak</h3><dl><dt>what usually fixes it</dt><dd>key the cache on type identity (type policy) "
                        "or bound it (instance policy)</dd><dt>per iteration</dt><dd>+312.00 bytes (heap_bytes, 95% "
                        "interval 311.90 to 312.10); +3.00 blocks (heap_blocks, 95% interval 2.90 to 3.10); +1.00 "
                        "entries (cache_entries");
    ck_assert_msg(card != NULL, "not one card for the heap and the cache:\n%.3000s", html);
    ck_assert(strstr(card, "+256.00 bytes (working_set_bytes, 95% interval 255.90 to 256.10; not gating: "
                           "page-granular: gates only with --fail-on leak-any)</dd>"));
    ck_assert_msg(!strstr(html, "--trace") && !strstr(html, "allocation findings"), "advice to trace the cache");
    ck_assert(strstr(html, "<p class=\"status fail\"><b>fail</b>: 1 of 4 runs fails under its --fail-on gate."));
    free(html);
    /* traced, with no allocation site: still no word of allocation findings */
    rs[3].allocs = (const cs_alloc_site *)rs;
    rs[3].nallocs = 0;
    html = html_of(rs, 4, "reports-compare-traced.html");
    ck_assert_ptr_nonnull(html);
    ck_assert_msg(!strstr(html, "allocation findings"), "allocation findings named without any");
    ck_assert(strstr(html, "<dt>allocated in</dt><dd>comstress&#39;s own binding cache, not the target: no site in "
                           "the target to name (the cache is the finding)</dd>"));
    free(html);
    /* all clean */
    compare_runs(rs);
    rs[3].verdicts[0] = clean_of(CS_M_HEAP_BYTES);
    rs[3].verdicts[1] = clean_of(CS_M_HEAP_BLOCKS);
    rs[3].verdicts[2] = clean_of(CS_M_CACHE_ENTRIES);
    rs[3].verdicts[3] = clean_of(CS_M_CACHE_BYTES);
    rs[3].nverdicts = 4;
    html = html_of(rs, 4, "reports-compare-clean.html");
    ck_assert_ptr_nonnull(html);
    ck_assert(strstr(html, "<p class=\"lead\">Every policy is clean: none, type, instance and instance-unbounded.</p>"));
    ck_assert(strstr(html, "<p class=\"status pass\"><b>pass</b>: no findings: every run passed its leak verdicts "
                           "and release checks.</p>"));
    free(html);
}
END_TEST

START_TEST(findings_advise_tracing_only_where_a_trace_can_name_a_site)
{
    static cs_alloc_site site;
    cs_run r;
    const cs_run *one = &r;
    cs_finding f[4];

    plain_run(&r, "run", "type");
    r.verdicts[0] = leak_of(CS_M_HEAP_BYTES, 24);
    r.verdicts[1] = leak_of(CS_M_HEAP_BLOCKS, 1);
    r.nverdicts = 2;
    ck_assert_uint_eq(cs_findings_collect(&one, 1, f, 4), 1);     /* one cause, two figures */
    ck_assert_str_eq(f[0].what, "heap_bytes and heap_blocks grow together: leak");
    ck_assert_int_eq(f[0].gates, 1);
    ck_assert_str_eq(f[0].advice, "memory that grows with the iterations: run again with --trace to name the "
                                  "allocation site and the call");
    r.allocs = &site;                                             /* traced, no site */
    ck_assert_uint_eq(cs_findings_collect(&one, 1, f, 4), 1);
    ck_assert_str_eq(f[0].advice, "memory that grows with the iterations: the trace found no allocation site "
                                  "that grows with them (the growth is outside the allocators it follows)");
    site.cls = "leak";                                            /* traced, a site */
    r.nallocs = 1;
    ck_assert_uint_eq(cs_findings_collect(&one, 1, f, 4), 1);
    ck_assert_str_eq(f[0].advice, "memory that grows with the iterations: the allocation findings name the site");
    r.fail_on = CS_FAIL_RELEASE;                                  /* left out */
    ck_assert_uint_eq(cs_findings_collect(&one, 1, f, 4), 1);
    ck_assert_int_eq(f[0].gates, 0);
    ck_assert_str_eq(f[0].why_not, "left out by --fail-on");
}
END_TEST

START_TEST(junit_has_case_per_run_and_metric)
{
    char err[256], line[256], *xml;
    size_t expect_cases = runs[0].nverdicts + runs[1].nverdicts;

    make_model();
    runs[1].error = NULL;
    runs[0].fail_on = CS_FAIL_ALL;                      /* --fail-on leak-any */
    expect_cases = runs[0].nverdicts + runs[1].nverdicts;
    ck_assert_uint_eq(expect_cases, 6);                 /* heap, working set, handles x 2 */
    ck_assert_int_eq(cs_junit_write_path("reports-junit.xml", runs, 2, err, sizeof(err)), 0);
    xml = cs_read_file("reports-junit.xml");
    ck_assert_ptr_nonnull(xml);
    ck_assert_uint_eq(count(xml, "<testcase "), expect_cases);
    ck_assert_uint_eq(count(xml, "</testcase>"), expect_cases);
    ck_assert_uint_eq(count(xml, "<testsuite "), 2);
    ck_assert_uint_eq(count(xml, "<failure "), 2);      /* run 0: heap and working set */
    ck_assert(strstr(xml, "<testsuites name=\"comstress\" tests=\"6\" failures=\"2\" errors=\"0\">"));
    cs_verdict_line(&runs[0].verdicts[0], line, sizeof(line));
    ck_assert_str_eq(line, "heap_bytes: leak 24.0 bytes/iteration, 95% CI [24.0, 24.0]");
    ck_assert(strstr(xml, "message=\"heap_bytes: leak 24.0 bytes/iteration, 95% CI [24.0, 24.0]\""));
    ck_assert(strstr(xml, "name=\"working_set_bytes\""));
    free(xml);
    /* At the default level a page-granular leak does not fail, as the exit
     * code does not: it is reported as skipped. */
    runs[0].fail_on = CS_FAIL_DEFAULT;
    ck_assert_int_eq(cs_junit_write_path("reports-junit.xml", runs, 2, err, sizeof(err)), 0);
    xml = cs_read_file("reports-junit.xml");
    ck_assert_ptr_nonnull(xml);
    ck_assert_uint_eq(count(xml, "<failure "), 1);
    ck_assert(strstr(xml, "page-granular: gates only with --fail-on leak-any"));
    ck_assert(strstr(xml, "classname=\"comstress.compare/&lt;script&gt;"));
    ck_assert(!strstr(xml, "<script"));
    free(xml);
}
END_TEST

START_TEST(junit_reports_errors_and_release)
{
    static const char *const findings[] = { "BSTR leak: Echo, 1 block (<12> bytes) per call" };
    char err[256], *xml;

    make_model();
    runs[1].release.measured = 1;
    runs[1].release.findings[0] = findings[0];
    runs[1].release.nfindings = 1;
    ck_assert_int_eq(cs_junit_write_path("reports-junit2.xml", runs + 1, 1, err, sizeof(err)), 0);
    xml = cs_read_file("reports-junit2.xml");
    ck_assert_ptr_nonnull(xml);
    ck_assert_uint_eq(count(xml, "<testcase "), runs[1].nverdicts + 2);
    ck_assert(strstr(xml, "<failure type=\"release\" message=\"BSTR leak: Echo, 1 block (&lt;12&gt; bytes) per call\""));
    ck_assert(strstr(xml, "<error type=\"error\" message=\"bad&#xFFFD; &quot;call&quot;"));
    ck_assert(strstr(xml, "failures=\"1\" errors=\"1\""));
    free(xml);
}
END_TEST

TCase *reports_edges_tcase(void);

int main(void)
{
    Suite *s = suite_create("reports");
    TCase *json = tcase_create("json");
    TCase *csv = tcase_create("csv");
    TCase *docs = tcase_create("svg_html_junit");

    tcase_add_test(json, json_parser_rejects_bad_text);
    tcase_add_test(json, json_is_valid_and_complete);
    tcase_add_test(json, json_writes_nan_as_null_and_release);
    tcase_add_test(csv, csv_round_trip_keeps_complete_rows);
    tcase_add_test(csv, csv_reader_matches_columns_by_name);
    tcase_add_test(csv, each_samples_row_is_on_disk_as_soon_as_it_is_written);
    tcase_add_test(docs, svg_is_escaped_and_complete);
    tcase_add_test(docs, html_is_escaped_and_offline);
    tcase_add_test(docs, html_puts_the_findings_first_naming_the_leaking_policy);
    tcase_add_test(docs, html_clean_run_with_only_a_page_granular_leak_reads_as_passing);
    tcase_add_test(docs, html_compare_opens_with_the_leaking_policy_and_one_card_per_cause);
    tcase_add_test(docs, findings_advise_tracing_only_where_a_trace_can_name_a_site);
    tcase_add_test(docs, junit_has_case_per_run_and_metric);
    tcase_add_test(docs, junit_reports_errors_and_release);
    suite_add_tcase(s, json);
    suite_add_tcase(s, csv);
    suite_add_tcase(s, docs);
    suite_add_tcase(s, reports_edges_tcase());
    return cs_run_suite(s);
}
