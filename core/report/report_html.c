/* report.html writer; see report_html.h. */
#include "report_html.h"
#include "findings.h"
#include "report_util.h"
#include "judge.h"
#include "release_rules.h"
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <string.h>

/* Runs and findings a report shows at most (a compare has four runs). */
#define CS_MAX_REPORT_RUNS 64
#define CS_MAX_REPORT_FINDINGS 64

static const char style[] =
    /* Long words (a call text, an error, a path) wrap anywhere: nothing
     * may push the page wider than the window. */
    "body{font-family:sans-serif;margin:2em;color:#222;overflow-wrap:anywhere}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere}"
    "th{background:#f0f0f0}td.num{text-align:right}"
    ".leak{color:#b00;font-weight:bold}.plateau{color:#a60}.clean{color:#070}"
    ".inconclusive{color:#666}tr.verdicts td{font-size:90%;border-top:none}"
    "span.v{white-space:nowrap;margin-right:1.5em;display:inline-block}"
    "pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}"
    "p.status{font-size:120%;padding:8px;border-left:6px solid #b00;background:#fbeaea}"
    "p.status.ok{border-color:#070;background:#eaf6ea}"
    "div.finding{border:1px solid #ddd;border-left:6px solid #b00;padding:4px 12px;margin:8px 0}"
    "div.finding h3{margin:6px 0;font-size:105%}div.finding dl{margin:4px 0}"
    "div.finding dt{font-weight:bold;float:left;width:11em;clear:left}div.finding dd{margin-left:11em}"
    "p.same{color:#444}svg{width:100%;height:auto}body{max-width:1240px}";

/* <td>escaped text</td> */
static void td_text(FILE *f, const char *s)
{
    fputs("<td>", f);
    cs_put_xml(f, s ? s : "");
    fputs("</td>", f);
}

/* A count cell: negative means unknown (a run rebuilt from the CSV). */
static void td_count(FILE *f, long long v)
{
    if (v < 0)
        fputs("<td class=\"num\">n/a</td>", f);
    else
        fprintf(f, "<td class=\"num\">%lld</td>", v);
}

/* A figure cell, whole (calls/s) or with two decimals: n/a when not
 * computed; a figure too large to read in full is shortened (see
 * cs_format_figure). */
static void td_figure(FILE *f, double v, int whole)
{
    char buf[32];

    fprintf(f, "<td class=\"num\">%s</td>",
            whole ? cs_format_count(v, buf, sizeof(buf)) : cs_format_figure(v, buf, sizeof(buf)));
}

/* The findings first: one line of status, then one box per finding with
 * what leaks, how much, where it was allocated, which call, and what
 * usually fixes it. A set of runs without findings says so in one line. */
static void write_findings(FILE *f, const cs_chart_run *runs, size_t n)
{
    static cs_finding found[CS_MAX_REPORT_FINDINGS];
    const cs_run *flat[CS_MAX_REPORT_RUNS] = { 0 };
    size_t i, total, shown, bad, m = n < CS_MAX_REPORT_RUNS ? n : CS_MAX_REPORT_RUNS;

    for (i = 0; i < m; i++)
        flat[i] = runs[i].run;
    total = cs_findings_collect(flat, m, found, CS_MAX_REPORT_FINDINGS);
    if (!total) {
        fprintf(f, "<p class=\"status ok\">No findings: %s passed its leak verdicts and release checks.</p>\n",
                m == 1 ? "the run" : "every run");
        return;
    }
    shown = total < CS_MAX_REPORT_FINDINGS ? total : CS_MAX_REPORT_FINDINGS;
    for (i = 0, bad = 0; i < m; i++) {
        size_t k;
        for (k = 0; k < shown && found[k].run != flat[i]; k++)
            ;
        bad += k < shown;
    }
    fprintf(f, "<p class=\"status\">%zu finding%s in %zu of %zu run%s: what leaks first, then the "
            "summary and the charts.</p>\n<h2>Findings</h2>\n", total, total == 1 ? "" : "s", bad, m,
            m == 1 ? "" : "s");
    for (i = 0; i < shown; i++) {
        const cs_finding *x = &found[i];

        fputs("<div class=\"finding\"><h3>", f);
        cs_put_xml(f, x->run->name);
        fputs(": ", f);
        cs_put_xml(f, x->what);
        fputs("</h3><dl>", f);
        if (x->amount[0]) {
            fputs("<dt>per iteration</dt><dd>", f);
            cs_put_xml(f, x->amount);
            fputs("</dd>", f);
        }
        if (x->where) {
            fputs("<dt>allocated in</dt><dd>", f);
            cs_put_xml(f, x->where);
            fputs("</dd>", f);
        }
        if (x->call) {
            fputs("<dt>call</dt><dd>", f);
            cs_put_xml(f, x->call);
            fputs("</dd>", f);
        }
        fputs("<dt>what usually fixes it</dt><dd>", f);
        cs_put_xml(f, x->advice);
        fputs("</dd></dl></div>\n", f);
    }
    if (shown < total)
        fprintf(f, "<p>%zu more findings: see the release checks and run.json.</p>\n", total - shown);
}

/* Whether a text column holds the same value (or nothing) in every run. */
static int same_text(const cs_chart_run *runs, size_t n, size_t offset)
{
    const char *first = *(const char *const *)((const char *)runs[0].run + offset), *v;
    size_t i;

    for (i = 1; i < n; i++) {
        v = *(const char *const *)((const char *)runs[i].run + offset);
        if ((v == NULL) != (first == NULL) || (v && strcmp(v, first)))
            return 0;
    }
    return 1;
}

/* The verdicts of r that are not clean, then how many are. */
static void verdict_row(FILE *f, const cs_run *r, int columns)
{
    size_t i, clean = 0;

    fprintf(f, "<tr class=\"verdicts\"><td colspan=\"%d\">", columns);
    for (i = 0; i < r->nverdicts && i < CS_M_COUNT; i++) {
        const cs_verdict *v = &r->verdicts[i];
        char a[32], b[32], c[32];

        if (v->kind == CS_V_CLEAN) {
            clean++;
            continue;
        }
        fprintf(f, "<span class=\"v\">%s: <span class=\"%s\">%s</span> %s %s/iteration [%s, %s]</span>\n",
                cs_metric_name(v->metric), cs_verdict_name(v->kind),
                cs_verdict_name(v->kind), cs_format_figure(v->per_iteration, a, sizeof(a)),
                cs_metric_unit(v->metric), cs_format_figure(v->ci_low, b, sizeof(b)),
                cs_format_figure(v->ci_high, c, sizeof(c)));
    }
    fprintf(f, "<span class=\"v clean\">%zu metric%s clean</span></td></tr>\n", clean, clean == 1 ? "" : "s");
}

/* The summary table: what is the same for every run is said once above
 * it, and a column empty in every run is left out, so it fits a window. */
static void write_summary(FILE *f, const cs_chart_run *runs, size_t n)
{
    int same_target = n > 1 && same_text(runs, n, offsetof(cs_run, target));
    int same_calls = n > 1 && same_text(runs, n, offsetof(cs_run, calls));
    int any_error = 0, columns = 8;
    size_t i;

    for (i = 0; i < n; i++)
        any_error |= runs[i].run->error != NULL;
    fputs("<h2>Summary</h2>\n", f);
    if (n && (same_target || same_calls)) {
        fputs("<p class=\"same\">Every run: ", f);
        if (same_target) {
            fputs("target <b>", f);
            cs_put_xml(f, runs[0].run->target ? runs[0].run->target : "n/a");
            fputs("</b>", f);
        }
        if (same_calls) {
            fputs(same_target ? "; calls <b>" : "calls <b>", f);
            cs_put_xml(f, runs[0].run->calls ? runs[0].run->calls : "n/a");
            fputs("</b>", f);
        }
        fputs(".</p>\n", f);
    }
    fputs("<table>\n<tr><th>run</th>", f);
    if (!same_target)
        fputs("<th>target</th>", f), columns++;
    if (!same_calls)
        fputs("<th>calls</th>", f), columns++;
    fputs("<th>policy</th><th>iterations</th><th>calls/s</th><th>binds</th><th>GetIDsOfNames</th>"
          "<th>cache entries</th><th>heap B/iteration</th>", f);
    if (any_error)
        fputs("<th>error</th>", f), columns++;
    fprintf(f, "</tr>\n<tr class=\"verdicts\"><th colspan=\"%d\">verdicts that are not clean "
            "(95%% interval)</th></tr>\n", columns);
    for (i = 0; i < n; i++) {
        const cs_run *r = runs[i].run;

        fputs("<tr>", f);
        td_text(f, r->name);
        if (!same_target)
            td_text(f, r->target);
        if (!same_calls)
            td_text(f, r->calls);
        td_text(f, r->cache);
        td_count(f, r->iterations);
        td_figure(f, r->calls_per_second, 1);
        td_count(f, r->binds);
        td_count(f, r->getidsofnames_calls);
        td_count(f, r->cache_entries_end);
        td_figure(f, r->heap_bytes_per_iteration, 0);
        if (any_error)
            td_text(f, r->error);
        fputs("</tr>\n", f);
        verdict_row(f, r, columns);
    }
    fputs("</table>\n", f);
}

/* Release checks: one list per run that made them. */
static void write_release(FILE *f, const cs_chart_run *runs, size_t n)
{
    char line[CS_FINDING_LEN + 128];
    cs_judgement j;
    size_t i, k;

    fputs("<h2>Release checks</h2>\n", f);
    for (i = 0; i < n; i++) {
        const cs_release *rel = &runs[i].run->release;

        cs_judge(runs[i].run, runs[i].run->fail_on, &j);
        fputs("<p><b>", f);
        cs_put_xml(f, runs[i].run->name);
        fputs(rel->measured ? (j.release_fails ? "</b>: <span class=\"leak\">failed</span></p>\n"
                                           : "</b>: <span class=\"clean\">passed</span></p>\n")
                            : "</b>: not checked</p>\n", f);
        if (!rel->nfindings)
            continue;
        fputs("<ul>", f);
        for (k = 0; k < rel->nfindings && k < 16; k++) {
            fputs("<li>", f);
            cs_put_xml(f, cs_judge_finding_line(runs[i].run, &j, k, line, sizeof(line)));
            fputs("</li>", f);
        }
        fputs("</ul>\n", f);
    }
}

/* --baseline: per run, what changed since the earlier run (regressions
 * first); a regression in red only when it gates the run. */
static void write_baseline(FILE *f, const cs_chart_run *runs, size_t n)
{
    size_t i, k, any = 0;

    for (i = 0; i < n; i++)
        any += runs[i].run->baseline != NULL;
    if (!any)
        return;
    fputs("<h2>Against the baseline</h2>\n", f);
    for (i = 0; i < n; i++) {
        const cs_run *r = runs[i].run;
        int gates = (r->fail_on & CS_FAIL_REGRESSION) != 0;

        if (!r->baseline)
            continue;
        fputs("<p><b>", f);
        cs_put_xml(f, r->name);
        fputs("</b> against <code>", f);
        cs_put_xml(f, r->baseline);
        fprintf(f, "</code>: %s</p>\n", !r->nchanges ? "no regression, nothing fixed"
                : r->regressions ? (gates ? "<span class=\"leak\">regressed</span>"
                                          : "regressed (left out by --fail-on)")
                : "<span class=\"clean\">nothing regressed</span>");
        if (!r->nchanges)
            continue;
        fputs("<ul>", f);
        for (k = 0; k < r->nchanges && k < CS_MAX_CHANGES; k++) {
            fprintf(f, "<li><span class=\"%s\">%s</span>: ", r->change_regression[k] ? (gates ? "leak" : "inconclusive")
                    : "clean", r->change_regression[k] ? "regression" : "fixed");
            cs_put_xml(f, r->changes[k]);
            fputs("</li>", f);
        }
        fputs("</ul>\n", f);
    }
}

/* A row of the context table. */
static void context_row(FILE *f, const char *name, const char *value)
{
    fprintf(f, "<tr><th>%s</th>", name);
    td_text(f, value);
    fputs("</tr>\n", f);
}

static void write_context(FILE *f, const cs_context *c)
{
    fputs("<h2>Command line</h2>\n<pre>", f);
    cs_put_xml(f, c->command_line);
    fputs("</pre>\n<h2>Context</h2>\n<table>\n", f);
    context_row(f, "date", c->date);
    context_row(f, "host", c->host);
    context_row(f, "OS", c->os_version);
    context_row(f, "build type", c->build_type);
    context_row(f, "comstress version", c->version);
    fputs("</table>\n", f);
}

int cs_html_write(FILE *f, const cs_context *ctx, const cs_chart_run *runs, size_t n)
{
    static const cs_context none;

    if (!ctx)
        ctx = &none;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>comstress report</title>\n<style>%s</style>\n</head>\n<body>\n"
            "<h1>comstress report</h1>\n", style);
    write_findings(f, runs, n);
    write_baseline(f, runs, n);
    write_summary(f, runs, n);
    fputs("<h2>Memory</h2>\n", f);
    cs_svg_write(f, runs, n);
    write_release(f, runs, n);
    write_context(f, ctx);
    fputs("</body>\n</html>\n", f);
    return fflush(f) || ferror(f) ? -1 : 0;
}

int cs_html_write_path(const char *path, const cs_context *ctx, const cs_chart_run *runs,
                       size_t n, char *err, size_t errlen)
{
    FILE *f = cs_report_open(path, err, errlen);

    if (!f)
        return -1;
    return cs_report_close(f, cs_html_write(f, ctx, runs, n), path, err, errlen);
}
