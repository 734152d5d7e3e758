/* Findings in plain words: see findings.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "findings.h"
#include "judge.h"

/* Finding line prefixes and what usually fixes each class. */
static const struct { const char *prefix, *advice; } advice_table[] = {
    { "refcount leak", "a reference kept: release what that call returned (each AddRef, and each "
      "interface pointer a call hands out, needs its Release)" },
    { "use after release", "a pointer used after its last Release: keep the reference until the last use" },
    { "object leak", "server objects never destroyed: something keeps a reference (an extra AddRef on "
      "what the server hands out, a cycle, a sink never unadvised)" },
    { "lock leak", "a lock never released (IClassFactory::LockServer or a module lock): the unload is "
      "blocked until it is" },
    { "unload", "the server still counts an object or a lock, so it refuses to unload; a server that "
      "never unloads by design: leave the unload check out (--fail-on without unload)" },
    { "BSTR/CoTaskMem leak", "a BSTR or CoTaskMem block never freed: the side that owns it calls "
      "SysFreeString, VariantClear or CoTaskMemFree" },
    { "BSTR leak", "a BSTR never freed at the named site: the caller of a [retval] or [out] string frees "
      "it (SysFreeString, VariantClear)" },
    { "CoTaskMem leak", "a CoTaskMem block never freed at the named site: CoTaskMemFree where it is done with" },
    { "heap leak", "memory allocated at the named site on every call and never freed: free it on the "
      "path that ends the object's or the call's use of it" },
    { "crashed", "an exception in the target: phase.txt names it; the samples are kept and "
      "`comstress report DIR` rebuilds the reports" },
    { "hang", "a call that never returned: a deadlock or an endless wait in the target" },
    { "hung", "a call that never returned: a deadlock or an endless wait in the target" },
    { "interrupted", "the run was stopped before its end: its verdicts cover what was gathered" },
};

const char *cs_finding_advice(const char *line, const char *policy, int traced)
{
    size_t i;

    if (!strncmp(line, "cache_", 6))
        return policy && !strcmp(policy, "instance-unbounded")
               ? "per-instance binding: the cache rebinds and keeps a rule for every new object; key it "
                 "on type identity (type policy) or bound it (instance policy)"
               : "the binding cache grows with the objects: key it on type identity";
    if (!strncmp(line, "live_objects", 12) || !strncmp(line, "server_locks", 12))
        return advice_table[2].advice;
    if (!strncmp(line, "cotaskmem", 9))
        return advice_table[5].advice;
    if (!strncmp(line, "threads", 7))
        return "threads started and never ended: join or stop every thread the target starts";
    if (!strncmp(line, "heap_", 5) || !strncmp(line, "working_set", 11) || !strncmp(line, "pagefile", 8))
        return traced ? "memory that grows with the iterations: the allocation findings name the site"
                      : "memory that grows with the iterations: run again with --trace to name the "
                        "allocation site and the call";
    for (i = 0; i < sizeof(advice_table) / sizeof(advice_table[0]); i++)
        if (!strncmp(line, advice_table[i].prefix, strlen(advice_table[i].prefix)))
            return advice_table[i].advice;
    return "see the release checks below for the figures";
}

/* The traced site and call a release line names ("... per call of C,
 * allocated in SITE"), from the run's allocation sites. */
static void attribute(cs_finding *f, const cs_run *r)
{
    size_t i;

    for (i = 0; i < r->nallocs; i++)
        if (r->allocs[i].site[0] && strstr(f->what, r->allocs[i].site)) {
            f->where = r->allocs[i].site;
            f->call = r->allocs[i].call;
            snprintf(f->amount, sizeof(f->amount), "%.2f B (%.2f blocks) per iteration",
                     r->allocs[i].bytes_per_iteration, r->allocs[i].blocks_per_iteration);
            return;
        }
}

/* Adds one finding when there is room; always counts it. */
static cs_finding *add(cs_finding *out, size_t max, size_t *count, const cs_run *r)
{
    cs_finding *f = *count < max ? &out[*count] : NULL;

    (*count)++;
    if (f) {
        memset(f, 0, sizeof(*f));
        f->run = r;
    }
    return f;
}

/* Is a verdict judged g a finding? One that gates, and a leak of an
 * exact metric left out by --fail-on (listed, marked, as left-out
 * release findings are); a page-granular leak only when it gates. */
static int shown(const cs_verdict *v, unsigned char g)
{
    return g == CS_G_GATES
           || (g == CS_G_LEFT_OUT && (!cs_metric_page_granular(v->metric) || v->stands_in));
}

size_t cs_findings_collect(const cs_run *const *runs, size_t n, cs_finding *out, size_t max)
{
    cs_judgement j;
    size_t i, k, count = 0;
    cs_finding *f;

    for (i = 0; i < n; i++) {
        const cs_run *r = runs[i];

        cs_judge(r, r->fail_on, &j);
        if (r->error && (f = add(out, max, &count, r))) {
            snprintf(f->what, sizeof(f->what), "%s", r->error);
            f->advice = cs_finding_advice(r->error, r->cache, r->allocs != NULL);
        }
        for (k = 0; k < r->nverdicts && k < CS_M_COUNT; k++) {
            const cs_verdict *v = &r->verdicts[k];

            if (!shown(v, j.verdict[k]) || !(f = add(out, max, &count, r)))
                continue;
            snprintf(f->what, sizeof(f->what), "%s grows: %s%s%s", cs_metric_name(v->metric),
                     cs_verdict_name(v->kind), v->stands_in ? " (standing in for the heap, whose walks "
                     "the sampler spaced out: --heap-walk every for the heap's own figure)" : "",
                     j.verdict[k] == CS_G_LEFT_OUT ? " (left out by --fail-on)" : "");
            snprintf(f->amount, sizeof(f->amount), "%+.2f %s per iteration (95%% interval %.2f to %.2f)",
                     v->per_iteration, cs_metric_unit(v->metric), v->ci_low, v->ci_high);
            f->call = r->calls;
            f->advice = cs_finding_advice(cs_metric_name(v->metric), r->cache, r->allocs != NULL);
        }
        for (k = 0; k < r->release.nfindings; k++) {
            if (!(f = add(out, max, &count, r)))
                continue;
            cs_judge_finding_line(r, &j, k, f->what, sizeof(f->what));
            f->advice = cs_finding_advice(f->what, r->cache, r->allocs != NULL);
            attribute(f, r);
        }
    }
    return count;
}
