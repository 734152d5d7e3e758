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
    "p.status{font-size:120%;padding:8px;border-left:6px solid #999;background:#f4f4f4}"
    "p.status.fail{border-color:#b00;background:#fbeaea}p.status.pass{border-color:#070;background:#eaf6ea}"
    "p.lead{font-size:110%}.apart{color:#666}"
    "div.finding{border:1px solid #ddd;border-left:6px solid #b00;padding:4px 12px;margin:8px 0}"
    "div.finding.apart{border-left-color:#999;color:#555}"
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

/* A <dt>/<dd> pair with escaped text, when text is not NULL or "". */
static void card_row(FILE *f, const char *term, const char *text)
{
    if (!text || !text[0])
        return;
    fprintf(f, "<dt>%s</dt><dd>", term);
    cs_put_xml(f, text);
    fputs("</dd>", f);
}

/* One box per finding: the cause or what leaks, then what usually fixes
 * it, then why it does not count (when it does not), how much, where it
 * was allocated and which call. A finding that does not gate is grey. */
static void write_card(FILE *f, const cs_finding *x)
{
    fputs(x->gates ? "<div class=\"finding\"><h3>" : "<div class=\"finding apart\"><h3>", f);
    cs_put_xml(f, x->run->name);
    fputs(": ", f);
    cs_put_xml(f, x->what);
    fputs("</h3><dl>", f);
    card_row(f, "what usually fixes it", x->advice);
    card_row(f, "not counted", x->why_not);
    card_row(f, "per iteration", x->amount);
    card_row(f, "allocated in", x->where);
    card_row(f, "call", x->call);
    fputs("</dl></div>\n", f);
}

/* The banner, as the exit code says it: fail, with what fails each run
 * (the judge's reasons), or pass, with how many findings do not count. */
static void write_banner(FILE *f, const cs_run *const *runs, size_t m, size_t apart)
{
    cs_judgement j;
    size_t i, k, failing = 0;

    for (i = 0; i < m; i++)
        failing += cs_judge(runs[i], runs[i]->fail_on, &j) != 0;
    if (!failing) {
        if (apart)
            fprintf(f, "<p class=\"status pass\"><b>pass</b>: %s its --fail-on gate; %zu finding%s that do%s "
                    "not count under it %s shown apart below.</p>\n", m == 1 ? "the run passes" : "every run passes",
                    apart, apart == 1 ? "" : "s", apart == 1 ? "es" : "", apart == 1 ? "is" : "are");
        else
            fprintf(f, "<p class=\"status pass\"><b>pass</b>: no findings: %s passed its leak verdicts and "
                    "release checks.</p>\n", m == 1 ? "the run" : "every run");
        return;
    }
    fprintf(f, "<p class=\"status fail\"><b>fail</b>: %zu of %zu run%s fail%s under %s --fail-on gate.", failing, m,
            m == 1 ? "" : "s", failing == 1 ? "s" : "", failing == 1 ? "its" : "their");
    for (i = 0; i < m; i++) {
        if (!cs_judge(runs[i], runs[i]->fail_on, &j))
            continue;
        fputs(" <b>", f);
        cs_put_xml(f, runs[i]->name);
        fputs("</b>: ", f);
        for (k = 0; k < j.nreasons && k < CS_JUDGE_REASONS; k++) {
            fputs(k ? "; " : "", f);
            cs_put_xml(f, j.reasons[k]);
        }
        if (j.nreasons > CS_JUDGE_REASONS)
            fprintf(f, "; and %zu more", j.nreasons - CS_JUDGE_REASONS);
        fputs(".", f);
    }
    fputs("</p>\n", f);
}

/* Is this set of runs a compare (every run named compare/...)? */
static int is_compare(const cs_run *const *runs, size_t m)
{
    size_t i;

    for (i = 0; i < m; i++)
        if (!runs[i]->name || strncmp(runs[i]->name, "compare/", 8))
            return 0;
    return m > 0;
}

/* The findings first: a compare's one sentence, the banner, then one box
 * per finding that fails its run, then those that do not count, apart
 * and grey, each saying why. */
static void write_findings(FILE *f, const cs_chart_run *runs, size_t n)
{
    static cs_finding found[CS_MAX_REPORT_FINDINGS];
    const cs_run *flat[CS_MAX_REPORT_RUNS] = { 0 };
    char sentence[2048];
    size_t i, total, shown, gating = 0, m = n < CS_MAX_REPORT_RUNS ? n : CS_MAX_REPORT_RUNS;

    for (i = 0; i < m; i++)
        flat[i] = runs[i].run;
    if (is_compare(flat, m)) {
        fputs("<p class=\"lead\">", f);
        cs_put_xml(f, cs_findings_compare_sentence(flat, m, sentence, sizeof(sentence)));
        fputs("</p>\n", f);
    }
    total = cs_findings_collect(flat, m, found, CS_MAX_REPORT_FINDINGS);
    shown = total < CS_MAX_REPORT_FINDINGS ? total : CS_MAX_REPORT_FINDINGS;
    for (i = 0; i < shown; i++)
        gating += found[i].gates != 0;
    write_banner(f, flat, m, shown - gating);
    if (gating)
        fputs("<h2>Findings</h2>\n", f);
    for (i = 0; i < shown; i++)
        if (found[i].gates)
            write_card(f, &found[i]);
    if (shown > gating)
        fputs("<h2>Not counted</h2>\n<p class=\"apart\">Findings that do not fail their run under its "
              "--fail-on gate, each with why:</p>\n", f);
    for (i = 0; i < shown; i++)
        if (!found[i].gates)
            write_card(f, &found[i]);
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

/* The verdicts of r that are not clean, then how many are: a leak that
 * does not gate under the run's gate is grey, with why. */
static void verdict_row(FILE *f, const cs_run *r, int columns)
{
    size_t i, clean = 0;
    cs_judgement j;
    const char *why;

    cs_judge(r, r->fail_on, &j);

    fprintf(f, "<tr class=\"verdicts\"><td colspan=\"%d\">", columns);
    for (i = 0; i < r->nverdicts && i < CS_M_COUNT; i++) {
        const cs_verdict *v = &r->verdicts[i];
        char a[32], b[32], c[32];

        if (v->kind == CS_V_CLEAN) {
            clean++;
            continue;
        }
        why = cs_judge_verdict_why(&j, i);
        fprintf(f, "<span class=\"v\">%s: <span class=\"%s\">%s</span> %s %s/iteration [%s, %s]",
                cs_metric_name(v->metric), why ? "apart" : cs_verdict_name(v->kind),
                cs_verdict_name(v->kind), cs_format_figure(v->per_iteration, a, sizeof(a)),
                cs_metric_unit(v->metric), cs_format_figure(v->ci_low, b, sizeof(b)),
                cs_format_figure(v->ci_high, c, sizeof(c)));
        fprintf(f, "%s%s%s</span>\n", why ? " (not gating: " : "", why ? why : "", why ? ")" : "");
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
        fprintf(f, "</code>: %s%s</p>\n", !r->nchanges && !r->regressions ? "no regression, nothing fixed"
                : r->regressions ? (gates ? "<span class=\"leak\">regressed</span>"
                                          : "regressed (left out by --fail-on)")
                : "<span class=\"clean\">nothing regressed</span>",
                r->regressions && !r->nchanges ? " (the record does not list what)" : "");
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
