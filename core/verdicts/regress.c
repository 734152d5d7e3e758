/*
 * The regression gate: a run against its baseline (regress.h).
 */
#include "regress.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Appends one change if there is room; counts it whatever. */
static void add(cs_change *out, size_t *n, size_t max, size_t *total, cs_change_kind kind,
                const char *run, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static void add(cs_change *out, size_t *n, size_t max, size_t *total, cs_change_kind kind,
                const char *run, const char *subject, const char *fmt, ...)
{
    va_list ap;
    cs_change *c;

    (*total)++;
    if (*n >= max)
        return;
    c = &out[(*n)++];
    c->kind = kind;
    c->run = run;
    snprintf(c->subject, sizeof(c->subject), "%s", subject);
    va_start(ap, fmt);
    vsnprintf(c->text, sizeof(c->text), fmt, ap);
    va_end(ap);
}

static const cs_verdict *find_verdict(const cs_run *r, cs_metric m)
{
    size_t i;

    for (i = 0; i < r->nverdicts; i++)
        if (r->verdicts[i].metric == m)
            return &r->verdicts[i];
    return NULL;
}

/* One metric measured in both runs. */
static void compare_metric(const cs_run *now, const cs_verdict *b, const cs_verdict *v, unsigned gate,
                           cs_change *out, size_t *n, size_t max, size_t *total)
{
    const char *name = cs_metric_name(v->metric), *unit = cs_metric_unit(v->metric);
    int leak_then = b->kind == CS_V_LEAK, leak_now = v->kind == CS_V_LEAK;

    /* Page-granular metrics compare only at leak-any, unless one stands
     * in for the heap (then it gates as an exact metric does). */
    if (cs_metric_page_granular(v->metric) && !(gate & CS_FAIL_LEAK_ANY) && !v->stands_in && !b->stands_in)
        return;
    if (b->kind == CS_V_INCONCLUSIVE || b->kind == CS_V_NOT_MEASURED ||
        v->kind == CS_V_INCONCLUSIVE || v->kind == CS_V_NOT_MEASURED)
        return;
    if (!leak_then && leak_now)
        add(out, n, max, total, CS_CHANGE_REGRESSION, now->name, name,
            "%s: %s then, leak now (%+.1f %s/iteration)", name, cs_verdict_name(b->kind),
            v->per_iteration, unit);
    else if (leak_then && leak_now && v->ci_low > b->ci_high)
        add(out, n, max, total, CS_CHANGE_REGRESSION, now->name, name,
            "%s: slope up beyond both intervals, %+.1f then [%+.1f, %+.1f], %+.1f now "
            "[%+.1f, %+.1f] %s/iteration", name, b->per_iteration, b->ci_low, b->ci_high,
            v->per_iteration, v->ci_low, v->ci_high, unit);
    else if (leak_then && !leak_now)
        add(out, n, max, total, CS_CHANGE_FIXED, now->name, name,
            "%s: leak then (%+.1f %s/iteration), %s now", name, b->per_iteration, unit,
            cs_verdict_name(v->kind));
}

/* The kind of a finding line: its text before the first ':' (the whole
 * line when it has none), into buf. */
static const char *finding_kind(const char *line, char *buf, size_t len)
{
    const char *colon = strchr(line, ':');
    size_t k = colon ? (size_t)(colon - line) : strlen(line);

    if (k >= len)
        k = len - 1;
    memcpy(buf, line, k);
    buf[k] = '\0';
    return buf;
}

/* Does r hold a finding of kind? */
static int has_kind(const cs_release *r, const char *kind)
{
    char buf[64];
    size_t i;

    for (i = 0; i < r->nfindings; i++)
        if (r->findings[i] && !strcmp(finding_kind(r->findings[i], buf, sizeof(buf)), kind))
            return 1;
    return 0;
}

/* Findings new in `to` (against `from`), as changes of kind. */
static void compare_findings(const cs_run *now, const cs_release *from, const cs_release *to,
                             cs_change_kind kind, cs_change *out, size_t *n, size_t max,
                             size_t *total)
{
    char buf[64];
    size_t i;

    for (i = 0; i < to->nfindings; i++) {
        const char *line = to->findings[i];
        if (!line || has_kind(from, finding_kind(line, buf, sizeof(buf))))
            continue;
        add(out, n, max, total, kind, now->name, buf, "%s: %s",
            kind == CS_CHANGE_REGRESSION ? "new finding" : "finding gone", line);
    }
}

size_t cs_regress_run(const cs_run *base, const cs_run *now, unsigned gate,
                      cs_change *out, size_t *n, size_t max)
{
    size_t i, total = 0;

    for (i = 0; i < now->nverdicts; i++) {
        const cs_verdict *v = &now->verdicts[i], *b = find_verdict(base, v->metric);
        if (b)
            compare_metric(now, b, v, gate, out, n, max, &total);
    }
    if (base->release.measured && now->release.measured) {
        compare_findings(now, &base->release, &now->release, CS_CHANGE_REGRESSION, out, n, max, &total);
        compare_findings(now, &now->release, &base->release, CS_CHANGE_FIXED, out, n, max, &total);
    }
    return total;
}

size_t cs_regress_count(const cs_change *out, size_t n, cs_change_kind kind)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        k += out[i].kind == kind;
    return k;
}

void cs_regress_attach(cs_run *now, const char *dir, const cs_change *ch, size_t n, size_t regressions)
{
    size_t i;
    int pass;

    now->baseline = dir;
    now->nchanges = 0;
    for (pass = 1; pass >= 0; pass--)      /* regressions first, then fixed */
        for (i = 0; i < n && now->nchanges < CS_MAX_CHANGES; i++) {
            if ((ch[i].kind == CS_CHANGE_REGRESSION) != pass)
                continue;
            now->changes[now->nchanges] = ch[i].text;
            now->change_regression[now->nchanges++] = (unsigned char)pass;
        }
    now->regressions = regressions;
}
