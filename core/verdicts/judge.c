/* The judge: see judge.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "judge.h"

#define LEFT_OUT " (left out by --fail-on)"
#define HINT_HEAD " (a server that never unloads by design: --fail-on "

cs_gating cs_judge_verdict(const cs_verdict *v, unsigned gate)
{
    if (v->kind != CS_V_LEAK)
        return CS_G_NOT_A_LEAK;
    if (gate & CS_FAIL_LEAK_ANY)
        return CS_G_GATES;
    if (!(gate & CS_FAIL_LEAK))
        return CS_G_LEFT_OUT;
    return cs_metric_page_granular(v->metric) && !v->stands_in ? CS_G_PAGE_GRANULAR : CS_G_GATES;
}

/* Adds one reason (printf-style) to j; counted past the ones kept. */
static void reason(cs_judgement *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void reason(cs_judgement *j, const char *fmt, ...)
{
    va_list ap;

    if (j->nreasons < CS_JUDGE_REASONS) {
        va_start(ap, fmt);
        vsnprintf(j->reasons[j->nreasons], CS_REASON_LEN, fmt, ap);
        va_end(ap);
    }
    j->nreasons++;
}

/* The verdicts of r under gate, into j. */
static void judge_verdicts(const cs_run *r, unsigned gate, cs_judgement *j)
{
    size_t i;

    for (i = 0; i < r->nverdicts && i < CS_M_COUNT; i++) {
        const cs_verdict *v = &r->verdicts[i];

        j->verdict[i] = (unsigned char)cs_judge_verdict(v, gate);
        if (j->verdict[i] != CS_G_GATES)
            continue;
        j->gated++;
        j->failed |= cs_metric_page_granular(v->metric) && !v->stands_in ? CS_FAIL_LEAK_ANY : CS_FAIL_LEAK;
        reason(j, "%s grows: leak, %+.2f %s per iteration", cs_metric_name(v->metric), v->per_iteration,
               cs_metric_unit(v->metric));
    }
}

/* The release findings of r under gate, into j: a finding without a
 * category (none known) gates, as every finding did before categories. */
static void judge_findings(const cs_run *r, unsigned gate, cs_judgement *j)
{
    const cs_release *rel = &r->release;
    size_t k;

    for (k = 0; k < rel->nfindings && k < CS_MAX_FINDINGS; k++) {
        unsigned cat = rel->categories[k];

        if (cat && !(gate & cat)) {
            j->finding[k] = CS_G_LEFT_OUT;
            continue;
        }
        j->finding[k] = CS_G_GATES;
        j->gated++;
        j->failed |= cat;
        j->release_fails = 1;
        reason(j, "%s", rel->findings[k]);
    }
    if (rel->dropped & gate & CS_FAIL_RELEASE) {
        j->gated++;
        j->failed |= rel->dropped & gate;
        j->release_fails = 1;
        reason(j, "more release findings than a run lists (%d)", CS_MAX_FINDINGS);
    }
}

/* The changes of r against its baseline under gate, into j: the run
 * fails on a regression when the gate holds regression. */
static void judge_regressions(const cs_run *r, unsigned gate, cs_judgement *j)
{
    size_t k, listed = 0;

    if (!r->baseline || !r->regressions || !(gate & CS_FAIL_REGRESSION))
        return;
    j->gated++;
    j->failed |= CS_FAIL_REGRESSION;
    for (k = 0; k < r->nchanges && k < CS_MAX_CHANGES; k++)
        if (r->change_regression[k]) {
            reason(j, "regression against the baseline: %s", r->changes[k]);
            listed++;
        }
    if (r->regressions > listed)
        reason(j, "more regressions than a run lists (%d)", CS_MAX_CHANGES);
}

int cs_judge(const cs_run *r, unsigned gate, cs_judgement *j)
{
    memset(j, 0, sizeof(*j));
    j->gate = gate;
    if (r->error)
        reason(j, "the run ended: %s", r->error);
    judge_verdicts(r, gate, j);
    if (r->release.measured)
        judge_findings(r, gate, j);
    judge_regressions(r, gate, j);
    j->fails = r->error != NULL || j->gated > 0;
    return j->fails;
}

/* Is finding k the first unload finding of r that gates? */
static int first_gating_unload(const cs_run *r, const cs_judgement *j, size_t k)
{
    size_t i;

    if (r->release.categories[k] != CS_FAIL_UNLOAD || j->finding[k] != CS_G_GATES)
        return 0;
    for (i = 0; i < k; i++)
        if (r->release.categories[i] == CS_FAIL_UNLOAD && j->finding[i] == CS_G_GATES)
            return 0;
    return 1;
}

const char *cs_judge_finding_line(const cs_run *r, const cs_judgement *j, size_t k, char *buf, size_t len)
{
    const char *line = r->release.findings[k];
    char words[96];

    if (j->finding[k] == CS_G_LEFT_OUT)
        snprintf(buf, len, "%s" LEFT_OUT, line);
    else if (r->release.foreign && first_gating_unload(r, j, k)
             && cs_fail_on_words(j->gate & ~CS_FAIL_UNLOAD, words, sizeof(words)))
        snprintf(buf, len, "%s" HINT_HEAD "%s)", line, words);
    else
        snprintf(buf, len, "%s", line);
    return buf;
}

const char *cs_judge_verdict_why(const cs_judgement *j, size_t i)
{
    if (i >= CS_M_COUNT)
        return NULL;
    if (j->verdict[i] == CS_G_LEFT_OUT)
        return "left out by --fail-on";
    if (j->verdict[i] == CS_G_PAGE_GRANULAR)
        return "page-granular: gates only with --fail-on leak-any";
    return NULL;
}

unsigned cs_judge_category_of(char *line)
{
    static const struct { const char *head; unsigned cat; } heads[] = {
        { "refcount leak:", CS_FAIL_REFS }, { "use after release:", CS_FAIL_REFS },
        { "sink leak:", CS_FAIL_REFS }, { "sink cycle:", CS_FAIL_REFS },
        { "object leak:", CS_FAIL_OBJECTS }, { "lock leak:", CS_FAIL_OBJECTS },
        { "unload:", CS_FAIL_UNLOAD }, { "BSTR/CoTaskMem leak:", CS_FAIL_BLOCKS },
        { "BSTR leak:", CS_FAIL_BLOCKS }, { "CoTaskMem leak:", CS_FAIL_BLOCKS }, { "heap leak:", CS_FAIL_BLOCKS },
    };
    size_t i, n = strlen(line);
    char *hint;

    if (n >= sizeof(LEFT_OUT) - 1 && !strcmp(line + n - (sizeof(LEFT_OUT) - 1), LEFT_OUT))
        line[n - (sizeof(LEFT_OUT) - 1)] = 0;
    if ((hint = strstr(line, HINT_HEAD)) && hint[strlen(hint) - 1] == ')')
        *hint = 0;
    for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
        if (!strncmp(line, heads[i].head, strlen(heads[i].head)))
            return heads[i].cat;
    return 0;
}

int cs_judge_any(const cs_run *runs, size_t n)
{
    cs_judgement j;
    size_t i;

    for (i = 0; i < n; i++)
        if (cs_judge(&runs[i], runs[i].fail_on, &j))
            return 1;
    return 0;
}
