/* junit.xml writer; see report_junit.h. */
#include "report_junit.h"
#include "report_util.h"
#include "judge.h"
#include "status.h"
#include "release_rules.h"
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

/* Testcases a run contributes, and how many of them fail or err, as the
 * judgement j of the run says: a leak is a <failure> when it gates the
 * run, as the exit code says (--fail-on); the release checks one
 * <failure> when a finding gates. */
static void count_cases(const cs_run *r, const cs_judgement *j, size_t *tests, size_t *failures,
                        size_t *errors)
{
    size_t i;

    *tests = r->nverdicts + (r->release.measured != 0) + (r->error != NULL) + (r->baseline != NULL);
    *failures = (r->release.measured && j->release_fails) + ((j->failed & CS_FAIL_REGRESSION) != 0);
    *errors = r->error != NULL;
    for (i = 0; i < r->nverdicts && i < CS_M_COUNT; i++)
        *failures += j->verdict[i] == CS_G_GATES;
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

/* Verdict i of r: a <failure> when it gates, <skipped> saying why when a
 * leak is left out (or inconclusive), else its line as output. */
static void write_verdict_case(FILE *f, const cs_run *r, const cs_judgement *j, size_t i)
{
    const cs_verdict *v = &r->verdicts[i];
    const char *why = cs_judge_verdict_why(j, i);
    char line[256];

    cs_verdict_line(v, line, sizeof(line));
    open_case(f, r, cs_metric_name(v->metric));
    if (j->verdict[i] == CS_G_GATES) {
        fputs("\n      <failure type=\"leak\" message=\"", f);
        cs_put_xml(f, line);
        fputs("\">", f);
        cs_put_xml(f, line);
        fprintf(f, " (%lu samples after %lld warm-up iterations)</failure>\n    ",
                (unsigned long)v->samples, v->warmup);
    } else if (v->kind == CS_V_LEAK || v->kind == CS_V_INCONCLUSIVE) {
        fputs("\n      <skipped message=\"", f);
        cs_put_xml(f, line);
        if (why) {
            fputs(" (", f);
            cs_put_xml(f, why);
            fputc(')', f);
        }
        fputs("\"/>\n    ", f);
    } else {
        fputs("<system-out>", f);
        cs_put_xml(f, line);
        fputs("</system-out>", f);
    }
    fputs("</testcase>\n", f);
}

/* The release checks: one <failure> listing every finding (as the judge
 * words it) when one gates; its message the first that gates. */
static void write_release_case(FILE *f, const cs_run *r, const cs_judgement *j)
{
    const cs_release *rel = &r->release;
    size_t i, n = rel->nfindings < CS_MAX_FINDINGS ? rel->nfindings : CS_MAX_FINDINGS, first = n;
    char line[CS_FINDING_LEN + 128];

    open_case(f, r, "release");
    if (j->release_fails) {
        for (i = 0; i < n && first == n; i++)
            if (j->finding[i] == CS_G_GATES)
                first = i;
        fputs("\n      <failure type=\"release\" message=\"", f);
        cs_put_xml(f, first < n ? cs_judge_finding_line(r, j, first, line, sizeof(line)) : "release checks failed");
        fputs("\">", f);
        for (i = 0; i < n; i++) {
            cs_put_xml(f, cs_judge_finding_line(r, j, i, line, sizeof(line)));
            fputc('\n', f);
        }
        fputs("</failure>\n    ", f);
    }
    fputs("</testcase>\n", f);
}

/* --baseline: one testcase "regression", a <failure> listing every change
 * when a regression gates the run; else the changes (or "no change") as
 * its output. */
static void write_baseline_case(FILE *f, const cs_run *r, const cs_judgement *j)
{
    size_t i, n = r->nchanges < CS_MAX_CHANGES ? r->nchanges : CS_MAX_CHANGES;
    int fails = (j->failed & CS_FAIL_REGRESSION) != 0;

    open_case(f, r, "regression");
    if (fails) {
        fputs("\n      <failure type=\"regression\" message=\"", f);
        for (i = 0; i < n && !r->change_regression[i]; i++)
            ;
        cs_put_xml(f, i < n ? r->changes[i] : "regressions against the baseline");
        fputs("\">", f);
    } else {
        fputs("<system-out>", f);
    }
    fputs("against ", f);
    cs_put_xml(f, r->baseline);
    if (n)
        fputs(":\n", f);
    else if (r->regressions)
        fprintf(f, ": %zu regression%s, not listed in the record", r->regressions, r->regressions == 1 ? "" : "s");
    else
        fputs(": no regression, nothing fixed", f);
    for (i = 0; i < n; i++) {
        fputs(r->change_regression[i] ? "regression: " : "fixed: ", f);
        cs_put_xml(f, r->changes[i]);
        fputc('\n', f);
    }
    fputs(fails ? "</failure>\n    </testcase>\n" : "</system-out></testcase>\n", f);
}

static void write_suite(FILE *f, const cs_run *r)
{
    size_t tests, failures, errors, i;
    cs_judgement j;

    cs_judge(r, r->fail_on, &j);
    count_cases(r, &j, &tests, &failures, &errors);
    fputs("  <testsuite name=\"", f);
    cs_put_xml(f, r->name);
    fprintf(f, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\" time=\"%.3f\">\n",
            (unsigned long)tests, (unsigned long)failures, (unsigned long)errors, isfinite(r->seconds) ? r->seconds : 0.0);
    for (i = 0; i < r->nverdicts && i < CS_M_COUNT; i++)
        write_verdict_case(f, r, &j, i);
    if (r->release.measured)
        write_release_case(f, r, &j);
    if (r->baseline)
        write_baseline_case(f, r, &j);
    if (r->error) {
        open_case(f, r, "run");
        fputs("\n      <error type=\"", f);
        cs_put_xml(f, r->status == CS_ST_COMPLETED ? "error" : cs_status_word(r->status));
        fputs("\" message=\"", f);
        cs_put_xml(f, r->error);
        fputs("\"/>\n    </testcase>\n", f);
    }
    fputs("  </testsuite>\n", f);
}

int cs_junit_write(FILE *f, const cs_run *runs, size_t n)
{
    size_t i, tests = 0, failures = 0, errors = 0, t, fl, e;
    cs_judgement j;

    for (i = 0; i < n; i++) {
        cs_judge(&runs[i], runs[i].fail_on, &j);
        count_cases(&runs[i], &j, &t, &fl, &e);
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
