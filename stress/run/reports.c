/* From samples.csv to the report files; see reports.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "reports.h"
#include "report_util.h"
#include "report_csv.h"
#include "report_json.h"
#include "report_svg.h"
#include "report_html.h"
#include "report_junit.h"
#include "stats.h"
#include "options.h"
#include "judge.h"
#include "findings.h"
#include "release_rules.h"
#include "callspec.h"

static void csv_path(const char *dir, const char *file, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", dir, file);
}

int cs_reports_verdicts(const char *dir, cs_run *r, const cs_verdict_params *p,
                        char *err, size_t errlen)
{
    char path[CS_PATH_LEN];
    cs_csv_data d;
    const cs_csv_run *cr;
    int rc = 0;

    memset(&d, 0, sizeof(d));
    csv_path(dir, "samples.csv", path, sizeof(path));
    r->heap_bytes_per_iteration = NAN;
    if (cs_csv_read(path, &d, err, errlen))
        rc = -1;
    else if ((cr = cs_csv_find(&d, r->name)))
        cs_run_verdicts(r, cr->samples, cr->n, p->warmup, p->max_leak_bytes);
    cs_csv_free(&d);
    return rc;
}

/* A figure with its sign, short even when absurd ("+24.00", "+1e+306"). */
static const char *signed_figure(double v, char *buf, size_t len)
{
    char body[40];

    cs_format_figure(v, body, sizeof(body));
    snprintf(buf, len, "%s%s", body[0] != '-' && isfinite(v) ? "+" : "", body);
    return buf;
}

/* Why a verdict is inconclusive when it is for want of samples; for the
 * heap metrics of a run whose walks were spaced out, what stands in and
 * how to have every walk. */
static void print_want(const cs_run *r, const cs_verdict *v, int *explained)
{
    int heap = v->metric == CS_M_HEAP_BYTES || v->metric == CS_M_HEAP_BLOCKS;

    if (v->kind != CS_V_INCONCLUSIVE || v->samples >= CS_DEFAULT_MIN_SAMPLES)
        return;
    printf("    %zu sample%s after the warm-up, %d needed", v->samples, v->samples == 1 ? "" : "s",
           CS_DEFAULT_MIN_SAMPLES);
    if (heap && r->heap_walks < r->samples && !(*explained)++)
        printf(": the heap got too large to walk at every point within the sampler's time budget, "
               "so working_set_bytes and pagefile_bytes stand in for it (--heap-walk every walks "
               "at every sample)");
    printf("\n");
}

/* For the heap's verdict on walks taken only early in the run (the verdict
 * window of schedule.h), where they were and why. */
static void print_window(const cs_run *r, const cs_verdict *v)
{
    if (v->metric != CS_M_HEAP_BYTES || r->heap_walks >= r->samples || v->samples < CS_DEFAULT_MIN_SAMPLES
        || !(v->to < 0.5 * (double)r->iterations))
        return;
    printf("    walked at %zu points after the warm-up, iterations %.0f to %.0f: a growing heap costs more "
           "to walk the larger it gets, so it was walked while small, within the sampler's time budget "
           "(--heap-walk every walks at every sample)\n", v->samples, v->from, v->to);
}

/* What the console says after a leak verdict that does not gate (as the
 * judge j has it), "" for one that gates or is no leak: a metric that
 * does not gate is never a bare "leak". */
static const char *not_gating(const cs_judgement *j, size_t i)
{
    if (i >= CS_M_COUNT)
        return "";
    if (j->verdict[i] == CS_G_PAGE_GRANULAR)
        return " (not gating: page-granular, --fail-on leak-any gates it)";
    if (j->verdict[i] == CS_G_LEFT_OUT)
        return " (left out by --fail-on)";
    return "";
}

void cs_reports_print_verdicts(const cs_run *r, int verbose)
{
    char a[48], b[40], c[40];
    size_t i, clean = 0;
    int explained = 0;
    cs_judgement j;

    cs_judge(r, r->fail_on, &j);
    for (i = 0; i < r->nverdicts; i++) {
        const cs_verdict *v = &r->verdicts[i];

        if (v->kind == CS_V_CLEAN && !verbose) {
            clean++;
            continue;
        }
        if (isnan(v->per_iteration))
            printf("  %-18s %-12s (not enough samples after the warm-up)%s\n", cs_metric_name(v->metric),
                   cs_verdict_name(v->kind), not_gating(&j, i));
        else
            printf("  %-18s %-12s %10s %s/iteration  [%s, %s]%s\n", cs_metric_name(v->metric),
                   cs_verdict_name(v->kind), signed_figure(v->per_iteration, a, sizeof(a)),
                   cs_metric_unit(v->metric), cs_format_figure(v->ci_low, b, sizeof(b)),
                   cs_format_figure(v->ci_high, c, sizeof(c)), not_gating(&j, i));
        print_want(r, v, &explained);
        print_window(r, v);
    }
    if (clean)
        printf("  %zu metric%s clean (--verbose lists every metric)\n", clean, clean == 1 ? "" : "s");
}

void cs_reports_print_findings(const cs_run *r)
{
    char line[CS_FINDING_LEN + 128];
    cs_judgement j;
    size_t k;

    cs_judge(r, r->fail_on, &j);
    for (k = 0; k < r->release.nfindings; k++)
        printf("  %s\n", cs_judge_finding_line(r, &j, k, line, sizeof(line)));
    if (!r->baseline)
        return;
    for (k = 0; k < r->nchanges; k++)
        printf("  %s: %s%s\n", r->change_regression[k] ? "regression" : "fixed", r->changes[k],
               r->change_regression[k] && !(r->fail_on & CS_FAIL_REGRESSION) ? " (left out by --fail-on)" : "");
    if (!r->nchanges)
        printf("  against the baseline %s: no regression, nothing fixed\n", r->baseline);
}

/* Pairs each run with its samples for the chart (runs without samples
 * are charted empty). */
static cs_chart_run *chart_runs(const cs_csv_data *d, const cs_run *runs, size_t n)
{
    cs_chart_run *c = calloc(n ? n : 1, sizeof(*c));
    const cs_csv_run *cr;
    size_t i;

    if (!c)
        return NULL;
    for (i = 0; i < n; i++) {
        c[i].run = &runs[i];
        if ((cr = cs_csv_find(d, runs[i].name))) {
            c[i].samples = cr->samples;
            c[i].n = cr->n;
        }
    }
    return c;
}

/* Writes every report of runs[0..n) into dir, each under its own
 * temporary name; returns 0, or -1 with the first failure in err. Every
 * report is tried even after one failed. */
static int write_all(const char *dir, const cs_context *ctx, const cs_run *runs, const cs_chart_run *charts,
                     size_t n, char *err, size_t errlen)
{
    char path[CS_PATH_LEN], one[CS_ERR_LEN];
    int rc = 0;

    err[0] = 0;
#define WRITE(file, call) do { \
        csv_path(dir, file, path, sizeof(path)); \
        if ((call) && !rc) { rc = -1; snprintf(err, errlen, "%s", one); } \
    } while (0)
    WRITE("memory.svg", cs_svg_write_path(path, charts, n, one, sizeof(one)));
    WRITE("report.html", cs_html_write_path(path, ctx, charts, n, one, sizeof(one)));
    WRITE("junit.xml", cs_junit_write_path(path, runs, n, one, sizeof(one)));
    WRITE("run.json", cs_json_write_path(path, ctx, runs, n, one, sizeof(one)));
#undef WRITE
    return rc;
}

int cs_reports_write(const char *dir, const cs_context *ctx, const cs_run *runs, size_t n,
                     char *err, size_t errlen)
{
    char path[CS_PATH_LEN], rerr[512], again[CS_ERR_LEN];
    cs_csv_data d;
    cs_chart_run *charts;
    cs_run *marked;
    size_t i;
    int rc;

    memset(&d, 0, sizeof(d));
    csv_path(dir, "samples.csv", path, sizeof(path));
    cs_csv_read(path, &d, rerr, sizeof(rerr));   /* no samples: empty charts */
    marked = calloc(n ? n : 1, sizeof(*marked));
    if (!marked || !(charts = chart_runs(&d, runs, n))) {
        snprintf(err, errlen, "out of memory writing the reports");
        free(marked);
        cs_csv_free(&d);
        return -1;
    }
    if ((rc = write_all(dir, ctx, runs, charts, n, err, errlen))) {
        /* A report is missing: the ones that were written must not say
         * the run passed. Write them again with the failure in every run
         * that has no error of its own. */
        for (i = 0; i < n; i++) {
            marked[i] = runs[i];
            if (!marked[i].error)
                marked[i].error = err;
            charts[i].run = &marked[i];
        }
        write_all(dir, ctx, marked, charts, n, again, sizeof(again));
    }
    free(charts);
    free(marked);
    cs_csv_free(&d);
    return rc;
}

/* What the statements did, when they did more than plain calls: "script:
 * 17 statements a iteration, 3000 items walked (1000 each), 2000 events
 * received by 2000 sinks". */
static void print_script(const cs_script *sc, const cs_run_extra *x)
{
    const cs_exec_totals *t = &x->totals;
    char items[96] = "", events[96] = "";

    if (!t->enumerations && !t->advises)
        return;
    if (t->enumerations)
        snprintf(items, sizeof(items), ", %lld items walked in %lld each", t->items, t->enumerations);
    if (t->advises)
        snprintf(events, sizeof(events), ", %lld events received by %lld sinks", t->events, t->advises);
    printf("  script: %zu statements an iteration%s%s\n", sc->count, items, events);
}

/* Prints one run's summary lines. */
void cs_reports_print_run(const cs_run *r, int verbose, const cs_script *sc, const cs_run_extra *x)
{
    printf("%s: %lld iterations in %.2f s, %.0f calls/s (in the loop, sampling excluded), cache %s: %lld binds, %lld GetIDsOfNames\n",
           r->name, r->iterations, r->seconds, r->calls_per_second, r->cache,
           r->binds, r->getidsofnames_calls);
    if (r->type_fallbacks > 0)
        printf("  type policy: %lld objects had no type information: bound per instance instead "
               "(the path that made .NET re-bind every COM object)\n", r->type_fallbacks);
    printf("  sampling: %zu samples (every %lld iterations at the end), %zu with heap walks, "
           "%.3f s = %.1f%% of the run\n", r->samples, r->sample_every_end, r->heap_walks,
           r->sampling_seconds, r->seconds > 0 ? 100.0 * r->sampling_seconds / r->seconds : 0.0);
    cs_reports_print_verdicts(r, verbose);
    if (r->live_objects_end >= 0)
        printf("  live objects at end %ld, server locks %ld\n", r->live_objects_end, r->server_locks_end);
    print_script(sc, x);
    cs_reports_print_findings(r);
}

/* The compare table: one row per policy, a heap leak that does not gate
 * marked so; then the sentence report.html opens with (which policy
 * leaks, how much per object, why, and that the others are clean). */
void cs_reports_print_compare(const cs_run *runs, size_t n)
{
    const cs_run *flat[64];
    char sentence[2048];
    size_t i;

    printf("\n%-19s %10s %9s %13s %9s %11s %12s  %s\n", "policy", "iterations", "binds",
           "GetIDsOfNames", "entries", "calls/s", "heap B/iter", "heap verdict");
    for (i = 0; i < n; i++) {
        const cs_run *r = &runs[i];
        const char *verdict = "-", *note = "";
        cs_judgement j;
        size_t k;

        cs_judge(r, r->fail_on, &j);
        for (k = 0; k < r->nverdicts && k < CS_M_COUNT; k++)
            if (r->verdicts[k].metric == CS_M_HEAP_BYTES) {
                verdict = cs_verdict_name(r->verdicts[k].kind);
                note = not_gating(&j, k);
            }
        printf("%-19s %10lld %9lld %13lld %9lld %11.0f %12.1f  %s%s%s\n", r->cache, r->iterations,
               r->binds, r->getidsofnames_calls, r->cache_entries_end, r->calls_per_second,
               r->heap_bytes_per_iteration, verdict, note, r->error ? "  (error)" : "");
    }
    for (i = 0; i < n && i < 64; i++)
        flat[i] = &runs[i];
    printf("%s\n", cs_findings_compare_sentence(flat, i, sentence, sizeof(sentence)));
}
