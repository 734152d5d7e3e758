/* report.html writer; see report_html.h. */
#include "report_html.h"
#include "report_util.h"
#include <errno.h>
#include <math.h>
#include <string.h>

static const char style[] =
    "body{font-family:sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#f0f0f0}td.num{text-align:right}"
    ".leak{color:#b00;font-weight:bold}.plateau{color:#a60}.clean{color:#070}"
    ".inconclusive{color:#666}tr.verdicts td{font-size:90%;border-top:none}"
    "span.v{white-space:nowrap;margin-right:1.5em;display:inline-block}"
    "pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}";

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

/* A row under the run's row, spanning the table: every verdict with its
 * figure and interval, each kept on one line, flowing across the width
 * (a column of them made the table too wide to read). */
static void verdict_row(FILE *f, const cs_run *r, int columns)
{
    size_t i;

    fprintf(f, "<tr class=\"verdicts\"><td colspan=\"%d\">", columns);
    for (i = 0; i < r->nverdicts && i < CS_M_COUNT; i++) {
        const cs_verdict *v = &r->verdicts[i];
        char a[32], b[32], c[32];

        fprintf(f, "<span class=\"v\">%s: <span class=\"%s\">%s</span> %s %s/iteration [%s, %s]</span>\n",
                cs_metric_name(v->metric), cs_verdict_name(v->kind),
                cs_verdict_name(v->kind), cs_format_figure(v->per_iteration, a, sizeof(a)),
                cs_metric_unit(v->metric), cs_format_figure(v->ci_low, b, sizeof(b)),
                cs_format_figure(v->ci_high, c, sizeof(c)));
    }
    fputs("</td></tr>\n", f);
}

static void write_summary(FILE *f, const cs_chart_run *runs, size_t n)
{
    size_t i;

    fputs("<h2>Summary</h2>\n<table>\n<tr><th>run</th><th>target</th><th>calls</th><th>policy</th>"
          "<th>iterations</th><th>calls/s</th><th>binds</th><th>GetIDsOfNames calls</th>"
          "<th>cache entries</th><th>heap bytes/iteration</th><th>error</th></tr>\n"
          "<tr class=\"verdicts\"><th colspan=\"11\">verdicts per metric (95% CI)</th></tr>\n", f);
    for (i = 0; i < n; i++) {
        const cs_run *r = runs[i].run;
        fputs("<tr>", f);
        td_text(f, r->name);
        td_text(f, r->target);
        td_text(f, r->calls);
        td_text(f, r->cache);
        td_count(f, r->iterations);
        td_figure(f, r->calls_per_second, 1);
        td_count(f, r->binds);
        td_count(f, r->getidsofnames_calls);
        td_count(f, r->cache_entries_end);
        td_figure(f, r->heap_bytes_per_iteration, 0);
        td_text(f, r->error);
        fputs("</tr>\n", f);
        verdict_row(f, r, 11);
    }
    fputs("</table>\n", f);
}

/* Release checks: one list per run that made them. */
static void write_release(FILE *f, const cs_chart_run *runs, size_t n)
{
    size_t i, k;

    fputs("<h2>Release checks</h2>\n", f);
    for (i = 0; i < n; i++) {
        const cs_release *rel = &runs[i].run->release;
        fputs("<p><b>", f);
        cs_put_xml(f, runs[i].run->name);
        fputs(rel->measured ? (rel->failed ? "</b>: <span class=\"leak\">failed</span></p>\n"
                                           : "</b>: <span class=\"clean\">passed</span></p>\n")
                            : "</b>: not checked</p>\n", f);
        if (!rel->nfindings)
            continue;
        fputs("<ul>", f);
        for (k = 0; k < rel->nfindings && k < 16; k++) {
            fputs("<li>", f);
            cs_put_xml(f, rel->findings[k]);
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
    write_summary(f, runs, n);
    write_release(f, runs, n);
    fputs("<h2>Memory</h2>\n", f);
    cs_svg_write(f, runs, n);
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
