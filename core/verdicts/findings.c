/* Findings in plain words: see findings.h. */
#include <math.h>
#include <stdarg.h>
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

int cs_finding_sites(const cs_run *r)
{
    size_t i;
    int n = 0;

    if (!r->allocs)
        return -1;
    for (i = 0; i < r->nallocs; i++)
        n += r->allocs[i].cls && !strcmp(r->allocs[i].cls, "leak");
    return n;
}

/* The binding cache's cause and fix, by policy. */
#define CAUSE_UNBOUNDED "the binding cache keeps a rule per object: per-instance binding (policy " \
    "instance-unbounded) rebinds every new object and never drops its rule"
#define FIX_UNBOUNDED "key the cache on type identity (type policy) or bound it (instance policy)"
#define CAUSE_CACHE "the binding cache grows with the objects it binds"
#define FIX_CACHE "key the binding cache on type identity"

const char *cs_finding_advice(const char *line, const char *policy, int sites)
{
    size_t i;
    int unbounded = policy && !strcmp(policy, "instance-unbounded");

    if (!strncmp(line, "cache_", 6))
        return unbounded ? FIX_UNBOUNDED : FIX_CACHE;
    if (!strncmp(line, "live_objects", 12) || !strncmp(line, "server_locks", 12))
        return advice_table[2].advice;
    if (!strncmp(line, "cotaskmem", 9))
        return advice_table[5].advice;
    if (!strncmp(line, "threads", 7))
        return "threads started and never ended: join or stop every thread the target starts";
    if (!strncmp(line, "heap_", 5) || !strncmp(line, "working_set", 11) || !strncmp(line, "pagefile", 8))
        return sites > 0 ? "memory that grows with the iterations: the allocation findings name the site"
               : sites == 0 ? "memory that grows with the iterations: the trace found no allocation "
                              "site that grows with them (the growth is outside the allocators it follows)"
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

/* Is metric m one that grows with the heap when the binding cache
 * keeps what it binds (heap bytes and blocks, cache entries and bytes)? */
static int heap_group(cs_metric m)
{
    return m == CS_M_HEAP_BYTES || m == CS_M_HEAP_BLOCKS || m == CS_M_CACHE_ENTRIES || m == CS_M_CACHE_BYTES;
}

/* Appends one verdict's figure to f->amount ("+24.00 bytes (heap_bytes,
 * 95% interval 23.90 to 24.10)"), after a "; " when it is not the first;
 * note, when not NULL, says why that figure does not count. */
static void add_figure(cs_finding *f, const cs_verdict *v, int named, const char *note)
{
    size_t len = strlen(f->amount);
    char name[64] = "";

    if (named)
        snprintf(name, sizeof(name), "%s, ", cs_metric_name(v->metric));
    snprintf(f->amount + len, sizeof(f->amount) - len, "%s%+.2f %s (%s95%% interval %.2f to %.2f%s%s)",
             len ? "; " : "", v->per_iteration, cs_metric_unit(v->metric), name, v->ci_low, v->ci_high,
             note ? "; not gating: " : "", note ? note : "");
}

/* The gating of f from one of its verdicts judged g: it gates when any
 * of them does; else it keeps the first reason it does not count. */
static void judge_into(cs_finding *f, const cs_judgement *j, size_t k)
{
    if (j->verdict[k] == CS_G_GATES) {
        f->gates = 1;
        f->why_not = NULL;
    } else if (!f->gates && !f->why_not)
        f->why_not = cs_judge_verdict_why(j, k);
}

/* Does a heap or binding-cache metric of r leak? */
static int heap_leaks(const cs_run *r)
{
    size_t k;

    for (k = 0; k < r->nverdicts && k < CS_M_COUNT; k++)
        if (r->verdicts[k].kind == CS_V_LEAK && heap_group(r->verdicts[k].metric))
            return 1;
    return 0;
}

/* Is verdict v of r part of r's heap finding? A leak of the heap or the
 * binding cache, and, when one of those leaks, a page-granular memory
 * counter's leak (the same growth seen in pages). */
static int in_heap_finding(const cs_run *r, const cs_verdict *v)
{
    if (v->kind != CS_V_LEAK)
        return 0;
    return heap_group(v->metric) || (cs_metric_page_granular(v->metric) && !v->stands_in && heap_leaks(r));
}

/* The leaks of the heap and binding-cache metrics of r (with the memory
 * counters that grow with them) as one finding: when a cache metric is
 * among them, the cache is the cause, said first with its fix (tracing
 * cannot name a site for it: the growth is the harness's own binding
 * cache). A figure that does not gate in a finding that does says so. */
static void heap_finding(const cs_run *r, const cs_judgement *j, cs_finding *out, size_t max, size_t *count)
{
    size_t k, n = 0, i = 0, len;
    int cache = 0;
    cs_finding *f;

    for (k = 0; k < r->nverdicts && k < CS_M_COUNT; k++)
        if (in_heap_finding(r, &r->verdicts[k])) {
            n++;
            cache |= r->verdicts[k].metric == CS_M_CACHE_ENTRIES || r->verdicts[k].metric == CS_M_CACHE_BYTES;
        }
    if (!n || !(f = add(out, max, count, r)))
        return;
    if (cache)
        snprintf(f->what, sizeof(f->what), "%s: ",
                 r->cache && !strcmp(r->cache, "instance-unbounded") ? CAUSE_UNBOUNDED : CAUSE_CACHE);
    for (k = 0; k < r->nverdicts && k < CS_M_COUNT; k++)
        if (in_heap_finding(r, &r->verdicts[k])) {
            len = strlen(f->what);
            snprintf(f->what + len, sizeof(f->what) - len, "%s%s", i ? (i + 1 < n ? ", " : " and ") : "",
                     cs_metric_name(r->verdicts[k].metric));
            i++;
            judge_into(f, j, k);
        }
    len = strlen(f->what);
    snprintf(f->what + len, sizeof(f->what) - len, n > 1 ? " grow together: leak" : " grows: leak");
    for (k = 0; k < r->nverdicts && k < CS_M_COUNT; k++)
        if (in_heap_finding(r, &r->verdicts[k]))
            add_figure(f, &r->verdicts[k], n > 1, f->gates ? cs_judge_verdict_why(j, k) : NULL);
    f->call = r->calls;
    if (cache)
        f->where = "comstress's own binding cache, not the target: no site in the target to name "
                   "(the cache is the finding)";
    f->advice = cs_finding_advice(cache ? "cache_" : "heap_", r->cache, cs_finding_sites(r));
}

/* A memory counter that grows in pages while the heap does not: a trace
 * follows the heap's allocations, so it has no site to name. */
#define PAGES "memory that grows in whole pages while the heap does not: pages mapped outside the heaps " \
    "(a file mapping, thread stacks, an allocator's reserve); a trace follows heap allocations and " \
    "has no site to name for it"

/* Every other leak verdict of r, one finding each (a page-granular one
 * when the heap does not leak: see PAGES). */
static void other_findings(const cs_run *r, const cs_judgement *j, cs_finding *out, size_t max, size_t *count)
{
    size_t k;
    cs_finding *f;

    for (k = 0; k < r->nverdicts && k < CS_M_COUNT; k++) {
        const cs_verdict *v = &r->verdicts[k];

        if (v->kind != CS_V_LEAK || in_heap_finding(r, v) || !(f = add(out, max, count, r)))
            continue;
        snprintf(f->what, sizeof(f->what), "%s grows: leak%s", cs_metric_name(v->metric),
                 v->stands_in ? " (standing in for the heap, whose walks the sampler spaced out: "
                 "--heap-walk every for the heap's own figure)" : "");
        add_figure(f, v, 0, NULL);
        judge_into(f, j, k);
        f->call = r->calls;
        f->advice = cs_metric_page_granular(v->metric) && !v->stands_in ? PAGES
                    : cs_finding_advice(cs_metric_name(v->metric), r->cache, cs_finding_sites(r));
    }
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
            f->gates = 1;
            f->advice = cs_finding_advice(r->error, r->cache, cs_finding_sites(r));
        }
        heap_finding(r, &j, out, max, &count);
        other_findings(r, &j, out, max, &count);
        for (k = 0; k < r->release.nfindings && k < CS_MAX_FINDINGS; k++) {
            if (!(f = add(out, max, &count, r)))
                continue;
            f->gates = j.finding[k] == CS_G_GATES;
            if (f->gates)
                cs_judge_finding_line(r, &j, k, f->what, sizeof(f->what));
            else
                snprintf(f->what, sizeof(f->what), "%s", r->release.findings[k]);
            f->why_not = f->gates ? NULL : "left out by --fail-on";
            f->advice = cs_finding_advice(f->what, r->cache, cs_finding_sites(r));
            attribute(f, r);
        }
    }
    return count;
}

/* The leak verdict that says how much r leaks per object: heap_bytes
 * when it leaks, else the first exact metric (or stand-in) that leaks;
 * NULL when none does. */
static const cs_verdict *per_object(const cs_run *r)
{
    const cs_verdict *first = NULL;
    size_t k;

    for (k = 0; k < r->nverdicts && k < CS_M_COUNT; k++) {
        const cs_verdict *v = &r->verdicts[k];

        if (v->kind != CS_V_LEAK || (cs_metric_page_granular(v->metric) && !v->stands_in))
            continue;
        if (v->metric == CS_M_HEAP_BYTES)
            return v;
        if (!first)
            first = v;
    }
    return first;
}

/* Appends printf-style text to buf[0..len). */
static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;

    if (used + 1 >= len)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* Why r leaks, for the compare sentence: the binding cache when its
 * metrics grow, else the metric that grows. */
static const char *leak_cause(const cs_run *r, const cs_verdict *v)
{
    size_t k;

    for (k = 0; k < r->nverdicts && k < CS_M_COUNT; k++)
        if (r->verdicts[k].kind == CS_V_LEAK
            && (r->verdicts[k].metric == CS_M_CACHE_ENTRIES || r->verdicts[k].metric == CS_M_CACHE_BYTES))
            return r->cache && !strcmp(r->cache, "instance-unbounded")
                   ? "the binding cache keeps a rule per object (per-instance binding, never bounded)"
                   : CAUSE_CACHE;
    return v->metric == CS_M_HEAP_BYTES ? "the heap grows with every object and is never given back"
                                        : "it grows with every object";
}

/* Appends the policies of runs whose state is want (0 clean, 2 ended
 * early) as "a, b and c"; returns how many. */
static size_t list_policies(char *buf, size_t len, const cs_run *const *runs, size_t n, const int *state, int want)
{
    size_t i, k = 0, total = 0;

    for (i = 0; i < n; i++)
        total += state[i] == want;
    for (i = 0; i < n; i++)
        if (state[i] == want) {
            append(buf, len, "%s%s", k ? (k + 1 < total ? ", " : " and ") : "", runs[i]->cache ? runs[i]->cache : "?");
            k++;
        }
    return total;
}

/* Appends "a is clean" / "a and b are clean" for the runs whose state is
 * want, after sep; nothing when there is none. */
static void say_policies(char *buf, size_t len, const cs_run *const *runs, size_t n, const int *state,
                         int want, const char *sep, const char *one, const char *many)
{
    size_t i, total = 0;

    for (i = 0; i < n; i++)
        total += state[i] == want;
    if (!total)
        return;
    append(buf, len, "%s", sep);
    list_policies(buf, len, runs, n, state, want);
    append(buf, len, "%s", total == 1 ? one : many);
}

const char *cs_findings_compare_sentence(const cs_run *const *runs, size_t n, char *buf, size_t len)
{
    int state[64];
    size_t i, leaking = 0, ended = 0, m = n < 64 ? n : 64;

    buf[0] = 0;
    for (i = 0; i < m; i++) {
        state[i] = runs[i]->error ? 2 : per_object(runs[i]) ? 1 : 0;
        leaking += state[i] == 1;
        ended += state[i] == 2;
    }
    if (!leaking && !ended) {
        append(buf, len, "Every policy is clean: ");
        list_policies(buf, len, runs, m, state, 0);
        append(buf, len, ".");
        return buf;
    }
    for (i = 0; i < m; i++) {
        const cs_verdict *v = state[i] == 1 ? per_object(runs[i]) : NULL;

        if (v)
            append(buf, len, "%sPolicy %s leaks %.2f %s per object (%s per iteration): %s", buf[0] ? "; " : "",
                   runs[i]->cache ? runs[i]->cache : "?", v->per_iteration, cs_metric_unit(v->metric),
                   cs_metric_name(v->metric), leak_cause(runs[i], v));
    }
    if (!leaking)
        append(buf, len, "No policy leaks");
    say_policies(buf, len, runs, m, state, 0, "; ", " is clean", " are clean");
    say_policies(buf, len, runs, m, state, 2, "; ", " ended early (see its finding)", " ended early (see their findings)");
    append(buf, len, ".");
    return buf;
}
