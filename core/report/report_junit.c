/* junit.xml writer; see report_junit.h. */
#include "report_junit.h"
#include "report_util.h"
#include <errno.h>
#include <math.h>
#include <string.h>

/* One figure with one decimal ("%.3g" from 1e15 on, which "%.1f" would
 * print in hundreds of digits, cut to the buffer), "n/a" when not
 * computed. */
static const char *fig1(double v, char *buf, size_t len)
{
    if (isfinite(v))
        snprintf(buf, len, fabs(v) < 1e15 ? "%.1f" : "%.3g", v);
    else
        snprintf(buf, len, "n/a");
    return buf;
}

char *cs_verdict_line(const cs_verdict *v, char *buf, size_t len)
{
    char a[32], b[32], c[32];

    snprintf(buf, len, "%s: %s %s %s/iteration, 95%% CI [%s, %s]",
             cs_metric_name(v->metric), cs_verdict_name(v->kind),
             fig1(v->per_iteration, a, sizeof(a)), cs_metric_unit(v->metric),
             fig1(v->ci_low, b, sizeof(b)), fig1(v->ci_high, c, sizeof(c)));
    return buf;
}

/* A leak is a <failure> when it gates the run, as the exit code says
 * (--fail-on); one left out (a page-granular leak below leak-any, or any
 * leak when --fail-on has no leak category) is reported as <skipped>. */
static int gates(const cs_run *r, const cs_verdict *v)
{
    return cs_verdict_gates(v, r->gate);
}

/* Testcases a run contributes, and how many of them fail or err. */
static void count_cases(const cs_run *r, size_t *tests, size_t *failures, size_t *errors)
{
    size_t i;

    *tests = r->nverdicts + (r->release.measured != 0) + (r->error != NULL);
    *failures = r->release.measured && r->release.failed;
    *errors = r->error != NULL;
    for (i = 0; i < r->nverdicts; i++)
        *failures += gates(r, &r->verdicts[i]);
}

/* <testcase> opening tag named after the check, classname after the run. */
static void open_case(FILE *f, const cs_run *r, const char *name)
{
    fputs("    <testcase classname=\"comstress.", f);
    cs_put_xml(f, r->name);
    fputs("\" name=\"", f);
    cs_put_xml(f, name);
    fputs("\">", f);
}

static void write_verdict_case(FILE *f, const cs_run *r, const cs_verdict *v)
{
    char line[256];

    cs_verdict_line(v, line, sizeof(line));
    open_case(f, r, cs_metric_name(v->metric));
    if (gates(r, v)) {
        fputs("\n      <failure type=\"leak\" message=\"", f);
        cs_put_xml(f, line);
        fputs("\">", f);
        cs_put_xml(f, line);
        fprintf(f, " (%lu samples after %lld warm-up iterations)</failure>\n    ",
                (unsigned long)v->samples, v->warmup);
    } else if (v->kind == CS_V_LEAK || v->kind == CS_V_INCONCLUSIVE) {
        fputs("\n      <skipped message=\"", f);
        cs_put_xml(f, line);
        fputs(v->kind != CS_V_LEAK ? "\"/>\n    "
              : r->gate >= 1 && cs_metric_page_granular(v->metric)
              ? " (page-granular: gates only with --fail-on leak-any)\"/>\n    "
              : " (left out by --fail-on)\"/>\n    ", f);
    } else {
        fputs("<system-out>", f);
        cs_put_xml(f, line);
        fputs("</system-out>", f);
    }
    fputs("</testcase>\n", f);
}

static void write_release_case(FILE *f, const cs_run *r)
{
    const cs_release *rel = &r->release;
    size_t i, n = rel->nfindings < 16 ? rel->nfindings : 16;

    open_case(f, r, "release");
    if (rel->failed) {
        fputs("\n      <failure type=\"release\" message=\"", f);
        cs_put_xml(f, n ? rel->findings[0] : "release checks failed");
        fputs("\">", f);
        for (i = 0; i < n; i++) {
            cs_put_xml(f, rel->findings[i]);
            fputc('\n', f);
        }
        fputs("</failure>\n    ", f);
    }
    fputs("</testcase>\n", f);
}

static void write_suite(FILE *f, const cs_run *r)
{
    size_t tests, failures, errors, i;

    count_cases(r, &tests, &failures, &errors);
    fputs("  <testsuite name=\"", f);
    cs_put_xml(f, r->name);
    fprintf(f, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" time=\"%.3f\">\n",
            (unsigned long)tests, (unsigned long)failures, (unsigned long)errors, isfinite(r->seconds) ? r->seconds : 0.0);
    for (i = 0; i < r->nverdicts && i < CS_M_COUNT; i++)
        write_verdict_case(f, r, &r->verdicts[i]);
    if (r->release.measured)
        write_release_case(f, r);
    if (r->error) {
        open_case(f, r, "run");
        fputs("\n      <error type=\"error\" message=\"", f);
        cs_put_xml(f, r->error);
        fputs("\"/>\n    </testcase>\n", f);
    }
    fputs("  </testsuite>\n", f);
}

int cs_junit_write(FILE *f, const cs_run *runs, size_t n)
{
    size_t i, tests = 0, failures = 0, errors = 0, t, fl, e;

    for (i = 0; i < n; i++) {
        count_cases(&runs[i], &t, &fl, &e);
        tests += t, failures += fl, errors += e;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"comstress\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\">\n",
            (unsigned long)tests, (unsigned long)failures, (unsigned long)errors);
    for (i = 0; i < n; i++)
        write_suite(f, &runs[i]);
    fputs("</testsuites>\n", f);
    return fflush(f) || ferror(f) ? -1 : 0;
}

int cs_junit_write_path(const char *path, const cs_run *runs, size_t n,
                        char *err, size_t errlen)
{
    FILE *f = cs_report_open(path, err, errlen);

    if (!f)
        return -1;
    return cs_report_close(f, cs_junit_write(f, runs, n), path, err, errlen);
}
